//! Mermaid `flowchart LR` diagrams of attack paths. Node ids are generated (`s0`, `s1`, ...),
//! never taken from tenant names, and every label is quoted with the characters Mermaid or the
//! surrounding Markdown fence would interpret replaced by Mermaid entity codes.

use std::fmt::Write as _;

use crate::findings::model::PathStep;

/// A `flowchart LR` with one node per step and one labelled arrow per edge (no fence).
pub fn flowchart(path: &[PathStep]) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, step) in path.iter().enumerate() {
        let label = format!("{}: {}", step.kind, step.name);
        let _ = writeln!(out, "    s{i}[\"{}\"]", escape_label(&label));
    }
    for (i, pair) in path.windows(2).enumerate() {
        let Some(from) = pair.first() else { continue };
        if from.edge.trim().is_empty() {
            let _ = writeln!(out, "    s{i} --> s{}", i + 1);
        } else {
            let _ = writeln!(
                out,
                "    s{i} -->|\"{}\"| s{}",
                escape_label(&from.edge),
                i + 1
            );
        }
    }
    out
}

/// Escapes text for a quoted Mermaid label: quotes, brackets, braces, parentheses, pipes, `#`,
/// `;`, `%`, `&`, `<`, `>` and backticks become `#code;` entities; control characters and line
/// breaks become spaces.
pub fn escape_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' | '&' | '|' | '[' | ']' | '{' | '}' | '(' | ')' | '`' | ';' | '%' | '\\' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::model::ObjectKind;

    fn step(kind: ObjectKind, name: &str, edge: &str) -> PathStep {
        PathStep {
            kind,
            name: name.into(),
            edge: edge.into(),
        }
    }

    #[test]
    fn draws_nodes_and_labelled_edges() {
        let path = vec![
            step(ObjectKind::Connection, "Users", "self-signup writes"),
            step(ObjectKind::UserAttribute, "user_metadata.role", ""),
            step(ObjectKind::Scope, "admin", ""),
        ];
        assert_eq!(
            flowchart(&path),
            "flowchart LR\n    s0[\"connection: Users\"]\n    s1[\"user_attribute: user_metadata.role\"]\n    s2[\"scope: admin\"]\n    s0 -->|\"self-signup writes\"| s1\n    s1 --> s2\n"
        );
    }

    #[test]
    fn hostile_names_cannot_close_labels_or_inject_statements() {
        let hostile = "a\"] --> x[\"pwn\" | b; end %% c <b>#1</b> `x`\n(y) {z} &amp;";
        let escaped = escape_label(hostile);
        // Outside the entities we emit, no character Mermaid or Markdown interprets is left.
        let entities = regex::Regex::new(r"#(quot|lt|gt|[0-9]+);").unwrap();
        let rest = entities.replace_all(&escaped, "");
        for forbidden in [
            '"', '[', ']', '|', ';', '%', '<', '>', '`', '\n', '(', ')', '{', '}', '#', '&',
        ] {
            assert!(!rest.contains(forbidden), "{forbidden:?} left in {escaped}");
        }
        assert!(escaped.starts_with(
            "a#quot;#93; --#gt; x#91;#quot;pwn#quot; #124; b#59; end #37;#37; c #lt;b#gt;#35;1"
        ));
        // Entities we emit are the only `#...;` sequences: a literal `#` is itself escaped.
        assert!(escaped.contains("#38;amp#59;"));
        let chart = flowchart(&[
            step(ObjectKind::Client, hostile, hostile),
            step(ObjectKind::Client, "end", ""),
        ]);
        // Exactly one statement per line, each node label a single quoted string.
        for line in chart.lines().skip(1) {
            assert_eq!(line.matches('"').count(), 2, "{line}");
        }
        assert_eq!(chart.lines().count(), 4);
    }

    #[test]
    fn plain_names_stay_readable() {
        assert_eq!(
            escape_label("Onboarding Profile Sync"),
            "Onboarding Profile Sync"
        );
        assert_eq!(
            escape_label("user_metadata.account_type"),
            "user_metadata.account_type"
        );
    }
}
