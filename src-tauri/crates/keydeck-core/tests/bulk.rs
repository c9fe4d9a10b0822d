//! Bulk delete and bulk tags through `Keydeck::apply_each`: vault keys each on their own
//! path (a delete takes the secret out of the keyring), a remote key refused with why, and
//! the others go on.

use std::sync::Arc;

use keydeck_core::bulk::BulkAction;
use keydeck_core::model::KeyRef;
use keydeck_core::remote::{Client, ClientConfig, DialectId, SyncWatch};
use keydeck_core::secret_store::Space;
use keydeck_core::vault::SourceSpec;
use keydeck_core::{Keydeck, MemoryStore, NewKey, Secret, SecretStore, Settings, Vault};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn keydeck() -> (tempfile::TempDir, Keydeck, Arc<MemoryStore>, MockServer) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let vault = Vault::open_with(dir.path(), store.clone() as Arc<dyn SecretStore>)
        .await
        .unwrap();
    for (name, tags) in [
        ("alpha", vec!["ci"]),
        ("beta", vec![]),
        ("gamma", vec!["ci", "old"]),
    ] {
        let new = NewKey {
            name: name.into(),
            tags: tags.into_iter().map(String::from).collect(),
            ..NewKey::default()
        };
        let secret = Secret::new(format!("sk_test_{name}_0123456789")).unwrap();
        vault.add(new, secret).await.unwrap();
    }
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/user/api-keys"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{ "id": "r1", "name": "remote" }])),
        )
        .mount(&server)
        .await;
    let spec = SourceSpec {
        name: "team".into(),
        url: server.uri(),
        dialect: Some(DialectId::D000),
        ..SourceSpec::default()
    };
    let client = Client::new(ClientConfig::default()).unwrap();
    let token = Secret::new("tok-123456".into()).unwrap();
    vault
        .add_checked_source(spec, token, &client, &SyncWatch::default())
        .await
        .unwrap();
    let kd = Keydeck::with_vault(
        dir.path(),
        vault,
        Settings::default(),
        ClientConfig::default(),
    )
    .unwrap();
    (dir, kd, store, server)
}

async fn refs(kd: &Keydeck, names: &[&str]) -> Vec<KeyRef> {
    let mut refs = Vec::new();
    for name in names {
        let key = kd.vault().find(None, name).await.unwrap();
        refs.push(KeyRef::from(&key));
    }
    refs
}

async fn tags(kd: &Keydeck, name: &str) -> Vec<String> {
    kd.vault().find(None, name).await.unwrap().tags
}

#[tokio::test]
async fn tags_change_on_vault_keys_and_a_remote_key_says_why_not() {
    let (_dir, kd, _store, _server) = keydeck().await;
    let targets = refs(&kd, &["alpha", "beta", "remote"]).await;
    let mut seen = Vec::new();
    let mut progress = |done: usize, all: usize| seen.push((done, all));
    let add = BulkAction::AddTag { tag: " ci ".into() };
    let report = kd.apply_each(&targets, &add, &mut progress).await;
    assert_eq!((report.done, report.failed), (2, 1), "{report:?}");
    assert_eq!(seen, [(1, 3), (2, 3), (3, 3)]);
    assert_eq!(
        tags(&kd, "alpha").await,
        ["ci"],
        "a tag a key has is not doubled"
    );
    assert_eq!(tags(&kd, "beta").await, ["ci"]);
    let refused = report.keys[2].error.as_ref().unwrap();
    assert_eq!(report.keys[2].name, "remote");
    assert!(
        refused
            .message
            .contains("only its server can change its tags"),
        "{}",
        refused.message
    );

    let remove = BulkAction::RemoveTag { tag: "ci".into() };
    let targets = refs(&kd, &["gamma", "beta"]).await;
    let report = kd.apply_each(&targets, &remove, &mut |_, _| {}).await;
    assert_eq!((report.done, report.failed), (2, 0));
    assert_eq!(tags(&kd, "gamma").await, ["old"]);
    assert!(tags(&kd, "beta").await.is_empty());
}

#[tokio::test]
async fn delete_takes_vault_keys_and_their_secrets_and_leaves_remote_keys() {
    let (_dir, kd, store, _server) = keydeck().await;
    let space = Space::Vault(kd.vault().vault_id().to_string());
    let before = store.list(&space).unwrap().unwrap().len();
    let targets = refs(&kd, &["alpha", "remote", "gamma"]).await;
    let report = kd
        .apply_each(&targets, &BulkAction::Delete, &mut |_, _| {})
        .await;
    assert_eq!((report.done, report.failed), (2, 1), "{report:?}");
    assert!(report.keys[1]
        .error
        .as_ref()
        .unwrap()
        .message
        .contains("only its server can delete it"));
    let left: Vec<String> = kd
        .vault()
        .list(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(left, ["beta", "remote"]);
    assert_eq!(store.list(&space).unwrap().unwrap().len(), before - 2);
    assert!(kd.vault().doctor(false).await.unwrap().healthy);
}
