//! A source is listed before its settings are saved: a wrong token or URL, at connect or in
//! an edit, is refused with nothing written, and an edit that works replaces the settings,
//! the token and the cached listing together.

use std::sync::Arc;

use keydeck_core::remote::{Client, ClientConfig, DialectId, RemoteErrorKind, SyncWatch};
use keydeck_core::secret_store::Space;
use keydeck_core::vault::SourceSpec;
use keydeck_core::{ListQuery, MemoryStore, Secret, SecretStore, Vault};
use serde_json::json;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GOOD: &str = "tok-good-123456";

async fn vault() -> (tempfile::TempDir, Vault, Arc<MemoryStore>, Space) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let vault = Vault::open_with(dir.path(), store.clone() as Arc<dyn SecretStore>)
        .await
        .unwrap();
    let space = Space::Vault(vault.vault_id().to_string());
    (dir, vault, store, space)
}

/// A 001 server listing one full key to `Bearer {GOOD}`, refusing anyone else.
async fn server_001() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .and(header("authorization", format!("Bearer {GOOD}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [{
            "id": "a", "key": "sk_live_aaaaaaaaaaaaaaaaaaaa", "keyType": "secret", "accountId": "acct",
            "name": "alpha", "revoked": false, "createdAt": "2025-01-01T00:00:00Z" }] })))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({ "error": "unauthorized" })))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

fn spec(name: &str, url: &str, dialect: DialectId) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        url: url.into(),
        dialect: Some(dialect),
        ..SourceSpec::default()
    }
}

fn token(text: &str) -> Secret {
    Secret::new(text.into()).unwrap()
}

fn kind(err: &keydeck_core::Error) -> RemoteErrorKind {
    match err {
        keydeck_core::Error::Remote(remote) => remote.kind,
        other => panic!("not a remote error: {other:?}"),
    }
}

async fn names(vault: &Vault, source: &str) -> Vec<String> {
    let query = ListQuery {
        source: Some(source.into()),
        ..ListQuery::default()
    };
    let keys = vault.list(&query).await.unwrap();
    keys.into_iter().map(|k| k.name).collect()
}

#[tokio::test]
async fn a_wrong_token_at_connect_saves_nothing() {
    let (_dir, vault, store, space) = vault().await;
    let server = server_001().await;
    let client = Client::new(ClientConfig::default()).unwrap();
    let watch = SyncWatch::default();
    let url = server.uri();

    let err = vault
        .add_checked_source(
            spec("acme", &url, DialectId::D001),
            token("tok-wrong-1234"),
            &client,
            &watch,
        )
        .await
        .err()
        .expect("a wrong token is refused");
    assert_eq!(kind(&err), RemoteErrorKind::Unauthorized);
    assert!(
        vault.sources().await.unwrap().is_empty(),
        "no source was saved"
    );
    assert!(
        store.list(&space).unwrap().unwrap().is_empty(),
        "no token was kept"
    );

    let checked = vault
        .add_checked_source(
            spec("acme", &url, DialectId::D001),
            token(GOOD),
            &client,
            &watch,
        )
        .await
        .unwrap();
    assert_eq!(checked.synced.keys, 1);
    assert!(!checked.source.stale && checked.source.synced_at.is_some());
    assert_eq!(names(&vault, "acme").await, ["alpha"]);
    assert_eq!(store.peek(&space, "source/acme").unwrap().expose(), GOOD);
}

#[tokio::test]
async fn an_edit_is_saved_only_once_the_server_lists_keys_with_it() {
    let (_dir, vault, store, space) = vault().await;
    let first = server_001().await;
    let client = Client::new(ClientConfig::default()).unwrap();
    let watch = SyncWatch::default();
    vault
        .add_checked_source(
            spec("acme", &first.uri(), DialectId::D001),
            token(GOOD),
            &client,
            &watch,
        )
        .await
        .unwrap();
    let before = vault.source("acme").await.unwrap();

    // A wrong new token: refused; the token that works and the settings stay.
    let err = vault
        .edit_source(
            "acme",
            before.spec(),
            Some(token("tok-wrong-1234")),
            &client,
            &watch,
        )
        .await
        .err()
        .expect("a wrong token is refused");
    assert_eq!(kind(&err), RemoteErrorKind::Unauthorized);
    assert_eq!(store.peek(&space, "source/acme").unwrap().expose(), GOOD);
    assert_eq!(vault.source("acme").await.unwrap(), before);

    // Another server speaking 000 under its own header, with the same token: refused while
    // the dialect is wrong, saved once it is right.
    let second = MockServer::start().await;
    Mock::given(path("/api/v1/user/api-keys"))
        .and(header("x-service-key", GOOD))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{ "id": "b", "name": "beta" }])),
        )
        .mount(&second)
        .await;
    let moved = SourceSpec {
        auth_header: Some("X-Service-Key".into()),
        revoke_template: Some("DELETE /api/v1/user/api-keys/{id}".into()),
        ..spec("ignored-name", &second.uri(), DialectId::D001)
    };
    let err = vault
        .edit_source("acme", moved.clone(), None, &client, &watch)
        .await
        .err()
        .expect("the wrong dialect is refused");
    assert_eq!(kind(&err), RemoteErrorKind::NotFound, "{err}");
    assert_eq!(vault.source("acme").await.unwrap(), before);
    assert_eq!(names(&vault, "acme").await, ["alpha"]);

    let moved = SourceSpec {
        dialect: Some(DialectId::D000),
        ..moved
    };
    let checked = vault
        .edit_source("acme", moved, None, &client, &watch)
        .await
        .unwrap();
    let after = checked.source;
    assert_eq!(after.name, "acme", "a source keeps its name");
    assert_eq!(after.url, format!("{}/", second.uri()));
    assert_eq!(after.dialect, DialectId::D000);
    assert_eq!(after.auth.header, "X-Service-Key");
    assert_eq!(after.auth_header.as_deref(), Some("X-Service-Key"));
    assert_eq!(
        after.revoke_template.as_deref(),
        Some("DELETE /api/v1/user/api-keys/{id}")
    );
    assert_eq!(
        names(&vault, "acme").await,
        ["beta"],
        "the new server's listing"
    );
    assert!(
        store.peek(&space, "remote/acme/a").is_none(),
        "the old server's full key left the keyring"
    );
    assert_eq!(store.peek(&space, "source/acme").unwrap().expose(), GOOD);
    assert!(vault.doctor(false).await.unwrap().healthy);
}

/// A 001 server whose listing has one id twice: it answers, but cannot be stored.
async fn server_with_a_repeated_id() -> MockServer {
    let server = MockServer::start().await;
    let key = json!({ "id": "x", "key": "sk_live_xxxxxxxxxxxxxxxxxxxx", "keyType": "secret",
        "accountId": "acct", "name": "x", "revoked": false, "createdAt": "2025-01-01T00:00:00Z" });
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [key, key] })))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_listing_that_cannot_be_stored_leaves_nothing_saved() {
    let (_dir, vault, store, space) = vault().await;
    let (client, watch) = (
        Client::new(ClientConfig::default()).unwrap(),
        SyncWatch::default(),
    );
    let broken = server_with_a_repeated_id().await;
    let err = vault
        .add_checked_source(
            spec("acme", &broken.uri(), DialectId::D001),
            token(GOOD),
            &client,
            &watch,
        )
        .await
        .err()
        .expect("the listing is refused");
    assert_eq!(kind(&err), RemoteErrorKind::InvalidResponse, "{err}");
    assert!(
        vault.sources().await.unwrap().is_empty(),
        "the source went again"
    );
    assert!(store.peek(&space, "source/acme").is_none(), "and its token");

    let good = server_001().await;
    vault
        .add_checked_source(
            spec("acme", &good.uri(), DialectId::D001),
            token(GOOD),
            &client,
            &watch,
        )
        .await
        .unwrap();
    let before = vault.source("acme").await.unwrap();
    let moved = spec("acme", &broken.uri(), DialectId::D001);
    let new_token = Some(token("tok-other-123456"));
    vault
        .edit_source("acme", moved, new_token, &client, &watch)
        .await
        .err()
        .expect("the listing is refused");
    assert_eq!(
        vault.source("acme").await.unwrap(),
        before,
        "the settings are back"
    );
    assert_eq!(
        store.peek(&space, "source/acme").unwrap().expose(),
        GOOD,
        "and the token"
    );
    assert_eq!(names(&vault, "acme").await, ["alpha"]);
}

#[tokio::test]
async fn moving_a_source_to_any_other_origin_is_asked_even_one_another_source_uses() {
    use keydeck_core::vault::EditQuestion;
    let (_dir, vault, _store, _space) = vault().await;
    let client = Client::new(ClientConfig::default()).unwrap();
    let (first, second) = (server_001().await, server_001().await);
    for (name, server) in [("one", &first), ("two", &second)] {
        let spec = spec(name, &server.uri(), DialectId::D001);
        vault.add_source(spec, token(GOOD), &client).await.unwrap();
    }
    let ask = |url: String, new_token: bool| {
        let vault = &vault;
        async move {
            vault
                .edit_question("one", &url, false, new_token)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        ask(first.uri(), false).await,
        None,
        "nothing changes where it goes"
    );
    let (what, text) = ask(first.uri(), true).await.unwrap();
    assert_eq!(what, EditQuestion::NewToken);
    assert!(text.contains(&first.uri()), "{text}");
    // Source two's server is known to the vault, but not where source one's token goes.
    let (what, text) = ask(second.uri(), false).await.unwrap();
    assert_eq!(what, EditQuestion::NewServer);
    assert!(
        text.contains(&second.uri()) && text.contains("its token"),
        "{text}"
    );
    let (_, text) = ask(second.uri(), true).await.unwrap();
    assert!(text.contains("the token you typed"), "{text}");
}
