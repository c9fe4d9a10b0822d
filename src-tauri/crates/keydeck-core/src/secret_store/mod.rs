//! Where secrets live. The vault only talks to this trait: the OS keyring in the app and
//! CLI, an in-memory store in unit tests.
//!
//! Every vault has its own space in the keyring: an item's user is `<vault id>/<item>`,
//! so no two vaults can read, overwrite or delete each other's secrets (the keyring looks
//! items up by service and user only). Items of keydeck before 0.2 (`Space::Legacy`) are
//! read only to move them into their vault's space.

mod keyring_store;
mod memory;

pub use keyring_store::KeyringStore;
pub use memory::{MemoryStore, StoreFault};

use crate::{Result, Secret};

/// The keyring service name every keydeck secret is stored under.
pub const SERVICE: &str = "keydeck";

/// Whose items: one vault's own space, or the shared layout keydeck used before.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Space {
    /// User `<vault id>/<item>`, tagged with the vault id.
    Vault(String),
    /// Before 0.2: user `<item>` (`<key id>`, `source:<name>`, `remote:<source>:<id>`),
    /// tagged with the vault id that wrote it.
    Legacy(String),
}

impl Space {
    /// The vault id the items are tagged with.
    pub fn vault_id(&self) -> &str {
        match self {
            Space::Vault(id) | Space::Legacy(id) => id,
        }
    }

    /// The keyring user of `item` in this space.
    pub fn user(&self, item: &str) -> String {
        match self {
            Space::Vault(id) => format!("{id}/{item}"),
            Space::Legacy(_) => item.to_string(),
        }
    }

    /// The item a keyring user names in this space, if it belongs here.
    pub fn item<'a>(&self, user: &'a str) -> Option<&'a str> {
        match self {
            Space::Vault(id) => user.strip_prefix(id.as_str())?.strip_prefix('/'),
            // Legacy users never start with a vault id and a slash (ids are 32 hex digits).
            Space::Legacy(id) => match user.strip_prefix(id.as_str()) {
                Some(rest) if rest.starts_with('/') => None,
                _ => Some(user),
            },
        }
    }
}

/// The item names a vault uses inside its space.
pub mod item {
    /// Revision `rev` of a vault key's secret (each rotation stores a new revision).
    pub fn key(id: &str, rev: i64) -> String {
        match rev {
            0 => format!("key/{id}"),
            rev => format!("key/{id}/{rev}"),
        }
    }

    /// A remote source's credential.
    pub fn credential(source: &str) -> String {
        format!("source/{source}")
    }

    /// A full key a remote source returned.
    pub fn remote_key(source: &str, id: &str) -> String {
        format!("remote/{source}/{id}")
    }

    /// The item an item of the legacy layout becomes.
    pub fn from_legacy(user: &str) -> String {
        if let Some(name) = user.strip_prefix("source:") {
            return credential(name);
        }
        if let Some(rest) = user.strip_prefix("remote:") {
            // Source names never contain `:`; remote ids may.
            if let Some((source, id)) = rest.split_once(':') {
                return remote_key(source, id);
            }
        }
        key(user, 0)
    }
}

/// The keyring (all of keydeck's items), addressed by space and item. Calls block (D-Bus,
/// prompts): the vault runs them off the async runtime.
pub trait SecretStore: Send + Sync + 'static {
    /// Stores or replaces the secret of `item`.
    fn set(&self, space: &Space, item: &str, secret: &Secret) -> Result<()>;
    /// The secret of `item`, or `None` when there is none.
    fn get(&self, space: &Space, item: &str) -> Result<Option<Secret>>;
    /// Deletes the secret of `item`; `false` when there was none.
    fn delete(&self, space: &Space, item: &str) -> Result<bool>;
    /// Every item the space holds, or `None` where the platform's store cannot be searched
    /// (then `doctor` checks item by item).
    fn list(&self, space: &Space) -> Result<Option<Vec<String>>>;

    /// Stores the secrets of items that do not exist yet, in order, calling `stored(n)`
    /// after the n-th; it stops at the first error. A store may do this in one session
    /// (an import of thousands must not pay a keyring connection per secret).
    fn add_many(
        &self,
        space: &Space,
        items: &[(String, Secret)],
        stored: &mut dyn FnMut(usize),
    ) -> Result<()> {
        for (n, (item, secret)) in items.iter().enumerate() {
            self.set(space, item, secret)?;
            stored(n + 1);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_never_overlap() {
        let a = Space::Vault("aaaa".into());
        let b = Space::Vault("bbbb".into());
        let legacy = Space::Legacy("aaaa".into());
        assert_eq!(a.user("source/demo"), "aaaa/source/demo");
        assert_eq!(a.item("aaaa/source/demo"), Some("source/demo"));
        assert_eq!(b.item("aaaa/source/demo"), None);
        assert_eq!(legacy.item("aaaa/source/demo"), None);
        assert_eq!(legacy.item("source:demo"), Some("source:demo"));
        assert_eq!(a.item("source:demo"), None);
    }

    #[test]
    fn legacy_items_map_to_the_new_names() {
        assert_eq!(item::from_legacy("6f1c"), "key/6f1c");
        assert_eq!(item::from_legacy("source:demo"), "source/demo");
        assert_eq!(item::from_legacy("remote:demo:a:b/c"), "remote/demo/a:b/c");
    }
}
