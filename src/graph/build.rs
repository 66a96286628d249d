//! Builds the [`AttackGraph`] from a tenant snapshot and the analysed code units.
//!
//! Edges into and out of a code node carry the index of the code effect that realises them
//! (`Edge::via`), so a path only runs through a piece of code when the *same* statement reads
//! the attacker's data and performs the next step.

use crate::code::opaque_calls::carried;
use crate::code::{CodeUnit, EffectKind, Source};
use crate::findings::{Evidence, ObjectKind};
use crate::tenant::{Connection, TenantSnapshot};

use super::mgmt_scopes::worst_impact;
use super::model::{AttackGraph, EdgeKind, NodeId};
use super::names;

/// Builds the graph. Code units are indexed in the order given; `units[i]` is code node `i`.
pub fn build_graph(snapshot: &TenantSnapshot, units: &[CodeUnit]) -> AttackGraph {
    let mut g = AttackGraph::default();
    add_connections(&mut g, snapshot, units);
    add_self_service_metadata(&mut g, snapshot, units);
    for (u, unit) in units.iter().enumerate() {
        add_code(&mut g, u, unit);
    }
    add_scope_trust(&mut g, snapshot);
    add_rbac_off_apis(&mut g, snapshot);
    add_grants(&mut g, snapshot);
    add_leaks(&mut g, snapshot, units);
    g
}

fn file_evidence(file: &str, text: impl Into<String>) -> Vec<Evidence> {
    vec![Evidence {
        file: file.to_string(),
        line: None,
        text: text.into(),
    }]
}

fn add_connections(g: &mut AttackGraph, snapshot: &TenantSnapshot, units: &[CodeUnit]) {
    for conn in &snapshot.connections {
        let c = g.node(ObjectKind::Connection, &conn.name);
        for client in &conn.enabled_clients {
            let a = g.node(ObjectKind::Client, client);
            let ev = file_evidence(&conn.file, format!("enabled_clients includes \"{client}\""));
            g.edge(c, a, EdgeKind::EnabledFor, "enabled for", ev);
        }
        if conn.enabled_clients.is_empty() {
            continue;
        }
        if conn.is_database() && conn.signup_enabled() {
            add_signup_attributes(g, c, conn, units);
        }
        if let Some(how) = email_verified_assertion(conn, units) {
            let attr = g.node(ObjectKind::UserAttribute, names::EMAIL_VERIFIED);
            g.edge(c, attr, EdgeKind::AssertsEmailVerified, &how.0, how.1);
        }
    }
}

/// An open database signup lets anyone choose `user_metadata` and an unverified e-mail.
fn add_signup_attributes(g: &mut AttackGraph, c: NodeId, conn: &Connection, units: &[CodeUnit]) {
    let ev = file_evidence(
        &conn.file,
        "options.disable_signup is not true: public signup is open",
    );
    let label = "anyone can sign up (POST /dbconnections/signup) and set";
    for key in metadata_keys_read(units) {
        let attr = g.node(ObjectKind::UserAttribute, &names::user_metadata(Some(&key)));
        g.edge(c, attr, EdgeKind::SignupWrites, label, ev.clone());
    }
    let any = g.node(ObjectKind::UserAttribute, &names::user_metadata(None));
    g.edge(c, any, EdgeKind::SignupWrites, label, ev.clone());
    let email = g.node(ObjectKind::UserAttribute, names::EMAIL_UNVERIFIED);
    g.edge(
        c,
        email,
        EdgeKind::SignupWrites,
        "anyone can sign up with any e-mail address",
        ev,
    );
}

/// The Management API's user policy lets any logged-in user mint a token for their own
/// profile (`update:current_user_metadata`) unless it is `require_client_grant` or `deny_all`.
/// Exports leave the system API out, so this edge only appears on live data.
fn add_self_service_metadata(g: &mut AttackGraph, snapshot: &TenantSnapshot, units: &[CodeUnit]) {
    let Some(api) = snapshot
        .resource_servers
        .iter()
        .find(|a| a.is_system == Some(true) && snapshot.is_management_api(&a.identifier))
    else {
        return;
    };
    if matches!(
        names::user_policy(api),
        Some("require_client_grant" | "deny_all")
    ) {
        return;
    }
    let m = g.node(
        ObjectKind::ManagementApi,
        "user tokens for the Management API",
    );
    let policy = names::user_policy(api).unwrap_or("unset");
    let ev = file_evidence(
        &api.file,
        format!("subject_type_authorization.user.policy: {policy}"),
    );
    let label = "any logged-in user can request update:current_user_metadata and set";
    for key in metadata_keys_read(units) {
        let attr = g.node(ObjectKind::UserAttribute, &names::user_metadata(Some(&key)));
        g.edge(m, attr, EdgeKind::SelfServiceWrites, label, ev.clone());
    }
    let any = g.node(ObjectKind::UserAttribute, &names::user_metadata(None));
    g.edge(m, any, EdgeKind::SelfServiceWrites, label, ev);
}

/// Every `user_metadata` key any code reads, sorted.
fn metadata_keys_read(units: &[CodeUnit]) -> Vec<String> {
    let mut keys: Vec<String> = units
        .iter()
        .flat_map(|u| u.report.reads_user_metadata.iter().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Whether a connection marks e-mail addresses verified without proof, with how and evidence.
fn email_verified_assertion(
    conn: &Connection,
    units: &[CodeUnit],
) -> Option<(String, Vec<Evidence>)> {
    let trust = conn
        .options
        .should_trust_email_verified_connection
        .as_deref();
    if trust == Some("always_set_emails_as_verified") {
        let mut how = "marks every e-mail from the identity provider verified".to_string();
        if conn.options.use_common_endpoint == Some(true) {
            how.push_str(" (multi-tenant: any Entra ID tenant can sign in and choose its e-mail)");
        }
        let ev = file_evidence(
            &conn.file,
            "options.should_trust_email_verified_connection: always_set_emails_as_verified",
        );
        return Some((how, ev));
    }
    for unit in units {
        if unit.object.kind != ObjectKind::Connection || unit.object.name != conn.name {
            continue;
        }
        for effect in &unit.report.effects {
            if let EffectKind::AssertsEmailVerified { constant_true } = effect.kind {
                let how = if constant_true {
                    "profile script forges email_verified: true"
                } else {
                    "profile script passes the provider's email_verified through unchecked"
                };
                let ev = vec![Evidence {
                    file: unit.report.file.clone(),
                    line: Some(effect.line),
                    text: effect.text.clone(),
                }];
                return Some((how.to_string(), ev));
            }
        }
    }
    None
}

fn add_code(g: &mut AttackGraph, u: usize, unit: &CodeUnit) {
    let code = g.node(unit.object.kind, &unit.object.name);
    for (i, effect) in unit.report.effects.iter().enumerate() {
        let target = match &effect.kind {
            EffectKind::SetAppMetadata { key } => {
                let n = g.node(
                    ObjectKind::UserAttribute,
                    &names::app_metadata(key.as_deref()),
                );
                Some((n, EdgeKind::Writes, "writes".to_string()))
            }
            EffectKind::AddScope { scope } => {
                let name = scope.clone().unwrap_or_else(|| "<computed scope>".into());
                let n = g.node(ObjectKind::Scope, &name);
                Some((
                    n,
                    EdgeKind::AddsScope,
                    "adds scope to the access token".to_string(),
                ))
            }
            EffectKind::AccessTokenClaim { name } | EffectKind::IdTokenClaim { name } => {
                let claim = name.clone().unwrap_or_else(|| "<computed claim>".into());
                let token = match effect.kind {
                    EffectKind::IdTokenClaim { .. } => "ID token",
                    _ => "access token",
                };
                let n = g.node(ObjectKind::Claim, &claim);
                Some((n, EdgeKind::SetsClaim, format!("sets {token} claim")))
            }
            EffectKind::SamlAttribute { name } => {
                let attribute = name
                    .clone()
                    .unwrap_or_else(|| "<computed attribute>".into());
                let n = g.node(ObjectKind::Claim, &attribute);
                Some((n, EdgeKind::SetsClaim, "sets SAML attribute".to_string()))
            }
            _ => None,
        };
        let Some((to, kind, label)) = target else {
            continue;
        };
        let ev = vec![Evidence {
            file: unit.report.file.clone(),
            line: Some(effect.line),
            text: effect.text.clone(),
        }];
        g.edge_via(code, to, kind, &label, ev.clone(), (u, i));
        for source in effect
            .value_sources
            .iter()
            .chain(effect.guard_sources.iter())
        {
            let Some(a) = read_attribute(g, source, effect.guarded_by_email_verified) else {
                continue;
            };
            let read = if effect.value_sources.contains(source) {
                "flows into"
            } else {
                "decides"
            };
            g.edge_via(a, code, EdgeKind::ReadBy, read, ev.clone(), (u, i));
        }
        // What whole objects passed into npm functions carry: leads, not proven flows.
        for (set, maybe) in [
            (&effect.value_sources, "may flow into"),
            (&effect.guard_sources, "may decide"),
        ] {
            for (callee, source) in carried(set) {
                let Some(a) = read_attribute(g, source, effect.guarded_by_email_verified) else {
                    continue;
                };
                let label = format!("{maybe} (through `{callee}`)");
                g.lead_via(a, code, EdgeKind::ReadBy, &label, ev.clone(), (u, i));
            }
        }
        if effect.guarded_by_email_verified && effect.guard_sources.contains(&Source::Email) {
            let a = g.node(ObjectKind::UserAttribute, names::EMAIL_VERIFIED);
            g.edge_via(
                a,
                code,
                EdgeKind::ReadBy,
                "trusted (with the e-mail address) by",
                ev,
                (u, i),
            );
        }
    }
}

/// The user-attribute node a source reads, if it reads one. An e-mail address behind an
/// `email_verified` check is trusted through the `email_verified` edge instead.
fn read_attribute(g: &mut AttackGraph, source: &Source, email_verified: bool) -> Option<NodeId> {
    if matches!(source, Source::Email) && email_verified {
        return None;
    }
    let attr = names::attribute_of(source)?;
    Some(g.node(ObjectKind::UserAttribute, &attr))
}

/// scope -> every API that defines it.
fn add_scope_trust(g: &mut AttackGraph, snapshot: &TenantSnapshot) {
    let scopes: Vec<(NodeId, String)> = g
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == ObjectKind::Scope)
        .map(|(i, n)| (NodeId(i), n.name.clone()))
        .collect();
    for (id, scope) in scopes {
        for api in snapshot
            .resource_servers
            .iter()
            .filter(|a| a.has_scope(&scope))
        {
            let to = g.node(ObjectKind::ResourceServer, &api.name);
            let ev = file_evidence(&api.file, format!("scopes include \"{scope}\""));
            g.edge(id, to, EdgeKind::TrustedBy, "is defined and trusted by", ev);
        }
    }
}

/// APIs without RBAC issue any scope they define to any user who asks.
fn add_rbac_off_apis(g: &mut AttackGraph, snapshot: &TenantSnapshot) {
    for api in &snapshot.resource_servers {
        if api.is_system == Some(true)
            || api.enforce_policies == Some(true)
            || api.scopes.is_empty()
        {
            continue;
        }
        if names::user_policy(api) == Some("deny_all") {
            continue;
        }
        let rs = g.node(ObjectKind::ResourceServer, &api.name);
        for scope in &api.scopes {
            let s = g.node(
                ObjectKind::Scope,
                &format!("{} {}", api.identifier, scope.value),
            );
            let ev = file_evidence(&api.file, "enforce_policies is not true (RBAC off)");
            g.edge(
                rs,
                s,
                EdgeKind::IssuesAnyScope,
                "RBAC off: issues any requested scope, e.g.",
                ev,
            );
        }
        let require_grant = names::user_policy(api) == Some("require_client_grant");
        for client in snapshot.clients.iter().filter(|c| !c.is_m2m()) {
            let granted = snapshot
                .client_grants
                .iter()
                .any(|gr| gr.client == client.name && gr.audience == api.identifier);
            if require_grant && !granted {
                continue;
            }
            let c = g.node(ObjectKind::Client, &client.name);
            let ev = file_evidence(
                &api.file,
                "subject_type_authorization.user.policy allows user tokens",
            );
            g.edge(
                c,
                rs,
                EdgeKind::CanRequestTokensFor,
                "can request user tokens for",
                ev,
            );
        }
    }
}

fn add_grants(g: &mut AttackGraph, snapshot: &TenantSnapshot) {
    for grant in &snapshot.client_grants {
        if !snapshot.is_management_api(&grant.audience) {
            continue;
        }
        let Some((impact, scopes)) = worst_impact(grant.scope.iter().map(String::as_str)) else {
            continue;
        };
        let c = g.node(ObjectKind::Client, &grant.client);
        let gname = format!("{} -> Management API", grant.client);
        let gn = g.node(ObjectKind::ClientGrant, &gname);
        let ev = file_evidence(&grant.file, format!("scope: {}", grant.scope.join(" ")));
        g.edge(
            c,
            gn,
            EdgeKind::HoldsGrant,
            "holds client grant",
            ev.clone(),
        );
        let target = g.node(ObjectKind::ManagementApi, impact.describe());
        let label = format!("grants {}", scopes.join(", "));
        g.edge(gn, target, EdgeKind::Grants, &label, ev);
    }
}

fn add_leaks(g: &mut AttackGraph, snapshot: &TenantSnapshot, units: &[CodeUnit]) {
    for unit in units {
        for effect in &unit.report.effects {
            let EffectKind::HardcodedSecret {
                fingerprint,
                client_id,
                ..
            } = &effect.kind
            else {
                continue;
            };
            let owner = snapshot.clients.iter().find(|c| {
                client_id.is_some() && c.client_id.as_deref() == client_id.as_deref()
                    || c.client_secret
                        .as_deref()
                        .map(names::fingerprint)
                        .as_deref()
                        == Some(fingerprint)
            });
            let Some(owner) = owner else { continue };
            let code = g.node(unit.object.kind, &unit.object.name);
            let c = g.node(ObjectKind::Client, &owner.name);
            let ev = vec![Evidence {
                file: unit.report.file.clone(),
                line: Some(effect.line),
                text: effect.text.clone(),
            }];
            g.edge(
                code,
                c,
                EdgeKind::LeaksSecretOf,
                "contains the client secret of",
                ev,
            );
        }
    }
}
