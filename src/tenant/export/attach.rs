//! Attaches code and HTML files to the objects that reference them (Actions, Rules, Hooks,
//! database scripts, custom `oauth2` profile scripts, custom login pages, email bodies). The
//! base directories differ per format and resource; the callers pass them.

use std::path::PathBuf;

use serde_json::Value;

use super::reader::ExportReader;
use crate::tenant::model::lenient::Extra;
use crate::tenant::model::{Action, Client, Connection, EmailTemplate, Hook, Rule, SourceText};

/// Objects that came from a file and keep its export-relative name.
pub(crate) trait FromFile {
    fn set_file(&mut self, file: &str);
}

macro_rules! from_file {
    ($($t:ty),*) => {$(
        impl FromFile for $t {
            fn set_file(&mut self, file: &str) {
                self.file = file.to_string();
            }
        }
    )*};
}

from_file!(
    Action,
    Client,
    Connection,
    EmailTemplate,
    Hook,
    Rule,
    crate::tenant::model::ClientGrant,
    crate::tenant::model::ResourceServer,
    crate::tenant::model::Role,
    crate::tenant::model::Organization,
    crate::tenant::model::LogStream,
    crate::tenant::model::CustomDomain,
    crate::tenant::model::EmailProvider,
    crate::tenant::model::Prompts,
    crate::tenant::model::TenantSettings
);

/// Removes `key` from `extra`, returning it when it is a non-empty string.
fn take_ref(extra: &mut Extra, key: &str) -> Option<String> {
    match extra.remove(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
        _ => None,
    }
}

fn load(
    reader: &mut ExportReader,
    owner: &str,
    extra: &mut Extra,
    key: &str,
    bases: &[PathBuf],
) -> Option<SourceText> {
    let reference = take_ref(extra, key)?;
    reader.load_code(owner, &reference, bases)
}

pub(crate) fn action_code(reader: &mut ExportReader, a: &mut Action, bases: &[PathBuf]) {
    let owner = a.file.clone();
    a.code = load(reader, &owner, &mut a.extra, "code", bases);
}

pub(crate) fn rule_script(reader: &mut ExportReader, r: &mut Rule, bases: &[PathBuf]) {
    let owner = r.file.clone();
    r.script = load(reader, &owner, &mut r.extra, "script", bases);
}

pub(crate) fn hook_script(reader: &mut ExportReader, h: &mut Hook, bases: &[PathBuf]) {
    let owner = h.file.clone();
    h.script = load(reader, &owner, &mut h.extra, "script", bases);
}

pub(crate) fn client_login_page(reader: &mut ExportReader, c: &mut Client, bases: &[PathBuf]) {
    let owner = c.file.clone();
    c.custom_login_page = load(reader, &owner, &mut c.extra, "custom_login_page", bases);
}

pub(crate) fn email_body(reader: &mut ExportReader, t: &mut EmailTemplate, bases: &[PathBuf]) {
    let owner = t.file.clone();
    t.body = load(reader, &owner, &mut t.extra, "body", bases);
}

/// Database `customScripts` (in `options`, or top level as older `database.json` files have
/// them) and `options.scripts.fetchUserProfile`. The raw options get the source text in place
/// of the file names, as the Management API would return them.
pub(crate) fn connection_scripts(reader: &mut ExportReader, c: &mut Connection, bases: &[PathBuf]) {
    let owner = c.file.clone();
    if !c.options.raw.is_object() {
        c.options.raw = Value::Object(Extra::new());
    }
    if let Some(Value::Object(top)) = c.extra.remove("customScripts")
        && let Some(raw) = c.options.raw.as_object_mut()
    {
        let entry = raw
            .entry("customScripts")
            .or_insert_with(|| Value::Object(Extra::new()));
        if let Some(scripts) = entry.as_object_mut() {
            for (k, v) in top {
                scripts.entry(k).or_insert(v);
            }
        }
    }
    if let Some(Value::Object(scripts)) = c.options.raw.get_mut("customScripts") {
        for (name, value) in scripts.iter_mut() {
            let Value::String(reference) = value else {
                continue;
            };
            if let Some(source) = reader.load_code(&owner, reference, bases) {
                *value = Value::String(source.text.clone());
                c.custom_scripts.insert(name.clone(), source);
            }
        }
    }
    if let Some(value) = c.options.raw.pointer_mut("/scripts/fetchUserProfile")
        && let Value::String(reference) = value
        && let Some(source) = reader.load_code(&owner, reference, bases)
    {
        *value = Value::String(source.text.clone());
        c.fetch_user_profile = Some(source);
    }
}
