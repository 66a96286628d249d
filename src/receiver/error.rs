//! The receiver's error type: one enum for the layer, each variant naming the step that failed.

use std::path::PathBuf;

/// Why the receiver could not start, ingest or hand a signal on.
#[derive(Debug, thiserror::Error)]
pub enum ReceiverError {
    /// The request body is not a batch of log events; the message says what is wrong.
    #[error("malformed batch: {0}")]
    MalformedBatch(String),
    /// The token file could not be read or is empty.
    #[error("token file {path}: {reason}")]
    TokenFile { path: PathBuf, reason: String },
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    /// The HTTP server stopped with an error.
    #[error("http server failed: {0}")]
    Serve(#[source] std::io::Error),
    /// A cluster sink (signals, Events, rescans) rejected a write.
    #[error("sink {sink} failed: {message}")]
    Sink { sink: &'static str, message: String },
}

impl ReceiverError {
    /// Stable PascalCase reason for Events and metric labels.
    pub fn reason(&self) -> &'static str {
        match self {
            ReceiverError::MalformedBatch(_) => "MalformedBatch",
            ReceiverError::TokenFile { .. } => "TokenFileUnreadable",
            ReceiverError::Listen { .. } => "ListenFailed",
            ReceiverError::Serve(_) => "ServeFailed",
            ReceiverError::Sink { .. } => "SinkFailed",
        }
    }
}
