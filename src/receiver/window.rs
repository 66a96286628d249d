//! Bounded sliding-window counters for burst detections: per key, has a threshold of hits (or of
//! distinct members) arrived within the window? Each counter fires once per key per window, keeps
//! at most `threshold` entries per key and at most `max_keys` keys, so memory stays bounded
//! whatever an attacker sends.

use std::collections::{HashMap, VecDeque};

/// Counts hits per key; fires when `threshold` hits fall within `window_ms`.
#[derive(Debug)]
pub struct BurstCounter {
    window_ms: i64,
    threshold: usize,
    max_keys: usize,
    keys: HashMap<String, HitState>,
}

#[derive(Debug, Default)]
struct HitState {
    times: VecDeque<i64>,
    quiet_until: i64,
}

impl BurstCounter {
    pub fn new(window_ms: i64, threshold: u32, max_keys: usize) -> Self {
        BurstCounter {
            window_ms: window_ms.max(1),
            threshold: threshold.max(1) as usize,
            max_keys: max_keys.max(1),
            keys: HashMap::new(),
        }
    }

    /// Records a hit at `now_ms`; returns `true` when this hit completes a burst (once per key per
    /// window).
    pub fn hit(&mut self, key: &str, now_ms: i64) -> bool {
        self.make_room(key, now_ms);
        if !self.keys.contains_key(key) {
            self.keys.insert(key.to_string(), HitState::default());
        }
        let Some(state) = self.keys.get_mut(key) else {
            return false;
        };
        state.times.push_back(now_ms);
        while state.times.len() > self.threshold {
            state.times.pop_front();
        }
        let oldest = state.times.front().copied().unwrap_or(now_ms);
        let burst = state.times.len() >= self.threshold && now_ms - oldest < self.window_ms;
        if burst && now_ms >= state.quiet_until {
            state.quiet_until = now_ms.saturating_add(self.window_ms);
            return true;
        }
        false
    }

    fn make_room(&mut self, key: &str, now_ms: i64) {
        if self.keys.len() < self.max_keys || self.keys.contains_key(key) {
            return;
        }
        let horizon = now_ms.saturating_sub(self.window_ms);
        self.keys
            .retain(|_, s| s.times.back().is_some_and(|t| *t >= horizon) || s.quiet_until > now_ms);
        if self.keys.len() >= self.max_keys {
            self.keys.clear();
        }
    }

    pub fn key_count(&self) -> usize {
        self.keys.len()
    }
}

/// Counts distinct members per key (users per IP); fires when `threshold` distinct members were
/// seen within `window_ms`.
#[derive(Debug)]
pub struct DistinctCounter {
    window_ms: i64,
    threshold: usize,
    max_keys: usize,
    keys: HashMap<String, DistinctState>,
}

#[derive(Debug, Default)]
struct DistinctState {
    members: HashMap<String, i64>,
    quiet_until: i64,
}

impl DistinctCounter {
    pub fn new(window_ms: i64, threshold: u32, max_keys: usize) -> Self {
        DistinctCounter {
            window_ms: window_ms.max(1),
            threshold: threshold.max(1) as usize,
            max_keys: max_keys.max(1),
            keys: HashMap::new(),
        }
    }

    /// Records `member` under `key` at `now_ms`; returns the distinct count when it completes a
    /// burst (once per key per window).
    pub fn hit(&mut self, key: &str, member: &str, now_ms: i64) -> Option<usize> {
        if self.keys.len() >= self.max_keys && !self.keys.contains_key(key) {
            let horizon = now_ms.saturating_sub(self.window_ms);
            self.keys
                .retain(|_, s| s.members.values().any(|t| *t >= horizon));
            if self.keys.len() >= self.max_keys {
                self.keys.clear();
            }
        }
        let horizon = now_ms.saturating_sub(self.window_ms);
        if !self.keys.contains_key(key) {
            self.keys.insert(key.to_string(), DistinctState::default());
        }
        let state = self.keys.get_mut(key)?;
        state.members.retain(|_, t| *t > horizon);
        if state.members.len() >= self.threshold && !state.members.contains_key(member) {
            // Full: replace the oldest member so the map never grows past the threshold.
            let oldest = state
                .members
                .iter()
                .min_by_key(|(_, t)| **t)
                .map(|(m, _)| m.clone());
            if let Some(m) = oldest {
                state.members.remove(&m);
            }
        }
        match state.members.get_mut(member) {
            Some(t) => *t = now_ms,
            None => {
                state.members.insert(member.to_string(), now_ms);
            }
        }
        let count = state.members.len();
        if count >= self.threshold && now_ms >= state.quiet_until {
            state.quiet_until = now_ms.saturating_add(self.window_ms);
            return Some(count);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_once_when_threshold_hits_fall_in_window() {
        let mut c = BurstCounter::new(1000, 3, 10);
        assert!(!c.hit("ip", 0));
        assert!(!c.hit("ip", 100));
        assert!(c.hit("ip", 200));
        assert!(!c.hit("ip", 300), "fires once per window");
        assert!(!c.hit("other", 300));
    }

    #[test]
    fn spread_out_hits_never_fire() {
        let mut c = BurstCounter::new(1000, 3, 10);
        for i in 0..20 {
            assert!(!c.hit("ip", i * 600));
        }
    }

    #[test]
    fn fires_again_after_the_quiet_window() {
        let mut c = BurstCounter::new(1000, 2, 10);
        assert!(!c.hit("k", 0));
        assert!(c.hit("k", 10));
        assert!(!c.hit("k", 500));
        assert!(c.hit("k", 1010));
    }

    #[test]
    fn key_count_stays_bounded() {
        let mut c = BurstCounter::new(1000, 5, 100);
        for i in 0..10_000 {
            c.hit(&format!("ip{i}"), 0);
            assert!(c.key_count() <= 100);
        }
    }

    #[test]
    fn distinct_members_not_repeats() {
        let mut d = DistinctCounter::new(1000, 3, 10);
        for _ in 0..10 {
            assert_eq!(d.hit("ip", "alice", 0), None);
        }
        assert_eq!(d.hit("ip", "bob", 1), None);
        assert_eq!(d.hit("ip", "carol", 2), Some(3));
        assert_eq!(d.hit("ip", "dave", 3), None, "once per window");
    }

    #[test]
    fn distinct_members_expire() {
        let mut d = DistinctCounter::new(1000, 3, 10);
        assert_eq!(d.hit("ip", "a", 0), None);
        assert_eq!(d.hit("ip", "b", 0), None);
        assert_eq!(d.hit("ip", "c", 5000), None);
    }
}
