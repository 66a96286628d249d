//! What every rule gets to read: the snapshot, the analysed code units and the attack graph.

use crate::code::CodeUnit;
use crate::graph::AttackGraph;
use crate::tenant::TenantSnapshot;

/// Input of every rule evaluation.
pub struct ScanContext<'a> {
    pub snapshot: &'a TenantSnapshot,
    /// Every piece of tenant code, analysed; `Edge::via.0` indexes this slice.
    pub code: &'a [CodeUnit],
    pub graph: &'a AttackGraph,
}

impl<'a> ScanContext<'a> {
    /// The code unit behind a graph edge's `via`.
    pub fn unit(&self, index: usize) -> Option<&'a CodeUnit> {
        self.code.get(index)
    }
}
