//! The main window, contained: it shows keydeck's own pages only (no navigation away, no
//! new windows, no downloads), and what a script in the page must not decide alone is
//! asked in a native dialog the page cannot answer.

use tauri::webview::NewWindowResponse;
use tauri::{Manager, Runtime, Url, WebviewWindow, WebviewWindowBuilder};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

/// Whether `url` is one of the app's own pages (`tauri://localhost` on Linux and macOS,
/// `http(s)://tauri.localhost` on Windows), or the dev server in a dev build.
fn is_app_url(url: &Url, dev_url: Option<&Url>) -> bool {
    let own = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    };
    own || dev_url.is_some_and(|dev| url.origin() == dev.origin())
}

/// Builds the main window (tauri.conf.json declares it with `create: false`).
pub fn create_main<R: Runtime>(app: &tauri::App<R>) -> tauri::Result<WebviewWindow<R>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .expect("tauri.conf.json declares the main window");
    contained(
        app.handle(),
        WebviewWindowBuilder::from_config(app.handle(), &config)?,
    )
    .build()
}

/// `builder` kept to keydeck's own pages: no navigation away, no new windows, no downloads.
pub fn contained<'a, R: Runtime, M: Manager<R>>(
    app: &M,
    builder: WebviewWindowBuilder<'a, R, M>,
) -> WebviewWindowBuilder<'a, R, M> {
    let dev_url = tauri::is_dev()
        .then(|| app.config().build.dev_url.clone())
        .flatten();
    builder
        .on_navigation(move |url| {
            let allowed = is_app_url(url, dev_url.as_ref());
            if !allowed {
                eprintln!(
                    "keydeck: refused to leave the app for {}",
                    url.origin().ascii_serialization()
                );
            }
            allowed
        })
        .on_new_window(|_, _| NewWindowResponse::Deny)
        .on_download(|_, _| false)
}

/// Asks the user in a native dialog (which the page cannot click); `true` for OK.
pub async fn confirm<R: Runtime>(
    app: &tauri::AppHandle<R>,
    title: &str,
    question: String,
    ok: &str,
) -> bool {
    let (answer, answered) = tokio::sync::oneshot::channel();
    app.dialog()
        .message(question)
        .title(title)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            ok.to_string(),
            "Cancel".to_string(),
        ))
        .show(move |confirmed| {
            let _ = answer.send(confirmed);
        });
    answered.await.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages() {
        let url = |u: &str| Url::parse(u).unwrap();
        assert!(is_app_url(&url("tauri://localhost/"), None));
        assert!(is_app_url(&url("tauri://localhost/index.html#x"), None));
        assert!(is_app_url(&url("http://tauri.localhost/"), None));
        for other in [
            "https://example.com/?s=secret",
            "tauri://evil/",
            "http://localhost:5173/",
            "file:///etc/passwd",
            "data:text/html,hi",
        ] {
            assert!(!is_app_url(&url(other), None), "{other}");
        }
        let dev = url("http://localhost:5173/");
        assert!(is_app_url(&url("http://localhost:5173/x"), Some(&dev)));
        assert!(!is_app_url(&url("http://localhost:5174/"), Some(&dev)));
    }
}
