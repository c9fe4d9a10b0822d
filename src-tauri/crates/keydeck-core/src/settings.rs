//! The user's preferences, in `settings.json` next to the vault: how long a copied secret
//! stays on the clipboard, how long a revealed one stays visible, when a key counts as
//! expiring, and the theme.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result};

pub const FILE: &str = "settings.json";
pub const DEFAULT_SHORTCUT: &str = "Ctrl+Shift+K";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the system's light or dark preference.
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// Seconds until a copied secret is cleared from the clipboard (if it is still there);
    /// 0 never clears.
    pub clipboard_clear_secs: u32,
    /// Seconds a revealed secret stays visible before it is masked again.
    pub reveal_secs: u32,
    /// Days before its expiry that a key counts as `expiring`.
    pub expiry_warning_days: u32,
    pub theme: Theme,
    /// One sync's budget: its whole time, the bytes of all its pages, and its keys. A
    /// listing over budget stops with `remote_too_large` and the cached listing stays.
    pub sync_timeout_secs: u32,
    pub sync_max_mib: u32,
    pub sync_max_keys: u32,
    /// Minutes after which the window lists a remote source again by itself (on a timer,
    /// and when it regains focus); 0 never does.
    pub resync_minutes: u32,
    /// A desktop notification when a key (of any source) enters its warning window and when
    /// it expires, once per key per event.
    pub expiry_notifications: bool,
    /// The global shortcut that opens quick access from anywhere (as `Ctrl+Shift+K`); empty
    /// turns it off.
    pub quick_access_shortcut: String,
    /// Closing the window keeps keydeck running in the tray (where a tray exists).
    pub close_to_tray: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_secs: 30,
            reveal_secs: 10,
            expiry_warning_days: 7,
            theme: Theme::System,
            sync_timeout_secs: 300,
            sync_max_mib: 256,
            sync_max_keys: 100_000,
            resync_minutes: 15,
            expiry_notifications: true,
            quick_access_shortcut: DEFAULT_SHORTCUT.to_string(),
            close_to_tray: false,
        }
    }
}

impl Settings {
    /// The saved settings, or the defaults when none were saved.
    pub fn load(home: &Path) -> Result<Settings> {
        let path = home.join(FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let settings: Settings = serde_json::from_slice(&bytes).map_err(|e| {
                    Error::InvalidInput(format!(
                        "{} is not valid settings ({e}); fix or delete it to get the defaults",
                        path.display()
                    ))
                })?;
                settings.validate()?;
                Ok(settings)
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(err) => Err(Error::Io(format!("cannot read {}: {err}", path.display()))),
        }
    }

    /// Saves the settings whole: written to a temporary file, then renamed over the old one.
    pub fn save(&self, home: &Path) -> Result<()> {
        self.validate()?;
        let path = home.join(FILE);
        let temp = home.join(format!("{FILE}.tmp"));
        let text = serde_json::to_vec_pretty(self).expect("settings serialize");
        // A temporary file a crash left behind is ours to replace.
        let _ = std::fs::remove_file(&temp);
        let mut file = crate::vault::private_file(&temp)?;
        std::io::Write::write_all(&mut file, &text)
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&temp, &path))
            .map_err(|e| Error::Io(format!("cannot save {}: {e}", path.display())))
    }

    pub fn validate(&self) -> Result<()> {
        let check = |ok: bool, what: &str| {
            ok.then_some(())
                .ok_or_else(|| Error::InvalidInput(what.to_string()))
        };
        check(
            self.clipboard_clear_secs <= 3600,
            "the clipboard clear time is at most 3600 seconds (0 never clears)",
        )?;
        check(
            (1..=300).contains(&self.reveal_secs),
            "the reveal time is 1 to 300 seconds",
        )?;
        check(
            (1..=365).contains(&self.expiry_warning_days),
            "the expiry warning window is 1 to 365 days",
        )?;
        check(
            (5..=3600).contains(&self.sync_timeout_secs),
            "a sync's time budget (sync_timeout_secs) is 5 to 3600 seconds",
        )?;
        check(
            (1..=4096).contains(&self.sync_max_mib),
            "a sync's size budget (sync_max_mib) is 1 to 4096 MiB",
        )?;
        check(
            (1..=1_000_000).contains(&self.sync_max_keys),
            "a sync's key budget (sync_max_keys) is 1 to 1,000,000 keys",
        )?;
        check(
            self.resync_minutes <= 1440,
            "sources are listed again at most every 1440 minutes (0 never)",
        )?;
        // The window checks that the keys exist; here only that it reads as a shortcut.
        let shortcut = &self.quick_access_shortcut;
        check(
            shortcut.len() <= 64
                && shortcut
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-_ ".contains(c)),
            "the quick access shortcut is keys joined by + (as Ctrl+Shift+K), or empty for none",
        )
    }

    pub fn expiring_window(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.expiry_warning_days))
    }

    /// `base` with this user's sync budget.
    pub fn client_config(&self, base: crate::remote::ClientConfig) -> crate::remote::ClientConfig {
        crate::remote::ClientConfig {
            sync_timeout: std::time::Duration::from_secs(self.sync_timeout_secs.into()),
            max_sync_bytes: u64::from(self.sync_max_mib) * 1024 * 1024,
            max_sync_keys: self.sync_max_keys as usize,
            ..base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_save_load_and_refuse_nonsense() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), Settings::default());
        let mine = Settings {
            clipboard_clear_secs: 0,
            reveal_secs: 5,
            expiry_warning_days: 30,
            theme: Theme::Dark,
            sync_max_keys: 5,
            resync_minutes: 0,
            ..Settings::default()
        };
        mine.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), mine);
        let bad = Settings {
            reveal_secs: 0,
            ..Settings::default()
        };
        assert!(bad.save(dir.path()).is_err());
        let too_rare = Settings {
            resync_minutes: 1441,
            ..Settings::default()
        };
        assert!(too_rare.save(dir.path()).is_err());
        assert_eq!(
            Settings::load(dir.path()).unwrap(),
            mine,
            "a refused save changes nothing"
        );
        std::fs::write(dir.path().join(FILE), b"{not json").unwrap();
        assert!(Settings::load(dir.path())
            .unwrap_err()
            .to_string()
            .contains("delete it"));
        std::fs::write(dir.path().join(FILE), br#"{"theme": "light"}"#).unwrap();
        assert_eq!(
            Settings::load(dir.path()).unwrap().reveal_secs,
            10,
            "missing fields take defaults"
        );
    }
}
