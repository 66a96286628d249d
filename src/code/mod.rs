//! JavaScript analysis of tenant code (Actions, Rules, Hooks, database and profile scripts) on
//! `swc_ecma_parser`: the sources each piece of code reads, the effects it performs, the
//! conditions that guard them, hard-coded secrets and outbound calls. See [`effects`] for the
//! output contract.

pub mod effects;

pub use effects::{
    CodeFinding, CodeHint, CodeKind, CodeReport, Effect, EffectKind, ParseFailure, SecretKind,
    Source,
};
