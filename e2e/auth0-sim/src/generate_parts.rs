//! Parts of the synthetic tenant besides applications, APIs and Actions: connections (with
//! enabled clients and database scripts), attack protection, MFA, tenant settings.

use serde_json::{Value, json};

use crate::dice::Dice;

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

fn enabled(d: &mut Dice, interactive: &[&str], share: f64) -> Vec<String> {
    let mut out: Vec<String> = interactive
        .iter()
        .filter(|_| d.chance(share))
        .map(|n| n.to_string())
        .collect();
    out.sort();
    out
}

const LOGIN_JS: &str = "function login(email, password, callback) {\n  const request = require('request');\n  request.post({\n    url: 'https://legacy-users.synthetic.example/login',\n    json: { email, password },\n  }, (err, response, body) => {\n    if (err) return callback(err);\n    if (response.statusCode === 401) return callback(new WrongUsernameOrPasswordError(email));\n    callback(null, { user_id: body.id, email: body.email });\n  });\n}\n";
const GET_USER_JS: &str = "function getByEmail(email, callback) {\n  const request = require('request');\n  request.get({\n    url: 'https://legacy-users.synthetic.example/users?email=' + encodeURIComponent(email),\n    json: true,\n  }, (err, response, body) => {\n    if (err) return callback(err);\n    if (!body) return callback(null);\n    callback(null, { user_id: body.id, email: body.email });\n  });\n}\n";

/// Files of connection number `k` (0: the main database, 1: Google, then a mix of custom
/// databases and enterprise connections).
pub fn connection(d: &mut Dice, k: usize, interactive: &[&str]) -> Vec<(String, String)> {
    match k {
        0 => {
            let c = json!({"name": "Username-Password-Authentication", "strategy": "auth0",
                "enabled_clients": enabled(d, interactive, 0.85),
                "options": {"passwordPolicy": "good", "brute_force_protection": true, "disable_signup": false,
                    "password_history": {"enable": true, "size": 5}, "mfa": {"active": true}}});
            vec![(
                "database-connections/Username-Password-Authentication/database.json".into(),
                pretty(&c),
            )]
        }
        1 => {
            let c = json!({"name": "google-oauth2", "strategy": "google-oauth2",
                "enabled_clients": enabled(d, interactive, 0.3),
                "options": {"client_id": format!("{}.apps.googleusercontent.com", d.alnum(24)),
                    "client_secret": d.alnum(32), "email": true, "profile": true, "scope": ["email", "profile"]}});
            vec![("connections/google-oauth2.json".into(), pretty(&c))]
        }
        _ => {
            let share = 0.01 + d.below(5) as f64 / 100.0;
            match k % 4 {
                0 => {
                    let name = format!("legacy-db-{k:03}");
                    let c = json!({"name": name, "strategy": "auth0",
                        "enabled_clients": enabled(d, interactive, share),
                        "options": {"enabledDatabaseCustomization": true, "import_mode": d.chance(0.5),
                            "passwordPolicy": "fair", "brute_force_protection": true,
                            "customScripts": {"login": "./login.js", "get_user": "./get_user.js"}}});
                    let dir = format!("database-connections/{name}");
                    vec![
                        (format!("{dir}/database.json"), pretty(&c)),
                        (format!("{dir}/login.js"), LOGIN_JS.to_string()),
                        (format!("{dir}/get_user.js"), GET_USER_JS.to_string()),
                    ]
                }
                1 => {
                    let name = format!("entra-{k:03}");
                    let c = json!({"name": name, "strategy": "waad",
                        "enabled_clients": enabled(d, interactive, share),
                        "options": {"client_id": d.alnum(36), "client_secret": d.alnum(40),
                            "tenant_domain": format!("tenant{k}.onmicrosoft.com"), "waad_protocol": "openid-connect",
                            "domain_aliases": [format!("corp{k}.synthetic.example")]}});
                    vec![(format!("connections/{name}.json"), pretty(&c))]
                }
                2 => {
                    let name = format!("saml-partner-{k:03}");
                    let c = json!({"name": name, "strategy": "samlp",
                        "enabled_clients": enabled(d, interactive, share),
                        "options": {"signInEndpoint": format!("https://idp{k}.synthetic.example/sso"),
                            "signatureAlgorithm": if d.chance(0.3) { "rsa-sha1" } else { "rsa-sha256" },
                            "digestAlgorithm": "sha256", "debug": false}});
                    vec![(format!("connections/{name}.json"), pretty(&c))]
                }
                _ => {
                    let name = format!("oidc-{k:03}");
                    let c = json!({"name": name, "strategy": "oidc",
                        "enabled_clients": enabled(d, interactive, share),
                        "options": {"client_id": d.alnum(24), "client_secret": d.alnum(40),
                            "issuer": format!("https://oidc{k}.synthetic.example/"), "type": "back_channel",
                            "scope": "openid profile email"}});
                    vec![(format!("connections/{name}.json"), pretty(&c))]
                }
            }
        }
    }
}

/// `attack-protection/*.json`.
pub fn attack_protection(d: &mut Dice) -> Vec<(String, String)> {
    let brute = json!({"enabled": true, "shields": ["block", "user_notification"], "mode": "count_per_identifier_and_ip", "max_attempts": 10});
    let breached = json!({"enabled": d.chance(0.5), "shields": [], "admin_notification_frequency": [], "method": "standard"});
    let ip = json!({"enabled": true, "shields": ["admin_notification", "block"],
        "stage": {"pre-login": {"max_attempts": 100, "rate": 864000}, "pre-user-registration": {"max_attempts": 50, "rate": 1728000}}});
    let bot = json!({"bot_detection_level": "medium", "challenge_password_policy": "when_risky", "challenge_passwordless_policy": "when_risky", "challenge_password_reset_policy": "when_risky", "allowlist": [], "monitoring_mode_enabled": false});
    let captcha =
        json!({"active_provider_id": "auth_challenge", "auth_challenge": {"fail_open": false}});
    vec![
        (
            "attack-protection/brute-force-protection.json".into(),
            pretty(&brute),
        ),
        (
            "attack-protection/breached-password-detection.json".into(),
            pretty(&breached),
        ),
        (
            "attack-protection/suspicious-ip-throttling.json".into(),
            pretty(&ip),
        ),
        ("attack-protection/bot-detection.json".into(), pretty(&bot)),
        ("attack-protection/captcha.json".into(), pretty(&captcha)),
    ]
}

/// `tenant.json`, MFA and custom-domain files.
pub fn settings_files(domain: &str) -> Vec<(String, String)> {
    let tenant = json!({"friendly_name": "Synthetic Corp", "support_email": "support@synthetic.example",
        "session_lifetime": 168, "idle_session_lifetime": 72, "enabled_locales": ["en"],
        "flags": {"enable_client_connections": true, "enable_dynamic_client_registration": false,
            "allow_legacy_ro_grant_types": false, "revoke_refresh_token_grant": false}});
    let mut out = vec![("tenant.json".to_string(), pretty(&tenant))];
    for (name, on) in [
        ("otp", true),
        ("sms", false),
        ("email", false),
        ("push-notification", false),
        ("webauthn-roaming", true),
    ] {
        out.push((
            format!("guardian/factors/{name}.json"),
            pretty(&json!({"name": name, "enabled": on})),
        ));
    }
    out.push((
        "guardian/policies.json".into(),
        pretty(&json!({"policies": []})),
    ));
    out.push(("custom-domains/custom-domains.json".into(), pretty(&json!([{"domain": format!("login.{domain}"), "type": "auth0_managed_certs", "status": "ready", "primary": true}]))));
    out
}
