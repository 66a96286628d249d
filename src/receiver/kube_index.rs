//! The cluster [`FindingIndex`]: a reflector (watch cache) of the integration's `Auth0Finding`s
//! (label `authpath.dev/integration=<name>`), each open finding mapped to the objects it names
//! in `spec.objects` and `spec.path`. The same cache gives the stored `status.runtime.signals`
//! total the signal sink adds to.

use std::sync::Arc;

use futures::StreamExt;
use kube::api::Api;
use kube::runtime::reflector::{self, ObjectRef as CacheRef, Store};
use kube::runtime::{WatchStreamExt, watcher};

use crate::crd::{Auth0Finding, FindingState, LABEL_INTEGRATION};
use crate::findings::ObjectRef;

use super::correlate::{FindingIndex, FindingRef, MemoryFindingIndex};

/// The index entry of one finding: its reference and every object it names; `None` for a
/// resolved finding (only open findings get runtime signals) or one without a name.
pub fn finding_entry(finding: &Auth0Finding) -> Option<(FindingRef, Vec<ObjectRef>)> {
    let resolved = finding
        .status
        .as_ref()
        .and_then(|s| s.state)
        .is_some_and(|s| s == FindingState::Resolved);
    if resolved {
        return None;
    }
    let name = finding.metadata.name.clone()?;
    let objects = finding
        .spec
        .objects
        .iter()
        .cloned()
        .chain(
            finding
                .spec
                .path
                .iter()
                .map(|p| ObjectRef::new(p.kind, p.name.clone())),
        )
        .collect();
    Some((
        FindingRef {
            name,
            rule: finding.spec.rule.clone(),
        },
        objects,
    ))
}

/// The stored runtime signal total of a finding (0 when it has none).
pub fn stored_signals(finding: &Auth0Finding) -> u64 {
    finding
        .status
        .as_ref()
        .and_then(|s| s.runtime.as_ref())
        .map_or(0, |r| r.signals)
}

/// Label selector of one integration's findings.
pub fn integration_selector(integration: &str) -> String {
    format!("{LABEL_INTEGRATION}={integration}")
}

/// [`FindingIndex`] over the `Auth0Finding` watch cache, rebuilt on every watch event.
#[derive(Clone)]
pub struct KubeFindingIndex {
    store: Store<Auth0Finding>,
    index: Arc<MemoryFindingIndex>,
    namespace: String,
}

impl KubeFindingIndex {
    /// Starts watching the findings of `integration` in `namespace`; the returned future runs
    /// the watch (spawn it) and never ends while the API server is reachable.
    pub fn watch(
        client: kube::Client,
        namespace: &str,
        integration: &str,
    ) -> (KubeFindingIndex, impl Future<Output = ()> + Send + 'static) {
        let api: Api<Auth0Finding> = Api::namespaced(client, namespace);
        let (store, writer) = reflector::store();
        let index = Arc::new(MemoryFindingIndex::new());
        let this = KubeFindingIndex {
            store: store.clone(),
            index: index.clone(),
            namespace: namespace.to_string(),
        };
        let config = watcher::Config::default().labels(&integration_selector(integration));
        let stream = watcher(api, config).default_backoff().reflect(writer);
        let task = async move {
            let mut stream = std::pin::pin!(stream);
            while let Some(event) = stream.next().await {
                match event {
                    Ok(_) => index.replace(store.state().iter().filter_map(|f| finding_entry(f))),
                    Err(e) => tracing::warn!(error = %e, "watching Auth0Findings failed"),
                }
            }
        };
        (this, task)
    }

    /// Waits until the first full listing reached the cache.
    pub async fn wait_until_ready(&self) {
        let _ = self.store.wait_until_ready().await;
    }

    /// The cached finding named `name`.
    pub fn get(&self, name: &str) -> Option<Arc<Auth0Finding>> {
        self.store.get(&CacheRef::new(name).within(&self.namespace))
    }
}

impl FindingIndex for KubeFindingIndex {
    fn lookup(&self, object: &ObjectRef) -> Vec<FindingRef> {
        self.index.lookup(object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{Auth0FindingSpec, Auth0FindingStatus, RuntimeSignals};
    use crate::findings::{Category, ObjectKind, PathStep, Severity};

    fn finding(name: &str, state: Option<FindingState>, signals: Option<u64>) -> Auth0Finding {
        let mut f = Auth0Finding::new(
            name,
            Auth0FindingSpec {
                integration: "acme".into(),
                id: "id1".into(),
                rule: "action-grants-admin".into(),
                severity: Severity::High,
                category: Category::AttackPath,
                title: "t".into(),
                description: String::new(),
                remediation: String::new(),
                objects: vec![ObjectRef::new(ObjectKind::Client, "Web")],
                path: vec![PathStep {
                    kind: ObjectKind::Action,
                    name: "CRM Profile Sync".into(),
                    edge: String::new(),
                }],
                evidence: vec![],
            },
        );
        f.status = Some(Auth0FindingStatus {
            state,
            runtime: signals.map(|s| RuntimeSignals {
                signals: s,
                last_signal: None,
                sample_log_id: None,
            }),
            ..Auth0FindingStatus::default()
        });
        f
    }

    #[test]
    fn open_finding_maps_objects_and_path_names() {
        let (r, objects) = finding_entry(&finding("acme-f1", Some(FindingState::Open), None))
            .expect("open finding is indexed");
        assert_eq!(r.name, "acme-f1");
        assert_eq!(r.rule, "action-grants-admin");
        assert!(objects.contains(&ObjectRef::new(ObjectKind::Client, "Web")));
        assert!(objects.contains(&ObjectRef::new(ObjectKind::Action, "CRM Profile Sync")));
        let index = MemoryFindingIndex::new();
        index.replace([(r, objects)]);
        let hit = index.lookup(&ObjectRef::new(ObjectKind::Action, "crm profile sync"));
        assert_eq!(hit.len(), 1);
        assert!(
            index
                .lookup(&ObjectRef::new(ObjectKind::Action, "CRM Profile Sync 2"))
                .is_empty()
        );
    }

    #[test]
    fn finding_without_state_is_open() {
        assert!(finding_entry(&finding("acme-f1", None, None)).is_some());
    }

    #[test]
    fn resolved_finding_is_not_indexed() {
        assert!(finding_entry(&finding("acme-f1", Some(FindingState::Resolved), None)).is_none());
    }

    #[test]
    fn stored_signals_reads_the_runtime_total() {
        assert_eq!(stored_signals(&finding("a", None, Some(7))), 7);
        assert_eq!(stored_signals(&finding("a", None, None)), 0);
    }

    #[test]
    fn selector_names_the_integration_label() {
        assert_eq!(
            integration_selector("acme"),
            "authpath.dev/integration=acme"
        );
    }
}
