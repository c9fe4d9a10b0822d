// The window's commands come from src-tauri/src/command_list.rs: each gets an `allow-…`
// permission, and `capabilities/default.json` grants exactly these (tests/ipc.rs checks it).
include!("src/command_list.rs");
include!("build_commit.rs");

/// The names of the commands the list holds.
macro_rules! names {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $answer:ty;)*) => {
        &[$(stringify!($name)),*]
    };
}

const COMMANDS: &[&str] = app_commands!(names);

fn main() {
    emit_commit();
    // The UI is embedded from ui/dist: a clone that has not built it yet still compiles
    // (clippy, cargo check), and the window then says how to build it.
    let dist = std::path::Path::new("ui/dist");
    if !dist.join("index.html").exists() {
        std::fs::create_dir_all(dist).expect("ui/dist can be created");
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><title>keydeck</title><p>The window's UI is not built: run \
             <code>npm run build</code> in ui/ (scripts/run.sh does), then build keydeck again.",
        )
        .expect("ui/dist/index.html can be written");
    }
    println!("cargo:rerun-if-changed=src/command_list.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("the Tauri build step failed");
}
