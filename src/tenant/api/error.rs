//! Errors of the live Management API reader. Messages never contain a token or a secret.

/// What went wrong while reading a live tenant.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("missing credentials: set {0}")]
    MissingCredentials(&'static str),
    #[error("invalid API base URL {url:?}: {reason}")]
    BadBase { url: String, reason: String },
    #[error("token request to {url} failed: HTTP {status}: {error}")]
    Token {
        url: String,
        status: u16,
        error: String,
    },
    #[error("GET {path} failed: HTTP {status}: {message}")]
    Http {
        path: String,
        status: u16,
        message: String,
    },
    #[error("GET {path}: unexpected response shape: {reason}")]
    Shape { path: String, reason: String },
    #[error("{what}: network error after {attempts} attempts: {message}")]
    Network {
        what: String,
        attempts: u32,
        message: String,
    },
    #[error("the run deadline of {seconds}s passed while reading {what}")]
    Deadline { seconds: u64, what: String },
    #[error("writing {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Tenant(#[from] crate::tenant::TenantError),
}

impl LiveError {
    /// Stable PascalCase category for logs and metrics.
    pub fn category(&self) -> &'static str {
        match self {
            LiveError::MissingCredentials(_) => "MissingCredentials",
            LiveError::BadBase { .. } => "BadApiBase",
            LiveError::Token { .. } => "TokenFailed",
            LiveError::Http { .. } => "HttpError",
            LiveError::Shape { .. } => "UnexpectedShape",
            LiveError::Network { .. } => "NetworkError",
            LiveError::Deadline { .. } => "DeadlineExceeded",
            LiveError::Write { .. } => "WriteFailed",
            LiveError::Tenant(_) => "SnapshotFailed",
        }
    }
}

/// Result alias of the live reader.
pub type Result<T, E = LiveError> = std::result::Result<T, E>;
