//! The exports of KeePassXC, Bitwarden (JSON and CSV) and 1Password, as fixture files written
//! to each format's documented columns: detected by their contents, each login a key (title
//! → name, password → secret, folder/group/tags → tags, username/URL/notes → notes), and an
//! entry without a password left out with its line, not fatal.

use std::path::Path;

use keydeck_core::exchange::{detect, parse, Format, Parsed};
use zeroize::Zeroizing;

fn read(file: &str) -> (Format, Parsed) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/managers")
        .join(file);
    let bytes = std::fs::read(&path).unwrap();
    let format = detect(&path, &bytes);
    (format, parse(format, Zeroizing::new(bytes)).unwrap())
}

/// `(name, secret, tags, notes)` of each key, and `(line, name)` of each entry left out.
type Seen = (
    Vec<(String, String, Vec<String>, String)>,
    Vec<(usize, String)>,
);

fn seen(parsed: &Parsed) -> Seen {
    let keys = parsed.items.iter().map(|item| {
        let notes = item.key.notes.clone().unwrap_or_default();
        let secret = item.secret.expose().to_string();
        (item.key.name.clone(), secret, item.key.tags.clone(), notes)
    });
    let left = parsed.left_out.iter().map(|l| (l.line, l.name.clone()));
    (keys.collect(), left.collect())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn keepassxc_csv() {
    let (format, parsed) = read("keepassxc.csv");
    assert_eq!(format, Format::Keepassxc);
    let (keys, left) = seen(&parsed);
    assert_eq!(keys[0].0, "Stripe live");
    assert_eq!(keys[0].1, "sk_live_kpx_0123456789abcdef");
    assert_eq!(keys[0].2, strings(&["API"]), "the group's last part");
    assert_eq!(
        keys[0].3,
        "Username: ops@example.com\nURL: https://dashboard.stripe.com\nrotate quarterly"
    );
    assert_eq!(
        (keys[1].0.as_str(), keys[1].2.len()),
        ("GitHub CI", 0),
        "Root is no tag"
    );
    assert_eq!(left, [(4, "Wifi note".to_string())]);
    assert!(parsed.left_out[0].why.contains("no password"));
}

#[test]
fn bitwarden_json() {
    let (format, parsed) = read("bitwarden.json");
    assert_eq!(format, Format::BitwardenJson);
    let (keys, left) = seen(&parsed);
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].1, "sk_live_bwj_0123456789abcdef");
    assert_eq!(keys[0].2, strings(&["API"]), "the folder, by its id");
    assert!(keys[0]
        .3
        .starts_with("Username: ops@example.com\nURL: https://dashboard.stripe.com"));
    assert_eq!(keys[1].0, "GitHub CI");
    assert_eq!(
        left,
        [(32, "Server notes".to_string())],
        "a secure note, at its line"
    );
}

#[test]
fn bitwarden_csv() {
    let (format, parsed) = read("bitwarden.csv");
    assert_eq!(format, Format::BitwardenCsv);
    let (keys, left) = seen(&parsed);
    assert_eq!(keys[0].1, "sk_live_bwc_0123456789abcdef");
    assert_eq!(keys[0].2, strings(&["API"]));
    assert!(
        keys[0].3.ends_with("rotate\nquarterly"),
        "a quoted note keeps its newline"
    );
    assert_eq!(keys[1].1, "ghp_bwc_0123456789abcdef");
    assert_eq!(left, [(5, "Server notes".to_string())]);
}

#[test]
fn onepassword_csv() {
    let (format, parsed) = read("1password.csv");
    assert_eq!(format, Format::Onepassword);
    let (keys, left) = seen(&parsed);
    assert_eq!(keys[0].1, "sk_live_1pw_0123456789abcdef");
    assert_eq!(keys[0].2, strings(&["billing", "prod"]));
    assert_eq!(keys[1].0, "GitHub CI");
    assert_eq!(left, [(4, "Passport".to_string())]);
}

#[test]
fn an_encrypted_bitwarden_export_says_how_to_export_it_again() {
    let text = r#"{"encrypted": true, "passwordProtected": true, "items": []}"#;
    let err = parse(
        Format::BitwardenJson,
        Zeroizing::new(text.as_bytes().to_vec()),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("export again as JSON (not encrypted)"),
        "{err}"
    );
}

#[test]
fn keydecks_own_csv_is_not_taken_for_a_managers() {
    let csv = b"name,secret,tags\nstripe,sk_live_0123456789,billing\n";
    assert_eq!(detect(Path::new("keys.csv"), csv), Format::Csv);
    assert_eq!(detect(Path::new("keys.env"), b"A=b\n"), Format::Env);
}
