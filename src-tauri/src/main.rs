// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Secrets live in this process's memory: no core dumps, no ptrace attach.
    keydeck_core::process::harden();
    // Tauri lets WebDriver drive the webview whenever TAURI_WEBVIEW_AUTOMATION is set. A
    // release build must not be remote-controllable, so it drops the variable before anything
    // reads it; debug builds and the `webdriver` feature (E2E tests) keep it.
    #[cfg(not(any(debug_assertions, feature = "webdriver")))]
    std::env::remove_var("TAURI_WEBVIEW_AUTOMATION");
    keydeck_app::run();
}
