//! The CLI against the real Secret Service (gnome-keyring started by scripts/session.sh).

mod common;

use common::{key_secret, keydeck_bin, secret_tool_lookup, Home};

#[test]
fn a_key_added_with_the_cli_is_in_the_keyring_until_revoked() {
    let home = Home::new();
    let secret = common::canary("keyring");
    let id = home.add("payments", &secret, &["--scope", "charges:write"]);

    assert_eq!(
        key_secret(home.path(), &id).as_deref(),
        Some(secret.as_str())
    );
    assert_eq!(
        home.run(&["reveal", &id], None).ok().stdout,
        format!("{secret}\n")
    );

    home.run(&["revoke", "payments", "--reason", "rotated out"], None)
        .ok();
    assert_eq!(
        key_secret(home.path(), &id),
        None,
        "revoke deletes the secret"
    );
    let listed = home.list();
    assert_eq!(listed.len(), 1, "the row stays");
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["status"], "revoked");
    assert_eq!(listed[0]["revoke_reason"], "rotated out");

    let reveal = home.run(&["reveal", "payments"], None);
    assert_eq!(reveal.code, 1);
    assert!(reveal.stderr.contains("revoked"), "{reveal:?}");
    assert!(reveal.stdout.is_empty());
}

#[test]
fn rm_deletes_row_and_secret_rotate_replaces_the_secret() {
    let home = Home::new();
    let id = home.add("svc", "first-secret-value-0001", &[]);
    let rotated = home
        .run(
            &["rotate", "svc", "--json"],
            Some(b"second-secret-value-0002\n"),
        )
        .ok();
    assert_eq!(rotated.json()["id"], id.as_str());
    assert_eq!(rotated.json()["mask"], "second-…0002");
    assert_eq!(
        key_secret(home.path(), &id).as_deref(),
        Some("second-secret-value-0002")
    );

    let refused = home.run(&["rm", "svc"], None);
    assert_eq!(
        refused.code, 2,
        "rm without --yes is a usage error: {refused:?}"
    );
    assert!(key_secret(home.path(), &id).is_some());

    home.run(&["rm", "svc", "--yes"], None).ok();
    assert!(home.list().is_empty());
    assert_eq!(key_secret(home.path(), &id), None);
}

#[test]
fn generated_secrets_have_the_prefix_and_are_never_printed_by_add() {
    let home = Home::new();
    let out = home
        .run(&["add", "gen", "--generate", "--prefix", "kd_live_"], None)
        .ok();
    let id = home.list()[0]["id"].as_str().unwrap().to_string();
    let secret = key_secret(home.path(), &id).expect("stored");
    let body = secret.strip_prefix("kd_live_").expect("prefixed");
    assert_eq!(body.len(), 43);
    assert!(body.chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(!out.stdout.contains(&secret) && !out.stderr.contains(&secret));
}

#[test]
fn doctor_finds_and_repairs_orphans_in_the_real_keyring() {
    let home = Home::new();
    let id = home.add("kept", "kept-secret-000000000", &[]);
    let doctor = home.run(&["doctor", "--json"], None).ok().json();
    assert_eq!(doctor["healthy"], true, "{doctor}");
    assert_eq!(doctor["keyring"]["status"], "ok");

    // An orphan of this vault: a secret tagged with its vault id but no row.
    let vault_id = vault_id(&home);
    let orphan = "key/00000000-0000-4000-8000-00000000beef";
    let orphan_user = format!("{vault_id}/{orphan}");
    let mut store = std::process::Command::new("secret-tool");
    store.args([
        "store",
        "--label",
        "orphan",
        "service",
        "keydeck",
        "username",
        &orphan_user,
        "keydeck_vault",
        &vault_id,
        "target",
        "default",
        "application",
        "rust-keyring",
    ]);
    let out = common::run(store, Some(b"orphan-secret"));
    assert_eq!(out.code, 0, "{out:?}");

    let doctor = home.run(&["doctor", "--json"], None);
    assert_eq!(doctor.code, 1);
    assert_eq!(doctor.json()["orphan_secrets"], serde_json::json!([orphan]));
    let repaired = home
        .run(&["doctor", "--repair", "--json"], None)
        .ok()
        .json();
    assert_eq!(repaired["healthy"], true, "{repaired}");
    assert_eq!(secret_tool_lookup(&orphan_user), None);
    assert!(
        key_secret(home.path(), &id).is_some(),
        "the real key's secret is untouched"
    );
}

fn vault_id(home: &Home) -> String {
    let doctor = home.run(&["doctor", "--json"], None).ok().json();
    doctor["vault_id"]
        .as_str()
        .expect("doctor names the vault id")
        .to_string()
}

#[test]
fn an_import_on_a_terminal_counts_the_secrets_stored_in_the_keyring() {
    let home = Home::new();
    let file = home.path().join("three.env");
    std::fs::write(
        &file,
        "ONE=sk_live_progress_one_0123456789\nTWO=sk_live_progress_two_0123456789\nTHREE=sk_live_progress_three_012345\n",
    )
    .unwrap();
    // `script` gives keydeck a terminal, as a person's shell would.
    let shell = format!("{} import {}", keydeck_bin(), file.display());
    let out = std::process::Command::new("script")
        .args(["--quiet", "--return", "--command", &shell, "/dev/null"])
        .env("KEYDECK_HOME", home.path())
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    for n in 1..=3 {
        let line = format!("storing secrets in the keyring: {n}/3");
        assert!(shown.contains(&line), "no {line:?} in:\n{shown}");
    }
    // Written in one keyring session, each secret is still the item keyring itself would
    // find, and `doctor` (which searches by the vault's attribute) sees no orphan or gap.
    let listed = home.list();
    assert_eq!(listed.len(), 3);
    let lines = std::fs::read_to_string(&file).unwrap();
    for (name, secret) in lines.lines().filter_map(|l| l.split_once('=')) {
        let row = listed.iter().find(|k| k["name"] == name).expect(name);
        let id = row["id"].as_str().unwrap();
        assert_eq!(key_secret(home.path(), id).as_deref(), Some(secret));
        assert_eq!(
            home.run(&["reveal", name], None).ok().stdout,
            format!("{secret}\n")
        );
    }
    let doctor = home.run(&["doctor", "--json"], None).ok().json();
    assert_eq!(doctor["healthy"], true, "{doctor}");
    home.run(&["rm", "ONE", "--yes"], None).ok();
    let one = listed.iter().find(|k| k["name"] == "ONE").unwrap();
    assert_eq!(key_secret(home.path(), one["id"].as_str().unwrap()), None);

    // Piped, the output is the plan alone: no progress to get in the way of a script.
    let again = home.path().join("more.env");
    std::fs::write(&again, "FOUR=sk_live_progress_four_0123456789\n").unwrap();
    let piped = home.run(&["import", again.to_str().unwrap()], None).ok();
    assert!(!piped.stderr.contains("storing"), "{piped:?}");
}
