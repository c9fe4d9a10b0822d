//! Rotation with a grace period: the previous secret is revealable until it lapses, then
//! deleted; a rotation can set a new expiry.

use super::*;
use crate::model::Access;

const CLI: Access = Access {
    copy: false,
    by: crate::model::Reader::Cli,
};
const OLD: &str = "kd_live_aaaaaaaaaaaaaaaaaaaa1111";
const NEW: &str = "kd_live_bbbbbbbbbbbbbbbbbbbb2222";

fn keeping(keep: Duration) -> Rotation {
    Rotation {
        keep_previous: Some(keep),
        expires_at: None,
    }
}

#[tokio::test]
async fn the_previous_secret_stays_revealable_until_it_lapses_then_is_deleted() {
    let f = fixture().await;
    let k = f.vault.add(key("r"), secret(OLD)).await.unwrap();
    f.vault
        .rotate("r", secret(NEW), keeping(Duration::milliseconds(400)))
        .await
        .unwrap();
    assert_eq!(f.vault.reveal("r").await.unwrap().1.expose(), NEW);
    assert_eq!(
        f.vault.reveal_previous("r", CLI).await.unwrap().1.expose(),
        OLD
    );
    let detail = f
        .vault
        .detail_of(f.vault.get("r").await.unwrap())
        .await
        .unwrap();
    let until = detail.previous_until.expect("the detail says until when");
    assert!(until > Utc::now() && until <= Utc::now() + Duration::milliseconds(400));
    assert!(detail.history.iter().any(|e| e.kind == "rotated"
        && e.detail
            .as_deref()
            .is_some_and(|d| d.contains("previous secret kept until"))));
    assert!(f.stored(&item::key(&k.id, 0)).is_some());
    // Kept, it is not an orphan to doctor.
    assert!(f
        .vault
        .doctor(false)
        .await
        .unwrap()
        .orphan_secrets
        .is_empty());

    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // Lapsed: never revealed, even before it is deleted.
    let err = f.vault.reveal_previous("r", CLI).await.unwrap_err();
    assert!(
        err.to_string().contains("keeps no previous secret"),
        "{err}"
    );
    assert_eq!(f.vault.forget_lapsed_previous().await.unwrap(), 1);
    assert!(f.stored(&item::key(&k.id, 0)).is_none());
    assert_eq!(f.items(), [item::key(&k.id, 1)]);
    assert_eq!(f.vault.forget_lapsed_previous().await.unwrap(), 0);
    let detail = f
        .vault
        .detail_of(f.vault.get("r").await.unwrap())
        .await
        .unwrap();
    assert_eq!(detail.previous_until, None);
}

#[tokio::test]
async fn a_rotation_without_grace_a_revoke_or_a_delete_leave_no_previous_secret() {
    let f = fixture().await;
    let hour = keeping(Duration::hours(1));
    for name in ["again", "revoked", "deleted"] {
        f.vault.add(key(name), secret(OLD)).await.unwrap();
        f.vault
            .rotate(name, secret(NEW), hour.clone())
            .await
            .unwrap();
    }
    assert_eq!(f.items().len(), 6);
    f.vault
        .rotate(
            "again",
            secret("kd_live_cccccccccccccccccccc3333"),
            Rotation::default(),
        )
        .await
        .unwrap();
    f.vault.revoke("revoked", None).await.unwrap();
    f.vault.delete("deleted").await.unwrap();
    let again = f.vault.get("again").await.unwrap();
    assert_eq!(f.items(), [item::key(&again.id, 2)]);
    for name in ["again", "revoked"] {
        assert!(f.vault.reveal_previous(name, CLI).await.is_err(), "{name}");
    }
}

#[tokio::test]
async fn a_second_grace_rotation_keeps_only_the_secret_just_replaced() {
    let f = fixture().await;
    let k = f.vault.add(key("r"), secret(OLD)).await.unwrap();
    let hour = keeping(Duration::hours(1));
    f.vault
        .rotate("r", secret(NEW), hour.clone())
        .await
        .unwrap();
    f.vault
        .rotate("r", secret("kd_live_cccccccccccccccccccc3333"), hour)
        .await
        .unwrap();
    assert_eq!(
        f.vault.reveal_previous("r", CLI).await.unwrap().1.expose(),
        NEW
    );
    let mut items = f.items();
    items.sort();
    assert_eq!(items, [item::key(&k.id, 1), item::key(&k.id, 2)]);
}

#[tokio::test]
async fn a_rotation_can_set_or_remove_the_expiry_and_refuses_a_long_grace() {
    let f = fixture().await;
    f.vault.add(key("r"), secret(OLD)).await.unwrap();
    let in_90 = Utc::now() + Duration::days(90);
    let set = Rotation {
        keep_previous: None,
        expires_at: Some(Some(in_90)),
    };
    let rotated = f.vault.rotate("r", secret(NEW), set).await.unwrap();
    assert_eq!(
        rotated.expires_at.map(|t| t.timestamp()),
        Some(in_90.timestamp())
    );
    let kept = f
        .vault
        .rotate("r", secret(OLD), Rotation::default())
        .await
        .unwrap();
    assert_eq!(kept.expires_at, rotated.expires_at);
    let removed = Rotation {
        keep_previous: None,
        expires_at: Some(None),
    };
    let rotated = f.vault.rotate("r", secret(NEW), removed).await.unwrap();
    assert_eq!(rotated.expires_at, None);

    let err = f
        .vault
        .rotate("r", secret(OLD), keeping(Duration::days(31)))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("up to 30 days"), "{err}");
    assert_eq!(f.vault.reveal("r").await.unwrap().1.expose(), NEW);
}
