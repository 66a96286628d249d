//! Custom domains: whether one is ready, whether e-mails link to it, whether it still accepts
//! TLS 1.0/1.1, and whether a self-managed domain takes the end-user IP from a request header
//! that anyone reaching the origin directly can set (unless the network ACL pins the sources).
//! A domain whose `status` the export does not record counts as ready.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::{ObjectKind, ObjectRef, Severity};
use crate::tenant::{CustomDomain, DataKind, TenantSnapshot};

use super::acl::{SourcePinning, entries, source_pinning};
use super::support::{config_rule, evidence, file_or, settings_file, tenant_ref};

config_rule!(NO_CUSTOM_DOMAIN {
    id: "custom-domain.missing",
    title: "No ready custom domain",
    severity: Medium,
    category: CustomDomain,
    needs: [CustomDomains],
    reads: ["custom_domains.domain", "custom_domains.status"],
    condition: "The tenant has no custom domain, or every custom domain has a status other than ready (pending_verification, disabled, ...).",
    remediation: "Configure and verify a custom domain and point every application's login at it.",
    matches: ["CM:checkCustomDomain", "PRC-N custom-domain"],
    eval: eval_missing,
});

config_rule!(NOT_IN_EMAILS {
    id: "custom-domain.not-in-emails",
    title: "E-mails link to the canonical Auth0 domain instead of the custom domain",
    severity: Medium,
    category: CustomDomain,
    needs: [CustomDomains, TenantSettings],
    reads: [
        "custom_domains.status",
        "tenant.flags.enable_custom_domain_in_emails"
    ],
    condition: "A custom domain is ready but flags.enable_custom_domain_in_emails is not true (absent means false on live data; Deploy CLI exports strip the flag, so there only an explicit false counts), so verification and password-reset links point at *.auth0.com.",
    remediation: "Set flags.enable_custom_domain_in_emails to true.",
    matches: ["PRC-C custom-domain-in-emails"],
    eval: eval_emails,
});

config_rule!(TLS_POLICY {
    id: "custom-domain.legacy-tls",
    title: "Custom domain accepts TLS 1.0 and 1.1",
    severity: Low,
    category: CustomDomain,
    needs: [CustomDomains],
    reads: ["custom_domains.tls_policy"],
    condition: "tls_policy is compatible (TLS 1.0/1.1 and weaker ciphers accepted) instead of recommended.",
    remediation: "Set tls_policy to recommended.",
    matches: ["GAP tls-policy"],
    eval: eval_tls,
});

config_rule!(CLIENT_IP_HEADER {
    id: "custom-domain.client-ip-header",
    title: "Custom domain trusts a client-IP header that callers can set",
    severity: High,
    category: CustomDomain,
    needs: [CustomDomains],
    reads: [
        "custom_domains.custom_client_ip_header",
        "custom_domains.type",
        "network_acls.rule"
    ],
    condition: "custom_client_ip_header is set and no active authentication- or tenant-scope ACL limits sources to the proxy (high); medium when an allow entry lists addresses but nothing blocks the rest; when the ACLs were not provided the finding says so.",
    remediation: "Pin the custom domain's authentication traffic to the proxy's egress addresses with a network ACL (block with not_match CIDRs), or stop trusting the header.",
    matches: ["GAP client-ip-header", "GAP ip-spoofable-attack-protection"],
    eval: eval_ip_header,
});

fn domain_ref(d: &CustomDomain) -> ObjectRef {
    ObjectRef::new(ObjectKind::CustomDomain, d.domain.clone())
}

fn domain_file(d: &CustomDomain) -> String {
    file_or(&d.file, "custom-domains", &d.domain)
}

/// Ready (or status not recorded) custom domains.
pub fn ready_domains(s: &TenantSnapshot) -> Vec<&CustomDomain> {
    s.custom_domains
        .iter()
        .filter(|d| !d.domain.trim().is_empty())
        .filter(|d| matches!(d.status.as_deref(), None | Some("ready")))
        .collect()
}

fn eval_missing(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    if !ready_domains(s).is_empty() {
        return Vec::new();
    }
    let (description, text) = if s.custom_domains.is_empty() {
        (
            "The tenant has no custom domain: users log in on the canonical Auth0 host."
                .to_string(),
            "custom domains: (none)".to_string(),
        )
    } else {
        let states: Vec<String> = s
            .custom_domains
            .iter()
            .map(|d| format!("{} ({})", d.domain, d.status.as_deref().unwrap_or("?")))
            .collect();
        (
            format!("No custom domain is ready: {}.", states.join(", ")),
            states.join(", "),
        )
    };
    let mut objects = vec![tenant_ref(s)];
    objects.extend(s.custom_domains.iter().map(domain_ref));
    vec![Hit::new(objects, description).with_evidence(evidence("custom-domains", text))]
}

fn eval_emails(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let ready = ready_domains(s);
    let Some(first) = ready.first() else {
        return Vec::new();
    };
    let flag = s
        .settings
        .flags
        .extra
        .get("enable_custom_domain_in_emails")
        .and_then(|v| v.as_bool());
    // The Deploy CLI strips this flag on export, so in an export "absent" means "unknown";
    // the live API omits it only when it is false (the default).
    let from_export = matches!(s.source, crate::tenant::SnapshotSource::Export { .. });
    if flag == Some(true) || (flag.is_none() && from_export) {
        return Vec::new();
    }
    let text = match flag {
        Some(_) => "flags.enable_custom_domain_in_emails: false",
        None => "flags.enable_custom_domain_in_emails: (not set, default false)",
    };
    vec![
        Hit::new(
            vec![tenant_ref(s), domain_ref(first)],
            format!(
                "Custom domain \"{}\" is ready, but e-mail links still use the canonical Auth0 host; users learn to trust two domains and the custom domain's protections are skipped.",
                first.domain
            ),
        )
        .with_evidence(evidence(&settings_file(s), text)),
    ]
}

fn eval_tls(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .custom_domains
        .iter()
        .filter(|d| d.tls_policy.as_deref() == Some("compatible"))
        .map(|d| {
            Hit::new(
                vec![domain_ref(d)],
                format!("Custom domain \"{}\" accepts TLS 1.0 and 1.1.", d.domain),
            )
            .with_evidence(evidence(&domain_file(d), "tls_policy: compatible"))
        })
        .collect()
}

fn eval_ip_header(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let pinning = s
        .has(DataKind::NetworkAcls)
        .then(|| source_pinning(&entries(s), "authentication"));
    s.custom_domains
        .iter()
        .filter_map(|d| {
            let header = d
                .custom_client_ip_header
                .as_deref()
                .map(str::trim)
                .filter(|h| !h.is_empty() && *h != "null")?;
            let (severity, acl) = match &pinning {
                Some(SourcePinning::Pinned(_)) => return None,
                Some(SourcePinning::AllowOnly(how)) => (Severity::Medium, how.clone()),
                Some(SourcePinning::Open) => (
                    Severity::High,
                    "no active network ACL pins the sources".to_string(),
                ),
                None => (
                    Severity::High,
                    "network ACLs were not provided, so no pinning is known".to_string(),
                ),
            };
            let description = format!(
                "Custom domain \"{}\" takes the end-user IP from the {header} header ({acl}); a caller that reaches the origin directly sets any IP per request, so brute-force protection and IP throttling never trigger.",
                d.domain
            );
            Some(
                Hit::new(vec![domain_ref(d)], description)
                    .with_severity(severity)
                    .with_evidence(evidence(
                        &domain_file(d),
                        format!("custom_client_ip_header: {header}"),
                    )),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    fn domain(v: Value) -> CustomDomain {
        serde_json::from_value(v).expect("custom domain JSON")
    }

    fn snap(domains: Vec<Value>, settings: Value) -> TenantSnapshot {
        let mut s = TenantBuilder::new().settings(settings).build();
        s.custom_domains = domains.into_iter().map(domain).collect();
        s
    }

    #[test]
    fn no_domain_or_only_pending_is_reported() {
        let hit = one(&NO_CUSTOM_DOMAIN, &snap(vec![], json!({})));
        assert!(hit.description.contains("no custom domain"));
        let pending = json!({"domain": "login.acme.example", "status": "pending_verification"});
        let hit = one(&NO_CUSTOM_DOMAIN, &snap(vec![pending], json!({})));
        assert!(hit.description.contains("pending_verification"));
    }

    #[test]
    fn ready_or_unrecorded_status_is_clean() {
        for d in [
            json!({"domain": "login.acme.example", "status": "ready"}),
            json!({"domain": "login.acme.example"}),
        ] {
            clean(&NO_CUSTOM_DOMAIN, &snap(vec![d], json!({})));
        }
    }

    #[test]
    fn emails_must_use_the_ready_domain() {
        let ready = json!({"domain": "login.acme.example", "status": "ready"});
        let hit = one(&NOT_IN_EMAILS, &snap(vec![ready.clone()], json!({})));
        assert!(hit.evidence[0].text.contains("not set"));
        let off = json!({"flags": {"enable_custom_domain_in_emails": false}});
        one(&NOT_IN_EMAILS, &snap(vec![ready.clone()], off));
        let on = json!({"flags": {"enable_custom_domain_in_emails": true}});
        clean(&NOT_IN_EMAILS, &snap(vec![ready], on));
        // Without a ready domain the flag has nothing to point at.
        clean(&NOT_IN_EMAILS, &snap(vec![], json!({})));
        // Deploy CLI exports strip the flag: absent there is unknown, not false.
        let mut export = snap(
            vec![json!({"domain": "login.acme.example", "status": "ready"})],
            json!({}),
        );
        export.source = crate::tenant::SnapshotSource::Export {
            root: "export".into(),
            format: crate::tenant::ExportFormat::Directory,
        };
        clean(&NOT_IN_EMAILS, &export);
    }

    #[test]
    fn compatible_tls_is_low_and_recommended_is_clean() {
        let s = snap(
            vec![json!({"domain": "login.acme.example", "tls_policy": "compatible"})],
            json!({}),
        );
        assert_eq!(severity(&TLS_POLICY, &s), Severity::Low);
        clean(
            &TLS_POLICY,
            &snap(
                vec![json!({"domain": "login.acme.example", "tls_policy": "recommended"})],
                json!({}),
            ),
        );
    }

    #[test]
    fn client_ip_header_depends_on_acl_pinning() {
        let d = json!({"domain": "login.acme.example", "type": "self_managed_certs",
            "custom_client_ip_header": "true-client-ip"});
        let s = snap(vec![d.clone()], json!({}));
        let hit = one(&CLIENT_IP_HEADER, &s);
        assert_eq!(hit.severity, Some(Severity::High));
        assert!(hit.description.contains("true-client-ip"));
        let mut pinned = snap(vec![d.clone()], json!({}));
        pinned.network_acls = vec![json!({"active": true, "rule": {"scope": "authentication",
            "action": {"block": true}, "not_match": {"ipv4_cidrs": ["198.51.100.0/24"]}}})];
        clean(&CLIENT_IP_HEADER, &pinned);
        let mut allow_only = snap(vec![d.clone()], json!({}));
        allow_only.network_acls = vec![json!({"active": true, "rule": {"scope": "tenant",
            "action": {"allow": true}, "match": {"ipv4_cidrs": ["198.51.100.0/24"]}}})];
        assert_eq!(severity(&CLIENT_IP_HEADER, &allow_only), Severity::Medium);
        let no_acl_data = {
            let mut s = TenantBuilder::new().without(DataKind::NetworkAcls).build();
            s.custom_domains = vec![domain(d)];
            s
        };
        let hit = one(&CLIENT_IP_HEADER, &no_acl_data);
        assert!(hit.description.contains("not provided"));
        clean(
            &CLIENT_IP_HEADER,
            &snap(
                vec![json!({"domain": "login.acme.example", "custom_client_ip_header": ""})],
                json!({}),
            ),
        );
    }
}
