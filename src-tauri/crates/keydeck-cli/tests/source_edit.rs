//! Changing a source from the CLI (real keyring, real servers): `source edit` and
//! `source set-token` save nothing the server refuses, and a change it accepts replaces the
//! settings, the token and the cached listing together.

mod common;

use common::Home;
use serde_json::Value;

fn source_json(client: &Home) -> Value {
    let sources = client.run(&["source", "list", "--json"], None).ok().json();
    sources[0].clone()
}

fn names(client: &Home) -> Vec<String> {
    let out = client
        .run(&["list", "--source", "team", "--json"], None)
        .ok();
    let listing = out.json();
    let keys = listing["keys"].as_array().unwrap().iter();
    keys.map(|k| k["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_source_changes_only_to_settings_its_server_accepts() {
    let first_home = Home::new();
    first_home.add("alpha-first", "alpha-secret-0123456789abcdef", &[]);
    let second_home = Home::new();
    second_home.add("beta-second", "beta-secret-0123456789abcdef", &[]);
    let first = common::serve(&first_home, "002", &[]);
    let second = common::serve(&second_home, "000", &[]);

    let client = Home::new();
    let add = [
        "source",
        "add",
        "team",
        "--url",
        &first.url,
        "--dialect",
        "002",
    ];
    client.run(&add, Some(first.token.as_bytes())).ok();
    assert_eq!(names(&client), ["alpha-first"]);

    // The second server refuses the first one's token: nothing changes.
    let edit = [
        "source",
        "edit",
        "team",
        "--url",
        &second.url,
        "--dialect",
        "000",
    ];
    let refused = client.run(&edit, None);
    assert_eq!(refused.code, 5, "{refused:?}");
    assert!(
        refused.stderr.contains("nothing was saved"),
        "{}",
        refused.stderr
    );
    assert_eq!(source_json(&client)["url"], format!("{}/", first.url));
    assert_eq!(names(&client), ["alpha-first"]);

    // A token the source's server refuses does not replace the one that works.
    let wrong = client.run(
        &["source", "set-token", "team"],
        Some(second.token.as_bytes()),
    );
    assert_eq!(wrong.code, 5, "{wrong:?}");
    client.run(&["source", "sync", "team"], None).ok();

    // Saved unchecked, it is the token from then on; the move to the second server, which
    // takes it, is then accepted: its settings, its listing.
    client
        .run(
            &["source", "set-token", "team", "--no-sync"],
            Some(second.token.as_bytes()),
        )
        .ok();
    assert_eq!(client.run(&["source", "sync", "team"], None).code, 5);
    let moved = client.run(&edit, None).ok();
    assert!(
        moved.stdout.contains("changed source team (dialect 000"),
        "{}",
        moved.stdout
    );
    let source = source_json(&client);
    assert_eq!(source["url"], format!("{}/", second.url));
    assert_eq!(source["dialect"], "000");
    assert_eq!(names(&client), ["beta-second"]);

    // One setting at a time; "" unsets it.
    let template = "DELETE /api/v1/user/api-keys/{id}";
    client
        .run(&["source", "edit", "team", "--revoke", template], None)
        .ok();
    assert_eq!(source_json(&client)["revoke_template"], template);
    client
        .run(&["source", "edit", "team", "--revoke", ""], None)
        .ok();
    assert_eq!(source_json(&client)["revoke_template"], Value::Null);
}
