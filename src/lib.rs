//! authpath: Auth0 tenants as an identity attack graph.
//!
//! The modules follow the data flow, left to right:
//! `tenant` (source -> [`tenant::TenantSnapshot`]) -> `code` (effects of Actions, Rules, Hooks and
//! scripts) -> `graph` (nodes, edges, path search) -> `checks` (rule registry) -> `findings`
//! (finding model and renderers) -> sinks (`operator` writes `Auth0Finding` resources, `receiver`
//! correlates log-stream events with them). `crd` holds the two custom resource types and `cli`
//! the command-line front end.

pub mod checks;
pub mod cli;
pub mod code;
pub mod crd;
pub mod findings;
pub mod graph;
pub mod operator;
pub mod receiver;
pub mod tenant;
