//! Code rules: the analyzer's findings per piece of tenant code, one finding per rule and code
//! unit (every occurrence is evidence), with severity lowered to low when the code does not run.

use crate::checks::context::ScanContext;
use crate::checks::registry::{Hit, Rule, RuleMeta};
use crate::code::{CodeUnit, Reachability};
use crate::findings::{Category, Evidence, Severity};
use crate::tenant::DataKind;

use super::paths::reachability::lower_if_latent;

const NEEDS: &[DataKind] = &[DataKind::Actions];
const READS: &[&str] = &[
    "actions.code",
    "rules.script",
    "hooks.script",
    "connections.options.customScripts",
    "connections.options.scripts",
];

/// Collects the hits of one code category over every code unit.
fn hits_of(ctx: &ScanContext, category: Category) -> Vec<Hit> {
    ctx.code
        .iter()
        .filter_map(|unit| unit_hit(unit, category))
        .collect()
}

fn unit_hit(unit: &CodeUnit, category: Category) -> Option<Hit> {
    let found: Vec<_> = unit
        .report
        .findings
        .iter()
        .filter(|f| f.category == category)
        .collect();
    let worst = found.iter().map(|f| f.severity).max()?;
    let latent = match &unit.reachability {
        Reachability::Active => None,
        Reachability::Latent { reason } => Some(reason.clone()),
    };
    let mut description = found
        .iter()
        .map(|f| format!("line {}: {}", f.line, f.message))
        .collect::<Vec<_>>()
        .join("; ");
    description = format!("{}: {description}", unit.label());
    if let Some(reason) = &latent {
        description.push_str(&format!(" (latent: {reason})"));
    }
    let evidence = found
        .iter()
        .map(|f| Evidence {
            file: unit.report.file.clone(),
            line: Some(f.line),
            text: unit
                .report
                .effects
                .iter()
                .find(|e| e.line == f.line)
                .map_or_else(|| f.message.clone(), |e| e.text.clone()),
        })
        .collect();
    let hit = Hit::new(vec![unit.object.clone()], description)
        .with_severity(lower_if_latent(worst, latent.is_some()));
    Some(Hit { evidence, ..hit })
}

macro_rules! code_rule {
    ($name:ident, $eval:ident, $category:expr, $id:literal, $title:literal, $severity:expr, $condition:literal, $remediation:literal, [$($m:literal),*]) => {
        fn $eval(ctx: &ScanContext) -> Vec<Hit> {
            hits_of(ctx, $category)
        }
        pub static $name: Rule = Rule {
            meta: RuleMeta {
                id: $id,
                title: $title,
                severity: $severity,
                category: $category,
                reads: READS,
                condition: $condition,
                remediation: $remediation,
                matches: &[$($m),*],
            },
            needs: NEEDS,
            eval: $eval,
        };
    };
}

code_rule!(
    METADATA_DRIVEN_PRIVILEGE,
    eval_mdp,
    Category::MetadataDrivenPrivilege,
    "code.metadata-driven-privilege",
    "A scope, claim or role is decided by user-writable data",
    Severity::High,
    "A scope, claim, SAML attribute, role or permission is set from, or under a condition on, user_metadata, request input or an unverified e-mail; or the login continues as a user id taken from such data (api.authentication.setPrimaryUser). A claim whose name is a display preference (locale, theme, timezone, nickname, ...) is rated low: carrying the user's own choice is its purpose. When the data only gets there because the whole user object went into an npm module's function (code authpath does not analyse), the finding is a lead to check: medium for an access-token claim or scope value, an app_metadata write, a role call or the user id of a primary-user switch, low otherwise. Data the code reads itself next to such a call keeps the full rating.",
    "Decide privileges from roles or app_metadata written by trusted back ends; treat user_metadata and request data as untrusted.",
    ["GAP claims-from-user-metadata", "GAP scope-override"]
);
code_rule!(
    USER_INPUT_TO_APP_METADATA,
    eval_uiam,
    Category::UserInputToAppMetadata,
    "code.user-input-to-app-metadata",
    "User-controlled data is written into app_metadata",
    Severity::High,
    "api.user.setAppMetadata (or a Rule's app_metadata update) stores user_metadata, request input or provider data.",
    "Validate the value against a fixed allow-list before storing it, or keep it in user_metadata where nothing trusts it.",
    ["GAP persistent-escalation"]
);
code_rule!(
    UNVERIFIED_EMAIL_TRUST,
    eval_uet,
    Category::UnverifiedEmailTrust,
    "code.unverified-email-trust",
    "An e-mail address is trusted without checking email_verified",
    Severity::High,
    "The e-mail address or its domain decides access, a scope or a role, links accounts or picks the user the login continues as (api.authentication.setPrimaryUser), and no email_verified check guards it (or the domain is matched by substring); or a database / profile script returns email_verified: true for every user. When the e-mail only comes with the whole user object passed to an npm module's function, a lead: low, medium for a primary-user switch.",
    "Check event.user.email_verified first and compare the parsed domain exactly; better, use organisations or roles. In database and profile scripts, return email_verified only from a real verification, never as a constant.",
    ["GAP authz-on-unverified-email", "GAP email-substring-match"]
);
code_rule!(
    HARDCODED_SECRET,
    eval_hs,
    Category::HardcodedSecret,
    "code.hardcoded-secret",
    "A credential is written into the code",
    Severity::High,
    "A client secret, API key, token or private key literal appears in the code (known format, credential-typed argument, or high-entropy credential-named value).",
    "Rotate the credential and read it from event.secrets (Actions) or configuration (Rules, database scripts).",
    [
        "CM:checkActionsHardCodedValues",
        "CM:checkDASHardCodedValues",
        "PRC-B externalize-config",
        "GAP secrets-in-code (precise)"
    ]
);
code_rule!(
    SECRET_TO_EXTERNAL,
    eval_ste,
    Category::SecretToExternalEndpoint,
    "code.secret-to-external-endpoint",
    "A secret or token is sent to an external endpoint",
    Severity::High,
    "A secret, access token or credential flows into the URL or body of an outbound call to a non-Auth0 host.",
    "Send only the fields the service needs; never forward tokens or secrets; pin the destination host.",
    ["GAP insecure-egress"]
);
code_rule!(
    MFA_BYPASS,
    eval_mfa,
    Category::MfaBypassCondition,
    "code.mfa-bypass-condition",
    "MFA is skipped under a condition the user controls",
    Severity::High,
    "The call that requires MFA is skipped when prompt=none, a user_metadata flag, request input, the user agent or IP says so. Low when the condition only sees that data because the whole user or request object goes into an npm module's function (a lead to check).",
    "Require MFA unconditionally for the sensitive applications, or decide from data the user cannot write.",
    [
        "GAP mfa-skip-silent-auth",
        "GAP mfa-self-attested",
        "GAP mfa-in-action-bypassable",
        "path(c)20"
    ]
);
code_rule!(
    OPEN_REDIRECT,
    eval_or,
    Category::OpenRedirect,
    "code.open-redirect",
    "A redirect target comes from request data",
    Severity::Medium,
    "api.redirect.sendUserTo or a Rule's context.redirect uses a URL taken from the query or body, and no condition around it compares that URL with constants (an allow-list, an exact URL, a prefix ending in the host's `/`, or its origin or host). A prefix without that `/` (startsWith('https://app.example.com')) is no check: app.example.com.evil.example passes it. Low when the URL only comes from an npm module's function given the whole user or request object (a lead to check).",
    "Redirect only to fixed URLs or an allow-list; validate the returning state with api.redirect.validateToken.",
    ["GAP redirect-no-validation"]
);
code_rule!(
    UNNAMESPACED_CLAIM,
    eval_uc,
    Category::UnnamespacedCustomClaim,
    "code.unnamespaced-custom-claim",
    "A custom claim is not namespaced or uses a restricted name",
    Severity::Low,
    "setCustomClaim (or a Rule's token assignment) uses a claim name without a URL namespace, or a name Auth0 restricts. A name built from a part the analyzer cannot know (shown as {…}, e.g. `${event.secrets.NS}/role`) is rated by its known text and not reported when the unknown part is its namespace.",
    "Use a namespaced claim such as https://example.com/roles; Auth0 silently drops restricted names.",
    ["GAP namespacing"]
);
code_rule!(
    INSECURE_HTTP,
    eval_ih,
    Category::InsecureHttpCall,
    "code.insecure-http-call",
    "An outbound call uses cleartext HTTP",
    Severity::Medium,
    "fetch/axios/request/got or a similar call targets an http:// URL. High when the call sends a secret (event.secrets, configuration, a hard-coded credential), or when a token claim, SAML attribute, scope, access or MFA decision, role call, account linking or primary-user switch takes its value from, or is decided by, the response of such a call (anyone on the network path can read the one and forge the other); medium otherwise, or when an app_metadata write stores such a response.",
    "Use https:// for every outbound call; rotate any secret that was sent in cleartext.",
    ["GAP insecure-egress"]
);
code_rule!(
    UNANALYSABLE,
    eval_un,
    Category::UnanalysableCode,
    "code.unanalysable-code",
    "Code could not be analysed",
    Severity::Medium,
    "The code does not parse (or exceeds the analyzer's nesting bound), so none of its effects are known.",
    "Fix the syntax error; authpath then analyses the code like any other.",
    []
);

/// Every code rule.
pub fn rules() -> Vec<&'static Rule> {
    vec![
        &METADATA_DRIVEN_PRIVILEGE,
        &USER_INPUT_TO_APP_METADATA,
        &UNVERIFIED_EMAIL_TRUST,
        &HARDCODED_SECRET,
        &SECRET_TO_EXTERNAL,
        &MFA_BYPASS,
        &OPEN_REDIRECT,
        &UNNAMESPACED_CLAIM,
        &INSECURE_HTTP,
        &UNANALYSABLE,
    ]
}
