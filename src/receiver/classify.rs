//! Classification of every log event by its type code into a small category vocabulary; `sapi`
//! events (and `gd_tenant_update`) become configuration changes routed by method and path.

use serde::Serialize;

use super::event::LogEvent;
use super::mgmt_path::{self, ConfigChange, Operation, Resource};

/// What kind of event this is, as written on the stdout line (`category`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    LoginSuccess,
    LoginFailure,
    SignupSuccess,
    SignupFailure,
    TokenExchangeSuccess,
    TokenExchangeFailure,
    TokenReuse,
    Logout,
    BruteForceBlock,
    SuspiciousIpBlock,
    BreachedPassword,
    BotDetection,
    Mfa,
    MfaAbuse,
    ConfigChange,
    SecretRead,
    RateLimit,
    Deprecation,
    UserChange,
    ActionFailure,
    Other,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::LoginSuccess => "login-success",
            Category::LoginFailure => "login-failure",
            Category::SignupSuccess => "signup-success",
            Category::SignupFailure => "signup-failure",
            Category::TokenExchangeSuccess => "token-exchange-success",
            Category::TokenExchangeFailure => "token-exchange-failure",
            Category::TokenReuse => "token-reuse",
            Category::Logout => "logout",
            Category::BruteForceBlock => "brute-force-block",
            Category::SuspiciousIpBlock => "suspicious-ip-block",
            Category::BreachedPassword => "breached-password",
            Category::BotDetection => "bot-detection",
            Category::Mfa => "mfa",
            Category::MfaAbuse => "mfa-abuse",
            Category::ConfigChange => "config-change",
            Category::SecretRead => "secret-read",
            Category::RateLimit => "rate-limit",
            Category::Deprecation => "deprecation",
            Category::UserChange => "user-change",
            Category::ActionFailure => "action-failure",
            Category::Other => "other",
        }
    }

    /// Events where a user authenticated (or tried to) through a client and a connection.
    pub fn is_authentication(self) -> bool {
        matches!(
            self,
            Category::LoginSuccess
                | Category::LoginFailure
                | Category::SignupSuccess
                | Category::SignupFailure
                | Category::TokenExchangeSuccess
                | Category::TokenExchangeFailure
                | Category::TokenReuse
        )
    }
}

/// The classification of one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classified {
    pub category: Category,
    /// The routed change, for configuration-change events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<ConfigChange>,
}

/// Classifies one event.
pub fn classify(event: &LogEvent) -> Classified {
    let code = event.type_code();
    if code == "sapi" {
        let change = event
            .request_method()
            .and_then(|m| event.request_path().and_then(|p| mgmt_path::route(&m, p)));
        // A `sapi` without a routable write is still a management change of unknown shape.
        let change = change.unwrap_or(ConfigChange {
            resource: Resource::Other,
            operation: Operation::Update,
            id: None,
        });
        return Classified {
            category: Category::ConfigChange,
            change: Some(change),
        };
    }
    if code == "gd_tenant_update" {
        return Classified {
            category: Category::ConfigChange,
            change: Some(ConfigChange {
                resource: Resource::MfaFactor,
                operation: Operation::Update,
                id: None,
            }),
        };
    }
    Classified {
        category: category_of_code(code),
        change: None,
    }
}

/// The category of a non-management type code (reference section 4.2).
pub fn category_of_code(code: &str) -> Category {
    match code {
        "s" | "scoa" | "sens" | "ssa" => Category::LoginSuccess,
        // The reference's failed-login grouping; silent-auth failures (`fsa`, mostly
        // `login_required`) and CORS rejections (`fco`) are routine and do not count.
        "f" | "fp" | "fu" | "fc" | "fcoa" | "fens" => Category::LoginFailure,
        "mfar" => Category::Mfa,
        "ss" => Category::SignupSuccess,
        "fs" => Category::SignupFailure,
        "ferrt" => Category::TokenReuse,
        "slo" | "flo" => Category::Logout,
        "limit_wc" | "limit_sul" => Category::BruteForceBlock,
        "limit_mu" => Category::SuspiciousIpBlock,
        "pwd_leak" | "signup_pwd_leak" | "reset_pwd_leak" => Category::BreachedPassword,
        "pla" => Category::BotDetection,
        "gd_otp_rate_limit_exceed"
        | "gd_recovery_rate_limit_exceed"
        | "gd_recovery_failed"
        | "gd_auth_rejected"
        | "gd_send_sms_failure"
        | "gd_send_voice_failure" => Category::MfaAbuse,
        "mgmt_api_read" => Category::SecretRead,
        "api_limit" | "api_limit_warning" | "appi" | "limit_delegation" | "limit_phone" => {
            Category::RateLimit
        }
        "depnote" => Category::Deprecation,
        "actions_execution_failed" => Category::ActionFailure,
        "sce" | "fce" | "scp" | "fcp" | "scpr" | "fcpr" | "scpn" | "fcpn" | "scu" | "fcu"
        | "sdu" | "fdu" | "du" | "sv" | "fv" | "svr" | "fvr" | "ublkdu" => Category::UserChange,
        c if c.starts_with("gd_") => Category::Mfa,
        c if is_token_exchange(c) => {
            if c.starts_with('s') {
                Category::TokenExchangeSuccess
            } else {
                Category::TokenExchangeFailure
            }
        }
        _ => Category::Other,
    }
}

fn is_token_exchange(code: &str) -> bool {
    const EXCHANGES: [&str; 16] = [
        "seacft", "feacft", "seccft", "feccft", "sepft", "fepft", "sertft", "fertft", "sede",
        "fede", "seoobft", "feoobft", "seotpft", "feotpft", "secte", "fecte",
    ];
    EXCHANGES.contains(&code) || matches!(code, "sercft" | "fercft" | "fepotpft" | "seta" | "feta")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::event::event_from;
    use serde_json::json;

    #[test]
    fn login_codes() {
        assert_eq!(category_of_code("s"), Category::LoginSuccess);
        for c in ["f", "fp", "fu", "fc", "fcoa", "fens"] {
            assert_eq!(category_of_code(c), Category::LoginFailure, "{c}");
        }
        assert_eq!(
            category_of_code("fsa"),
            Category::Other,
            "silent auth failure is routine"
        );
        assert_eq!(category_of_code("fco"), Category::Other);
        assert_eq!(category_of_code("seccft"), Category::TokenExchangeSuccess);
        assert_eq!(category_of_code("fertft"), Category::TokenExchangeFailure);
        assert_eq!(category_of_code("ferrt"), Category::TokenReuse);
        assert_eq!(category_of_code("limit_wc"), Category::BruteForceBlock);
        assert_eq!(category_of_code("limit_mu"), Category::SuspiciousIpBlock);
        assert_eq!(category_of_code("pwd_leak"), Category::BreachedPassword);
        assert_eq!(category_of_code("gd_send_pn"), Category::Mfa);
        assert_eq!(category_of_code("scc"), Category::Other);
        assert_eq!(category_of_code(""), Category::Other);
    }

    #[test]
    fn sapi_is_classified_by_method_and_path_not_description() {
        let e = event_from(
            json!({"type": "sapi", "description": "Create a role", "details": {
            "request": {"method": "post", "path": "/api/v2/client-grants", "body": {}}}}),
        );
        let c = classify(&e);
        assert_eq!(c.category, Category::ConfigChange);
        let change = c.change.unwrap();
        assert_eq!(change.resource, Resource::ClientGrant);
        assert_eq!(change.operation, Operation::Create);
    }

    #[test]
    fn sapi_without_request_is_a_change_of_unknown_shape() {
        let c = classify(&event_from(
            json!({"type": "sapi", "description": "Update a client"}),
        ));
        assert_eq!(c.category, Category::ConfigChange);
        assert_eq!(c.change.unwrap().resource, Resource::Other);
    }

    #[test]
    fn mgmt_reads_are_not_changes() {
        let c = classify(&event_from(json!({"type": "mgmt_api_read", "details": {
            "request": {"method": "get", "path": "/api/v2/clients/x"}}})));
        assert_eq!(c.category, Category::SecretRead);
        assert_eq!(c.change, None);
    }
}
