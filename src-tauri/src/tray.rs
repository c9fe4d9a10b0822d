//! The tray icon, where the desktop has a tray: open the window, quick access, copy one of
//! the keys copied last, quit. Without a tray library there is no icon, and no error.

use keydeck_core::text::inert_cut;
use keydeck_core::KeyRecord;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

use crate::handlers::{self, Ctx};
use crate::ipc::KeyRef;
use crate::{quick, AppState};

const ID: &str = "keydeck";
const RECENT: &str = "recent:";
/// Keys the tray offers to copy.
const RECENT_KEYS: u32 = 5;

/// Whether a tray can be shown: tray-icon loads libayatana-appindicator3 (or the older
/// libappindicator3) on first use and panics when neither is installed, so ask first; and
/// something must show it, or closing to the tray would leave keydeck running unseen.
fn available() -> bool {
    let library = ["libayatana-appindicator3.so.1", "libappindicator3.so.1"]
        .iter()
        // SAFETY: loading the library tray-icon itself would load; its initializers are
        // GTK's, already running in this process.
        .any(|lib| unsafe { libloading::Library::new(lib) }.is_ok());
    library && (status_notifier_host() || xembed_tray())
}

/// A StatusNotifier watcher on the session bus (KDE, GNOME's AppIndicator extension, most
/// panels), which appindicator registers with.
fn status_notifier_host() -> bool {
    let Ok(bus) = dbus::blocking::Connection::new_session() else {
        return false;
    };
    let proxy = bus.with_proxy(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        std::time::Duration::from_secs(1),
    );
    proxy
        .method_call(
            "org.freedesktop.DBus",
            "NameHasOwner",
            ("org.kde.StatusNotifierWatcher",),
        )
        .is_ok_and(|(owned,): (bool,)| owned)
}

/// An XEmbed system tray on the X display (appindicator falls back to it).
fn xembed_tray() -> bool {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::ConnectionExt;
    let Ok((conn, screen)) = x11rb::connect(None) else {
        return false;
    };
    let name = format!("_NET_SYSTEM_TRAY_S{screen}");
    let owner = conn
        .intern_atom(false, name.as_bytes())
        .ok()
        .and_then(|cookie| cookie.reply().ok())
        .and_then(|atom| conn.get_selection_owner(atom.atom).ok())
        .and_then(|cookie| cookie.reply().ok());
    let _ = conn.flush();
    owner.is_some_and(|reply| reply.owner != x11rb::NONE)
}

/// Adds the tray icon; `false` where there is no tray.
pub fn setup(app: &AppHandle) -> bool {
    if !available() {
        return false;
    }
    let built = menu(app, &[]).and_then(|menu| {
        let mut tray = TrayIconBuilder::with_id(ID)
            .tooltip("keydeck")
            .menu(&menu)
            .on_menu_event(on_menu_event);
        if let Some(icon) = app.default_window_icon() {
            tray = tray.icon(icon.clone());
        }
        tray.build(app)
    });
    match built {
        Ok(_) => {
            refresh(app);
            true
        }
        Err(err) => {
            eprintln!("keydeck: no tray icon: {err}");
            false
        }
    }
}

/// Whether the tray icon is there (closing to the tray needs it).
pub fn shown(app: &AppHandle) -> bool {
    app.tray_by_id(ID).is_some()
}

/// Rebuilds the menu's recent keys (after a copy).
pub fn refresh(app: &AppHandle) {
    let Some(tray) = app.tray_by_id(ID) else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let recent = match app.state::<AppState>().keydeck() {
            Ok(kd) => kd
                .vault()
                .recent_copies(RECENT_KEYS)
                .await
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        match menu(&app, &recent) {
            Ok(menu) => {
                let _ = tray.set_menu(Some(menu));
            }
            Err(err) => eprintln!("keydeck: cannot update the tray menu: {err}"),
        }
    });
}

fn menu(app: &AppHandle, recent: &[KeyRecord]) -> tauri::Result<Menu<tauri::Wry>> {
    let copy = Submenu::with_id(app, "recent", "Copy a recent key", !recent.is_empty())?;
    for key in recent {
        let key_ref = serde_json::to_string(&KeyRef::from(key)).expect("a KeyRef serializes");
        let id = format!("{RECENT}{key_ref}");
        let text = label(&key.name, &key.source);
        copy.append(&MenuItem::with_id(app, id, text, true, None::<&str>)?)?;
    }
    Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, "open", "Open keydeck", true, None::<&str>)?,
            &MenuItem::with_id(app, "quick", "Quick access", true, None::<&str>)?,
            &copy,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "quit", "Quit keydeck", true, None::<&str>)?,
        ],
    )
}

/// A key's menu label: inert, short, and with `&` kept (the menu reads it as a mnemonic).
fn label(name: &str, source: &str) -> String {
    let name = inert_cut(name, 48).replace('&', "&&");
    if source == keydeck_core::model::LOCAL_SOURCE {
        name
    } else {
        format!("{name}  ({})", inert_cut(source, 24).replace('&', "&&"))
    }
}

fn on_menu_event(app: &AppHandle, event: MenuEvent) {
    match event.id.as_ref() {
        "open" => crate::show_main(app),
        "quick" => quick::show(app),
        "quit" => app.exit(0),
        id => {
            let Some(key) = id
                .strip_prefix(RECENT)
                .and_then(|json| serde_json::from_str::<KeyRef>(json).ok())
            else {
                return;
            };
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                let cx = Ctx {
                    app: &app,
                    state: &state,
                };
                if let Err(err) = handlers::copy_secret(&cx, key).await {
                    eprintln!("keydeck: cannot copy from the tray: {}", err.0.message);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn a_menu_label_is_inert_short_and_keeps_its_ampersands() {
        assert_eq!(label("stripe-live", "local"), "stripe-live");
        assert_eq!(label("R&D key", "team&co"), "R&&D key  (team&&co)");
        assert_eq!(label("a\u{202E}b\x1b[2J", "local"), "a<U+202E>b\\x1b[2J");
        let long = label(&"k".repeat(100), "local");
        assert!(long.chars().count() == 48 && long.ends_with('…'), "{long}");
    }
}
