//! Reference normalisation: the snapshot refers to objects by display name. Exports already do
//! (grants' `client_id`, `enabled_clients` and linked clients hold names); where an id slipped
//! through (identifiers exported, hand-edited files, live data) it is mapped to the name.

use std::collections::HashMap;

use super::model::TenantSnapshot;

/// Maps client, connection and action ids to display names wherever a name is expected, and
/// sorts `enabled_clients` (the Deploy CLI order) so equal tenants compare equal.
pub fn resolve_references(snap: &mut TenantSnapshot) {
    let client_names: HashMap<String, String> = snap
        .clients
        .iter()
        .filter_map(|c| c.client_id.clone().map(|id| (id, c.name.clone())))
        .collect();
    let is_client_name =
        |n: &str, clients: &[super::model::Client]| clients.iter().any(|c| c.name == n);
    let to_client_name = |value: &mut String, clients: &[super::model::Client]| {
        if !is_client_name(value, clients)
            && let Some(name) = client_names.get(value.as_str())
        {
            *value = name.clone();
        }
    };
    let clients = snap.clients.clone();
    for g in &mut snap.client_grants {
        to_client_name(&mut g.client, &clients);
    }
    for c in &mut snap.connections {
        c.enabled_clients
            .iter_mut()
            .for_each(|n| to_client_name(n, &clients));
        c.enabled_clients.sort();
        c.enabled_clients.dedup();
    }
    for rs in &mut snap.resource_servers {
        if let Some(n) = rs.client.as_mut() {
            to_client_name(n, &clients);
        }
    }
    let connection_names: HashMap<String, String> = snap
        .connections
        .iter()
        .filter_map(|c| c.id.clone().map(|id| (id, c.name.clone())))
        .collect();
    for org in &mut snap.organizations {
        for oc in &mut org.connections {
            if let Some(name) = connection_names.get(&oc.name) {
                oc.name = name.clone();
            }
        }
    }
    let action_names: HashMap<String, String> = snap
        .actions
        .iter()
        .filter_map(|a| a.id.clone().map(|id| (id, a.name.clone())))
        .collect();
    let known_actions: Vec<String> = snap.actions.iter().map(|a| a.name.clone()).collect();
    for bindings in snap.triggers.values_mut() {
        for b in bindings {
            if !known_actions.contains(&b.action_name)
                && let Some(name) = action_names.get(&b.action_name)
            {
                b.action_name = name.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::model::{Client, ClientGrant, Connection, ResourceServer};

    #[test]
    fn ids_become_names_and_names_stay() {
        let mut s = TenantSnapshot::default();
        s.clients.push(Client {
            name: "Web".into(),
            client_id: Some("abc123".into()),
            ..Default::default()
        });
        s.clients.push(Client {
            name: "Api".into(),
            ..Default::default()
        });
        s.client_grants.push(ClientGrant {
            client: "abc123".into(),
            ..Default::default()
        });
        s.client_grants.push(ClientGrant {
            client: "Api".into(),
            ..Default::default()
        });
        s.client_grants.push(ClientGrant {
            client: "unknown".into(),
            ..Default::default()
        });
        s.connections.push(Connection {
            name: "db".into(),
            enabled_clients: vec!["Web".into(), "abc123".into(), "Api".into()],
            ..Default::default()
        });
        s.resource_servers.push(ResourceServer {
            client: Some("abc123".into()),
            ..Default::default()
        });
        resolve_references(&mut s);
        assert_eq!(s.client_grants[0].client, "Web");
        assert_eq!(s.client_grants[1].client, "Api");
        assert_eq!(s.client_grants[2].client, "unknown");
        assert_eq!(s.connections[0].enabled_clients, vec!["Api", "Web"]);
        assert_eq!(s.resource_servers[0].client.as_deref(), Some("Web"));
    }
}
