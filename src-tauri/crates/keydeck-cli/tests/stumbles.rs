//! Where a new user stumbled in the CLI: a name typed in another case or with a typo, the
//! internal clipboard holder showing up in tips, and `source list` columns pushed apart.

mod common;

use common::Home;

#[test]
fn names_match_case_aside_and_a_typo_gets_suggestions() {
    let home = Home::new();
    home.add("Stripe-Live", "sk_live_stumble_0123456789abcdef", &[]);
    home.add("github-ci", "ghp_stumble_0123456789abcdefghij", &[]);

    let revealed = home.run(&["reveal", "stripe-live"], None).ok();
    assert_eq!(
        revealed.stdout.trim_end(),
        "sk_live_stumble_0123456789abcdef"
    );
    let shown = home.run(&["show", "GITHUB-CI", "--json"], None).ok().json();
    assert_eq!(shown["name"], "github-ci");

    let typo = home.run(&["reveal", "strpe-live"], None);
    assert_eq!(typo.code, 3, "{typo:?}");
    assert!(
        typo.stderr.contains("did you mean `Stripe-Live`?"),
        "{}",
        typo.stderr
    );
    assert!(typo.stdout.is_empty(), "nothing revealed: {typo:?}");
    let part = home.run(&["show", "github"], None);
    assert!(
        part.stderr.contains("did you mean `github-ci`?"),
        "{}",
        part.stderr
    );
    let nothing_close = home.run(&["show", "zzzzzzzzzz"], None);
    assert_eq!(nothing_close.code, 3);
    assert!(
        !nothing_close.stderr.contains("did you mean"),
        "{}",
        nothing_close.stderr
    );

    // Two keys that differ only in case: the exact name picks one, any other case is asked about.
    home.add("stripe-LIVE", "sk_live_other_0123456789abcdefgh", &[]);
    let exact = home.run(&["reveal", "stripe-LIVE"], None).ok();
    assert_eq!(exact.stdout.trim_end(), "sk_live_other_0123456789abcdefgh");
    let ambiguous = home.run(&["reveal", "STRIPE-live"], None);
    assert_eq!(ambiguous.code, 2, "{ambiguous:?}");
    assert!(
        ambiguous.stderr.contains("exact name or id"),
        "{}",
        ambiguous.stderr
    );
    assert!(ambiguous.stdout.is_empty());
}

#[test]
fn the_clipboard_holder_never_shows_in_help_or_tips() {
    let home = Home::new();
    let mut seen = String::new();
    for args in [
        &["--help"][..],
        &["help"],
        &["clip"],
        &["clipboard"],
        &["hold"],
        &["copy", "--help"],
    ] {
        let out = home.run(args, None);
        seen.push_str(&out.stdout);
        seen.push_str(&out.stderr);
    }
    assert!(
        seen.contains("Usage: keydeck"),
        "the help was printed: {seen}"
    );
    for hidden in ["clipboard-hold", "holder", "internal"] {
        assert!(!seen.contains(hidden), "`{hidden}` shows: {seen}");
    }
}

#[test]
fn source_list_columns_stay_aligned_with_long_names_and_errors() {
    let home = Home::new();
    // Nothing listens on port 9 of 127.0.0.1: both sources fail to sync, with an error state.
    for name in ["ops", "a-rather-long-source-name-for-the-platform-team"] {
        let added = home.run(
            &[
                "source",
                "add",
                name,
                "--url",
                "http://127.0.0.1:9",
                "--dialect",
                "002",
                "--no-sync",
            ],
            Some(b"token-for-the-alignment-test"),
        );
        assert_eq!(added.code, 0, "{added:?}");
        let synced = home.run(&["source", "sync", name], None);
        assert_eq!(synced.code, 5, "{synced:?}");
    }
    let listed = home.run(&["source", "list"], None).ok().stdout;
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    let column = |line: &str, text: &str| {
        line.find(text)
            .unwrap_or_else(|| panic!("{text} in {line}"))
    };
    for (title, cell) in [("STATE", "error: "), ("URL", "http://127.0.0.1:9")] {
        let at = column(lines[0], title);
        for row in &lines[1..] {
            assert_eq!(column(row, cell), at, "{title} column:\n{listed}");
        }
    }
}
