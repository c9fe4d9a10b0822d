//! The CLI contract: output shapes, exit codes, errors with hints, bad input, import/export.

mod common;

use common::Home;

const LIST_FIELDS: [&str; 18] = [
    "id",
    "name",
    "mask",
    "scopes",
    "tags",
    "env",
    "status",
    "source",
    "created_at",
    "updated_at",
    "last_used_at",
    "expires_at",
    "revoked_at",
    "revoke_reason",
    "owner",
    "details",
    "cannot_reveal",
    "cannot_revoke",
];

#[test]
fn list_json_has_exactly_the_contract_fields() {
    let home = Home::new();
    home.add(
        "stripe",
        "sk_live_51HqLyjWDarjtT1zdp7dc9f3a",
        &[
            "--scope",
            "charges:write",
            "--tag",
            "billing",
            "--env",
            "prod",
            "--expires",
            "2030-01-31T00:00:00Z",
        ],
    );
    let listed = home.list();
    let key = listed[0].as_object().unwrap();
    let mut fields: Vec<&str> = key.keys().map(String::as_str).collect();
    fields.sort();
    let mut expected = LIST_FIELDS.to_vec();
    expected.sort();
    assert_eq!(fields, expected);
    assert_eq!(key["mask"], "sk_live_…9f3a");
    assert_eq!(key["source"], "local");
    assert_eq!(key["status"], "active");
    assert_eq!(key["env"], "prod");
    assert_eq!(key["scopes"], serde_json::json!(["charges:write"]));
    assert_eq!(key["expires_at"], "2030-01-31T00:00:00Z");
    assert!(key["last_used_at"].is_null() && key["revoked_at"].is_null() && key["owner"].is_null());
    assert!(key["cannot_reveal"].is_null() && key["cannot_revoke"].is_null());
    chrono::DateTime::parse_from_rfc3339(key["created_at"].as_str().unwrap()).expect("RFC 3339");
}

#[test]
fn list_filters_search_and_sorts() {
    let home = Home::new();
    home.add("b-github", "ghp_aaaaaaaaaaaaaaaaaaaa", &["--scope", "repo"]);
    home.add(
        "a-stripe",
        "sk_live_bbbbbbbbbbbbbbbbb",
        &["--scope", "charges", "--expires", "2020-01-01T00:00:00Z"],
    );
    home.add("c-slack", "xoxb-cccccccccccccccccc", &["--tag", "chat"]);
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        home.run(&all, None)
            .ok()
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&[]), ["a-stripe", "b-github", "c-slack"]);
    assert_eq!(
        names(&["--sort", "name", "--desc"]),
        ["c-slack", "b-github", "a-stripe"]
    );
    assert_eq!(names(&["--status", "expired"]), ["a-stripe"]);
    assert_eq!(names(&["--search", "CHAT"]), ["c-slack"]);
    assert_eq!(names(&["--scope", "repo"]), ["b-github"]);
    assert_eq!(
        names(&["--source", "local", "--status", "active"]),
        ["b-github", "c-slack"]
    );
    let bad_sort = home.run(&["list", "--sort", "secret"], None);
    assert_eq!(bad_sort.code, 2, "{bad_sort:?}");
    assert!(
        bad_sort.stderr.contains("invalid value 'secret'")
            && bad_sort.stderr.contains("last_used_at"),
        "the error lists every field: {bad_sort:?}"
    );
    let human = home.run(&["list"], None).ok().stdout;
    assert!(
        human.starts_with("NAME")
            && human.contains("sk_live_…bbbb")
            && !human.contains("bbbbbbbbbbbbb")
    );
}

#[test]
fn errors_name_the_problem_and_the_fix_with_stable_exit_codes() {
    let home = Home::new();
    let missing = home.run(&["show", "no-such-key"], None);
    assert_eq!(missing.code, 3);
    assert_eq!(
        missing.stderr,
        "error: no key matches `no-such-key`\nhint: run `keydeck list` to see the names and ids in this vault\n"
    );
    let missing = home.run(&["reveal", "no-such-key", "--json"], None);
    assert_eq!(missing.code, 3);
    let body: serde_json::Value = serde_json::from_str(missing.stderr.trim()).unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no-such-key"));
    assert!(body["error"]["hint"].is_string());

    assert_eq!(home.run(&["list", "--source", "elsewhere"], None).code, 3);
    assert_eq!(home.run(&["frobnicate"], None).code, 2);
    assert_eq!(home.run(&["add"], None).code, 2);
    let bad_time = home.run(&["add", "x", "--expires", "next tuesday"], Some(b"s"));
    assert_eq!(bad_time.code, 2);
    assert!(bad_time.stderr.contains("RFC 3339"), "{bad_time:?}");

    home.add("dup", "secret-one", &[]);
    let dup = home.run(&["add", "dup"], Some(b"secret-two"));
    assert_eq!(dup.code, 1);
    assert!(
        dup.stderr
            .starts_with("error: a key named `dup` already exists\nhint: "),
        "{dup:?}"
    );
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let home = Home::new();
    let long_name = "n".repeat(10_000);
    let out = home.run(&["add", &long_name], Some(b"a-secret"));
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("at most 200 characters"), "{out:?}");
    assert!(
        out.stderr.len() < 1000,
        "the error does not echo the whole name back"
    );

    let out = home.run(
        &["add", "binary"],
        Some(&[0x73, 0x6b, 0xff, 0xfe, 0x00, 0x01]),
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("not valid UTF-8"), "{out:?}");

    let out = home.run(&["add", "empty"], Some(b""));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("the secret is empty") && out.stderr.contains("--generate"),
        "{out:?}"
    );

    let out = home.run(&["add", "huge"], Some(&vec![b'a'; 70_000]));
    assert_eq!(out.code, 1);

    let out = home.run(&["add", "ctrl\u{1b}[31m"], Some(b"s"));
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("control character"));

    assert!(home.list().is_empty(), "nothing was written");
}

#[test]
fn malformed_import_files_name_the_line_and_import_nothing() {
    let home = Home::new();
    let cases: &[(&str, &str, &str)] = &[
        (
            "keys.env",
            "GOOD=one\n# fine\nBAD LINE\n",
            "line 3: expected NAME=value",
        ),
        (
            "keys.env",
            "A=1\nB=\"unterminated\n",
            "line 2: the double quote is not closed",
        ),
        (
            "keys.json",
            "[\n {\"name\": \"a\", \"secret\": \"s\"},\n {\"name\": \"b\"}\n]\n",
            "line 3: missing field `secret`",
        ),
        ("keys.json", "{\"name\": \"a\"}", "line 1:"),
        ("keys.csv", "name,secret\nok,s1\nbad,s2,extra\n", "line 3:"),
        (
            "keys.csv",
            "name,token\na,b\n",
            "line 1: the header must name the columns `name` and `secret`",
        ),
    ];
    for (file, text, expected) in cases {
        let path = home.path().join(file);
        std::fs::write(&path, text).unwrap();
        let out = home.run(&["import", path.to_str().unwrap()], None);
        assert_eq!(out.code, 1, "{file}: {out:?}");
        assert!(
            out.stderr.contains(expected),
            "{file}: expected {expected:?} in {:?}",
            out.stderr
        );
    }
    let path = home.path().join("latin1.env");
    std::fs::write(&path, b"A=1\nB=caf\xe9\n").unwrap();
    let out = home.run(&["import", path.to_str().unwrap()], None);
    assert!(
        out.stderr.contains("line 2: the file is not valid UTF-8"),
        "{out:?}"
    );
    assert!(home.list().is_empty(), "no partial import");
}

#[test]
fn import_dry_run_duplicates_and_export_round_trip() {
    let home = Home::new();
    home.add("EXISTING", "existing-secret", &[]);
    let env = home.path().join("app.env");
    std::fs::write(&env, "export STRIPE_KEY=sk_test_1234567890abcdef\nEXISTING='other'\nDB_URL=\"postgres://u:p@h/db\"\n").unwrap();
    let env = env.to_str().unwrap();

    let refused = home.run(&["import", env], None);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("line 2: a key named `EXISTING` already exists"),
        "{refused:?}"
    );
    let dry = home
        .run(
            &[
                "import",
                env,
                "--dry-run",
                "--on-duplicate",
                "rename",
                "--json",
            ],
            None,
        )
        .ok()
        .json();
    assert_eq!(dry["added"].as_array().unwrap().len(), 3);
    assert_eq!(dry["added"][1]["name"], "EXISTING (2)");
    assert_eq!(home.list().len(), 1, "a dry run writes nothing");

    home.run(&["import", env, "--on-duplicate", "skip"], None)
        .ok();
    assert_eq!(
        home.run(&["reveal", "DB_URL"], None).ok().stdout,
        "postgres://u:p@h/db\n"
    );
    assert_eq!(home.list().len(), 3);

    let metadata = home.run(&["export"], None).ok();
    assert!(
        !metadata.stdout.contains("sk_test_1234567890abcdef")
            && !metadata.stdout.contains("existing-secret")
    );
    assert!(metadata.stderr.is_empty());
    let csv = home.run(&["export", "--format", "csv"], None).ok();
    assert!(csv.stdout.starts_with("id,name,mask,"));
    assert!(!csv.stdout.contains("sk_test_1234567890abcdef"));

    let full = home.run(&["export", "--include-secrets"], None).ok();
    assert!(full.stderr.starts_with("warning: "), "{full:?}");
    let other = Home::new();
    let file = other.path().join("export.json");
    std::fs::write(&file, &full.stdout).unwrap();
    other.run(&["import", file.to_str().unwrap()], None).ok();
    assert_eq!(
        other.run(&["reveal", "STRIPE_KEY"], None).ok().stdout,
        "sk_test_1234567890abcdef\n"
    );

    let full_csv = home
        .run(&["export", "--format", "csv", "--include-secrets"], None)
        .ok();
    let third = Home::new();
    let file = third.path().join("export.csv");
    std::fs::write(&file, &full_csv.stdout).unwrap();
    third.run(&["import", file.to_str().unwrap()], None).ok();
    assert_eq!(
        third.run(&["reveal", "EXISTING"], None).ok().stdout,
        "existing-secret\n"
    );
}

#[test]
fn show_edit_and_backup() {
    let home = Home::new();
    home.add("svc", "svc-secret-value-123456", &["--scope", "a"]);
    home.run(
        &[
            "edit",
            "svc",
            "--name",
            "service",
            "--scope",
            "b",
            "--scope",
            "c",
            "--notes",
            "owned by ops",
        ],
        None,
    )
    .ok();
    let detail = home.run(&["show", "service", "--json"], None).ok().json();
    assert_eq!(detail["scopes"], serde_json::json!(["b", "c"]));
    assert_eq!(detail["notes"], "owned by ops");
    let kinds: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "updated"]);
    let human = home.run(&["show", "service"], None).ok().stdout;
    assert!(human.contains("owned by ops") && human.contains("history"));

    let backup = home.path().join("backup.sqlite3");
    let backup = backup.to_str().unwrap();
    home.run(&["backup", backup], None).ok();
    let again = home.run(&["backup", backup], None);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"));
    let restored = Home::new();
    std::fs::copy(backup, restored.path().join("vault.sqlite3")).unwrap();
    assert_eq!(restored.list()[0]["name"], "service");
}

#[test]
fn without_a_keyring_adding_fails_with_exit_4_and_listing_still_works() {
    let home = Home::new();
    home.add("before", "listed-without-keyring", &[]);
    let no_bus = |args: &[&str], stdin: Option<&[u8]>| {
        let mut command = home.command(args);
        command.env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/keydeck-test-bus",
        );
        common::run(command, stdin)
    };
    let out = no_bus(&["add", "after", "--json"], Some(b"a-secret-value"));
    assert_eq!(out.code, 4, "{out:?}");
    let body: serde_json::Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(body["error"]["code"], "keyring_unavailable");
    assert!(body["error"]["hint"]
        .as_str()
        .unwrap()
        .contains("Secret Service"));

    let listed = no_bus(&["list", "--json"], None).ok().json();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["before"],
        "metadata lists; nothing was half written"
    );
    assert_eq!(no_bus(&["reveal", "before"], None).code, 4);
    assert_eq!(no_bus(&["doctor"], None).code, 4);
}

#[test]
fn a_locked_keyring_fails_with_exit_4_and_writes_nothing() {
    let home = Home::new();
    let keyring_home = tempfile::tempdir().unwrap();
    // A private session whose login keyring is created, then locked. With no display the
    // unlock prompt cannot show, which the Secret Service reports as a dismissed prompt.
    let script = r#"
        echo -n pw | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
        for _ in $(seq 50); do
          gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
            --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null | grep -q true && break
          sleep 0.1
        done
        echo -n warmup | secret-tool store --label warmup service keydeck-test username warmup
        gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
          --method org.freedesktop.Secret.Service.Lock "[objectpath '/org/freedesktop/secrets/collection/login']" >/dev/null
        echo -n a-locked-out-secret | "$KEYDECK" add locked --json
        echo "add_exit=$?" >&2
        "$KEYDECK" list --json
    "#;
    let mut command = std::process::Command::new("dbus-run-session");
    command
        .args(["--", "bash", "-c", script])
        .env("HOME", keyring_home.path())
        .env("XDG_DATA_HOME", keyring_home.path().join("data"))
        .env("KEYDECK_HOME", home.path())
        .env("KEYDECK", common::keydeck_bin())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    let out = common::run(command, None);
    assert!(out.stderr.contains("add_exit=4"), "{out:?}");
    assert!(out.stderr.contains("\"keyring_locked\""), "{out:?}");
    assert!(out.stderr.contains("unlock your login keyring"), "{out:?}");
    let listed: serde_json::Value =
        serde_json::from_str(out.stdout.trim()).expect("list still answers");
    assert_eq!(listed, serde_json::json!([]), "nothing was written");
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = Home::new().run(&["--version"], None).ok();
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    assert_eq!(
        out.stdout.trim(),
        format!("keydeck {} (commit {head})", env!("CARGO_PKG_VERSION"))
    );
}
