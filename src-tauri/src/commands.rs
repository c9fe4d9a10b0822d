//! Tauri commands: each one takes its arguments, calls keydeck-core, maps the error.
//! Listings carry no secret; `reveal_secret` and `copy_secret` handle one key each.

use keydeck_core::model::{Access, LOCAL_SOURCE};
use keydeck_core::vault::SourceInfo;
use keydeck_core::{KeyDetail, KeyPage, KeyRecord, ListQuery, NewKey, Settings};
use tauri::State;

use crate::ipc::{CopyReceipt, KeyEdit, KeyRef, SecretInput, SourceInput};
use crate::{AppError, AppState};

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
    Ok(match vault.revoke_remote(&record, &state.client).await? {
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
#[tauri::command]
pub async fn add_source(state: State<'_, AppState>, source: SourceInput) -> Answer<SourceInfo> {
    let vault = state.vault()?;
    let (spec, token) = source.split()?;
    let (info, _) = vault.add_source(spec, token, &state.client).await?;
    let _ = vault.sync_source(&info.name, &state.client).await;
    Ok(vault.source(&info.name).await?)
}

#[tauri::command]
pub async fn remove_source(state: State<'_, AppState>, name: String) -> Answer<()> {
    state.vault()?.remove_source(&name).await?;
    Ok(())
}

/// Lists a source again; a failure keeps its cached listing and is answered as an error.
#[tauri::command]
pub async fn sync_source(state: State<'_, AppState>, name: String) -> Answer<SourceInfo> {
    let vault = state.vault()?;
    vault.sync_source(&name, &state.client).await?;
    Ok(vault.source(&name).await?)
}

#[tauri::command]
pub async fn set_source_token(
    state: State<'_, AppState>,
    name: String,
    token: SecretInput,
) -> Answer<()> {
    state
        .vault()?
        .set_source_token(&name, token.into_secret()?)
        .await?;
    Ok(())
}

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
    *state.settings.write().unwrap_or_else(|e| e.into_inner()) = settings.clone();
    Ok(settings)
}
