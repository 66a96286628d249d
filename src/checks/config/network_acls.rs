//! Tenant network ACLs (an Enterprise feature): whether any exist and are active, whether the
//! canonical `*.auth0.com` host is blocked once a custom domain is ready (so the custom domain's
//! WAF and bot filtering cannot be bypassed), and whether the Management API only accepts
//! listed source addresses. Unlike CheckMate, host patterns are matched on label boundaries and
//! an allow entry without a block behind it does not count as a restriction.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::{ObjectKind, ObjectRef, Severity};
use crate::tenant::TenantSnapshot;

use super::acl::{AclEntry, SourcePinning, entries, host_matches, normalise_host, source_pinning};
use super::support::{config_rule, evidence, list, tenant_ref};

config_rule!(NETWORK_ACL {
    id: "network-acl.none-active",
    title: "No active tenant network ACL",
    severity: Low,
    category: Tenant,
    needs: [NetworkAcls],
    reads: ["network_acls.active"],
    condition: "The tenant has no network ACL entry, or some entries are switched off (active: false); low because ACLs need the Enterprise plan and the concrete exposures are rated by the canonical-domain and Management API rules.",
    remediation: "Define tenant access control lists (block known-bad sources, pin the Management API to your networks) and keep them active.",
    matches: ["CM:checkNetworkACL"],
    eval: eval_network_acl,
});

config_rule!(CANONICAL_NOT_BLOCKED {
    id: "network-acl.canonical-domain-open",
    title: "The canonical Auth0 domain bypasses the custom domain",
    severity: Medium,
    category: CustomDomain,
    needs: [NetworkAcls, CustomDomains],
    reads: [
        "custom_domains.status",
        "network_acls.active",
        "network_acls.rule.scope",
        "network_acls.rule.action",
        "network_acls.rule.match.hostnames"
    ],
    condition: "A custom domain is ready (or its status is not recorded) and no active authentication- or tenant-scope entry blocks or redirects the canonical host (exact name or a *. pattern that covers it); low when the blocking entry also needs other criteria (country, ASN, ...) to match.",
    remediation: "Add an active network ACL entry with scope authentication, action block (or redirect) and match.hostnames set to the canonical tenant host.",
    matches: ["CM:checkBlockCanonicalDomain", "path(c)17"],
    eval: eval_canonical,
});

config_rule!(MANAGEMENT_API_OPEN {
    id: "network-acl.management-api-open",
    title: "The Management API accepts requests from any address",
    severity: Low,
    category: ManagementApi,
    needs: [NetworkAcls],
    reads: [
        "network_acls.active",
        "network_acls.priority",
        "network_acls.rule.scope",
        "network_acls.rule.action",
        "network_acls.rule.match.ipv4_cidrs",
        "network_acls.rule.not_match.ipv4_cidrs"
    ],
    condition: "No active management- or tenant-scope entry limits sources: neither a block with not_match CIDRs nor an allow list followed by a catch-all block (an allow entry alone, which CheckMate accepts, blocks nothing).",
    remediation: "Block the management scope for every source outside your CI and admin networks (block with not_match.ipv4_cidrs), so a leaked M2M secret is useless elsewhere.",
    matches: ["CM:checkManagementAPIACL"],
    eval: eval_management,
});

const ACL_FILE: &str = "network-acls";

fn eval_network_acl(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let acl = entries(s);
    if acl.is_empty() {
        return vec![
            Hit::new(
                vec![tenant_ref(s)],
                "The tenant defines no network ACL entry.",
            )
            .with_evidence(evidence(ACL_FILE, "network ACLs: (none)")),
        ];
    }
    let inactive: Vec<&str> = acl
        .iter()
        .filter(|e| e.active == Some(false))
        .map(|e| e.label.as_str())
        .collect();
    if inactive.is_empty() {
        return Vec::new();
    }
    let hit = Hit::new(
        vec![tenant_ref(s)],
        format!(
            "{} of {} network ACL entries are inactive: {}.",
            inactive.len(),
            acl.len(),
            list(&inactive, 5)
        ),
    );
    vec![inactive.iter().fold(hit, |h, label| {
        h.with_evidence(evidence(ACL_FILE, format!("{label}: active: false")))
    })]
}

/// The canonical host when the snapshot's domain is an Auth0 host.
fn canonical_host(s: &TenantSnapshot) -> Option<String> {
    let host = normalise_host(s.domain.as_deref()?);
    (host.ends_with(".auth0.com") || host.ends_with(".auth0app.com")).then_some(host)
}

/// Whether the entry's host names cover the canonical host (any Auth0 host when unknown).
fn names_canonical(e: &AclEntry, canonical: Option<&str>) -> bool {
    e.matched.hostnames.iter().any(|h| match canonical {
        Some(c) => host_matches(h, c),
        None => h.ends_with(".auth0.com") || h.ends_with(".auth0app.com"),
    })
}

fn eval_canonical(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let ready: Vec<&str> = s
        .custom_domains
        .iter()
        .filter(|d| matches!(d.status.as_deref(), None | Some("ready")))
        .map(|d| d.domain.as_str())
        .collect();
    if ready.is_empty() {
        return Vec::new();
    }
    let canonical = canonical_host(s);
    let acl = entries(s);
    let blocking: Vec<&AclEntry> = acl
        .iter()
        .filter(|e| e.is_active() && e.covers("authentication") && e.stops())
        .filter(|e| names_canonical(e, canonical.as_deref()))
        .collect();
    if blocking
        .iter()
        .any(|e| e.matched.other.is_empty() && e.matched.cidrs.is_empty())
    {
        return Vec::new();
    }
    let host = canonical
        .clone()
        .unwrap_or_else(|| "the canonical *.auth0.com host (domain unknown)".to_string());
    let mut objects = vec![tenant_ref(s)];
    objects.extend(
        ready
            .iter()
            .map(|d| ObjectRef::new(ObjectKind::CustomDomain, *d)),
    );
    let (severity, description, text) = match blocking.first() {
        Some(partial) => {
            let extra: Vec<String> = partial
                .matched
                .other
                .iter()
                .cloned()
                .chain((!partial.matched.cidrs.is_empty()).then(|| "ipv4/ipv6 cidrs".to_string()))
                .collect();
            (
                Severity::Low,
                format!(
                    "Network ACL \"{}\" blocks {host} only for requests that also match {}; other requests still bypass custom domain {}.",
                    partial.label,
                    extra.join(", "),
                    list(&ready, 3)
                ),
                format!("{}: match.hostnames + {}", partial.label, extra.join(", ")),
            )
        }
        None => (
            Severity::Medium,
            format!(
                "Custom domain {} is ready but {host} still serves logins: no active network ACL entry blocks it, so attackers can skip the custom domain's WAF and bot filtering.",
                list(&ready, 3)
            ),
            "no active authentication-scope block entry for the canonical host".to_string(),
        ),
    };
    vec![
        Hit::new(objects, description)
            .with_severity(severity)
            .with_evidence(evidence(ACL_FILE, text)),
    ]
}

fn eval_management(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let how = match source_pinning(&entries(s), "management") {
        SourcePinning::Pinned(_) => return Vec::new(),
        SourcePinning::AllowOnly(how) => how,
        SourcePinning::Open => "no active management-scope entry restricts sources".to_string(),
    };
    vec![
        Hit::new(
            vec![
                tenant_ref(s),
                ObjectRef::new(ObjectKind::ManagementApi, "Management API"),
            ],
            format!(
                "The Management API accepts requests from any address ({how}); a leaked M2M credential works from anywhere."
            ),
        )
        .with_evidence(evidence(ACL_FILE, how)),
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, run, severity};
    use crate::tenant::{CustomDomain, DataKind};

    fn snap(acl: Vec<Value>, domains: &[(&str, Option<&str>)]) -> TenantSnapshot {
        let mut s = TenantBuilder::new().build();
        s.network_acls = acl;
        s.custom_domains = domains
            .iter()
            .map(|(d, status)| CustomDomain {
                domain: (*d).to_string(),
                status: status.map(str::to_string),
                ..CustomDomain::default()
            })
            .collect();
        s
    }

    fn block_hosts(hosts: Value) -> Value {
        json!({"description": "canonical", "active": true, "priority": 1,
            "rule": {"scope": "authentication", "action": {"block": true}, "match": {"hostnames": hosts}}})
    }

    #[test]
    fn no_acl_or_inactive_entries_are_reported() {
        let hit = one(&NETWORK_ACL, &snap(vec![], &[]));
        assert!(hit.description.contains("no network ACL"));
        let off = json!({"description": "geo", "active": false, "rule": {"scope": "tenant", "action": {"block": true}}});
        let hit = one(&NETWORK_ACL, &snap(vec![off], &[]));
        assert!(hit.description.contains("\"geo\""));
        clean(
            &NETWORK_ACL,
            &snap(vec![block_hosts(json!(["x.auth0.com"]))], &[]),
        );
    }

    #[test]
    fn ready_custom_domain_without_block_is_medium() {
        let s = snap(vec![], &[("login.acme.example", Some("ready"))]);
        let hit = one(&CANONICAL_NOT_BLOCKED, &s);
        assert_eq!(hit.severity, Some(Severity::Medium));
        assert!(hit.description.contains("acme.eu.auth0.com"));
        assert!(hit.objects.contains(&ObjectRef::new(
            ObjectKind::CustomDomain,
            "login.acme.example"
        )));
    }

    #[test]
    fn exact_or_wildcard_block_is_clean_but_look_alikes_are_not() {
        let domains = [("login.acme.example", None)];
        clean(
            &CANONICAL_NOT_BLOCKED,
            &snap(vec![block_hosts(json!(["acme.eu.auth0.com"]))], &domains),
        );
        clean(
            &CANONICAL_NOT_BLOCKED,
            &snap(vec![block_hosts(json!(["*.auth0.com"]))], &domains),
        );
        // Another tenant's host, an allow entry, and a management-only entry do not block it.
        assert_eq!(
            run(
                &CANONICAL_NOT_BLOCKED,
                &snap(vec![block_hosts(json!(["acme.us.auth0.com"]))], &domains)
            )
            .len(),
            1
        );
        let allow = json!({"active": true, "rule": {"scope": "authentication", "action": {"allow": true},
            "match": {"hostnames": ["acme.eu.auth0.com"]}}});
        let mgmt = json!({"active": true, "rule": {"scope": "management", "action": {"block": true},
            "match": {"hostnames": ["acme.eu.auth0.com"]}}});
        assert_eq!(
            run(&CANONICAL_NOT_BLOCKED, &snap(vec![allow, mgmt], &domains)).len(),
            1
        );
    }

    #[test]
    fn partial_block_is_low_and_no_ready_domain_is_clean() {
        let partial = json!({"description": "geo", "active": true, "rule": {"scope": "tenant",
            "action": {"block": true}, "match": {"hostnames": ["acme.eu.auth0.com"], "geo_country_codes": ["RU"]}}});
        let s = snap(vec![partial], &[("login.acme.example", Some("ready"))]);
        assert_eq!(severity(&CANONICAL_NOT_BLOCKED, &s), Severity::Low);
        clean(
            &CANONICAL_NOT_BLOCKED,
            &snap(
                vec![],
                &[("login.acme.example", Some("pending_verification"))],
            ),
        );
    }

    #[test]
    fn management_api_needs_a_real_restriction() {
        let hit = one(&MANAGEMENT_API_OPEN, &snap(vec![], &[]));
        assert!(hit.description.contains("no active management-scope entry"));
        let allow = json!({"description": "office", "active": true, "priority": 1,
            "rule": {"scope": "management", "action": {"allow": true}, "match": {"ipv4_cidrs": ["203.0.113.0/24"]}}});
        let hit = one(&MANAGEMENT_API_OPEN, &snap(vec![allow], &[]));
        assert!(hit.description.contains("no entry blocks other sources"));
        let except = json!({"active": true, "rule": {"scope": "management", "action": {"block": true},
            "not_match": {"ipv4_cidrs": ["203.0.113.0/24"]}}});
        clean(&MANAGEMENT_API_OPEN, &snap(vec![except], &[]));
    }

    #[test]
    fn missing_acl_data_is_not_evaluated() {
        let s = TenantBuilder::new().without(DataKind::NetworkAcls).build();
        let code = crate::code::analyze_tenant_code(&s);
        let graph = crate::graph::build_graph(&s, &code);
        let ctx = ScanContext {
            snapshot: &s,
            code: &code,
            graph: &graph,
        };
        let (findings, skipped) =
            crate::checks::evaluate(&ctx, vec![&NETWORK_ACL, &CANONICAL_NOT_BLOCKED]);
        assert!(findings.is_empty());
        assert_eq!(skipped.len(), 2);
        assert!(skipped.iter().all(|n| n.reason.contains("NetworkAcls")));
    }
}
