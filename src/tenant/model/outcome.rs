//! Whether a read of a tenant got everything: the structured flag a scan Job decides on (a
//! partial read never resolves or deletes findings), computed from what the readers recorded,
//! never from the wording of a warning.

use serde::Serialize;

use super::snapshot::{DataKind, TenantSnapshot, WarningEffect};

/// The completeness of one read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReadOutcome {
    /// True when no kind went unread and no warning says data is missing.
    pub complete: bool,
    /// Kinds the source should have provided but could not read, in declaration order.
    pub missing: Vec<DataKind>,
    /// Warnings that mean data is missing (`file[:line]: message`), for logs and reports.
    pub problems: Vec<String>,
}

impl TenantSnapshot {
    /// How complete this read was.
    pub fn read_outcome(&self) -> ReadOutcome {
        let missing: Vec<DataKind> = DataKind::ALL
            .into_iter()
            .filter(|k| self.unread.contains(k))
            .collect();
        let problems: Vec<String> = self
            .warnings
            .iter()
            .filter(|w| w.effect == WarningEffect::DataMissing)
            .map(ToString::to_string)
            .collect();
        ReadOutcome {
            complete: missing.is_empty() && problems.is_empty(),
            missing,
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::LoadWarning;

    fn warning(message: &str, effect: WarningEffect) -> LoadWarning {
        LoadWarning {
            file: "connections/x.json".into(),
            line: Some(11),
            message: message.into(),
            effect,
        }
    }

    #[test]
    fn a_read_without_gaps_is_complete() {
        let outcome = TenantSnapshot::default().read_outcome();
        assert!(outcome.complete);
        assert!(outcome.missing.is_empty() && outcome.problems.is_empty());
    }

    #[test]
    fn masked_values_leave_a_read_complete_whatever_the_wording() {
        let snapshot = TenantSnapshot {
            warnings: vec![warning("anything at all", WarningEffect::ValueMasked)],
            ..Default::default()
        };
        assert!(snapshot.read_outcome().complete);
    }

    #[test]
    fn missing_data_makes_a_read_partial_whatever_the_wording() {
        // Wording that once counted as harmless does not: the effect decides.
        let snapshot = TenantSnapshot {
            warnings: vec![
                warning(
                    "unresolved keyword marker ##X##",
                    WarningEffect::ValueMasked,
                ),
                warning(
                    ": unresolved keyword marker ##Y##",
                    WarningEffect::DataMissing,
                ),
            ],
            ..Default::default()
        };
        let outcome = snapshot.read_outcome();
        assert!(!outcome.complete);
        assert_eq!(
            outcome.problems,
            ["connections/x.json:11: : unresolved keyword marker ##Y##"]
        );
        assert!(outcome.missing.is_empty());
    }

    #[test]
    fn unread_kinds_are_listed_in_declaration_order() {
        let snapshot = TenantSnapshot {
            unread: [DataKind::LogStreams, DataKind::Clients].into(),
            ..Default::default()
        };
        let outcome = snapshot.read_outcome();
        assert!(!outcome.complete);
        assert_eq!(outcome.missing, [DataKind::Clients, DataKind::LogStreams]);
    }

    #[test]
    fn old_serialised_warnings_count_as_missing_data() {
        let w: LoadWarning =
            serde_json::from_str(r#"{"file": "f", "line": null, "message": "m"}"#).unwrap();
        assert_eq!(w.effect, WarningEffect::DataMissing);
    }
}
