//! Shared, copy-on-write sets of [`Source`]s: the taint every abstract value carries. Values
//! are copied far more often than their taint changes, so a set is a reference-counted sorted
//! slice (none at all when empty), cloned by bumping a count. A set holds a handful of sources,
//! so one exact-size allocation replaces the root and the ~400-byte node a `BTreeSet` needs;
//! adding sources builds a new slice only when something is actually new.

use std::collections::BTreeSet;
use std::rc::Rc;

use super::effects::Source;
use super::source_list::SourceList;

/// A set of sources; cheap to clone, empty without allocating. Invariant: the slice is sorted,
/// has no duplicates and is never empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceSet(Option<Rc<[Source]>>);

impl SourceSet {
    pub fn new() -> Self {
        SourceSet(None)
    }

    /// A set from sources that are already sorted and unique.
    fn from_sorted(sorted: Vec<Source>) -> Self {
        if sorted.is_empty() {
            SourceSet(None)
        } else {
            SourceSet(Some(Rc::from(sorted)))
        }
    }

    fn as_slice(&self) -> &[Source] {
        self.0.as_deref().unwrap_or(&[])
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn contains(&self, s: &Source) -> bool {
        self.as_slice().binary_search(s).is_ok()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Source> {
        self.as_slice().iter()
    }

    /// Adds one source (builds a new slice only when `s` is missing).
    pub fn insert(&mut self, s: Source) {
        let mine = self.as_slice();
        let Err(at) = mine.binary_search(&s) else {
            return;
        };
        let mut out = Vec::with_capacity(mine.len() + 1);
        out.extend_from_slice(mine.get(..at).unwrap_or(&[]));
        out.push(s);
        out.extend_from_slice(mine.get(at..).unwrap_or(&[]));
        *self = SourceSet::from_sorted(out);
    }

    /// Adds every source of `other`; shares `other`'s slice when this set is empty or a subset
    /// of it, and copies nothing when `other` adds nothing new.
    pub fn union_with(&mut self, other: &SourceSet) {
        let Some(theirs) = &other.0 else { return };
        let Some(mine) = &self.0 else {
            self.0 = Some(Rc::clone(theirs));
            return;
        };
        if Rc::ptr_eq(mine, theirs) || is_subset(theirs, mine) {
            return;
        }
        if is_subset(mine, theirs) {
            self.0 = Some(Rc::clone(theirs));
            return;
        }
        let merged = merge(mine, theirs);
        *self = SourceSet::from_sorted(merged);
    }

    /// An owned copy for reports (already sorted and unique).
    pub fn to_list(&self) -> SourceList {
        SourceList::from_unsorted(self.as_slice().to_vec())
    }

    /// Adds every source of this set to `out` (cloning only the ones `out` lacks).
    pub fn add_to(&self, out: &mut SourceList) {
        out.add_all(self.iter());
    }
}

/// Every element of sorted `a` is in sorted `b`.
fn is_subset(a: &[Source], b: &[Source]) -> bool {
    if a.len() > b.len() {
        return false;
    }
    let mut rest = b;
    for s in a {
        match rest.binary_search(s) {
            Ok(i) => rest = rest.get(i + 1..).unwrap_or(&[]),
            Err(_) => return false,
        }
    }
    true
}

/// The sorted union of two sorted, duplicate-free slices.
fn merge(a: &[Source], b: &[Source]) -> Vec<Source> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.cmp(y) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => {
                    b.next();
                    a.next()
                }
            },
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        if let Some(s) = next {
            out.push(s.clone());
        }
    }
    out
}

impl From<BTreeSet<Source>> for SourceSet {
    fn from(set: BTreeSet<Source>) -> Self {
        SourceSet::from_sorted(set.into_iter().collect())
    }
}

impl<const N: usize> From<[Source; N]> for SourceSet {
    fn from(items: [Source; N]) -> Self {
        items.into_iter().collect()
    }
}

impl FromIterator<Source> for SourceSet {
    fn from_iter<I: IntoIterator<Item = Source>>(iter: I) -> Self {
        let mut all: Vec<Source> = iter.into_iter().collect();
        all.sort_unstable();
        all.dedup();
        SourceSet::from_sorted(all)
    }
}

impl<'s> IntoIterator for &'s SourceSet {
    type Item = &'s Source;
    type IntoIter = std::slice::Iter<'s, Source>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Extend<Source> for SourceSet {
    fn extend<I: IntoIterator<Item = Source>>(&mut self, iter: I) {
        for s in iter {
            self.insert(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Source {
        Source::UserMetadata {
            key: Some(k.into()),
        }
    }

    #[test]
    fn empty_sets_are_empty_and_equal() {
        let a = SourceSet::new();
        assert!(a.is_empty());
        assert_eq!(a.len(), 0);
        assert_eq!(a, SourceSet::from(BTreeSet::new()));
        assert!(!a.contains(&Source::Email));
    }

    #[test]
    fn insert_does_not_change_a_shared_copy() {
        let mut a = SourceSet::from([Source::Email]);
        let b = a.clone();
        a.insert(Source::Prompt);
        assert!(a.contains(&Source::Prompt));
        assert!(!b.contains(&Source::Prompt));
        assert_eq!(b.len(), 1);
    }

    #[test]
    fn union_adds_only_missing_sources() {
        let mut a = SourceSet::from([key("a")]);
        let b = SourceSet::from([key("a"), key("b")]);
        let c = SourceSet::from([key("c")]);
        a.union_with(&SourceSet::new());
        assert_eq!(a.len(), 1);
        a.union_with(&b);
        assert_eq!(a, b);
        a.union_with(&c);
        assert_eq!(a.len(), 3);
        assert_eq!(b.len(), 2, "the other set is never modified");
        let mut empty = SourceSet::new();
        empty.union_with(&c);
        assert_eq!(empty, c);
    }

    #[test]
    fn conversions_keep_the_sources() {
        let s: SourceSet = [Source::Email, Source::Roles].into_iter().collect();
        let owned = s.to_list();
        assert_eq!(owned.len(), 2);
        let mut out = SourceList::from([Source::Email]);
        s.add_to(&mut out);
        assert_eq!(out, owned);
        let mut e = SourceSet::new();
        e.extend([Source::Prompt, Source::Prompt]);
        assert_eq!(e.len(), 1);
    }

    /// Inserts and unions agree with a `BTreeSet` on seeded random operations, the result is
    /// always sorted and unique, and an empty result holds no slice.
    #[test]
    fn operations_match_a_btree_set() {
        let pool = [
            Source::Email,
            Source::Prompt,
            Source::Roles,
            key("a"),
            key("b"),
            Source::Secret { name: "X".into() },
            Source::Literal { value: "v".into() },
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..2000 {
            let mut sets: Vec<(SourceSet, BTreeSet<Source>)> = Vec::new();
            for _ in 0..3 {
                let picks: Vec<Source> = (0..next(5))
                    .filter_map(|_| pool.get(next(pool.len())).cloned())
                    .collect();
                let model: BTreeSet<Source> = picks.iter().cloned().collect();
                sets.push((picks.into_iter().collect(), model));
            }
            let (mut acc, mut model) = sets.first().cloned().unwrap_or_default();
            for (set, m) in sets.iter().skip(1) {
                acc.union_with(set);
                model.extend(m.iter().cloned());
                if let Some(extra) = pool.get(next(pool.len() * 2)) {
                    acc.insert(extra.clone());
                    model.insert(extra.clone());
                }
            }
            assert_eq!(
                acc.iter().cloned().collect::<Vec<_>>(),
                model.iter().cloned().collect::<Vec<_>>()
            );
            assert_eq!(acc.is_empty(), model.is_empty());
            assert_eq!(acc.len(), model.len());
            assert!(pool.iter().all(|s| acc.contains(s) == model.contains(s)));
        }
    }
}
