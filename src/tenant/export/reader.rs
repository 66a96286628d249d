//! File access for the export readers: export-relative names, UTF-8 checks, keyword markers,
//! typed parsing and code-file resolution confined to the export root.

use std::path::{Component, Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::parse::{Seg, Syntax, parse_value, typed};
use crate::tenant::error::{Result, TenantError};
use crate::tenant::keywords::{KeywordMap, TextKind};
use crate::tenant::model::{LoadWarning, SourceText, WarningEffect};

/// Extensions that mark a code reference as a file path rather than inline source.
const CODE_EXTENSIONS: [&str; 6] = [".js", ".html", ".htm", ".liquid", ".txt", ".mjs"];

/// Reads files of one export.
pub(crate) struct ExportReader<'k> {
    root: PathBuf,
    root_canonical: Option<PathBuf>,
    keywords: &'k KeywordMap,
    pub(crate) warnings: Vec<LoadWarning>,
}

impl<'k> ExportReader<'k> {
    pub(crate) fn new(root: &Path, keywords: &'k KeywordMap) -> Self {
        Self {
            root: root.to_path_buf(),
            root_canonical: root.canonicalize().ok(),
            keywords,
            warnings: Vec::new(),
        }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Export-relative, `/`-separated name of `path`.
    pub(crate) fn rel(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                Component::ParentDir => Some("..".to_string()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    pub(crate) fn warn(&mut self, file: &str, message: String) {
        self.warnings.push(LoadWarning {
            file: file.to_string(),
            line: None,
            message,
            effect: WarningEffect::DataMissing,
        });
    }

    /// Reads `path` as UTF-8 text and applies keyword markers.
    pub(crate) fn read_text(&mut self, path: &Path, kind: TextKind) -> Result<String> {
        let file = self.rel(path);
        let bytes = std::fs::read(path).map_err(|source| TenantError::Io {
            file: file.clone(),
            source,
        })?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let line = e
                    .as_bytes()
                    .get(..valid)
                    .map_or(0, |b| b.iter().filter(|c| **c == b'\n').count());
                return Err(TenantError::Parse {
                    file,
                    line: u32::try_from(line + 1).ok(),
                    column: None,
                    message: "not UTF-8 text (binary data?)".to_string(),
                });
            }
        };
        let text = text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text);
        let replaced = self.keywords.apply(&text, kind, &file);
        self.warnings.extend(replaced.warnings);
        Ok(replaced.text)
    }

    /// Reads a data file and returns its text and JSON value.
    pub(crate) fn read_value(&mut self, path: &Path, syntax: Syntax) -> Result<(String, Value)> {
        let kind = if syntax == Syntax::Json {
            TextKind::Json
        } else {
            TextKind::Yaml
        };
        let text = self.read_text(path, kind)?;
        let value = parse_value(&text, syntax, &self.rel(path))?;
        Ok((text, value))
    }

    /// Reads a JSON file into `T`.
    pub(crate) fn read_json<T: DeserializeOwned>(&mut self, path: &Path) -> Result<T> {
        let (text, value) = self.read_value(path, Syntax::Json)?;
        typed(&value, &text, Syntax::Json, &self.rel(path), &[] as &[Seg])
    }

    /// Resolves a code reference made by `owner` (export-relative file). Inline source is kept
    /// as is; a path is tried against each base directory (and, when absolute, by its last
    /// components), never outside the export root. A missing file is a warning.
    pub(crate) fn load_code(
        &mut self,
        owner: &str,
        reference: &str,
        bases: &[PathBuf],
    ) -> Option<SourceText> {
        let looks_like_path = !reference.contains('\n')
            && CODE_EXTENSIONS
                .iter()
                .any(|ext| reference.trim().to_ascii_lowercase().ends_with(ext));
        if !looks_like_path {
            return Some(SourceText {
                path: owner.to_string(),
                text: reference.to_string(),
            });
        }
        let reference = reference.trim().replace('\\', "/");
        let ref_path = Path::new(&reference);
        let mut relatives: Vec<PathBuf> = Vec::new();
        if ref_path.is_absolute() {
            let parts: Vec<_> = ref_path
                .components()
                .filter(|c| matches!(c, Component::Normal(_)))
                .collect();
            for take in (1..=parts.len().min(3)).rev() {
                let tail: PathBuf = parts.iter().skip(parts.len() - take).collect();
                relatives.push(tail);
            }
        } else {
            relatives.push(ref_path.to_path_buf());
        }
        for base in bases {
            for rel in &relatives {
                let candidate = base.join(rel);
                if candidate.is_file() && self.inside_root(&candidate) {
                    return match self.read_text(&candidate, TextKind::Code) {
                        Ok(text) => Some(SourceText {
                            path: self.rel(&candidate),
                            text,
                        }),
                        Err(e) => {
                            self.warn(owner, format!("cannot load code file {reference}: {e}"));
                            None
                        }
                    };
                }
            }
        }
        self.warn(
            owner,
            format!("code file {reference} not found (referenced by {owner})"),
        );
        None
    }

    fn inside_root(&self, path: &Path) -> bool {
        match (&self.root_canonical, path.canonicalize()) {
            (Some(root), Ok(p)) => p.starts_with(root),
            _ => false,
        }
    }

    /// `*.json` files of `dir`, sorted by name; an absent directory gives none.
    pub(crate) fn json_files(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(TenantError::Io {
                    file: self.rel(dir),
                    source,
                });
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            })
            .collect();
        files.sort();
        Ok(files)
    }

    /// Sub-directories of `dir`, sorted by name.
    pub(crate) fn sub_dirs(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(TenantError::Io {
                    file: self.rel(dir),
                    source,
                });
            }
        };
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        Ok(dirs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_confined_to_the_export_root() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("export");
        std::fs::create_dir_all(root.join("rules")).unwrap();
        std::fs::write(outer.path().join("secret.js"), "leak").unwrap();
        std::fs::write(root.join("rules/r.js"), "function r(){}").unwrap();
        let kw = KeywordMap::new();
        let mut reader = ExportReader::new(&root, &kw);
        let ok = reader
            .load_code("rules/r.json", "./r.js", &[root.join("rules")])
            .unwrap();
        assert_eq!(ok.path, "rules/r.js");
        assert!(
            reader
                .load_code("rules/r.json", "../../secret.js", &[root.join("rules")])
                .is_none()
        );
        assert_eq!(reader.warnings.len(), 1);
        assert!(reader.warnings[0].message.contains("not found"));
    }

    #[test]
    fn inline_code_and_absolute_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("actions/A")).unwrap();
        std::fs::write(
            root.join("actions/A/code.js"),
            "exports.onExecutePostLogin = async () => {};",
        )
        .unwrap();
        let kw = KeywordMap::new();
        let mut reader = ExportReader::new(root, &kw);
        let inline = reader
            .load_code("actions/A.json", "function x() {\n}", &[root.to_path_buf()])
            .unwrap();
        assert_eq!(inline.path, "actions/A.json");
        let abs = reader
            .load_code(
                "actions/A.json",
                "/home/ci/dump/actions/A/code.js",
                &[root.to_path_buf()],
            )
            .unwrap();
        assert_eq!(abs.path, "actions/A/code.js");
    }

    #[test]
    fn binary_file_is_a_parse_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("tenant.json"),
            [b'{', b'\n', 0xff, 0xfe, 0x00],
        )
        .unwrap();
        let kw = KeywordMap::new();
        let mut reader = ExportReader::new(dir.path(), &kw);
        let err = reader
            .read_json::<Value>(&dir.path().join("tenant.json"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("tenant.json:2: not UTF-8"), "{err}");
    }
}
