//! Text from outside (a server's key names, error messages, an imported file) shown to a
//! person: control and bidi characters made visible and inert, so a name cannot recolour a
//! terminal, retitle it, write its clipboard (OSC 52), break a table row or reorder what
//! surrounds it. What is stored stays exactly what arrived; only what is shown changes.
//!
//! The window marks the same characters the same way (ui/src/lib/inert.ts; a test compares
//! the two over every code point).

use std::borrow::Cow;

/// The bidi controls: embeddings and overrides, isolates, marks.
const BIDI: [char; 12] = [
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

/// Whether `c` is a control or bidi character, shown by its [`marker`]. Cheap: every
/// character of a listing goes through it.
pub fn is_marked(c: char) -> bool {
    match c {
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        ' '..='~' => false,
        _ => BIDI.contains(&c),
    }
}

/// How `c` is shown when it must not act: `None` for an ordinary character.
pub fn marker(c: char) -> Option<String> {
    if !is_marked(c) {
        return None;
    }
    match c {
        '\n' => Some("\\n".into()),
        '\r' => Some("\\r".into()),
        '\t' => Some("\\t".into()),
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => Some(format!("\\x{:02x}", c as u32)),
        c if BIDI.contains(&c) => Some(format!("<U+{:04X}>", c as u32)),
        _ => None,
    }
}

/// `text` with every control and bidi character shown as its marker, on one line.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_marked) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match marker(c) {
            Some(m) => out.push_str(&m),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`inert`], cut to at most `max` characters with `…` at the end.
pub fn inert_cut(text: &str, max: usize) -> String {
    let shown = inert(text);
    if shown.chars().count() <= max {
        return shown.into_owned();
    }
    let mut cut: String = shown.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Cuts `text` to at most `max` characters (no marker, no ellipsis): for bounding what a
/// server sends before it is stored. Returns whether it was cut.
pub fn bound(text: &mut String, max: usize) -> bool {
    match text.char_indices().nth(max) {
        Some((at, _)) => {
            text.truncate(at);
            true
        }
        None => false,
    }
}

/// What a name sorts by, as people read names: case aside, and numbers by their value
/// ("key2" before "key10"). Each run of digits becomes its length (two digits) and then
/// the digits without leading zeros, so a shorter number sorts first. SQLite compares these
/// keys byte by byte; the name itself breaks ties.
pub fn sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() + 4);
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_ascii_digit() {
            key.extend(c.to_lowercase());
            continue;
        }
        let mut digits = String::from(c);
        while let Some(d) = chars.next_if(char::is_ascii_digit) {
            digits.push(d);
        }
        let value = digits.trim_start_matches('0');
        let value = if value.is_empty() { "0" } else { value };
        key.push_str(&format!("{:02}", value.len().min(99)));
        key.push_str(value);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dangerous(c: char) -> bool {
        c.is_control() || BIDI.contains(&c)
    }

    #[test]
    fn the_hostile_names_come_out_inert() {
        assert_eq!(
            inert("\x1b[31mRED ALERT\x1b[0m \x1b]0;pwned\x07"),
            "\\x1b[31mRED ALERT\\x1b[0m \\x1b]0;pwned\\x07"
        );
        assert_eq!(inert("a\nb\rc\td"), "a\\nb\\rc\\td");
        assert_eq!(inert("invoice\u{202E}gnp.exe"), "invoice<U+202E>gnp.exe");
        assert_eq!(inert("\u{7f}\u{80}\u{9f}\u{a0}"), "\\x7f\\x80\\x9f\u{a0}");
        assert_eq!(inert("Z\u{351}a\u{308}lgo 🔑"), "Z\u{351}a\u{308}lgo 🔑");
        assert!(matches!(inert("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn cutting_counts_characters_and_marks_the_cut() {
        assert_eq!(inert_cut("abcdef", 4), "abc…");
        assert_eq!(inert_cut("abcd", 4), "abcd");
        assert_eq!(inert_cut("\n\n\n", 4), "\\n\\…");
        let mut long = "é".repeat(10);
        assert!(bound(&mut long, 3));
        assert_eq!(long, "ééé");
        assert!(!bound(&mut long, 3));
    }

    #[test]
    fn names_sort_as_people_read_them() {
        let mut names = vec![
            "key10", "Key2", "key1", "beta", "Alpha", "key02b", "key2a", "k",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            ["Alpha", "beta", "k", "key1", "Key2", "key2a", "key02b", "key10"]
        );
        assert_eq!(sort_key("v007-X"), "v017-x");
        assert_eq!(sort_key("000"), "010");
    }

    proptest! {
        #[test]
        fn numbers_order_by_value(a in 0u64..1_000_000, b in 0u64..1_000_000) {
            let (ka, kb) = (sort_key(&format!("k{a}")), sort_key(&format!("k{b}")));
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
        }

        #[test]
        fn nothing_dangerous_survives(text in any::<String>()) {
            let shown = inert(&text);
            prop_assert!(!shown.chars().any(dangerous), "{shown:?}");
            prop_assert!(!inert_cut(&text, 40).chars().any(dangerous));
            prop_assert!(inert_cut(&text, 40).chars().count() <= 40);
        }
    }
}
