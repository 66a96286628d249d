//! A scripted stand-in for the kube-apiserver in reconcile unit tests (the kube-rs mock-service
//! pattern, built on `tower::service_fn`): objects are kept by their REST path; `GET` answers an
//! object or a list of a collection, `PATCH` (server-side apply, merge) stores the body (into
//! `status` for a `/status` path), `POST` creates, `DELETE` removes, anything else is a 404. Every
//! request is recorded, so a test can assert exactly which writes a reconcile made.
//!
//! Lists honour equality label selectors (`a=b,c=d`); nothing else of a query is evaluated.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::{Method, Request, Response, StatusCode};
use kube::client::Body;
use serde_json::{Value, json};

/// One request the fake answered.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub body: Value,
}

impl Recorded {
    /// True for anything but a read.
    pub fn is_write(&self) -> bool {
        self.method != Method::GET
    }
}

#[derive(Default)]
struct State {
    objects: BTreeMap<String, Value>,
    requests: Vec<Recorded>,
    next_uid: u32,
}

/// The fake; clones share state.
#[derive(Clone, Default)]
pub struct FakeApiserver {
    state: Arc<Mutex<State>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn respond(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_string().into_bytes()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("application/json"),
    );
    response
}

fn not_found(path: &str) -> Response<Body> {
    respond(
        StatusCode::NOT_FOUND,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "reason": "NotFound", "code": 404, "message": format!("{path} not found")}),
    )
}

/// Merges `patch` into `target` (JSON merge patch semantics, enough for apply bodies here).
pub fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

impl FakeApiserver {
    /// An empty apiserver.
    pub fn new() -> FakeApiserver {
        FakeApiserver::default()
    }

    /// Stores `object` at REST `path` (e.g. `/api/v1/namespaces/ns/secrets/a0`).
    pub fn put(&self, path: &str, object: Value) {
        lock(&self.state).objects.insert(path.to_string(), object);
    }

    /// The object at `path`.
    pub fn get(&self, path: &str) -> Option<Value> {
        lock(&self.state).objects.get(path).cloned()
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state).requests.clone()
    }

    /// Every write so far.
    pub fn writes(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(Recorded::is_write)
            .collect()
    }

    /// Forgets the recorded requests (objects stay).
    pub fn clear_requests(&self) {
        lock(&self.state).requests.clear();
    }

    /// A client whose every request this fake answers.
    pub fn client(&self) -> kube::Client {
        let fake = self.clone();
        let service = tower::service_fn(move |request: Request<Body>| {
            let fake = fake.clone();
            async move {
                let (parts, body) = request.into_parts();
                let bytes = body.collect_bytes().await.unwrap_or_default();
                let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                let selector = parts
                    .uri
                    .query()
                    .and_then(|q| {
                        url::form_urlencoded::parse(q.as_bytes())
                            .find(|(k, _)| k == "labelSelector")
                            .map(|(_, v)| v.into_owned())
                    })
                    .unwrap_or_default();
                Ok::<_, std::convert::Infallible>(fake.answer(
                    &parts.method,
                    parts.uri.path(),
                    &selector,
                    body,
                ))
            }
        });
        kube::Client::new(service, "default")
    }

    fn answer(&self, method: &Method, path: &str, selector: &str, body: Value) -> Response<Body> {
        let mut state = lock(&self.state);
        state.requests.push(Recorded {
            method: method.clone(),
            path: path.to_string(),
            body: body.clone(),
        });
        match *method {
            Method::GET => match state.objects.get(path) {
                Some(object) => respond(StatusCode::OK, object),
                None => {
                    let prefix = format!("{path}/");
                    let items: Vec<Value> = state
                        .objects
                        .iter()
                        .filter(|(p, o)| {
                            p.strip_prefix(&prefix)
                                .is_some_and(|rest| !rest.contains('/'))
                                && matches_selector(o, selector)
                        })
                        .map(|(_, o)| o.clone())
                        .collect();
                    if items.is_empty() && !is_collection(path) {
                        return not_found(path);
                    }
                    respond(
                        StatusCode::OK,
                        &json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": "1"}, "items": items}),
                    )
                }
            },
            Method::PATCH => {
                let (object_path, is_status) = match path.strip_suffix("/status") {
                    Some(p) => (p.to_string(), true),
                    None => (path.to_string(), false),
                };
                state.next_uid += 1;
                let uid = format!("uid-{}", state.next_uid);
                let stored = state.objects.entry(object_path).or_insert_with(|| {
                    json!({"metadata": {"uid": uid, "creationTimestamp": jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()}})
                });
                if is_status {
                    merge(stored, &json!({"status": body["status"]}));
                } else {
                    merge(stored, &body);
                }
                let answer = stored.clone();
                respond(StatusCode::OK, &answer)
            }
            Method::POST => {
                let name = body["metadata"]["name"]
                    .as_str()
                    .unwrap_or("created")
                    .to_string();
                state.objects.insert(format!("{path}/{name}"), body.clone());
                respond(StatusCode::CREATED, &body)
            }
            Method::DELETE => match state.objects.remove(path) {
                Some(_) => respond(
                    StatusCode::OK,
                    &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}),
                ),
                None => not_found(path),
            },
            _ => not_found(path),
        }
    }
}

/// True when every `key=value` of `selector` is a label of `object`.
fn matches_selector(object: &Value, selector: &str) -> bool {
    selector
        .split(',')
        .filter(|term| !term.is_empty())
        .all(|term| match term.split_once('=') {
            Some((key, value)) => object["metadata"]["labels"][key] == value,
            None => false,
        })
}

/// A path naming a collection (`.../jobs`) rather than one object: an even number of segments
/// after the group/version prefix.
fn is_collection(path: &str) -> bool {
    let rest = path
        .strip_prefix("/api/v1/")
        .or_else(|| {
            path.strip_prefix("/apis/")
                .and_then(|p| p.splitn(3, '/').nth(2))
        })
        .unwrap_or(path);
    rest.split('/').filter(|s| !s.is_empty()).count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_and_objects_are_told_apart() {
        assert!(is_collection("/apis/batch/v1/namespaces/ns/jobs"));
        assert!(!is_collection("/apis/batch/v1/namespaces/ns/jobs/j"));
        assert!(is_collection("/api/v1/namespaces/ns/secrets"));
        assert!(!is_collection("/api/v1/namespaces/ns/secrets/a0"));
    }

    #[test]
    fn selectors_match_every_label() {
        let object = json!({"metadata": {"labels": {"a": "1", "b": "2"}}});
        assert!(matches_selector(&object, ""));
        assert!(matches_selector(&object, "a=1,b=2"));
        assert!(!matches_selector(&object, "a=1,b=3"));
        assert!(!matches_selector(&json!({}), "a=1"));
    }
}
