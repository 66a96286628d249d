//! Request pacing from the rate-limit headers (`x-ratelimit-limit/remaining/reset`) plus an
//! optional client-side `--max-rps` bucket, and the waits after a 429 (Retry-After, else
//! reset - now, with jitter) or a 5xx/timeout (capped exponential backoff). Pure: the caller
//! passes the clock, so every rule here is unit-tested.

use std::time::Duration;

/// Rate-limit state seen on the last response.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateHeaders {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// Epoch seconds when the bucket is full again.
    pub reset: Option<u64>,
}

/// Paces requests so that a run at the tenant's limit gets no avoidable 429.
#[derive(Debug, Clone, Default)]
pub struct Pacer {
    last: RateHeaders,
    /// Smallest observed upper bound of the refill period per token (seconds): waiting it never
    /// runs ahead of the bucket.
    per_token: Option<f64>,
    /// Client-side cap.
    max_rps: Option<f64>,
    /// Epoch seconds (fractional) of the last request sent.
    last_sent: Option<f64>,
}

impl Pacer {
    /// A pacer with an optional client-side requests-per-second cap.
    pub fn new(max_rps: Option<f64>) -> Self {
        Pacer {
            max_rps: max_rps.filter(|r| *r > 0.0),
            ..Pacer::default()
        }
    }

    /// Records the headers of a response received at `now` (epoch seconds, fractional).
    pub fn observe(&mut self, headers: RateHeaders, now: f64) {
        if let (Some(limit), Some(remaining), Some(reset)) =
            (headers.limit, headers.remaining, headers.reset)
        {
            // `remaining` is the whole tokens left, so more than `limit - remaining - 1` tokens
            // are missing; `reset` is rounded up to a whole second, so the bucket is full by
            // then. Their quotient is an upper bound of the refill period: waiting it never
            // runs ahead of the bucket, and the smallest sample approaches the true period.
            let surely_missing = limit.saturating_sub(remaining).saturating_sub(1);
            let to_full = reset as f64 - now;
            if surely_missing > 0 && to_full > 0.0 {
                let sample = to_full / surely_missing as f64;
                self.per_token = Some(self.per_token.map_or(sample, |p| p.min(sample)));
            }
        }
        self.last = headers;
    }

    /// How long to wait before sending the next request at `now`.
    pub fn wait_before_next(&self, now: f64) -> Duration {
        let mut wait: f64 = 0.0;
        if let (Some(0), Some(reset)) = (self.last.remaining, self.last.reset) {
            let until_reset = (reset as f64 - now).max(0.0);
            // A small margin keeps float rounding on either side from arriving a hair early.
            let one_token = self.per_token.map_or(until_reset, |p| p * 1.02 + 0.01);
            wait = wait.max(one_token.min(until_reset));
        }
        if let (Some(rps), Some(sent)) = (self.max_rps, self.last_sent) {
            wait = wait.max(sent + 1.0 / rps - now);
        }
        Duration::from_secs_f64(wait.max(0.0))
    }

    /// Notes that a request is sent at `now`; the server's bucket loses one token.
    pub fn sent(&mut self, now: f64) {
        self.last_sent = Some(now);
        if let Some(r) = self.last.remaining.as_mut() {
            *r = r.saturating_sub(1);
        }
    }
}

/// Wait after a 429: `Retry-After` seconds when sent, else `reset - now`, clamped to [0.2 s,
/// 60 s], plus `jitter` (0..=1 scaled to 250 ms).
pub fn wait_after_429(
    retry_after: Option<u64>,
    reset: Option<u64>,
    now: f64,
    jitter: f64,
) -> Duration {
    let base = match (retry_after, reset) {
        (Some(s), _) => s as f64,
        (None, Some(r)) => r as f64 - now,
        (None, None) => 1.0,
    };
    Duration::from_secs_f64(base.clamp(0.2, 60.0) + jitter.clamp(0.0, 1.0) * 0.25)
}

/// Capped exponential backoff for 5xx and network errors: 250 ms x 2^attempt, at most 8 s.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let base = 0.25 * f64::from(2u32.saturating_pow(attempt.min(6)));
    Duration::from_secs_f64(base.min(8.0) * (1.0 + jitter.clamp(0.0, 1.0) * 0.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(limit: u64, remaining: u64, reset: u64) -> RateHeaders {
        RateHeaders {
            limit: Some(limit),
            remaining: Some(remaining),
            reset: Some(reset),
        }
    }

    #[test]
    fn no_wait_while_tokens_remain() {
        let mut p = Pacer::new(None);
        p.observe(h(10, 5, 101), 100.0);
        assert_eq!(p.wait_before_next(100.0), Duration::ZERO);
    }

    #[test]
    fn empty_bucket_waits_one_learned_token_period_not_the_full_reset() {
        let mut p = Pacer::new(None);
        // More than 2 tokens missing, full within 1.0 s => at most 0.5 s per token.
        p.observe(h(3, 0, 101), 100.0);
        let w = p.wait_before_next(100.0);
        assert!((w.as_secs_f64() - 0.52).abs() < 1e-9, "{w:?}");
        // A later, coarser observation does not raise the learned period.
        p.observe(h(3, 0, 102), 100.2);
        assert!((p.wait_before_next(100.2).as_secs_f64() - 0.52).abs() < 1e-9);
    }

    #[test]
    fn whole_token_rounding_never_underestimates_the_period() {
        // Burst 2 at 2/s: 1.7 tokens missing show as `remaining: 0`, full in 0.85 s (reset
        // rounded up to 101 at 100.15). Dividing by the 2 apparent missing tokens would give
        // 0.425 s, faster than the bucket refills; the bound from 1 sure token is 0.85 s.
        let mut p = Pacer::new(None);
        p.observe(h(2, 0, 101), 100.15);
        let w = p.wait_before_next(100.15).as_secs_f64();
        assert!(w >= 0.5, "{w}");
        // With nothing learned yet (remaining 1 says nothing sure), wait for the reset.
        let mut q = Pacer::new(None);
        q.observe(h(2, 0, 101), 100.6);
        assert!(q.wait_before_next(100.6).as_secs_f64() >= 0.4);
    }

    #[test]
    fn max_rps_spaces_requests() {
        let mut p = Pacer::new(Some(4.0));
        p.sent(10.0);
        let w = p.wait_before_next(10.1).as_secs_f64();
        assert!((w - 0.15).abs() < 1e-9, "{w}");
    }

    #[test]
    fn sending_spends_the_known_remaining() {
        let mut p = Pacer::new(None);
        p.observe(h(2, 1, 101), 100.0);
        p.sent(100.0);
        assert!(p.wait_before_next(100.0) > Duration::ZERO);
    }

    #[test]
    fn retry_after_wins_then_reset_and_clamps() {
        assert_eq!(
            wait_after_429(Some(3), Some(200), 100.0, 0.0),
            Duration::from_secs(3)
        );
        assert_eq!(
            wait_after_429(None, Some(102), 100.0, 0.0),
            Duration::from_secs(2)
        );
        assert_eq!(
            wait_after_429(None, Some(50), 100.0, 0.0),
            Duration::from_millis(200)
        );
        assert!(wait_after_429(None, None, 0.0, 1.0) > Duration::from_secs(1));
    }

    #[test]
    fn backoff_is_capped() {
        assert_eq!(backoff(0, 0.0), Duration::from_millis(250));
        assert_eq!(backoff(2, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(30, 0.0), Duration::from_secs(8));
    }
}
