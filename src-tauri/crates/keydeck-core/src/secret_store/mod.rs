//! Where secrets live. The vault only talks to this trait: the OS keyring in the app and
//! CLI, an in-memory store in unit tests.

mod keyring_store;
mod memory;

pub use keyring_store::KeyringStore;
pub use memory::{MemoryStore, StoreFault};

use crate::{Result, Secret};

/// The keyring service name every keydeck secret is stored under; the user is the key id.
pub const SERVICE: &str = "keydeck";

/// A place that holds one secret per key id. Calls block (D-Bus, prompts): the vault runs
/// them off the async runtime.
pub trait SecretStore: Send + Sync + 'static {
    /// Stores or replaces the secret of `id`.
    fn set(&self, id: &str, secret: &Secret) -> Result<()>;
    /// The secret of `id`, or `None` when there is none.
    fn get(&self, id: &str) -> Result<Option<Secret>>;
    /// Deletes the secret of `id`; `false` when there was none.
    fn delete(&self, id: &str) -> Result<bool>;
    /// Every key id this vault has a secret for, or `None` where the platform's store cannot
    /// be searched (then `doctor` checks key by key).
    fn list_ids(&self) -> Result<Option<Vec<String>>>;
}
