//! The tenant model ([`TenantSnapshot`]) and its sources: a Deploy CLI export on disk or the live
//! Management API.

pub mod error;
pub mod keywords;
pub mod model;

pub use error::TenantError;
pub use keywords::KeywordMap;
pub use model::*;
