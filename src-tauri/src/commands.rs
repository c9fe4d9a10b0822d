//! Tauri commands: each one takes its arguments, calls keydeck-core, maps the error.
//! Listings carry no secret; `reveal_secret` and `copy_secret` handle one key each.

use keydeck_core::model::{Access, LOCAL_SOURCE};
use keydeck_core::remote::{CancellationToken, SyncProgress, SyncWatch};
use keydeck_core::vault::SourceInfo;
use keydeck_core::Error;
use keydeck_core::{KeyDetail, KeyPage, KeyRecord, ListQuery, NewKey, Settings};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::ipc::{CopyReceipt, KeyEdit, KeyRef, SecretInput, SourceInput};
use crate::{window, AppError, AppState};

type Answer<T> = Result<T, AppError>;

async fn find(state: &AppState, key: &KeyRef) -> Answer<KeyRecord> {
    Ok(state.vault()?.find(Some(&key.source), &key.id).await?)
}

#[tauri::command]
pub async fn list_keys(
    state: State<'_, AppState>,
    query: ListQuery,
    offset: u32,
    limit: u32,
) -> Answer<KeyPage> {
    Ok(state
        .vault()?
        .list_page(&query, offset, limit.min(1000))
        .await?)
}

#[tauri::command]
pub async fn key_detail(state: State<'_, AppState>, key: KeyRef) -> Answer<KeyDetail> {
    let record = find(&state, &key).await?;
    Ok(state.vault()?.detail_of(record).await?)
}

#[tauri::command]
pub async fn add_key(
    state: State<'_, AppState>,
    key: NewKey,
    secret: SecretInput,
) -> Answer<KeyRecord> {
    Ok(state.vault()?.add(key, secret.into_secret()?).await?)
}

#[tauri::command]
pub async fn edit_key(state: State<'_, AppState>, id: String, edit: KeyEdit) -> Answer<KeyRecord> {
    Ok(state.vault()?.update(&id, edit.into()).await?)
}

#[tauri::command]
pub async fn rotate_key(
    state: State<'_, AppState>,
    id: String,
    secret: SecretInput,
) -> Answer<KeyRecord> {
    Ok(state.vault()?.rotate(&id, secret.into_secret()?).await?)
}

/// Revokes a vault key here, or a remote key on its server (where the source has a revoke
/// template); answers with the key as listed afterwards, `None` when it is gone.
#[tauri::command]
pub async fn revoke_key(
    state: State<'_, AppState>,
    key: KeyRef,
    reason: Option<String>,
) -> Answer<Option<KeyRecord>> {
    let vault = state.vault()?;
    let record = find(&state, &key).await?;
    if record.source == LOCAL_SOURCE {
        return Ok(Some(vault.revoke(&record.id, reason).await?));
    }
    Ok(match vault.revoke_remote(&record, &state.client()).await? {
        keydeck_core::vault::RemoteRevoke::Revoked { key } => Some(*key),
        keydeck_core::vault::RemoteRevoke::Gone { .. } => None,
    })
}

#[tauri::command]
pub async fn delete_key(state: State<'_, AppState>, id: String) -> Answer<()> {
    state.vault()?.delete(&id).await?;
    Ok(())
}

/// The secret of one key, for the reveal button (masked again by the window after the
/// configured time).
#[tauri::command]
pub async fn reveal_secret(state: State<'_, AppState>, key: KeyRef) -> Answer<String> {
    state.reveals.take(std::time::Instant::now())?;
    let record = find(&state, &key).await?;
    let access = Access {
        copy: false,
        window: true,
    };
    let (_, secret) = state.vault()?.reveal_key(record, access).await?;
    Ok(secret.expose().to_string())
}

/// Puts one key's secret on the clipboard; Rust clears it after the configured time if the
/// clipboard still holds it. The secret never crosses to the webview.
#[tauri::command]
pub async fn copy_secret(state: State<'_, AppState>, key: KeyRef) -> Answer<CopyReceipt> {
    state.reveals.take(std::time::Instant::now())?;
    let record = find(&state, &key).await?;
    let access = Access {
        copy: true,
        window: true,
    };
    let (_, secret) = state.vault()?.reveal_key(record, access).await?;
    let clear_after_secs = state.settings().clipboard_clear_secs;
    state.clipboard.copy(secret, clear_after_secs).await?;
    Ok(CopyReceipt { clear_after_secs })
}

#[tauri::command]
pub async fn list_sources(state: State<'_, AppState>) -> Answer<Vec<SourceInfo>> {
    Ok(state.vault()?.sources().await?)
}

/// Adds a source and lists it once. A failed first sync keeps the source (its state says why).
/// A server new to this vault, or plain http, is confirmed in a native dialog first.
#[tauri::command]
pub async fn add_source<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    source: SourceInput,
) -> Answer<SourceInfo> {
    let vault = state.vault()?;
    let (spec, token) = source.split()?;
    if let Some(question) = vault
        .new_server_question(&spec.url, spec.allow_insecure)
        .await?
    {
        if !window::confirm(&app, NEW_SERVER_TITLE, question, "Connect").await {
            return Err(Error::Cancelled("the source was not added".into()).into());
        }
    }
    let client = state.client();
    let (info, _) = vault.add_source(spec, token, &client).await?;
    let _ = vault.sync_source(&info.name, &client).await;
    Ok(vault.source(&info.name).await?)
}

#[tauri::command]
pub async fn remove_source(state: State<'_, AppState>, name: String) -> Answer<()> {
    state.vault()?.remove_source(&name).await?;
    Ok(())
}

/// Lists a source again, reporting progress after each page on `on_progress`; a failure
/// keeps its cached listing and is answered as an error. `cancel_sync` stops it.
#[tauri::command]
pub async fn sync_source(
    state: State<'_, AppState>,
    name: String,
    on_progress: Channel<SyncProgress>,
) -> Answer<SourceInfo> {
    let vault = state.vault()?;
    let watch = SyncWatch {
        cancel: CancellationToken::new(),
        progress: Some(Box::new(move |progress: &SyncProgress| {
            let _ = on_progress.send(progress.clone());
        })),
    };
    state
        .syncs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(name.clone(), watch.cancel.clone());
    let outcome = vault
        .sync_source_watched(&name, &state.client(), &watch)
        .await;
    state
        .syncs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&name);
    outcome?;
    Ok(vault.source(&name).await?)
}

/// Stops the sync of `name` if one is under way; its cached listing stays.
#[tauri::command]
pub async fn cancel_sync(state: State<'_, AppState>, name: String) -> Answer<()> {
    if let Some(cancel) = state
        .syncs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&name)
    {
        cancel.cancel();
    }
    Ok(())
}

/// Replaces a source's token, confirmed in a native dialog first.
#[tauri::command]
pub async fn set_source_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    token: SecretInput,
) -> Answer<()> {
    let vault = state.vault()?;
    let token = token.into_secret()?;
    let question = vault.new_token_question(&name).await?;
    if !window::confirm(&app, NEW_TOKEN_TITLE, question, "Use this token").await {
        return Err(Error::Cancelled("the token was not changed".into()).into());
    }
    vault.set_source_token(&name, token).await?;
    Ok(())
}

/// The native dialogs' titles (tests find the dialogs by them).
pub const NEW_SERVER_TITLE: &str = "keydeck: connect to a server?";
pub const NEW_TOKEN_TITLE: &str = "keydeck: new token for a source?";

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Answer<Settings> {
    Ok(state.settings())
}

#[tauri::command]
pub async fn save_settings(state: State<'_, AppState>, settings: Settings) -> Answer<Settings> {
    settings.save(&state.home)?;
    if let Ok(vault) = state.vault() {
        vault.set_expiring_window(settings.expiring_window());
    }
    *state.client.write().unwrap_or_else(|e| e.into_inner()) = crate::client_for(&settings)?;
    *state.settings.write().unwrap_or_else(|e| e.into_inner()) = settings.clone();
    Ok(settings)
}
