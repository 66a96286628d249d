//! Variables in scope: one stack of bindings and the start of each scope on it. Names are the
//! swc atoms of the identifiers, so comparing two names is comparing two words in the common
//! case, and looking a name up scans a few hundred bytes that stay in the L1 cache — cheaper
//! than hashing the name once per enclosing scope. Shadowing works because the innermost
//! binding is the last one on the stack.

use swc_atoms::Atom;

use super::value::Val;

/// The scopes of the file being analysed, innermost last. There is always one (the file's).
pub struct Scopes<'a> {
    /// [`tag`] of each name: the scan compares these words and looks at a name only when they
    /// match.
    tags: Vec<u32>,
    names: Vec<&'a Atom>,
    vals: Vec<Val>,
    /// Index into `names` / `vals` where each scope starts; `starts[0] == 0`.
    starts: Vec<usize>,
}

/// Scopes taken off the stack while a local function runs in the scope it was defined in.
pub struct Detached<'a> {
    tags: Vec<u32>,
    names: Vec<&'a Atom>,
    vals: Vec<Val>,
    starts: Vec<usize>,
}

impl Default for Scopes<'_> {
    fn default() -> Self {
        Scopes {
            tags: Vec::with_capacity(64),
            names: Vec::with_capacity(64),
            vals: Vec::with_capacity(64),
            starts: vec![0],
        }
    }
}

impl<'a> Scopes<'a> {
    /// Number of scopes.
    pub fn depth(&self) -> usize {
        self.starts.len()
    }

    /// Opens a scope.
    pub fn push(&mut self) {
        self.starts.push(self.names.len());
    }

    /// Closes the innermost scope (the file's scope stays).
    pub fn pop(&mut self) {
        if self.starts.len() > 1
            && let Some(start) = self.starts.pop()
        {
            self.tags.truncate(start);
            self.names.truncate(start);
            self.vals.truncate(start);
        }
    }

    fn position(&self, name: &Atom) -> Option<usize> {
        self.position_from(0, name)
    }

    /// The innermost binding of `name` at index `from` or above: a tight scan of the tags, the
    /// name compared only where a tag matches.
    fn position_from(&self, from: usize, name: &Atom) -> Option<usize> {
        let tag = tag(name);
        let tags = self.tags.get(from..)?;
        let names = self.names.get(from..)?;
        tags.iter()
            .zip(names)
            .rposition(|(t, n)| *t == tag && **n == *name)
            .map(|at| from + at)
    }

    /// The innermost binding of `name`.
    pub fn get(&self, name: &Atom) -> Option<&Val> {
        self.position(name).and_then(|i| self.vals.get(i))
    }

    /// The innermost binding of `name`, to change it in place.
    pub fn get_mut(&mut self, name: &Atom) -> Option<&mut Val> {
        self.position(name).and_then(|i| self.vals.get_mut(i))
    }

    /// Is `name` bound in any scope?
    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| &***n == name)
    }

    /// Binds `name` in the innermost scope (replacing a binding of it in that scope).
    pub fn declare(&mut self, name: &'a Atom, v: Val) {
        let start = self.starts.last().copied().unwrap_or(0);
        match self.position_from(start, name) {
            Some(i) => {
                if let Some(slot) = self.vals.get_mut(i) {
                    *slot = v;
                }
            }
            None => {
                self.tags.push(tag(name));
                self.names.push(name);
                self.vals.push(v);
            }
        }
    }

    /// Sets the innermost binding of `name` (joined with its old value when `conditional`);
    /// a name bound nowhere is bound in the file's scope, like a JavaScript global.
    pub fn assign(&mut self, name: &'a Atom, v: Val, conditional: bool) {
        match self.position(name).and_then(|i| self.vals.get_mut(i)) {
            Some(old) => {
                *old = if conditional {
                    std::mem::take(old).join(&v)
                } else {
                    v
                };
            }
            None => {
                let at = self.starts.get(1).copied().unwrap_or(self.names.len());
                self.tags.insert(at, tag(name));
                self.names.insert(at, name);
                self.vals.insert(at, v);
                for s in self.starts.iter_mut().skip(1) {
                    *s += 1;
                }
            }
        }
    }

    /// Takes every scope from number `keep` on off the stack (see [`Scopes::reattach`]).
    pub fn detach(&mut self, keep: usize) -> Detached<'a> {
        let at = self.starts.get(keep).copied().unwrap_or(self.names.len());
        Detached {
            tags: self.tags.split_off(at),
            names: self.names.split_off(at),
            vals: self.vals.split_off(at),
            starts: self.starts.split_off(keep.min(self.starts.len())),
        }
    }

    /// Drops the scopes opened since [`Scopes::detach`]`(keep)` and puts the detached ones back.
    pub fn reattach(&mut self, keep: usize, detached: Detached<'a>) {
        let at = self.starts.get(keep).copied().unwrap_or(self.names.len());
        self.starts.truncate(keep.max(1));
        self.tags.truncate(at);
        self.names.truncate(at);
        self.vals.truncate(at);
        self.tags.extend(detached.tags);
        self.names.extend(detached.names);
        self.vals.extend(detached.vals);
        self.starts.extend(detached.starts);
    }
}

/// Length, first and last byte of a name: equal names have equal tags.
fn tag(name: &str) -> u32 {
    let bytes = name.as_bytes();
    let edge = |b: Option<&u8>| u32::from(b.copied().unwrap_or(0));
    ((name.len() as u32) << 16) | (edge(bytes.first()) << 8) | edge(bytes.last())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Val {
        Val::string(s)
    }

    #[test]
    fn inner_bindings_shadow_and_go_away_with_their_scope() {
        let (x, y) = (Atom::from("x"), Atom::from("y_long_name_here"));
        let mut s = Scopes::default();
        s.declare(&x, lit("outer"));
        s.push();
        s.declare(&x, lit("inner"));
        s.declare(&y, lit("y"));
        assert_eq!(s.get(&x).and_then(Val::const_str), Some("inner"));
        s.declare(&x, lit("inner2"));
        assert_eq!(s.get(&x).and_then(Val::const_str), Some("inner2"));
        s.pop();
        assert_eq!(s.get(&x).and_then(Val::const_str), Some("outer"));
        assert!(s.get(&y).is_none());
        s.pop();
        assert_eq!(s.depth(), 1, "the file's scope stays");
        assert!(s.contains("x") && !s.contains("y_long_name_here"));
    }

    #[test]
    fn names_sharing_a_tag_are_told_apart() {
        // Same length, first and last byte: the same one-word tag.
        let (abc, axc) = (Atom::from("abc"), Atom::from("axc"));
        let mut s = Scopes::default();
        s.declare(&abc, lit("outer abc"));
        s.push();
        s.declare(&axc, lit("inner axc"));
        s.declare(&abc, lit("inner abc"));
        assert_eq!(s.get(&axc).and_then(Val::const_str), Some("inner axc"));
        assert_eq!(s.get(&abc).and_then(Val::const_str), Some("inner abc"));
        s.pop();
        assert_eq!(s.get(&abc).and_then(Val::const_str), Some("outer abc"));
        assert!(s.get(&axc).is_none());
    }

    #[test]
    fn assignment_updates_the_innermost_binding_or_binds_a_global() {
        let (x, g) = (Atom::from("x"), Atom::from("g"));
        let mut s = Scopes::default();
        s.declare(&x, lit("a"));
        s.push();
        s.assign(&x, lit("b"), false);
        s.assign(&g, lit("global"), false);
        s.pop();
        assert_eq!(s.get(&x).and_then(Val::const_str), Some("b"));
        assert_eq!(s.get(&g).and_then(Val::const_str), Some("global"));
        s.assign(&x, lit("c"), true);
        assert_eq!(
            s.get(&x).and_then(Val::const_str),
            None,
            "joined, not replaced"
        );
    }

    #[test]
    fn detached_scopes_come_back_unchanged() {
        let (a, b, p) = (Atom::from("a"), Atom::from("b"), Atom::from("p"));
        let mut s = Scopes::default();
        s.declare(&a, lit("file"));
        s.push();
        s.declare(&b, lit("caller"));
        let keep = 1;
        let detached = s.detach(keep);
        assert!(
            s.get(&b).is_none(),
            "the caller's locals are not visible in the callee"
        );
        s.push();
        s.declare(&p, lit("param"));
        s.push();
        s.reattach(keep, detached);
        assert!(s.get(&p).is_none());
        assert_eq!(s.get(&b).and_then(Val::const_str), Some("caller"));
        assert_eq!(s.depth(), 2);
    }
}
