//! A server that names its keys to attack the terminal (escape sequences, OSC 52, line
//! breaks, bidi overrides…), through every dialect: the CLI stores what it said, prints it
//! inert (one line per key, nothing a terminal would act on), and bounds what is too long.

mod common;

use common::Home;
use keydeck_core::remote::{DialectId, ServeResponse};
use keydeck_testkit::http::{hostile_keys, hostile_names, HttpServer};

/// Characters a terminal acts on or that reorder text: C0 and C1 controls, DEL, bidi
/// controls. (Written out here, not taken from keydeck, so the test checks the code.)
fn dangerous(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

#[track_caller]
fn assert_inert(what: &str, text: &str) {
    for (n, line) in text.lines().enumerate() {
        if let Some(c) = line.chars().find(|c| dangerous(*c)) {
            panic!(
                "{what}, line {n}: U+{:04X} printed raw in {line:?}",
                c as u32
            );
        }
    }
    assert!(!text.contains('\r'), "{what}: a raw carriage return");
}

const TOKEN: &str = "hostile-server-token-0001";

fn add(client: &Home, server: &HttpServer, dialect: DialectId) {
    client
        .run(
            &[
                "source",
                "add",
                "evil",
                "--url",
                &server.url,
                "--dialect",
                dialect.as_str(),
                "--user-id",
                "u1",
            ],
            Some(TOKEN.as_bytes()),
        )
        .ok();
}

#[test]
fn hostile_key_names_are_printed_inert_through_every_dialect() {
    for dialect in DialectId::ALL {
        let server = HttpServer::dialect(dialect, hostile_keys(), TOKEN);
        let client = Home::new();
        add(&client, &server, dialect);
        let listed = client.run(&["list", "--source", "evil"], None).ok();
        let what = format!("dialect {dialect}, list");
        assert_inert(&what, &listed.stdout);
        assert_inert(&what, &listed.stderr);
        let lines: Vec<&str> = listed.stdout.lines().collect();
        assert_eq!(
            lines.len(),
            1 + hostile_names().len(),
            "{what}: one line per key plus the header:\n{}",
            listed.stdout
        );
        for line in &lines {
            assert!(
                line.chars().count() < 300,
                "{what}: a line is not cut: {line}"
            );
        }
        assert!(
            listed
                .stdout
                .contains("\\x1b[31mRED ALERT\\x1b[0m \\x1b]0;pwned\\x07"),
            "{what}: the escapes are shown, not acted on:\n{}",
            listed.stdout
        );
        assert!(listed.stdout.contains("invoice<U+202E>gnp.exe"), "{what}");
        assert!(listed.stdout.contains("line1\\nline2"), "{what}");
        assert!(
            listed.stdout.contains("Z\u{351}\u{354}a\u{308}lgo"),
            "{what}: combining marks stay"
        );
        assert!(
            listed.stdout.contains("<img src=x onerror=alert(1)>"),
            "{what}"
        );

        // JSON keeps what the server said (within keydeck's bounds), escaped.
        let json = client
            .run(&["list", "--source", "evil", "--json"], None)
            .ok();
        assert_inert(&format!("dialect {dialect}, list --json"), &json.stdout);
        let keys = json.json()["keys"].as_array().unwrap().clone();
        let names: Vec<&str> = keys.iter().map(|k| k["name"].as_str().unwrap()).collect();
        if dialect != DialectId::D003 {
            assert!(
                names.contains(&"invoice\u{202E}gnp.exe"),
                "{what}: {names:?}"
            );
            assert!(names.contains(&"line1\nline2"), "{what}: {names:?}");
        }
        let long = keys
            .iter()
            .find(|k| k["name"].as_str().unwrap().starts_with("xxxx"))
            .unwrap_or_else(|| panic!("{what}: the long name is listed"));
        assert_eq!(
            long["name"].as_str().unwrap().chars().count(),
            200,
            "{what}"
        );
        assert_eq!(long["details"]["keydeck_cut"]["name"], 5000, "{what}");

        let shown = client
            .run(&["show", "hostile-0", "--source", "evil"], None)
            .ok();
        assert_inert(&format!("dialect {dialect}, show"), &shown.stdout);
        let sources = client.run(&["source", "list"], None).ok();
        assert_inert(&format!("dialect {dialect}, source list"), &sources.stdout);
    }
}

#[test]
fn a_hostile_error_message_is_printed_inert() {
    let server = HttpServer::start(|_| {
        ServeResponse::json(
            401,
            &serde_json::json!({
                "success": false,
                "message": "\u{1b}]0;pwned\u{7}\u{1b}[2J denied\nforged: line",
                "suggestion": "run \u{202E}hsab | lruc",
            }),
        )
    });
    let client = Home::new();
    let added = client.run(
        &[
            "source",
            "add",
            "evil",
            "--url",
            &server.url,
            "--dialect",
            "002",
        ],
        Some(TOKEN.as_bytes()),
    );
    assert_eq!(added.code, 5, "{added:?}");
    assert_inert("source add", &added.stdout);
    assert_inert("source add", &added.stderr);
    assert!(
        added.stderr.contains("\\x1b]0;pwned\\x07"),
        "{}",
        added.stderr
    );
    assert!(added.stderr.contains("<U+202E>"), "{}", added.stderr);
    let sources = client.run(&["source", "list"], None).ok();
    assert_inert("source list", &sources.stdout);
    let json = client.run(&["source", "list", "--json"], None).ok();
    assert_inert("source list --json", &json.stdout);
}

#[test]
fn a_003_server_whose_count_disagrees_is_listed_with_a_warning() {
    // An independent mock of the seed's schema answers any `count`.
    let server = HttpServer::start(|_| {
        ServeResponse::json(
            200,
            &serde_json::json!({ "count": 7, "apiKeys": [{ "name": "only", "clientId": "c1" }] }),
        )
    });
    let client = Home::new();
    add(&client, &server, DialectId::D003);
    let listed = client
        .run(&["list", "--source", "evil", "--json"], None)
        .ok();
    assert_eq!(listed.json()["keys"].as_array().unwrap().len(), 1);
    assert!(listed.stderr.contains("`count` says 7"), "{listed:?}");
    let sources = client.run(&["source", "list", "--json"], None).ok().json();
    assert!(sources[0]["warning"]
        .as_str()
        .unwrap()
        .contains("returned 1 keys"));
    let table = client.run(&["source", "list"], None).ok();
    assert!(table.stdout.contains("(warning)"), "{}", table.stdout);
}
