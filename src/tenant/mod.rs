//! The tenant model ([`TenantSnapshot`]) and its sources: a Deploy CLI export on disk or the live
//! Management API.

pub mod model;

pub use model::*;
