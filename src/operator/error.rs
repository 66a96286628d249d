//! The operator's error type: every variant says which step failed, whether retrying can help, and
//! a stable PascalCase reason used for conditions, Events and metric labels.

use std::time::Duration;

use super::credentials::CredentialsError;

/// A failed reconcile step.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    /// The spec cannot work as written; only an edit helps.
    #[error("invalid spec: {0}")]
    InvalidSpec(String),
    /// Credentials could not be resolved.
    #[error("credentials: {0}")]
    Credentials(#[from] CredentialsError),
    /// A Kubernetes API call failed.
    #[error("kubernetes API call {call} failed")]
    Kube {
        call: &'static str,
        #[source]
        source: kube::Error,
    },
    /// An object could not be (de)serialised.
    #[error("serialising {what}")]
    Serialize {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// The object is missing a field the apiserver always sets.
    #[error("object has no {0}")]
    MissingField(&'static str),
}

/// Wraps a kube error with the call that failed.
pub fn kube_call(call: &'static str) -> impl FnOnce(kube::Error) -> OperatorError {
    move |source| OperatorError::Kube { call, source }
}

impl OperatorError {
    /// Stable PascalCase reason (conditions, Events, metric label).
    pub fn reason(&self) -> &'static str {
        match self {
            OperatorError::InvalidSpec(_) => "InvalidSpec",
            OperatorError::Credentials(e) => e.reason(),
            OperatorError::Kube { .. } => "KubernetesApiError",
            OperatorError::Serialize { .. } => "SerializationError",
            OperatorError::MissingField(_) => "IncompleteObject",
        }
    }

    /// True when retrying later can succeed without a spec change.
    pub fn is_transient(&self) -> bool {
        match self {
            OperatorError::InvalidSpec(_) | OperatorError::MissingField(_) => false,
            OperatorError::Credentials(e) => e.is_transient(),
            OperatorError::Kube { .. } | OperatorError::Serialize { .. } => true,
        }
    }
}

/// Capped exponential backoff: `base * 2^(failures-1)`, at most `cap`.
pub fn backoff(failures: u32, base: Duration, cap: Duration) -> Duration {
    let exponent = failures.saturating_sub(1).min(20);
    base.saturating_mul(1u32 << exponent).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_secs(5);
        let cap = Duration::from_secs(300);
        assert_eq!(backoff(1, base, cap), Duration::from_secs(5));
        assert_eq!(backoff(2, base, cap), Duration::from_secs(10));
        assert_eq!(backoff(4, base, cap), Duration::from_secs(40));
        assert_eq!(backoff(30, base, cap), cap);
        assert_eq!(backoff(u32::MAX, base, cap), cap);
    }

    #[test]
    fn spec_errors_are_not_transient_but_api_errors_are() {
        assert!(!OperatorError::InvalidSpec("x".into()).is_transient());
        assert_eq!(
            OperatorError::InvalidSpec("x".into()).reason(),
            "InvalidSpec"
        );
        let api = OperatorError::Kube {
            call: "get",
            source: kube::Error::LinesCodecMaxLineLengthExceeded,
        };
        assert!(api.is_transient());
    }
}
