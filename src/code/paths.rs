//! Interning of access paths: every `root.a.b` the walk builds is created and classified once,
//! then shared (`Rc<Path>`) with its [`SourceSet`]. Children are found by their parent's
//! identity and the property name, so `event.user.app_metadata` read in a loop or in a helper
//! inlined many times costs one hash lookup instead of new strings, vectors and a fresh
//! classification.
//!
//! A table holds the paths of one code kind (classification depends on it) and is reused by
//! the next file of that kind analysed on the same thread ([`PathTable::take`] /
//! [`PathTable::give_back`]), so the idioms every Action shares are interned once per scan.
//! Tables are dropped when they grow past [`MAX_PATHS`], and [`clear_thread_tables`] drops
//! them on request.

use std::cell::{Cell, RefCell};
use std::hash::BuildHasher;
use std::rc::Rc;

use super::FastMap;
use super::classify::classify;
use super::effects::CodeKind;
use super::sources::SourceSet;
use super::value::{Path, Root};

/// A shared path and the sources it stands for.
pub type Interned = (Rc<Path>, SourceSet);

/// An interned path as the table keeps it: with the number of the last file that used it.
type Stored = (Interned, Cell<u64>);

/// An interned `parent.key`. The entry keeps its parent alive, so the parent's address stays
/// unique while it is part of a key.
struct Child {
    parent: Rc<Path>,
    key: Rc<str>,
    stored: Stored,
}

impl Child {
    fn is(&self, parent: usize, key: &str) -> bool {
        Rc::as_ptr(&self.parent) as usize == parent && &*self.key == key
    }
}

/// Largest number of interned paths a table keeps between files.
pub const MAX_PATHS: usize = 200_000;

/// The paths of one code kind.
#[derive(Default)]
pub struct PathTable {
    roots: FastMap<Root, Stored>,
    globals: FastMap<Rc<str>, Stored>,
    /// Every `parent.key` in one flat table (one probe per property access), hashed by
    /// `(parent address, key)` with `hasher`.
    children: hashbrown::HashTable<Child>,
    hasher: foldhash::fast::RandomState,
    len: usize,
    /// Number of the file being analysed with this table.
    file: u64,
}

/// An existing entry, and whether this is its first use in the current file.
fn reuse((entry, last_file): &Stored, file: u64) -> (Interned, bool) {
    let first = last_file.replace(file) != file;
    (entry.clone(), first)
}

thread_local! {
    /// Tables kept between files on this thread, one per code kind.
    static TABLES: RefCell<Vec<(CodeKind, PathTable)>> = const { RefCell::new(Vec::new()) };
}

/// Drops the tables kept on this thread (the next file of each kind starts empty).
pub fn clear_thread_tables() {
    TABLES.with(|t| t.borrow_mut().clear());
}

impl PathTable {
    /// This thread's table for `kind` (empty when there is none).
    pub fn take(kind: CodeKind) -> PathTable {
        TABLES.with(|t| {
            let mut tables = t.borrow_mut();
            let at = tables.iter().position(|(k, _)| *k == kind);
            let mut table: PathTable = at.map(|i| tables.swap_remove(i).1).unwrap_or_default();
            table.file = table.file.wrapping_add(1);
            table
        })
    }

    /// Keeps the table for the next file of `kind` on this thread, unless it grew too large.
    pub fn give_back(self, kind: CodeKind) {
        if self.len > MAX_PATHS {
            return;
        }
        TABLES.with(|t| t.borrow_mut().push((kind, self)));
    }

    /// The path of a root; `true` on its first use in the current file.
    pub fn root(&mut self, root: Root, kind: CodeKind) -> (Interned, bool) {
        if let Some(found) = self.roots.get(&root) {
            return reuse(found, self.file);
        }
        let path = Path::root(root.clone());
        let sources = SourceSet::from(classify(&path, kind));
        let entry = (Rc::new(path), sources);
        self.roots
            .insert(root, (entry.clone(), Cell::new(self.file)));
        self.len += 1;
        (entry, true)
    }

    /// The path of a global name (`Root::Global`), found without building the root first.
    pub fn global(&mut self, name: &str, kind: CodeKind) -> (Interned, bool) {
        if let Some(found) = self.globals.get(name) {
            return reuse(found, self.file);
        }
        let (entry, fresh) = self.root(Root::Global(Rc::from(name)), kind);
        let stored = (entry.clone(), Cell::new(self.file));
        self.globals.insert(Rc::from(name), stored);
        (entry, fresh)
    }

    /// The path `parent.key`; `true` on its first use in the current file.
    pub fn child(&mut self, parent: &Rc<Path>, key: &str, kind: CodeKind) -> (Interned, bool) {
        let id = Rc::as_ptr(parent) as usize;
        let hash = self.hasher.hash_one((id, key));
        if let Some(found) = self.children.find(hash, |c| c.is(id, key)) {
            return reuse(&found.stored, self.file);
        }
        let seg: Rc<str> = Rc::from(key);
        let path = parent.child_rc(Rc::clone(&seg));
        let sources = SourceSet::from(classify(&path, kind));
        let entry = (Rc::new(path), sources);
        let hasher = &self.hasher;
        self.children.insert_unique(
            hash,
            Child {
                parent: Rc::clone(parent),
                key: seg,
                stored: (entry.clone(), Cell::new(self.file)),
            },
            |c| hasher.hash_one((Rc::as_ptr(&c.parent) as usize, &*c.key)),
        );
        self.len += 1;
        (entry, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::effects::Source;

    #[test]
    fn the_same_path_is_shared_and_classified_once() {
        let mut table = PathTable::default();
        let ((event, _), fresh) = table.root(Root::Event, CodeKind::Action);
        assert!(fresh);
        let ((again, _), fresh) = table.root(Root::Event, CodeKind::Action);
        assert!(!fresh);
        assert!(Rc::ptr_eq(&event, &again));
        let ((user, _), _) = table.child(&event, "user", CodeKind::Action);
        let ((md, sources), fresh) = table.child(&user, "user_metadata", CodeKind::Action);
        assert!(fresh);
        assert!(sources.contains(&Source::UserMetadata { key: None }));
        let ((md2, _), fresh) = table.child(&user, "user_metadata", CodeKind::Action);
        assert!(!fresh);
        assert!(Rc::ptr_eq(&md, &md2));
        assert_eq!(md.dotted(), "user.user_metadata");
    }

    #[test]
    fn a_table_reused_for_the_next_file_reports_each_path_once_per_file() {
        clear_thread_tables();
        let mut table = PathTable::take(CodeKind::Action);
        let ((event, _), fresh) = table.root(Root::Event, CodeKind::Action);
        assert!(fresh);
        let (_, fresh) = table.child(&event, "secrets", CodeKind::Action);
        assert!(fresh);
        table.give_back(CodeKind::Action);
        let mut next = PathTable::take(CodeKind::Action);
        let ((again, _), fresh) = next.root(Root::Event, CodeKind::Action);
        assert!(fresh, "first use in the new file");
        assert!(Rc::ptr_eq(&event, &again), "shared across files");
        let (_, fresh) = next.child(&again, "secrets", CodeKind::Action);
        assert!(fresh);
        let (_, fresh) = next.child(&again, "secrets", CodeKind::Action);
        assert!(!fresh);
        next.give_back(CodeKind::Action);
        assert!(
            PathTable::take(CodeKind::Rule).len == 0,
            "kinds keep separate tables"
        );
        clear_thread_tables();
    }

    #[test]
    fn different_keys_and_parents_give_different_paths() {
        let mut table = PathTable::default();
        let ((event, _), _) = table.root(Root::Event, CodeKind::Action);
        let ((user, _), _) = table.root(Root::User, CodeKind::Rule);
        let ((a, a_src), _) = table.child(&event, "secrets", CodeKind::Action);
        let ((b, b_src), _) = table.child(&user, "secrets", CodeKind::Action);
        assert_ne!(a, b);
        assert!(a_src.contains(&Source::Secret { name: "*".into() }));
        assert!(b_src.is_empty());
        let ((fetch, _), fresh) = table.global("fetch", CodeKind::Action);
        assert!(fresh);
        let ((same, _), fresh) = table.root(Root::Global("fetch".into()), CodeKind::Action);
        assert!(!fresh);
        assert!(Rc::ptr_eq(&fetch, &same));
    }
}
