//! Installs CustomResourceDefinitions from a directory of YAML files (the project's `crds/`, or
//! `e2e/testdata/crds/` for the harness's own smoke tests) and waits until each is Established.

use std::path::{Path, PathBuf};
use std::time::Duration;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, Patch, PatchParams};
use serde::Deserialize;

use crate::error::E2eError;

/// Field manager used for everything the harness applies.
pub const FIELD_MANAGER: &str = "authpath-e2e";

/// Applies (server-side, forced) every CRD in `*.yaml`/`*.yml` files of `dir`, in file-name order,
/// and waits until each one is Established. Returns the CRD names. Non-CRD documents are ignored.
pub async fn apply_crd_dir(client: &kube::Client, dir: &Path) -> Result<Vec<String>, E2eError> {
    let api = Api::<CustomResourceDefinition>::all(client.clone());
    let mut names = Vec::new();
    for path in yaml_files(dir)? {
        for crd in read_crds(&path)? {
            let name = crd.metadata.name.clone().unwrap_or_default();
            api.patch(
                &name,
                &PatchParams::apply(FIELD_MANAGER).force(),
                &Patch::Apply(&crd),
            )
            .await?;
            names.push(name);
        }
    }
    for name in &names {
        wait_established(&api, name).await?;
    }
    Ok(names)
}

fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, E2eError> {
    let io_err = |source| E2eError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io_err)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    Ok(files)
}

/// Every `CustomResourceDefinition` document of a (possibly multi-document) YAML file.
pub fn read_crds(path: &Path) -> Result<Vec<CustomResourceDefinition>, E2eError> {
    let text = std::fs::read_to_string(path).map_err(|source| E2eError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_crds(&text).map_err(|detail| E2eError::Yaml {
        path: path.to_path_buf(),
        detail,
    })
}

fn parse_crds(text: &str) -> Result<Vec<CustomResourceDefinition>, String> {
    let mut crds = Vec::new();
    for document in serde_norway::Deserializer::from_str(text) {
        let value = serde_json::Value::deserialize(document).map_err(|e| e.to_string())?;
        if value.get("kind").and_then(|k| k.as_str()) == Some("CustomResourceDefinition") {
            crds.push(serde_json::from_value(value).map_err(|e| e.to_string())?);
        }
    }
    Ok(crds)
}

async fn wait_established(api: &Api<CustomResourceDefinition>, name: &str) -> Result<(), E2eError> {
    for _ in 0..100 {
        let crd = api.get(name).await?;
        let established = crd
            .status
            .and_then(|s| s.conditions)
            .unwrap_or_default()
            .iter()
            .any(|c| c.type_ == "Established" && c.status == "True");
        if established {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(E2eError::Timeout(format!(
        "CRD {name} to become Established"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_crds_and_skips_other_documents() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n\
            apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n\
            metadata: {name: things.example.dev}\n\
            spec: {group: example.dev, scope: Namespaced, names: {kind: Thing, plural: things}, versions: []}\n";
        let crds = parse_crds(text).unwrap();
        assert_eq!(crds.len(), 1);
        assert_eq!(crds[0].metadata.name.as_deref(), Some("things.example.dev"));
    }

    #[test]
    fn invalid_yaml_is_an_error() {
        assert!(parse_crds("kind: [unclosed").is_err());
    }

    #[test]
    fn the_test_crd_directory_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/crds");
        let files = yaml_files(&dir).unwrap();
        assert!(!files.is_empty());
        let crds = read_crds(&files[0]).unwrap();
        assert_eq!(crds[0].spec.group, "authpath.dev");
    }
}
