//! Quick access from anywhere: a global shortcut (Settings, `Ctrl+Shift+K` at first) shows a
//! small always-on-top palette to find a key and copy it, even while the main window is
//! hidden or another program has the focus. The palette is the same page with `#quick`,
//! allowed only the few commands it needs (capabilities/quick.json).

use std::str::FromStr;
use std::sync::Mutex;

use keydeck_core::Error;
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder, WindowEvent};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

use crate::{AppError, AppState};

pub const LABEL: &str = "quick";
/// The window's title once its page has drawn the keys and holds the focus (the page sets
/// it as its document title); until then it says it is loading. Tests wait for it.
pub const TITLE: &str = "keydeck quick access";
const LOADING: &str = "keydeck quick access (loading)";

/// The shortcut registered now, to take back when Settings changes it.
#[derive(Default)]
pub struct Registered(Mutex<Option<Shortcut>>);

/// Starts listening for global shortcuts and registers the one in Settings. Where none can
/// be had (no X server, a shortcut another program holds), the window starts anyway and
/// says why on stderr.
pub fn setup(app: &AppHandle) {
    if let Err(err) = app.plugin(tauri_plugin_global_shortcut::Builder::new().build()) {
        eprintln!("keydeck: no global shortcut here: {err}");
        return;
    }
    app.manage(Registered::default());
    let state = app.state::<AppState>();
    let Ok(kd) = state.keydeck() else {
        return;
    };
    if let Err(err) = set_shortcut(app, &kd.settings().quick_access_shortcut) {
        eprintln!("keydeck: {}", err.0.message);
    }
}

/// `text` as a shortcut, or why it is not one (empty is none).
pub fn parse(text: &str) -> Result<Option<Shortcut>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Shortcut::from_str(text).map(Some).map_err(|err| {
        Error::InvalidInput(format!(
            "`{text}` is not a shortcut ({err}); write modifiers and one key joined by +, \
             as Ctrl+Shift+K, or leave it empty for none"
        ))
        .into()
    })
}

/// Makes `text` the quick access shortcut in place of the one registered now (empty: none).
/// A shortcut that cannot be had leaves the one before in place.
pub fn set_shortcut(app: &AppHandle, text: &str) -> Result<(), AppError> {
    let wanted = parse(text)?;
    let Some(registered) = app.try_state::<Registered>() else {
        return Ok(()); // no global shortcuts here (setup said why)
    };
    let mut now = registered.0.lock().unwrap_or_else(|e| e.into_inner());
    if *now == wanted {
        return Ok(());
    }
    let old = now.take();
    if let Some(old) = old {
        let _ = app.global_shortcut().unregister(old);
    }
    let Some(shortcut) = wanted else {
        return Ok(());
    };
    match listen(app, shortcut) {
        Ok(()) => {
            *now = Some(shortcut);
            Ok(())
        }
        Err(err) => {
            if let Some(old) = old.filter(|old| listen(app, *old).is_ok()) {
                *now = Some(old);
            }
            Err(Error::InvalidInput(format!(
                "the quick access shortcut {} cannot be used ({err}); another program may \
                 hold it: choose another in Settings",
                text.trim()
            ))
            .into())
        }
    }
}

fn listen(app: &AppHandle, shortcut: Shortcut) -> Result<(), tauri_plugin_global_shortcut::Error> {
    app.global_shortcut()
        .on_shortcut(shortcut, |app, _, event| {
            if event.state == ShortcutState::Pressed {
                toggle(app);
            }
        })
}

/// Shows the palette, or takes it away when it shows.
pub fn toggle(app: &AppHandle) {
    if app.get_webview_window(LABEL).is_some() {
        hide(app);
    } else {
        show(app);
    }
}

/// Shows the palette, made afresh each time: a new window gets the focus the way the first
/// did (a hidden one shown again did not, without a window manager), starts with an empty
/// search, and costs nothing while it is away.
pub fn show(app: &AppHandle) {
    match app.get_webview_window(LABEL) {
        Some(palette) => {
            let _ = palette.set_focus();
        }
        None => {
            if let Err(err) = create(app) {
                eprintln!("keydeck: cannot open quick access: {err}");
            }
        }
    }
}

pub fn hide(app: &AppHandle) {
    if let Some(palette) = app.get_webview_window(LABEL) {
        let _ = palette.destroy();
    }
}

fn create(app: &AppHandle) -> tauri::Result<WebviewWindow> {
    let page = WebviewUrl::App("index.html#quick".into());
    let palette = crate::window::contained(app, WebviewWindowBuilder::new(app, LABEL, page))
        .title(LOADING)
        // Only its one title: the page cannot name the window anything else.
        .on_document_title_changed(|palette, title| {
            if title == TITLE {
                let _ = palette.set_title(TITLE);
            }
        })
        .inner_size(560.0, 400.0)
        .resizable(false)
        .decorations(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .center()
        .focused(true)
        .build()?;
    // Like any palette, it goes away when the user turns to something else.
    let gone = palette.clone();
    palette.on_window_event(move |event| {
        if let WindowEvent::Focused(false) = event {
            let _ = gone.destroy();
        }
    });
    Ok(palette)
}
