//! Complete listing with the fewest requests: `per_page=100` offset paging with
//! `include_totals` (stop at `total`), checkpoint paging (`take=100`, follow `next`), and the
//! Actions shape (`{key,total,per_page}`). Each helper also accepts a bare array.

use serde_json::Value;

use super::error::{LiveError, Result};
use super::http::ApiClient;

/// Largest page the API accepts.
pub const PAGE: usize = 100;

fn join(path: &str, query: &str) -> String {
    if path.contains('?') {
        format!("{path}&{query}")
    } else {
        format!("{path}?{query}")
    }
}

fn items_of(v: Value, key: &str, path: &str) -> Result<(Vec<Value>, Option<u64>, Option<String>)> {
    match v {
        Value::Array(items) => Ok((items, None, None)),
        Value::Object(mut m) => {
            let total = m.get("total").and_then(Value::as_u64);
            let next = m.get("next").and_then(Value::as_str).map(str::to_string);
            match m.remove(key) {
                Some(Value::Array(items)) => Ok((items, total, next)),
                _ => Err(LiveError::Shape {
                    path: path.to_string(),
                    reason: format!("no `{key}` array in the answer"),
                }),
            }
        }
        _ => Err(LiveError::Shape {
            path: path.to_string(),
            reason: "neither an array nor an object".into(),
        }),
    }
}

/// Percent-encodes one path segment (ids such as `auth0|123`).
pub fn segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Every item of an offset-paged endpoint.
pub async fn offset_all(api: &mut ApiClient, path: &str, key: &str) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for page in 0.. {
        let url = join(
            path,
            &format!("per_page={PAGE}&page={page}&include_totals=true"),
        );
        let (items, total, _) = items_of(api.get(&url).await?, key, path)?;
        let got = items.len();
        out.extend(items);
        let done = match total {
            Some(t) => out.len() as u64 >= t,
            None => got < PAGE,
        };
        if done || got == 0 {
            break;
        }
    }
    Ok(out)
}

/// Every item of a checkpoint-paged endpoint (`take`, `from`, `next`).
pub async fn checkpoint_all(
    api: &mut ApiClient,
    path: &str,
    key: &str,
    take: usize,
) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    let mut from: Option<String> = None;
    loop {
        let query = match &from {
            Some(f) => format!("take={take}&from={}", segment(f)),
            None => format!("take={take}"),
        };
        let (items, _, next) = items_of(api.get(&join(path, &query)).await?, key, path)?;
        let empty = items.is_empty();
        out.extend(items);
        match next {
            Some(n) if !empty && from.as_deref() != Some(n.as_str()) => from = Some(n),
            _ => break,
        }
    }
    Ok(out)
}

/// Every item of an Actions-style endpoint (no `include_totals`; totals always present).
pub async fn actions_all(api: &mut ApiClient, path: &str, key: &str) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for page in 0.. {
        let url = join(path, &format!("per_page={PAGE}&page={page}"));
        let (items, total, _) = items_of(api.get(&url).await?, key, path)?;
        let got = items.len();
        out.extend(items);
        let done = match total {
            Some(t) => out.len() as u64 >= t,
            None => got < PAGE,
        };
        if done || got == 0 {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrappers_and_bare_arrays_are_read() {
        let (items, total, next) =
            items_of(json!({"clients": [1, 2], "total": 5}), "clients", "p").unwrap();
        assert_eq!((items.len(), total, next), (2, Some(5), None));
        let (items, _, next) =
            items_of(json!({"clients": [1], "next": "abc"}), "clients", "p").unwrap();
        assert_eq!((items.len(), next.as_deref()), (1, Some("abc")));
        assert_eq!(
            items_of(json!([1, 2, 3]), "clients", "p").unwrap().0.len(),
            3
        );
        assert!(items_of(json!({"other": []}), "clients", "p").is_err());
        assert!(items_of(json!("x"), "clients", "p").is_err());
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(segment("auth0|123"), "auth0%7C123");
        assert_eq!(segment("rol_abc"), "rol_abc");
        assert_eq!(join("/a?x=1", "y=2"), "/a?x=1&y=2");
    }
}
