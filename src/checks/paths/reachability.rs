//! Severity by reachability: a path through code that does not run is latent, reported low.

use crate::checks::context::ScanContext;
use crate::code::Reachability;
use crate::findings::Severity;

/// Why the first latent unit among `units` does not run, or `None` when all are active.
pub fn latent_reason(ctx: &ScanContext, units: &[usize]) -> Option<String> {
    units
        .iter()
        .filter_map(|&u| ctx.unit(u))
        .find_map(|u| match &u.reachability {
            Reachability::Active => None,
            Reachability::Latent { reason } => Some(format!("{} is {reason}", u.label())),
        })
}

/// Latent findings are reported as low, never as an active critical path.
pub fn lower_if_latent(severity: Severity, latent: bool) -> Severity {
    if latent {
        severity.min(Severity::Low)
    } else {
        severity
    }
}
