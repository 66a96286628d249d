//! Stand-in for the `batch` fuzz target under `cargo test`: thousands of deterministic mutations
//! (bit flips, truncations, splices, nesting) of real-shaped bodies through the parser and the
//! whole per-event pipeline. Nothing may panic; whatever parses must carry a log_id and a type.

use std::sync::Arc;

use authpath::receiver::MemoryFindingIndex;
use authpath::receiver::batch::parse_batch;
use authpath::receiver::metrics::Metrics;
use authpath::receiver::pipeline::{Pipeline, PipelineConfig};

const SEEDS: [&str; 4] = [
    r#"[{"log_id":"900201","data":{"type":"s","date":"2026-01-01T00:00:00Z","client_id":"c","client_name":"Web","connection":"db","ip":"1.2.3.4","user_id":"auth0|1","hostname":"t.auth0.com"}}]"#,
    "{\"log_id\":\"1\",\"data\":{\"type\":\"sapi\",\"details\":{\"request\":{\"method\":\"patch\",\"path\":\"/api/v2/client-grants/cgr_1\",\"body\":{\"scope\":[\"update:users\"]}},\"response\":{\"body\":{\"id\":\"cgr_1\",\"client_id\":\"c\",\"audience\":\"https://t.auth0.com/api/v2/\"}}}}}\n{\"log_id\":\"2\",\"data\":{\"type\":\"fp\",\"ip\":\"1.2.3.4\",\"user_name\":\"a@b.c\"}}\n",
    r#"{"logs":[{"log_id":"3","data":{"type":"sapi","details":{"request":{"method":"put","path":"/api/v2/guardian/policies","body":[]}}}},{"_id":"4","type":"mgmt_api_read","details":{"accessedSecrets":["client_secret"],"request":{"path":"/api/v2/clients/x"}}}]}"#,
    r#"[{"log_id":"5","data":{"type":"sapi","details":{"request":{"method":"patch","path":"/api/v2/actions/triggers/post-login/bindings","body":{"bindings":[{"ref":{"type":"action_id","value":"a"}},{"display_name":null}]}}}}}]"#,
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let len = b.len().max(1);
        match rng.below(6) {
            0 => {
                let i = rng.below(len);
                if let Some(x) = b.get_mut(i) {
                    *x ^= 1 << rng.below(8);
                }
            }
            1 => b.truncate(rng.below(len)),
            2 => {
                let i = rng.below(len).min(b.len());
                let pick = [
                    b"{".as_slice(),
                    b"[",
                    b"\"",
                    b"}",
                    b"]",
                    b",",
                    b"\n",
                    b"null",
                    b"\xff",
                    b"%",
                ];
                let s = pick[rng.below(pick.len())];
                b.splice(i..i, s.iter().copied());
            }
            3 => {
                let (i, j) = (rng.below(len).min(b.len()), rng.below(len).min(b.len()));
                let (lo, hi) = (i.min(j), i.max(j));
                let chunk: Vec<u8> = b[lo..hi].to_vec();
                b.extend_from_slice(&chunk);
            }
            4 => {
                let i = rng.below(len).min(b.len());
                b.splice(i..i, std::iter::repeat_n(b'[', rng.below(300)));
            }
            _ => {
                let i = rng.below(len).min(b.len());
                b.splice(i..i, b"\"type\":\"sapi\",".iter().copied());
            }
        }
    }
    b
}

#[test]
fn mutated_bodies_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut pipeline = Pipeline::new(
        &PipelineConfig::default(),
        Arc::new(MemoryFindingIndex::new()),
        Arc::new(Metrics::new()),
        Box::new(std::io::sink()),
    );
    let mut parsed = 0;
    for i in 0..20_000 {
        let seed = SEEDS[i % SEEDS.len()].as_bytes();
        let body = mutate(&mut rng, seed);
        if let Ok(events) = parse_batch(&body) {
            parsed += 1;
            for e in &events {
                assert!(!e.log_id.is_empty() && !e.type_code().is_empty());
                pipeline.process(e, i as i64);
            }
        }
    }
    // The mutations must leave a fair share parseable, or the pipeline half is untested.
    assert!(parsed > 1000, "only {parsed} mutated bodies parsed");
    for seed in SEEDS {
        assert!(parse_batch(seed.as_bytes()).is_ok(), "{seed}");
    }
}
