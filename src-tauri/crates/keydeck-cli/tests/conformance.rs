//! The conformance suite: for every dialect, `keydeck serve` over a real vault and the
//! client (`keydeck source add` + `list --source`) must agree on ids, names, scopes, status,
//! dates and masks, as far as each dialect can carry them. Plus 10,000 keys over 002 paging,
//! errors through the CLI, offline listing from the cache, remote revoke, and source removal.

mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::Utc;
use common::{secret_tool_lookup, Home, Served};
use keydeck_core::remote::DialectId;
use keydeck_testkit::openapi::Recorder;
use keydeck_testkit::Reach;
use serde_json::Value;

const DIALECTS: [&str; 5] = ["000", "001", "002", "003", "004"];

/// A vault with one key in every state.
fn served_vault() -> (Home, BTreeMap<String, String>) {
    let home = Home::new();
    let soon = (Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let mut secrets = BTreeMap::new();
    for (name, secret, extra) in [
        (
            "alpha",
            "sk_live_alpha_0123456789abcdef",
            vec![
                "--scope",
                "read",
                "--scope",
                "write",
                "--env",
                "prod",
                "--expires",
                "2031-01-01T00:00:00Z",
            ],
        ),
        (
            "beta",
            "kd_test_beta_abcdefghijklmnop",
            vec!["--scope", "read", "--expires", soon.as_str()],
        ),
        (
            "gamma",
            "gamma-secret-value-000000000",
            vec!["--expires", "2020-01-01T00:00:00Z"],
        ),
        (
            "delta",
            "delta_secret_value_111111111",
            vec!["--scope", "admin"],
        ),
        ("epsilon", "epsilon-secret-22222222222", vec![]),
    ] {
        home.add(name, secret, &extra);
        secrets.insert(name.to_string(), secret.to_string());
    }
    home.run(&["revoke", "delta", "--reason", "old"], None).ok();
    home.run(&["reveal", "alpha"], None).ok(); // sets last_used_at
    (home, secrets)
}

fn by_name(keys: &Value) -> BTreeMap<String, Value> {
    keys.as_array()
        .unwrap()
        .iter()
        .map(|k| (k["name"].as_str().unwrap().to_string(), k.clone()))
        .collect()
}

fn add_source(
    client: &Home,
    name: &str,
    served: &impl Reach,
    dialect: &str,
    extra: &[&str],
) -> common::Output {
    let mut args = vec![
        "source",
        "add",
        name,
        "--url",
        served.url(),
        "--dialect",
        dialect,
        "--user-id",
        "u1",
    ];
    args.extend_from_slice(extra);
    client.run(&args, Some(served.token().as_bytes()))
}

/// One test per dialect: a failing dialect does not hide the others.
macro_rules! per_dialect {
    ($($test:ident => $dialect:literal,)*) => {
        $(
            #[test]
            fn $test() {
                round_trip($dialect);
            }
        )*
    };
}

per_dialect! {
    dialect_000_round_trips_the_vault => "000",
    dialect_001_round_trips_the_vault => "001",
    dialect_002_round_trips_the_vault => "002",
    dialect_003_round_trips_the_vault => "003",
    dialect_004_round_trips_the_vault => "004",
}

/// `keydeck serve` over a vault with a key in every state, and the client through a proxy
/// that records every answer: they agree on every field the dialect carries, and every
/// answer is what the dialect's OpenAPI document says.
fn round_trip(dialect: &str) {
    let (server_home, secrets) = served_vault();
    let vault = by_name(&server_home.run(&["list", "--json"], None).ok().json());
    {
        let served = common::serve(&server_home, dialect, &[]);
        let recorder = Recorder::start(&served.url);
        let proxied = Served::at(&recorder.url, &served.token);
        let client = Home::new();
        let added = add_source(&client, "remote", &proxied, dialect, &[]).ok();
        assert!(added.stdout.contains("synced remote:"), "{added:?}");
        let listing = client
            .run(&["list", "--source", "remote", "--json"], None)
            .ok()
            .json();
        assert_eq!(listing["stale"], false);
        assert!(listing["synced_at"].is_string());
        let got = by_name(&listing["keys"]);

        let listed_names: Vec<&String> = vault
            .iter()
            .filter(|(_, k)| !(matches!(dialect, "003" | "004") && k["status"] == "revoked"))
            // 001 cannot say a key expired: an expired key is not listed as working.
            .filter(|(_, k)| !(dialect == "001" && k["status"] == "expired"))
            .map(|(name, _)| name)
            .collect();
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            listed_names,
            "dialect {dialect}: names"
        );

        for (name, key) in &got {
            let want = &vault[name];
            let what = format!("dialect {dialect}, key {name}");
            assert_eq!(key["id"], want["id"], "{what}: id");
            assert_eq!(key["source"], "remote", "{what}");
            let expected_status = match dialect {
                "000" | "001" if want["status"] == "revoked" => "revoked",
                "000" | "001" => "active", // no expiry in these APIs
                "003" => "unknown",
                _ => want["status"].as_str().unwrap(),
            };
            assert_eq!(key["status"], expected_status, "{what}: status");
            if matches!(dialect, "000" | "002") {
                assert_eq!(key["scopes"], want["scopes"], "{what}: scopes");
            }
            if dialect != "003" {
                assert_eq!(key["created_at"], want["created_at"], "{what}: created_at");
            }
            if matches!(dialect, "000" | "001" | "002") {
                assert_eq!(
                    key["last_used_at"], want["last_used_at"],
                    "{what}: last_used_at"
                );
            }
            if matches!(dialect, "002" | "004") {
                assert_eq!(key["expires_at"], want["expires_at"], "{what}: expires_at");
            }
            if dialect == "002" {
                assert_eq!(key["revoked_at"], want["revoked_at"], "{what}: revoked_at");
            }
            let vault_mask = want["mask"].as_str().unwrap();
            match dialect {
                "002" => assert_eq!(
                    key["mask"].as_str().unwrap(),
                    format!("{}…", vault_mask.split('…').next().unwrap()),
                    "{what}: mask"
                ),
                "003" => assert_eq!(key["mask"], "", "{what}: 003 has no secret"),
                _ => assert_eq!(key["mask"].as_str().unwrap(), vault_mask, "{what}: mask"),
            }
            if dialect == "001" {
                assert_eq!(key["env"], want["env"], "{what}: env");
            }
            if dialect == "003" {
                assert!(
                    key["details"]["status_note"].is_string(),
                    "{what}: says why the status is unknown"
                );
            }
        }
        // 001 and 004 return full keys: reveal works like a vault key's.
        if matches!(dialect, "001" | "004") {
            let revealed = client
                .run(&["reveal", "alpha", "--source", "remote"], None)
                .ok();
            assert_eq!(revealed.stdout, format!("{}\n", secrets["alpha"]));
        } else {
            let refused = client.run(&["reveal", "alpha", "--source", "remote"], None);
            assert_eq!(refused.code, 5, "{refused:?}");
        }

        // A wrong token is refused in the dialect's own envelope.
        let refused = add_source(
            &client,
            "refused",
            &Served::at(&recorder.url, "wrong-token-0001"),
            dialect,
            &["--no-sync"],
        );
        assert_eq!(refused.code, 0, "{refused:?}");
        let refused = client.run(&["source", "sync", "refused"], None);
        assert_eq!(refused.code, 5, "{refused:?}");

        // Detection finds the same dialect.
        let detected = add_source(&client, "detected", &proxied, "detect", &["--no-sync"]).ok();
        assert!(
            detected
                .stdout
                .contains(&format!("detected dialect {dialect}")),
            "{dialect}: {}",
            detected.stdout
        );
        let recorded = recorder.recorded();
        assert!(
            recorded.iter().any(|a| a.status == 401),
            "{dialect}: no refusal recorded"
        );
        let dialect_id: keydeck_core::remote::DialectId = dialect.parse().unwrap();
        let problems = keydeck_testkit::openapi::problems(dialect_id, &recorded);
        assert!(problems.is_empty(), "dialect {dialect}: {problems:#?}");
        eprintln!(
            "dialect {dialect}: {} answers match its OpenAPI",
            recorded.len()
        );
    }
}

#[test]
fn ten_thousand_keys_over_002_paging() {
    let server_home = Home::new();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let ids: Vec<String> = runtime.block_on(async {
        // The served vault's secrets are never read by 002: they can live in memory.
        let vault = keydeck_testkit::bulk_vault(server_home.path(), 10_000).await;
        let ids = vault
            .list(&Default::default())
            .await
            .unwrap()
            .into_iter()
            .map(|k| k.id)
            .collect();
        vault.close().await;
        ids
    });
    let served = common::serve(&server_home, "002", &[]);
    let recorder = Recorder::start(&served.url);
    let client = Home::new();
    add_source(
        &client,
        "big",
        &Served::at(&recorder.url, &served.token),
        "002",
        &["--no-sync"],
    )
    .ok();
    let started = Instant::now();
    let synced = client.run(&["source", "sync", "big"], None).ok();
    let took = started.elapsed();
    assert!(synced.stdout.contains("10000 keys"), "{synced:?}");
    eprintln!("10,000 keys over 002 (50 pages of 200) synced in {took:?}");
    let listing = client
        .run(&["list", "--source", "big", "--json"], None)
        .ok()
        .json();
    let mut got: Vec<String> = listing["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap().to_string())
        .collect();
    let mut want = ids;
    got.sort();
    want.sort();
    assert_eq!(got.len(), 10_000);
    assert_eq!(got, want);
    let problems = keydeck_testkit::openapi::problems(DialectId::D002, &recorder.recorded());
    assert!(problems.is_empty(), "{problems:#?}");

    // Paging both ways: forward with `after`, then back from the end with `before`, page
    // by page, gives the same pages in reverse.
    let page = |query: &str| -> serde_json::Value {
        let address = served.url.trim_start_matches("http://");
        let answer = keydeck_testkit::openapi::forward(
            address,
            "GET",
            &format!("/api/v1/api-keys?limit=200{query}"),
            &[("x-api-key".into(), served.token.clone())],
        );
        assert_eq!(answer.status, 200, "{query}");
        serde_json::from_slice(&answer.body).unwrap()
    };
    let ids_of = |page: &serde_json::Value| -> Vec<String> {
        page["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mut forward = vec![page("")];
    while forward.last().unwrap()["meta"]["has_more"] == true {
        let after = forward.last().unwrap()["meta"]["after"]
            .as_str()
            .unwrap()
            .to_string();
        forward.push(page(&format!("&after={after}")));
    }
    assert_eq!(forward.len(), 50);
    assert_eq!(
        forward.iter().map(|p| ids_of(p).len()).sum::<usize>(),
        10_000
    );
    let mut backward = vec![forward.last().unwrap().clone()];
    while let Some(before) = backward.last().unwrap()["meta"]["before"].as_str() {
        let before = before.to_string();
        backward.push(page(&format!("&before={before}")));
    }
    let forward_pages: Vec<Vec<String>> = forward.iter().map(ids_of).collect();
    let mut backward_pages: Vec<Vec<String>> = backward.iter().map(ids_of).collect();
    backward_pages.reverse();
    assert_eq!(
        backward_pages, forward_pages,
        "`before` walks the same pages back"
    );
    assert!(
        forward[0]["meta"].get("offset").is_none(),
        "offset only for offset callers"
    );
    assert!(
        forward[0]["meta"].get("limit").is_none(),
        "limit only for offset callers"
    );
    assert_eq!(forward[0]["meta"]["total"], 10_000);
    let by_offset = page("&offset=400");
    assert_eq!(ids_of(&by_offset), forward_pages[2]);
    assert_eq!(
        (
            by_offset["meta"]["offset"].clone(),
            by_offset["meta"]["limit"].clone()
        ),
        (400.into(), 200.into())
    );
    for bad in ["&offset=-1", "&offset=abc", "&limit=0", "&limit=201"] {
        let address = served.url.trim_start_matches("http://");
        let answer = keydeck_testkit::openapi::forward(
            address,
            "GET",
            &format!("/api/v1/api-keys?{}", &bad[1..]),
            &[("x-api-key".into(), served.token.clone())],
        );
        assert_eq!(answer.status, 422, "{bad}");
    }
}

#[test]
fn server_errors_reach_the_user_with_what_to_do() {
    let (server_home, _) = served_vault();
    // 004: an unknown user is a 404 with x-cloud-error-codes.
    let served = common::serve(&server_home, "004", &[]);
    let client = Home::new();
    let out = client.run(
        &[
            "source",
            "add",
            "nobody",
            "--url",
            &served.url,
            "--dialect",
            "004",
            "--user-id",
            "u-404",
            "--json",
        ],
        Some(served.token.as_bytes()),
    );
    assert_eq!(out.code, 5, "{out:?}");
    let error: Value = serde_json::from_str(out.stderr.lines().next().unwrap()).unwrap();
    assert_eq!(error["error"]["code"], "remote");
    assert_eq!(error["error"]["remote"]["kind"], "not_found");
    let hint = error["error"]["hint"].as_str().unwrap();
    assert!(hint.starts_with("nothing was saved"), "{hint}");
    assert_eq!(error["error"]["remote"]["code"], "api_keys.user_not_found");
    assert_eq!(
        error["error"]["remote"]["fields"],
        serde_json::json!(["user_id"])
    );

    assert!(
        client
            .run(&["source", "list", "--json"], None)
            .ok()
            .stdout
            .trim()
            == "[]",
        "a refused source is not saved"
    );

    // A rejected token: nothing is saved, and the hint says what to do; the token is never
    // shown.
    for dialect in DIALECTS {
        let served = common::serve(&server_home, dialect, &[]);
        let client = Home::new();
        let out = client.run(
            &[
                "source",
                "add",
                "wrong",
                "--url",
                &served.url,
                "--dialect",
                dialect,
                "--user-id",
                "u1",
            ],
            Some(b"not-the-token"),
        );
        assert_eq!(out.code, 5, "{dialect}: {out:?}");
        assert!(out.stderr.contains("HTTP 401"), "{dialect}: {}", out.stderr);
        assert!(
            out.stderr.contains("hint: nothing was saved") && out.stderr.contains("--no-sync"),
            "{dialect}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("not-the-token") && !out.stderr.contains(&served.token));
        if dialect == "003" {
            assert!(
                out.stderr.contains("request id"),
                "003 carries X-Request-Id: {}",
                out.stderr
            );
        }
        // Saved unchecked, the rejected token shows at the sync, whose hint names the
        // command that fixes it; a wrong new token is refused and the right one repairs it.
        let mut add = vec!["source", "add", "wrong", "--url", &served.url, "--dialect"];
        add.extend([dialect, "--user-id", "u1", "--no-sync"]);
        client.run(&add, Some(b"not-the-token")).ok();
        let out = client.run(&["source", "sync", "wrong"], None);
        assert!(
            out.stderr.contains("keydeck source set-token wrong"),
            "{dialect}: {}",
            out.stderr
        );
        let out = client.run(&["source", "set-token", "wrong"], Some(b"still-wrong"));
        assert_eq!(out.code, 5, "{dialect}: {out:?}");
        client
            .run(
                &["source", "set-token", "wrong"],
                Some(served.token.as_bytes()),
            )
            .ok();
        client.run(&["source", "sync", "wrong"], None).ok();
    }
}

#[test]
fn serve_validates_002_limits_with_its_envelope() {
    let (server_home, _) = served_vault();
    let served = common::serve(&server_home, "002", &[]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use keydeck_core::remote::client::Endpoint;
        let client = keydeck_core::remote::Client::new(Default::default()).unwrap();
        let url = url::Url::parse(&served.url).unwrap();
        let credential = keydeck_core::Secret::new(served.token.clone()).unwrap();
        let auth = keydeck_core::remote::AuthStyle::bare("X-Assistant-Service-Key");
        let endpoint = Endpoint {
            name: "t",
            base_url: &url,
            auth: &auth,
            credential: &credential,
        };
        for limit in ["0", "201", "abc"] {
            let answer = client
                .send(
                    &endpoint,
                    reqwest_get(),
                    &format!("/api/v1/api-keys?limit={limit}"),
                )
                .await
                .unwrap();
            assert_eq!(answer.status, 422, "limit={limit}");
            let body: Value = serde_json::from_slice(&answer.body).unwrap();
            assert_eq!(body["success"], false);
            assert!(body["message"]
                .as_str()
                .unwrap()
                .contains("between 1 and 200"));
        }
        let answer = client
            .send(&endpoint, reqwest_get(), "/api/v1/api-keys?limit=2")
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(
            body["result"].as_array().unwrap().len(),
            2,
            "X-Assistant-Service-Key is accepted"
        );
        assert_eq!(body["meta"]["has_more"], true);
        assert_eq!(body["meta"]["total"], 5);
    });
}

fn reqwest_get() -> keydeck_core::remote::client::Method {
    keydeck_core::remote::client::Method::GET
}

#[test]
fn a_stopped_server_leaves_the_cached_listing_marked_stale() {
    let (server_home, _) = served_vault();
    let mut served = common::serve(&server_home, "002", &[]);
    let client = Home::new();
    add_source(&client, "flaky", &served, "002", &[]).ok();
    let fresh = client
        .run(&["list", "--source", "flaky", "--json"], None)
        .ok()
        .json();
    served.stop();
    let offline = client.run(
        &[
            "list",
            "--source",
            "flaky",
            "--json",
            "--connect-timeout",
            "1",
        ],
        None,
    );
    assert_eq!(offline.code, 0, "the cache still answers: {offline:?}");
    let offline_json = offline.json();
    assert_eq!(offline_json["stale"], true);
    assert_eq!(
        offline_json["synced_at"], fresh["synced_at"],
        "says how old it is"
    );
    assert_eq!(offline_json["error"]["code"], "remote");
    assert_eq!(offline_json["error"]["remote"]["kind"], "unreachable");
    assert_eq!(
        offline_json["keys"], fresh["keys"],
        "the previous listing is kept whole"
    );
    assert!(
        offline.stderr.contains("cached listing"),
        "{}",
        offline.stderr
    );
    let sources = client.run(&["source", "list", "--json"], None).ok().json();
    assert_eq!(sources[0]["stale"], true);
    assert_eq!(sources[0]["key_count"], 5);
    let failed_sync = client.run(&["source", "sync", "flaky"], None);
    assert_eq!(failed_sync.code, 5);
}

#[test]
fn remote_revoke_uses_the_template_and_checks_the_result() {
    let (server_home, _) = served_vault();
    let served = common::serve(&server_home, "000", &["--allow-revoke"]);
    let client = Home::new();
    add_source(
        &client,
        "admin",
        &served,
        "000",
        &["--revoke", "DELETE /api/v1/user/api-keys/{id}"],
    )
    .ok();
    add_source(&client, "plain", &served, "000", &[]).ok();

    let refused = client.run(&["revoke", "alpha", "--source", "plain", "--json"], None);
    assert_eq!(refused.code, 5);
    assert!(
        refused.stderr.contains("\"no_revoke_template\"")
            && refused.stderr.contains("DELETE /path/{id}"),
        "{}",
        refused.stderr
    );

    let revoked = client
        .run(&["revoke", "alpha", "--source", "admin", "--json"], None)
        .ok()
        .json();
    assert_eq!(revoked["outcome"], "revoked");
    assert_eq!(revoked["key"]["status"], "revoked");
    let on_server = by_name(&server_home.run(&["list", "--json"], None).ok().json());
    assert_eq!(
        on_server["alpha"]["status"], "revoked",
        "the server's vault revoked it"
    );
}

#[test]
fn removing_a_source_removes_its_secrets() {
    let (server_home, secrets) = served_vault();
    let served = common::serve(&server_home, "001", &[]);
    let client = Home::new();
    add_source(&client, "full", &served, "001", &[]).ok();
    let alpha = by_name(
        &client
            .run(&["list", "--source", "full", "--json"], None)
            .ok()
            .json()["keys"],
    )["alpha"]
        .clone();
    let remote_user = common::keyring_user(
        client.path(),
        &format!("remote/full/{}", alpha["id"].as_str().unwrap()),
    );
    let credential_user = common::keyring_user(client.path(), "source/full");
    assert_eq!(
        secret_tool_lookup(&remote_user).as_deref(),
        Some(secrets["alpha"].as_str())
    );
    assert_eq!(
        secret_tool_lookup(&credential_user).as_deref(),
        Some(served.token.as_str())
    );
    let doctor = client.run(&["doctor", "--json"], None).ok().json();
    assert_eq!(doctor["healthy"], true, "{doctor}");
    client.run(&["source", "rm", "full"], None).ok();
    assert_eq!(secret_tool_lookup(&remote_user), None);
    assert_eq!(secret_tool_lookup(&credential_user), None);
    assert_eq!(client.run(&["list", "--source", "full"], None).code, 3);
}

#[test]
fn plain_http_to_another_host_needs_allow_insecure() {
    let client = Home::new();
    let out = client.run(
        &[
            "source",
            "add",
            "far",
            "--url",
            "http://keys.example.com",
            "--dialect",
            "002",
            "--json",
        ],
        Some(b"t0ken-value"),
    );
    assert_eq!(out.code, 5);
    assert!(out.stderr.contains("\"insecure\""), "{}", out.stderr);
    let out = client.run(
        &[
            "source",
            "add",
            "far",
            "--url",
            "https://user:pw@keys.example.com",
            "--dialect",
            "002",
        ],
        Some(b"t0ken-value"),
    );
    assert_eq!(out.code, 5);
    assert!(out.stderr.contains("keyring"), "{}", out.stderr);
    assert!(client
        .run(&["source", "list", "--json"], None)
        .ok()
        .json()
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn serve_prints_each_dialects_openapi() {
    let home = Home::new();
    for dialect in DIALECTS {
        let out = home.run(&["serve", "--print-openapi", dialect], None).ok();
        let doc: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["paths"].as_object().unwrap().len() == 1, "{dialect}");
    }
}

#[test]
fn the_openapi_check_catches_an_answer_off_its_document() {
    use keydeck_testkit::openapi::{problems, Recorded};
    let answer = |status: u16, body: &str| Recorded {
        method: "GET".into(),
        path: "/api/v1/api-keys".into(),
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    };
    assert!(problems(DialectId::D002, &[answer(200, r#"{"result": []}"#)]).is_empty());
    let wrong = problems(
        DialectId::D002,
        &[
            answer(200, r#"{"result": "not a list"}"#),
            answer(200, r#"{"result": [{"id": "not-a-uuid"}]}"#),
            answer(418, "{}"),
        ],
    );
    assert_eq!(wrong.len(), 3, "{wrong:#?}");
    let no_request_id = Recorded {
        path: "/api-keys".into(),
        ..answer(200, r#"{"count": 0, "apiKeys": []}"#)
    };
    assert!(problems(DialectId::D003, &[no_request_id])[0].contains("X-Request-Id"));
}
