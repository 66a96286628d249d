//! Variables in scope: one stack of bindings and the start of each scope on it. Names are the
//! swc atoms of the identifiers, so comparing two names is comparing two words in the common
//! case, and looking a name up scans a few hundred bytes that stay in the L1 cache — cheaper
//! than hashing the name once per enclosing scope. Shadowing works because the innermost
//! binding is the last one on the stack. Each binding also keeps the number of guard frames
//! that were open when it was made, so an assignment knows which conditions it happens under
//! that the binding does not (implicit flow: `if (md.admin) isAdmin = true;`).

use swc_atoms::Atom;

use super::value::Val;

/// The scopes of the file being analysed, innermost last. There is always one (the file's).
pub struct Scopes<'a> {
    /// [`tag`] of each name: the scan compares these words and looks at a name only when they
    /// match.
    tags: Vec<u32>,
    names: Vec<&'a Atom>,
    vals: Vec<Val>,
    /// Guard frames open when each binding was made.
    guard_depths: Vec<u32>,
    /// Index into `names` / `vals` where each scope starts; `starts[0] == 0`.
    starts: Vec<usize>,
}

/// Scopes taken off the stack while a local function runs in the scope it was defined in.
pub struct Detached<'a> {
    tags: Vec<u32>,
    names: Vec<&'a Atom>,
    vals: Vec<Val>,
    guard_depths: Vec<u32>,
    starts: Vec<usize>,
}

impl Default for Scopes<'_> {
    fn default() -> Self {
        Scopes {
            tags: Vec::with_capacity(64),
            names: Vec::with_capacity(64),
            vals: Vec::with_capacity(64),
            guard_depths: Vec::with_capacity(64),
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
            self.truncate(start);
        }
    }

    fn truncate(&mut self, len: usize) {
        self.tags.truncate(len);
        self.names.truncate(len);
        self.vals.truncate(len);
        self.guard_depths.truncate(len);
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

    /// The innermost binding of `name`, to change it in place, with the number of guard
    /// frames that were open when it was made.
    pub fn binding_mut(&mut self, name: &Atom) -> Option<(u32, &mut Val)> {
        let i = self.position(name)?;
        let depth = self.guard_depths.get(i).copied().unwrap_or(0);
        self.vals.get_mut(i).map(|v| (depth, v))
    }

    /// Is `name` bound in any scope?
    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| &***n == name)
    }

    /// Binds `name` in the innermost scope (replacing a binding of it in that scope), made
    /// under `guard_depth` open guard frames.
    pub fn declare(&mut self, name: &'a Atom, v: Val, guard_depth: u32) {
        let start = self.starts.last().copied().unwrap_or(0);
        match self.position_from(start, name) {
            Some(i) => {
                if let (Some(slot), Some(d)) = (self.vals.get_mut(i), self.guard_depths.get_mut(i))
                {
                    *slot = v;
                    *d = guard_depth;
                }
            }
            None => {
                self.tags.push(tag(name));
                self.names.push(name);
                self.vals.push(v);
                self.guard_depths.push(guard_depth);
            }
        }
    }

    /// Sets the innermost binding of `name`. `update` gets the number of guard frames open
    /// when the binding was made (0 for a name bound nowhere, which is then bound in the
    /// file's scope like a JavaScript global) and returns the new value and whether the
    /// assignment only may happen (then the value is joined with the old one).
    pub fn assign(&mut self, name: &'a Atom, update: impl FnOnce(u32) -> (Val, bool)) {
        match self.position(name) {
            Some(i) => {
                let depth = self.guard_depths.get(i).copied().unwrap_or(0);
                let (v, conditional) = update(depth);
                if let Some(old) = self.vals.get_mut(i) {
                    *old = if conditional {
                        std::mem::take(old).join(&v)
                    } else {
                        v
                    };
                }
            }
            None => {
                let (v, _) = update(0);
                let at = self.starts.get(1).copied().unwrap_or(self.names.len());
                self.tags.insert(at, tag(name));
                self.names.insert(at, name);
                self.vals.insert(at, v);
                self.guard_depths.insert(at, 0);
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
            guard_depths: self.guard_depths.split_off(at),
            starts: self.starts.split_off(keep.min(self.starts.len())),
        }
    }

    /// Drops the scopes opened since [`Scopes::detach`]`(keep)` and puts the detached ones back.
    pub fn reattach(&mut self, keep: usize, detached: Detached<'a>) {
        let at = self.starts.get(keep).copied().unwrap_or(self.names.len());
        self.starts.truncate(keep.max(1));
        self.truncate(at);
        self.tags.extend(detached.tags);
        self.names.extend(detached.names);
        self.vals.extend(detached.vals);
        self.guard_depths.extend(detached.guard_depths);
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
        s.declare(&x, lit("outer"), 0);
        s.push();
        s.declare(&x, lit("inner"), 0);
        s.declare(&y, lit("y"), 0);
        assert_eq!(s.get(&x).and_then(Val::const_str), Some("inner"));
        s.declare(&x, lit("inner2"), 0);
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
        s.declare(&abc, lit("outer abc"), 0);
        s.push();
        s.declare(&axc, lit("inner axc"), 0);
        s.declare(&abc, lit("inner abc"), 0);
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
        s.declare(&x, lit("a"), 0);
        s.push();
        s.assign(&x, |_| (lit("b"), false));
        s.assign(&g, |depth| {
            assert_eq!(depth, 0, "a global is bound under no guard");
            (lit("global"), false)
        });
        s.pop();
        assert_eq!(s.get(&x).and_then(Val::const_str), Some("b"));
        assert_eq!(s.get(&g).and_then(Val::const_str), Some("global"));
        s.assign(&x, |_| (lit("c"), true));
        assert_eq!(
            s.get(&x).and_then(Val::const_str),
            None,
            "joined, not replaced"
        );
    }

    #[test]
    fn bindings_keep_the_guard_depth_they_were_made_under() {
        let (x, y) = (Atom::from("x"), Atom::from("y"));
        let mut s = Scopes::default();
        s.declare(&x, lit("a"), 2);
        s.push();
        s.declare(&y, lit("b"), 5);
        let detached = s.detach(1);
        s.push();
        assert_eq!(s.binding_mut(&x).map(|(d, _)| d), Some(2));
        s.reattach(1, detached);
        assert_eq!(s.binding_mut(&y).map(|(d, _)| d), Some(5));
        let mut seen = None;
        s.assign(&x, |depth| {
            seen = Some(depth);
            (lit("c"), false)
        });
        assert_eq!(seen, Some(2));
        s.declare(&y, lit("d"), 1);
        assert_eq!(s.binding_mut(&y).map(|(d, _)| d), Some(1), "redeclared");
        s.pop();
        assert!(s.binding_mut(&y).is_none());
    }

    #[test]
    fn detached_scopes_come_back_unchanged() {
        let (a, b, p) = (Atom::from("a"), Atom::from("b"), Atom::from("p"));
        let mut s = Scopes::default();
        s.declare(&a, lit("file"), 0);
        s.push();
        s.declare(&b, lit("caller"), 0);
        let keep = 1;
        let detached = s.detach(keep);
        assert!(
            s.get(&b).is_none(),
            "the caller's locals are not visible in the callee"
        );
        s.push();
        s.declare(&p, lit("param"), 0);
        s.push();
        s.reattach(keep, detached);
        assert!(s.get(&p).is_none());
        assert_eq!(s.get(&b).and_then(Val::const_str), Some("caller"));
        assert_eq!(s.depth(), 2);
    }
}
