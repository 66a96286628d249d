//! Masking of secret material before it can reach evidence, logs, Events or resources.

/// Masked form of a secret: the first four characters (enough to tell two secrets apart in a
/// report) and the length, never the rest. Secrets shorter than 12 characters show nothing.
pub fn mask_secret(secret: &str) -> String {
    let len = secret.chars().count();
    if len < 12 {
        return format!("****({len} chars)");
    }
    let head: String = secret.chars().take(4).collect();
    format!("{head}****({len} chars)")
}

/// Replaces every occurrence of `secret` in `text` with its masked form.
pub fn mask_in(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_string();
    }
    text.replace(secret, &mask_secret(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_secret_keeps_only_a_prefix() {
        let s = "Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM";
        let m = mask_secret(s);
        assert_eq!(m, "Zx9k****(32 chars)");
        assert!(!m.contains(&s[4..]));
    }

    #[test]
    fn short_secret_shows_nothing() {
        assert_eq!(mask_secret("hunter2"), "****(7 chars)");
    }

    #[test]
    fn mask_in_replaces_every_occurrence() {
        let s = "abcdefghijklmnopqrstuvwxyz";
        let t = format!("a={s} b={s}");
        let m = mask_in(&t, s);
        assert!(!m.contains(s));
        assert_eq!(m.matches("abcd****(26 chars)").count(), 2);
    }
}
