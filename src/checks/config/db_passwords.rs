//! Database-connection password rules: strength level, minimum length (the effective one when
//! only a level is set), history, personal data, dictionary, and the connection's brute-force
//! flag. A connection enabled for no application is reported low.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::Connection;

use super::support::{config_rule, connection_file, connection_ref, evidence, lower_if_unused};

config_rule!(PASSWORD_POLICY {
    id: "connection.password-policy",
    title: "Database connection accepts weak passwords",
    severity: High,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.passwordPolicy",
        "connections.enabled_clients"
    ],
    condition: "A database connection's passwordPolicy is none, low or unset (high) or fair (medium); low when the connection is enabled for no application.",
    remediation: "Set passwordPolicy to good or excellent, or a minimum length of at least 12 with the dictionary check.",
    matches: ["CM:checkPasswordPolicy"],
    eval: eval_policy,
});

config_rule!(PASSWORD_MIN_LENGTH {
    id: "connection.password-min-length",
    title: "Database connection allows passwords shorter than 12 characters",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.password_complexity_options.min_length",
        "connections.options.passwordPolicy"
    ],
    condition: "The effective minimum length (password_complexity_options.min_length, else the one the policy level implies) is below 12.",
    remediation: "Set password_complexity_options.min_length to 12 or more.",
    matches: ["CM:checkPasswordComplexity"],
    eval: eval_min_length,
});

config_rule!(PASSWORD_HISTORY {
    id: "connection.password-history",
    title: "Database connection lets users reuse old passwords",
    severity: Low,
    category: Connection,
    needs: [Connections],
    reads: ["connections.options.password_history.enable"],
    condition: "password_history.enable is not true (absent means off, which CheckMate does not report).",
    remediation: "Enable password history (size 5 or more).",
    matches: ["CM:checkPasswordHistory"],
    eval: eval_history,
});

config_rule!(PASSWORD_PERSONAL_INFO {
    id: "connection.password-personal-info",
    title: "Database connection allows personal data in passwords",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: ["connections.options.password_no_personal_info.enable"],
    condition: "password_no_personal_info.enable is not true (absent means off).",
    remediation: "Enable password_no_personal_info so passwords cannot contain the user's name, e-mail or username.",
    matches: ["CM:checkPasswordNoPersonalInfo"],
    eval: eval_personal_info,
});

config_rule!(PASSWORD_DICTIONARY {
    id: "connection.password-dictionary",
    title: "Database connection accepts common passwords",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: ["connections.options.password_dictionary.enable"],
    condition: "password_dictionary.enable is not true (absent means off).",
    remediation: "Enable the password dictionary check.",
    matches: ["GAP password-dictionary"],
    eval: eval_dictionary,
});

config_rule!(CONNECTION_BRUTE_FORCE_OFF {
    id: "connection.brute-force-disabled",
    title: "Brute-force protection is switched off for a database connection",
    severity: High,
    category: Connection,
    needs: [Connections],
    reads: ["connections.options.brute_force_protection"],
    condition: "options.brute_force_protection is false (absent means on).",
    remediation: "Set options.brute_force_protection to true.",
    matches: ["GAP conn-bruteforce-off"],
    eval: eval_brute_force,
});

/// Database connections with whether each is enabled for no application.
fn databases<'a>(ctx: &ScanContext<'a>) -> impl Iterator<Item = (&'a Connection, bool)> {
    ctx.snapshot
        .connections
        .iter()
        .filter(|c| c.is_database())
        .map(|c| (c, c.enabled_clients.is_empty()))
}

fn hit(c: &Connection, unused: bool, severity: Severity, what: &str, text: String) -> Hit {
    let mut d = format!("Database connection \"{}\" {what}.", c.name);
    if unused {
        d.push_str(" It is enabled for no application.");
    }
    Hit::new(vec![connection_ref(c)], d)
        .with_severity(lower_if_unused(severity, unused))
        .with_evidence(evidence(&connection_file(c), text))
}

fn eval_policy(ctx: &ScanContext) -> Vec<Hit> {
    databases(ctx)
        .filter_map(|(c, unused)| {
            let level = c.options.password_policy.as_deref().unwrap_or("");
            let severity = match level {
                "" | "none" | "low" => Severity::High,
                "fair" => Severity::Medium,
                _ => return None,
            };
            let shown = if level.is_empty() { "(not set)" } else { level };
            let what = format!("has password strength level {shown}");
            Some(hit(
                c,
                unused,
                severity,
                &what,
                format!("options.passwordPolicy: {shown}"),
            ))
        })
        .collect()
}

/// Minimum length a policy level implies.
fn implied_min_length(level: Option<&str>) -> i64 {
    match level {
        Some("low") => 6,
        Some("fair" | "good") => 8,
        Some("excellent") => 10,
        _ => 1,
    }
}

fn eval_min_length(ctx: &ScanContext) -> Vec<Hit> {
    databases(ctx)
        .filter_map(|(c, unused)| {
            let explicit = c
                .options
                .password_complexity_options
                .as_ref()
                .and_then(|p| p.min_length);
            let min = explicit
                .unwrap_or_else(|| implied_min_length(c.options.password_policy.as_deref()));
            if min >= 12 {
                return None;
            }
            let text = match explicit {
                Some(v) => format!("options.password_complexity_options.min_length: {v}"),
                None => {
                    format!("options.password_complexity_options: (not set; policy implies {min})")
                }
            };
            let what = format!("accepts passwords of {min} characters");
            Some(hit(c, unused, Severity::Medium, &what, text))
        })
        .collect()
}

fn toggle_rule(
    ctx: &ScanContext,
    severity: Severity,
    field: &str,
    what: &str,
    get: fn(&Connection) -> Option<bool>,
) -> Vec<Hit> {
    databases(ctx)
        .filter(|(c, _)| get(c) != Some(true))
        .map(|(c, unused)| {
            let value = get(c).map_or("(not set)".to_string(), |v| v.to_string());
            hit(
                c,
                unused,
                severity,
                what,
                format!("options.{field}: {value}"),
            )
        })
        .collect()
}

fn eval_history(ctx: &ScanContext) -> Vec<Hit> {
    toggle_rule(
        ctx,
        Severity::Low,
        "password_history.enable",
        "lets users reuse previous passwords",
        |c| c.options.password_history.as_ref().and_then(|h| h.enable),
    )
}

fn eval_personal_info(ctx: &ScanContext) -> Vec<Hit> {
    toggle_rule(
        ctx,
        Severity::Medium,
        "password_no_personal_info.enable",
        "allows the user's name or e-mail in the password",
        |c| {
            c.options
                .password_no_personal_info
                .as_ref()
                .and_then(|t| t.enable)
        },
    )
}

fn eval_dictionary(ctx: &ScanContext) -> Vec<Hit> {
    toggle_rule(
        ctx,
        Severity::Medium,
        "password_dictionary.enable",
        "accepts common dictionary passwords",
        |c| {
            c.options
                .password_dictionary
                .as_ref()
                .and_then(|t| t.enable)
        },
    )
}

fn eval_brute_force(ctx: &ScanContext) -> Vec<Hit> {
    databases(ctx)
        .filter(|(c, _)| c.options.brute_force_protection == Some(false))
        .map(|(c, unused)| {
            hit(
                c,
                unused,
                Severity::High,
                "has brute-force protection switched off",
                "options.brute_force_protection: false".to_string(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};
    use crate::tenant::TenantSnapshot;

    fn db(options: Value) -> TenantSnapshot {
        TenantBuilder::new()
            .connection(json!({"name": "db", "strategy": "auth0", "enabled_clients": ["Web"], "options": options}))
            .connection(json!({"name": "google", "strategy": "google-oauth2", "enabled_clients": ["Web"]}))
            .build()
    }

    const STRONG: &str = r#"{"passwordPolicy": "good", "password_complexity_options": {"min_length": 12},
        "password_history": {"enable": true, "size": 5}, "password_no_personal_info": {"enable": true},
        "password_dictionary": {"enable": true}, "brute_force_protection": true}"#;

    fn strong() -> Value {
        serde_json::from_str(STRONG).unwrap()
    }

    #[test]
    fn strong_database_is_clean_for_every_rule() {
        for rule in [
            &PASSWORD_POLICY,
            &PASSWORD_MIN_LENGTH,
            &PASSWORD_HISTORY,
            &PASSWORD_PERSONAL_INFO,
            &PASSWORD_DICTIONARY,
            &CONNECTION_BRUTE_FORCE_OFF,
        ] {
            clean(rule, &db(strong()));
        }
    }

    #[test]
    fn policy_levels() {
        assert_eq!(severity(&PASSWORD_POLICY, &db(json!({}))), Severity::High);
        assert_eq!(
            severity(&PASSWORD_POLICY, &db(json!({"passwordPolicy": "fair"}))),
            Severity::Medium
        );
        let unused = TenantBuilder::new()
            .connection(
                json!({"name": "old", "strategy": "auth0", "options": {"passwordPolicy": "none"}}),
            )
            .build();
        let hit = one(&PASSWORD_POLICY, &unused);
        assert_eq!(hit.severity, Some(Severity::Low));
        assert_eq!(hit.evidence[0].text, "options.passwordPolicy: none");
    }

    #[test]
    fn min_length_uses_the_policy_when_unset() {
        let hit = one(
            &PASSWORD_MIN_LENGTH,
            &db(json!({"passwordPolicy": "excellent"})),
        );
        assert!(
            hit.description.contains("10 characters"),
            "{}",
            hit.description
        );
        let mut short = strong();
        short["password_complexity_options"]["min_length"] = json!(8);
        assert_eq!(severity(&PASSWORD_MIN_LENGTH, &db(short)), Severity::Medium);
    }

    #[test]
    fn toggles_absent_or_false_are_reported() {
        let mut s = strong();
        s["password_history"]["enable"] = json!(false);
        s["password_no_personal_info"] = Value::Null;
        s["password_dictionary"]["enable"] = json!(false);
        s["brute_force_protection"] = json!(false);
        let snap = db(s);
        assert_eq!(severity(&PASSWORD_HISTORY, &snap), Severity::Low);
        assert_eq!(severity(&PASSWORD_PERSONAL_INFO, &snap), Severity::Medium);
        assert_eq!(severity(&PASSWORD_DICTIONARY, &snap), Severity::Medium);
        assert_eq!(severity(&CONNECTION_BRUTE_FORCE_OFF, &snap), Severity::High);
    }
}
