//! The `Auth0Finding` object the scan Job applies for one finding: labels for integration,
//! severity and rule (as valid label values), and the integration as controlling owner.

use std::collections::BTreeMap;

use kube::{Resource, ResourceExt};

use crate::crd::{
    Auth0Finding, Auth0FindingSpec, Auth0Integration, LABEL_INTEGRATION, LABEL_RULE, LABEL_SEVERITY,
};

/// A label value: `[A-Za-z0-9._-]`, at most 63 characters, alphanumeric at both ends.
pub fn label_value(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(63)
        .collect();
    mapped
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string()
}

/// The `Auth0Finding` object for one planned spec.
pub fn finding_object(
    integration: &Auth0Integration,
    name: &str,
    spec: Auth0FindingSpec,
) -> Auth0Finding {
    let mut finding = Auth0Finding::new(name, spec);
    finding.metadata.namespace = integration.namespace();
    finding.metadata.labels = Some(BTreeMap::from([
        (
            LABEL_INTEGRATION.to_string(),
            label_value(&integration.name_any()),
        ),
        (
            LABEL_SEVERITY.to_string(),
            finding.spec.severity.as_str().to_string(),
        ),
        (LABEL_RULE.to_string(), label_value(&finding.spec.rule)),
    ]));
    finding.metadata.owner_references = integration.controller_owner_ref(&()).map(|o| vec![o]);
    finding
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_valid() {
        assert_eq!(
            label_value("code.vulnerable-dependency"),
            "code.vulnerable-dependency"
        );
        assert_eq!(label_value("path/admin scope!"), "path-admin-scope");
        assert!(label_value(&"x".repeat(100)).len() <= 63);
    }

    #[test]
    fn finding_objects_carry_labels_and_owner() {
        let integration = crate::operator::build::fixtures::integration("");
        let spec = Auth0FindingSpec {
            integration: "prod".into(),
            id: "abc".into(),
            rule: "config.some-rule".into(),
            severity: crate::findings::Severity::High,
            category: crate::findings::Category::Application,
            title: "t".into(),
            description: String::new(),
            remediation: String::new(),
            objects: vec![],
            path: vec![],
            evidence: vec![],
        };
        let f = finding_object(&integration, "prod-abc", spec);
        let labels = f.metadata.labels.unwrap();
        assert_eq!(labels[LABEL_SEVERITY], "high");
        assert_eq!(labels[LABEL_RULE], "config.some-rule");
        assert_eq!(f.metadata.owner_references.unwrap()[0].uid, "1111-2222");
    }
}
