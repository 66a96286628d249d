//! Action source for the synthetic tenant: the patterns of the example tenant
//! (`examples/tenants/acme/actions/`): namespaced role claims, API permissions from metadata,
//! disposable-email blocking, a CRM sync with inline credentials, MFA for admins, onboarding
//! metadata copies, partner-domain trust, Slack notification and M2M claims; padded with
//! helper functions to a target length of 40-200 lines.

use crate::dice::Dice;

/// One Action pattern: its name, trigger, handler, and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    NamespacedRoles,
    ApiPermissions,
    BlockDisposable,
    CrmSync,
    MfaForAdmins,
    OnboardingSync,
    PartnerDomain,
    NotifySlack,
    M2mClaims,
}

/// Every pattern, in the order the generator cycles through them.
pub const PATTERNS: &[Pattern] = &[
    Pattern::NamespacedRoles,
    Pattern::ApiPermissions,
    Pattern::BlockDisposable,
    Pattern::CrmSync,
    Pattern::MfaForAdmins,
    Pattern::OnboardingSync,
    Pattern::PartnerDomain,
    Pattern::NotifySlack,
    Pattern::M2mClaims,
];

impl Pattern {
    /// Human part of the Action name.
    pub fn title(self) -> &'static str {
        match self {
            Pattern::NamespacedRoles => "Add Namespaced Roles",
            Pattern::ApiPermissions => "Assign API Permissions",
            Pattern::BlockDisposable => "Block Disposable Emails",
            Pattern::CrmSync => "CRM Profile Sync",
            Pattern::MfaForAdmins => "Require MFA for Admins",
            Pattern::OnboardingSync => "Onboarding Profile Sync",
            Pattern::PartnerDomain => "Partner Domain Access",
            Pattern::NotifySlack => "Notify Slack",
            Pattern::M2mClaims => "M2M Tenant Claims",
        }
    }

    /// Trigger id and version.
    pub fn trigger(self) -> (&'static str, &'static str) {
        match self {
            Pattern::BlockDisposable => ("pre-user-registration", "v2"),
            Pattern::NotifySlack => ("post-user-registration", "v2"),
            Pattern::M2mClaims => ("credentials-exchange", "v2"),
            _ => ("post-login", "v3"),
        }
    }

    fn handler(self) -> &'static str {
        match self.trigger().0 {
            "pre-user-registration" => "onExecutePreUserRegistration",
            "post-user-registration" => "onExecutePostUserRegistration",
            "credentials-exchange" => "onExecuteCredentialsExchange",
            _ => "onExecutePostLogin",
        }
    }
}

/// Inputs that vary per Action.
#[derive(Debug, Clone)]
pub struct CodeParams {
    pub name: String,
    pub namespace: String,
    pub api_identifier: String,
    pub domain: String,
    /// Client id and secret a CRM sync embeds (only used by [`Pattern::CrmSync`]).
    pub client_id: String,
    pub client_secret: String,
    /// Whether the risky variant of the pattern is written (metadata trust, inline secret).
    pub risky: bool,
}

fn body(p: Pattern, c: &CodeParams) -> String {
    let ns = &c.namespace;
    let api = &c.api_identifier;
    match p {
        Pattern::NamespacedRoles => format!(
            "  if (!event.authorization) {{\n    return;\n  }}\n  api.idToken.setCustomClaim('{ns}/roles', event.authorization.roles);\n  api.accessToken.setCustomClaim('{ns}/roles', event.authorization.roles);\n"
        ),
        Pattern::ApiPermissions => {
            let source = if c.risky {
                "user_metadata"
            } else {
                "app_metadata"
            };
            format!(
                "  const appMetadata = event.user.app_metadata || {{}};\n  const accountType = appMetadata.account_type || 'personal';\n  api.idToken.setCustomClaim('{ns}/account_type', accountType);\n  if (!event.resource_server || event.resource_server.identifier !== '{api}') {{\n    return;\n  }}\n  if (event.user.{source}.account_type === 'staff') {{\n    api.accessToken.addScope('admin:orders');\n  }}\n"
            )
        }
        Pattern::BlockDisposable => "  const email = event.user.email || '';\n  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();\n  if (DISPOSABLE_DOMAINS.has(domain)) {\n    api.access.deny('disposable_email', 'Sign-ups with disposable email addresses are not allowed.');\n  }\n".to_string(),
        Pattern::CrmSync => {
            let url = if c.risky { "http" } else { "https" };
            format!(
                "  const response = await fetch('{url}://crm.internal.example/hooks/auth0', {{\n    method: 'POST',\n    headers: {{ 'Content-Type': 'application/json' }},\n    body: JSON.stringify({{ id: event.user.user_id, email: event.user.email }}),\n  }});\n  if (!response.ok) {{\n    console.log(`CRM sync returned ${{response.status}}`);\n    return;\n  }}\n  const {{ contact_id: contactId }} = await response.json();\n  if (contactId) {{\n    await management.users.update({{ id: event.user.user_id }}, {{ app_metadata: {{ crm_contact_id: contactId }} }});\n  }}\n"
            )
        }
        Pattern::MfaForAdmins => "  const roles = (event.authorization?.roles ?? []).map((role) => role.toLowerCase());\n  if (roles.includes('admin')) {\n    api.multifactor.enable('any');\n  }\n".to_string(),
        Pattern::OnboardingSync => {
            if c.risky {
                "  const userMetadata = event.user.user_metadata || {};\n  for (const field of ['account_type', 'company_name', 'preferred_locale']) {\n    if (userMetadata[field] !== undefined) {\n      api.user.setAppMetadata(field, userMetadata[field]);\n    }\n  }\n".to_string()
            } else {
                "  const userMetadata = event.user.user_metadata || {};\n  if (userMetadata.preferred_locale) {\n    api.user.setUserMetadata('locale_seen', true);\n  }\n".to_string()
            }
        }
        Pattern::PartnerDomain => {
            let check = if c.risky {
                "event.user.email.endsWith('@partner.example')"
            } else {
                "event.user.email_verified && event.user.email.endsWith('@partner.example')"
            };
            format!(
                "  if (!event.user.email) {{\n    return;\n  }}\n  if ({check}) {{\n    api.accessToken.setCustomClaim('{ns}/partner_tier', 'internal');\n    api.accessToken.addScope('write:orders');\n    return;\n  }}\n  api.accessToken.setCustomClaim('{ns}/partner_tier', 'partner');\n"
            )
        }
        Pattern::NotifySlack => "  const webhookUrl = event.secrets.SLACK_WEBHOOK_URL;\n  if (!webhookUrl || !webhookUrl.startsWith('https://hooks.slack.com/')) {\n    return;\n  }\n  await fetch(webhookUrl, {\n    method: 'POST',\n    headers: { 'Content-Type': 'application/json' },\n    body: JSON.stringify({ text: `New sign-up on ${event.connection.name}` }),\n  });\n".to_string(),
        Pattern::M2mClaims => format!(
            "  api.accessToken.setCustomClaim('{ns}/client', event.client.name);\n  if (event.client.metadata && event.client.metadata.tier) {{\n    api.accessToken.setCustomClaim('{ns}/tier', event.client.metadata.tier);\n  }}\n"
        ),
    }
}

fn preamble(p: Pattern, c: &CodeParams) -> String {
    match p {
        Pattern::BlockDisposable => "const DISPOSABLE_DOMAINS = new Set(['mailinator.com', 'yopmail.com', 'trashmail.com']);\n\n".to_string(),
        Pattern::CrmSync => {
            let creds = if c.risky {
                format!(
                    "  clientId: '{}',\n  clientSecret: '{}',\n",
                    c.client_id, c.client_secret
                )
            } else {
                "  clientId: process.env.CRM_CLIENT_ID,\n  clientSecret: process.env.CRM_CLIENT_SECRET,\n"
                    .to_string()
            };
            format!(
                "const {{ ManagementClient }} = require('auth0');\n\nconst management = new ManagementClient({{\n  domain: '{}',\n{creds}}});\n\n",
                c.domain
            )
        }
        _ => String::new(),
    }
}

/// A helper function of 6-9 lines; some are called by the handler, most are not.
fn helper(d: &mut Dice, index: usize) -> String {
    let field = *d
        .pick(&[
            "email",
            "name",
            "nickname",
            "locale",
            "user_id",
            "given_name",
        ])
        .unwrap_or(&"email");
    match d.below(3) {
        0 => format!(
            "/**\n * Normalises the {field} value for comparisons (helper {index}).\n */\nfunction normalize{index}(value) {{\n  if (typeof value !== 'string') {{\n    return '';\n  }}\n  return value.trim().toLowerCase();\n}}\n\n"
        ),
        1 => format!(
            "// Builds a log line without personal data (helper {index}).\nfunction describe{index}(user) {{\n  const parts = [];\n  parts.push(`has_{field}=${{Boolean(user && user.{field})}}`);\n  parts.push(`at=${{new Date().toISOString()}}`);\n  return parts.join(' ');\n}}\n\n"
        ),
        _ => format!(
            "// Splits a comma-separated setting into a clean list (helper {index}).\nfunction splitList{index}(text) {{\n  return String(text || '')\n    .split(',')\n    .map((item) => item.trim())\n    .filter((item) => item.length > 0);\n}}\n\n"
        ),
    }
}

/// The source of one Action with about `target_lines` lines (at least the pattern itself).
pub fn action_code(p: Pattern, c: &CodeParams, target_lines: usize, d: &mut Dice) -> String {
    let header = format!(
        "/**\n * {}\n *\n * Synthetic tenant action ({}).\n */\n",
        c.name,
        p.title()
    );
    let handler = format!(
        "/**\n * Handler of the {} trigger.\n *\n * @param {{Event}} event - Details about the context.\n * @param {{API}} api - Methods that change the behaviour of the flow.\n */\nexports.{} = async (event, api) => {{\n{}}};\n",
        p.trigger().0,
        p.handler(),
        body(p, c)
    );
    let mut out = header + &preamble(p, c);
    let fixed = out.lines().count() + handler.lines().count();
    let mut lines = fixed;
    let mut index = 1;
    while lines + 6 <= target_lines {
        let h = helper(d, index);
        lines += h.lines().count();
        out.push_str(&h);
        index += 1;
    }
    out.push_str(&handler);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(risky: bool) -> CodeParams {
        CodeParams {
            name: "Action 0001".into(),
            namespace: "https://synthetic.example".into(),
            api_identifier: "https://api1.synthetic.example".into(),
            domain: "synthetic.auth0-sim.local".into(),
            client_id: "abc".into(),
            client_secret: "s3cr3t-value-0123456789".into(),
            risky,
        }
    }

    #[test]
    fn code_reaches_the_target_length_and_keeps_the_handler() {
        let mut d = Dice::new(3);
        for p in PATTERNS {
            for target in [40, 120, 200] {
                let code = action_code(*p, &params(false), target, &mut d);
                let n = code.lines().count();
                assert!(n <= target + 9 && n + 9 >= target.max(20), "{p:?} {n}");
                assert!(code.contains(&format!("exports.{}", p.handler())));
            }
        }
    }

    #[test]
    fn only_the_risky_crm_sync_embeds_the_secret() {
        let mut d = Dice::new(3);
        let risky = action_code(Pattern::CrmSync, &params(true), 60, &mut d);
        let clean = action_code(Pattern::CrmSync, &params(false), 60, &mut d);
        assert!(risky.contains("s3cr3t-value-0123456789"));
        assert!(!clean.contains("s3cr3t-value-0123456789"));
    }
}
