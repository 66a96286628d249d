//! Database-connection login and signup settings: password-only authentication, e-mail
//! verification at signup, custom databases used as a live proxy, connections promoted to the
//! domain level (usable by third-party and dynamically registered apps) and MFA switched off.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::Connection;

use super::support::{config_rule, connection_file, connection_ref, evidence, lower_if_unused};

config_rule!(PASSWORD_ONLY {
    id: "connection.password-only",
    title: "Database connection offers passwords only (no passkeys)",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.authentication_methods.password.enabled",
        "connections.options.authentication_methods.passkey.enabled"
    ],
    condition: "A database connection has no authentication_methods block (passwords only) or has passwords on and passkeys off; low when enabled for no application.",
    remediation: "Enable passkeys on the connection so users can move off phishable passwords.",
    matches: ["CM:checkAuthenticationMethods"],
    eval: eval_password_only,
});

config_rule!(EMAIL_VERIFICATION {
    id: "connection.signup-email-unverified",
    title: "Signup does not verify the e-mail address with a one-time code",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.attributes.email.verification_method",
        "connections.options.disable_signup"
    ],
    condition: "A database connection has no flexible-identifier attributes, or its e-mail attribute's verification_method is not otp; low when signup is disabled or the connection is enabled for no application.",
    remediation: "Use flexible identifiers with attributes.email.verification_method: otp so accounts cannot be created for addresses the user does not control.",
    matches: ["CM:checkEmailAttributeVerification"],
    eval: eval_email_verification,
});

config_rule!(CUSTOM_DATABASE_LIVE {
    id: "connection.custom-database-live",
    title: "Custom database scripts proxy every login to an external store",
    severity: Info,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.enabledDatabaseCustomization",
        "connections.options.import_mode"
    ],
    condition: "enabledDatabaseCustomization is true and import_mode is not true, so the legacy store stays in the login path.",
    remediation: "Turn on import mode (lazy migration) and retire the external store once users have moved.",
    matches: ["CM:checkEnabledDatabaseCustomization"],
    eval: eval_custom_db,
});

config_rule!(DOMAIN_CONNECTION {
    id: "connection.domain-level",
    title: "Database connection is promoted to the domain level",
    severity: Low,
    category: Connection,
    needs: [Connections, TenantSettings],
    reads: [
        "connections.is_domain_connection",
        "tenant.flags.enable_dynamic_client_registration",
        "clients.is_first_party"
    ],
    condition: "is_domain_connection is true (reported only then, unlike CheckMate); medium when dynamic client registration is on or third-party applications exist, since those can use the connection.",
    remediation: "Demote the connection unless third-party applications must use it, and enable it per application instead.",
    matches: ["CM:checkPromotedDBConnection"],
    eval: eval_domain,
});

config_rule!(CONNECTION_MFA_OFF {
    id: "connection.mfa-inactive",
    title: "MFA is switched off for a connection",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: ["connections.options.mfa.active"],
    condition: "options.mfa.active is false (absent means on).",
    remediation: "Set options.mfa.active to true so tenant MFA policies apply to this connection's users.",
    matches: ["GAP conn-mfa-inactive"],
    eval: eval_mfa,
});

fn databases<'a>(ctx: &ScanContext<'a>) -> impl Iterator<Item = &'a Connection> {
    ctx.snapshot.connections.iter().filter(|c| c.is_database())
}

fn hit(c: &Connection, severity: Severity, what: String, text: String) -> Hit {
    Hit::new(
        vec![connection_ref(c)],
        format!("Connection \"{}\" {what}.", c.name),
    )
    .with_severity(severity)
    .with_evidence(evidence(&connection_file(c), text))
}

fn flag(v: Option<&serde_json::Value>, path: &[&str]) -> Option<bool> {
    path.iter().try_fold(v?, |v, k| v.get(k))?.as_bool()
}

fn eval_password_only(ctx: &ScanContext) -> Vec<Hit> {
    databases(ctx)
        .filter_map(|c| {
            let methods = c.options.authentication_methods.as_ref();
            let password = flag(methods, &["password", "enabled"]).unwrap_or(true);
            let passkey = flag(methods, &["passkey", "enabled"]).unwrap_or(false);
            if !password || passkey {
                return None;
            }
            let text = if methods.is_none() {
                "options.authentication_methods: (not set; passwords only)".to_string()
            } else {
                "options.authentication_methods.passkey.enabled: false".to_string()
            };
            let sev = lower_if_unused(Severity::Medium, c.enabled_clients.is_empty());
            Some(hit(c, sev, "offers passwords and no passkeys".into(), text))
        })
        .collect()
}

fn eval_email_verification(ctx: &ScanContext) -> Vec<Hit> {
    databases(ctx)
        .filter_map(|c| {
            let attributes = c.options.attributes.as_ref();
            let text = match attributes {
                None => "options.attributes: (not set)".to_string(),
                Some(a) => {
                    let email = a.get("email")?;
                    let method = email.get("verification_method").and_then(|m| m.as_str());
                    if method == Some("otp") {
                        return None;
                    }
                    format!(
                        "options.attributes.email.verification_method: {}",
                        method.unwrap_or("(not set)")
                    )
                }
            };
            let quiet = !c.signup_enabled() || c.enabled_clients.is_empty();
            let sev = lower_if_unused(Severity::Medium, quiet);
            Some(hit(
                c,
                sev,
                "creates accounts without proving the e-mail address at signup".into(),
                text,
            ))
        })
        .collect()
}

fn eval_custom_db(ctx: &ScanContext) -> Vec<Hit> {
    databases(ctx)
        .filter(|c| {
            c.options.enabled_database_customization == Some(true)
                && c.options.import_mode != Some(true)
        })
        .map(|c| {
            hit(
                c,
                Severity::Info,
                "sends every login to its custom database scripts (import mode off)".into(),
                "options.enabledDatabaseCustomization: true, options.import_mode: false".into(),
            )
        })
        .collect()
}

fn eval_domain(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let dcr = s.settings.flags.enable_dynamic_client_registration == Some(true);
    let third: Vec<&str> = s
        .clients
        .iter()
        .filter(|c| c.is_third_party())
        .map(|c| c.name.as_str())
        .collect();
    databases(ctx)
        .filter(|c| c.is_domain_connection == Some(true))
        .map(|c| {
            let mut what = "is a domain-level connection: every application, third-party ones included, can use it".to_string();
            if dcr {
                what.push_str("; dynamic client registration is on, so anyone can register such an application");
            }
            if !third.is_empty() {
                what.push_str(&format!("; third-party applications: {}", third.join(", ")));
            }
            let sev = if dcr || !third.is_empty() {
                Severity::Medium
            } else {
                Severity::Low
            };
            hit(c, sev, what, "is_domain_connection: true".into())
        })
        .collect()
}

fn eval_mfa(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .connections
        .iter()
        .filter(|c| c.options.mfa.as_ref().and_then(|m| m.active) == Some(false))
        .map(|c| {
            let sev = lower_if_unused(Severity::Medium, c.enabled_clients.is_empty());
            hit(
                c,
                sev,
                "has MFA switched off".into(),
                "options.mfa.active: false".into(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, severity};
    use crate::tenant::TenantSnapshot;

    fn db(extra: Value) -> TenantSnapshot {
        let mut conn = json!({"name": "db", "strategy": "auth0", "enabled_clients": ["Web"]});
        if let (Some(obj), Some(more)) = (conn.as_object_mut(), extra.as_object()) {
            obj.extend(more.clone());
        }
        TenantBuilder::new().connection(conn).build()
    }

    #[test]
    fn password_only() {
        assert_eq!(severity(&PASSWORD_ONLY, &db(json!({}))), Severity::Medium);
        clean(
            &PASSWORD_ONLY,
            &db(
                json!({"options": {"authentication_methods": {"password": {"enabled": true}, "passkey": {"enabled": true}}}}),
            ),
        );
    }

    #[test]
    fn email_verification_otp_is_clean() {
        assert_eq!(
            severity(&EMAIL_VERIFICATION, &db(json!({}))),
            Severity::Medium
        );
        let closed = db(
            json!({"options": {"disable_signup": true, "attributes": {"email": {"verification_method": "link"}}}}),
        );
        assert_eq!(severity(&EMAIL_VERIFICATION, &closed), Severity::Low);
        clean(
            &EMAIL_VERIFICATION,
            &db(
                json!({"options": {"attributes": {"email": {"identifier": {"active": true}, "verification_method": "otp"}}}}),
            ),
        );
    }

    #[test]
    fn custom_database_import_mode() {
        let live = db(json!({"options": {"enabledDatabaseCustomization": true}}));
        assert_eq!(severity(&CUSTOM_DATABASE_LIVE, &live), Severity::Info);
        clean(
            &CUSTOM_DATABASE_LIVE,
            &db(json!({"options": {"enabledDatabaseCustomization": true, "import_mode": true}})),
        );
    }

    #[test]
    fn domain_connection_weighs_dcr() {
        assert_eq!(
            severity(
                &DOMAIN_CONNECTION,
                &db(json!({"is_domain_connection": true}))
            ),
            Severity::Low
        );
        let mut s = db(json!({"is_domain_connection": true}));
        s.settings.flags.enable_dynamic_client_registration = Some(true);
        assert_eq!(severity(&DOMAIN_CONNECTION, &s), Severity::Medium);
        clean(
            &DOMAIN_CONNECTION,
            &db(json!({"is_domain_connection": false})),
        );
    }

    #[test]
    fn connection_mfa() {
        assert_eq!(
            severity(
                &CONNECTION_MFA_OFF,
                &db(json!({"options": {"mfa": {"active": false}}}))
            ),
            Severity::Medium
        );
        clean(
            &CONNECTION_MFA_OFF,
            &db(json!({"options": {"mfa": {"active": true}}})),
        );
        clean(&CONNECTION_MFA_OFF, &db(json!({})));
    }
}
