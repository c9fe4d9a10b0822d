use keyring::Entry;
use zeroize::Zeroizing;

use super::{SecretStore, Space, SERVICE};
use crate::{Error, Result, Secret};

/// The attribute that ties a Secret Service item to one vault, so `doctor` can find this
/// vault's items without touching another vault's.
#[cfg(target_os = "linux")]
const VAULT_ATTRIBUTE: &str = "keydeck_vault";

/// The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
/// Windows) through the `keyring` crate: service `keydeck`, user `<vault id>/<item>`.
#[derive(Default)]
pub struct KeyringStore;

impl KeyringStore {
    pub fn new() -> Self {
        KeyringStore
    }

    /// The Secret Service item of `item`: keyring's attributes for service `keydeck` and its
    /// user, tagged with the vault, labelled `keydeck <item>`. `entry` and `add_many` both
    /// write items this way, so each finds what the other wrote.
    #[cfg(target_os = "linux")]
    fn credential(
        &self,
        space: &Space,
        item: &str,
    ) -> Result<keyring::secret_service::SsCredential> {
        let user = space.user(item);
        let mut credential =
            keyring::secret_service::SsCredential::new_with_target(None, SERVICE, &user)
                .map_err(map_error)?;
        credential
            .attributes
            .insert(VAULT_ATTRIBUTE.to_string(), space.vault_id().to_string());
        credential.label = format!("keydeck {item}");
        Ok(credential)
    }

    #[cfg(target_os = "linux")]
    fn entry(&self, space: &Space, item: &str) -> Result<Entry> {
        let credential = self.credential(space, item)?;
        Ok(Entry::new_with_credential(Box::new(credential)))
    }

    #[cfg(not(target_os = "linux"))]
    fn entry(&self, space: &Space, item: &str) -> Result<Entry> {
        Entry::new(SERVICE, &space.user(item)).map_err(map_error)
    }
}

impl SecretStore for KeyringStore {
    fn set(&self, space: &Space, item: &str, secret: &Secret) -> Result<()> {
        self.entry(space, item)?
            .set_password(secret.expose())
            .map_err(map_error)
    }

    fn get(&self, space: &Space, item: &str) -> Result<Option<Secret>> {
        match self.entry(space, item)?.get_secret() {
            Ok(bytes) => Secret::from_bytes(Zeroizing::new(bytes)).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(map_error(err)),
        }
    }

    fn delete(&self, space: &Space, item: &str) -> Result<bool> {
        match self.entry(space, item)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(err) => Err(map_error(err)),
        }
    }

    #[cfg(target_os = "linux")]
    fn list(&self, space: &Space) -> Result<Option<Vec<String>>> {
        use dbus_secret_service::{EncryptionType, SecretService};
        let ss = SecretService::connect(EncryptionType::Dh)
            .map_err(|e| Error::KeyringUnavailable(e.to_string()))?;
        let found = ss
            .search_items(std::collections::HashMap::from([
                ("service", SERVICE),
                (VAULT_ATTRIBUTE, space.vault_id()),
            ]))
            .map_err(|e| Error::Keyring(e.to_string()))?;
        let mut items = Vec::new();
        // Attributes are readable on locked items too: no unlock prompt for a search.
        for found in found.unlocked.iter().chain(found.locked.iter()) {
            let attributes = found
                .get_attributes()
                .map_err(|e| Error::Keyring(e.to_string()))?;
            if let Some(item) = attributes.get("username").and_then(|u| space.item(u)) {
                items.push(item.to_string());
            }
        }
        Ok(Some(items))
    }

    #[cfg(not(target_os = "linux"))]
    fn list(&self, _space: &Space) -> Result<Option<Vec<String>>> {
        Ok(None)
    }

    /// One Secret Service session for every item: `keyring` opens a session (a
    /// Diffie-Hellman exchange) and searches every collection per `set`, which made an
    /// import slower than one `secret-tool store` per key. The items are the ones `entry`
    /// describes (`credential`), so `get`, `delete` and `list` find them.
    #[cfg(target_os = "linux")]
    fn add_many(
        &self,
        space: &Space,
        items: &[(String, Secret)],
        stored: &mut dyn FnMut(usize),
    ) -> Result<()> {
        use dbus_secret_service::{EncryptionType, SecretService};
        let ss = SecretService::connect(EncryptionType::Dh)
            .map_err(|e| Error::KeyringUnavailable(e.to_string()))?;
        let collection = ss.get_default_collection().map_err(ss_error)?;
        if collection.is_locked().map_err(ss_error)? {
            collection.unlock().map_err(ss_error)?;
        }
        for (n, (item, secret)) in items.iter().enumerate() {
            let credential = self.credential(space, item)?;
            let attributes = credential
                .attributes
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();
            collection
                .create_item(
                    &credential.label,
                    attributes,
                    secret.expose().as_bytes(),
                    true,
                    "text/plain",
                )
                .map_err(ss_error)?;
            stored(n + 1);
        }
        Ok(())
    }
}

/// A Secret Service error as `map_error` would report it through `keyring`.
#[cfg(target_os = "linux")]
fn ss_error(err: dbus_secret_service::Error) -> Error {
    match is_locked(&err) {
        true => Error::KeyringLocked(err.to_string()),
        false => Error::KeyringUnavailable(err.to_string()),
    }
}

/// Locked or refused (a dismissed unlock prompt) is `keyring_locked`; no keyring to talk to
/// is `keyring_unavailable`. The keyring's messages never contain the secret.
fn map_error(err: keyring::Error) -> Error {
    match err {
        keyring::Error::NoStorageAccess(inner) => Error::KeyringLocked(inner.to_string()),
        keyring::Error::PlatformFailure(inner) if is_locked(inner.as_ref()) => {
            Error::KeyringLocked(inner.to_string())
        }
        keyring::Error::PlatformFailure(inner) => Error::KeyringUnavailable(inner.to_string()),
        keyring::Error::BadEncoding(_) => {
            Error::Keyring("the stored secret is not UTF-8 text".into())
        }
        other => Error::Keyring(other.to_string()),
    }
}

/// keyring reports a write into a locked collection as a platform failure (it swallows the
/// dismissed unlock prompt and then tries to create the item anyway); the Secret Service's
/// error name says what really happened.
#[cfg(target_os = "linux")]
fn is_locked(inner: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    use dbus_secret_service::Error as SsError;
    match inner.downcast_ref::<SsError>() {
        Some(SsError::Locked | SsError::Prompt) => true,
        Some(SsError::Dbus(dbus)) => dbus.name() == Some("org.freedesktop.Secret.Error.IsLocked"),
        _ => false,
    }
}

#[cfg(not(target_os = "linux"))]
fn is_locked(_inner: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    false
}
