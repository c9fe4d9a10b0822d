//! The masked form of a secret that listings show, e.g. `sk_live_…9f3a`.

/// Where a readable prefix may end: at the last `_` or `-` within the first 12 characters.
const PREFIX_WINDOW: usize = 12;
/// Characters of the end that a mask shows.
const TAIL: usize = 4;
/// Secrets shorter than this show no tail.
const MIN_LEN_FOR_TAIL: usize = 16;
/// A mask always hides at least this many characters, so short secrets are not given away.
const MIN_HIDDEN: usize = 8;

/// The readable prefix (`sk_live_`), then `…`, then the last 4 characters.
/// A secret shorter than 16 characters shows only its prefix and `…`.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let prefix_len = readable_prefix_len(&chars);
    let rest = chars.len() - prefix_len;
    let mut out: String = chars[..prefix_len].iter().collect();
    out.push('…');
    if chars.len() >= MIN_LEN_FOR_TAIL && rest >= TAIL + MIN_HIDDEN {
        out.extend(&chars[chars.len() - TAIL..]);
    }
    out
}

fn readable_prefix_len(chars: &[char]) -> usize {
    let window = &chars[..chars.len().min(PREFIX_WINDOW)];
    let Some(last_sep) = window.iter().rposition(|c| *c == '_' || *c == '-') else {
        return 0;
    };
    let len = last_sep + 1;
    let readable = window[..len]
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-');
    if readable && chars.len() - len >= MIN_HIDDEN {
        len
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(mask("sk_live_51HqLyjWDarjtT1zdp7dc9f3a"), "sk_live_…9f3a");
        assert_eq!(mask("kd_test-abcdefghijklmnop"), "kd_test-…mnop");
        assert_eq!(mask("abcdefghijklmnopqrstuvwxyz"), "…wxyz");
        assert_eq!(mask("ghp_abcdefghij"), "ghp_…", "short: prefix only");
        assert_eq!(mask("short"), "…");
        assert_eq!(
            mask("abcdefghijk_wxyz"),
            "…wxyz",
            "prefix would leave too little hidden"
        );
        assert_eq!(mask("sk_"), "…");
        assert_eq!(mask("ключ_секретный_очень_длинный"), "…нный");
    }

    proptest! {
        #[test]
        fn mask_never_gives_the_secret_away(secret in "\\PC{1,64}|[a-z]{1,6}[_-][A-Za-z0-9_-]{0,40}") {
            let masked = mask(&secret);
            let (prefix, tail) = masked.split_once('…').expect("a mask always holds …");
            prop_assert!(secret.starts_with(prefix));
            prop_assert!(secret.ends_with(tail));
            let after_prefix = &secret[prefix.len()..];
            prop_assert!(tail.chars().count() <= TAIL);
            prop_assert!(tail.is_empty() || after_prefix.ends_with(tail));
            let shown = prefix.chars().count() + tail.chars().count();
            let total = secret.chars().count();
            prop_assert!(shown < total, "the whole secret shown: {secret:?} -> {masked:?}");
            prop_assert!(shown + MIN_HIDDEN <= total || shown == 0);
            prop_assert_ne!(&masked, &secret);
        }
    }
}
