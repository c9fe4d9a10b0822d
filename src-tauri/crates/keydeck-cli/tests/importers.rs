//! Moving to keydeck (real keyring): `keydeck import FILE` takes each manager's export as it
//! is, found by its columns, says which entries it left out and why, and the secrets it
//! stored reveal as they were.

mod common;

use common::Home;

fn fixture(name: &str) -> String {
    format!(
        "{}/../keydeck-core/tests/fixtures/managers/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn each_managers_export_imports_as_it_is() {
    for (file, stripe, github) in [
        (
            "keepassxc.csv",
            "sk_live_kpx_0123456789abcdef",
            "ghp_kpx_0123456789abcdef",
        ),
        (
            "bitwarden.json",
            "sk_live_bwj_0123456789abcdef",
            "ghp_bwj_0123456789abcdef",
        ),
        (
            "bitwarden.csv",
            "sk_live_bwc_0123456789abcdef",
            "ghp_bwc_0123456789abcdef",
        ),
        (
            "1password.csv",
            "sk_live_1pw_0123456789abcdef",
            "ghp_1pw_0123456789abcdef",
        ),
    ] {
        let home = Home::new();
        let out = home.run(&["import", &fixture(file)], None).ok();
        assert!(
            out.stdout.starts_with("imported 2 key(s)"),
            "{file}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains("left out 1 entries that are not keys"),
            "{file}: {}",
            out.stdout
        );
        assert!(!out.stdout.contains(stripe) && !out.stderr.contains(stripe));
        let revealed = home.run(&["reveal", "Stripe live"], None).ok();
        assert_eq!(revealed.stdout, format!("{stripe}\n"), "{file}");
        let revealed = home.run(&["reveal", "GitHub CI"], None).ok();
        assert_eq!(revealed.stdout, format!("{github}\n"), "{file}");
    }

    // --json carries what was left out; a second import of the same file skips or renames.
    let home = Home::new();
    let plan = home
        .run(&["import", &fixture("bitwarden.json"), "--json"], None)
        .ok()
        .json();
    assert_eq!(plan["left_out"][0]["name"], "Server notes");
    assert_eq!(plan["left_out"][0]["line"], 32);
    let again = home.run(
        &[
            "import",
            &fixture("bitwarden.json"),
            "--on-duplicate",
            "skip",
        ],
        None,
    );
    assert!(again
        .ok()
        .stdout
        .starts_with("imported 0 key(s), skipped 2"));
}
