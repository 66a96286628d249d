//! auth0-sim: an Auth0 Management API emulator for tests and benchmarks. It serves tenants
//! loaded from Deploy CLI exports (or synthesised) on loopback with the behaviours of the
//! reference (`shared/reference/auth0-management-api.md` section 7): token endpoint, scope
//! checks, list wrappers and paging, rate-limit headers and 429s, fault injection (also switched
//! at run time through `/__sim/faults`), and request counters at `/__sim/stats`.

pub mod auth;
pub mod dice;
pub mod errors;
pub mod faults;
pub mod generate;
pub mod generate_code;
mod generate_parts;
pub mod ids;
pub mod limiter;
pub mod load;
pub mod load_code;
mod load_settings;
pub mod minimum;
pub mod paging;
pub mod routes;
mod routes_extra;
mod routes_more;
pub mod server;
pub mod stats;
pub mod store;

pub use server::{Faults, Running, SimConfig, router, spawn};
pub use store::{READ_SCOPES, Tenant};
