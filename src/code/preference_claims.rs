//! Claim names that carry a display preference (`locale`, `theme`, `timezone`, `nickname`, ...).
//! Copying user-writable data into such a claim is what it is for (the user picks their own
//! language), so the finding about it is low instead of critical / high. Only the claim's own
//! name counts, compared after its namespace (`https://app.example.com/locale` -> `locale`),
//! case, `_`, `-` and `.` are dropped; a name that is not on the list keeps the full rating.

use super::computed_names::UNKNOWN;

/// Display-preference names, normalized (lower case, no `_`, `-` or `.`).
const PREFERENCES: [&str; 34] = [
    "appearance",
    "avatar",
    "avatarurl",
    "bio",
    "color",
    "colorscheme",
    "colour",
    "darkmode",
    "dateformat",
    "displayname",
    "familyname",
    "firstname",
    "fontsize",
    "fullname",
    "givenname",
    "greeting",
    "lang",
    "language",
    "lastname",
    "layout",
    "locale",
    "name",
    "nickname",
    "photo",
    "picture",
    "pictureurl",
    "preferredlanguage",
    "preferredname",
    "pronouns",
    "theme",
    "timeformat",
    "timezone",
    "tz",
    "units",
];

/// Longest name in [`PREFERENCES`]; longer names are not compared.
const LONGEST: usize = 17;

/// Is `claim` (a custom-claim name, namespaced or not) a display preference?
pub fn is_preference_claim(claim: &str) -> bool {
    // After the namespace, and after a part the analyzer could not know (`{…}locale`).
    let last = claim.rsplit(['/', '#', ':']).next().unwrap_or(claim);
    let last = last.rsplit(UNKNOWN).next().unwrap_or(last);
    if last.len() > LONGEST + 8 {
        return false;
    }
    let normalized: String = last
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    PREFERENCES.contains(&normalized.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preference_names_with_and_without_a_namespace() {
        for name in [
            "locale",
            "https://app.example.com/locale",
            "https://app.example.com/time_zone",
            "https://app.example.com/Preferred-Language",
            "urn:acme:theme",
            "https://app.example.com/claims#nickname",
            "given_name",
        ] {
            assert!(is_preference_claim(name), "{name}");
        }
    }

    #[test]
    fn anything_else_keeps_the_full_rating() {
        for name in [
            "https://app.example.com/role",
            "https://app.example.com/roles",
            "https://app.example.com/tenant_id",
            "https://app.example.com/admin_theme_editor",
            "https://app.example.com/locale/admin",
            "https://app.example.com/",
            "",
            "https://app.example.com/namespace",
            "https://app.example.com/username",
        ] {
            assert!(!is_preference_claim(name), "{name}");
        }
    }

    #[test]
    fn the_length_bound_covers_every_name() {
        assert_eq!(PREFERENCES.iter().map(|p| p.len()).max(), Some(LONGEST));
        assert!(
            PREFERENCES.windows(2).all(|w| w[0] < w[1]),
            "sorted, unique"
        );
    }
}
