//! What the analyzer reports about one piece of tenant code: the data sources it reads, the
//! effects (sinks) it performs, the conditions that guard them, and code-level findings.
//!
//! These types are the contract between `code` (which produces them) and `graph` / `checks`
//! (which join them with the tenant configuration). Every effect carries the 1-based line of
//! the source where it happens, so findings can point at `actions/x/code.js:12`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::source_list::SourceList;
use crate::findings::{Category, Severity};

/// What kind of code a file is. Inferred from the code when not known from the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    Action,
    Rule,
    Hook,
    DbScript,
    ProfileScript,
}

impl CodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CodeKind::Action => "action",
            CodeKind::Rule => "rule",
            CodeKind::Hook => "hook",
            CodeKind::DbScript => "db_script",
            CodeKind::ProfileScript => "profile_script",
        }
    }
}

/// What the caller already knows about a piece of code (from the tenant); `None` = infer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeHint {
    pub kind: Option<CodeKind>,
    /// Trigger id (`post-login`, `credentials-exchange`, ...), or for scripts the script name
    /// (`login`, `get_user`, `fetchUserProfile`, ...).
    pub trigger: Option<String>,
}

/// Text inside a [`Source`]: shared, so copying a source (which the analysis does for every
/// value and effect it touches) never copies the text.
pub type Text = std::sync::Arc<str>;

/// A source of data that flows into a value or a condition. Keys are `None` when the code
/// reads the whole object or a computed key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Source {
    /// `event.user.user_metadata.k` / Rules `user.user_metadata.k`: writable by the user.
    UserMetadata { key: Option<Text> },
    /// `event.user.app_metadata.k` / Rules `user.app_metadata.k`: written by the tenant (or by
    /// other code, which the graph follows).
    AppMetadata { key: Option<Text> },
    /// `event.request.query.k` / Rules `context.request.query.k`.
    RequestQuery { key: Option<Text> },
    /// `event.request.body.k` / Rules `context.request.body.k`.
    RequestBody { key: Option<Text> },
    /// Other request data the caller controls (`user_agent`, `ip`, `hostname`, `geoip`).
    RequestOther { field: Text },
    /// `event.user.email` (or `user.email`).
    Email,
    /// `event.user.email_verified`.
    EmailVerified,
    /// Identity-provider profile data (`event.user.identities[*].profileData`, a profile
    /// script's upstream response, a social/enterprise attribute).
    ProviderProfile,
    /// `event.secrets.NAME` / Rules `configuration.NAME` / Hooks `context.webtask.secrets.NAME`.
    Secret { name: Text },
    /// `event.transaction.prompt` / `event.request.query.prompt` (silent authentication).
    Prompt,
    /// `event.client.client_id` / `context.clientID` / `event.client.name`.
    ClientId,
    /// `event.connection.*` / `context.connection` / `context.connectionStrategy`.
    Connection,
    /// Roles / authorization already decided by the tenant (`event.authorization.roles`).
    Roles,
    /// A response of an outbound HTTP call.
    HttpResponse,
    /// The response of a cleartext (`http://`) call, made on this 1-based line: anyone on the
    /// network path can forge it.
    CleartextResponse { line: u32 },
    /// A literal string value inlined in the code (used for guard comparisons).
    Literal { value: Text },
    /// A credential written into the code (see [`EffectKind::HardcodedSecret`]), by fingerprint.
    HardcodedSecret { fingerprint: Text },
    /// A whole object (`event`, `event.user`, `event.request`, Rules `user` / `context`) went
    /// into `callee`, a function of an npm module, whose code is not analysed: the value may
    /// depend on any part of that object, or on none. `carries` lists the sources of the
    /// objects passed; they are kept apart from the sources the code reads itself, which stay
    /// proven flows.
    OpaqueCall {
        callee: Text,
        carries: std::sync::Arc<[Source]>,
    },
}

impl Source {
    /// True when an unauthenticated or ordinary user can choose the value.
    pub fn is_attacker_controlled(&self) -> bool {
        matches!(
            self,
            Source::UserMetadata { .. }
                | Source::RequestQuery { .. }
                | Source::RequestBody { .. }
                | Source::RequestOther { .. }
                | Source::Email
                | Source::ProviderProfile
                | Source::Prompt
        )
    }
}

/// One thing the code does that matters for security.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum EffectKind {
    /// `api.user.setAppMetadata(k, v)`, `user.app_metadata.k = v` + `auth0.users.updateAppMetadata`.
    SetAppMetadata { key: Option<String> },
    /// `api.user.setUserMetadata(k, v)`.
    SetUserMetadata { key: Option<String> },
    /// `api.accessToken.setCustomClaim(name, v)`, Rules `context.accessToken[name] = v`.
    AccessTokenClaim { name: Option<String> },
    /// `api.idToken.setCustomClaim(name, v)`, Rules `context.idToken[name] = v`.
    IdTokenClaim { name: Option<String> },
    /// `api.accessToken.addScope(s)` (also credentials-exchange), Rules `context.accessToken.scope = ...`.
    AddScope { scope: Option<String> },
    /// `api.accessToken.removeScope(s)`.
    RemoveScope { scope: Option<String> },
    /// `api.multifactor.enable(...)`, `api.authentication.challengeWith(Any)`, Rules `context.multifactor = ...`.
    RequireMfa,
    /// `api.access.deny(...)`, Rules `callback(new UnauthorizedError(...))`.
    DenyAccess,
    /// `api.redirect.sendUserTo(url)`, Rules `context.redirect = {url}`. `checked`: every part
    /// of the URL and its query options that the caller controls is compared with constants by
    /// the conditions around it (an allow-list, an exact URL, a prefix that pins the host, or
    /// the origin; see [`super::url_checks`]); true as well when no part is caller-controlled.
    /// `open_prefix`: a `startsWith` prefix an unchecked part was compared with that leaves
    /// the host open (`https://app.example.com` lets `https://app.example.com.evil.example`
    /// through).
    Redirect {
        checked: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        open_prefix: Option<String>,
    },
    /// `api.authentication.setPrimaryUser(user_id)`: the login continues as another user
    /// (account linking's last step). The value is the user id.
    SetPrimaryUser,
    /// `api.samlResponse.setAttribute(name, value)`: an attribute of the SAML assertion the
    /// service provider receives (it authorizes on attributes such as roles or groups).
    SamlAttribute { name: Option<String> },
    /// A call to the Management API (`new ManagementClient(...)` method, or an HTTP call to
    /// `/api/v2/`), `method` is e.g. `users.update`, `users.link`, `POST /api/v2/users`.
    ManagementApiCall { method: String },
    /// Account linking (`users.link`, `linkUsers`, `POST .../identities`).
    LinkAccounts,
    /// An outbound HTTP call. `url` is the literal URL (or its literal prefix) when known;
    /// `host` is the literal host when the URL (prefix) names it completely.
    Egress {
        url: Option<String>,
        cleartext: bool,
        host: Option<String>,
    },
    /// A credential written into the code. The value itself is never kept: only its masked
    /// form and a fingerprint (`sha256` hex, first 16 chars) to match it to a tenant secret.
    HardcodedSecret {
        secret_kind: SecretKind,
        masked: String,
        fingerprint: String,
        /// A client id passed alongside the secret (e.g. `ManagementClient({clientId, clientSecret})`).
        client_id: Option<String>,
        /// A tenant domain passed alongside the secret.
        domain: Option<String>,
    },
    /// Credentials for the Management API obtained from `event.secrets` (not hard-coded).
    ManagementClientFromSecrets { secret_names: Vec<String> },
    /// A profile / DB script asserting `email_verified` on the user it returns.
    AssertsEmailVerified { constant_true: bool },
}

/// How a hard-coded secret was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    /// Passed as a client secret (`clientSecret`, `client_secret`) to an SDK or token call.
    ClientSecret,
    /// An `Authorization` header value or a bearer/API token argument.
    AuthorizationHeader,
    /// A known key format (AWS, Stripe, Slack, GitHub, private key block, JWT, ...).
    KnownFormat,
    /// A high-entropy literal bound to a credential-like name (`apiKey`, `password`, ...).
    CredentialName,
}

/// One effect with where it happens and what drives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effect {
    #[serde(flatten)]
    pub kind: EffectKind,
    /// 1-based source line.
    pub line: u32,
    /// The source text of the statement (trimmed, at most 200 chars, secrets masked).
    pub text: String,
    /// Sources that flow into the effect's value (claim value, metadata value, URL, body).
    pub value_sources: SourceList,
    /// Sources that flow into any condition that controls whether the effect happens.
    pub guard_sources: SourceList,
    /// True when an `email_verified` check guards this effect (so `Email` is trusted safely).
    pub guarded_by_email_verified: bool,
}

/// A finding produced by the analyzer alone (no tenant context).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeFinding {
    /// Stable rule id, e.g. `code.metadata-driven-privilege`.
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub line: u32,
    pub message: String,
}

/// A parse failure, with the parser's message and the line where known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseFailure {
    pub message: String,
    pub line: Option<u32>,
}

/// Everything the analyzer learned from one piece of code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeReport {
    /// The file name as given by the caller (export-relative path for tenant code).
    pub file: String,
    pub kind: CodeKind,
    /// Trigger id, script name, or `unknown`.
    pub trigger: String,
    pub parse_error: Option<ParseFailure>,
    pub effects: Vec<Effect>,
    pub findings: Vec<CodeFinding>,
    /// `user_metadata` / `app_metadata` keys read anywhere in the code (`None` key omitted).
    pub reads_user_metadata: BTreeSet<String>,
    pub reads_app_metadata: BTreeSet<String>,
    /// `event.secrets` / `configuration` names read.
    pub secret_names: BTreeSet<String>,
}
