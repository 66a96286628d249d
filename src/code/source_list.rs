//! [`SourceList`]: the sources of one reported effect, as a sorted vector without duplicates.
//! An effect usually has a handful of sources, so one exact-size allocation replaces the node
//! a `BTreeSet` allocates (about 400 bytes) for every set; it serializes as the same sorted
//! JSON array a set would.

use serde::{Deserialize, Deserializer, Serialize};

use super::effects::Source;

/// Sorted, duplicate-free sources.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SourceList(Vec<Source>);

impl SourceList {
    pub fn new() -> Self {
        SourceList(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Source> {
        self.0.iter()
    }

    pub fn contains(&self, s: &Source) -> bool {
        self.0.binary_search(s).is_ok()
    }

    /// Adds `s` unless it is there; true when it was added.
    pub fn insert(&mut self, s: Source) -> bool {
        match self.0.binary_search(&s) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, s);
                true
            }
        }
    }

    /// Adds a clone of each of `sources` that is not there yet.
    pub fn add_all<'s>(&mut self, sources: impl IntoIterator<Item = &'s Source>) {
        for s in sources {
            if let Err(at) = self.0.binary_search(s) {
                self.0.insert(at, s.clone());
            }
        }
    }

    /// A list from any sources (sorted and deduplicated here).
    pub fn from_unsorted(mut sources: Vec<Source>) -> Self {
        sources.sort_unstable();
        sources.dedup();
        SourceList(sources)
    }
}

impl<'de> Deserialize<'de> for SourceList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Source>::deserialize(d).map(SourceList::from_unsorted)
    }
}

impl<'s> IntoIterator for &'s SourceList {
    type Item = &'s Source;
    type IntoIter = std::slice::Iter<'s, Source>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<Source> for SourceList {
    fn from_iter<I: IntoIterator<Item = Source>>(iter: I) -> Self {
        SourceList::from_unsorted(iter.into_iter().collect())
    }
}

impl<const N: usize> From<[Source; N]> for SourceList {
    fn from(items: [Source; N]) -> Self {
        SourceList::from_unsorted(items.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn key(k: &str) -> Source {
        Source::UserMetadata {
            key: Some(k.into()),
        }
    }

    #[test]
    fn keeps_sources_sorted_and_unique() {
        let mut l = SourceList::from([key("b"), Source::Email, key("a"), Source::Email]);
        assert_eq!(l.len(), 3);
        assert!(!l.insert(key("a")));
        assert!(l.insert(Source::Prompt));
        l.add_all(&[key("c"), key("b")]);
        let as_set: BTreeSet<Source> = l.iter().cloned().collect();
        assert_eq!(
            l.iter().cloned().collect::<Vec<_>>(),
            as_set.into_iter().collect::<Vec<_>>()
        );
        assert!(l.contains(&key("c")) && !l.contains(&key("z")));
        assert!(SourceList::new().is_empty());
    }

    #[test]
    fn serializes_like_a_set_and_sorts_what_it_reads() {
        let l = SourceList::from([key("b"), Source::Email, key("a")]);
        let set: BTreeSet<Source> = l.iter().cloned().collect();
        let json = serde_json::to_string(&l).unwrap_or_default();
        assert_eq!(json, serde_json::to_string(&set).unwrap_or_default());
        let reversed: Vec<&Source> = l.iter().rev().collect();
        let back: SourceList =
            serde_json::from_str(&serde_json::to_string(&reversed).unwrap_or_default())
                .unwrap_or_default();
        assert_eq!(back, l);
    }
}
