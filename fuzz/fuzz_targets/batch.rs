//! Fuzz target: the log-stream batch parser on arbitrary bytes must return (never panic), and
//! every event it returns must go through classification, detection, correlation and the
//! masked stdout line without panicking either.
#![no_main]

use std::sync::Arc;

use authpath::receiver::MemoryFindingIndex;
use authpath::receiver::batch::parse_batch;
use authpath::receiver::metrics::Metrics;
use authpath::receiver::pipeline::{Pipeline, PipelineConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(events) = parse_batch(data) {
        let mut pipeline = Pipeline::new(
            &PipelineConfig::default(),
            Arc::new(MemoryFindingIndex::new()),
            Arc::new(Metrics::new()),
            Box::new(std::io::sink()),
        );
        for e in &events {
            assert!(!e.log_id.is_empty());
            pipeline.process(e, 0);
        }
    }
});
