//! Container ports as local ports: each replica's declared `containerPort`s get free ports on
//! 127.0.0.1, listen addresses in its arguments and environment are rewritten to them, and a
//! Service is resolved to one of those local addresses the way kube-proxy would route it
//! (selector against the pod labels, `targetPort` by name or number).

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::{Container, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::Api;

use crate::error::E2eError;

/// One container port of a running replica and the local port standing in for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPort {
    pub name: Option<String>,
    pub container_port: i32,
    pub local: u16,
}

#[derive(Debug)]
struct Entry {
    id: u64,
    namespace: String,
    labels: BTreeMap<String, String>,
    ports: Vec<LocalPort>,
}

/// The local ports of every running replica, shared by the agent's tasks.
#[derive(Debug, Clone, Default)]
pub struct PortMap {
    inner: Arc<Mutex<(u64, Vec<Entry>)>>,
}

/// Removes a replica's ports from the map when dropped (the replica task ended or was aborted).
pub struct Registration {
    map: PortMap,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Ok(mut inner) = self.map.inner.lock() {
            inner.1.retain(|e| e.id != self.id);
        }
    }
}

impl PortMap {
    /// Records the ports of a replica with pod `labels` in `namespace`.
    pub fn register(
        &self,
        namespace: &str,
        labels: BTreeMap<String, String>,
        ports: Vec<LocalPort>,
    ) -> Registration {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.0 += 1;
        let id = inner.0;
        inner.1.push(Entry {
            id,
            namespace: namespace.to_string(),
            labels,
            ports,
        });
        Registration {
            map: self.clone(),
            id,
        }
    }

    /// The local address behind port `port` of Service `service`, once a selected replica runs.
    pub async fn service_address(
        &self,
        client: &kube::Client,
        namespace: &str,
        service: &str,
        port: i32,
    ) -> Result<Option<SocketAddr>, E2eError> {
        let service: Service = Api::namespaced(client.clone(), namespace)
            .get(service)
            .await?;
        let Some(spec) = service.spec else {
            return Ok(None);
        };
        let Some(service_port) = spec.ports.iter().flatten().find(|p| p.port == port) else {
            return Ok(None);
        };
        let target = service_port
            .target_port
            .clone()
            .unwrap_or(IntOrString::Int(port));
        let selector = spec.selector.unwrap_or_default();
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        Ok(inner
            .1
            .iter()
            .filter(|e| e.namespace == namespace && !selector.is_empty())
            .filter(|e| selector.iter().all(|(k, v)| e.labels.get(k) == Some(v)))
            .flat_map(|e| e.ports.iter())
            .find(|p| match &target {
                IntOrString::Int(n) => p.container_port == *n,
                IntOrString::String(name) => p.name.as_deref() == Some(name.as_str()),
            })
            .map(|p| SocketAddr::from(([127, 0, 0, 1], p.local))))
    }
}

/// Free local ports for the container's declared ports.
pub fn allocate(container: &Container) -> Result<Vec<LocalPort>, E2eError> {
    container
        .ports
        .iter()
        .flatten()
        .map(|p| {
            let io = |source| E2eError::Io {
                path: "127.0.0.1:0".into(),
                source,
            };
            let local = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(io)?
                .port();
            Ok(LocalPort {
                name: p.name.clone(),
                container_port: p.container_port,
                local,
            })
        })
        .collect()
}

/// `HOST:PORT` (or `--flag=HOST:PORT`) listening on a declared container port, with a wildcard
/// or loopback host, rewritten to `127.0.0.1:<local port>`; anything else unchanged.
pub fn rewrite_listen(value: &str, ports: &[LocalPort]) -> String {
    if let Some(local) = listen_address(value, ports) {
        return local;
    }
    if let Some((flag, rest)) = value.split_once('=')
        && let Some(local) = listen_address(rest, ports)
    {
        return format!("{flag}={local}");
    }
    value.to_string()
}

fn listen_address(value: &str, ports: &[LocalPort]) -> Option<String> {
    let (host, port) = value.rsplit_once(':')?;
    let port: i32 = port.parse().ok()?;
    let wildcard = matches!(
        host,
        "" | "0.0.0.0" | "[::]" | "127.0.0.1" | "localhost" | "[::1]"
    );
    let local = ports.iter().find(|p| p.container_port == port)?;
    wildcard.then(|| format!("127.0.0.1:{}", local.local))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports() -> Vec<LocalPort> {
        vec![LocalPort {
            name: Some("http".into()),
            container_port: 8080,
            local: 41234,
        }]
    }

    #[test]
    fn listen_addresses_on_declared_ports_become_local() {
        assert_eq!(rewrite_listen("0.0.0.0:8080", &ports()), "127.0.0.1:41234");
        assert_eq!(rewrite_listen(":8080", &ports()), "127.0.0.1:41234");
        assert_eq!(
            rewrite_listen("--listen=[::]:8080", &ports()),
            "--listen=127.0.0.1:41234"
        );
    }

    #[test]
    fn other_values_are_kept() {
        for v in [
            "0.0.0.0:9090",
            "10.0.0.1:8080",
            "8080",
            "https://x:8080",
            "a=b",
        ] {
            assert_eq!(rewrite_listen(v, &ports()), v);
        }
    }

    #[test]
    fn registrations_are_removed_on_drop() {
        let map = PortMap::default();
        let reg = map.register("ns", BTreeMap::new(), ports());
        assert_eq!(map.inner.lock().unwrap().1.len(), 1);
        drop(reg);
        assert!(map.inner.lock().unwrap().1.is_empty());
    }
}
