//! Shared, copy-on-write sets of [`Source`]s: the taint every abstract value carries. Values
//! are copied far more often than their taint changes, so a set is a reference-counted
//! `BTreeSet` (none at all when empty), cloned by bumping a count, and only copied when a value
//! gains a source it does not have yet.

use std::collections::BTreeSet;
use std::rc::Rc;

use super::effects::Source;
use super::source_list::SourceList;

/// A set of sources; cheap to clone, empty without allocating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceSet(Option<Rc<BTreeSet<Source>>>);

impl SourceSet {
    pub fn new() -> Self {
        SourceSet(None)
    }

    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|s| s.is_empty())
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |s| s.len())
    }

    pub fn contains(&self, s: &Source) -> bool {
        self.0.as_ref().is_some_and(|set| set.contains(s))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Source> {
        self.0.iter().flat_map(|s| s.iter())
    }

    /// Adds one source (copies the set only when it is shared and lacks `s`).
    pub fn insert(&mut self, s: Source) {
        if self.contains(&s) {
            return;
        }
        Rc::make_mut(self.0.get_or_insert_with(Default::default)).insert(s);
    }

    /// Adds every source of `other`; shares `other`'s set when this one is empty, and copies
    /// nothing when `other` adds nothing new.
    pub fn union_with(&mut self, other: &SourceSet) {
        let Some(theirs) = &other.0 else { return };
        match &self.0 {
            None => self.0 = Some(Rc::clone(theirs)),
            Some(mine) if Rc::ptr_eq(mine, theirs) => {}
            Some(mine) if mine.is_empty() => self.0 = Some(Rc::clone(theirs)),
            Some(mine) if theirs.iter().all(|s| mine.contains(s)) => {}
            Some(mine) if mine.iter().all(|s| theirs.contains(s)) => {
                self.0 = Some(Rc::clone(theirs));
            }
            Some(_) => {
                if let Some(mine) = &mut self.0 {
                    Rc::make_mut(mine).extend(theirs.iter().cloned());
                }
            }
        }
    }

    /// An owned copy for reports.
    pub fn to_list(&self) -> SourceList {
        // The set iterates in order, so the copy is sorted and unique as it is built.
        SourceList::from_unsorted(self.iter().cloned().collect())
    }

    /// Adds every source of this set to `out` (cloning only the ones `out` lacks).
    pub fn add_to(&self, out: &mut SourceList) {
        out.add_all(self.iter());
    }
}

impl From<BTreeSet<Source>> for SourceSet {
    fn from(set: BTreeSet<Source>) -> Self {
        if set.is_empty() {
            SourceSet(None)
        } else {
            SourceSet(Some(Rc::new(set)))
        }
    }
}

impl<const N: usize> From<[Source; N]> for SourceSet {
    fn from(items: [Source; N]) -> Self {
        SourceSet::from(BTreeSet::from(items))
    }
}

impl FromIterator<Source> for SourceSet {
    fn from_iter<I: IntoIterator<Item = Source>>(iter: I) -> Self {
        SourceSet::from(iter.into_iter().collect::<BTreeSet<_>>())
    }
}

impl<'s> IntoIterator for &'s SourceSet {
    type Item = &'s Source;
    type IntoIter = std::iter::Flatten<std::option::IntoIter<&'s BTreeSet<Source>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.as_deref().into_iter().flatten()
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
}
