//! Faults switched on and off while the emulator runs, for tests that need a tenant to break in
//! the middle of a scan: `POST /__sim/faults` with `{"failAfter": N, "status": 503, "latencyMs":
//! 200}` lets the next `N` Management API requests through and answers every later one with
//! `status` (a 5xx); `latencyMs` slows every request down. `GET` shows the settings and how many
//! API requests were counted since they were set; `DELETE` clears them.

use std::time::Duration;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// What a test asked for. Every field is optional; an empty object switches every fault off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuntimeFaults {
    /// API requests still answered normally before every later one fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_after: Option<u64>,
    /// The status of the failing answers (500..=599; 503 when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Latency added to every request, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
}

impl RuntimeFaults {
    /// Checks the settings: a failure status must be a server error.
    pub fn validate(&self) -> Result<(), String> {
        match self.status {
            Some(code) if !(500..=599).contains(&code) => {
                Err(format!("status must be a 5xx, got {code}"))
            }
            _ => Ok(()),
        }
    }
}

/// The settings and the API requests counted since they were set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultState {
    pub settings: RuntimeFaults,
    pub api_requests: u64,
}

impl FaultState {
    /// Replaces the settings and starts counting from zero.
    pub fn set(&mut self, settings: RuntimeFaults) {
        self.settings = settings;
        self.api_requests = 0;
    }

    /// Counts one API request; the status it must fail with, if any.
    pub fn on_api_request(&mut self) -> Option<StatusCode> {
        self.api_requests = self.api_requests.saturating_add(1);
        let allowed = self.settings.fail_after?;
        if self.api_requests <= allowed {
            return None;
        }
        let code = self.settings.status.unwrap_or(503);
        Some(StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE))
    }

    /// Latency to add to every request.
    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.settings.latency_ms.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_fail_after_the_allowed_number() {
        let mut state = FaultState::default();
        assert_eq!(state.on_api_request(), None, "no fault by default");
        state.set(RuntimeFaults {
            fail_after: Some(2),
            status: Some(500),
            latency_ms: None,
        });
        assert_eq!(state.on_api_request(), None);
        assert_eq!(state.on_api_request(), None);
        assert_eq!(
            state.on_api_request(),
            Some(StatusCode::INTERNAL_SERVER_ERROR)
        );
        assert_eq!(
            state.on_api_request(),
            Some(StatusCode::INTERNAL_SERVER_ERROR)
        );
        state.set(RuntimeFaults::default());
        assert_eq!(state.on_api_request(), None, "cleared");
    }

    #[test]
    fn only_server_errors_are_accepted_and_503_is_the_default() {
        let bad = RuntimeFaults {
            status: Some(404),
            ..Default::default()
        };
        assert!(bad.validate().unwrap_err().contains("5xx"));
        let mut state = FaultState::default();
        state.set(RuntimeFaults {
            fail_after: Some(0),
            latency_ms: Some(40),
            ..Default::default()
        });
        assert_eq!(
            state.on_api_request(),
            Some(StatusCode::SERVICE_UNAVAILABLE)
        );
        assert_eq!(state.latency(), Duration::from_millis(40));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<RuntimeFaults>(r#"{"failAfterr": 3}"#).unwrap_err();
        assert!(err.to_string().contains("failAfterr"), "{err}");
    }
}
