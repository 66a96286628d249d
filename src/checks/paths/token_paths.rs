//! Multi-hop paths through tokens and credentials (reference section (c) 12, 23, 24): a client
//! that can read other clients' secrets pivots to a stronger one; browser apps hold
//! long-lived refresh tokens for an API; open dynamic registration meets a promoted connection.

use crate::checks::config::support::{config_rule, connection_file, evidence, settings_file};
use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::{ObjectKind, ObjectRef, PathStep, Severity};
use crate::graph::{Impact, worst_impact};
use crate::tenant::{Client, TenantSnapshot};

config_rule!(SECRET_READER_PIVOT {
    id: "path.secret-reader-pivot",
    title: "A client that can read application secrets becomes a more powerful client",
    severity: Critical,
    category: AttackPath,
    needs: [Clients, ClientGrants],
    reads: ["client_grants.scope", "clients.jwt_configuration.alg"],
    condition: "A client's Management API grant includes read:client_keys or read:client_credentials, and another client holds stronger Management API scopes or signs ID tokens with its secret (HS256).",
    remediation: "Remove read:client_keys / read:client_credentials from every grant that does not rotate secrets; move clients to private_key_jwt and RS256.",
    matches: ["path(c)12", "GAP escalation-scopes"],
    eval: eval_secret_reader,
});

config_rule!(LONG_LIVED_BROWSER_TOKENS {
    id: "path.long-lived-browser-refresh-tokens",
    title: "A browser application holds long-lived refresh tokens for an API",
    severity: Medium,
    category: AttackPath,
    needs: [Clients, ResourceServers],
    reads: [
        "clients.app_type",
        "clients.grant_types",
        "clients.refresh_token",
        "resource_servers.allow_offline_access"
    ],
    condition: "A single-page application may use refresh tokens that do not rotate or never expire, and an API allows offline access, so one XSS yields durable access to that API.",
    remediation: "Use rotating, expiring refresh tokens with short idle lifetimes for browser apps, or turn allow_offline_access off for the API.",
    matches: ["path(c)23", "GAP offline-access-spa"],
    eval: eval_long_lived,
});

config_rule!(DCR_CONSENT_PHISHING {
    id: "path.dcr-promoted-connection-consent-phishing",
    title: "Anyone can register an application that signs in real users through a promoted connection",
    severity: High,
    category: AttackPath,
    needs: [Connections, TenantSettings],
    reads: [
        "tenant.flags.enable_dynamic_client_registration",
        "connections.is_domain_connection"
    ],
    condition: "Dynamic client registration is open and a connection is promoted to domain level, so a self-registered look-alike third-party app can sign in the tenant's users and ask them for consent.",
    remediation: "Turn dynamic client registration off unless required, and do not promote connections to domain level; review third-party consent for sensitive APIs.",
    matches: ["path(c)24", "GAP dcr-permissive"],
    eval: eval_dcr,
});

fn step(kind: ObjectKind, name: &str, edge: &str) -> PathStep {
    PathStep {
        kind,
        name: name.to_string(),
        edge: edge.to_string(),
    }
}

/// The worst Management API impact of a client's grants, with the scopes that cause it.
fn mgmt_impact(s: &TenantSnapshot, client: &str) -> Option<(Impact, Vec<String>)> {
    let scopes: Vec<&str> = s
        .grants_of(client)
        .filter(|g| s.is_management_api(&g.audience))
        .flat_map(|g| g.scope.iter().map(String::as_str))
        .collect();
    worst_impact(scopes).map(|(i, list)| (i, list.into_iter().map(str::to_string).collect()))
}

fn reads_secrets(s: &TenantSnapshot, client: &str) -> bool {
    s.grants_of(client)
        .filter(|g| s.is_management_api(&g.audience))
        .any(|g| {
            g.scope
                .iter()
                .any(|x| x == "read:client_keys" || x == "read:client_credentials")
        })
}

fn eval_secret_reader(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let mut hits = Vec::new();
    for reader in s.clients.iter().filter(|c| reads_secrets(s, &c.name)) {
        for target in s.clients.iter().filter(|c| c.name != reader.name) {
            if let Some(hit) = pivot(s, reader, target) {
                hits.push(hit);
            }
        }
    }
    hits
}

fn pivot(s: &TenantSnapshot, reader: &Client, target: &Client) -> Option<Hit> {
    let strong = mgmt_impact(s, &target.name).filter(|(i, _)| {
        matches!(
            i,
            Impact::TenantTakeover | Impact::AccountTakeover | Impact::PrivilegeEscalation
        )
    });
    let hs256 = target
        .jwt_configuration
        .as_ref()
        .and_then(|j| j.alg.as_deref())
        == Some("HS256");
    let (gain, severity) = match (&strong, hs256) {
        (Some((impact, scopes)), _) => (
            format!("{} ({})", impact.describe(), scopes.join(", ")),
            impact.severity(),
        ),
        (None, true) => (
            "forged ID tokens for its users (HS256 signs with the client secret)".to_string(),
            Severity::High,
        ),
        (None, false) => return None,
    };
    let path = vec![
        step(
            ObjectKind::Client,
            &reader.name,
            "reads client secrets (read:client_keys) of",
        ),
        step(
            ObjectKind::Client,
            &target.name,
            &format!("and so gains {gain}"),
        ),
        step(ObjectKind::ManagementApi, &gain, ""),
    ];
    let d = format!(
        "\"{}\" can read the client secret of \"{}\" through the Management API and then act as it: {gain}.",
        reader.name, target.name
    );
    let objects = vec![
        ObjectRef::new(ObjectKind::Client, &reader.name),
        ObjectRef::new(ObjectKind::Client, &target.name),
    ];
    Some(
        Hit::new(objects, d)
            .with_severity(severity)
            .with_path(path)
            .with_evidence(evidence(
                &reader.file,
                "Management API grant includes read:client_keys / read:client_credentials",
            )),
    )
}

/// Why a client's refresh tokens live long, if they do.
fn long_lived(c: &Client) -> Option<String> {
    if !c.allows_grant("refresh_token") {
        return None;
    }
    let Some(rt) = &c.refresh_token else {
        return Some(
            "refresh_token settings absent (API default: non-rotating, non-expiring)".into(),
        );
    };
    if rt.rotation_type.as_deref() != Some("rotating") {
        return Some("refresh tokens do not rotate".into());
    }
    if rt.expiration_type.as_deref() != Some("expiring") || rt.infinite_token_lifetime == Some(true)
    {
        return Some("refresh tokens never expire".into());
    }
    None
}

fn eval_long_lived(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let apis: Vec<_> = s
        .resource_servers
        .iter()
        .filter(|a| a.allow_offline_access == Some(true) && a.is_system != Some(true))
        .collect();
    let mut hits = Vec::new();
    for client in s
        .clients
        .iter()
        .filter(|c| c.app_type.as_deref() == Some("spa"))
    {
        let Some(why) = long_lived(client) else {
            continue;
        };
        for api in &apis {
            let path = vec![
                step(
                    ObjectKind::Client,
                    &client.name,
                    &format!("runs in the browser; {why}; tokens for"),
                ),
                step(ObjectKind::ResourceServer, &api.name, ""),
            ];
            let d = format!(
                "A script injected into \"{}\" can take a refresh token that keeps working for \"{}\": {why}.",
                client.name, api.name
            );
            let objects = vec![
                ObjectRef::new(ObjectKind::Client, &client.name),
                ObjectRef::new(ObjectKind::ResourceServer, &api.name),
            ];
            hits.push(
                Hit::new(objects, d)
                    .with_path(path)
                    .with_evidence(evidence(&client.file, why.clone()))
                    .with_evidence(evidence(&api.file, "allow_offline_access: true")),
            );
        }
    }
    hits
}

fn eval_dcr(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    if s.settings.flags.enable_dynamic_client_registration != Some(true) {
        return Vec::new();
    }
    s.connections
        .iter()
        .filter(|c| c.is_domain_connection == Some(true))
        .map(|conn| {
            let path = vec![
                step(ObjectKind::Tenant, &s.tenant, "lets anyone register an application (DCR) that signs in through"),
                step(ObjectKind::Connection, &conn.name, "promoted to domain level, reaching the tenant's real users"),
            ];
            let d = format!(
                "Anyone can register a third-party application and sign real \"{}\" users into it, then phish their consent.",
                conn.name
            );
            let objects = vec![ObjectRef::new(ObjectKind::Tenant, &s.tenant), ObjectRef::new(ObjectKind::Connection, &conn.name)];
            Hit::new(objects, d)
                .with_path(path)
                .with_evidence(evidence(&settings_file(s), "flags.enable_dynamic_client_registration: true"))
                .with_evidence(evidence(&connection_file(conn), "is_domain_connection: true"))
        })
        .collect()
}
