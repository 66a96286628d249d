//! Deterministic names of every child object, so server-side apply needs no "create if missing"
//! branch and a restarted operator finds the children it made before.

use sha2::{Digest, Sha256};

/// Longest prefix taken from the integration's name (names must stay DNS labels of ≤ 63 chars).
const PREFIX_LEN: usize = 40;

fn prefix(integration: &str) -> &str {
    let end = integration
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take_while(|end| *end <= PREFIX_LEN)
        .last()
        .unwrap_or(0);
    integration.get(..end).unwrap_or("").trim_end_matches('-')
}

fn short_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize().get(..5).unwrap_or_default())
}

/// The scan Job for one trigger (e.g. `generation-3`, `rescan-<value>`, `interval-<slot>`).
pub fn scan_job(integration: &str, trigger: &str) -> String {
    format!(
        "{}-scan-{}",
        prefix(integration),
        short_hash(&[integration, trigger])
    )
}

/// The per-Job Secret holding the resolved client credentials.
pub fn job_credentials_secret(job: &str) -> String {
    format!("{job}-creds")
}

/// Receiver Deployment and Service.
pub fn receiver(integration: &str) -> String {
    format!("{}-receiver", prefix(integration))
}

/// Receiver bearer-token Secret.
pub fn receiver_token_secret(integration: &str) -> String {
    format!("{}-receiver-token", prefix(integration))
}

/// The `Auth0Finding` for one finding id: readable prefix plus a hash of both parts.
pub fn finding(integration: &str, finding_id: &str) -> String {
    format!(
        "{}-{}",
        prefix(integration),
        short_hash(&[integration, finding_id])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_deterministic_and_distinct_per_trigger() {
        assert_eq!(
            scan_job("prod", "generation-2"),
            scan_job("prod", "generation-2")
        );
        assert_ne!(
            scan_job("prod", "generation-2"),
            scan_job("prod", "generation-3")
        );
        assert_ne!(finding("a", "f1"), finding("b", "f1"));
        assert!(scan_job("prod", "x").starts_with("prod-scan-"));
    }

    #[test]
    fn long_names_stay_dns_labels() {
        let long = "a-".repeat(120);
        for name in [
            scan_job(&long, "rescan-x"),
            receiver_token_secret(&long),
            job_credentials_secret(&scan_job(&long, "t")),
            finding(&long, "0123456789abcdef"),
        ] {
            assert!(name.len() <= 63, "{name} is {} chars", name.len());
            assert!(!name.contains("--"), "{name}");
        }
    }
}
