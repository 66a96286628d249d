//! The attack graph: node and edge types, the builder that joins a tenant snapshot with code
//! effects, and path search.
//!
//! **Nodes** are tenant objects and the things attackers reach through them, each an
//! [`ObjectKind`](crate::findings::ObjectKind) and a display name: connections, clients
//! (applications), Actions / Rules / Hooks (code; connection scripts are their connection's
//! node), user attributes (`user_metadata.role`, `app_metadata.*`, `email (unverified)`,
//! `email_verified`, `request.query.x`), scopes, claims, resource servers (APIs), client grants
//! and Management API impacts (`full dump of every user's profile and PII`, ...).
//!
//! **Edges** ([`EdgeKind`]) say how one node enables the next:
//! connection `EnabledFor` client; connection `SignupWrites` attribute (open database signup);
//! connection `AssertsEmailVerified` `email_verified` (forged by a profile script or trusted from
//! the IdP); attribute `ReadBy` code; code `Writes` attribute; code `AddsScope` scope; code
//! `SetsClaim` claim; scope `TrustedBy` API; client `CanRequestTokensFor` API and API
//! `IssuesAnyScope` scope (RBAC off); client `HoldsGrant` grant `Grants` Management API impact;
//! code `LeaksSecretOf` client. Edges through code carry the code effect that realises them,
//! so paths never jump between unrelated statements of one Action.

pub mod build;
pub mod mgmt_scopes;
pub mod model;
pub mod names;
pub mod paths;

pub use build::build_graph;
pub use mgmt_scopes::{Impact, impact_of, worst_impact};
pub use model::{AttackGraph, Edge, EdgeKind, Node, NodeId};
pub use paths::{FoundPath, privilege_paths};
