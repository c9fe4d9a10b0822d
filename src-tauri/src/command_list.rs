// The window's commands, listed once, with their arguments and answers. Everything else is
// made from this list: the Tauri commands and their handler (commands.rs, lib.rs), an
// `allow-…` permission each (build.rs), the typed map of ui/src/lib/bindings/commands.ts
// (tests/bindings.rs), and the check that capabilities/default.json grants exactly these
// (tests/ipc.rs). `$then!` receives the list.
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            /// One window of a listing: metadata only, never a secret.
            list_keys(query: ListQuery, offset: u32, limit: u32) -> KeyPage;
            key_detail(key: KeyRef) -> KeyDetail;
            add_key(key: NewKey, secret: SecretInput) -> KeyRecord;
            edit_key(id: String, edit: KeyEdit) -> KeyRecord;
            /// The old secret may stay revealable for a while (`reveal_previous`).
            rotate_key(id: String, secret: SecretInput, rotation: RotationInput) -> KeyRecord;
            /// The key as listed afterwards; `null` when its server no longer lists it.
            revoke_key(key: KeyRef, reason: Option<String>) -> Option<KeyRecord>;
            /// Revokes, deletes or tags each key the way it would be on its own, with progress
            /// after each key on `on_progress`; one key's failure is its own result.
            apply_to_keys(keys: Vec<KeyRef>, action: BulkAction, on_progress: BulkChannel) -> BulkReport;
            delete_key(id: String) -> ();
            /// The secret of one key, to show for a few seconds (rate-limited, logged).
            reveal_secret(key: KeyRef) -> String;
            /// The secret a vault key had before its last rotation, while it is kept.
            reveal_previous(id: String) -> String;
            /// Puts one key's secret on the clipboard; the secret stays in Rust.
            copy_secret(key: KeyRef) -> CopyReceipt;
            list_sources() -> Vec<SourceInfo>;
            /// A server new to this vault is confirmed in a native dialog first.
            add_source(source: SourceInput) -> SourceInfo;
            remove_source(name: String) -> ();
            /// Progress after each page on `on_progress`; `cancel_sync` stops it.
            sync_source(name: String, on_progress: ProgressChannel) -> SourceInfo;
            cancel_sync(name: String) -> ();
            /// New settings (and a new token, when given; else the current one) are saved
            /// only once the server lists keys with them. A new server or a new token is
            /// confirmed in a native dialog first.
            edit_source(name: String, settings: SourceSpec, token: Option<String>) -> SourceInfo;
            /// Sends on `on_change` whenever the vault changed (the CLI, another program, a
            /// sync); a later call replaces the channel.
            watch_vault(on_change: ChangeChannel) -> ();
            /// The first screen of the table has painted: with `KEYDECK_BENCH_READY=1` the app
            /// prints `READY <CLOCK_MONOTONIC ns>` once (the start-up benchmark's mark).
            first_paint() -> ();
            /// The version and commit this window was built from (Settings → About).
            about() -> About;
            get_settings() -> Settings;
            /// Refused, and nothing saved, when the quick access shortcut cannot be had.
            save_settings(settings: Settings) -> Settings;
            /// The keys copied last, newest first (quick access shows them first).
            recent_keys() -> Vec<KeyRecord>;
            /// Hides the quick access palette (its Esc).
            hide_quick_access() -> ();
        }
    };
}
