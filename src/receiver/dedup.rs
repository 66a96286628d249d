//! At-least-once delivery: a bounded window of recently accepted `log_id`s. The oldest id is
//! forgotten once the window is full, so memory stays fixed.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// foldhash, randomly seeded per window: several times cheaper than SipHash on short ids, and
/// the ids come only from senders holding the token.
type IdHasher = foldhash::fast::RandomState;

/// Bounded set of recently accepted `log_id`s, oldest evicted first.
#[derive(Debug)]
pub struct DedupWindow {
    capacity: usize,
    seen: HashSet<Arc<str>, IdHasher>,
    order: VecDeque<Arc<str>>,
}

impl DedupWindow {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        DedupWindow {
            capacity,
            seen: HashSet::with_capacity_and_hasher(capacity.min(1 << 16), IdHasher::default()),
            order: VecDeque::with_capacity(capacity.min(1 << 16)),
        }
    }

    pub fn contains(&self, log_id: &str) -> bool {
        self.seen.contains(log_id)
    }

    /// Remembers `log_id`; returns `false` when it was already in the window.
    pub fn insert(&mut self, log_id: &str) -> bool {
        if self.seen.contains(log_id) {
            return false;
        }
        let id: Arc<str> = Arc::from(log_id);
        self.seen.insert(id.clone());
        self.order.push_back(id);
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        true
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_reported_and_window_is_bounded() {
        let mut w = DedupWindow::new(3);
        assert!(w.insert("a"));
        assert!(!w.insert("a"));
        assert!(w.insert("b"));
        assert!(w.insert("c"));
        assert!(w.insert("d"));
        assert_eq!(w.len(), 3);
        assert!(!w.contains("a"), "oldest forgotten");
        assert!(w.contains("d"));
        assert!(w.insert("a"), "a forgotten id is accepted again");
    }
}
