//! What each window command does: adapt its arguments, make one call into keydeck-core, map
//! the error. Listings carry no secret; `reveal_secret` and `copy_secret` handle one key each
//! and are rate-limited and written to the key's history.

use std::time::Instant;

use keydeck_core::model::{Access, Reader};
use keydeck_core::remote::{CancellationToken, SyncWatch};
use keydeck_core::vault::{EditQuestion, SourceInfo, SourceSpec};
use keydeck_core::{
    Error, KeyDetail, KeyPage, KeyRecord, Keydeck, ListQuery, NewKey, Secret, Settings,
};
use tauri::AppHandle;

use crate::commands::{NEW_SERVER_TITLE, NEW_TOKEN_TITLE};
use crate::ipc::{
    About, BulkChannel, BulkProgress, ChangeChannel, CopyReceipt, KeyEdit, KeyRef, ProgressChannel,
    RotationInput, SecretInput, SourceInput,
};
use crate::{quick, tray, window, AppError, AppState};

/// Keys quick access offers before any is searched for.
const RECENT_KEYS: u32 = 5;
use keydeck_core::bulk::{BulkAction, BulkReport};

type Answer<T> = Result<T, AppError>;

/// What every command is given: the app (for native dialogs) and its state.
pub struct Ctx<'a> {
    pub app: &'a AppHandle,
    pub state: &'a AppState,
}

impl Ctx<'_> {
    fn kd(&self) -> Answer<&Keydeck> {
        self.state.keydeck()
    }
}

const WINDOW_REVEAL: Access = Access {
    copy: false,
    by: Reader::Window,
};
const WINDOW_COPY: Access = Access {
    copy: true,
    by: Reader::Window,
};

pub async fn list_keys(cx: &Ctx<'_>, query: ListQuery, offset: u32, limit: u32) -> Answer<KeyPage> {
    Ok(cx
        .kd()?
        .vault()
        .list_page(&query, offset, limit.min(1000))
        .await?)
}

pub async fn key_detail(cx: &Ctx<'_>, key: KeyRef) -> Answer<KeyDetail> {
    let kd = cx.kd()?;
    let record = kd.find(Some(&key.source), &key.id).await?;
    Ok(kd.vault().detail_of(record).await?)
}

pub async fn add_key(cx: &Ctx<'_>, key: NewKey, secret: SecretInput) -> Answer<KeyRecord> {
    Ok(cx.kd()?.vault().add(key, secret.into_secret()?).await?)
}

pub async fn edit_key(cx: &Ctx<'_>, id: String, edit: KeyEdit) -> Answer<KeyRecord> {
    Ok(cx.kd()?.vault().update(&id, edit.into()).await?)
}

pub async fn rotate_key(
    cx: &Ctx<'_>,
    id: String,
    secret: SecretInput,
    rotation: RotationInput,
) -> Answer<KeyRecord> {
    let vault = cx.kd()?.vault();
    Ok(vault
        .rotate(&id, secret.into_secret()?, rotation.into())
        .await?)
}

pub async fn revoke_key(
    cx: &Ctx<'_>,
    key: KeyRef,
    reason: Option<String>,
) -> Answer<Option<KeyRecord>> {
    let revoked = cx.kd()?.revoke(Some(&key.source), &key.id, reason).await?;
    Ok(revoked.key().cloned())
}

pub async fn apply_to_keys(
    cx: &Ctx<'_>,
    keys: Vec<KeyRef>,
    action: BulkAction,
    on_progress: BulkChannel,
) -> Answer<BulkReport> {
    let mut progress = |done: usize, total: usize| {
        on_progress.send(BulkProgress {
            done: done as u32,
            total: total as u32,
        });
    };
    Ok(cx.kd()?.apply_each(&keys, &action, &mut progress).await)
}

pub async fn delete_key(cx: &Ctx<'_>, id: String) -> Answer<()> {
    cx.kd()?.vault().delete(&id).await?;
    Ok(())
}

pub async fn reveal_secret(cx: &Ctx<'_>, key: KeyRef) -> Answer<String> {
    cx.state.reveals.take(Instant::now())?;
    let (_, secret) = cx
        .kd()?
        .reveal(Some(&key.source), &key.id, WINDOW_REVEAL)
        .await?;
    Ok(secret.expose().to_string())
}

pub async fn reveal_previous(cx: &Ctx<'_>, id: String) -> Answer<String> {
    cx.state.reveals.take(Instant::now())?;
    let vault = cx.kd()?.vault();
    let (_, secret) = vault.reveal_previous(&id, WINDOW_REVEAL).await?;
    Ok(secret.expose().to_string())
}

/// Rust puts the secret on the clipboard and clears it after the configured time if the
/// clipboard still holds it: the secret never crosses to the webview.
pub async fn copy_secret(cx: &Ctx<'_>, key: KeyRef) -> Answer<CopyReceipt> {
    cx.state.reveals.take(Instant::now())?;
    let kd = cx.kd()?;
    let (_, secret) = kd.reveal(Some(&key.source), &key.id, WINDOW_COPY).await?;
    let clear_after_secs = kd.settings().clipboard_clear_secs;
    cx.state.clipboard.copy(secret, clear_after_secs).await?;
    tray::refresh(cx.app);
    Ok(CopyReceipt { clear_after_secs })
}

pub async fn list_sources(cx: &Ctx<'_>) -> Answer<Vec<SourceInfo>> {
    Ok(cx.kd()?.vault().sources().await?)
}

pub async fn add_source(cx: &Ctx<'_>, source: SourceInput) -> Answer<SourceInfo> {
    let kd = cx.kd()?;
    let (spec, token) = source.split()?;
    let spec = spec.normalized();
    if let Some(question) = kd
        .vault()
        .new_server_question(&spec.url, spec.allow_insecure)
        .await?
    {
        if !window::confirm(cx.app, NEW_SERVER_TITLE, question, "Connect").await {
            return Err(Error::Cancelled("the source was not added".into()).into());
        }
    }
    Ok(kd
        .connect_source(spec, token, Some(&SyncWatch::default()))
        .await?
        .source)
}

pub async fn remove_source(cx: &Ctx<'_>, name: String) -> Answer<()> {
    cx.kd()?.vault().remove_source(&name).await?;
    Ok(())
}

pub async fn sync_source(
    cx: &Ctx<'_>,
    name: String,
    on_progress: ProgressChannel,
) -> Answer<SourceInfo> {
    let watch = SyncWatch {
        cancel: CancellationToken::new(),
        progress: Some(on_progress.into_callback()),
    };
    let _running = cx.state.syncs.start(&name, &watch.cancel);
    Ok(cx.kd()?.sync(&name, &watch).await?)
}

pub async fn cancel_sync(cx: &Ctx<'_>, name: String) -> Answer<()> {
    cx.state.syncs.cancel(&name);
    Ok(())
}

pub async fn edit_source(
    cx: &Ctx<'_>,
    name: String,
    settings: SourceSpec,
    token: Option<String>,
) -> Answer<SourceInfo> {
    let kd = cx.kd()?;
    let token = token
        .map(|t| Secret::new(t).map_err(|e| Error::InvalidInput(format!("the token: {e}"))))
        .transpose()?;
    let settings = settings.normalized();
    // A script in the page must not send the token to a server of its choosing, nor a
    // revealed key to this source's server as its "token": a person says yes to either.
    let question = kd
        .vault()
        .edit_question(
            &name,
            &settings.url,
            settings.allow_insecure,
            token.is_some(),
        )
        .await?;
    if let Some((kind, question)) = question {
        let (title, yes) = match kind {
            EditQuestion::NewServer => (NEW_SERVER_TITLE, "Connect"),
            EditQuestion::NewToken => (NEW_TOKEN_TITLE, "Use this token"),
        };
        if !window::confirm(cx.app, title, question, yes).await {
            return Err(Error::Cancelled(format!("source {name} was not changed")).into());
        }
    }
    Ok(kd
        .edit_source(&name, settings, token, &SyncWatch::default())
        .await?
        .source)
}

pub async fn watch_vault(cx: &Ctx<'_>, on_change: ChangeChannel) -> Answer<()> {
    cx.state.listener.set(on_change);
    Ok(())
}

pub async fn first_paint(_cx: &Ctx<'_>) -> Answer<()> {
    crate::live::mark_ready();
    Ok(())
}

pub async fn about(_cx: &Ctx<'_>) -> Answer<About> {
    Ok(About {
        version: env!("CARGO_PKG_VERSION").into(),
        commit: env!("KEYDECK_COMMIT").into(),
    })
}

/// The saved settings, or the defaults when the vault could not be opened.
pub async fn get_settings(cx: &Ctx<'_>) -> Answer<Settings> {
    Ok(cx.kd().map(Keydeck::settings).unwrap_or_default())
}

/// A new quick access shortcut is taken before the settings are saved: one that cannot be
/// had (another program holds it) is refused and nothing is saved.
pub async fn save_settings(cx: &Ctx<'_>, settings: Settings) -> Answer<Settings> {
    let kd = cx.kd()?;
    settings.validate()?;
    let before = kd.settings().quick_access_shortcut;
    // Only a changed shortcut is taken again: one another keydeck holds must not block
    // saving the other settings.
    if settings.quick_access_shortcut != before {
        quick::set_shortcut(cx.app, &settings.quick_access_shortcut)?;
    }
    kd.save_settings(settings).map_err(|err| {
        let _ = quick::set_shortcut(cx.app, &before);
        err.into()
    })
}

/// The keys copied last (five), for quick access.
pub async fn recent_keys(cx: &Ctx<'_>) -> Answer<Vec<KeyRecord>> {
    Ok(cx.kd()?.vault().recent_copies(RECENT_KEYS).await?)
}

/// Hides quick access (its Esc).
pub async fn hide_quick_access(cx: &Ctx<'_>) -> Answer<()> {
    quick::hide(cx.app);
    Ok(())
}
