//! Token-bucket rate limiting as the Management API applies it: `x-ratelimit-limit` (bucket
//! size), `x-ratelimit-remaining` and `x-ratelimit-reset` (epoch seconds when the bucket is full
//! again) on every response, 429 with `Retry-After` when the bucket is empty.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The verdict for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// Bucket size (`x-ratelimit-limit`).
    pub limit: u64,
    /// Whole tokens left (`x-ratelimit-remaining`).
    pub remaining: u64,
    /// Epoch seconds when the bucket is full (`x-ratelimit-reset`).
    pub reset: u64,
    /// Seconds until one token is available (`Retry-After` on 429).
    pub retry_after: u64,
}

/// A token bucket refilled at `rate` tokens per second up to `burst`.
#[derive(Debug)]
pub struct Bucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn new(rate: f64, burst: u64) -> Self {
        let burst = burst.max(1) as f64;
        Bucket {
            rate: rate.max(0.001),
            burst,
            tokens: burst,
            last: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.last = now;
    }

    /// Takes one token when `consume`, else only reports the state.
    pub fn check(&mut self, now: Instant, consume: bool) -> Verdict {
        self.refill(now);
        let allowed = self.tokens >= 1.0;
        if allowed && consume {
            self.tokens -= 1.0;
        }
        let to_full = Duration::from_secs_f64(((self.burst - self.tokens) / self.rate).max(0.0));
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .saturating_add(to_full);
        let reset = epoch.as_secs() + u64::from(epoch.subsec_nanos() > 0);
        let wait = if self.tokens >= 1.0 {
            0.0
        } else {
            (1.0 - self.tokens) / self.rate
        };
        Verdict {
            allowed: allowed || !consume,
            limit: self.burst as u64,
            remaining: self.tokens.max(0.0).floor() as u64,
            reset,
            retry_after: wait.ceil() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_429_then_refill() {
        let mut b = Bucket::new(2.0, 2);
        let t0 = Instant::now();
        assert!(b.check(t0, true).allowed);
        let second = b.check(t0, true);
        assert!(second.allowed);
        assert_eq!(second.remaining, 0);
        let third = b.check(t0, true);
        assert!(!third.allowed);
        assert_eq!(third.retry_after, 1);
        assert!(b.check(t0 + Duration::from_millis(600), true).allowed);
    }

    #[test]
    fn reset_is_in_the_future_when_not_full() {
        let mut b = Bucket::new(1.0, 5);
        let now = Instant::now();
        let v = b.check(now, true);
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(v.reset >= epoch);
        assert_eq!(v.limit, 5);
        assert_eq!(v.remaining, 4);
    }
}
