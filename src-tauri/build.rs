/// The window's commands. Each gets an `allow-…` permission, and `capabilities/default.json`
/// grants exactly these: nothing else the webview could call.
const COMMANDS: &[&str] = &[
    "list_keys",
    "key_detail",
    "add_key",
    "edit_key",
    "rotate_key",
    "revoke_key",
    "delete_key",
    "reveal_secret",
    "copy_secret",
    "list_sources",
    "add_source",
    "remove_source",
    "sync_source",
    "cancel_sync",
    "set_source_token",
    "get_settings",
    "save_settings",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("the Tauri build step failed");
}
