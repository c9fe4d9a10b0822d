//! Vault behaviour against the in-memory secret store (the real keyring is exercised by the
//! CLI's integration tests).

use std::sync::Arc;

use chrono::{Duration, Utc};
use zeroize::Zeroizing;

use super::*;
use crate::exchange::{parse, Format};
use crate::secret_store::{item, MemoryStore, StoreFault};
use crate::{KeyStatus, ListQuery, SortField};

struct Fixture {
    _dir: tempfile::TempDir,
    home: std::path::PathBuf,
    store: Arc<MemoryStore>,
    vault: Vault,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let store = Arc::new(MemoryStore::new());
    let shared = Arc::clone(&store);
    let vault = Vault::open_with(&home, shared as Arc<dyn SecretStore>)
        .await
        .unwrap();
    Fixture {
        _dir: dir,
        home,
        store,
        vault,
    }
}

impl Fixture {
    /// The vault's own space in the store.
    fn space(&self) -> Space {
        Space::Vault(self.vault.vault_id().to_string())
    }

    /// What the store holds for `item` of this vault, without counting a call.
    fn stored(&self, item: &str) -> Option<Secret> {
        self.store.peek(&self.space(), item)
    }

    /// Every item of this vault's space.
    fn items(&self) -> Vec<String> {
        self.store.list(&self.space()).unwrap().unwrap()
    }
}

fn key(name: &str) -> NewKey {
    NewKey {
        name: name.into(),
        ..NewKey::default()
    }
}

fn secret(text: &str) -> Secret {
    Secret::new(text.into()).unwrap()
}

#[tokio::test]
async fn add_then_list_shows_the_mask_and_never_touches_the_store() {
    let f = fixture().await;
    let added = f
        .vault
        .add(
            NewKey {
                scopes: vec!["read".into(), "write".into()],
                tags: vec!["billing".into()],
                env: Some("prod".into()),
                ..key("stripe")
            },
            secret("sk_live_51HqLyjWDarjtT1zdp7dc9f3a"),
        )
        .await
        .unwrap();
    assert_eq!(added.mask, "sk_live_…9f3a");
    assert_eq!(added.status, KeyStatus::Active);
    assert_eq!(added.source, "local");
    uuid::Uuid::parse_str(&added.id).expect("ids are uuids");

    let calls_before = f.store.calls();
    let listed = f.vault.list(&ListQuery::default()).await.unwrap();
    assert_eq!(listed, vec![added.clone()]);
    f.vault.get("stripe").await.unwrap();
    f.vault.detail(&added.id).await.unwrap();
    assert_eq!(f.store.calls(), calls_before, "listing made keyring calls");

    let (_, revealed) = f.vault.reveal("stripe").await.unwrap();
    assert_eq!(revealed.expose(), "sk_live_51HqLyjWDarjtT1zdp7dc9f3a");
    assert!(f.vault.get("stripe").await.unwrap().last_used_at.is_some());
}

#[tokio::test]
async fn listing_works_while_the_keyring_is_locked() {
    let f = fixture().await;
    f.vault.add(key("a"), secret("one")).await.unwrap();
    f.store.set_fault(Some(StoreFault::Locked));
    assert_eq!(f.vault.list(&ListQuery::default()).await.unwrap().len(), 1);
    let err = f.vault.reveal("a").await.unwrap_err();
    assert_eq!(err.code(), crate::ErrorCode::KeyringLocked);
}

#[tokio::test]
async fn a_failed_keyring_write_leaves_no_row() {
    let f = fixture().await;
    for fault in [StoreFault::Locked, StoreFault::Unavailable] {
        f.store.set_fault(Some(fault));
        let err = f.vault.add(key("k"), secret("s")).await.unwrap_err();
        assert!(matches!(
            err,
            Error::KeyringLocked(_) | Error::KeyringUnavailable(_)
        ));
    }
    f.store.set_fault(None);
    assert!(f
        .vault
        .list(&ListQuery::default())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(f.items().len(), 0);
    // The name is free again.
    f.vault.add(key("k"), secret("s")).await.unwrap();
}

#[tokio::test]
async fn a_failed_row_write_leaves_no_secret() {
    let f = fixture().await;
    f.vault.add(key("taken"), secret("first")).await.unwrap();
    let err = f
        .vault
        .add(key("taken"), secret("second"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::DuplicateName(ref n) if n == "taken"),
        "{err:?}"
    );
    assert_eq!(f.items().len(), 1);
}

#[tokio::test]
async fn revoke_keeps_the_row_and_deletes_the_secret() {
    let f = fixture().await;
    let k = f
        .vault
        .add(key("old"), secret("sk_test_abcdefghijklmnop"))
        .await
        .unwrap();
    let revoked = f
        .vault
        .revoke("old", Some("leaked in a log".into()))
        .await
        .unwrap();
    assert_eq!(revoked.status, KeyStatus::Revoked);
    assert_eq!(revoked.revoke_reason.as_deref(), Some("leaked in a log"));
    assert!(revoked.revoked_at.is_some());
    assert!(f.stored(&item::key(&k.id, 0)).is_none());
    assert!(matches!(
        f.vault.reveal("old").await.unwrap_err(),
        Error::KeyRevoked(_)
    ));
    let history: Vec<String> = f
        .vault
        .detail("old")
        .await
        .unwrap()
        .history
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(history, vec!["created", "revoked"]);
}

#[tokio::test]
async fn revoke_with_a_locked_keyring_changes_nothing() {
    let f = fixture().await;
    f.vault.add(key("k"), secret("s")).await.unwrap();
    f.store.set_fault(Some(StoreFault::Locked));
    assert!(f.vault.revoke("k", None).await.is_err());
    f.store.set_fault(None);
    assert_eq!(f.vault.get("k").await.unwrap().status, KeyStatus::Active);
    assert!(f.vault.reveal("k").await.is_ok());
}

#[tokio::test]
async fn delete_removes_row_and_secret() {
    let f = fixture().await;
    let k = f.vault.add(key("gone"), secret("s")).await.unwrap();
    f.vault.delete(&k.id).await.unwrap();
    assert!(matches!(
        f.vault.get("gone").await,
        Err(Error::NotFound(..))
    ));
    assert!(f.stored(&item::key(&k.id, 0)).is_none());
}

#[tokio::test]
async fn rotate_keeps_the_id_and_a_failure_keeps_the_old_secret() {
    let f = fixture().await;
    let k = f
        .vault
        .add(key("r"), secret("kd_live_aaaaaaaaaaaaaaaaaaaa1111"))
        .await
        .unwrap();
    let rotated = f
        .vault
        .rotate(
            "r",
            secret("kd_live_bbbbbbbbbbbbbbbbbbbb2222"),
            Rotation::default(),
        )
        .await
        .unwrap();
    assert_eq!(rotated.id, k.id);
    assert_eq!(rotated.mask, "kd_live_…2222");
    assert_eq!(
        f.vault.reveal("r").await.unwrap().1.expose(),
        "kd_live_bbbbbbbbbbbbbbbbbbbb2222"
    );

    f.store.set_fault(Some(StoreFault::Locked));
    assert!(f
        .vault
        .rotate(
            "r",
            secret("kd_live_cccccccccccccccccccc3333"),
            Rotation::default()
        )
        .await
        .is_err());
    f.store.set_fault(None);
    assert_eq!(f.vault.get("r").await.unwrap().mask, "kd_live_…2222");
    assert_eq!(
        f.vault.reveal("r").await.unwrap().1.expose(),
        "kd_live_bbbbbbbbbbbbbbbbbbbb2222"
    );
}

#[tokio::test]
async fn status_follows_dates_and_the_warning_window() {
    let f = fixture().await;
    let now = Utc::now();
    for (name, expires) in [
        ("past", Some(now - Duration::hours(1))),
        ("soon", Some(now + Duration::days(3))),
        ("later", Some(now + Duration::days(30))),
        ("never", None),
    ] {
        f.vault
            .add(
                NewKey {
                    expires_at: expires,
                    ..key(name)
                },
                secret("s"),
            )
            .await
            .unwrap();
    }
    f.vault.add(key("revoked"), secret("s")).await.unwrap();
    f.vault.revoke("revoked", None).await.unwrap();
    let status =
        |records: &[KeyRecord], name: &str| records.iter().find(|r| r.name == name).unwrap().status;
    let all = f.vault.list(&ListQuery::default()).await.unwrap();
    assert_eq!(status(&all, "past"), KeyStatus::Expired);
    assert_eq!(status(&all, "soon"), KeyStatus::Expiring);
    assert_eq!(status(&all, "later"), KeyStatus::Active);
    assert_eq!(status(&all, "never"), KeyStatus::Active);
    assert_eq!(status(&all, "revoked"), KeyStatus::Revoked);

    let wide = f.vault.with_expiring_window(Duration::days(60));
    let all = wide.list(&ListQuery::default()).await.unwrap();
    assert_eq!(status(&all, "later"), KeyStatus::Expiring);
    let expiring = wide
        .list(&ListQuery {
            status: Some(KeyStatus::Expiring),
            ..ListQuery::default()
        })
        .await
        .unwrap();
    let names: Vec<_> = expiring.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["later", "soon"]);
}

#[tokio::test]
async fn search_scope_filter_and_sort_happen_in_sql() {
    let f = fixture().await;
    let now = Utc::now();
    let specs = [
        (
            "github-ci",
            vec!["repo"],
            vec!["ci"],
            Some(now + Duration::days(90)),
        ),
        ("stripe-live", vec!["charges:write"], vec!["billing"], None),
        (
            "stripe_test",
            vec!["charges:read"],
            vec!["billing", "100%"],
            Some(now + Duration::days(10)),
        ),
    ];
    for (name, scopes, tags, expires) in specs {
        f.vault
            .add(
                NewKey {
                    scopes: scopes.into_iter().map(String::from).collect(),
                    tags: tags.into_iter().map(String::from).collect(),
                    expires_at: expires,
                    ..key(name)
                },
                secret("s"),
            )
            .await
            .unwrap();
    }
    let names = |records: Vec<KeyRecord>| records.into_iter().map(|r| r.name).collect::<Vec<_>>();
    let query = |search: &str| ListQuery {
        search: Some(search.into()),
        ..ListQuery::default()
    };
    assert_eq!(
        names(f.vault.list(&query("STRIPE")).await.unwrap()),
        vec!["stripe-live", "stripe_test"]
    );
    assert_eq!(
        names(f.vault.list(&query("charges:re")).await.unwrap()),
        vec!["stripe_test"]
    );
    assert_eq!(
        names(f.vault.list(&query("billing")).await.unwrap()).len(),
        2
    );
    assert_eq!(
        names(f.vault.list(&query("100%")).await.unwrap()),
        vec!["stripe_test"]
    );
    // `_` and `%` are literal, not wildcards.
    assert_eq!(
        names(f.vault.list(&query("e_t")).await.unwrap()),
        vec!["stripe_test"]
    );
    assert_eq!(
        names(f.vault.list(&query("%")).await.unwrap()),
        vec!["stripe_test"]
    );
    let id = f.vault.get("github-ci").await.unwrap().id;
    assert_eq!(
        names(f.vault.list(&query(&id[..8])).await.unwrap()),
        vec!["github-ci"]
    );

    let scoped = f
        .vault
        .list(&ListQuery {
            scope: Some("repo".into()),
            ..ListQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(names(scoped), vec!["github-ci"]);

    let by_expiry = f
        .vault
        .list(&ListQuery {
            sort: SortField::ExpiresAt,
            ..ListQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        names(by_expiry),
        vec!["stripe_test", "github-ci", "stripe-live"],
        "unknown dates sort last"
    );
    let by_name_desc = f
        .vault
        .list(&ListQuery {
            descending: true,
            ..ListQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        names(by_name_desc),
        vec!["stripe_test", "stripe-live", "github-ci"]
    );
}

#[tokio::test]
async fn bad_names_are_refused_with_a_clear_message() {
    let f = fixture().await;
    let long = "n".repeat(10_000);
    let err = f.vault.add(key(&long), secret("s")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "a key name can be at most 200 characters (this one has 10000)"
    );
    assert!(f.vault.add(key("  "), secret("s")).await.is_err());
    assert!(f.vault.add(key("tab\there"), secret("s")).await.is_err());
    assert!(f
        .vault
        .list(&ListQuery::default())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(f.store.calls(), 0, "nothing reached the keyring");
}

#[tokio::test]
async fn update_changes_metadata_and_records_it() {
    let f = fixture().await;
    f.vault.add(key("a"), secret("s")).await.unwrap();
    f.vault.add(key("b"), secret("s")).await.unwrap();
    let updated = f
        .vault
        .update(
            "a",
            KeyUpdate {
                name: Some("a2".into()),
                scopes: Some(vec!["x".into(), "x".into(), "y".into()]),
                notes: Some(Some("rotate monthly".into())),
                ..KeyUpdate::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.name, "a2");
    assert_eq!(updated.scopes, vec!["x", "y"]);
    let detail = f.vault.detail("a2").await.unwrap();
    assert_eq!(detail.notes.as_deref(), Some("rotate monthly"));
    assert_eq!(
        detail.history.last().unwrap().detail.as_deref(),
        Some("name, scopes, notes")
    );
    let clash = f
        .vault
        .update(
            "a2",
            KeyUpdate {
                name: Some("b".into()),
                ..KeyUpdate::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(clash, Error::DuplicateName(_)));
}

fn env_items(text: &str) -> Vec<crate::exchange::ImportItem> {
    parse(Format::Env, Zeroizing::new(text.as_bytes().to_vec()))
        .unwrap()
        .items
}

#[tokio::test]
async fn import_is_all_or_nothing() {
    let f = fixture().await;
    f.vault.add(key("B"), secret("existing")).await.unwrap();
    let err = f
        .vault
        .import(env_items("A=1\nB=2\nC=3\n"), OnDuplicate::Error, false)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("line 2: a key named `B` already exists"),
        "{err}"
    );
    assert_eq!(f.vault.list(&ListQuery::default()).await.unwrap().len(), 1);

    let dry = f
        .vault
        .import(env_items("A=1\nB=2\nC=3\n"), OnDuplicate::Rename, true)
        .await
        .unwrap();
    assert_eq!(dry.added.len(), 3);
    assert_eq!(dry.added[1].name, "B (2)");
    assert_eq!(
        f.vault.list(&ListQuery::default()).await.unwrap().len(),
        1,
        "a dry run writes nothing"
    );

    let done = f
        .vault
        .import(env_items("A=1\nB=2\nA=3\n"), OnDuplicate::Skip, false)
        .await
        .unwrap();
    assert_eq!(done.added.len(), 1);
    assert_eq!(done.skipped.len(), 2);
    assert_eq!(f.vault.reveal("A").await.unwrap().1.expose(), "1");
}

#[tokio::test]
async fn import_with_a_failing_keyring_writes_nothing() {
    let f = fixture().await;
    f.store.set_fault(Some(StoreFault::Unavailable));
    assert!(f
        .vault
        .import(env_items("A=1\nB=2\n"), OnDuplicate::Error, false)
        .await
        .is_err());
    f.store.set_fault(None);
    assert!(f
        .vault
        .list(&ListQuery::default())
        .await
        .unwrap()
        .is_empty());
    assert!(f.items().is_empty());
}

#[tokio::test]
async fn an_import_whose_keyring_dies_halfway_leaves_no_secret_behind() {
    let f = fixture().await;
    f.vault
        .add(key("kept"), secret("kept-secret"))
        .await
        .unwrap();
    f.store.fail_after_writes(2);
    let err = f
        .vault
        .import(env_items("A=1\nB=2\nC=3\nD=4\n"), OnDuplicate::Error, false)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::KeyringUnavailable(_)), "{err}");
    let names: Vec<String> = f
        .vault
        .list(&ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(names, ["kept"]);
    assert_eq!(f.items().len(), 1, "A and B were stored, then taken back");
}

#[tokio::test]
async fn export_round_trips_through_import() {
    let f = fixture().await;
    f.vault
        .add(
            NewKey {
                scopes: vec!["read".into()],
                notes: Some("n".into()),
                ..key("a")
            },
            secret("sa"),
        )
        .await
        .unwrap();
    f.vault.add(key("b"), secret("sb")).await.unwrap();
    f.vault.revoke("b", None).await.unwrap();

    let plain = serde_json::to_string(&f.vault.export(false).await.unwrap()).unwrap();
    assert!(!plain.contains("\"secret\""));
    let full = f.vault.export(true).await.unwrap();
    assert_eq!(full[0].secret.as_ref().unwrap().expose(), "sa");
    assert!(
        full[1].secret.is_none(),
        "a revoked key has no secret to export"
    );

    let json = serde_json::to_string(&full[..1]).unwrap();
    let other = fixture().await;
    let items = parse(Format::Json, Zeroizing::new(json.into_bytes()))
        .unwrap()
        .items;
    other
        .vault
        .import(items, OnDuplicate::Error, false)
        .await
        .unwrap();
    let detail = other.vault.detail("a").await.unwrap();
    assert_eq!(detail.record.scopes, vec!["read"]);
    assert_eq!(detail.notes.as_deref(), Some("n"));
    assert_eq!(other.vault.reveal("a").await.unwrap().1.expose(), "sa");
}

#[tokio::test]
async fn doctor_finds_and_repairs_what_is_safe() {
    let f = fixture().await;
    let kept = f.vault.add(key("kept"), secret("s")).await.unwrap();
    let lost = f.vault.add(key("lost"), secret("s")).await.unwrap();
    let old = f.vault.add(key("old"), secret("s")).await.unwrap();
    f.vault.revoke("old", None).await.unwrap();
    f.store.delete(&f.space(), &item::key(&lost.id, 0)).unwrap();
    f.store
        .plant(&f.space(), &item::key(&old.id, 0), secret("should be gone"));
    f.store.plant(
        &f.space(),
        "key/orphan-id",
        secret("from an interrupted add"),
    );
    // Another vault's items are none of this vault's business.
    let other = Space::Vault("another-vault".into());
    f.store
        .plant(&other, "key/theirs", secret("another vault's secret"));

    let report = f.vault.doctor(false).await.unwrap();
    assert_eq!(report.integrity, "ok");
    assert_eq!(report.missing_secrets, vec![item::key(&lost.id, 0)]);
    assert_eq!(report.revoked_with_secret, vec![item::key(&old.id, 0)]);
    assert_eq!(report.orphan_secrets, vec!["key/orphan-id".to_string()]);
    assert!(!report.healthy);

    let repaired = f.vault.doctor(true).await.unwrap();
    assert_eq!(repaired.repaired.len(), 2);
    assert!(f.stored("key/orphan-id").is_none());
    assert!(f.store.peek(&other, "key/theirs").is_some());
    assert!(f.stored(&item::key(&old.id, 0)).is_none());
    assert!(
        f.stored(&item::key(&kept.id, 0)).is_some(),
        "repair never touches a good secret"
    );
    // A key without its secret is reported, never deleted: the user decides.
    assert_eq!(
        f.vault.doctor(false).await.unwrap().missing_secrets,
        vec![item::key(&lost.id, 0)]
    );
}

#[tokio::test]
async fn a_newer_vault_is_refused_and_left_untouched() {
    let f = fixture().await;
    f.vault.add(key("a"), secret("s")).await.unwrap();
    f.vault.close().await;
    // A newer keydeck wrote this file: one more migration than this build knows. The file is
    // switched out of WAL so that nothing but the refused open could change it afterwards.
    let db = f.home.join(open::DB_FILE);
    {
        use sqlx::{ConnectOptions, Connection};
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&db)
            .busy_timeout(std::time::Duration::from_secs(10))
            .connect()
            .await
            .unwrap();
        sqlx::query("PRAGMA journal_mode = DELETE")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 0)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let err = Vault::open_with(&f.home, Arc::new(MemoryStore::new()))
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), crate::ErrorCode::VaultTooNew);
    assert!(err.to_string().contains("schema version 9999"), "{err}");
    assert!(
        std::fs::read(&db).unwrap() == before,
        "the refused file was changed"
    );
    assert!(
        !f.home.join(format!("{}-wal", open::DB_FILE)).exists(),
        "the refused file got a WAL"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_vault_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(open::DB_FILE),
        b"this is not sqlite at all, just text....",
    )
    .unwrap();
    let err = Vault::open_with(dir.path(), Arc::new(MemoryStore::new()))
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), crate::ErrorCode::NotAVault, "{err}");
}

#[tokio::test]
async fn backup_is_a_consistent_copy_without_secrets() {
    let f = fixture().await;
    f.vault
        .add(key("a"), secret("sk_canary_backup_1234567890"))
        .await
        .unwrap();
    let dest = f.home.join("backup.sqlite3");
    assert!(f.vault.backup(&dest).await.unwrap() > 0);
    assert!(f.vault.backup(&dest).await.is_err(), "never overwrites");
    let bytes = std::fs::read(&dest).unwrap();
    let canary = b"sk_canary_backup_1234567890";
    assert!(!bytes.windows(canary.len()).any(|w| w == canary));
    let restored_home = f.home.join("restored");
    std::fs::create_dir_all(&restored_home).unwrap();
    std::fs::copy(&dest, restored_home.join(open::DB_FILE)).unwrap();
    let restored = Vault::open_with(&restored_home, f.store.clone())
        .await
        .unwrap();
    assert_eq!(restored.list(&ListQuery::default()).await.unwrap().len(), 1);
    // Restored beside its original, it is a copy: its own keyring space, with its own
    // copy of the secret, so neither vault can change the other's.
    assert_eq!(
        restored.reveal("a").await.unwrap().1.expose(),
        "sk_canary_backup_1234567890"
    );
    assert_ne!(restored.vault_id(), f.vault.vault_id());
    restored.revoke("a", None).await.unwrap();
    assert_eq!(
        f.vault.reveal("a").await.unwrap().1.expose(),
        "sk_canary_backup_1234567890"
    );
}

#[tokio::test]
async fn pages_count_what_matches_and_what_the_source_holds() {
    let f = fixture().await;
    for i in 0..25 {
        f.vault
            .add(key(&format!("key-{i:02}")), secret("s"))
            .await
            .unwrap();
    }
    f.vault.revoke("key-03", None).await.unwrap();
    let page = f
        .vault
        .list_page(&ListQuery::default(), 20, 10)
        .await
        .unwrap();
    assert_eq!((page.offset, page.matching, page.total), (20, 25, 25));
    let names: Vec<_> = page.keys.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["key-20", "key-21", "key-22", "key-23", "key-24"]);
    let active = f
        .vault
        .list_page(
            &ListQuery {
                hide_inactive: true,
                search: Some("key-0".into()),
                ..ListQuery::default()
            },
            0,
            0,
        )
        .await
        .unwrap();
    assert_eq!(
        (active.matching, active.total),
        (9, 25),
        "key-00..09 but the revoked key-03"
    );
    assert!(active.keys.is_empty());
}

/// Puts the fixture's vault back into the keyring layout of keydeck before spaces: items
/// under their old users, tagged with the vault id; rows at revision 0.
async fn make_legacy(f: &Fixture) {
    let legacy = Space::Legacy(f.vault.vault_id().to_string());
    for item in f.items() {
        let secret = f.store.peek(&f.space(), &item).unwrap();
        let old = match item.split_once('/') {
            Some(("key", rest)) => rest.split('/').next().unwrap().to_string(),
            Some(("source", name)) => format!("source:{name}"),
            _ => panic!("unexpected item {item}"),
        };
        f.store.plant(&legacy, &old, secret);
        f.store.delete(&f.space(), &item).unwrap();
    }
    let mut conn = f.vault.pool.acquire().await.unwrap();
    sqlx::query("UPDATE keys SET secret_rev = 0")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("DELETE FROM vault_meta WHERE key = 'keyring_layout'")
        .execute(&mut *conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_old_vaults_secrets_move_into_its_space_on_first_use() {
    let f = fixture().await;
    f.vault.add(key("a"), secret("secret-a")).await.unwrap();
    f.vault.add(key("b"), secret("secret-b")).await.unwrap();
    make_legacy(&f).await;
    let legacy = Space::Legacy(f.vault.vault_id().to_string());
    f.store
        .plant(&legacy, "00000000-orphan", secret("an interrupted add"));
    // Another vault's old items are never touched.
    let other = Space::Legacy("another-vault".into());
    f.store.plant(&other, "theirs", secret("theirs"));
    f.vault.clone().close().await;

    let reopened = Vault::open_with(&f.home, f.store.clone()).await.unwrap();
    // Listing needs no keyring, so a locked keyring does not stop it; the move waits.
    f.store.set_fault(Some(StoreFault::Locked));
    assert_eq!(reopened.list(&ListQuery::default()).await.unwrap().len(), 2);
    assert_eq!(
        reopened.reveal("a").await.unwrap_err().code(),
        crate::ErrorCode::KeyringLocked
    );
    f.store.set_fault(None);
    assert_eq!(reopened.reveal("a").await.unwrap().1.expose(), "secret-a");
    assert_eq!(reopened.reveal("b").await.unwrap().1.expose(), "secret-b");
    assert_eq!(
        f.store.list(&legacy).unwrap().unwrap(),
        Vec::<String>::new()
    );
    assert!(f.store.peek(&other, "theirs").is_some());
    let report = reopened.doctor(false).await.unwrap();
    assert_eq!(
        report.orphan_secrets,
        vec!["key/00000000-orphan".to_string()]
    );
}

#[tokio::test]
async fn expiry_notices_tell_each_key_once_per_event_and_date() {
    let f = fixture().await;
    let now = Utc::now();
    for (name, expires) in [
        ("gone", Some(now - Duration::hours(1))),
        ("soon", Some(now + Duration::days(3))),
        ("later", Some(now + Duration::days(30))),
        ("never", None),
        ("revoked", Some(now - Duration::hours(2))),
    ] {
        let new = NewKey {
            expires_at: expires,
            ..key(name)
        };
        f.vault.add(new, secret("s")).await.unwrap();
    }
    f.vault.revoke("revoked", None).await.unwrap();
    let told = |notices: Vec<ExpiryNotice>| -> Vec<(String, KeyStatus)> {
        notices
            .into_iter()
            .map(|n| (n.key.name, n.key.status))
            .collect()
    };

    let first = f.vault.take_expiry_notices().await.unwrap();
    let (title, body) = ExpiryNotice::words(&first).unwrap();
    assert_eq!(title, "keydeck: keys have expired");
    assert_eq!(body, "gone has expired\nsoon expires soon");
    assert_eq!(
        told(first),
        [
            ("gone".to_string(), KeyStatus::Expired),
            ("soon".to_string(), KeyStatus::Expiring)
        ]
    );
    assert!(
        f.vault.take_expiry_notices().await.unwrap().is_empty(),
        "told once"
    );
    assert_eq!(ExpiryNotice::words(&[]), None);

    // A new date in the window is a new event; so is expiring.
    let update = |at| KeyUpdate {
        expires_at: Some(Some(at)),
        ..KeyUpdate::default()
    };
    f.vault
        .update("soon", update(now + Duration::days(2)))
        .await
        .unwrap();
    f.vault
        .update("later", update(now - Duration::minutes(1)))
        .await
        .unwrap();
    let second = told(f.vault.take_expiry_notices().await.unwrap());
    assert_eq!(
        second,
        [
            ("later".to_string(), KeyStatus::Expired),
            ("soon".to_string(), KeyStatus::Expiring)
        ]
    );
}

#[tokio::test]
async fn expiry_notice_words_are_inert_and_bounded() {
    let f = fixture().await;
    let soon = Utc::now() + Duration::days(1);
    for name in ["<b>bold</b>\u{202e}evil", "k2", "k3", "k4", "k5"] {
        let new = NewKey {
            expires_at: Some(soon),
            ..key(name)
        };
        f.vault.add(new, secret("s")).await.unwrap();
    }
    let notices = f.vault.take_expiry_notices().await.unwrap();
    let (title, body) = ExpiryNotice::words(&notices).unwrap();
    assert_eq!(title, "keydeck: keys expire soon");
    assert!(body.starts_with("5 keys expire soon: "), "{body}");
    assert!(body.ends_with(" and 2 more"), "{body}");
    assert!(!body.contains('<') && !body.contains('\u{202e}'), "{body}");
}

#[tokio::test]
async fn recent_copies_are_the_last_copied_keys_newest_first() {
    let f = fixture().await;
    let copy = crate::model::Access {
        copy: true,
        by: crate::model::Reader::Window,
    };
    let reveal = crate::model::Access {
        copy: false,
        by: crate::model::Reader::Window,
    };
    let mut ids = Vec::new();
    for name in ["a", "b", "c", "d"] {
        let added = f.vault.add(key(name), secret("s3cret")).await.unwrap();
        ids.push(added.id);
    }
    let read = |name: &str, access| {
        let vault = f.vault.clone();
        let name = name.to_string();
        async move {
            let record = vault.find(None, &name).await.unwrap();
            vault.reveal_key(record, access).await.unwrap();
        }
    };
    assert!(f.vault.recent_copies(5).await.unwrap().is_empty());
    read("a", copy).await;
    read("b", copy).await;
    read("c", reveal).await; // a reveal is not a copy
    read("a", copy).await; // copied again: first once more
    read("d", copy).await;
    f.vault.revoke(&ids[3], None).await.unwrap(); // d can no longer be copied
    let names = |keys: Vec<KeyRecord>| keys.into_iter().map(|k| k.name).collect::<Vec<_>>();
    assert_eq!(names(f.vault.recent_copies(5).await.unwrap()), ["a", "b"]);
    assert_eq!(names(f.vault.recent_copies(1).await.unwrap()), ["a"]);
}

mod order;
mod previous;
