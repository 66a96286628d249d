//! Code rows of the catalog that need the trigger as well as the code: account linking by
//! e-mail, scopes injected in the machine-to-machine flow from request data, and signup blocks
//! keyed on the (caller-chosen) client id. Code that does not run is reported low.

use crate::checks::context::ScanContext;
use crate::checks::paths::reachability::lower_if_latent;
use crate::checks::registry::Hit;
use crate::code::{CodeUnit, Effect, EffectKind, Reachability, Source};
use crate::findings::{Evidence, Severity};

use super::support::config_rule;

config_rule!(AUTO_ACCOUNT_LINKING {
    id: "code.auto-account-linking",
    title: "Code links user accounts automatically",
    severity: Critical,
    category: UnverifiedEmailTrust,
    needs: [Actions],
    reads: ["actions.code", "rules.script", "triggers"],
    condition: "Login code links identities (users.link / linkUsers / POST .../identities) without re-authenticating both accounts; critical when the link is decided by the e-mail address.",
    remediation: "Link accounts only after the user proves control of both identities (a second login), never by matching e-mail addresses.",
    matches: ["GAP auto-account-linking", "path(c)7"],
    eval: eval_linking,
});

config_rule!(CREDENTIALS_EXCHANGE_INJECTION {
    id: "code.credentials-exchange-scope-injection",
    title: "Machine-to-machine tokens get scopes or claims from request data",
    severity: High,
    category: MetadataDrivenPrivilege,
    needs: [Actions],
    reads: [
        "actions.code",
        "hooks.script",
        "triggers.credentials-exchange"
    ],
    condition: "Credentials-exchange code adds a scope or a claim whose value or condition comes from the token request (body, query, headers).",
    remediation: "Decide M2M scopes from client grants only; if an Action must add claims, derive them from event.client and fixed configuration.",
    matches: ["GAP credentials-exchange-scope-injection"],
    eval: eval_cx_injection,
});

config_rule!(SIGNUP_BLOCK_BY_CLIENT {
    id: "code.signup-block-by-client-id",
    title: "Signup is blocked only for some client ids, which the caller chooses",
    severity: Medium,
    category: Application,
    needs: [Actions],
    reads: ["actions.code", "triggers.pre-user-registration"],
    condition: "A pre-user-registration Action denies signups under a condition on event.client only; a caller can name another client (or none) and sign up anyway.",
    remediation: "Disable signup on the connection (or per application with separate connections) instead of filtering on event.client in the Action.",
    matches: ["GAP signup-block-bypass"],
    eval: eval_signup_block,
});

config_rule!(NON_INTERACTIVE_REDIRECT {
    id: "code.redirect-in-non-interactive-flows",
    title: "A post-login redirect does not check which flow is running",
    severity: Medium,
    category: Application,
    needs: [Actions],
    reads: ["actions.code", "triggers.post-login"],
    condition: "Post-login code calls api.redirect.sendUserTo without a condition on event.transaction.protocol (or prompt), so refresh-token, password and silent-authentication flows, which cannot redirect, fail or skip the step.",
    remediation: "Redirect only when event.transaction.protocol is an interactive one (for example not oauth2-refresh-token or oauth2-password) and prompt is not none.",
    matches: ["GAP non-interactive-redirect"],
    eval: eval_non_interactive_redirect,
});

config_rule!(PAID_SERVICE_BEFORE_VERIFICATION {
    id: "code.paid-service-before-verification",
    title: "Signup or login code calls a paid messaging service for any caller",
    severity: Low,
    category: Application,
    needs: [Actions],
    reads: ["actions.code", "triggers"],
    condition: "pre-user-registration, post-user-registration or post-login code sends a request to an SMS or voice provider (Twilio, Vonage, MessageBird, Plivo, Sinch, AWS SNS) without a condition that an attacker cannot meet, so scripted signups run up the bill (toll fraud).",
    remediation: "Send messages only after the user is verified and rate-limited, or behind bot detection; prefer Auth0's own factor delivery.",
    matches: ["GAP paid-service-pre-auth"],
    eval: eval_paid_service,
});

/// Hosts of SMS and voice providers that charge per message.
const MESSAGING_HOSTS: &[&str] = &[
    "twilio.com",
    "nexmo.com",
    "vonage.com",
    "messagebird.com",
    "plivo.com",
    "sinch.com",
    "sns.",
];

fn eval_non_interactive_redirect(ctx: &ScanContext) -> Vec<Hit> {
    ctx.code
        .iter()
        .filter(|u| is_trigger(u, "post-login"))
        .filter_map(|unit| {
            let bad: Vec<&Effect> = unit
                .report
                .effects
                .iter()
                .filter(|e| matches!(e.kind, EffectKind::Redirect { .. }))
                .filter(|e| {
                    !e.guard_sources.iter().any(|s| {
                        matches!(s, Source::Prompt)
                            || matches!(s, Source::RequestOther { field } if &**field == "protocol")
                    })
                })
                .collect();
            let first = bad.first()?;
            let what = format!(
                "line {} redirects without checking the flow (protocol or prompt)",
                first.line
            );
            Some(hit(unit, &bad, Severity::Medium, &what))
        })
        .collect()
}

fn eval_paid_service(ctx: &ScanContext) -> Vec<Hit> {
    let triggers = [
        "pre-user-registration",
        "post-user-registration",
        "post-login",
    ];
    ctx.code
        .iter()
        .filter(|u| triggers.iter().any(|t| is_trigger(u, t)))
        .filter_map(|unit| {
            let bad: Vec<&Effect> = unit
                .report
                .effects
                .iter()
                .filter(|e| match &e.kind {
                    EffectKind::Egress { host: Some(h), .. } => MESSAGING_HOSTS.iter().any(|m| {
                        h == m.trim_end_matches('.')
                            || h.ends_with(&format!(".{m}"))
                            || (m.ends_with('.') && h.starts_with(m))
                    }),
                    _ => false,
                })
                .filter(|e| {
                    e.guard_sources
                        .iter()
                        .all(|s| s.is_attacker_controlled() || matches!(s, Source::Literal { .. }))
                })
                .collect();
            let first = bad.first()?;
            let what = format!(
                "line {} calls a paid messaging API for any caller",
                first.line
            );
            Some(hit(unit, &bad, Severity::Low, &what))
        })
        .collect()
}

fn is_trigger(unit: &CodeUnit, trigger: &str) -> bool {
    unit.report.trigger == trigger || unit.bindings.iter().any(|(t, _)| t == trigger)
}

fn hit(unit: &CodeUnit, effects: &[&Effect], severity: Severity, what: &str) -> Hit {
    let latent = !matches!(unit.reachability, Reachability::Active);
    let mut d = format!("{}: {what}", unit.label());
    if let Reachability::Latent { reason } = &unit.reachability {
        d.push_str(&format!(" (latent: {reason})"));
    }
    let evidence = effects
        .iter()
        .map(|e| Evidence {
            file: unit.report.file.clone(),
            line: Some(e.line),
            text: e.text.clone(),
        })
        .collect();
    Hit {
        evidence,
        ..Hit::new(vec![unit.object.clone()], d).with_severity(lower_if_latent(severity, latent))
    }
}

fn eval_linking(ctx: &ScanContext) -> Vec<Hit> {
    ctx.code
        .iter()
        .filter_map(|unit| {
            let links: Vec<&Effect> = unit
                .report
                .effects
                .iter()
                .filter(|e| e.kind == EffectKind::LinkAccounts)
                .collect();
            let first = links.first()?;
            let by_email = links.iter().any(|e| {
                e.guard_sources.contains(&Source::Email) || e.value_sources.contains(&Source::Email)
            });
            let (severity, what) = if by_email {
                (
                    Severity::Critical,
                    format!(
                        "line {} links accounts matched by e-mail address",
                        first.line
                    ),
                )
            } else {
                (
                    Severity::High,
                    format!(
                        "line {} links accounts without re-authentication",
                        first.line
                    ),
                )
            };
            Some(hit(unit, &links, severity, &what))
        })
        .collect()
}

fn from_request(e: &Effect) -> bool {
    e.value_sources
        .iter()
        .chain(e.guard_sources.iter())
        .any(|s| {
            matches!(
                s,
                Source::RequestBody { .. }
                    | Source::RequestQuery { .. }
                    | Source::RequestOther { .. }
            )
        })
}

fn eval_cx_injection(ctx: &ScanContext) -> Vec<Hit> {
    ctx.code
        .iter()
        .filter(|u| is_trigger(u, "credentials-exchange"))
        .filter_map(|unit| {
            let bad: Vec<&Effect> = unit
                .report
                .effects
                .iter()
                .filter(|e| {
                    matches!(
                        e.kind,
                        EffectKind::AddScope { .. } | EffectKind::AccessTokenClaim { .. }
                    )
                })
                .filter(|e| from_request(e))
                .collect();
            let first = bad.first()?;
            let what = format!(
                "line {} adds a scope or claim decided by the token request",
                first.line
            );
            Some(hit(unit, &bad, Severity::High, &what))
        })
        .collect()
}

fn eval_signup_block(ctx: &ScanContext) -> Vec<Hit> {
    ctx.code
        .iter()
        .filter(|u| is_trigger(u, "pre-user-registration"))
        .filter_map(|unit| {
            let bad: Vec<&Effect> = unit
                .report
                .effects
                .iter()
                .filter(|e| e.kind == EffectKind::DenyAccess)
                .filter(|e| e.guard_sources.contains(&Source::ClientId))
                .filter(|e| {
                    e.guard_sources
                        .iter()
                        .all(|s| matches!(s, Source::ClientId | Source::Literal { .. }))
                })
                .collect();
            let first = bad.first()?;
            let what = format!(
                "line {} blocks signup only by event.client, which the caller chooses",
                first.line
            );
            Some(hit(unit, &bad, Severity::Medium, &what))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one};

    fn action(trigger: &str, code: &str) -> crate::tenant::TenantSnapshot {
        TenantBuilder::new()
            .action(
                json!({"name": "A", "deployed": true, "supported_triggers": [{"id": trigger, "version": "v2"}]}),
                code,
                &[trigger],
            )
            .build()
    }

    #[test]
    fn linking_by_email_is_critical_and_plain_code_is_clean() {
        let link = r#"const { ManagementClient } = require('auth0');
exports.onExecutePostLogin = async (event, api) => {
  const management = new ManagementClient({ domain: event.secrets.DOMAIN, clientId: event.secrets.ID, clientSecret: event.secrets.SECRET });
  const users = await management.usersByEmail.getByEmail({ email: event.user.email });
  const other = users.data.find((u) => u.user_id !== event.user.user_id);
  if (other && other.email === event.user.email) {
    await management.users.link({ id: other.user_id }, { provider: event.user.identities[0].provider, user_id: event.user.identities[0].user_id });
  }
};"#;
        let s = action("post-login", link);
        let h = one(&AUTO_ACCOUNT_LINKING, &s);
        assert_eq!(h.severity, Some(Severity::Critical), "{h:#?}");
        clean(
            &AUTO_ACCOUNT_LINKING,
            &action(
                "post-login",
                "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://x/y', 1); };",
            ),
        );
    }

    #[test]
    fn credentials_exchange_scope_from_request_body() {
        let bad = "exports.onExecuteCredentialsExchange = async (event, api) => { if (event.request.body.want_admin) { api.accessToken.addScope('admin'); } };";
        let fine = "exports.onExecuteCredentialsExchange = async (event, api) => { if (event.client.client_id === 'abc') { api.accessToken.setCustomClaim('https://x/tier', 'gold'); } };";
        assert_eq!(
            one(
                &CREDENTIALS_EXCHANGE_INJECTION,
                &action("credentials-exchange", bad)
            )
            .objects[0]
                .name,
            "A"
        );
        clean(
            &CREDENTIALS_EXCHANGE_INJECTION,
            &action("credentials-exchange", fine),
        );
        // The same code on post-login is another rule's business.
        clean(
            &CREDENTIALS_EXCHANGE_INJECTION,
            &action(
                "post-login",
                bad.replace("CredentialsExchange", "PostLogin").as_str(),
            ),
        );
    }

    #[test]
    fn redirect_without_flow_check() {
        let bad = "exports.onExecutePostLogin = async (event, api) => { api.redirect.sendUserTo('https://consent.example/terms'); };";
        let fine = "exports.onExecutePostLogin = async (event, api) => { if (event.transaction.protocol !== 'oauth2-refresh-token') { api.redirect.sendUserTo('https://consent.example/terms'); } };";
        one(&NON_INTERACTIVE_REDIRECT, &action("post-login", bad));
        clean(&NON_INTERACTIVE_REDIRECT, &action("post-login", fine));
    }

    #[test]
    fn sms_on_signup_for_anyone() {
        let bad = "exports.onExecutePostUserRegistration = async (event) => { await fetch('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json', { method: 'POST', body: 'To=' + event.user.phone_number }); };";
        let fine = "exports.onExecutePostUserRegistration = async (event) => { await fetch('https://hooks.slack.com/services/x', { method: 'POST', body: 'new user' }); };";
        one(
            &PAID_SERVICE_BEFORE_VERIFICATION,
            &action("post-user-registration", bad),
        );
        clean(
            &PAID_SERVICE_BEFORE_VERIFICATION,
            &action("post-user-registration", fine),
        );
    }

    #[test]
    fn signup_blocked_by_client_id_only() {
        let bad = "exports.onExecutePreUserRegistration = async (event, api) => { if (event.client.client_id === 'INTERNAL') { api.access.deny('no_signup', 'Signups are closed'); } };";
        let fine = "exports.onExecutePreUserRegistration = async (event, api) => { if (!event.user.email.endsWith('@example.com')) { api.access.deny('no_signup', 'Signups are closed'); } };";
        one(
            &SIGNUP_BLOCK_BY_CLIENT,
            &action("pre-user-registration", bad),
        );
        clean(
            &SIGNUP_BLOCK_BY_CLIENT,
            &action("pre-user-registration", fine),
        );
    }
}
