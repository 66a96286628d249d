//! What a Management API scope lets its holder do, grouped into impact classes.
//!
//! The classes follow the reference catalog (section 9, "escalation-scopes", and the multi-hop
//! paths 9-16 and 26): a client grant is judged by the worst class among its scopes.

use crate::findings::Severity;

/// What a holder of a Management API scope can achieve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Run code on every login or grant itself any scope: the whole tenant.
    TenantTakeover,
    /// Take over any user account (password tickets, identity linking, password harvesting).
    AccountTakeover,
    /// Read other applications' secrets or upstream identity-provider tokens.
    CredentialTheft,
    /// Change users' roles or app_metadata: privilege escalation in every application.
    PrivilegeEscalation,
    /// Read every user's profile and PII: a full user dump.
    UserDataExposure,
    /// Switch off brute-force protection, bot detection or MFA.
    DefenceDowngrade,
    /// Redirect or read the tenant's logs, or change what users see (phishing surfaces).
    LogAndBrandingTampering,
    /// Delete or create users or other objects: disruption.
    Disruption,
}

impl Impact {
    pub fn describe(self) -> &'static str {
        match self {
            Impact::TenantTakeover => {
                "tenant takeover (code on every login, or self-granted scopes)"
            }
            Impact::AccountTakeover => "takeover of any user account",
            Impact::CredentialTheft => "theft of application secrets or identity-provider tokens",
            Impact::PrivilegeEscalation => {
                "privilege escalation through users' roles and app_metadata"
            }
            Impact::UserDataExposure => "full dump of every user's profile and PII",
            Impact::DefenceDowngrade => "attack protection and MFA switched off",
            Impact::LogAndBrandingTampering => {
                "log exfiltration or phishing through login pages and e-mails"
            }
            Impact::Disruption => "deletion or creation of users and tenant objects",
        }
    }

    /// Severity of a path that ends in this impact.
    pub fn severity(self) -> Severity {
        match self {
            Impact::TenantTakeover
            | Impact::AccountTakeover
            | Impact::CredentialTheft
            | Impact::PrivilegeEscalation => Severity::Critical,
            Impact::UserDataExposure | Impact::DefenceDowngrade => Severity::High,
            Impact::LogAndBrandingTampering | Impact::Disruption => Severity::Medium,
        }
    }
}

/// The impact of one Management API scope, `None` for scopes that only read configuration.
pub fn impact_of(scope: &str) -> Option<Impact> {
    let impact = match scope {
        "create:actions"
        | "update:actions"
        | "delete:actions"
        | "update:triggers"
        | "create:rules"
        | "update:rules"
        | "create:hooks"
        | "update:hooks"
        | "create:client_grants"
        | "update:client_grants"
        | "update:tenant_settings" => Impact::TenantTakeover,
        "create:user_tickets"
        | "update:connections"
        | "create:connections"
        | "update:current_user_identities"
        | "update:users" => Impact::AccountTakeover,
        "read:client_keys"
        | "read:client_credentials"
        | "update:client_keys"
        | "create:client_credentials"
        | "update:client_credentials"
        | "read:user_idp_tokens"
        | "update:clients"
        | "create:clients" => Impact::CredentialTheft,
        "update:users_app_metadata"
        | "create:role_members"
        | "update:roles"
        | "create:roles"
        | "create:organization_members"
        | "create:organization_member_roles" => Impact::PrivilegeEscalation,
        "read:users"
        | "read:users_app_metadata"
        | "read:logs_users"
        | "read:organization_members" => Impact::UserDataExposure,
        "update:attack_protection"
        | "update:guardian_factors"
        | "update:mfa_policies"
        | "delete:guardian_enrollments" => Impact::DefenceDowngrade,
        "create:log_streams"
        | "update:log_streams"
        | "update:branding"
        | "update:prompts"
        | "update:email_templates"
        | "create:email_templates"
        | "update:email_provider"
        | "create:custom_domains"
        | "update:custom_domains" => Impact::LogAndBrandingTampering,
        s if s.starts_with("delete:") || s.starts_with("create:") || s.starts_with("update:") => {
            Impact::Disruption
        }
        _ => return None,
    };
    Some(impact)
}

/// The worst impact among scopes, with the scopes that cause it.
pub fn worst_impact<'a>(
    scopes: impl IntoIterator<Item = &'a str>,
) -> Option<(Impact, Vec<&'a str>)> {
    let mut worst: Option<(Impact, Vec<&'a str>)> = None;
    for scope in scopes {
        let Some(impact) = impact_of(scope) else {
            continue;
        };
        match &mut worst {
            Some((w, list)) if *w == impact => list.push(scope),
            Some((w, _)) if *w < impact => {}
            _ => worst = Some((impact, vec![scope])),
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_writes_are_tenant_takeover() {
        assert_eq!(impact_of("update:actions"), Some(Impact::TenantTakeover));
        assert_eq!(
            impact_of("create:client_grants"),
            Some(Impact::TenantTakeover)
        );
        assert_eq!(Impact::TenantTakeover.severity(), Severity::Critical);
    }

    #[test]
    fn read_only_configuration_scopes_have_no_impact() {
        assert_eq!(impact_of("read:clients"), None);
        assert_eq!(impact_of("read:stats"), None);
        assert_eq!(worst_impact(["read:stats", "read:connections"]), None);
    }

    #[test]
    fn worst_impact_keeps_the_scopes_of_the_worst_class() {
        let (impact, scopes) = worst_impact([
            "read:users",
            "update:actions",
            "delete:users",
            "update:triggers",
        ])
        .unwrap();
        assert_eq!(impact, Impact::TenantTakeover);
        assert_eq!(scopes, vec!["update:actions", "update:triggers"]);
        let (impact, _) = worst_impact(["read:users"]).unwrap();
        assert_eq!(impact, Impact::UserDataExposure);
    }
}
