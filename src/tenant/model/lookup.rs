//! Look-up helpers on [`TenantSnapshot`] that several checks share.

use super::api::ResourceServer;
use super::client::{Client, ClientGrant};
use super::code::Action;
use super::connection::Connection;
use super::snapshot::{DataKind, TenantSnapshot};

impl TenantSnapshot {
    /// Whether the source provided `kind` (an absent kind is unknown, not empty).
    pub fn has(&self, kind: DataKind) -> bool {
        self.present.contains(&kind)
    }

    /// The client named `name`.
    pub fn client(&self, name: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.name == name)
    }

    /// The API whose identifier (audience) is `identifier`.
    pub fn resource_server_by_identifier(&self, identifier: &str) -> Option<&ResourceServer> {
        self.resource_servers
            .iter()
            .find(|r| r.identifier == identifier)
    }

    /// The connection named `name`.
    pub fn connection(&self, name: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.name == name)
    }

    /// The Action named `name`.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// Grants held by the client named `client`.
    pub fn grants_of(&self, client: &str) -> impl Iterator<Item = &ClientGrant> {
        self.client_grants
            .iter()
            .filter(move |g| g.client == client)
    }

    /// Connections enabled for the client named `client`.
    pub fn connections_of(&self, client: &str) -> impl Iterator<Item = &Connection> {
        self.connections
            .iter()
            .filter(move |c| c.enabled_clients.iter().any(|n| n == client))
    }

    /// Whether `audience` is the Auth0 Management API: `https://<host>/api/v2/` where host is
    /// an `*.auth0.com` tenant host, the snapshot's domain or one of its custom domains.
    pub fn is_management_api(&self, audience: &str) -> bool {
        let Ok(url) = url::Url::parse(audience.trim()) else {
            return false;
        };
        if !matches!(url.path(), "/api/v2/" | "/api/v2") {
            return false;
        }
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return false;
        };
        let same = |d: &str| d.trim().trim_end_matches('/').eq_ignore_ascii_case(&host);
        host.ends_with(".auth0.com")
            || self.domain.as_deref().is_some_and(same)
            || self.custom_domains.iter().any(|c| same(&c.domain))
    }

    /// Triggers the Action named `action_name` is bound to, with its 0-based position in each
    /// trigger's execution order.
    pub fn bound_triggers_of(&self, action_name: &str) -> Vec<(String, usize)> {
        self.triggers
            .iter()
            .flat_map(|(trigger, bindings)| {
                bindings
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.action_name == action_name)
                    .map(|(pos, _)| (trigger.clone(), pos))
            })
            .collect()
    }

    /// Whether the Action named `action_name` runs: bound to at least one trigger.
    pub fn is_bound(&self, action_name: &str) -> bool {
        !self.bound_triggers_of(action_name).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::super::code::TriggerBinding;
    use super::super::delivery::CustomDomain;
    use super::*;

    fn snapshot() -> TenantSnapshot {
        let mut s = TenantSnapshot {
            domain: Some("acme.example.com".into()),
            ..Default::default()
        };
        s.custom_domains.push(CustomDomain {
            domain: "login.acme.com".into(),
            ..Default::default()
        });
        s.clients.push(Client {
            name: "Web".into(),
            ..Default::default()
        });
        s.triggers.insert(
            "post-login".into(),
            vec![
                TriggerBinding {
                    action_name: "a".into(),
                    display_name: None,
                },
                TriggerBinding {
                    action_name: "b".into(),
                    display_name: None,
                },
            ],
        );
        s.triggers.insert(
            "credentials-exchange".into(),
            vec![TriggerBinding {
                action_name: "b".into(),
                display_name: None,
            }],
        );
        s
    }

    #[test]
    fn management_api_audiences() {
        let s = snapshot();
        assert!(s.is_management_api("https://acme.eu.auth0.com/api/v2/"));
        assert!(s.is_management_api("https://acme.example.com/api/v2/"));
        assert!(s.is_management_api("https://LOGIN.acme.com/api/v2"));
        assert!(!s.is_management_api("https://api.acme.com/api/v2/"));
        assert!(!s.is_management_api("https://acme.eu.auth0.com/userinfo"));
        assert!(!s.is_management_api("https://evil-auth0.com.attacker.io/api/v2/"));
        assert!(!s.is_management_api("not a url"));
    }

    #[test]
    fn bindings_lookup() {
        let s = snapshot();
        let mut b = s.bound_triggers_of("b");
        b.sort();
        assert_eq!(
            b,
            vec![
                ("credentials-exchange".to_string(), 0),
                ("post-login".to_string(), 1)
            ]
        );
        assert!(s.bound_triggers_of("zzz").is_empty());
        assert!(s.is_bound("a"));
    }

    #[test]
    fn name_lookups() {
        let s = snapshot();
        assert!(s.client("Web").is_some());
        assert!(s.client("web").is_none());
        assert!(s.connection("db").is_none());
    }
}
