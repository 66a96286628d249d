//! Assembly and lifecycle: binds the pieces (queue, router, processor) on a listener, and shuts
//! down gracefully: stop accepting, finish in-flight requests, close the queue, drain it, flush.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use super::auth::Token;
use super::error::ReceiverError;
use super::metrics::Metrics;
use super::pipeline::{Pipeline, PipelineConfig};
use super::processor::{Cluster, Processor};
use super::queue::IngestQueue;
use super::server::{AppState, router};

/// Settings of a receiver.
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// Largest accepted body, in bytes (413 above).
    pub body_limit: usize,
    /// Most events admitted and not yet processed (503 above).
    pub queue_capacity: usize,
    /// How many recent `log_id`s are remembered for deduplication.
    pub dedup_window: usize,
    /// How often signals are written and rescans checked.
    pub flush_every: Duration,
    /// Start with processing paused (tests and benchmarks; see [`RunningReceiver::resume`]).
    pub start_paused: bool,
    pub pipeline: PipelineConfig,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        ReceiverConfig {
            body_limit: 10 * 1024 * 1024,
            queue_capacity: 50_000,
            dedup_window: 100_000,
            flush_every: Duration::from_secs(5),
            start_paused: false,
            pipeline: PipelineConfig::default(),
        }
    }
}

/// A started receiver.
pub struct RunningReceiver {
    pub addr: SocketAddr,
    pub metrics: Arc<Metrics>,
    pub queue: Arc<IngestQueue>,
    running: watch::Sender<bool>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), ReceiverError>>,
}

impl RunningReceiver {
    /// Resumes processing after `start_paused` or [`RunningReceiver::pause`].
    pub fn resume(&self) {
        let _ = self.running.send(true);
    }

    /// Pauses processing (admission goes on until the queue is full): benchmarks throttle the
    /// consumer with it to create an overload.
    pub fn pause(&self) {
        let _ = self.running.send(false);
    }

    /// Graceful shutdown; returns once the queue is drained and flushed.
    pub async fn shutdown(mut self) -> Result<(), ReceiverError> {
        self.resume();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.wait().await
    }

    /// Waits for the receiver to stop (after a shutdown signal).
    pub async fn wait(self) -> Result<(), ReceiverError> {
        match self.task.await {
            Ok(r) => r,
            Err(e) => Err(ReceiverError::Serve(std::io::Error::other(e.to_string()))),
        }
    }
}

/// Starts a receiver on `listener`; `stop` ends it gracefully when it completes (in addition
/// to [`RunningReceiver::shutdown`]).
pub fn start(
    listener: TcpListener,
    config: ReceiverConfig,
    token: Token,
    cluster: Cluster,
    out: Box<dyn Write + Send>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<RunningReceiver, ReceiverError> {
    let addr = listener.local_addr().map_err(ReceiverError::Serve)?;
    let metrics = Arc::new(Metrics::new());
    let (queue, rx) = IngestQueue::new(config.queue_capacity, config.dedup_window);
    let (running_tx, running_rx) = watch::channel(!config.start_paused);
    let pipeline = Pipeline::new(
        &config.pipeline,
        cluster.index.clone(),
        metrics.clone(),
        out,
    );
    let processor = Processor {
        pipeline,
        cluster,
        metrics: metrics.clone(),
        queue: queue.clone(),
        flush_every: config.flush_every,
        running: running_rx,
    };
    let state = AppState {
        queue: queue.clone(),
        token: Arc::new(token),
        metrics: metrics.clone(),
    };
    let app = router(state, config.body_limit);
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let q = queue.clone();
    let task = tokio::spawn(async move {
        let consumer = tokio::spawn(processor.run(rx));
        let signal = async move {
            tokio::select! {
                _ = shutdown_rx => {}
                _ = stop => {}
            }
        };
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(signal)
            .await
            .map_err(ReceiverError::Serve);
        q.close();
        let drained = consumer.await;
        served?;
        drained.map_err(|e| ReceiverError::Serve(std::io::Error::other(e.to_string())))
    });
    Ok(RunningReceiver {
        addr,
        metrics,
        queue,
        running: running_tx,
        shutdown: Some(shutdown_tx),
        task,
    })
}

/// Binds `addr` (a clear error when it cannot).
pub async fn bind(addr: &str) -> Result<TcpListener, ReceiverError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ReceiverError::Listen {
            addr: addr.to_string(),
            source,
        })
}
