//! Names in the order people read them: case aside, numbers by value, in SQL (so paging and
//! the merged name-ordered listing agree), also for names stored before migration 0008.

use super::*;

async fn names(vault: &Vault, descending: bool) -> Vec<String> {
    let query = ListQuery {
        descending,
        ..ListQuery::default()
    };
    let keys = vault.list(&query).await.unwrap();
    keys.into_iter().map(|k| k.name).collect()
}

#[tokio::test]
async fn names_sort_naturally_and_case_aside() {
    let f = fixture().await;
    for name in ["key10", "Key2", "key1", "beta", "Alpha"] {
        f.vault.add(key(name), secret("s")).await.unwrap();
    }
    let natural = ["Alpha", "beta", "key1", "Key2", "key10"];
    assert_eq!(names(&f.vault, false).await, natural);
    let mut reversed = natural.to_vec();
    reversed.reverse();
    assert_eq!(names(&f.vault, true).await, reversed);

    // A renamed key takes its new place.
    let update = KeyUpdate {
        name: Some("key20".into()),
        ..KeyUpdate::default()
    };
    f.vault.update("key1", update).await.unwrap();
    assert_eq!(
        names(&f.vault, false).await,
        ["Alpha", "beta", "Key2", "key10", "key20"]
    );
}

#[tokio::test]
async fn names_stored_before_the_sort_keys_get_theirs_on_open() {
    let f = fixture().await;
    for name in ["key10", "key9", "key100"] {
        f.vault.add(key(name), secret("s")).await.unwrap();
    }
    // As a vault migrated to 0008 has them: no sort keys yet.
    sqlx::query("UPDATE keys SET name_key = NULL")
        .execute(&f.vault.pool)
        .await
        .unwrap();
    let Fixture {
        _dir,
        home,
        store,
        vault,
    } = f;
    vault.close().await;
    let vault = Vault::open_with(&home, store as Arc<dyn SecretStore>)
        .await
        .unwrap();
    let missing: i64 = sqlx::query_scalar("SELECT count(*) FROM keys WHERE name_key IS NULL")
        .fetch_one(&vault.pool)
        .await
        .unwrap();
    assert_eq!(missing, 0);
    assert_eq!(names(&vault, false).await, ["key9", "key10", "key100"]);
}
