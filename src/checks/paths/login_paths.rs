//! Multi-hop paths against logins (reference section (c) 18, 19, 20, 22): a weakness only
//! matters because another setting removes the control that would stop it.

use crate::checks::config::support::{config_rule, connection_file, evidence, settings_file};
use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::code::Reachability;
use crate::findings::{Category, ObjectKind, ObjectRef, PathStep, Severity};
use crate::tenant::{Connection, TenantSnapshot};

use super::reachability::lower_if_latent;

config_rule!(CROSS_ORIGIN_STUFFING {
    id: "path.cross-origin-credential-stuffing",
    title: "Cross-origin password login without bot detection invites credential stuffing",
    severity: High,
    category: AttackPath,
    needs: [Clients, Connections, AttackProtection],
    reads: [
        "clients.cross_origin_authentication",
        "connections.enabled_clients",
        "attack_protection.bot_detection",
        "attack_protection.brute_force"
    ],
    condition: "An application with cross_origin_authentication on is enabled for a password connection, and bot detection does not challenge password logins.",
    remediation: "Turn cross-origin authentication off (use Universal Login), or challenge password logins with bot detection and keep brute-force protection blocking.",
    matches: ["path(c)19"],
    eval: eval_cross_origin,
});

config_rule!(SILENT_AUTH_MFA_BYPASS {
    id: "path.silent-auth-mfa-bypass",
    title: "MFA exists only in an Action that skips it on a condition the attacker controls",
    severity: High,
    category: AttackPath,
    needs: [Actions, Guardian],
    reads: ["guardian.policies", "actions.code", "triggers"],
    condition: "The tenant MFA policy is never, so MFA comes only from post-login code, and that code skips MFA when prompt=none, a user_metadata flag or request data says so.",
    remediation: "Set the tenant MFA policy (or require MFA unconditionally in the Action for the protected applications); never decide MFA from prompt, request or user_metadata.",
    matches: ["path(c)20", "GAP mfa-in-action-bypassable"],
    eval: eval_silent_auth,
});

config_rule!(ENUMERATION_STUFFING {
    id: "path.enumeration-targeted-stuffing",
    title: "Signup reveals which accounts exist while brute-force protection is weakened",
    severity: Medium,
    category: AttackPath,
    needs: [Connections, TenantSettings, AttackProtection],
    reads: [
        "tenant.flags.enable_public_signup_user_exists_error",
        "actions.code (pre-user-registration)",
        "attack_protection.brute_force"
    ],
    condition: "A signup-enabled database connection tells attackers that an account exists (tenant flag or a denying pre-registration Action), and brute-force protection is off, not blocking, or bypassed by an allow-list.",
    remediation: "Turn enable_public_signup_user_exists_error off, deny signups with a generic message, and keep brute-force protection blocking with no broad allow-list.",
    matches: ["path(c)22", "GAP signup-user-exists"],
    eval: eval_enumeration,
});

config_rule!(SPOOFABLE_CLIENT_IP {
    id: "path.spoofable-client-ip",
    title: "IP-based attack protection keys on a client IP the attacker can set",
    severity: High,
    category: AttackPath,
    needs: [CustomDomains, AttackProtection],
    reads: [
        "custom_domains.custom_client_ip_header",
        "custom_domains.type",
        "attack_protection.suspicious_ip_throttling",
        "attack_protection.brute_force.mode"
    ],
    condition: "A self-managed custom domain trusts a client-IP header while suspicious-IP throttling or IP-scoped brute-force protection relies on that IP.",
    remediation: "Only trust the header when the origin accepts traffic from your proxy alone (network ACL), or clear custom_client_ip_header.",
    matches: [
        "path(c)18",
        "GAP ip-spoofable-attack-protection",
        "GAP client-ip-header"
    ],
    eval: eval_spoofable_ip,
});

fn step(kind: ObjectKind, name: &str, edge: &str) -> PathStep {
    PathStep {
        kind,
        name: name.to_string(),
        edge: edge.to_string(),
    }
}

fn password_connections<'a>(
    s: &'a TenantSnapshot,
    client: &'a str,
) -> impl Iterator<Item = &'a Connection> {
    s.connections_of(client).filter(|c| c.is_database())
}

/// Whether bot detection leaves password logins unchallenged.
fn bot_detection_weak(s: &TenantSnapshot) -> Option<String> {
    match &s.attack_protection.bot_detection {
        None => Some("bot detection is not configured".into()),
        Some(b) if b.monitoring_mode_enabled == Some(true) => {
            Some("bot detection is in monitoring mode".into())
        }
        Some(b) => match b.challenge_password_policy.as_deref() {
            None | Some("never") => Some("bot detection never challenges password logins".into()),
            _ => None,
        },
    }
}

/// Why brute-force protection does not stop guessing, if it does not.
fn brute_force_weak(s: &TenantSnapshot) -> Option<String> {
    let Some(bf) = &s.attack_protection.brute_force else {
        return Some("brute-force protection is not configured".into());
    };
    if bf.enabled == Some(false) {
        return Some("brute-force protection is off".into());
    }
    if !bf.shields.is_empty() && !bf.shields.iter().any(|x| x == "block") {
        return Some("brute-force protection only notifies".into());
    }
    if !bf.allowlist.is_empty() {
        return Some(format!(
            "brute-force protection exempts {}",
            bf.allowlist.join(", ")
        ));
    }
    None
}

fn eval_cross_origin(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let Some(bot) = bot_detection_weak(s) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for client in s
        .clients
        .iter()
        .filter(|c| c.cross_origin_authentication == Some(true))
    {
        for conn in password_connections(s, &client.name) {
            let path = vec![
                step(
                    ObjectKind::Client,
                    &client.name,
                    "accepts passwords cross-origin (/co/authenticate) for",
                ),
                step(ObjectKind::Connection, &conn.name, &format!("while {bot}")),
                step(ObjectKind::Tenant, &s.tenant, ""),
            ];
            let d = format!(
                "Bots can post passwords for \"{}\" accounts through \"{}\" with cross-origin authentication; {bot}.",
                conn.name, client.name
            );
            let hit = Hit::new(
                vec![
                    ObjectRef::new(ObjectKind::Client, &client.name),
                    ObjectRef::new(ObjectKind::Connection, &conn.name),
                ],
                d,
            )
            .with_path(path)
            .with_evidence(evidence(&client.file, "cross_origin_authentication: true"))
            .with_evidence(evidence(
                "attack-protection/bot-detection.json",
                bot.clone(),
            ));
            hits.push(hit);
        }
    }
    hits
}

fn eval_silent_auth(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    if !s.guardian.policies.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for unit in ctx.code {
        let bypass: Vec<_> = unit
            .report
            .findings
            .iter()
            .filter(|f| f.category == Category::MfaBypassCondition)
            .collect();
        let Some(first) = bypass.first() else {
            continue;
        };
        let latent = !matches!(unit.reachability, Reachability::Active);
        let path = vec![
            step(
                ObjectKind::Tenant,
                &s.tenant,
                "MFA policy never: MFA comes only from",
            ),
            step(unit.object.kind, &unit.object.name, "which skips MFA when"),
            step(
                ObjectKind::UserAttribute,
                "request.prompt / user_metadata",
                "",
            ),
        ];
        let mut d = format!(
            "The tenant never requires MFA itself; {} is the only MFA and skips it (line {}: {}).",
            unit.label(),
            first.line,
            first.message
        );
        if let Reachability::Latent { reason } = &unit.reachability {
            d.push_str(&format!(" Latent: {reason}."));
        }
        let mut hit = Hit::new(
            vec![
                ObjectRef::new(ObjectKind::Tenant, &s.tenant),
                unit.object.clone(),
            ],
            d,
        )
        .with_severity(lower_if_latent(Severity::High, latent))
        .with_path(path)
        .with_evidence(evidence("guardian/policies.json", "policies: []"));
        for f in bypass {
            hit = hit.with_evidence(crate::findings::Evidence {
                file: unit.report.file.clone(),
                line: Some(f.line),
                text: f.message.clone(),
            });
        }
        hits.push(hit);
    }
    hits
}

fn eval_enumeration(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let Some(weak) = brute_force_weak(s) else {
        return Vec::new();
    };
    let mut oracles: Vec<(ObjectRef, String, crate::findings::Evidence)> = Vec::new();
    if s.settings.flags.enable_public_signup_user_exists_error == Some(true) {
        oracles.push((
            ObjectRef::new(ObjectKind::Tenant, &s.tenant),
            "signup answers \"user already exists\"".into(),
            evidence(
                &settings_file(s),
                "flags.enable_public_signup_user_exists_error: true",
            ),
        ));
    }
    let mut hits = Vec::new();
    for conn in s
        .connections
        .iter()
        .filter(|c| c.is_database() && c.signup_enabled() && !c.enabled_clients.is_empty())
    {
        for (oracle, how, ev) in &oracles {
            let path = vec![
                step(
                    ObjectKind::Connection,
                    &conn.name,
                    &format!("signup tells who has an account: {how}; then"),
                ),
                step(
                    oracle.kind,
                    &oracle.name,
                    &format!("password guessing on known accounts, {weak}"),
                ),
                step(ObjectKind::Connection, &conn.name, ""),
            ];
            let d = format!(
                "Attackers can list which e-mail addresses have \"{}\" accounts ({how}) and then guess their passwords: {weak}.",
                conn.name
            );
            let hit = Hit::new(
                vec![
                    ObjectRef::new(ObjectKind::Connection, &conn.name),
                    oracle.clone(),
                ],
                d,
            )
            .with_path(path)
            .with_evidence(ev.clone())
            .with_evidence(evidence(
                &connection_file(conn),
                "options.disable_signup is not true",
            ))
            .with_evidence(evidence(
                "attack-protection/brute-force-protection.json",
                weak.clone(),
            ));
            hits.push(hit);
        }
    }
    hits
}

fn eval_spoofable_ip(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let ip_throttling = s
        .attack_protection
        .suspicious_ip
        .as_ref()
        .is_some_and(|t| t.enabled != Some(false));
    let ip_scoped_bf = s.attack_protection.brute_force.as_ref().is_some_and(|b| {
        b.enabled != Some(false)
            && b.mode.as_deref().unwrap_or("count_per_identifier_and_ip")
                == "count_per_identifier_and_ip"
    });
    if !ip_throttling && !ip_scoped_bf {
        return Vec::new();
    }
    let relies = match (ip_throttling, ip_scoped_bf) {
        (true, true) => "suspicious-IP throttling and IP-scoped brute-force protection",
        (true, false) => "suspicious-IP throttling",
        _ => "IP-scoped brute-force protection",
    };
    s.custom_domains
        .iter()
        .filter(|d| d.kind.as_deref() == Some("self_managed_certs"))
        .filter_map(|d| Some((d, d.custom_client_ip_header.as_deref().filter(|h| !h.is_empty())?)))
        .map(|(d, header)| {
            let path = vec![
                step(ObjectKind::CustomDomain, &d.domain, &format!("trusts the {header} header set by the caller, which feeds")),
                step(ObjectKind::Tenant, &s.tenant, &format!("{relies}, so every request can claim a fresh IP")),
            ];
            let desc = format!(
                "\"{}\" takes the end-user IP from {header}; unless only your proxy can reach the origin, attackers set it per request and {relies} never triggers.",
                d.domain
            );
            Hit::new(vec![ObjectRef::new(ObjectKind::CustomDomain, &d.domain), ObjectRef::new(ObjectKind::Tenant, &s.tenant)], desc)
                .with_path(path)
                .with_evidence(evidence(&d.file, format!("custom_client_ip_header: {header}")))
        })
        .collect()
}
