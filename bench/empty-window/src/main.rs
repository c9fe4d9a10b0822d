//! An empty Tauri 2 window built like keydeck's (same profile, Tauri features, window size and
//! CSP), the start-up benchmark's baseline (bench/src/startup.rs). Its page asks for
//! `first_paint` two frames after it painted, as keydeck's does after its first screen, and
//! it prints `READY <CLOCK_MONOTONIC ns>` as keydeck does (src-tauri/src/live.rs).

// No console window on Windows release builds (as the app).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// Prints `READY <ns>` once when `KEYDECK_BENCH_READY=1`. Async, as the app's command is: it
/// runs on the async runtime, not the main thread.
#[tauri::command]
async fn first_paint() {
    static DONE: std::sync::Once = std::sync::Once::new();
    if std::env::var_os("KEYDECK_BENCH_READY").is_some_and(|v| v == "1") {
        DONE.call_once(|| {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "READY {}", monotonic_ns()).and_then(|()| out.flush());
        });
    }
}

/// keydeck_core::process::monotonic_ns, copied: the baseline links no keydeck code.
fn monotonic_ns() -> u128 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    now.tv_sec as u128 * 1_000_000_000 + now.tv_nsec as u128
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![first_paint])
        .run(tauri::generate_context!())
        .expect("the empty window could not start");
}
