//! Putting a secret on the system clipboard and taking it off again, for the CLI and the
//! window alike. Clearing compares first: a bare clear would wipe whatever the user copied
//! since.

use crate::{Error, Result, Secret};

pub struct SecretClipboard {
    clipboard: arboard::Clipboard,
}

impl SecretClipboard {
    pub fn new() -> Result<Self> {
        arboard::Clipboard::new()
            .map(|clipboard| SecretClipboard { clipboard })
            .map_err(|e| Error::Clipboard(e.to_string()))
    }

    /// Puts `secret` on the clipboard, asking clipboard managers not to keep it
    /// (`x-kde-passwordManagerHint: secret` on Linux, the matching hints elsewhere).
    pub fn put(&mut self, secret: &Secret) -> Result<()> {
        let set = self.clipboard.set();
        #[cfg(all(unix, not(target_os = "macos")))]
        let set = arboard::SetExtLinux::exclude_from_history(set);
        #[cfg(windows)]
        let set = arboard::SetExtWindows::exclude_from_history(set);
        #[cfg(target_os = "macos")]
        let set = arboard::SetExtApple::exclude_from_history(set);
        set.text(secret.expose())
            .map_err(|e| Error::Clipboard(e.to_string()))
    }

    /// Whether the clipboard still holds `secret`.
    pub fn holds(&mut self, secret: &Secret) -> bool {
        self.clipboard
            .get_text()
            .map(|text| zeroize::Zeroizing::new(text).as_str() == secret.expose())
            .unwrap_or(false)
    }

    /// Clears the clipboard if, and only if, it still holds `secret`.
    pub fn clear_if_holds(&mut self, secret: &Secret) -> bool {
        if self.holds(secret) {
            self.clipboard.clear().is_ok()
        } else {
            false
        }
    }
}
