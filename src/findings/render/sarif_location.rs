//! Where SARIF results point: export-relative file paths turned into URI references, the Deploy
//! CLI directory file of a tenant object (for findings without file evidence), and which
//! evidence belongs to which attack-path step.

use crate::findings::model::{Evidence, ObjectKind, PathStep};

/// Fallback file for findings whose objects have no file of their own (the tenant settings).
pub const TENANT_FILE: &str = "tenant.json";

/// The URI reference of an export-relative `file`, under `source_root` when given. Path
/// separators are normalised to `/`, a leading `./` is dropped, and every byte outside the
/// characters RFC 3986 allows in a path segment is percent-encoded (spaces, `#`, `?`, `:`,
/// non-ASCII), so names like `actions/My Action/code.js` stay valid URIs.
pub fn artifact_uri(file: &str, source_root: Option<&str>) -> String {
    let file = file.replace('\\', "/");
    let file = file.trim_start_matches("./");
    let joined = match source_root.map(|r| r.replace('\\', "/")) {
        Some(root) if !root.trim_matches('/').is_empty() && root != "." => {
            let root = root
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_string();
            format!("{root}/{file}")
        }
        _ => file.to_string(),
    };
    percent_encode_path(&joined)
}

fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The name a Deploy CLI directory export gives a resource file: `sanitize-filename` with `-`
/// as the replacement (reserved characters, control characters, trailing dots and spaces).
pub fn sanitize_file_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/?<>\\:*|\"".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect();
    if replaced == "." || replaced == ".." {
        return "-".repeat(replaced.len());
    }
    let kept = replaced.trim_end_matches(['.', ' ']);
    let trailing = replaced.chars().count() - kept.chars().count();
    format!("{kept}{}", "-".repeat(trailing))
}

/// The file of an object in a Deploy CLI directory export, for kinds whose file name follows
/// from the display name alone. Connections (database or not), grants, scopes, claims and user
/// attributes have no unambiguous file.
pub fn object_file(kind: ObjectKind, name: &str) -> Option<String> {
    let file = sanitize_file_name(name);
    match kind {
        ObjectKind::Tenant => Some(TENANT_FILE.to_string()),
        ObjectKind::Client => Some(format!("clients/{file}.json")),
        ObjectKind::ResourceServer => Some(format!("resource-servers/{file}.json")),
        ObjectKind::Action => Some(format!("actions/{file}/code.js")),
        ObjectKind::Rule => Some(format!("rules/{file}.js")),
        ObjectKind::Hook => Some(format!("hooks/{file}.js")),
        ObjectKind::Role => Some(format!("roles/{file}.json")),
        ObjectKind::Organization => Some(format!("organizations/{file}.json")),
        ObjectKind::LogStream => Some(format!("log-streams/{file}.json")),
        ObjectKind::CustomDomain => Some("custom-domains/custom-domains.json".to_string()),
        ObjectKind::Connection
        | ObjectKind::ClientGrant
        | ObjectKind::Scope
        | ObjectKind::Claim
        | ObjectKind::UserAttribute
        | ObjectKind::ManagementApi => None,
    }
}

/// The evidence that documents a path step: the first whose export-relative file is the
/// step's own resource file, `<dir>/<name>.<ext>` (`connections/Users.json`, `rules/R.js`) or
/// `<dir>/<name>/<file>` (`actions/Sync/code.js`, `database-connections/Users/database.json`),
/// with the name sanitised as the Deploy CLI does.
pub fn evidence_for_step<'a>(step: &PathStep, evidence: &'a [Evidence]) -> Option<&'a Evidence> {
    let wanted = sanitize_file_name(&step.name);
    if wanted.is_empty() {
        return None;
    }
    evidence.iter().find(|e| {
        let path = e.file.replace('\\', "/");
        let segments: Vec<&str> = path.trim_start_matches("./").split('/').collect();
        match segments.as_slice() {
            [_, file] => file
                .rsplit_once('.')
                .is_some_and(|(stem, _)| stem == wanted),
            [_, dir, _, ..] => *dir == wanted,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_and_joined_under_the_source_root() {
        assert_eq!(
            artifact_uri("actions/My Action/code.js", None),
            "actions/My%20Action/code.js"
        );
        assert_eq!(
            artifact_uri("./clients/a#b?.json", Some("tenants/prod/")),
            "tenants/prod/clients/a%23b%3F.json"
        );
        assert_eq!(artifact_uri("rules/é.js", Some(".")), "rules/%C3%A9.js");
        assert_eq!(artifact_uri("tenant.json", Some("")), "tenant.json");
        assert_eq!(artifact_uri("c:\\x\\y.js", None), "c%3A/x/y.js");
    }

    #[test]
    fn file_names_are_sanitised_like_the_deploy_cli() {
        assert_eq!(sanitize_file_name("My App"), "My App");
        assert_eq!(sanitize_file_name("a/b:c*d"), "a-b-c-d");
        assert_eq!(sanitize_file_name("trailing. "), "trailing--");
        assert_eq!(sanitize_file_name(".."), "--");
    }

    #[test]
    fn object_files_follow_the_directory_layout() {
        assert_eq!(
            object_file(ObjectKind::Client, "Storefront SPA").as_deref(),
            Some("clients/Storefront SPA.json")
        );
        assert_eq!(
            object_file(ObjectKind::Action, "a/b").as_deref(),
            Some("actions/a-b/code.js")
        );
        assert_eq!(
            object_file(ObjectKind::Connection, "Username-Password-Authentication"),
            None
        );
        assert_eq!(object_file(ObjectKind::Scope, "admin"), None);
    }

    #[test]
    fn step_evidence_matches_by_directory_or_stem_only() {
        let ev = |file: &str| Evidence {
            file: file.into(),
            line: None,
            text: String::new(),
        };
        let evidence = vec![ev("actions/Sync/code.js"), ev("connections/Users.json")];
        let step = |name: &str| PathStep {
            kind: ObjectKind::Action,
            name: name.into(),
            edge: String::new(),
        };
        assert_eq!(
            evidence_for_step(&step("Sync"), &evidence).map(|e| e.file.as_str()),
            Some("actions/Sync/code.js")
        );
        assert_eq!(
            evidence_for_step(&step("Users"), &evidence).map(|e| e.file.as_str()),
            Some("connections/Users.json")
        );
        // Look-alikes must not match: a prefix, the fixed file name, the kind directory.
        assert_eq!(evidence_for_step(&step("Syn"), &evidence), None);
        assert_eq!(evidence_for_step(&step("code"), &evidence), None);
        assert_eq!(evidence_for_step(&step("actions"), &evidence), None);
        assert_eq!(evidence_for_step(&step("User"), &evidence), None);
        assert_eq!(evidence_for_step(&step(""), &evidence), None);
    }
}
