//! Management API change routing: the method and path of a `sapi` event (`details.request`) into
//! the kind of object changed, the operation and the object's id. Classification never reads the
//! description text, which differs between the dashboard and the API.

use serde::Serialize;

/// The kind of tenant object a Management API write changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Client,
    ClientGrant,
    ResourceServer,
    Connection,
    Action,
    TriggerBindings,
    Rule,
    Hook,
    Role,
    User,
    Organization,
    TenantSettings,
    BruteForceProtection,
    BreachedPasswordDetection,
    SuspiciousIpThrottling,
    BotDetection,
    Captcha,
    MfaFactor,
    MfaPolicies,
    RiskAssessment,
    CustomDomain,
    LogStream,
    Email,
    Branding,
    Prompts,
    SigningKeys,
    DynamicClientRegistration,
    Other,
}

impl Resource {
    /// Whether the scan reads this kind of object, so a change to it warrants a rescan. User
    /// and organization membership churn does not change the scanned configuration.
    pub fn is_scanned(self) -> bool {
        !matches!(self, Resource::User | Resource::Other)
    }

    /// Tenant-wide settings (attack protection, MFA, tenant flags): changes touch the tenant.
    pub fn is_tenant_wide(self) -> bool {
        matches!(
            self,
            Resource::TenantSettings
                | Resource::BruteForceProtection
                | Resource::BreachedPasswordDetection
                | Resource::SuspiciousIpThrottling
                | Resource::BotDetection
                | Resource::Captcha
                | Resource::MfaFactor
                | Resource::MfaPolicies
                | Resource::RiskAssessment
                | Resource::Prompts
                | Resource::SigningKeys
        )
    }
}

/// What the write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Create,
    Update,
    Delete,
    /// An Action version deployed (or rolled back to).
    Deploy,
    /// A client secret rotated.
    Rotate,
}

/// One routed Management API change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigChange {
    pub resource: Resource,
    pub operation: Operation,
    /// The changed object's id (percent-decoded), or the factor / trigger name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Routes a lowercase method and a request path. `None` for reads and non-Management paths.
pub fn route(method: &str, path: &str) -> Option<ConfigChange> {
    let base = match method {
        "post" => Operation::Create,
        "put" | "patch" => Operation::Update,
        "delete" => Operation::Delete,
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let rest: &[&str] = match segs.as_slice() {
        ["api", "v2", rest @ ..] => rest,
        ["oidc", "register", ..] => {
            return Some(change(
                Resource::DynamicClientRegistration,
                Operation::Create,
                None,
            ));
        }
        _ => return None,
    };
    Some(route_v2(rest, base))
}

fn change(resource: Resource, operation: Operation, id: Option<&str>) -> ConfigChange {
    ConfigChange {
        resource,
        operation,
        id: id.map(str::to_string),
    }
}

fn route_v2(segs: &[&str], base: Operation) -> ConfigChange {
    // A write below an object (`/clients/{id}/credentials`) updates that object.
    let sub = |n: usize| {
        if segs.len() > n {
            Operation::Update
        } else {
            base
        }
    };
    match segs {
        ["clients", id, "rotate-secret", ..] => {
            change(Resource::Client, Operation::Rotate, Some(id))
        }
        ["clients", id, ..] => change(Resource::Client, sub(2), Some(id)),
        ["clients"] => change(Resource::Client, base, None),
        ["client-grants", id, ..] => change(Resource::ClientGrant, sub(2), Some(id)),
        ["client-grants"] => change(Resource::ClientGrant, base, None),
        ["resource-servers", id, ..] => change(Resource::ResourceServer, sub(2), Some(id)),
        ["connections", id, ..] => change(Resource::Connection, sub(2), Some(id)),
        ["actions", "actions", id, "deploy"] => {
            change(Resource::Action, Operation::Deploy, Some(id))
        }
        ["actions", "actions", id, "versions", _, "deploy"] => {
            change(Resource::Action, Operation::Deploy, Some(id))
        }
        ["actions", "actions", id, ..] => change(Resource::Action, sub(3), Some(id)),
        ["actions", "actions"] => change(Resource::Action, base, None),
        ["actions", "triggers", trigger, ..] => {
            change(Resource::TriggerBindings, Operation::Update, Some(trigger))
        }
        ["rules", id, ..] => change(Resource::Rule, sub(2), Some(id)),
        ["hooks", id, ..] => change(Resource::Hook, sub(2), Some(id)),
        ["roles", id, ..] => change(Resource::Role, sub(2), Some(id)),
        ["users", id, ..] => change(Resource::User, sub(2), Some(id)),
        ["organizations", id, ..] => change(Resource::Organization, sub(2), Some(id)),
        ["tenants", "settings", ..] => change(Resource::TenantSettings, Operation::Update, None),
        ["attack-protection", "brute-force-protection", ..] => {
            change(Resource::BruteForceProtection, Operation::Update, None)
        }
        ["attack-protection", "breached-password-detection", ..] => {
            change(Resource::BreachedPasswordDetection, Operation::Update, None)
        }
        ["attack-protection", "suspicious-ip-throttling", ..] => {
            change(Resource::SuspiciousIpThrottling, Operation::Update, None)
        }
        ["attack-protection", "bot-detection", ..] => {
            change(Resource::BotDetection, Operation::Update, None)
        }
        ["attack-protection", "captcha", ..] | ["anomaly", "captchas", ..] => {
            change(Resource::Captcha, Operation::Update, None)
        }
        ["guardian", "policies", ..] => change(Resource::MfaPolicies, Operation::Update, None),
        ["guardian", "factors", factor, ..] => {
            change(Resource::MfaFactor, Operation::Update, Some(factor))
        }
        ["risk-assessments", ..] => change(Resource::RiskAssessment, Operation::Update, None),
        ["custom-domains", id, ..] => change(Resource::CustomDomain, sub(2), Some(id)),
        ["log-streams", id, ..] => change(Resource::LogStream, sub(2), Some(id)),
        ["emails", ..] | ["email-templates", ..] => change(Resource::Email, base, None),
        ["branding", ..] => change(Resource::Branding, base, None),
        ["prompts", ..] => change(Resource::Prompts, Operation::Update, None),
        ["keys", "signing", ..] => change(Resource::SigningKeys, base, None),
        [first, ..] => match *first {
            "clients" => change(Resource::Client, base, None),
            "resource-servers" => change(Resource::ResourceServer, base, None),
            "connections" => change(Resource::Connection, base, None),
            "rules" => change(Resource::Rule, base, None),
            "hooks" => change(Resource::Hook, base, None),
            "roles" => change(Resource::Role, base, None),
            "users" => change(Resource::User, base, None),
            "organizations" => change(Resource::Organization, base, None),
            "custom-domains" => change(Resource::CustomDomain, base, None),
            "log-streams" => change(Resource::LogStream, base, None),
            _ => change(Resource::Other, base, None),
        },
        [] => change(Resource::Other, base, None),
    }
}

/// Decodes `%XX` escapes (ids such as `auth0%7C63d1...`); invalid escapes stay as they are.
fn percent_decode(seg: &str) -> String {
    let bytes = seg.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(method: &str, path: &str) -> (Resource, Operation, Option<String>) {
        let c = route(method, path).unwrap();
        (c.resource, c.operation, c.id)
    }

    #[test]
    fn routes_recorded_and_documented_paths() {
        use Operation::*;
        use Resource::*;
        assert_eq!(
            r("post", "/api/v2/client-grants"),
            (ClientGrant, Create, None)
        );
        assert_eq!(
            r("patch", "/api/v2/client-grants/cgr_1234567890abcdef"),
            (ClientGrant, Update, Some("cgr_1234567890abcdef".into()))
        );
        assert_eq!(
            r("post", "/api/v2/actions/actions/6b0b-uuid/deploy"),
            (Action, Deploy, Some("6b0b-uuid".into()))
        );
        assert_eq!(
            r("post", "/api/v2/actions/actions/a1/versions/v9/deploy"),
            (Action, Deploy, Some("a1".into()))
        );
        assert_eq!(
            r("patch", "/api/v2/actions/triggers/post-login/bindings"),
            (TriggerBindings, Update, Some("post-login".into()))
        );
        assert_eq!(
            r("put", "/api/v2/guardian/policies"),
            (MfaPolicies, Update, None)
        );
        assert_eq!(
            r("put", "/api/v2/guardian/factors/sms"),
            (MfaFactor, Update, Some("sms".into()))
        );
        assert_eq!(
            r("patch", "/api/v2/attack-protection/brute-force-protection"),
            (BruteForceProtection, Update, None)
        );
        assert_eq!(
            r("post", "/api/v2/clients/abc/rotate-secret"),
            (Client, Rotate, Some("abc".into()))
        );
        assert_eq!(
            r("post", "/api/v2/connections/con_1/clients"),
            (Connection, Update, Some("con_1".into()))
        );
        assert_eq!(
            r("delete", "/api/v2/users/auth0%7C63d17c4d"),
            (User, Delete, Some("auth0|63d17c4d".into()))
        );
        assert_eq!(
            r("post", "/oidc/register"),
            (DynamicClientRegistration, Create, None)
        );
        assert_eq!(
            r("patch", "/api/v2/tenants/settings?fields=x"),
            (TenantSettings, Update, None)
        );
    }

    #[test]
    fn reads_and_foreign_paths_are_not_changes() {
        assert_eq!(route("get", "/api/v2/clients"), None);
        assert_eq!(route("post", "/oauth/token"), None);
        assert_eq!(route("post", ""), None);
        assert_eq!(r("post", "/api/v2/jobs/users-imports").0, Resource::Other);
    }

    #[test]
    fn percent_decoding_is_total() {
        assert_eq!(percent_decode("a%7Cb"), "a|b");
        assert_eq!(percent_decode("a%7"), "a%7");
        assert_eq!(percent_decode("%zz%"), "%zz%");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
    }

    #[test]
    fn scanned_and_tenant_wide_kinds() {
        assert!(Resource::ClientGrant.is_scanned());
        assert!(!Resource::User.is_scanned());
        assert!(Resource::MfaPolicies.is_tenant_wide());
        assert!(!Resource::Client.is_tenant_wide());
    }
}
