//! Tauri commands: each one takes its arguments, calls keydeck-core, maps the error.

use keydeck_core::{KeyRecord, ListQuery};
use tauri::State;

use crate::{AppError, AppState};

/// The vault's keys, metadata only (a `KeyRecord` has no secret field).
#[tauri::command]
pub async fn list_keys(
    state: State<'_, AppState>,
    query: ListQuery,
) -> Result<Vec<KeyRecord>, AppError> {
    Ok(state.vault()?.list(&query).await?)
}
