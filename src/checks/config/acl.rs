//! A typed view of the tenant's network ACL entries (`GET /network-acls`, kept as raw JSON in
//! the snapshot) and the questions the ACL rules ask of them: is an entry active, does it block
//! a host (with `*.` wildcards matched on label boundaries), and does a scope accept traffic
//! only from listed addresses. An `allow` entry alone restricts nothing: Auth0 evaluates the
//! entries in priority order and lets everything through that no `block` entry matches.

use serde_json::Value;

use crate::tenant::TenantSnapshot;

/// What an entry does with matching requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclAction {
    Block,
    Allow,
    Log,
    Redirect,
    Unknown,
}

/// The criteria of a `match` or `not_match` block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Criteria {
    /// Host names, lower-cased, without a trailing dot.
    pub hostnames: Vec<String>,
    /// IPv4 and IPv6 CIDRs (or single addresses).
    pub cidrs: Vec<String>,
    /// Names of the other non-empty criteria (`geo_country_codes`, `asns`, `user_agents`, ...).
    pub other: Vec<String>,
}

impl Criteria {
    fn from_value(v: Option<&Value>) -> Criteria {
        let mut c = Criteria::default();
        let Some(map) = v.and_then(Value::as_object) else {
            return c;
        };
        for (key, value) in map {
            let items = strings(value);
            if items.is_empty() {
                continue;
            }
            match key.as_str() {
                "hostnames" => c.hostnames = items.iter().map(|h| normalise_host(h)).collect(),
                "ipv4_cidrs" | "ipv6_cidrs" => c.cidrs.extend(items),
                other => c.other.push(other.to_string()),
            }
        }
        c
    }

    pub fn is_empty(&self) -> bool {
        self.hostnames.is_empty() && self.cidrs.is_empty() && self.other.is_empty()
    }

    /// Matches every source address (`0.0.0.0/0` or `::/0`) and nothing narrows it.
    pub fn is_catch_all(&self) -> bool {
        self.other.is_empty()
            && self.hostnames.is_empty()
            && self
                .cidrs
                .iter()
                .any(|c| matches!(c.as_str(), "0.0.0.0/0" | "::/0"))
    }
}

/// One network ACL entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    /// Description, else id, else `entry #<n>`.
    pub label: String,
    /// `active` as sent; an entry counts as protection only when it is `Some(true)`.
    pub active: Option<bool>,
    /// Lower numbers are evaluated first.
    pub priority: Option<i64>,
    /// `management`, `authentication` or `tenant` (both).
    pub scope: String,
    pub action: AclAction,
    pub matched: Criteria,
    pub not_matched: Criteria,
}

impl AclEntry {
    fn from_value(index: usize, v: &Value) -> AclEntry {
        let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
        let label = text("description")
            .filter(|d| !d.trim().is_empty())
            .or_else(|| text("id"))
            .unwrap_or_else(|| format!("entry #{}", index + 1));
        let rule = v.get("rule");
        let action = rule.and_then(|r| r.get("action"));
        let flag =
            |name: &str| action.and_then(|a| a.get(name)).and_then(Value::as_bool) == Some(true);
        let action = if flag("block") {
            AclAction::Block
        } else if flag("redirect") {
            AclAction::Redirect
        } else if flag("allow") {
            AclAction::Allow
        } else if flag("log") {
            AclAction::Log
        } else {
            AclAction::Unknown
        };
        AclEntry {
            label,
            active: v.get("active").and_then(Value::as_bool),
            priority: v.get("priority").and_then(|p| {
                p.as_i64()
                    .or_else(|| p.as_str().and_then(|s| s.trim().parse().ok()))
            }),
            scope: rule
                .and_then(|r| r.get("scope"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase(),
            action,
            matched: Criteria::from_value(rule.and_then(|r| r.get("match"))),
            not_matched: Criteria::from_value(rule.and_then(|r| r.get("not_match"))),
        }
    }

    pub fn is_active(&self) -> bool {
        self.active == Some(true)
    }

    /// Applies to `scope` (`tenant` entries apply to both scopes).
    pub fn covers(&self, scope: &str) -> bool {
        self.scope == scope || self.scope == "tenant"
    }

    /// Stops matching requests (block, or redirect them elsewhere).
    pub fn stops(&self) -> bool {
        matches!(self.action, AclAction::Block | AclAction::Redirect)
    }

    /// Evaluated before `other` (unknown priorities count as "before").
    fn before(&self, other: &AclEntry) -> bool {
        match (self.priority, other.priority) {
            (Some(a), Some(b)) => a < b,
            _ => true,
        }
    }
}

/// Every ACL entry of the snapshot, in source order.
pub fn entries(s: &TenantSnapshot) -> Vec<AclEntry> {
    s.network_acls
        .iter()
        .enumerate()
        .map(|(i, v)| AclEntry::from_value(i, v))
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Value::String(s) if !s.trim().is_empty() => vec![s.trim().to_string()],
        _ => Vec::new(),
    }
}

/// Lower-cased host without a trailing dot.
pub fn normalise_host(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Whether `pattern` (exact host or `*.suffix`) matches `host`. `*.auth0.com` matches
/// `acme.eu.auth0.com` but never `auth0.com` itself or `evil-auth0.com`.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = normalise_host(pattern);
    let host = normalise_host(host);
    match pattern.strip_prefix("*.") {
        Some(suffix) => host.len() > suffix.len() + 1 && host.ends_with(&format!(".{suffix}")),
        None => !pattern.is_empty() && pattern == host,
    }
}

/// How far the ACL restricts the sources that reach a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourcePinning {
    /// Only listed addresses get through (block-all-except, or allow-list plus a catch-all block).
    Pinned(String),
    /// An allow entry lists addresses, but nothing blocks the rest.
    AllowOnly(String),
    /// No active entry restricts sources.
    Open,
}

/// Whether active entries for `scope` let only listed source addresses through.
pub fn source_pinning(acl: &[AclEntry], scope: &str) -> SourcePinning {
    let active: Vec<&AclEntry> = acl
        .iter()
        .filter(|e| e.is_active() && e.covers(scope))
        .collect();
    if let Some(e) = active
        .iter()
        .find(|e| e.stops() && e.matched.is_empty() && !e.not_matched.cidrs.is_empty())
    {
        return SourcePinning::Pinned(format!(
            "\"{}\" blocks every source outside {}",
            e.label,
            e.not_matched.cidrs.join(", ")
        ));
    }
    let allows: Vec<&&AclEntry> = active
        .iter()
        .filter(|e| e.action == AclAction::Allow && !e.matched.cidrs.is_empty())
        .collect();
    for allow in &allows {
        if let Some(block) = active
            .iter()
            .find(|b| b.stops() && b.matched.is_catch_all() && allow.before(b))
        {
            return SourcePinning::Pinned(format!(
                "\"{}\" allows {} and \"{}\" blocks everything else",
                allow.label,
                allow.matched.cidrs.join(", "),
                block.label
            ));
        }
    }
    match allows.first() {
        Some(allow) => SourcePinning::AllowOnly(format!(
            "\"{}\" allows {}, but no entry blocks other sources",
            allow.label,
            allow.matched.cidrs.join(", ")
        )),
        None => SourcePinning::Open,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn acl(values: Vec<Value>) -> Vec<AclEntry> {
        let s = TenantSnapshot {
            network_acls: values,
            ..TenantSnapshot::default()
        };
        entries(&s)
    }

    #[test]
    fn host_patterns_match_on_label_boundaries() {
        assert!(host_matches("*.auth0.com", "acme.eu.auth0.com"));
        assert!(host_matches("ACME.eu.auth0.com.", "acme.eu.auth0.com"));
        assert!(!host_matches("*.auth0.com", "auth0.com"));
        assert!(!host_matches("*.auth0.com", "evil-auth0.com"));
        assert!(!host_matches("acme.auth0.com", "acme.eu.auth0.com"));
        assert!(!host_matches("", ""));
    }

    #[test]
    fn entries_read_odd_shapes_without_failing() {
        let e = acl(vec![
            json!({"active": true, "priority": "2", "rule": {"scope": "Tenant", "action": {"block": true},
                "match": {"hostnames": "X.auth0.com", "geo_country_codes": ["RU"], "asns": []}}}),
            json!("not an object"),
            json!({"rule": {"action": {"allow": "yes"}}}),
        ]);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].priority, Some(2));
        assert_eq!(e[0].scope, "tenant");
        assert_eq!(e[0].matched.hostnames, vec!["x.auth0.com"]);
        assert_eq!(e[0].matched.other, vec!["geo_country_codes"]);
        assert_eq!(e[1].label, "entry #2");
        assert_eq!(e[2].action, AclAction::Unknown);
        assert!(!e[2].is_active());
    }

    #[test]
    fn allow_list_alone_does_not_pin() {
        let allow = json!({"description": "office", "active": true, "priority": 1,
            "rule": {"scope": "management", "action": {"allow": true}, "match": {"ipv4_cidrs": ["203.0.113.0/24"]}}});
        assert!(matches!(
            source_pinning(&acl(vec![allow.clone()]), "management"),
            SourcePinning::AllowOnly(_)
        ));
        let block_all = json!({"description": "rest", "active": true, "priority": 2,
            "rule": {"scope": "management", "action": {"block": true}, "match": {"ipv4_cidrs": ["0.0.0.0/0"]}}});
        assert!(matches!(
            source_pinning(&acl(vec![allow, block_all]), "management"),
            SourcePinning::Pinned(_)
        ));
    }

    #[test]
    fn block_all_except_pins_and_other_scopes_do_not() {
        let except = json!({"active": true, "rule": {"scope": "tenant", "action": {"block": true},
            "not_match": {"ipv6_cidrs": ["2001:db8::/32"]}}});
        assert!(matches!(
            source_pinning(&acl(vec![except]), "management"),
            SourcePinning::Pinned(_)
        ));
        let auth_only = json!({"active": true, "rule": {"scope": "authentication", "action": {"block": true},
            "not_match": {"ipv4_cidrs": ["198.51.100.0/24"]}}});
        assert_eq!(
            source_pinning(&acl(vec![auth_only]), "management"),
            SourcePinning::Open
        );
        let inactive = json!({"active": false, "rule": {"scope": "management", "action": {"block": true},
            "not_match": {"ipv4_cidrs": ["198.51.100.0/24"]}}});
        assert_eq!(
            source_pinning(&acl(vec![inactive]), "management"),
            SourcePinning::Open
        );
    }
}
