//! Sources on the vault with an in-memory keyring: sync replaces the cache atomically, a
//! failed sync keeps the previous listing and records why, full keys go to the keyring only.

use std::sync::Arc;

use keydeck_core::remote::{
    Client, ClientConfig, DialectId, RemoteErrorKind, SyncProgress, SyncWatch,
};
use keydeck_core::secret_store::Space;
use keydeck_core::vault::SourceSpec;
use keydeck_core::{ErrorCode, KeyStatus, ListQuery, MemoryStore, Secret, SecretStore, Vault};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A vault over an in-memory keyring, and what that keyring holds for the vault's items.
struct Stored(Arc<MemoryStore>, Space);

impl Stored {
    fn get(&self, item: &str) -> Option<Secret> {
        self.0.peek(&self.1, item)
    }

    fn count(&self) -> usize {
        self.0.list(&self.1).unwrap().unwrap().len()
    }
}

async fn vault() -> (tempfile::TempDir, Vault, Stored) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let vault = Vault::open_with(dir.path(), store.clone() as Arc<dyn SecretStore>)
        .await
        .unwrap();
    let space = Space::Vault(vault.vault_id().to_string());
    (dir, vault, Stored(store, space))
}

fn key(id: &str, secret: &str) -> serde_json::Value {
    json!({ "id": id, "key": secret, "keyType": "secret", "accountId": "acct", "name": id,
            "revoked": false, "createdAt": "2025-01-01T00:00:00Z" })
}

fn remote_kind(err: &keydeck_core::Error) -> RemoteErrorKind {
    match err {
        keydeck_core::Error::Remote(remote) => remote.kind,
        other => panic!("not a remote error: {other:?}"),
    }
}

fn source_query(name: &str) -> ListQuery {
    ListQuery {
        source: Some(name.into()),
        ..ListQuery::default()
    }
}

#[tokio::test]
async fn a_failed_sync_keeps_the_previous_listing_and_records_why() {
    let (_dir, vault, store) = vault().await;
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [key("a", "sk_live_aaaaaaaaaaaaaaaaaaaa"), key("b", "sk_live_bbbbbbbbbbbbbbbbbbbb")] })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    // The second listing is broken: the same id twice.
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [key("c", "sk_live_cccccccccccccccccccc"), key("c", "sk_live_dddddddddddddddddddd")] })))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = Client::new(ClientConfig::default()).unwrap();
    let spec = SourceSpec {
        name: "acme".into(),
        url: server.uri(),
        dialect: Some(DialectId::D001),
        ..SourceSpec::default()
    };
    vault
        .add_source(spec, Secret::new("tok-123456".into()).unwrap(), &client)
        .await
        .unwrap();
    assert_eq!(store.get("source/acme").unwrap().expose(), "tok-123456");
    vault.sync_source("acme", &client).await.unwrap();
    let first = vault.list(&source_query("acme")).await.unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first[0].status, KeyStatus::Active);
    assert_eq!(
        store.get("remote/acme/a").unwrap().expose(),
        "sk_live_aaaaaaaaaaaaaaaaaaaa"
    );

    let err = vault.sync_source("acme", &client).await.unwrap_err();
    assert_eq!(remote_kind(&err), RemoteErrorKind::InvalidResponse);
    assert_eq!(
        vault.list(&source_query("acme")).await.unwrap(),
        first,
        "the previous listing is kept whole"
    );
    let info = vault.source("acme").await.unwrap();
    assert!(info.stale);
    assert_eq!(
        info.last_error.unwrap().remote.unwrap().kind,
        RemoteErrorKind::InvalidResponse
    );
    assert!(
        store.get("remote/acme/c").is_none(),
        "nothing of the refused listing was stored"
    );

    // Local listings never include remote keys, and remote keys cannot be edited here.
    assert!(vault.list(&source_query("local")).await.unwrap().is_empty());
    let err = vault.update("a", Default::default()).await.unwrap_err();
    assert!(err.to_string().contains("remote source `acme`"), "{err}");

    // Removing the source removes its credential and the full keys it returned.
    vault.remove_source("acme").await.unwrap();
    assert!(store.get("source/acme").is_none());
    assert!(store.get("remote/acme/a").is_none());
    assert!(vault.list(&source_query("acme")).await.unwrap().is_empty());
    assert!(vault.doctor(false).await.unwrap().healthy);
}

#[tokio::test]
async fn keys_the_server_stops_listing_leave_the_keyring() {
    let (_dir, vault, store) = vault().await;
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [key("a", "sk_live_aaaaaaaaaaaaaaaaaaaa"), key("b", "sk_live_bbbbbbbbbbbbbbbbbbbb")] })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/keys"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "keys": [key("b", "sk_live_bbbbbbbbbbbbbbbbbbbb")] })),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let client = Client::new(ClientConfig::default()).unwrap();
    let spec = SourceSpec {
        name: "acme".into(),
        url: server.uri(),
        dialect: Some(DialectId::D001),
        ..SourceSpec::default()
    };
    vault
        .add_source(spec, Secret::new("tok-123456".into()).unwrap(), &client)
        .await
        .unwrap();
    vault.sync_source("acme", &client).await.unwrap();
    vault.sync_source("acme", &client).await.unwrap();
    assert!(store.get("remote/acme/a").is_none());
    assert!(store.get("remote/acme/b").is_some());
    let report = vault.doctor(false).await.unwrap();
    assert!(report.healthy, "{report:?}");
}

#[tokio::test]
async fn bad_source_settings_are_refused_before_anything_is_stored() {
    let (_dir, vault, store) = vault().await;
    let client = Client::new(ClientConfig::default()).unwrap();
    let cases = [
        SourceSpec {
            name: "local".into(),
            url: "https://x.example".into(),
            dialect: Some(DialectId::D000),
            ..Default::default()
        },
        SourceSpec {
            name: "has space".into(),
            url: "https://x.example".into(),
            dialect: Some(DialectId::D000),
            ..Default::default()
        },
        SourceSpec {
            name: "ok".into(),
            url: "not a url".into(),
            dialect: Some(DialectId::D000),
            ..Default::default()
        },
        SourceSpec {
            name: "ok".into(),
            url: "https://x.example".into(),
            dialect: Some(DialectId::D004),
            ..Default::default()
        },
        SourceSpec {
            name: "ok".into(),
            url: "https://x.example".into(),
            dialect: Some(DialectId::D000),
            revoke_template: Some("DROP TABLE".into()),
            ..Default::default()
        },
        SourceSpec {
            name: "ok".into(),
            url: "https://x.example".into(),
            dialect: Some(DialectId::D000),
            auth_header: Some("Bad Header".into()),
            ..Default::default()
        },
    ];
    for spec in cases {
        let name = spec.name.clone();
        assert!(
            vault
                .add_source(spec, Secret::new("t".into()).unwrap(), &client)
                .await
                .is_err(),
            "{name}"
        );
    }
    assert!(vault.sources().await.unwrap().is_empty());
    assert_eq!(store.count(), 0);
}

/// A vault with source `acme` (dialect 001) over `server`.
async fn with_source(
    server: &MockServer,
    config: ClientConfig,
) -> (tempfile::TempDir, Vault, Stored, Client) {
    let (dir, vault, store) = vault().await;
    let client = Client::new(config).unwrap();
    let spec = SourceSpec {
        name: "acme".into(),
        url: server.uri(),
        dialect: Some(DialectId::D001),
        ..SourceSpec::default()
    };
    vault
        .add_source(spec, Secret::new("tok-123456".into()).unwrap(), &client)
        .await
        .unwrap();
    (dir, vault, store, client)
}

#[tokio::test]
async fn a_listing_over_the_sync_budget_stops_and_keeps_the_cache() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "keys": [key("a", "sk_live_aaaaaaaaaaaaaaaaaaaa")] })),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let many: Vec<_> = (0..6)
        .map(|i| key(&format!("k{i}"), &format!("sk_live_many_{i}_aaaaaaaaaaaa")))
        .collect();
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": many })))
        .with_priority(2)
        .mount(&server)
        .await;
    let config = ClientConfig {
        max_sync_keys: 5,
        ..ClientConfig::default()
    };
    let (_dir, vault, store, client) = with_source(&server, config).await;
    vault.sync_source("acme", &client).await.unwrap();
    let err = vault.sync_source("acme", &client).await.unwrap_err();
    assert_eq!(remote_kind(&err), RemoteErrorKind::TooLarge);
    assert!(err.to_string().contains("more than 5 keys"), "{err}");
    let listed = vault.list(&source_query("acme")).await.unwrap();
    assert_eq!(listed.len(), 1, "the previous listing stays");
    assert!(
        store.get("remote/acme/k0").is_none(),
        "nothing of it was stored"
    );

    // A byte budget, over all pages.
    let tiny = ClientConfig {
        max_sync_bytes: 100,
        ..ClientConfig::default()
    };
    let err = vault
        .sync_source("acme", &Client::new(tiny).unwrap())
        .await
        .unwrap_err();
    assert_eq!(remote_kind(&err), RemoteErrorKind::TooLarge, "{err}");
}

#[tokio::test]
async fn a_cancelled_sync_keeps_the_cache_and_records_no_failure() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "keys": [key("a", "sk_live_aaaaaaaaaaaaaaaaaaaa")] })),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/keys"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "keys": [] }))
                .set_delay(std::time::Duration::from_secs(10)),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let (_dir, vault, _store, client) = with_source(&server, ClientConfig::default()).await;
    let progress = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&progress);
    let watch = SyncWatch {
        progress: Some(Box::new(move |p: &SyncProgress| {
            seen.lock().unwrap().push(p.clone())
        })),
        ..SyncWatch::default()
    };
    vault
        .sync_source_watched("acme", &client, &watch)
        .await
        .unwrap();
    let reported = progress.lock().unwrap().clone();
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert_eq!((reported[0].pages, reported[0].keys), (1, 1));
    assert!(reported[0].bytes > 0);
    let watch = SyncWatch::default();
    let cancel = watch.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let err = vault
        .sync_source_watched("acme", &client, &watch)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(vault.list(&source_query("acme")).await.unwrap().len(), 1);
    let info = vault.source("acme").await.unwrap();
    assert!(info.last_error.is_none() && !info.stale, "{info:?}");
}

#[tokio::test]
async fn secrets_of_keys_the_server_reports_revoked_leave_the_keyring() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "keys": [key("a", "sk_live_aaaaaaaaaaaaaaaaaaaa")] })),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let mut revoked = key("a", "sk_live_aaaaaaaaaaaaaaaaaaaa");
    revoked["revoked"] = json!(true);
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [revoked] })))
        .with_priority(2)
        .mount(&server)
        .await;
    let (_dir, vault, store, client) = with_source(&server, ClientConfig::default()).await;
    vault.sync_source("acme", &client).await.unwrap();
    assert!(store.get("remote/acme/a").is_some());
    vault.sync_source("acme", &client).await.unwrap();
    assert!(
        store.get("remote/acme/a").is_none(),
        "a revoked key keeps no secret"
    );
    assert_eq!(
        vault.list(&source_query("acme")).await.unwrap()[0].status,
        KeyStatus::Revoked
    );
    assert!(vault.doctor(false).await.unwrap().healthy);
}

#[tokio::test]
async fn names_longer_than_keydecks_bounds_are_cut_and_flagged() {
    let server = MockServer::start().await;
    let mut long = key("a", "sk_live_aaaaaaaaaaaaaaaaaaaa");
    long["name"] = json!("n".repeat(5000));
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [long] })))
        .mount(&server)
        .await;
    let (_dir, vault, _store, client) = with_source(&server, ClientConfig::default()).await;
    vault.sync_source("acme", &client).await.unwrap();
    let listed = vault.list(&source_query("acme")).await.unwrap();
    assert_eq!(
        listed[0].name.chars().count(),
        keydeck_core::remote::MAX_REMOTE_TEXT
    );
    assert_eq!(listed[0].details["keydeck_cut"], json!({ "name": 5000 }));
}

/// The name-ordered listing reads the view's two halves written out (fast, merged by
/// index); every other order reads the view. Both must give the same keys, field by field,
/// through sqlx (the window) and through the CLI's synchronous reader.
#[tokio::test]
async fn the_name_ordered_listing_agrees_with_the_view_for_vault_and_remote_keys() {
    let server = MockServer::start().await;
    let mut revoked = key("m-revoked", "sk_live_mmmmmmmmmmmmmmmmmmmm");
    revoked["revoked"] = json!(true);
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [
            key("b-remote", "sk_live_bbbbbbbbbbbbbbbbbbbb"),
            revoked,
            key("z-remote", "sk_live_zzzzzzzzzzzzzzzzzzzz"),
        ] })))
        .mount(&server)
        .await;
    let (_dir, vault, _store, client) = with_source(&server, ClientConfig::default()).await;
    vault.sync_source("acme", &client).await.unwrap();
    for name in ["a-local", "n-local", "b-remote"] {
        let new = keydeck_core::NewKey {
            name: name.into(),
            scopes: vec!["read".into()],
            ..Default::default()
        };
        vault
            .add(
                new,
                Secret::new(format!("sk_test_{name}_0123456789")).unwrap(),
            )
            .await
            .unwrap();
    }
    for query in [
        ListQuery::default(),
        ListQuery {
            descending: true,
            ..ListQuery::default()
        },
        ListQuery {
            search: Some("remote".into()),
            ..ListQuery::default()
        },
        ListQuery {
            hide_inactive: true,
            ..ListQuery::default()
        },
        ListQuery {
            status: Some(keydeck_core::KeyStatus::Revoked),
            ..ListQuery::default()
        },
        ListQuery {
            scope: Some("read".into()),
            search: Some("-".into()),
            ..ListQuery::default()
        },
    ] {
        // The CLI's synchronous reader runs the same SQL: the same keys, field by field.
        for each_order in [
            query.clone(),
            ListQuery {
                sort: keydeck_core::SortField::Id,
                ..query.clone()
            },
        ] {
            let mut streamed = Vec::new();
            vault
                .for_each_key(&each_order, |record| {
                    streamed.push(record);
                    Ok(())
                })
                .unwrap();
            assert_eq!(
                streamed,
                vault.list(&each_order).await.unwrap(),
                "{each_order:?}"
            );
        }
        let merged = vault.list(&query).await.unwrap();
        let mut through_view = vault
            .list(&ListQuery {
                sort: keydeck_core::SortField::Id,
                ..query.clone()
            })
            .await
            .unwrap();
        through_view.sort_by(|a, b| (&a.name, &a.source, &a.id).cmp(&(&b.name, &b.source, &b.id)));
        if query.descending {
            through_view.sort_by(|a, b| {
                b.name
                    .cmp(&a.name)
                    .then((&a.source, &a.id).cmp(&(&b.source, &b.id)))
            });
        }
        assert_eq!(merged, through_view, "{query:?}");
        assert!(!merged.is_empty());
    }
    // A page's counts: `total` is counted on the source's own table, `matching` through the
    // view; both agree with the listing.
    for source in [None, Some("local"), Some("acme")] {
        for search in [None, Some("remote")] {
            let query = ListQuery {
                source: source.map(String::from),
                search: search.map(String::from),
                ..ListQuery::default()
            };
            let whole = ListQuery {
                source: query.source.clone(),
                ..ListQuery::default()
            };
            let page = vault.list_page(&query, 0, 2).await.unwrap();
            assert_eq!(
                (page.matching as usize, page.total as usize),
                (
                    vault.list(&query).await.unwrap().len(),
                    vault.list(&whole).await.unwrap().len()
                ),
                "{query:?}"
            );
        }
    }
    let names: Vec<_> = vault
        .list(&ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|k| format!("{}@{}", k.name, k.source))
        .collect();
    assert_eq!(
        names,
        [
            "a-local@local",
            "b-remote@acme",
            "b-remote@local",
            "m-revoked@acme",
            "n-local@local",
            "z-remote@acme"
        ]
    );
}
