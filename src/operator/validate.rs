//! Pure validation of an `Auth0Integration` spec beyond what the CRD schema enforces. A problem
//! here needs a spec edit: the integration goes `Ready=False` with reason `InvalidSpec` and the
//! message says what to change; nothing is retried until the spec changes.

use std::time::Duration;

use crate::crd::{Auth0IntegrationSpec, Credentials, DetectionSpec};
use crate::receiver::detect::Expectations;

/// Shortest scan interval accepted.
pub const MIN_INTERVAL: Duration = Duration::from_secs(60);
/// Shortest scan timeout accepted.
pub const MIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Every problem of `spec`, each a sentence naming the field and the fix. Empty when valid.
pub fn validate(spec: &Auth0IntegrationSpec) -> Vec<String> {
    let mut problems = Vec::new();
    check_domain("spec.tenant.domain", &spec.tenant.domain, &mut problems);
    if let Some(custom) = &spec.tenant.custom_domain {
        check_domain("spec.tenant.customDomain", custom, &mut problems);
    }
    let interval = Duration::from(spec.scan.interval);
    let timeout = Duration::from(spec.scan.timeout);
    if spec.scan.interval.is_negative() || interval < MIN_INTERVAL {
        problems.push("spec.scan.interval must be at least 1m".to_string());
    }
    if spec.scan.timeout.is_negative() || timeout < MIN_TIMEOUT {
        problems.push("spec.scan.timeout must be at least 10s".to_string());
    }
    if spec.findings.resolved_retention.is_negative() {
        problems.push("spec.findings.resolvedRetention must not be negative".to_string());
    }
    check_credentials(&spec.credentials, &mut problems);
    check_detection(&spec.log_stream.detection, &mut problems);
    problems
}

/// The receiver refuses to start on an allowlist entry it cannot parse, so the spec is refused
/// first, naming the entry.
fn check_detection(detection: &DetectionSpec, problems: &mut Vec<String>) {
    for entry in &detection.expected_allowlist {
        if Expectations::parse_allowlist(std::slice::from_ref(entry)).is_err()
            || entry.contains(',')
        {
            problems.push(format!(
                "spec.logStream.detection.expectedAllowlist entry {entry:?} is not an IP address or CIDR range"
            ));
        }
    }
    for id in &detection.api_explorer_client_ids {
        if id.is_empty() || id.contains(|c: char| c == ',' || c.is_whitespace()) {
            problems.push(format!(
                "spec.logStream.detection.apiExplorerClientIds entry {id:?} is not a client id"
            ));
        }
    }
}

fn check_domain(field: &str, domain: &str, problems: &mut Vec<String>) {
    let host = domain
        .strip_prefix("https://")
        .or_else(|| domain.strip_prefix("http://"))
        .unwrap_or(domain)
        .trim_end_matches('/');
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if !valid {
        problems.push(format!(
            "{field} {domain:?} is not a host name (e.g. example.eu.auth0.com)"
        ));
    }
}

fn check_credentials(credentials: &Credentials, problems: &mut Vec<String>) {
    match (&credentials.vault, &credentials.secret_ref) {
        (Some(_), Some(_)) | (None, None) => {
            problems.push("spec.credentials must set exactly one of vault or secretRef".to_string())
        }
        (Some(vault), None) => {
            if url::Url::parse(&vault.address).is_err() {
                problems.push(format!(
                    "spec.credentials.vault.address {:?} is not a URL (e.g. https://vault:8200)",
                    vault.address
                ));
            }
            let auth = &vault.auth;
            let methods = usize::from(auth.kubernetes.is_some())
                + usize::from(auth.app_role.is_some())
                + usize::from(auth.token_secret_ref.is_some());
            if methods != 1 {
                problems.push(
                    "spec.credentials.vault.auth must set exactly one of kubernetes, appRole or tokenSecretRef"
                        .to_string(),
                );
            }
            if !matches!(vault.secret.kv_version, 1 | 2) {
                problems.push("spec.credentials.vault.secret.kvVersion must be 1 or 2".to_string());
            }
        }
        (None, Some(_)) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> Auth0IntegrationSpec {
        serde_norway::from_str(yaml).unwrap()
    }

    const SECRET: &str = "tenant: {domain: t.eu.auth0.com}\ncredentials: {secretRef: {name: a0}}\n";

    #[test]
    fn a_plain_secret_spec_is_valid() {
        assert!(validate(&spec(SECRET)).is_empty());
        let emulator = SECRET.replace("t.eu.auth0.com", "'http://127.0.0.1:4010'");
        assert!(validate(&spec(&emulator)).is_empty());
    }

    #[test]
    fn both_or_no_credentials_are_refused() {
        let none = spec("tenant: {domain: t}\ncredentials: {}\n");
        assert_eq!(validate(&none).len(), 1);
        let both = spec(
            "tenant: {domain: t}\ncredentials: {secretRef: {name: a}, vault: {address: 'http://v', auth: {tokenSecretRef: {name: s, key: k}}, secret: {path: p}}}\n",
        );
        assert!(validate(&both)[0].contains("exactly one"));
    }

    #[test]
    fn short_intervals_bad_domains_and_two_auth_methods_are_named() {
        let s = spec(
            "tenant: {domain: 'not a host/x'}\ncredentials: {vault: {address: 'vault', auth: {tokenSecretRef: {name: s, key: k}, kubernetes: {role: r}}, secret: {path: p, kvVersion: 3}}}\nscan: {interval: 10s, timeout: 1s}\n",
        );
        let problems = validate(&s).join("\n");
        for needle in [
            "tenant.domain",
            "interval",
            "timeout",
            "vault.address",
            "vault.auth",
            "kvVersion",
        ] {
            assert!(problems.contains(needle), "{needle} missing in {problems}");
        }
    }

    #[test]
    fn detection_entries_the_receiver_cannot_parse_are_named() {
        let good = "credentials: {secretRef: {name: a0}}\ntenant: {domain: t.eu.auth0.com, customDomain: login.acme.example}\nlogStream: {detection: {expectedAllowlist: ['203.0.113.0/24', '2001:db8::1'], apiExplorerClientIds: [abc123]}}\n";
        assert!(
            validate(&spec(good)).is_empty(),
            "{:?}",
            validate(&spec(good))
        );
        let bad = "credentials: {secretRef: {name: a0}}\ntenant: {domain: t.eu.auth0.com, customDomain: 'login acme'}\nlogStream: {detection: {expectedAllowlist: ['203.0.113.0/24', 'office', '10.0.0.1,10.0.0.2'], apiExplorerClientIds: ['a b', '']}}\n";
        let problems = validate(&spec(bad));
        let text = problems.join("\n");
        assert_eq!(problems.len(), 5, "{text}");
        for needle in [
            "spec.tenant.customDomain \"login acme\"",
            "expectedAllowlist entry \"office\"",
            "expectedAllowlist entry \"10.0.0.1,10.0.0.2\"",
            "apiExplorerClientIds entry \"a b\"",
            "apiExplorerClientIds entry \"\"",
        ] {
            assert!(text.contains(needle), "{needle} missing in {text}");
        }
    }
}
