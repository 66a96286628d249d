//! The tenant model ([`TenantSnapshot`]) and its sources: a Deploy CLI export on disk or the live
//! Management API.

pub mod api;
pub mod error;
pub mod export;
pub mod keywords;
pub mod model;
pub mod names;

pub use error::TenantError;
pub use export::{ExportLocation, detect_export, load_export};
pub use keywords::KeywordMap;
pub use model::*;
