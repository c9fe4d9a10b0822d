//! Every source at once: `list --all` over the vault and two servers of different dialects,
//! and `revoke --tag/--search … --yes` across sources with its per-key report.

mod common;

use chrono::{Duration, Utc};
use common::{Home, Output};
use serde_json::Value;

fn names_and_sources(listed: &Value) -> Vec<(String, String)> {
    listed
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|k| {
            let field = |f: &str| k[f].as_str().unwrap().to_string();
            (field("name"), field("source"))
        })
        .collect()
}

fn add_source(client: &Home, name: &str, served: &common::Served, dialect: &str, extra: &[&str]) {
    let mut args = vec![
        "source",
        "add",
        name,
        "--url",
        &served.url,
        "--dialect",
        dialect,
    ];
    args.extend_from_slice(extra);
    client.run(&args, Some(served.token.as_bytes())).ok();
}

fn in_days(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339()
}

/// A server's vault: `(name, secret, extra add args)` for each key.
fn server(keys: &[(&str, &[&str])]) -> Home {
    let home = Home::new();
    for (name, extra) in keys {
        home.add(name, &format!("{name}-secret-0123456789abcdef"), extra);
    }
    home
}

#[test]
fn list_all_shows_every_source_in_one_listing() {
    let soon = in_days(3);
    let team_home = server(&[("beta-team", &["--expires", &soon]), ("Gamma-team", &[])]);
    let ops_home = server(&[("delta-ops", &[])]);
    let team = common::serve(&team_home, "002", &[]);
    let ops = common::serve(&ops_home, "000", &[]);

    let client = Home::new();
    let local_soon = in_days(2);
    client.add("Zeta-local", "zeta-secret-0123456789abcdef", &[]);
    client.add(
        "alpha-local",
        "alpha-secret-0123456789abcdef",
        &[
            "--env",
            "staging",
            "--notes",
            "rotate from the billing dashboard",
            "--expires",
            &local_soon,
        ],
    );
    add_source(&client, "team", &team, "002", &[]);
    add_source(&client, "ops", &ops, "000", &[]);

    // One listing, names in the order people read them (case aside), each with its source.
    let all = client.run(&["list", "--all", "--json"], None).ok().json();
    let expected: Vec<(String, String)> = [
        ("alpha-local", "local"),
        ("beta-team", "team"),
        ("delta-ops", "ops"),
        ("Gamma-team", "team"),
        ("Zeta-local", "local"),
    ]
    .iter()
    .map(|(n, s)| (n.to_string(), s.to_string()))
    .collect();
    assert_eq!(names_and_sources(&all), expected);
    let same = client
        .run(&["list", "--source", "all", "--json"], None)
        .ok()
        .json();
    assert_eq!(same, all, "--source all is --all");

    let table = client.run(&["list", "--all"], None).ok().stdout;
    let header = table.lines().next().unwrap();
    assert!(
        header.starts_with("NAME") && header.contains("SOURCE"),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("delta-ops") && l.contains(" ops ")),
        "{table}"
    );

    // The daily cron: what expires soon, wherever it is.
    let expiring = client
        .run(&["list", "--all", "--status", "expiring", "--json"], None)
        .ok()
        .json();
    let names: Vec<String> = names_and_sources(&expiring)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["alpha-local", "beta-team"]);

    // A search matches env and notes too.
    for search in ["staging", "billing dash"] {
        let found = client
            .run(&["list", "--all", "--search", search, "--json"], None)
            .ok()
            .json();
        assert_eq!(
            names_and_sources(&found),
            [("alpha-local".into(), "local".into())],
            "{search}"
        );
    }

    // `all` means every source, so no source may take that name.
    let refused = client.run(
        &[
            "source",
            "add",
            "all",
            "--url",
            &ops.url,
            "--dialect",
            "000",
        ],
        Some(b"t"),
    );
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused.stderr.contains("`all` means every source"),
        "{refused:?}"
    );

    // A server gone: --sync still lists everything, warns, and says so in its exit code.
    drop(ops);
    let synced: Output = client.run(&["list", "--all", "--sync", "--json"], None);
    assert_eq!(synced.code, 5, "{synced:?}");
    assert_eq!(names_and_sources(&synced.json()), expected);
    assert!(
        synced
            .stderr
            .contains("warning: source ops: its last sync failed"),
        "{}",
        synced.stderr
    );
}

#[test]
fn revoke_matching_keys_across_sources_reports_each_key() {
    let team_home = server(&[("ci-team", &["--tag", "ci"]), ("web-team", &[])]);
    let team = common::serve(&team_home, "002", &["--allow-revoke"]);
    let client = Home::new();
    client.add(
        "ci-local",
        "ci-local-secret-0123456789abcdef",
        &["--tag", "ci"],
    );
    client.add("web-local", "web-local-secret-0123456789abcdef", &[]);
    add_source(
        &client,
        "team",
        &team,
        "002",
        &["--revoke", "DELETE /api/v1/api-keys/{id}"],
    );
    // The cached listing has no tags for remote keys: search by name across both sources.
    let listed = |client: &Home| client.run(&["list", "--all", "--json"], None).ok().json();
    let before = listed(&client);

    // Without --yes: the keys it would revoke, and nothing revoked.
    let asked = client.run(&["revoke", "--search", "ci-", "--reason", "CI moved"], None);
    assert_eq!(asked.code, 2, "{asked:?}");
    assert!(
        asked.stdout.contains("ci-local") && asked.stdout.contains("ci-team"),
        "{asked:?}"
    );
    assert!(asked.stderr.contains("--yes"), "{asked:?}");
    assert_eq!(listed(&client), before, "nothing changed without --yes");

    // Without a reason: refused before any key is touched.
    let no_reason = client.run(&["revoke", "--search", "ci-", "--yes"], None);
    assert_eq!(no_reason.code, 2, "{no_reason:?}");
    assert_eq!(listed(&client), before);

    let done = client
        .run(
            &["revoke", "--search", "ci-", "--reason", "CI moved", "--yes"],
            None,
        )
        .ok();
    assert!(done.stdout.contains("revoked ci-local"), "{done:?}");
    assert!(done.stdout.contains("revoked ci-team"), "{done:?}");
    assert!(done.stdout.contains("2 revoked, 0 failed"), "{done:?}");
    let after = listed(&client);
    let status = |name: &str| {
        let key = after
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == name)
            .unwrap();
        key["status"].as_str().unwrap().to_string()
    };
    assert_eq!(status("ci-local"), "revoked");
    assert_eq!(
        status("ci-team"),
        "revoked",
        "revoked on its server and listed again"
    );
    assert_eq!(status("web-local"), "active");
    assert_eq!(status("web-team"), "active");
    let server_side = team_home
        .run(&["show", "ci-team", "--json"], None)
        .ok()
        .json();
    assert_eq!(server_side["status"], "revoked");
    let local = client
        .run(&["show", "ci-local", "--json"], None)
        .ok()
        .json();
    assert_eq!(local["revoke_reason"], "CI moved");

    // A source nobody has is an error, not "nothing to revoke".
    let typo = client.run(
        &[
            "revoke", "--search", "ci-", "--source", "tema", "--reason", "x", "--yes",
        ],
        None,
    );
    assert_eq!(typo.code, 3, "{typo:?}");
    assert!(typo.stderr.contains("no source named `tema`"), "{typo:?}");

    // A tag filter on the vault; nothing left to revoke is said, not an error.
    let again = client
        .run(&["revoke", "--tag", "ci", "--reason", "x", "--yes"], None)
        .ok();
    assert!(again.stderr.contains("nothing to revoke"), "{again:?}");

    // A key that fails (its source has no revoke request) is reported; the others go on.
    let plain_home = server(&[("ci-plain", &[])]);
    let plain = common::serve(&plain_home, "002", &[]);
    add_source(&client, "plain", &plain, "002", &[]);
    client.add("ci-local-2", "ci-local-2-secret-0123456789abcdef", &[]);
    let mixed = client.run(
        &[
            "revoke", "--search", "ci-", "--reason", "CI moved", "--yes", "--json",
        ],
        None,
    );
    assert_eq!(mixed.code, 5, "{mixed:?}");
    let report = mixed.json();
    assert_eq!(
        (report["done"].as_u64(), report["failed"].as_u64()),
        (Some(1), Some(1)),
        "{report}"
    );
    let failed = report["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| !k["error"].is_null())
        .unwrap();
    assert_eq!(failed["name"], "ci-plain");
    assert_eq!(failed["error"]["code"], "remote");
    assert_eq!(
        failed["error"]["remote"]["kind"], "no_revoke_template",
        "{failed}"
    );
}

#[test]
fn a_revoked_key_its_server_stops_listing_is_reported_gone() {
    // Dialect 004 does not list revoked keys: after the revoke, the key is gone.
    let server_home = server(&[("gone-soon", &[]), ("stays", &[])]);
    let served = common::serve(&server_home, "004", &["--allow-revoke"]);
    let client = Home::new();
    let template = "DELETE /api/v1/users/{user_id}/auth/keys/{id}";
    add_source(
        &client,
        "users",
        &served,
        "004",
        &["--user-id", "u1", "--revoke", template],
    );
    let done = client
        .run(&["revoke", "gone-soon", "--source", "users"], None)
        .ok();
    assert!(done.stdout.contains("it is no longer listed"), "{done:?}");
    let left = client
        .run(&["list", "--source", "users", "--json"], None)
        .ok()
        .json();
    let names: Vec<&str> = left["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["stays"]);
}
