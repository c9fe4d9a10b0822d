//! The window's commands, made from the one list in command_list.rs: each is a Tauri command
//! that hands its arguments to the function of the same name in handlers.rs (so a list that
//! disagrees with a handler does not compile).

use keydeck_core::vault::{SourceInfo, SourceSpec};
use keydeck_core::{KeyDetail, KeyPage, KeyRecord, ListQuery, NewKey, Settings};
use tauri::{AppHandle, State};

use crate::handlers::{self, Ctx};
use crate::ipc::{
    About, BulkChannel, ChangeChannel, CopyReceipt, KeyEdit, KeyRef, ProgressChannel,
    RotationInput, SecretInput, SourceInput,
};
use crate::{AppError, AppState};
use keydeck_core::bulk::{BulkAction, BulkReport};

include!("command_list.rs");

macro_rules! define_commands {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $answer:ty;)*) => {
        $(
            $(#[$doc])*
            #[tauri::command]
            pub async fn $name(
                app: AppHandle,
                state: State<'_, AppState>,
                $($arg: $ty),*
            ) -> Result<$answer, AppError> {
                handlers::$name(&Ctx { app: &app, state: &state }, $($arg),*).await
            }
        )*
        /// The names of every command, as the list gives them.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

app_commands!(define_commands);

/// The handler Tauri dispatches invocations with: every command of the list.
macro_rules! handler {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $answer:ty;)*) => {
        tauri::generate_handler![$(commands::$name),*]
    };
}

/// The native dialogs' titles (tests find the dialogs by them).
pub const NEW_SERVER_TITLE: &str = "keydeck: connect to a server?";
pub const NEW_TOKEN_TITLE: &str = "keydeck: new token for a source?";
