//! A canary secret, planted first, must show up nowhere but in `reveal` and
//! `export --include-secrets`: not in any file under KEYDECK_HOME (database, WAL, SHM,
//! backups), not in any other command's output, not in error messages.

mod common;

use common::{contains, Home, Output};

fn assert_clean(home: &Home, canary: &str, what: &str, out: &Output) {
    // The mask shows the readable prefix and the last 4 characters; the rest must stay hidden.
    let hidden = &canary[10..canary.len() - 4];
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !text.contains(hidden),
            "`{what}` printed the canary on {stream}: {text}"
        );
    }
    for file in home.files() {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !contains(&bytes, hidden),
            "after `{what}` the canary is in {}",
            file.display()
        );
    }
}

#[test]
fn the_canary_secret_appears_only_where_it_was_asked_for() {
    let home = Home::new();
    let canary = common::canary("cli");
    let add = home.run(
        &[
            "add",
            "canary-key",
            "--scope",
            "read",
            "--tag",
            "t",
            "--notes",
            "a note",
            "--json",
        ],
        Some(canary.as_bytes()),
    );
    assert_clean(&home, &canary, "add", &add.ok());

    let env = home.path().join("other.env");
    std::fs::write(
        &env,
        "OTHER_ONE=other-secret-aaaaaaaaaaaa\nOTHER_TWO=other-secret-bbbbbbbbbbbb\n",
    )
    .unwrap();
    let env = env.to_str().unwrap().to_string();
    let backup = home
        .path()
        .join("backup.sqlite3")
        .to_str()
        .unwrap()
        .to_string();
    // A template whose second reference fails: inject writes nothing and prints no secret.
    let template = home.path().join("app.env.tpl");
    std::fs::write(
        &template,
        "A={{ keydeck://canary-key }}\nB={{ keydeck://no-such-key }}\n",
    )
    .unwrap();
    let template = template.to_str().unwrap().to_string();
    let commands: Vec<(Vec<&str>, Option<&[u8]>)> = vec![
        (vec!["list"], None),
        // Into a process: never printed by keydeck, also when the command cannot start.
        (vec!["run", "--key", "canary-key", "--", "true"], None),
        (
            vec!["run", "--key", "canary-key", "--", "no-such-program-kd"],
            None,
        ),
        (vec!["run", "--key", "canary-key=9BAD", "--", "true"], None),
        (vec!["inject", "-i", &template], None),
        (vec!["list", "--json"], None),
        (
            vec![
                "list",
                "--search",
                "canary",
                "--status",
                "active",
                "--sort",
                "created_at",
            ],
            None,
        ),
        (vec!["show", "canary-key"], None),
        (vec!["show", "canary-key", "--json"], None),
        (vec!["edit", "canary-key", "--env", "prod", "--json"], None),
        (vec!["import", &env, "--dry-run"], None),
        (vec!["import", &env, "--json"], None),
        (vec!["rotate", "OTHER_ONE", "--generate"], None),
        (vec!["revoke", "OTHER_ONE", "--reason", "test"], None),
        (vec!["rm", "OTHER_TWO", "--yes"], None),
        (vec!["export"], None),
        (vec!["export", "--format", "csv"], None),
        (vec!["backup", &backup], None),
        (vec!["doctor"], None),
        (vec!["doctor", "--json", "--repair"], None),
        // Errors that carry the canary on stdin must not echo it.
        (vec!["add", "canary-key"], Some(canary.as_bytes())),
        (
            vec!["add", "bad\u{7}name", "--json"],
            Some(canary.as_bytes()),
        ),
        (vec!["rotate", "no-such-key"], Some(canary.as_bytes())),
    ];
    for (args, stdin) in &commands {
        let out = home.run(args, *stdin);
        assert_clean(&home, &canary, &args.join(" "), &out);
    }

    // The two places that print it, on request.
    let reveal = home.run(&["reveal", "canary-key"], None).ok();
    assert_eq!(reveal.stdout, format!("{canary}\n"));
    assert!(!reveal.stderr.contains(&canary));
    let export = home.run(&["export", "--include-secrets"], None).ok();
    assert!(export.stdout.contains(&canary));
    assert!(!export.stderr.contains(&canary));
    // Still nowhere on disk after it was revealed and exported.
    assert_clean(
        &home,
        &canary,
        "reveal + export --include-secrets",
        &Output {
            code: 0,
            stdout: String::new(),
            stderr: String::new(),
        },
    );
    // Finally: revoke deletes it from the keyring too.
    let id = home
        .list()
        .iter()
        .find(|k| k["name"] == "canary-key")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        common::key_secret(home.path(), &id).as_deref(),
        Some(canary.as_str())
    );
    home.run(&["revoke", "canary-key"], None).ok();
    assert_eq!(common::key_secret(home.path(), &id), None);
}

#[test]
fn a_remote_token_and_a_full_remote_key_never_leak() {
    let server = Home::new();
    let full_key = common::canary("remote");
    server.add("remote-canary", &full_key, &["--scope", "read"]);
    let served = common::serve(&server, "001", &[]);
    let token = served.token.clone();

    let client = Home::new();
    let mut outputs = Vec::new();
    let add = client.run(
        &[
            "source",
            "add",
            "acme",
            "--url",
            &served.url,
            "--dialect",
            "001",
        ],
        Some(token.as_bytes()),
    );
    outputs.push(("source add", add.ok()));
    for args in [
        vec!["list", "--source", "acme"],
        vec!["list", "--source", "acme", "--json"],
        vec!["source", "list"],
        vec!["source", "list", "--json"],
        vec!["source", "sync", "acme", "--json"],
        vec!["show", "remote-canary", "--source", "acme", "--json"],
        vec!["revoke", "remote-canary", "--source", "acme"],
        vec!["export", "--include-secrets"],
        vec!["doctor", "--json"],
    ] {
        outputs.push(("command", client.run(&args, None)));
    }
    // A wrong token, then the stale listing.
    outputs.push((
        "set-token",
        client.run(&["source", "set-token", "acme"], Some(b"wrong-token-value")),
    ));
    outputs.push((
        "stale list",
        client.run(&["list", "--source", "acme", "--json"], None),
    ));
    outputs.push((
        "failed sync",
        client.run(&["source", "sync", "acme", "--json"], None),
    ));

    for (what, out) in &outputs {
        for secret in [&full_key, &token] {
            assert!(
                !out.stdout.contains(secret.as_str()) && !out.stderr.contains(secret.as_str()),
                "{what} printed a secret: {out:?}"
            );
        }
    }
    for file in client.files() {
        let bytes = std::fs::read(&file).unwrap();
        for secret in [&full_key, &token] {
            assert!(
                !contains(&bytes, secret),
                "a secret is in {}",
                file.display()
            );
        }
    }
    // Asked for explicitly, the full key is there, from the keyring.
    let revealed = client
        .run(&["reveal", "remote-canary", "--source", "acme"], None)
        .ok();
    assert_eq!(revealed.stdout, format!("{full_key}\n"));
}
