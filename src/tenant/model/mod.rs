//! The typed tenant model, tolerant of unknown fields (every struct keeps `extra`) and of the
//! type surprises real tenants send. Objects refer to each other by display name.

pub mod api;
pub mod client;
pub mod code;
pub mod connection;
pub mod delivery;
pub mod lenient;
mod lookup;
pub mod organization;
pub mod outcome;
pub mod protection;
pub mod settings;
pub mod snapshot;
pub mod sources;

pub use api::{ApiScope, ResourceServer, Role, RolePermission};
pub use client::{Client, ClientGrant, DEFAULT_GRANT_TYPES, JwtConfiguration, RefreshTokenConfig};
pub use code::{Action, Dependency, Hook, Rule, TriggerBinding, TriggerMap};
pub use connection::{
    Connection, ConnectionMfa, ConnectionOptions, EnableToggle, PasswordComplexity,
    PasswordDictionary, PasswordHistory,
};
pub use delivery::{CustomDomain, EmailProvider, EmailTemplate, LogStream, LogStreamSink};
pub use lenient::StringOrInt;
pub use organization::{Organization, OrganizationConnection, Prompts};
pub use outcome::ReadOutcome;
pub use protection::{
    AttackProtection, BotDetection, BreachedPasswordDetection, BruteForceProtection, Guardian,
    GuardianFactor, GuardianProvider, SuspiciousIpThrottling,
};
pub use settings::{ErrorPage, TenantFlags, TenantSettings};
pub use snapshot::{
    DataKind, ExportFormat, LoadWarning, SnapshotSource, SourceText, TenantSnapshot, WarningEffect,
};
pub use sources::{CodeKind, CodeSource};
