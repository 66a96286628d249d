//! Pure status computation: conditions with `lastTransitionTime` kept unless the status flips, the
//! `Ready` summary, and a comparison that ignores timestamps so an idle reconcile writes nothing.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

use crate::crd::{Auth0IntegrationStatus, ConditionType};

/// One condition as the reconcile sees it, before timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionState {
    pub type_: ConditionType,
    pub status: bool,
    pub reason: String,
    pub message: String,
}

impl ConditionState {
    pub fn new(
        type_: ConditionType,
        status: bool,
        reason: &str,
        message: impl Into<String>,
    ) -> Self {
        ConditionState {
            type_,
            status,
            reason: reason.to_string(),
            message: truncate(message.into(), 1024),
        }
    }
}

/// Cuts `text` to at most `max` bytes on a char boundary.
pub fn truncate(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// `Ready` from the other three: true only when all are; otherwise the first failing one's reason.
pub fn ready_from(parts: &[ConditionState]) -> ConditionState {
    match parts.iter().find(|c| !c.status) {
        Some(failing) => ConditionState::new(
            ConditionType::Ready,
            false,
            &failing.reason,
            format!("{}: {}", failing.type_.as_str(), failing.message),
        ),
        None => ConditionState::new(
            ConditionType::Ready,
            true,
            "Reconciled",
            "credentials resolve, the last scan succeeded and every child is ready",
        ),
    }
}

/// Conditions for `states`, keeping `lastTransitionTime` from `previous` when the status is
/// unchanged.
pub fn merge_conditions(
    previous: &[Condition],
    states: &[ConditionState],
    generation: i64,
    now: Time,
) -> Vec<Condition> {
    states
        .iter()
        .map(|state| {
            let status = if state.status { "True" } else { "False" }.to_string();
            let last_transition_time = previous
                .iter()
                .find(|c| c.type_ == state.type_.as_str() && c.status == status)
                .map(|c| c.last_transition_time.clone())
                .unwrap_or_else(|| now.clone());
            Condition {
                type_: state.type_.as_str().to_string(),
                status,
                reason: state.reason.clone(),
                message: state.message.clone(),
                observed_generation: Some(generation),
                last_transition_time,
            }
        })
        .collect()
}

/// Condition types whose status flipped between `old` and `new` (for transition Events).
pub fn transitions<'a>(old: &[Condition], new: &'a [Condition]) -> Vec<&'a Condition> {
    new.iter()
        .filter(|n| {
            old.iter()
                .find(|o| o.type_ == n.type_)
                .is_none_or(|o| o.status != n.status || o.reason != n.reason)
        })
        .collect()
}

/// The fields the operator owns, equal ignoring condition timestamps.
pub fn same_ignoring_time(a: &Auth0IntegrationStatus, b: &Auth0IntegrationStatus) -> bool {
    let strip = |s: &Auth0IntegrationStatus| {
        let mut s = s.clone();
        for c in &mut s.conditions {
            c.last_transition_time = Time(jiff::Timestamp::UNIX_EPOCH);
        }
        s.findings = None;
        if let Some(last) = &mut s.last_scan {
            last.requests = None;
        }
        s
    };
    strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(second: i64) -> Time {
        Time(jiff::Timestamp::from_second(second).unwrap())
    }

    fn ok(t: ConditionType) -> ConditionState {
        ConditionState::new(t, true, "Ok", "fine")
    }

    #[test]
    fn transition_time_survives_unless_the_status_flips() {
        let first = merge_conditions(&[], &[ok(ConditionType::CredentialsReady)], 1, at(100));
        let same = merge_conditions(&first, &[ok(ConditionType::CredentialsReady)], 2, at(200));
        assert_eq!(same[0].last_transition_time, at(100));
        assert_eq!(same[0].observed_generation, Some(2));
        let failed = ConditionState::new(
            ConditionType::CredentialsReady,
            false,
            "VaultSealed",
            "sealed",
        );
        let flipped = merge_conditions(&same, &[failed], 2, at(300));
        assert_eq!(flipped[0].last_transition_time, at(300));
        assert_eq!(transitions(&same, &flipped).len(), 1);
        assert!(transitions(&same, &same).is_empty());
    }

    #[test]
    fn ready_names_the_first_failure() {
        let parts = [
            ok(ConditionType::CredentialsReady),
            ConditionState::new(
                ConditionType::ScanSucceeded,
                false,
                "ScanFailed",
                "job x failed",
            ),
        ];
        let ready = ready_from(&parts);
        assert!(!ready.status);
        assert_eq!(ready.reason, "ScanFailed");
        assert!(ready.message.starts_with("ScanSucceeded: "));
        assert!(ready_from(&[ok(ConditionType::ScanSucceeded)]).status);
    }

    #[test]
    fn only_timestamps_differing_counts_as_same() {
        let a = Auth0IntegrationStatus {
            observed_generation: Some(1),
            conditions: merge_conditions(&[], &[ok(ConditionType::Ready)], 1, at(1)),
            ..Default::default()
        };
        let mut b = a.clone();
        b.conditions[0].last_transition_time = at(999);
        assert!(same_ignoring_time(&a, &b));
        b.conditions[0].reason = "Other".into();
        assert!(!same_ignoring_time(&a, &b));
    }

    #[test]
    fn long_messages_are_cut_on_char_boundaries() {
        let text = "é".repeat(600);
        let cut = truncate(text, 1023);
        assert!(cut.len() <= 1023 && cut.chars().all(|c| c == 'é'));
    }
}
