//! Id-to-name directory learned from the event stream. Findings name tenant objects by display
//! name while Management API paths carry ids, so every event that shows both (a login's
//! `client_id` + `client_name`, a change's path id + `response.body.name`) teaches the mapping.
//! Bounded: past `max_entries` per kind, the oldest half is forgotten.

use std::collections::{HashMap, VecDeque};

use serde_json::Value;

use super::event::LogEvent;
use super::mgmt_path::{ConfigChange, Operation, Resource};

/// What a client grant joins: the client id and the API audience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantLink {
    pub client_id: String,
    pub audience: String,
}

/// Learned id -> display-name maps.
#[derive(Debug)]
pub struct ObjectDirectory {
    max_entries: usize,
    names: HashMap<Resource, BoundedMap<String>>,
    grants: BoundedMap<GrantLink>,
}

#[derive(Debug)]
struct BoundedMap<V> {
    map: HashMap<String, V>,
    order: VecDeque<String>,
}

impl<V> Default for BoundedMap<V> {
    fn default() -> Self {
        BoundedMap {
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl<V> BoundedMap<V> {
    fn insert(&mut self, key: &str, value: V, max: usize) {
        if self.map.insert(key.to_string(), value).is_none() {
            self.order.push_back(key.to_string());
        }
        if self.map.len() > max {
            let drop = self.map.len() / 2;
            for k in self.order.drain(..drop.min(self.order.len())) {
                self.map.remove(&k);
            }
        }
    }
}

impl Default for ObjectDirectory {
    fn default() -> Self {
        ObjectDirectory::new(50_000)
    }
}

impl ObjectDirectory {
    pub fn new(max_entries: usize) -> Self {
        ObjectDirectory {
            max_entries: max_entries.max(2),
            names: HashMap::new(),
            grants: BoundedMap::default(),
        }
    }

    /// Teaches the directory a name.
    pub fn learn(&mut self, kind: Resource, id: &str, name: &str) {
        if id.is_empty() || name.is_empty() || id.len() > 256 || name.len() > 512 {
            return;
        }
        if self.name_of(kind, id) == Some(name) {
            return;
        }
        let max = self.max_entries;
        self.names
            .entry(kind)
            .or_default()
            .insert(id, name.to_string(), max);
    }

    /// The display name of an object id, when learned.
    pub fn name_of(&self, kind: Resource, id: &str) -> Option<&str> {
        self.names.get(&kind)?.map.get(id).map(String::as_str)
    }

    /// What a client grant joins, when learned.
    pub fn grant(&self, grant_id: &str) -> Option<&GrantLink> {
        self.grants.map.get(grant_id)
    }

    /// Learns every id/name pair the event shows.
    pub fn observe(&mut self, event: &LogEvent, change: Option<&ConfigChange>) {
        if let (Some(id), Some(name)) = (event.client_id(), event.client_name()) {
            self.learn(Resource::Client, id, name);
        }
        if let (Some(id), Some(name)) = (event.connection_id(), event.connection()) {
            self.learn(Resource::Connection, id, name);
        }
        let Some(change) = change else { return };
        if change.operation == Operation::Delete {
            return;
        }
        let body = |k: &str| event.resulting_field(k).and_then(Value::as_str);
        match change.resource {
            Resource::Client => {
                let id = change.id.as_deref().or_else(|| body("client_id"));
                if let (Some(id), Some(name)) = (id, body("name")) {
                    self.learn(Resource::Client, id, name);
                }
            }
            Resource::ResourceServer => {
                if let (Some(ident), Some(name)) = (body("identifier"), body("name")) {
                    self.learn(Resource::ResourceServer, ident, name);
                }
            }
            Resource::ClientGrant => {
                let id = change.id.as_deref().or_else(|| body("id"));
                if let (Some(id), Some(client_id), Some(audience)) =
                    (id, body("client_id"), body("audience"))
                {
                    let link = GrantLink {
                        client_id: client_id.to_string(),
                        audience: audience.to_string(),
                    };
                    let max = self.max_entries;
                    self.grants.insert(id, link, max);
                }
            }
            Resource::Connection
            | Resource::Action
            | Resource::Rule
            | Resource::Hook
            | Resource::Role
            | Resource::Organization => {
                let id = change.id.as_deref().or_else(|| body("id"));
                if let (Some(id), Some(name)) = (id, body("name")) {
                    self.learn(change.resource, id, name);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::classify::classify;
    use crate::receiver::event::event_from;
    use serde_json::json;

    #[test]
    fn learns_clients_and_connections_from_logins() {
        let mut d = ObjectDirectory::default();
        let e = event_from(
            json!({"type": "s", "client_id": "cid1", "client_name": "Web",
            "connection_id": "con_1", "connection": "Username-Password-Authentication"}),
        );
        d.observe(&e, None);
        assert_eq!(d.name_of(Resource::Client, "cid1"), Some("Web"));
        assert_eq!(
            d.name_of(Resource::Connection, "con_1"),
            Some("Username-Password-Authentication")
        );
        assert_eq!(d.name_of(Resource::Client, "other"), None);
    }

    #[test]
    fn learns_from_changes_and_grants() {
        let mut d = ObjectDirectory::default();
        let e = event_from(json!({"type": "sapi", "details": {
            "request": {"method": "post", "path": "/api/v2/client-grants", "body": {}},
            "response": {"body": {"id": "cgr_1", "client_id": "cid1",
                "audience": "https://t.auth0.com/api/v2/", "scope": ["read:users"]}}}}));
        let c = classify(&e);
        d.observe(&e, c.change.as_ref());
        assert_eq!(d.grant("cgr_1").map(|g| g.client_id.as_str()), Some("cid1"));
        let a = event_from(json!({"type": "sapi", "details": {
            "request": {"method": "patch", "path": "/api/v2/actions/actions/u-1", "body": {"code": "x"}},
            "response": {"body": {"id": "u-1", "name": "Grant admin"}}}}));
        d.observe(&a, classify(&a).change.as_ref());
        assert_eq!(d.name_of(Resource::Action, "u-1"), Some("Grant admin"));
    }

    #[test]
    fn stays_bounded() {
        let mut d = ObjectDirectory::new(10);
        for i in 0..1000 {
            d.learn(Resource::Client, &format!("id{i}"), "n");
        }
        assert!(
            d.names
                .get(&Resource::Client)
                .is_some_and(|m| m.map.len() <= 10)
        );
        assert_eq!(d.name_of(Resource::Client, "id999"), Some("n"));
    }
}
