//! Calls into well-known libraries that only read data: lodash / underscore `get` and
//! `result` (`_.get(event.user, 'app_metadata.role', 'user')`, `require('lodash/get')`,
//! `require('lodash.get')`). Read as the property path they name, so the value keeps the
//! exact key (`app_metadata.role`, not the whole user) instead of every source of the object.
//! Their functions that copy or merge objects (`pick`, `cloneDeep`, `merge`, ...) are known to
//! carry the data along, so a whole user object passed to them is a proven flow, not a lead
//! ([`super::opaque_calls`]).

use swc_ecma_ast::{Expr, ExprOrSpread, Lit};

use super::flow::{Analyzer, keep_path_join};
use super::guards::unwrap;
use super::value::{Path, Root, Val};

/// Modules whose `get` / `result` read a property path.
const LODASH: [&str; 4] = ["lodash", "underscore", "lodash-es", "lodash/fp"];
/// Modules that are the `get` function itself.
const LODASH_GET: [&str; 4] = ["lodash/get", "lodash.get", "lodash/result", "lodash.result"];

/// lodash / underscore functions whose result holds (part of) their arguments' data.
const COPIES: [&str; 14] = [
    "assign",
    "clone",
    "cloneDeep",
    "defaults",
    "defaultsDeep",
    "extend",
    "merge",
    "mergeWith",
    "omit",
    "pick",
    "pickBy",
    "toPairs",
    "values",
    "entries",
];

/// Is this callee a lodash / underscore function that copies its arguments' data
/// (`_.pick(event.user, ...)`, `require('lodash.clonedeep')`)?
pub fn copies_data(callee: &Path) -> bool {
    let Root::Module(m) = &callee.root else {
        return false;
    };
    let named = |f: &str| COPIES.iter().any(|c| c.eq_ignore_ascii_case(f));
    match callee.segs.as_slice() {
        [] => m
            .strip_prefix("lodash.")
            .or_else(|| m.strip_prefix("lodash/"))
            .is_some_and(named),
        [f] => LODASH.contains(&&**m) && named(f),
        _ => false,
    }
}

/// Is this callee a lodash-style `get(object, path, default)`?
pub fn is_path_getter(callee: &Path) -> bool {
    let Root::Module(m) = &callee.root else {
        return false;
    };
    match callee.segs.as_slice() {
        [] => LODASH_GET.contains(&&**m),
        [f] => LODASH.contains(&&**m) && matches!(&**f, "get" | "result"),
        _ => false,
    }
}

/// The keys of a literal property path: `'a.b[0].c'` or `['a', 'b', 0, 'c']`. `None` when
/// the path is not a literal.
fn path_keys(arg: &Expr, val: &Val) -> Option<Vec<String>> {
    if let Some(s) = val.const_str() {
        let keys: Vec<String> = s
            .split(['.', '[', ']'])
            .map(|k| k.trim_matches(['"', '\'']))
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect();
        return (!keys.is_empty()).then_some(keys);
    }
    let Expr::Array(a) = unwrap(arg) else {
        return None;
    };
    a.elems
        .iter()
        .map(|el| match el.as_ref().map(|e| unwrap(&e.expr)) {
            Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_string_lossy().into_owned()),
            Some(Expr::Lit(Lit::Num(n))) => Some(n.value.to_string()),
            _ => None,
        })
        .collect()
}

impl<'a> Analyzer<'a> {
    /// `get(object, path, default)` with a literal path: the member chain it names, joined
    /// with the default. `None` (an ordinary call) when the path is not a literal.
    pub fn path_getter_call(&mut self, args: &'a [ExprOrSpread], vals: &[Val]) -> Option<Val> {
        let (obj, path_arg, path_val) = (vals.first()?, args.get(1)?, vals.get(1)?);
        let keys = path_keys(&path_arg.expr, path_val)?;
        let mut v = obj.clone();
        for k in &keys {
            v = self.member(&v, k);
        }
        Some(match vals.get(2) {
            Some(default) => keep_path_join(v, default),
            None => v,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::code::effects::{EffectKind, Source};
    use crate::code::opaque_calls::carrier;
    use crate::code::tests_flow::{
        action, any_attacker_controlled, claim as access_claim, effect, md, run,
    };

    #[test]
    fn lodash_get_reads_the_path_it_names() {
        for (import, call) in [
            (
                "const _ = require('lodash');",
                "_.get(event.user, 'user_metadata.role', 'user')",
            ),
            (
                "const get = require('lodash/get');",
                "get(event, ['user', 'user_metadata', 'role'])",
            ),
            (
                "const { get } = require('lodash');",
                "get(event, 'user.user_metadata[\"role\"]')",
            ),
            (
                "const get = require('lodash.get');",
                "get(event.user.user_metadata, 'role')",
            ),
        ] {
            let r = run(&format!(
                "{import}\nexports.onExecutePostLogin = async (event, api) => {{\n  api.accessToken.setCustomClaim('https://a/r', {call});\n}};"
            ));
            let claim = access_claim(&r);
            assert_eq!(
                claim.value_sources.iter().collect::<Vec<_>>(),
                [&md("role")],
                "{call}"
            );
        }
    }

    #[test]
    fn lodash_get_on_app_metadata_is_not_user_data() {
        let r = run(
            "const _ = require('lodash');\nexports.onExecutePostLogin = async (event, api) => {\n  if (_.get(event.user, 'app_metadata.role') === 'admin') api.accessToken.addScope('admin');\n};",
        );
        let scope = effect(&r, |k| matches!(k, EffectKind::AddScope { .. }));
        assert!(scope.guard_sources.contains(&Source::AppMetadata {
            key: Some("role".into())
        }));
        assert!(!any_attacker_controlled(&scope.guard_sources), "{scope:#?}");
        assert!(r.findings.is_empty(), "{:?}", r.findings);
    }

    #[test]
    fn a_computed_path_or_another_library_stays_an_opaque_call() {
        // Not a literal path: the whole user flows, as for any call the analyzer cannot see.
        let r = run(
            "const _ = require('lodash');\nexports.onExecutePostLogin = async (event, api) => {\n  api.accessToken.setCustomClaim('https://a/r', _.get(event.user, event.request.query.f));\n};",
        );
        let claim = access_claim(&r);
        let carries_email = |set| carrier(set, |s| *s == Source::Email).is_some();
        assert!(carries_email(&claim.value_sources), "{claim:#?}");
        let r = action(
            "const get = require('some-get');\napi.accessToken.setCustomClaim('https://a/r', get(event.user, 'app_metadata.role'));",
        );
        let claim = access_claim(&r);
        assert!(carries_email(&claim.value_sources), "{claim:#?}");
    }
}
