use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::{SecretStore, Space};
use crate::{Error, Result, Secret};

/// A fault the in-memory store can be told to produce, for tests of what a real keyring
/// cannot do on demand (fail the next write, refuse access).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreFault {
    Locked,
    Unavailable,
}

/// Secrets in a map, for unit tests: one map for every space, like the one OS keyring.
/// Counts every call so tests can prove that listing never touches the store.
#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<(Space, String), Secret>>,
    calls: AtomicUsize,
    fault: Mutex<Option<StoreFault>>,
    /// Writes left before every write fails (`None`: no limit).
    writes_left: Mutex<Option<usize>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many calls the store has answered (or refused) so far.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Makes every following call fail with `fault` (or succeed again with `None`).
    pub fn set_fault(&self, fault: Option<StoreFault>) {
        *self.fault.lock().unwrap_or_else(|e| e.into_inner()) = fault;
    }

    /// Lets `n` more writes succeed and makes the ones after fail as unavailable: a keyring
    /// that dies in the middle of a bulk write.
    pub fn fail_after_writes(&self, n: usize) {
        *self.writes_left.lock().unwrap_or_else(|e| e.into_inner()) = Some(n);
    }

    /// Puts a secret in directly, bypassing the vault (to model orphans and old layouts).
    pub fn plant(&self, space: &Space, item: &str, secret: Secret) {
        self.map().insert((space.clone(), item.to_string()), secret);
    }

    /// Reads a secret without counting a call (for assertions).
    pub fn peek(&self, space: &Space, item: &str) -> Option<Secret> {
        self.map().get(&(space.clone(), item.to_string())).cloned()
    }

    fn enter(&self) -> Result<()> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match *self.fault.lock().unwrap_or_else(|e| e.into_inner()) {
            None => Ok(()),
            Some(StoreFault::Locked) => Err(Error::KeyringLocked("test store is locked".into())),
            Some(StoreFault::Unavailable) => Err(Error::KeyringUnavailable(
                "test store is unavailable".into(),
            )),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<(Space, String), Secret>> {
        self.secrets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn set(&self, space: &Space, item: &str, secret: &Secret) -> Result<()> {
        self.enter()?;
        if let Some(left) = self
            .writes_left
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            match left.checked_sub(1) {
                Some(fewer) => *left = fewer,
                None => return Err(Error::KeyringUnavailable("test store died".into())),
            }
        }
        self.map()
            .insert((space.clone(), item.to_string()), secret.clone());
        Ok(())
    }

    fn get(&self, space: &Space, item: &str) -> Result<Option<Secret>> {
        self.enter()?;
        Ok(self.map().get(&(space.clone(), item.to_string())).cloned())
    }

    fn delete(&self, space: &Space, item: &str) -> Result<bool> {
        self.enter()?;
        Ok(self
            .map()
            .remove(&(space.clone(), item.to_string()))
            .is_some())
    }

    fn list(&self, space: &Space) -> Result<Option<Vec<String>>> {
        self.enter()?;
        Ok(Some(
            self.map()
                .keys()
                .filter(|(s, _)| s == space)
                .map(|(_, item)| item.clone())
                .collect(),
        ))
    }
}
