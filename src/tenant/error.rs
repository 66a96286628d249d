//! Errors of the tenant layer: reading exports, keyword files and tenant data.

use std::path::PathBuf;

/// Result alias for the tenant layer.
pub type Result<T, E = TenantError> = std::result::Result<T, E>;

/// Everything that can stop a tenant from loading. Messages name the file (export-relative
/// where possible), the line and column when known, and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    /// The path is neither a directory-format nor a YAML-format Deploy CLI export.
    #[error("{}: not an Auth0 Deploy CLI export ({reason})", path.display())]
    NotAnExport { path: PathBuf, reason: String },
    /// A file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// A JSON/YAML syntax or type error, or text that is not UTF-8.
    #[error("{}", located(file, *line, *column, message))]
    Parse {
        file: String,
        line: Option<u32>,
        column: Option<u32>,
        message: String,
    },
    /// The `--keywords` file is unusable.
    #[error("{}: keywords file: {message}", path.display())]
    Keywords { path: PathBuf, message: String },
}

fn located(file: &str, line: Option<u32>, column: Option<u32>, message: &str) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}: {message}"),
        (Some(l), None) => format!("{file}:{l}: {message}"),
        _ => format!("{file}: {message}"),
    }
}

impl TenantError {
    /// Stable PascalCase reason for conditions, events and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            TenantError::NotAnExport { .. } => "NotAnExport",
            TenantError::Io { .. } => "ExportUnreadable",
            TenantError::Parse { .. } => "ExportInvalid",
            TenantError::Keywords { .. } => "KeywordsInvalid",
        }
    }

    /// The file (export-relative) and line an error points at, when it has them.
    pub fn location(&self) -> Option<(&str, Option<u32>)> {
        match self {
            TenantError::Parse { file, line, .. } => Some((file, *line)),
            TenantError::Io { file, .. } => Some((file, None)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_text_names_file_line_and_column() {
        let e = TenantError::Parse {
            file: "clients/Admin.json".into(),
            line: Some(12),
            column: Some(5),
            message: "expected a list for \"callbacks\"".into(),
        };
        assert_eq!(
            e.to_string(),
            "clients/Admin.json:12:5: expected a list for \"callbacks\""
        );
        assert_eq!(e.reason(), "ExportInvalid");
        let e = TenantError::Parse {
            file: "a.json".into(),
            line: None,
            column: None,
            message: "m".into(),
        };
        assert_eq!(e.to_string(), "a.json: m");
    }
}
