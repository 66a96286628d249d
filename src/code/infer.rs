//! Kind and trigger inference from the text of the code (works on code that does not parse):
//! Actions by their exported handler, Hooks by `module.exports = function (...)` and its
//! parameters, Rules by `function (user, context, callback)`, database scripts by their
//! function name, profile scripts by `function (accessToken, ctx, cb)`.

use std::sync::LazyLock;

use regex::Regex;

use super::effects::CodeKind;

const ACTION_TRIGGERS: [(&str, &str); 12] = [
    ("onExecutePostLogin", "post-login"),
    ("onContinuePostLogin", "post-login"),
    ("onExecutePreUserRegistration", "pre-user-registration"),
    ("onExecutePostUserRegistration", "post-user-registration"),
    ("onExecuteCredentialsExchange", "credentials-exchange"),
    ("onExecutePostChangePassword", "post-change-password"),
    ("onExecuteSendPhoneMessage", "send-phone-message"),
    (
        "onExecutePasswordResetPostChallenge",
        "password-reset-post-challenge",
    ),
    (
        "onContinuePasswordResetPostChallenge",
        "password-reset-post-challenge",
    ),
    ("onExecuteCustomEmailProvider", "custom-email-provider"),
    ("onExecuteCustomPhoneProvider", "custom-phone-provider"),
    ("onExecuteCustomTokenExchange", "custom-token-exchange"),
];

static HOOK: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"module\.exports\s*=\s*(?:async\s+)?function\s*[A-Za-z0-9_$]*\s*\(([^)]*)\)").ok()
});
static FUNCTION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*(?:async\s+)?function\s*([A-Za-z0-9_$]*)\s*\(([^)]*)\)").ok()
});

fn params(list: &str) -> Vec<String> {
    list.split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Infers the kind of code and its trigger (or script name); `"unknown"` when not known.
pub fn infer_kind(source: &str) -> (CodeKind, String) {
    for (handler, trigger) in ACTION_TRIGGERS {
        if source.contains(handler) {
            return (CodeKind::Action, trigger.to_string());
        }
    }
    if let Some(c) = HOOK.as_ref().and_then(|re| re.captures(source)) {
        let p = params(c.get(1).map_or("", |m| m.as_str()));
        let trigger = match p.len() {
            5 => "credentials-exchange",
            4 => "send-phone-message",
            _ if source.contains("last_password_reset") => "post-change-password",
            _ if source.contains("response.user")
                || source.contains("user_metadata")
                || source.contains("app_metadata") =>
            {
                "pre-user-registration"
            }
            3 => "post-user-registration",
            _ => "unknown",
        };
        return (CodeKind::Hook, trigger.to_string());
    }
    if let Some(c) = FUNCTION.as_ref().and_then(|re| re.captures(source)) {
        let name = c.get(1).map_or("", |m| m.as_str());
        let p = params(c.get(2).map_or("", |m| m.as_str()));
        let script = match name {
            "login" => Some("login"),
            "getByEmail" | "get_user" | "getUser" => Some("get_user"),
            "create" => Some("create"),
            "verify" => Some("verify"),
            "changePassword" | "change_password" => Some("change_password"),
            "delete" | "remove" => Some("delete"),
            "changeEmail" | "change_email" => Some("change_email"),
            _ => None,
        };
        if let Some(s) = script {
            return (CodeKind::DbScript, s.to_string());
        }
        let first = p.first().map(String::as_str).unwrap_or("");
        if p.len() >= 3 && matches!(first, "accessToken" | "access_token" | "token") {
            return (CodeKind::ProfileScript, "fetchUserProfile".to_string());
        }
        if p.len() >= 3 && first == "user" && p.get(1).is_some_and(|c| c == "context" || c == "ctx")
        {
            return (CodeKind::Rule, "login_success".to_string());
        }
    }
    (CodeKind::Action, "unknown".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(src: &str) -> (CodeKind, String) {
        infer_kind(src)
    }

    #[test]
    fn actions_by_handler() {
        assert_eq!(
            k("exports.onExecutePostLogin = async (event, api) => {};"),
            (CodeKind::Action, "post-login".into())
        );
        assert_eq!(
            k("exports.onContinuePostLogin = async () => {};").1,
            "post-login"
        );
        assert_eq!(
            k("exports.onExecutePreUserRegistration = async () => {};").1,
            "pre-user-registration"
        );
        assert_eq!(
            k("exports.onExecuteCredentialsExchange = async () => {};").1,
            "credentials-exchange"
        );
        assert_eq!(
            k("exports.onExecutePostUserRegistration = async () => {};").1,
            "post-user-registration"
        );
        assert_eq!(
            k("exports.onExecutePostChangePassword = async () => {};").1,
            "post-change-password"
        );
        assert_eq!(
            k("exports.onExecuteSendPhoneMessage = async () => {};").1,
            "send-phone-message"
        );
        assert_eq!(
            k("exports.onExecutePasswordResetPostChallenge = async () => {};").1,
            "password-reset-post-challenge"
        );
    }

    #[test]
    fn rules_hooks_scripts() {
        assert_eq!(
            k("function (user, context, callback) {\n callback(null, user, context);\n}"),
            (CodeKind::Rule, "login_success".into())
        );
        assert_eq!(
            k("function addRoles(user, context, callback) {}"),
            (CodeKind::Rule, "login_success".into())
        );
        assert_eq!(
            k("module.exports = function (client, scope, audience, context, cb) {}"),
            (CodeKind::Hook, "credentials-exchange".into())
        );
        assert_eq!(k("module.exports = function (user, context, cb) { var response = {}; response.user = user; }").1, "pre-user-registration");
        assert_eq!(
            k("module.exports = function (user, context, cb) { cb(); }").1,
            "post-user-registration"
        );
        assert_eq!(
            k("module.exports = function (recipient, text, context, cb) {}").1,
            "send-phone-message"
        );
        assert_eq!(
            k("function login(email, password, callback) {}"),
            (CodeKind::DbScript, "login".into())
        );
        assert_eq!(
            k("function getByEmail(email, callback) {}"),
            (CodeKind::DbScript, "get_user".into())
        );
        assert_eq!(
            k("function changePassword(email, newPassword, callback) {}").1,
            "change_password"
        );
        assert_eq!(k("function remove(id, callback) {}").1, "delete");
        assert_eq!(
            k("function(accessToken, ctx, cb) {}"),
            (CodeKind::ProfileScript, "fetchUserProfile".into())
        );
    }

    #[test]
    fn unknown_code() {
        assert_eq!(k("const a = 1;"), (CodeKind::Action, "unknown".into()));
        assert_eq!(
            k("function helper(a, b) {}"),
            (CodeKind::Action, "unknown".into())
        );
    }
}
