//! Where to reach a tenant (canonical domain, optional custom domain, `--api-base` override)
//! and the client-credentials token, cached until shortly before it expires. The granted
//! `scope` is decoded from the token response.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde::Deserialize;
use url::Url;

use super::error::{LiveError, Result};

/// Client credentials. `Debug` never shows the secret.
#[derive(Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &crate::findings::mask_secret(&self.client_secret),
            )
            .finish()
    }
}

/// URLs of one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Canonical domain, e.g. `acme.eu.auth0.com`.
    pub domain: String,
    /// `POST` here for tokens.
    pub token_url: Url,
    /// Management API root, ending in `/api/v2/`.
    pub api_root: Url,
    /// Always `https://{canonical domain}/api/v2/`, whichever host serves the requests.
    pub audience: String,
}

fn parse(url: &str) -> Result<Url> {
    Url::parse(url).map_err(|e| LiveError::BadBase {
        url: url.to_string(),
        reason: e.to_string(),
    })
}

impl Endpoints {
    /// Endpoints for `domain`; tokens from `custom_domain` when given (the audience stays the
    /// canonical one); `api_base` (e.g. `http://127.0.0.1:8080`) replaces both hosts.
    pub fn new(domain: &str, custom_domain: Option<&str>, api_base: Option<&str>) -> Result<Self> {
        let domain = domain
            .trim()
            .trim_start_matches("https://")
            .trim_end_matches('/')
            .to_string();
        if domain.is_empty() || domain.contains('/') {
            return Err(LiveError::BadBase {
                url: domain,
                reason: "expected a bare domain such as acme.eu.auth0.com".into(),
            });
        }
        let audience = format!("https://{domain}/api/v2/");
        let (token_base, api_base) = match api_base.map(str::trim).filter(|b| !b.is_empty()) {
            Some(base) => {
                let base = format!("{}/", base.trim_end_matches('/'));
                (parse(&base)?, parse(&base)?)
            }
            None => {
                let token_host = custom_domain.unwrap_or(&domain);
                (
                    parse(&format!("https://{token_host}/"))?,
                    parse(&format!("https://{domain}/"))?,
                )
            }
        };
        let join = |base: &Url, p: &str| {
            base.join(p).map_err(|e| LiveError::BadBase {
                url: base.to_string(),
                reason: e.to_string(),
            })
        };
        Ok(Endpoints {
            token_url: join(&token_base, "oauth/token")?,
            api_root: join(&api_base, "api/v2/")?,
            audience,
            domain,
        })
    }
}

/// An access token and what it grants. `Debug` never shows the token.
#[derive(Clone)]
pub struct Token {
    pub(crate) value: String,
    /// Refresh after this instant.
    pub refresh_at: Instant,
    pub scopes: BTreeSet<String>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("value", &crate::findings::mask_secret(&self.value))
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
}

#[derive(Deserialize, Default)]
struct OAuthError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

/// Margin before expiry at which the token is renewed.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(120);

/// Decodes a token endpoint answer.
pub fn decode_token(status: u16, body: &str, url: &str, now: Instant) -> Result<Token> {
    if !(200..300).contains(&status) {
        let e: OAuthError = serde_json::from_str(body).unwrap_or_default();
        let error = if e.error.is_empty() {
            format!("unexpected answer ({} bytes)", body.len())
        } else {
            format!("{}: {}", e.error, e.error_description)
        };
        return Err(LiveError::Token {
            url: url.to_string(),
            status,
            error,
        });
    }
    let t: TokenResponse = serde_json::from_str(body).map_err(|e| LiveError::Token {
        url: url.to_string(),
        status,
        error: format!("unreadable token response: {e}"),
    })?;
    let lifetime = Duration::from_secs(t.expires_in.unwrap_or(86400));
    Ok(Token {
        value: t.access_token,
        refresh_at: now + lifetime.saturating_sub(REFRESH_MARGIN.min(lifetime / 2)),
        scopes: t
            .scope
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_is_canonical_even_with_custom_domain_or_base() {
        let e = Endpoints::new("acme.eu.auth0.com", Some("login.acme.com"), None).unwrap();
        assert_eq!(e.token_url.as_str(), "https://login.acme.com/oauth/token");
        assert_eq!(e.api_root.as_str(), "https://acme.eu.auth0.com/api/v2/");
        assert_eq!(e.audience, "https://acme.eu.auth0.com/api/v2/");
        let b = Endpoints::new("acme.eu.auth0.com", None, Some("http://127.0.0.1:9000")).unwrap();
        assert_eq!(b.token_url.as_str(), "http://127.0.0.1:9000/oauth/token");
        assert_eq!(b.api_root.as_str(), "http://127.0.0.1:9000/api/v2/");
        assert_eq!(b.audience, "https://acme.eu.auth0.com/api/v2/");
        assert!(Endpoints::new("acme.eu.auth0.com/x", None, None).is_err());
    }

    #[test]
    fn token_scopes_and_refresh_before_expiry() {
        let now = Instant::now();
        let t = decode_token(200, r#"{"access_token":"abc","expires_in":86400,"scope":"read:clients read:roles","token_type":"Bearer"}"#, "u", now).unwrap();
        assert!(t.scopes.contains("read:roles"));
        assert_eq!(t.refresh_at, now + Duration::from_secs(86400 - 120));
        assert!(!format!("{t:?}").contains("abc"));
    }

    #[test]
    fn oauth_errors_are_reported_without_secrets() {
        let e = decode_token(
            403,
            r#"{"error":"access_denied","error_description":"Client is not authorized"}"#,
            "u",
            Instant::now(),
        )
        .unwrap_err();
        assert_eq!(e.category(), "TokenFailed");
        assert!(e.to_string().contains("access_denied"));
    }
}
