//! The scope plan: which kinds of tenant data the granted scopes let the reader fetch. Kinds
//! the token cannot read are skipped and reported (never a crash, never a silent gap); the
//! scan engine then lists the rules that needed them as not evaluated.

use std::collections::BTreeSet;

use crate::tenant::DataKind;

/// One kind of data and the scopes that read it (`any_of` groups must each be satisfied).
#[derive(Debug, Clone, Copy)]
pub struct Requirement {
    pub kind: DataKind,
    /// Every inner list needs at least one of its scopes.
    pub all_of_any: &'static [&'static [&'static str]],
}

/// What the reader reads, and which scopes that takes.
pub const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        kind: DataKind::TenantSettings,
        all_of_any: &[&["read:tenant_settings"]],
    },
    Requirement {
        kind: DataKind::Clients,
        all_of_any: &[&["read:clients", "read:client_keys"]],
    },
    Requirement {
        kind: DataKind::ClientGrants,
        all_of_any: &[&["read:client_grants"]],
    },
    Requirement {
        kind: DataKind::ResourceServers,
        all_of_any: &[&["read:resource_servers"]],
    },
    Requirement {
        kind: DataKind::Connections,
        all_of_any: &[&["read:connections"]],
    },
    Requirement {
        kind: DataKind::Actions,
        all_of_any: &[&["read:actions"]],
    },
    Requirement {
        kind: DataKind::Triggers,
        all_of_any: &[&["read:actions"]],
    },
    Requirement {
        kind: DataKind::Rules,
        all_of_any: &[&["read:rules"]],
    },
    Requirement {
        kind: DataKind::Hooks,
        all_of_any: &[&["read:hooks"]],
    },
    Requirement {
        kind: DataKind::Roles,
        all_of_any: &[&["read:roles"]],
    },
    Requirement {
        kind: DataKind::Organizations,
        all_of_any: &[&["read:organizations"], &["read:organization_connections"]],
    },
    Requirement {
        kind: DataKind::LogStreams,
        all_of_any: &[&["read:log_streams"]],
    },
    Requirement {
        kind: DataKind::EventStreams,
        all_of_any: &[&["read:event_streams"]],
    },
    Requirement {
        kind: DataKind::AttackProtection,
        all_of_any: &[&["read:attack_protection"]],
    },
    Requirement {
        kind: DataKind::Guardian,
        all_of_any: &[&["read:guardian_factors"], &["read:mfa_policies"]],
    },
    Requirement {
        kind: DataKind::EmailProvider,
        all_of_any: &[&["read:email_provider"]],
    },
    Requirement {
        kind: DataKind::EmailTemplates,
        all_of_any: &[&["read:email_templates"]],
    },
    Requirement {
        kind: DataKind::CustomDomains,
        all_of_any: &[&["read:custom_domains"]],
    },
    Requirement {
        kind: DataKind::Prompts,
        all_of_any: &[&["read:prompts"]],
    },
];

/// Scope for the bounded user sample (shapes only).
pub const USERS_SCOPE: &str = "read:users";

/// Every scope the reader may use; asked for explicitly so the token never carries
/// `read:client_keys` (reading secrets leaves `mgmt_api_read` audit events and is not needed).
pub fn wanted_scopes() -> Vec<String> {
    let mut all: BTreeSet<&str> = REQUIREMENTS
        .iter()
        .flat_map(|r| r.all_of_any.iter().flat_map(|g| g.iter().copied()))
        .filter(|s| *s != "read:client_keys")
        .collect();
    all.insert(USERS_SCOPE);
    all.into_iter().map(str::to_string).collect()
}

/// A kind the run does not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub kind: DataKind,
    pub reason: String,
}

/// The kinds to read under `granted`, and the ones skipped for want of a scope.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub read: BTreeSet<DataKind>,
    pub skipped: Vec<Skipped>,
    pub users: bool,
}

impl Plan {
    /// Plans a run for the granted scopes.
    pub fn for_scopes(granted: &BTreeSet<String>) -> Plan {
        let mut plan = Plan {
            users: granted.contains(USERS_SCOPE),
            ..Plan::default()
        };
        for r in REQUIREMENTS {
            let missing: Vec<String> = r
                .all_of_any
                .iter()
                .filter(|group| !group.iter().any(|s| granted.contains(*s)))
                .map(|group| group.join(" or "))
                .collect();
            if missing.is_empty() {
                plan.read.insert(r.kind);
            } else {
                plan.skipped.push(Skipped {
                    kind: r.kind,
                    reason: format!("the token lacks {}", missing.join(" and ")),
                });
            }
        }
        plan
    }

    /// Whether `kind` is to be read.
    pub fn reads(&self, kind: DataKind) -> bool {
        self.read.contains(&kind)
    }

    /// Marks `kind` as not read after the API refused it (plan-gated or deprecated feature).
    pub fn refuse(&mut self, kind: DataKind, reason: String) {
        self.read.remove(&kind);
        self.skipped.push(Skipped { kind, reason });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_kind_with_all_scopes() {
        let plan = Plan::for_scopes(&wanted_scopes().into_iter().collect());
        assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
        assert_eq!(plan.read.len(), REQUIREMENTS.len());
        assert!(plan.users);
        assert!(!wanted_scopes().contains(&"read:client_keys".to_string()));
    }

    #[test]
    fn missing_scopes_are_named_per_kind() {
        let plan = Plan::for_scopes(&scopes(&["read:clients", "read:organizations"]));
        assert!(plan.reads(DataKind::Clients));
        assert!(!plan.reads(DataKind::Hooks));
        let orgs = plan
            .skipped
            .iter()
            .find(|s| s.kind == DataKind::Organizations)
            .unwrap();
        assert_eq!(orgs.reason, "the token lacks read:organization_connections");
        assert!(!plan.users);
    }
}
