//! Code findings derived from the effects of one file (no tenant context). One finding per
//! occurrence (rule and line). Rule ids are `code.<category>`.
//!
//! | rule | severity | fires when |
//! |---|---|---|
//! | `code.metadata-driven-privilege` | critical | an access-token claim or added scope takes its value from user-writable data (`user_metadata`, request query / body, requested scopes) |
//! | `code.metadata-driven-privilege` | critical | the login continues as a user id taken from such data (`api.authentication.setPrimaryUser`) |
//! | `code.metadata-driven-privilege` | high | an ID-token claim or SAML attribute takes such a value; or a claim, SAML attribute, scope, role / permission Management API call, `api.access.deny` or primary-user switch is decided by a condition on such data |
//! | `code.metadata-driven-privilege`, `code.user-input-to-app-metadata` | medium / low | user-writable data reaches an access-token claim or scope value, an `app_metadata` write, a role call or a primary-user switch's user id (medium) or anything else above (low) only because a whole `event` / `event.user` went into an npm module's function ([`super::opaque_calls`]); data the code reads itself keeps the ratings above |
//! | `code.metadata-driven-privilege` | low | a claim whose name is a display preference (`locale`, `theme`, `timezone`, ... see [`super::preference_claims`]) takes or is decided by such data |
//! | `code.user-input-to-app-metadata` | high | `app_metadata` is written from user-writable data |
//! | `code.unverified-email-trust` | critical | accounts are linked, or the login continues as another user, using the e-mail without an `email_verified` guard |
//! | `code.unverified-email-trust` | high | a claim, scope, deny, role or `app_metadata` write is decided by the e-mail without an `email_verified` guard; or the e-mail domain is checked by substring (`includes`, `indexOf`, `match`, `endsWith` without `@`) |
//! | `code.unverified-email-trust` | medium / low | the e-mail only comes with a whole user object passed into an npm module's function: medium for a primary-user switch, low otherwise |
//! | `code.unverified-email-trust` | medium | a database or profile script returns the constant `email_verified: true` (the attack path through it is `path.email-verified-trust-to-privilege`) |
//! | `code.hardcoded-secret` | critical | a client secret literal (SDK constructor / token body), which is a Management API credential when paired with a client id or domain |
//! | `code.hardcoded-secret` | high | any other recognised credential literal (known key format, `Authorization` header, credential-named high-entropy literal) |
//! | `code.secret-to-external-endpoint` | high | a hard-coded secret, the whole `event` / `event.secrets`, or an Auth0 credential secret (`*CLIENT_SECRET*`, `*AUTH0*`, `*MGMT*`, `*MANAGEMENT*`) is sent to a literal non-Auth0 host. A third-party API key sent to a third-party host is its expected use and is not reported |
//! | `code.mfa-bypass-condition` | high | MFA is required only under a condition on `prompt`, `user_metadata`, request query / body or other request data (user agent, IP) |
//! | `code.open-redirect` | medium | the redirect URL comes from request data or `user_metadata`, and no condition around the redirect checks it against constants ([`super::url_checks`]) |
//! | `code.mfa-bypass-condition`, `code.open-redirect` | low | that data only reaches the condition or URL with a whole user or request object passed into an npm module's function ([`super::opaque_calls`]) |
//! | `code.unnamespaced-custom-claim` | medium | the claim name is restricted by Auth0 (`roles`, `permissions`, `sub`, ...) or in an Auth0 namespace (silently dropped) |
//! | `code.unnamespaced-custom-claim` | low | the claim name has no `https://` / `http://` namespace |
//! | `code.insecure-http-call` | high | an outbound call uses `http://` and sends a secret; or a token claim, SAML attribute, scope, access / MFA decision, role call, account linking or primary-user switch trusts the response of such a call ([`super::cleartext`]) |
//! | `code.insecure-http-call` | medium | an outbound call uses `http://`; or an `app_metadata` write stores the response of such a call |
//! | `code.unanalysable-code` | medium | the code does not parse or is refused (too large / too deeply nested) |

use super::source_list::SourceList;

use super::claims::is_restricted_claim;
use super::cleartext;
use super::computed_names::starts_unknown;
use super::effects::{CodeFinding, Effect, EffectKind, SecretKind, Source};
use super::egress::is_auth0_host;
use super::opaque_calls;
use super::privilege_findings;
use super::secrets::contains_ignore_ascii_case;
use super::url_patterns;
use crate::findings::{Category, Severity};

/// Data the user, or anyone calling the login, chooses.
pub(super) fn user_writable(s: &Source) -> bool {
    matches!(
        s,
        Source::UserMetadata { .. } | Source::RequestQuery { .. } | Source::RequestBody { .. }
    )
}

pub(super) fn any(set: &SourceList, f: impl Fn(&Source) -> bool) -> bool {
    set.iter().any(f)
}

/// The findings of one file, at most one per rule and line.
pub(super) struct Out(Vec<CodeFinding>);

impl Out {
    /// Adds a finding; of two for the same rule and line, the more severe one stays.
    pub(super) fn push(
        &mut self,
        category: Category,
        severity: Severity,
        line: u32,
        message: String,
    ) {
        // The rule id is `code.<category>`, so comparing categories compares rule ids.
        if let Some(old) = self
            .0
            .iter_mut()
            .find(|f| f.category == category && f.line == line)
        {
            if severity > old.severity {
                old.severity = severity;
                old.message = message;
            }
            return;
        }
        self.0.push(CodeFinding {
            rule: format!("code.{}", category.as_str()),
            category,
            severity,
            line,
            message,
        });
    }
}

/// The findings of one file's effects and substring e-mail checks.
pub fn code_findings(
    effects: &[Effect],
    substring_email_checks: &[(u32, String)],
) -> Vec<CodeFinding> {
    let mut out = Out(Vec::new());
    for e in effects {
        privilege_findings::privilege(e, &mut out);
        privilege_findings::email_trust(e, &mut out);
        other(e, &mut out);
        cleartext::trusts_cleartext_response(e, &mut out);
    }
    for (line, text) in substring_email_checks {
        out.push(
            Category::UnverifiedEmailTrust,
            Severity::High,
            *line,
            format!(
                "e-mail domain checked by substring (`{text}`); compare the parsed domain exactly"
            ),
        );
    }
    out.0
        .sort_by(|a, b| a.line.cmp(&b.line).then(a.rule.cmp(&b.rule)));
    out.0
}

/// What an effect does, for finding messages (formatted only when a message is built).
pub(super) struct Describe<'a>(pub(super) &'a EffectKind);

impl std::fmt::Display for Describe<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            EffectKind::AccessTokenClaim { name } => {
                write!(f, "access-token claim `{}`", name.as_deref().unwrap_or("?"))
            }
            EffectKind::IdTokenClaim { name } => {
                write!(f, "ID-token claim `{}`", name.as_deref().unwrap_or("?"))
            }
            EffectKind::SamlAttribute { name } => {
                write!(f, "SAML attribute `{}`", name.as_deref().unwrap_or("?"))
            }
            EffectKind::SetPrimaryUser => f.write_str("switch to another primary user"),
            EffectKind::AddScope { scope } => {
                write!(f, "added scope `{}`", scope.as_deref().unwrap_or("?"))
            }
            EffectKind::RemoveScope { scope } => {
                write!(f, "removed scope `{}`", scope.as_deref().unwrap_or("?"))
            }
            EffectKind::DenyAccess => f.write_str("access decision"),
            EffectKind::SetAppMetadata { key } => {
                write!(f, "app_metadata `{}` write", key.as_deref().unwrap_or("?"))
            }
            EffectKind::ManagementApiCall { method } => {
                write!(f, "Management API `{method}` call")
            }
            EffectKind::LinkAccounts => f.write_str("account linking"),
            _ => f.write_str("effect"),
        }
    }
}

pub(super) fn is_role_call(kind: &EffectKind) -> bool {
    matches!(kind, EffectKind::ManagementApiCall { method } if {
        contains_ignore_ascii_case(method, "role")
            || contains_ignore_ascii_case(method, "permission")
    })
}

fn auth0_credential_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    name == "*"
        || [
            "CLIENT_SECRET",
            "CLIENTSECRET",
            "AUTH0",
            "MGMT",
            "MANAGEMENT",
        ]
        .iter()
        .any(|w| n.contains(w))
}

fn other(e: &Effect, out: &mut Out) {
    match &e.kind {
        EffectKind::HardcodedSecret {
            secret_kind,
            masked,
            client_id,
            domain,
            ..
        } => {
            let mgmt = *secret_kind == SecretKind::ClientSecret;
            // A client id / domain beside another credential (a database `host`) says
            // nothing about whose credential it is.
            let paired = mgmt && (client_id.is_some() || domain.is_some());
            out.push(
                Category::HardcodedSecret,
                if mgmt {
                    Severity::Critical
                } else {
                    Severity::High
                },
                e.line,
                format!(
                    "hard-coded {} `{masked}`{}; move it to a secret",
                    kind_text(*secret_kind),
                    if paired {
                        " with its client id / domain"
                    } else {
                        ""
                    }
                ),
            );
        }
        EffectKind::Egress {
            url,
            cleartext,
            host,
        } => {
            if *cleartext {
                cleartext::cleartext_call(e, url.as_deref(), out);
            }
            let external = host.as_deref().is_some_and(|h| !is_auth0_host(h));
            let leaked = e.value_sources.iter().any(|s| match s {
                Source::HardcodedSecret { .. } => true,
                Source::Secret { name } => auth0_credential_name(name),
                _ => false,
            });
            if external && leaked {
                out.push(
                    Category::SecretToExternalEndpoint,
                    Severity::High,
                    e.line,
                    format!(
                        "a secret is sent to the non-Auth0 host `{}`",
                        host.as_deref().unwrap_or("?")
                    ),
                );
            }
        }
        EffectKind::RequireMfa => {
            let bypass = |s: &Source| {
                user_writable(s) || matches!(s, Source::Prompt | Source::RequestOther { .. })
            };
            let lead = "MFA may be skipped under a condition the caller controls";
            let rated = opaque_calls::full_or_lead(&e.guard_sources, bypass, lead, |direct| {
                let listed: Vec<String> = direct.iter().map(|s| source_text(s)).collect();
                let full = format!(
                    "MFA is skipped under a condition the caller controls ({})",
                    listed.join(", ")
                );
                (Severity::High, full)
            });
            if let Some((severity, message)) = rated {
                out.push(Category::MfaBypassCondition, severity, e.line, message);
            }
        }
        EffectKind::Redirect {
            checked: false,
            open_prefix,
        } => {
            let from_caller =
                |s: &Source| user_writable(s) || matches!(s, Source::RequestOther { .. });
            let lead = "the redirect URL may come from request or user data";
            let rated = opaque_calls::full_or_lead(&e.value_sources, from_caller, lead, |_| {
                let mut message = "redirect URL comes from request or user data".to_string();
                if let Some(prefix) = open_prefix {
                    message.push_str(&format!(
                        "; the check `startsWith('{prefix}')` leaves the host open: `{}` \
                         passes it",
                        url_patterns::passes_open_prefix(prefix)
                    ));
                }
                (Severity::Medium, message)
            });
            if let Some((severity, message)) = rated {
                out.push(Category::OpenRedirect, severity, e.line, message);
            }
        }
        EffectKind::AccessTokenClaim { name: Some(n) }
        | EffectKind::IdTokenClaim { name: Some(n) } => claim_name(n, e.line, out),
        _ => {}
    }
}

fn claim_name(name: &str, line: u32, out: &mut Out) {
    if starts_unknown(name) {
        // The namespace is the part the analyzer could not know.
        return;
    }
    let lower = name.to_ascii_lowercase();
    if is_restricted_claim(name) {
        out.push(
            Category::UnnamespacedCustomClaim,
            Severity::Medium,
            line,
            format!("claim `{name}` is restricted by Auth0 and is dropped from the token"),
        );
    } else if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        out.push(
            Category::UnnamespacedCustomClaim,
            Severity::Low,
            line,
            format!(
                "claim `{name}` has no `https://` namespace and may collide with standard claims"
            ),
        );
    }
}

fn kind_text(k: SecretKind) -> &'static str {
    match k {
        SecretKind::ClientSecret => "client secret",
        SecretKind::AuthorizationHeader => "Authorization header credential",
        SecretKind::KnownFormat => "credential of a known key format",
        SecretKind::CredentialName => "credential",
    }
}

fn source_text(s: &Source) -> String {
    match s {
        Source::UserMetadata { key } => format!("user_metadata.{}", key.as_deref().unwrap_or("*")),
        Source::RequestQuery { key } => format!("request query {}", key.as_deref().unwrap_or("*")),
        Source::RequestBody { key } => format!("request body {}", key.as_deref().unwrap_or("*")),
        Source::RequestOther { field } => format!("request {field}"),
        Source::Prompt => "prompt".into(),
        other => format!("{other:?}"),
    }
}
