//! The list of every registered rule, in report order of families.

use super::registry::Rule;
use super::{code_rules, config, paths};

/// Every rule authpath runs.
pub fn all_rules() -> Vec<&'static Rule> {
    let mut rules = paths::rules();
    rules.extend(code_rules::rules());
    rules.extend(config::rules());
    rules
}
