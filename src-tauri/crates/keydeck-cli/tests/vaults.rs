//! One keyring space per vault, against the real Secret Service: two vaults (two homes, or a
//! vault file copied beside its original) can never read, overwrite or delete each other's
//! secrets, whatever their keys and sources are called.

mod common;

use common::{key_secret, Home};

/// Adds a source `demo` to `home` over `served`, with `served`'s token.
fn add_demo(home: &Home, served: &common::Served) {
    home.run(
        &[
            "source",
            "add",
            "demo",
            "--url",
            served.url.as_str(),
            "--dialect",
            "002",
        ],
        Some(served.token.as_bytes()),
    )
    .ok();
}

fn sync_demo(home: &Home) -> common::Output {
    home.run(&["source", "sync", "demo", "--json"], None)
}

#[test]
fn two_vaults_with_a_source_of_the_same_name_each_send_their_own_token() {
    let (server_a, server_b) = (Home::new(), Home::new());
    server_a.add("only-on-a", "secret-of-server-a-000001", &[]);
    server_b.add("only-on-b", "secret-of-server-b-000002", &[]);
    let served_a = common::serve(&server_a, "002", &[]);
    let served_b = common::serve(&server_b, "002", &[]);
    assert_ne!(served_a.token, served_b.token);

    let (a, b) = (Home::new(), Home::new());
    add_demo(&a, &served_a);
    add_demo(&b, &served_b);
    // Each server accepts only its own token: a sync with the other's is refused (401).
    let synced_a = sync_demo(&a);
    assert_eq!(
        synced_a.code, 0,
        "vault A sent the wrong token: {synced_a:?}"
    );
    let synced_b = sync_demo(&b);
    assert_eq!(
        synced_b.code, 0,
        "vault B sent the wrong token: {synced_b:?}"
    );
    let names = |home: &Home| -> Vec<String> {
        home.run(&["list", "--source", "demo", "--json"], None)
            .ok()
            .json()["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&a), ["only-on-a"]);
    assert_eq!(names(&b), ["only-on-b"]);

    // Removing B's source leaves A's credential, and A, working.
    b.run(&["source", "rm", "demo"], None).ok();
    let again = sync_demo(&a);
    assert_eq!(
        again.code, 0,
        "A lost its token when B removed its source: {again:?}"
    );
    assert!(a.run(&["doctor", "--json"], None).ok().json()["healthy"] == true);
}

#[test]
fn a_copied_vault_file_has_its_own_secrets_and_its_doctor_spares_the_original() {
    let original = Home::new();
    let kept = original.add("kept", "kept-secret-value-0000001", &[]);
    let shared = original.add("shared", "shared-secret-value-00002", &[]);
    let copy = Home::new();
    for file in std::fs::read_dir(original.path()).unwrap() {
        let file = file.unwrap().path();
        std::fs::copy(&file, copy.path().join(file.file_name().unwrap())).unwrap();
    }
    // The copy lists, reveals and gets its own id (its own keyring space).
    assert_eq!(copy.list().len(), 2);
    assert_eq!(
        copy.run(&["reveal", "shared"], None).ok().stdout,
        "shared-secret-value-00002\n"
    );
    assert_ne!(
        common::vault_id(copy.path()),
        common::vault_id(original.path())
    );

    // The original goes on: a key added after the copy was made, one revoked in the copy.
    let later = original.add("later", "later-secret-value-000003", &[]);
    copy.run(&["revoke", "shared"], None).ok();
    copy.run(&["rotate", "kept"], Some(b"rotated-in-the-copy-00004"))
        .ok();
    let repaired = copy
        .run(&["doctor", "--repair", "--json"], None)
        .ok()
        .json();
    assert_eq!(repaired["healthy"], true, "{repaired}");

    // Nothing the original needs was touched.
    for (id, secret) in [
        (&kept, "kept-secret-value-0000001"),
        (&shared, "shared-secret-value-00002"),
        (&later, "later-secret-value-000003"),
    ] {
        assert_eq!(key_secret(original.path(), id).as_deref(), Some(secret));
    }
    let doctor = original.run(&["doctor", "--json"], None).ok().json();
    assert_eq!(doctor["healthy"], true, "{doctor}");
    assert_eq!(
        copy.run(&["reveal", "kept"], None).ok().stdout,
        "rotated-in-the-copy-00004\n"
    );
}
