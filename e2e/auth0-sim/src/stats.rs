//! Request counters per endpoint (method + path template), 429s and injected faults, served at
//! `GET /__sim/stats` for tests and benchmarks.

use std::collections::BTreeMap;

use serde::Serialize;

/// Counters since start (or the last reset).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Stats {
    /// Every request that reached the emulator (429s and faults included).
    pub total: u64,
    /// Requests per `METHOD /path/template`.
    pub requests: BTreeMap<String, u64>,
    /// Responses per status code.
    pub statuses: BTreeMap<u16, u64>,
    /// 429 answers.
    pub rate_limited: u64,
    /// Injected 5xx answers.
    pub injected_errors: u64,
    /// Connections dropped on purpose.
    pub dropped: u64,
    /// Tokens issued by `/oauth/token`.
    pub tokens_issued: u64,
}

impl Stats {
    /// Counts one request.
    pub fn record(&mut self, endpoint: &str, status: u16) {
        self.total += 1;
        *self.requests.entry(endpoint.to_string()).or_default() += 1;
        *self.statuses.entry(status).or_default() += 1;
        if status == 429 {
            self.rate_limited += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_endpoint_and_429s() {
        let mut s = Stats::default();
        s.record("GET /api/v2/clients", 200);
        s.record("GET /api/v2/clients", 429);
        s.record("GET /api/v2/roles", 200);
        assert_eq!(s.total, 3);
        assert_eq!(s.requests["GET /api/v2/clients"], 2);
        assert_eq!(s.rate_limited, 1);
        assert_eq!(s.statuses[&200], 2);
    }
}
