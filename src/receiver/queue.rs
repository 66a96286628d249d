//! The bounded ingest queue. Admission happens in one step under one lock: drop `log_id`s already
//! in the dedup window (and repeats within the batch), reserve queue room for the rest or refuse
//! the whole batch (503, Auth0 retries), then remember the ids and enqueue. An admitted event
//! holds its room until the processor has handled it, so the queue never grows past its capacity
//! and an accepted event is never dropped.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use super::dedup::DedupWindow;
use super::event::LogEvent;

/// A batch admitted into processing; dropping it releases its queue room.
#[derive(Debug)]
pub struct QueuedBatch {
    pub events: Vec<LogEvent>,
    _room: Option<OwnedSemaphorePermit>,
}

/// The outcome of offering a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Queued (or entirely duplicate): answer 200.
    Accepted { accepted: usize, duplicates: usize },
    /// Not enough room now: answer 503 so Auth0 retries.
    Full,
    /// More new events than the whole queue holds: answer 413.
    TooLarge { events: usize, capacity: usize },
    /// Shutting down: answer 503.
    Closed,
}

/// Bounded queue plus the dedup window, shared by every request handler.
#[derive(Debug)]
pub struct IngestQueue {
    capacity: usize,
    room: Arc<Semaphore>,
    state: Mutex<QueueState>,
}

#[derive(Debug)]
struct QueueState {
    dedup: DedupWindow,
    tx: Option<mpsc::UnboundedSender<QueuedBatch>>,
}

impl IngestQueue {
    /// A queue holding at most `capacity` events, remembering the last `dedup_window` ids.
    pub fn new(
        capacity: usize,
        dedup_window: usize,
    ) -> (Arc<IngestQueue>, mpsc::UnboundedReceiver<QueuedBatch>) {
        let capacity = capacity.clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
        let (tx, rx) = mpsc::unbounded_channel();
        let q = IngestQueue {
            capacity,
            room: Arc::new(Semaphore::new(capacity)),
            state: Mutex::new(QueueState {
                dedup: DedupWindow::new(dedup_window),
                tx: Some(tx),
            }),
        };
        (Arc::new(q), rx)
    }

    /// Offers a parsed batch.
    pub fn admit(&self, events: Vec<LogEvent>) -> Admission {
        let Ok(mut state) = self.state.lock() else {
            return Admission::Closed;
        };
        let Some(tx) = state.tx.clone() else {
            return Admission::Closed;
        };
        let total = events.len();
        let mut in_batch: HashSet<&str, foldhash::fast::RandomState> =
            HashSet::with_capacity_and_hasher(total, foldhash::fast::RandomState::default());
        let keep: Vec<bool> = events
            .iter()
            .map(|e| !state.dedup.contains(&e.log_id) && in_batch.insert(e.log_id.as_str()))
            .collect();
        let fresh = keep.iter().filter(|k| **k).count();
        let duplicates = total - fresh;
        if fresh == 0 {
            return Admission::Accepted {
                accepted: 0,
                duplicates,
            };
        }
        if fresh > self.capacity {
            return Admission::TooLarge {
                events: fresh,
                capacity: self.capacity,
            };
        }
        let Ok(room) = self.room.clone().try_acquire_many_owned(fresh as u32) else {
            return Admission::Full;
        };
        let events: Vec<LogEvent> = events
            .into_iter()
            .zip(keep)
            .filter_map(|(e, k)| k.then_some(e))
            .collect();
        for e in &events {
            state.dedup.insert(&e.log_id);
        }
        let batch = QueuedBatch {
            events,
            _room: Some(room),
        };
        match tx.send(batch) {
            Ok(()) => Admission::Accepted {
                accepted: fresh,
                duplicates,
            },
            Err(_) => Admission::Closed,
        }
    }

    /// Whether the queue has no room at all (a batch can be refused before it is parsed).
    pub fn is_full(&self) -> bool {
        self.room.available_permits() == 0
    }

    /// Events admitted and not yet processed.
    pub fn depth(&self) -> usize {
        self.capacity - self.room.available_permits().min(self.capacity)
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Stops admitting; the processor drains what was admitted and then sees the end.
    pub fn close(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.tx = None;
        }
    }

    pub fn is_closed(&self) -> bool {
        self.state.lock().map(|s| s.tx.is_none()).unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str) -> LogEvent {
        crate::receiver::event::event_from(serde_json::json!({"log_id": id, "type": "s"}))
    }

    #[test]
    fn admits_until_full_then_refuses_without_remembering() {
        let (q, mut rx) = IngestQueue::new(3, 100);
        assert_eq!(
            q.admit(vec![ev("1"), ev("2")]),
            Admission::Accepted {
                accepted: 2,
                duplicates: 0
            }
        );
        assert_eq!(q.admit(vec![ev("3"), ev("4")]), Admission::Full);
        assert_eq!(q.depth(), 2);
        let first = rx.try_recv().unwrap();
        assert_eq!(first.events.len(), 2);
        drop(first);
        assert_eq!(q.depth(), 0);
        // The refused batch was not remembered, so its retry is accepted in full.
        assert_eq!(
            q.admit(vec![ev("3"), ev("4")]),
            Admission::Accepted {
                accepted: 2,
                duplicates: 0
            }
        );
    }

    #[test]
    fn duplicates_across_and_within_batches() {
        let (q, mut rx) = IngestQueue::new(10, 100);
        assert_eq!(
            q.admit(vec![ev("1"), ev("1"), ev("2")]),
            Admission::Accepted {
                accepted: 2,
                duplicates: 1
            }
        );
        assert_eq!(
            q.admit(vec![ev("1"), ev("2")]),
            Admission::Accepted {
                accepted: 0,
                duplicates: 2
            }
        );
        assert_eq!(rx.try_recv().unwrap().events.len(), 2);
        assert!(
            rx.try_recv().is_err(),
            "an all-duplicate batch enqueues nothing"
        );
    }

    #[test]
    fn oversized_batch_and_closed_queue() {
        let (q, mut rx) = IngestQueue::new(2, 100);
        assert_eq!(
            q.admit(vec![ev("1"), ev("2"), ev("3")]),
            Admission::TooLarge {
                events: 3,
                capacity: 2
            }
        );
        assert_eq!(
            q.admit(vec![ev("4")]),
            Admission::Accepted {
                accepted: 1,
                duplicates: 0
            }
        );
        q.close();
        assert!(q.is_closed());
        assert_eq!(q.admit(vec![ev("5")]), Admission::Closed);
        assert!(
            rx.try_recv().is_ok(),
            "admitted batch still delivered after close"
        );
        assert!(matches!(
            rx.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
    }
}
