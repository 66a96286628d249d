//! Cluster mode of the receiver: parses the `NAMESPACE/NAME` integration and wires the
//! watch-cache [`KubeFindingIndex`], the [`KubeSignalSink`] and the [`KubeRescanRequester`]
//! into a [`Cluster`].

use std::sync::Arc;

use super::kube_index::KubeFindingIndex;
use super::kube_sink::{KubeRescanRequester, KubeSignalSink};
use super::processor::Cluster;

/// The integration the receiver serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationName {
    pub namespace: String,
    pub name: String,
}

impl IntegrationName {
    /// Parses `NAMESPACE/NAME`; `None` unless both parts are non-empty and there is one `/`.
    pub fn parse(text: &str) -> Option<IntegrationName> {
        let (namespace, name) = text.trim().split_once('/')?;
        if namespace.is_empty() || name.is_empty() || name.contains('/') {
            return None;
        }
        Some(IntegrationName {
            namespace: namespace.to_string(),
            name: name.to_string(),
        })
    }
}

/// The cluster side of `integration`; the watch task is spawned on the current runtime and
/// the first listing of findings awaited before returning.
pub async fn connect(client: kube::Client, integration: &IntegrationName) -> Cluster {
    let (index, watch) =
        KubeFindingIndex::watch(client.clone(), &integration.namespace, &integration.name);
    tokio::spawn(watch);
    index.wait_until_ready().await;
    let signals = KubeSignalSink::new(client.clone(), &integration.namespace, index.clone());
    let rescans = KubeRescanRequester::new(client, &integration.namespace, &integration.name);
    Cluster {
        index: Arc::new(index),
        signals: Arc::new(signals),
        rescans: Arc::new(rescans),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespace_and_name() {
        assert_eq!(
            IntegrationName::parse("auth/acme"),
            Some(IntegrationName {
                namespace: "auth".into(),
                name: "acme".into()
            })
        );
    }

    #[test]
    fn rejects_malformed_names() {
        for bad in ["acme", "/acme", "auth/", "a/b/c", ""] {
            assert_eq!(IntegrationName::parse(bad), None, "{bad}");
        }
    }
}
