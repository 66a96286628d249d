//! The API's list shapes: bare arrays, `include_totals` wrappers (with `length` on users and
//! logs), checkpoint paging (`take`/`from`/`next`, absent `next` on the last page, checkpoint
//! wins over offset), the Actions `{key,total,per_page}` shape, default and maximum page sizes
//! and the 1000-result caps.

use serde_json::{Value, json};

use crate::errors::ApiError;

/// Query parameters of one request, in order.
#[derive(Debug, Clone, Default)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    /// First value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` is present.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn flag(&self, key: &str) -> bool {
        self.get(key) == Some("true")
    }

    fn number(&self, key: &str) -> Result<Option<usize>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.parse::<usize>().map(Some).map_err(|_| {
                ApiError::bad_query(&format!(
                    "Query validation error: '{key}' must be an integer"
                ))
            }),
        }
    }
}

/// How an endpoint pages.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    /// `page`/`per_page`/`include_totals`; `checkpoint` when `take`/`from` are also accepted.
    Offset {
        key: &'static str,
        checkpoint: bool,
        /// Offset paging reaches only this many results (`None`: no cap).
        offset_cap: Option<usize>,
        /// `/users`: 400 when page x per_page passes 1000; wrapper adds `length`.
        users: bool,
        /// Wrapper adds `length` (logs).
        length: bool,
    },
    /// Actions, versions and bindings: always `{key, total, per_page}`; 400 on `include_totals`.
    Actions { key: &'static str },
    /// Checkpoint only, `take` up to `max_take`; a bare array when neither `take` nor `from` is
    /// sent and `bare_without_params` is set (custom domains).
    Checkpoint {
        key: &'static str,
        max_take: usize,
        bare_without_params: bool,
    },
}

/// Default page size when `per_page` / `take` is omitted.
pub const DEFAULT_PAGE: usize = 50;
/// Largest accepted `per_page` / `take`.
pub const MAX_PAGE: usize = 100;

fn encode_checkpoint(index: usize) -> String {
    hex::encode(format!("ckpt:{index}"))
}

fn decode_checkpoint(token: &str) -> Result<usize, ApiError> {
    hex::decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("ckpt:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| ApiError::bad_query("Invalid checkpoint token (from)"))
}

fn size(q: &Query, key: &str, default: usize, max: usize) -> Result<usize, ApiError> {
    let n = q.number(key)?.unwrap_or(default);
    if n == 0 || n > max {
        return Err(ApiError::bad_query(&format!(
            "Query validation error: '{key}' must be between 1 and {max}"
        )));
    }
    Ok(n)
}

fn checkpoint_page(
    items: &[Value],
    q: &Query,
    key: &str,
    max_take: usize,
) -> Result<Value, ApiError> {
    let take = size(q, "take", DEFAULT_PAGE, max_take)?;
    let from = match q.get("from") {
        Some(t) if !t.is_empty() => decode_checkpoint(t)?,
        _ => 0,
    };
    let end = from.saturating_add(take).min(items.len());
    let slice = items.get(from.min(items.len())..end).unwrap_or_default();
    let mut out = json!({ key: slice });
    if end < items.len()
        && let Some(m) = out.as_object_mut()
    {
        m.insert("next".into(), json!(encode_checkpoint(end)));
    }
    Ok(out)
}

/// One page of `items` as the endpoint with `style` answers `q`.
pub fn page(items: &[Value], q: &Query, style: Style) -> Result<Value, ApiError> {
    match style {
        Style::Checkpoint {
            key,
            max_take,
            bare_without_params,
        } => {
            if bare_without_params && !q.has("take") && !q.has("from") {
                return Ok(Value::Array(items.to_vec()));
            }
            checkpoint_page(items, q, key, max_take)
        }
        Style::Actions { key } => {
            if q.has("include_totals") {
                return Err(ApiError::bad_request(
                    "Additional properties not allowed: include_totals",
                    "invalid_query_string",
                ));
            }
            let per_page = size(q, "per_page", 20, MAX_PAGE)?;
            let page = q.number("page")?.unwrap_or(0);
            let start = page.saturating_mul(per_page).min(items.len());
            let end = start.saturating_add(per_page).min(items.len());
            Ok(
                json!({ key: items.get(start..end).unwrap_or_default(), "total": items.len(), "per_page": per_page }),
            )
        }
        Style::Offset {
            key,
            checkpoint,
            offset_cap,
            users,
            length,
        } => {
            if checkpoint && (q.has("take") || q.has("from")) {
                return checkpoint_page(items, q, key, MAX_PAGE);
            }
            let per_page = size(q, "per_page", DEFAULT_PAGE, MAX_PAGE)?;
            let page = q.number("page")?.unwrap_or(0);
            if users && page.saturating_add(1).saturating_mul(per_page) > 1000 {
                return Err(ApiError::bad_query(
                    "You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation.",
                ));
            }
            let reachable = offset_cap.map_or(items.len(), |cap| cap.min(items.len()));
            let start = page.saturating_mul(per_page).min(reachable);
            let end = start.saturating_add(per_page).min(reachable);
            let slice = items.get(start..end).unwrap_or_default();
            if !q.flag("include_totals") {
                return Ok(Value::Array(slice.to_vec()));
            }
            let mut out =
                json!({"start": start, "limit": per_page, "total": items.len(), key: slice});
            if (users || length)
                && let Some(m) = out.as_object_mut()
            {
                m.insert("length".into(), json!(slice.len()));
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Query {
        Query(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn items(n: usize) -> Vec<Value> {
        (0..n).map(|i| json!({"i": i})).collect()
    }

    const CLIENTS: Style = Style::Offset {
        key: "clients",
        checkpoint: true,
        offset_cap: None,
        users: false,
        length: false,
    };

    #[test]
    fn omitted_per_page_gives_fifty_in_a_bare_array() {
        let v = page(&items(120), &q(&[]), CLIENTS).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 50);
    }

    #[test]
    fn include_totals_wraps_with_the_resource_key() {
        let v = page(
            &items(120),
            &q(&[
                ("per_page", "100"),
                ("page", "1"),
                ("include_totals", "true"),
            ]),
            CLIENTS,
        )
        .unwrap();
        assert_eq!(v["clients"].as_array().unwrap().len(), 20);
        assert_eq!(v["total"], 120);
        assert_eq!(v["start"], 100);
        assert!(v.get("length").is_none());
    }

    #[test]
    fn per_page_above_100_is_rejected() {
        let e = page(&items(5), &q(&[("per_page", "101")]), CLIENTS).unwrap_err();
        assert_eq!(e.status.as_u16(), 400);
    }

    #[test]
    fn checkpoint_wins_and_next_is_absent_on_the_last_page() {
        let first = page(
            &items(150),
            &q(&[
                ("take", "100"),
                ("per_page", "10"),
                ("include_totals", "true"),
            ]),
            CLIENTS,
        )
        .unwrap();
        assert_eq!(first["clients"].as_array().unwrap().len(), 100);
        assert!(first.get("total").is_none());
        let next = first["next"].as_str().unwrap().to_string();
        let last = page(
            &items(150),
            &q(&[("take", "100"), ("from", &next)]),
            CLIENTS,
        )
        .unwrap();
        assert_eq!(last["clients"].as_array().unwrap().len(), 50);
        assert!(last.get("next").is_none());
    }

    #[test]
    fn users_cap_and_offset_cap() {
        let users = Style::Offset {
            key: "users",
            checkpoint: false,
            offset_cap: None,
            users: true,
            length: false,
        };
        assert!(
            page(
                &items(2000),
                &q(&[("per_page", "100"), ("page", "9")]),
                users
            )
            .is_ok()
        );
        assert_eq!(
            page(
                &items(2000),
                &q(&[("per_page", "100"), ("page", "10")]),
                users
            )
            .unwrap_err()
            .status
            .as_u16(),
            400
        );
        let capped = Style::Offset {
            key: "connections",
            checkpoint: true,
            offset_cap: Some(1000),
            users: false,
            length: false,
        };
        let beyond = page(
            &items(1500),
            &q(&[("per_page", "100"), ("page", "10")]),
            capped,
        )
        .unwrap();
        assert_eq!(beyond.as_array().unwrap().len(), 0);
    }

    #[test]
    fn actions_shape_and_include_totals_rejected() {
        let s = Style::Actions { key: "actions" };
        let v = page(&items(30), &q(&[("per_page", "100")]), s).unwrap();
        assert_eq!(v["total"], 30);
        assert_eq!(v["per_page"], 100);
        assert!(page(&items(3), &q(&[("include_totals", "true")]), s).is_err());
    }

    #[test]
    fn bare_custom_domains_without_params() {
        let s = Style::Checkpoint {
            key: "custom_domains",
            max_take: 100,
            bare_without_params: true,
        };
        assert!(page(&items(2), &q(&[]), s).unwrap().is_array());
        assert!(page(&items(2), &q(&[("take", "1")]), s).unwrap()["next"].is_string());
    }
}
