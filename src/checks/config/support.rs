//! Shared pieces of the configuration checks: the `config_rule!` macro that declares a rule,
//! evidence and object-reference helpers, and the context questions several rules ask (does an
//! application have any connection, how does a client authenticate).

use crate::findings::{Evidence, ObjectKind, ObjectRef, Severity};
use crate::tenant::{Client, Connection, DataKind, TenantSnapshot};

/// Declares a `pub static` [`Rule`](crate::checks::Rule) with its full metadata.
macro_rules! config_rule {
    (
        $(#[$doc:meta])*
        $name:ident {
            id: $id:literal,
            title: $title:literal,
            severity: $sev:ident,
            category: $cat:ident,
            needs: [$($need:ident),* $(,)?],
            reads: [$($read:literal),* $(,)?],
            condition: $cond:literal,
            remediation: $rem:literal,
            matches: [$($m:literal),* $(,)?],
            eval: $eval:path $(,)?
        }
    ) => {
        $(#[$doc])*
        pub static $name: $crate::checks::registry::Rule = $crate::checks::registry::Rule {
            meta: $crate::checks::registry::RuleMeta {
                id: $id,
                title: $title,
                severity: $crate::findings::Severity::$sev,
                category: $crate::findings::Category::$cat,
                reads: &[$($read),*],
                condition: $cond,
                remediation: $rem,
                matches: &[$($m),*],
            },
            needs: &[$($crate::tenant::DataKind::$need),*],
            eval: $eval,
        };
    };
}
pub(crate) use config_rule;

/// Evidence naming an object's export file (or a pseudo-path) and a `field: value` text.
pub fn evidence(file: &str, text: impl Into<String>) -> Evidence {
    Evidence {
        file: file.to_string(),
        line: None,
        text: text.into(),
    }
}

/// The export file of an object, or `<dir>/<name>` for live data that has none.
pub fn file_or(file: &str, dir: &str, name: &str) -> String {
    if file.is_empty() {
        format!("{dir}/{name}")
    } else {
        file.to_string()
    }
}

pub fn client_ref(c: &Client) -> ObjectRef {
    ObjectRef::new(ObjectKind::Client, c.name.clone())
}

pub fn client_file(c: &Client) -> String {
    file_or(&c.file, "clients", &c.name)
}

pub fn connection_ref(c: &Connection) -> ObjectRef {
    ObjectRef::new(ObjectKind::Connection, c.name.clone())
}

pub fn connection_file(c: &Connection) -> String {
    let dir = if c.is_database() {
        "database-connections"
    } else {
        "connections"
    };
    file_or(&c.file, dir, &c.name)
}

pub fn tenant_ref(s: &TenantSnapshot) -> ObjectRef {
    ObjectRef::new(ObjectKind::Tenant, s.tenant.clone())
}

pub fn settings_file(s: &TenantSnapshot) -> String {
    if s.settings.file.is_empty() {
        "tenant.json".to_string()
    } else {
        s.settings.file.clone()
    }
}

/// A list of values for a description, at most `max` of them.
pub fn list(values: &[&str], max: usize) -> String {
    let mut out: Vec<String> = values
        .iter()
        .take(max)
        .map(|v| format!("\"{v}\""))
        .collect();
    if values.len() > max {
        out.push(format!("and {} more", values.len() - max));
    }
    out.join(", ")
}

/// Whether the snapshot proves that no connection is enabled for `client` (so nobody can log
/// in to it). Unknown (connections not provided) counts as "has connections".
pub fn has_no_connections(s: &TenantSnapshot, client: &str) -> bool {
    s.has(DataKind::Connections) && s.connections_of(client).next().is_none()
}

/// Lowers a severity to low when the object cannot be used (no connection, disabled, ...).
pub fn lower_if_unused(severity: Severity, unused: bool) -> Severity {
    if unused {
        severity.min(Severity::Low)
    } else {
        severity
    }
}

/// Public client: single-page or native application, or token endpoint auth method `none`.
pub fn is_public_client(c: &Client) -> bool {
    matches!(c.app_type.as_deref(), Some("spa" | "native"))
        || c.token_endpoint_auth_method.as_deref() == Some("none")
}

/// The client is Auth0's global client (never a customer application).
pub fn is_global(c: &Client) -> bool {
    c.extra.get("global").and_then(|v| v.as_bool()) == Some(true)
}

/// How a confidential client proves its identity at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `private_key_jwt` credentials (or mTLS) registered.
    PrivateKey,
    /// A shared client secret (`client_secret_post` / `client_secret_basic`, the default).
    SharedSecret,
    /// Public client (`none`).
    None,
}

impl ClientAuth {
    pub fn describe(self) -> &'static str {
        match self {
            ClientAuth::PrivateKey => "private_key_jwt / mTLS",
            ClientAuth::SharedSecret => "a shared client secret",
            ClientAuth::None => "no client authentication",
        }
    }
}

/// Non-empty `credentials` list under `client_authentication_methods.<method>`.
fn has_credentials(c: &Client, method: &str) -> bool {
    c.client_authentication_methods
        .as_ref()
        .and_then(|m| m.get(method))
        .and_then(|m| m.get("credentials"))
        .and_then(|v| v.as_array())
        .is_some_and(|a| !a.is_empty())
}

/// How `c` authenticates to the token endpoint.
pub fn client_auth(c: &Client) -> ClientAuth {
    if has_credentials(c, "private_key_jwt")
        || has_credentials(c, "tls_client_auth")
        || has_credentials(c, "self_signed_tls_client_auth")
    {
        return ClientAuth::PrivateKey;
    }
    match c.token_endpoint_auth_method.as_deref() {
        Some("none") => ClientAuth::None,
        _ => ClientAuth::SharedSecret,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_auth_reads_methods() {
        let c: Client = serde_json::from_value(serde_json::json!({
            "name": "m", "client_authentication_methods": {"private_key_jwt": {"credentials": [{"id": "cred_1"}]}}
        }))
        .unwrap();
        assert_eq!(client_auth(&c), ClientAuth::PrivateKey);
        let c: Client = serde_json::from_value(serde_json::json!({
            "name": "m", "client_authentication_methods": {"private_key_jwt": {"credentials": []}}
        }))
        .unwrap();
        assert_eq!(client_auth(&c), ClientAuth::SharedSecret);
        let c = Client {
            token_endpoint_auth_method: Some("none".into()),
            ..Client::default()
        };
        assert_eq!(client_auth(&c), ClientAuth::None);
        assert!(is_public_client(&c));
    }

    #[test]
    fn list_truncates() {
        assert_eq!(list(&["a", "b", "c"], 2), "\"a\", \"b\", and 1 more");
        assert_eq!(list(&["a"], 2), "\"a\"");
    }

    #[test]
    fn file_or_falls_back_to_pseudo_path() {
        assert_eq!(file_or("", "clients", "Web"), "clients/Web");
        assert_eq!(
            file_or("clients/Web.json", "clients", "Web"),
            "clients/Web.json"
        );
    }
}
