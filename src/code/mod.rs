//! JavaScript analysis of Actions, Rules, Hooks and connection scripts on `swc_ecma_parser`:
//! sources, sinks, guards, secrets and egress, each with a source location.
