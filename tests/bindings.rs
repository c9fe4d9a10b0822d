//! The TypeScript types of the IPC boundary are generated from the Rust types and
//! committed under ui/src/lib/bindings. This test fails when they are stale; run it with
//! `UPDATE_BINDINGS=1` to rewrite them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use keydeck_app::ipc::{CopyReceipt, KeyEdit, KeyRef, SecretInput, SourceInput};
use keydeck_core::error::{ErrorBody, ErrorCode};
use keydeck_core::vault::SourceInfo;
use keydeck_core::{
    KeyDetail, KeyEvent, KeyPage, KeyRecord, KeyStatus, ListQuery, NewKey, Settings, SortField,
};
use ts_rs::TS;

/// Every type that crosses the IPC boundary (and, through them, the types they use).
fn generate(dir: &Path) {
    KeyRecord::export_all_to(dir).unwrap();
    KeyPage::export_all_to(dir).unwrap();
    KeyDetail::export_all_to(dir).unwrap();
    KeyEvent::export_all_to(dir).unwrap();
    KeyStatus::export_all_to(dir).unwrap();
    ListQuery::export_all_to(dir).unwrap();
    SortField::export_all_to(dir).unwrap();
    NewKey::export_all_to(dir).unwrap();
    Settings::export_all_to(dir).unwrap();
    SourceInfo::export_all_to(dir).unwrap();
    ErrorBody::export_all_to(dir).unwrap();
    ErrorCode::export_all_to(dir).unwrap();
    KeyRef::export_all_to(dir).unwrap();
    KeyEdit::export_all_to(dir).unwrap();
    SecretInput::export_all_to(dir).unwrap();
    SourceInput::export_all_to(dir).unwrap();
    CopyReceipt::export_all_to(dir).unwrap();
}

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "ts"))
                .map(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(&p).unwrap())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn typescript_bindings_are_up_to_date() {
    let committed_dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "ui", "src", "lib", "bindings"]
        .iter()
        .collect();
    let fresh = tempfile::tempdir().unwrap();
    generate(fresh.path());
    let fresh = read_dir(fresh.path());
    assert!(
        fresh.contains_key("KeyRecord.ts"),
        "generated: {:?}",
        fresh.keys()
    );

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&committed_dir).unwrap();
        for (name, text) in &fresh {
            std::fs::write(committed_dir.join(name), text).unwrap();
        }
    }
    let committed = read_dir(&committed_dir);
    assert_eq!(
        committed, fresh,
        "ui/src/lib/bindings is stale: run `UPDATE_BINDINGS=1 cargo test --test bindings` and commit the result"
    );
}
