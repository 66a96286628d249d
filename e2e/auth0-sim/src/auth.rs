//! `POST /oauth/token` (client credentials, form or JSON body) and bearer-token validation.
//! Tokens are JWT-shaped (`iss`, `sub`, `aud`, `iat`, `exp`, `scope`, `gty`, `azp`) with an
//! unsigned signature part; the emulator keeps the issued ones and checks them on every call.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::routes::Scopes;
use crate::store::Tenant;

/// A token the emulator issued.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub tenant: usize,
    pub scopes: Scopes,
    pub expires: Instant,
}

const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded base64url.
pub fn b64url(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let idx = ((n >> (18 - 6 * i)) & 63) as usize;
            out.push(char::from(B64URL.get(idx).copied().unwrap_or(b'A')));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'+') => out.push(b' '),
            Some(b'%') => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            Some(b) => out.push(*b),
            None => break,
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses an `application/x-www-form-urlencoded` body or query string.
pub fn parse_form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Parameters of a token request, from a JSON or form body.
pub fn token_params(body: &[u8], json_body: bool) -> HashMap<String, String> {
    if json_body {
        let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        return v
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect();
    }
    parse_form(&String::from_utf8_lossy(body))
        .into_iter()
        .collect()
}

/// Credentials and scopes the emulator accepts.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub client_id: String,
    pub client_secret: String,
    /// Granted scopes (every read scope unless narrowed).
    pub scopes: BTreeSet<String>,
    pub lifetime: Duration,
}

/// Issues a token for a client-credentials request, or the OAuth error the real endpoint gives.
pub fn issue(
    params: &HashMap<String, String>,
    client: &ClientConfig,
    tenants: &[Tenant],
) -> Result<(String, IssuedToken, Value), ApiError> {
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    if get("grant_type") != "client_credentials" {
        return Err(ApiError::oauth(
            StatusCode::FORBIDDEN,
            "unsupported_grant_type",
            "Unsupported grant type",
        ));
    }
    if get("client_id") != client.client_id || get("client_secret") != client.client_secret {
        return Err(ApiError::oauth(
            StatusCode::UNAUTHORIZED,
            "access_denied",
            "Unauthorized",
        ));
    }
    let audience = get("audience");
    let Some(tenant) = tenants.iter().position(|t| t.audience() == audience) else {
        return Err(ApiError::oauth(
            StatusCode::FORBIDDEN,
            "access_denied",
            &format!(
                "Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants"
            ),
        ));
    };
    let requested: BTreeSet<String> = get("scope")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let scopes: BTreeSet<String> = if requested.is_empty() {
        client.scopes.clone()
    } else {
        client.scopes.intersection(&requested).cloned().collect()
    };
    let scope_text = scopes.iter().cloned().collect::<Vec<_>>().join(" ");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let jti = crate::ids::alnum("jti", &format!("{now}-{}", rand::random::<u64>()), 24);
    let header = b64url(br#"{"alg":"RS256","typ":"JWT","kid":"auth0-sim"}"#);
    let domain = tenants
        .get(tenant)
        .map(|t| t.domain.clone())
        .unwrap_or_default();
    let claims = json!({
        "iss": format!("https://{domain}/"), "sub": format!("{}@clients", client.client_id),
        "aud": audience, "iat": now, "exp": now + client.lifetime.as_secs(), "scope": scope_text,
        "gty": "client-credentials", "azp": client.client_id, "jti": jti,
    });
    let token = format!(
        "{header}.{}.{}",
        b64url(claims.to_string().as_bytes()),
        b64url(jti.as_bytes())
    );
    let body = json!({"access_token": token, "expires_in": client.lifetime.as_secs(), "scope": scope_text, "token_type": "Bearer"});
    let issued = IssuedToken {
        tenant,
        scopes,
        expires: Instant::now() + client.lifetime,
    };
    Ok((token, issued, body))
}

/// Validates `Authorization: Bearer <token>` against the issued tokens.
pub fn validate<'a>(
    header: Option<&str>,
    issued: &'a HashMap<String, IssuedToken>,
) -> Result<&'a IssuedToken, ApiError> {
    let token = header
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or_else(|| ApiError::unauthorized("Missing authentication"))?;
    let found = issued
        .get(token)
        .ok_or_else(|| ApiError::unauthorized("Invalid token"))?;
    if found.expires <= Instant::now() {
        return Err(ApiError::unauthorized(
            "Expired token received for JSON Web Token validation",
        ));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ClientConfig {
        ClientConfig {
            client_id: "cid".into(),
            client_secret: "sec".into(),
            scopes: ["read:clients", "read:roles"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            lifetime: Duration::from_secs(86400),
        }
    }

    fn tenants() -> Vec<Tenant> {
        vec![Tenant {
            domain: "t.auth0.com".into(),
            ..Tenant::default()
        }]
    }

    #[test]
    fn form_and_json_bodies_parse() {
        let f = token_params(
            b"grant_type=client_credentials&audience=https%3A%2F%2Ft.auth0.com%2Fapi%2Fv2%2F",
            false,
        );
        assert_eq!(f["audience"], "https://t.auth0.com/api/v2/");
        let j = token_params(br#"{"client_id":"cid"}"#, true);
        assert_eq!(j["client_id"], "cid");
    }

    #[test]
    fn audience_must_match_with_the_trailing_slash() {
        let mut p: HashMap<String, String> = [
            ("grant_type", "client_credentials"),
            ("client_id", "cid"),
            ("client_secret", "sec"),
            ("audience", "https://t.auth0.com/api/v2"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let e = issue(&p, &cfg(), &tenants()).unwrap_err();
        assert_eq!(e.status, StatusCode::FORBIDDEN);
        assert_eq!(e.body["error"], "access_denied");
        p.insert("audience".into(), "https://t.auth0.com/api/v2/".into());
        let (token, issued, body) = issue(&p, &cfg(), &tenants()).unwrap();
        assert_eq!(body["scope"], "read:clients read:roles");
        assert_eq!(body["expires_in"], 86400);
        let map: HashMap<String, IssuedToken> = [(token.clone(), issued)].into_iter().collect();
        assert!(validate(Some(&format!("Bearer {token}")), &map).is_ok());
        assert_eq!(
            validate(Some("Bearer nope"), &map).unwrap_err().body["message"],
            "Invalid token"
        );
    }

    #[test]
    fn wrong_secret_is_401_access_denied() {
        let p: HashMap<String, String> = [
            ("grant_type", "client_credentials"),
            ("client_id", "cid"),
            ("client_secret", "bad"),
            ("audience", "https://t.auth0.com/api/v2/"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let e = issue(&p, &cfg(), &tenants()).unwrap_err();
        assert_eq!(e.status, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn base64url_is_unpadded() {
        assert_eq!(b64url(b"hi"), "aGk");
        assert_eq!(b64url(b"hello?"), "aGVsbG8_");
    }
}
