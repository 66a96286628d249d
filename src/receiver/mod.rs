//! The Auth0 Log Stream receiver: HTTP ingest, event classification, detections and correlation
//! with surfaced findings (`authpath receiver`).
//!
//! Flow: `server` (auth, body limit, `batch` parser, `dedup`, bounded `queue`) -> `processor`
//! (`classify`, `detect`, `correlate`, `output` JSON lines, `metrics`) -> `signals` (runtime
//! signals on findings, debounced rescans) through the [`signals::SignalSink`] and
//! [`signals::RescanRequester`] traits, with [`correlate::FindingIndex`] as the view of the
//! integration's open findings.

pub mod auth;
pub mod batch;
pub mod classify;
pub mod correlate;
pub mod dedup;
pub mod detect;
pub mod directory;
pub mod error;
pub mod event;
pub mod event_fields;
pub mod json_seeds;
pub mod kube_cluster;
pub mod kube_index;
pub mod kube_sink;
pub mod mask;
pub mod metrics;
pub mod mgmt_path;
pub mod output;
pub mod pipeline;
pub mod processor;
pub mod queue;
pub mod raw_scan;
pub mod runtime;
pub mod server;
pub mod signals;
pub mod window;

pub use auth::Token;
pub use correlate::{FindingIndex, FindingRef, MemoryFindingIndex};
pub use error::ReceiverError;
pub use processor::Cluster;
pub use runtime::{ReceiverConfig, RunningReceiver, bind, start};
pub use signals::{
    MemoryRescanRequester, MemorySignalSink, RescanRequester, RuntimeSignal, SignalSink,
};
