//! Application token settings: ID-token signing, cross-origin authentication, refresh-token
//! rotation and lifetimes (evaluated in full, not only "non-rotating and non-expiring"), sender
//! constraining and ID-token lifetime.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::{Client, DataKind, RefreshTokenConfig};

use super::support::{
    client_file, client_ref, config_rule, evidence, has_no_connections, is_global,
    is_public_client, lower_if_unused,
};

config_rule!(ID_TOKEN_HS256 {
    id: "client.id-token-hs256",
    title: "ID tokens are signed with the client secret (HS256)",
    severity: High,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.jwt_configuration.alg",
        "connections.enabled_clients"
    ],
    condition: "jwt_configuration.alg is HS256 (low when no connection is enabled for the application); an absent configuration means RS256.",
    remediation: "Switch jwt_configuration.alg to RS256 and validate ID tokens with the tenant's public keys.",
    matches: ["CM:checkJWTSignAlg", "PRC-N rs256", "BL:check_algorithm"],
    eval: eval_hs256,
});

config_rule!(CROSS_ORIGIN_AUTH {
    id: "client.cross-origin-auth",
    title: "Cross-origin authentication is enabled",
    severity: High,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.cross_origin_authentication",
        "connections.enabled_clients",
        "connections.strategy"
    ],
    condition: "cross_origin_authentication is true; low when no database or passwordless connection is enabled for the application (nothing can authenticate through /co/authenticate).",
    remediation: "Use Universal Login (redirect) and turn cross-origin authentication off; embedded login collects passwords in the application's own page.",
    matches: [
        "CM:checkCrossOriginAuthentication",
        "DET:cross_origin_authentication_enabled"
    ],
    eval: eval_cross_origin,
});

config_rule!(REFRESH_TOKENS {
    id: "client.refresh-token-lifetime",
    title: "Refresh tokens never expire, do not rotate or live very long",
    severity: Medium,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.grant_types",
        "clients.refresh_token.rotation_type",
        "clients.refresh_token.expiration_type",
        "clients.refresh_token.infinite_token_lifetime",
        "clients.refresh_token.infinite_idle_token_lifetime",
        "clients.refresh_token.token_lifetime",
        "clients.refresh_token.idle_token_lifetime",
        "clients.refresh_token.leeway"
    ],
    condition: "With the refresh_token grant: non-rotating and non-expiring tokens (the API default; high on public clients), or expiring tokens with both lifetimes infinite (medium), an absolute lifetime over 90 days, an idle lifetime over 30 days, or a reuse leeway above 0 on rotating tokens (low).",
    remediation: "Use rotating, expiring refresh tokens with an absolute lifetime of at most 30-90 days, an idle lifetime of days, and leeway 0.",
    matches: [
        "CM:checkRefreshToken",
        "GAP rt-infinite",
        "BL:check_grant_refreshnotused"
    ],
    eval: eval_refresh,
});

config_rule!(SENDER_CONSTRAINING {
    id: "client.no-sender-constraining",
    title: "Tokens issued to the application are not sender-constrained",
    severity: Low,
    category: Application,
    needs: [Clients],
    reads: ["clients.require_proof_of_possession", "clients.grant_types"],
    condition: "The application uses a code, refresh, client-credentials, password or device grant and require_proof_of_possession is not true (DPoP or mTLS).",
    remediation: "Where the plan allows it, require DPoP or mTLS-bound tokens so a stolen token is useless without the client's key.",
    matches: ["CM:checkAppTokenSenderConstraining"],
    eval: eval_sender,
});

config_rule!(ID_TOKEN_LIFETIME {
    id: "client.id-token-lifetime",
    title: "ID tokens live longer than 10 hours",
    severity: Low,
    category: Application,
    needs: [Clients],
    reads: ["clients.jwt_configuration.lifetime_in_seconds"],
    condition: "jwt_configuration.lifetime_in_seconds is above 36000 (the default).",
    remediation: "Keep ID tokens short-lived (at most the default 10 hours) and rely on sessions for longer logins.",
    matches: ["GAP idtoken-lifetime"],
    eval: eval_id_lifetime,
});

fn eval_hs256(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.clients
        .iter()
        .filter(|c| {
            c.jwt_configuration
                .as_ref()
                .and_then(|j| j.alg.as_deref())
                .is_some_and(|a| a.eq_ignore_ascii_case("HS256"))
        })
        .map(|c| {
            let unused = has_no_connections(s, &c.name);
            let d = format!(
                "Application \"{}\" signs ID tokens with HS256: anyone who knows the client secret can forge them.",
                c.name
            );
            Hit::new(vec![client_ref(c)], d)
                .with_severity(lower_if_unused(Severity::High, unused))
                .with_evidence(evidence(&client_file(c), "jwt_configuration.alg: HS256"))
        })
        .collect()
}

fn eval_cross_origin(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.clients
        .iter()
        .filter(|c| c.cross_origin_authentication == Some(true))
        .map(|c| {
            let credential_login = !s.has(DataKind::Connections)
                || s
                    .connections_of(&c.name)
                    .any(|k| k.is_database() || k.is_passwordless());
            let mut d = format!(
                "Application \"{}\" accepts cross-origin (embedded) authentication.",
                c.name
            );
            if !credential_login {
                d.push_str(
                    " No database or passwordless connection is enabled for it, so nothing can use it today.",
                );
            }
            Hit::new(vec![client_ref(c)], d)
                .with_severity(lower_if_unused(Severity::High, !credential_login))
                .with_evidence(evidence(&client_file(c), "cross_origin_authentication: true"))
        })
        .collect()
}

/// Problems of a refresh-token configuration, each with its severity.
fn refresh_problems(c: &Client, rt: &RefreshTokenConfig) -> Vec<(Severity, String)> {
    let rotating = rt.rotation_type.as_deref() == Some("rotating");
    let expiring = rt.expiration_type.as_deref() == Some("expiring");
    let mut out = Vec::new();
    if !rotating && !expiring {
        let sev = if is_public_client(c) {
            Severity::High
        } else {
            Severity::Medium
        };
        out.push((sev, "refresh tokens neither rotate nor expire".to_string()));
        return out;
    }
    if expiring
        && rt.infinite_token_lifetime == Some(true)
        && rt.infinite_idle_token_lifetime == Some(true)
    {
        out.push((Severity::Medium, "both lifetimes are infinite".to_string()));
    }
    let absolute = rt
        .token_lifetime
        .filter(|_| rt.infinite_token_lifetime != Some(true));
    if let Some(secs) = absolute.filter(|s| *s > 90 * 86_400) {
        out.push((
            Severity::Low,
            format!("absolute lifetime is {} days", secs / 86_400),
        ));
    }
    let idle = rt
        .idle_token_lifetime
        .filter(|_| rt.infinite_idle_token_lifetime != Some(true));
    if let Some(secs) = idle.filter(|s| *s > 30 * 86_400) {
        out.push((
            Severity::Low,
            format!("idle lifetime is {} days", secs / 86_400),
        ));
    }
    if let Some(leeway) = rt.leeway.filter(|l| rotating && *l > 0) {
        out.push((
            Severity::Low,
            format!("a rotated token stays reusable for {leeway} s (leeway)"),
        ));
    }
    out
}

fn eval_refresh(ctx: &ScanContext) -> Vec<Hit> {
    let default = RefreshTokenConfig::default();
    ctx.snapshot
        .clients
        .iter()
        .filter(|c| !is_global(c) && c.allows_grant("refresh_token"))
        .filter_map(|c| {
            let rt = c.refresh_token.as_ref().unwrap_or(&default);
            let problems = refresh_problems(c, rt);
            let severity = problems.iter().map(|(s, _)| *s).max()?;
            let what: Vec<&str> = problems.iter().map(|(_, w)| w.as_str()).collect();
            let d = format!("Application \"{}\": {}.", c.name, what.join("; "));
            let text = format!(
                "refresh_token: rotation_type {}, expiration_type {}, token_lifetime {}, idle_token_lifetime {}, leeway {}",
                rt.rotation_type.as_deref().unwrap_or("(default non-rotating)"),
                rt.expiration_type.as_deref().unwrap_or("(default non-expiring)"),
                rt.token_lifetime.map_or("-".to_string(), |v| v.to_string()),
                rt.idle_token_lifetime.map_or("-".to_string(), |v| v.to_string()),
                rt.leeway.unwrap_or(0)
            );
            Some(
                Hit::new(vec![client_ref(c)], d)
                    .with_severity(severity)
                    .with_evidence(evidence(&client_file(c), text)),
            )
        })
        .collect()
}

const BEARER_GRANTS: [&str; 6] = [
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
    "http://auth0.com/oauth/grant-type/password-realm",
    "urn:ietf:params:oauth:grant-type:device_code",
];

fn eval_sender(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        .filter(|c| !is_global(c) && c.require_proof_of_possession != Some(true))
        .filter(|c| BEARER_GRANTS.iter().any(|g| c.allows_grant(g)))
        .map(|c| {
            let d = format!(
                "Application \"{}\" receives plain bearer tokens; whoever steals one can use it.",
                c.name
            );
            let value = c
                .require_proof_of_possession
                .map_or("(not set)".to_string(), |v| v.to_string());
            Hit::new(vec![client_ref(c)], d).with_evidence(evidence(
                &client_file(c),
                format!("require_proof_of_possession: {value}"),
            ))
        })
        .collect()
}

fn eval_id_lifetime(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        .filter_map(|c| {
            let secs = c
                .jwt_configuration
                .as_ref()?
                .lifetime_in_seconds
                .filter(|s| *s > 36_000)?;
            let d = format!(
                "Application \"{}\" issues ID tokens valid for {} hours.",
                c.name,
                secs / 3600
            );
            Some(Hit::new(vec![client_ref(c)], d).with_evidence(evidence(
                &client_file(c),
                format!("jwt_configuration.lifetime_in_seconds: {secs}"),
            )))
        })
        .collect()
}

#[cfg(test)]
#[path = "clients_tokens_tests.rs"]
mod tests;
