//! keydeck as a front end drives it: the vault, the user's settings and the HTTP client they
//! configure, and every operation that takes more than one step. The CLI and the window each
//! adapt these calls to their arguments and words; neither writes an operation again.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::model::{Access, LOCAL_SOURCE};
use crate::remote::client::Detection;
use crate::remote::{Client, ClientConfig, SyncWatch};
use crate::vault::{Checked, RemoteRevoke, SourceInfo, SourceSpec, SyncReport};
use crate::{Error, KeyRecord, ListQuery, Result, Secret, Settings, Vault};

pub struct Keydeck {
    home: PathBuf,
    vault: Vault,
    settings: RwLock<Settings>,
    /// The transport part of the client's configuration (time limits a front end sets).
    base: ClientConfig,
    /// Rebuilt when the settings change: the sync budget is in them.
    client: RwLock<Arc<Client>>,
}

/// What a revoke did, whatever the key's source.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "where", rename_all = "snake_case")]
pub enum Revoked {
    /// A vault key, revoked here.
    Local { key: Box<KeyRecord> },
    /// A remote key (as it was listed before), revoked on its server and checked by listing
    /// the source again.
    Remote {
        before: Box<KeyRecord>,
        outcome: RemoteRevoke,
    },
}

impl Revoked {
    /// The key's name (as listed before, for a remote key).
    pub fn name(&self) -> &str {
        match self {
            Revoked::Local { key } => &key.name,
            Revoked::Remote { before, .. } => &before.name,
        }
    }

    /// The key as listed afterwards; `None` when its server no longer lists it.
    pub fn key(&self) -> Option<&KeyRecord> {
        match self {
            Revoked::Local { key }
            | Revoked::Remote {
                outcome: RemoteRevoke::Revoked { key },
                ..
            } => Some(key),
            Revoked::Remote { .. } => None,
        }
    }
}

/// A source just added or changed, and its first listing.
pub struct Connected {
    pub source: SourceInfo,
    pub detection: Option<Detection>,
    /// `None` when it was saved without listing it.
    pub synced: Option<SyncReport>,
}

impl From<Checked> for Connected {
    fn from(checked: Checked) -> Self {
        Connected {
            source: checked.source,
            detection: checked.detection,
            synced: Some(checked.synced),
        }
    }
}

/// A remote source's listing, fresh when its server answered, else the cached one.
#[derive(Debug, Serialize, TS)]
pub struct SourceListing {
    pub source: String,
    /// What the listing is as of.
    pub synced_at: Option<DateTime<Utc>>,
    /// The server could not be listed just now: these keys are the cached listing.
    pub stale: bool,
    pub error: Option<ErrorBody>,
    pub keys: Vec<KeyRecord>,
}

impl Keydeck {
    /// Opens the vault in `home` with the settings saved there.
    pub async fn open(home: &Path, base: ClientConfig) -> Result<Keydeck> {
        let settings = Settings::load(home)?;
        let vault = Vault::open(home)
            .await?
            .with_expiring_window(settings.expiring_window());
        // Previous secrets whose grace period is over go now (the window also checks every
        // minute); one that fails to go is tried again next time.
        let _ = vault.forget_lapsed_previous().await;
        Self::with_vault(home, vault, settings, base)
    }

    /// A keydeck over a vault opened already (tests give it an in-memory keyring).
    pub fn with_vault(
        home: &Path,
        vault: Vault,
        settings: Settings,
        base: ClientConfig,
    ) -> Result<Keydeck> {
        let client = Arc::new(Client::new(settings.client_config(base.clone()))?);
        Ok(Keydeck {
            home: home.to_path_buf(),
            vault,
            settings: RwLock::new(settings),
            base,
            client: RwLock::new(client),
        })
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn client(&self) -> Arc<Client> {
        Arc::clone(&self.client.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Saves the settings and applies them: the expiry warning window, the sync budget.
    pub fn save_settings(&self, settings: Settings) -> Result<Settings> {
        settings.save(&self.home)?;
        let client = Arc::new(Client::new(settings.client_config(self.base.clone()))?);
        self.vault.set_expiring_window(settings.expiring_window());
        *self.client.write().unwrap_or_else(|e| e.into_inner()) = client;
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = settings.clone();
        Ok(settings)
    }

    /// One key by id or name, in `source` or (without one) the vault first, then any source.
    pub async fn find(&self, source: Option<&str>, key: &str) -> Result<KeyRecord> {
        self.vault.find(source, key).await
    }

    /// The secret of one key of any source, written to its history as `access` says.
    pub async fn reveal(
        &self,
        source: Option<&str>,
        key: &str,
        access: Access,
    ) -> Result<(KeyRecord, Secret)> {
        let record = self.find(source, key).await?;
        self.vault.reveal_key(record, access).await
    }

    /// Revokes a key whatever its source: a vault key here, a remote key on its server
    /// (with the source's revoke request), checked by listing the source again.
    pub async fn revoke(
        &self,
        source: Option<&str>,
        key: &str,
        reason: Option<String>,
    ) -> Result<Revoked> {
        let record = self.find(source, key).await?;
        if record.source == LOCAL_SOURCE {
            let key = self.vault.revoke(&record.id, reason).await?;
            return Ok(Revoked::Local { key: Box::new(key) });
        }
        let outcome = self.vault.revoke_remote(&record, &self.client()).await?;
        Ok(Revoked::Remote {
            before: Box::new(record),
            outcome,
        })
    }

    /// Adds a source (its settings trimmed, blanks taken as unset). With `check`, its
    /// server must list keys first: a wrong token or URL is refused and nothing is saved.
    pub async fn connect_source(
        &self,
        spec: SourceSpec,
        token: Secret,
        check: Option<&SyncWatch>,
    ) -> Result<Connected> {
        let (client, spec) = (self.client(), spec.normalized());
        let Some(watch) = check else {
            let (source, detection) = self.vault.add_source(spec, token, &client).await?;
            return Ok(Connected {
                source,
                detection,
                synced: None,
            });
        };
        Ok(self
            .vault
            .add_checked_source(spec, token, &client, watch)
            .await?
            .into())
    }

    /// Changes a source's settings, and its token when one is given, once its server lists
    /// keys with them; until then nothing changes.
    pub async fn edit_source(
        &self,
        name: &str,
        spec: SourceSpec,
        token: Option<Secret>,
        watch: &SyncWatch,
    ) -> Result<Connected> {
        Ok(self
            .vault
            .edit_source(name, spec.normalized(), token, &self.client(), watch)
            .await?
            .into())
    }

    /// Gives a source a new token. With `check`, only one its server accepts (the source is
    /// listed with it); else it is saved as given.
    pub async fn set_token(
        &self,
        name: &str,
        token: Secret,
        check: Option<&SyncWatch>,
    ) -> Result<Connected> {
        let source = self.vault.source(name).await?;
        match check {
            Some(watch) => {
                self.edit_source(name, source.spec(), Some(token), watch)
                    .await
            }
            None => {
                self.vault.set_source_token(name, token).await?;
                Ok(Connected {
                    source,
                    detection: None,
                    synced: None,
                })
            }
        }
    }

    /// Lists a source again; a failure keeps its cached listing and is the answer.
    pub async fn sync(&self, name: &str, watch: &SyncWatch) -> Result<SourceInfo> {
        self.vault
            .sync_source_watched(name, &self.client(), watch)
            .await?;
        self.vault.source(name).await
    }

    /// A remote source's keys matching `query`: listed afresh when its server answers,
    /// else its cached listing, marked stale with why.
    pub async fn list_source(
        &self,
        name: &str,
        query: &ListQuery,
        watch: &SyncWatch,
    ) -> Result<SourceListing> {
        self.vault.source(name).await?;
        let error = self
            .vault
            .sync_source_watched(name, &self.client(), watch)
            .await
            .err();
        if let Some(Error::Cancelled(_)) = &error {
            return Err(error.expect("just matched"));
        }
        let info = self.vault.source(name).await?;
        let query = ListQuery {
            source: Some(name.to_string()),
            ..query.clone()
        };
        Ok(SourceListing {
            source: info.name,
            synced_at: info.synced_at,
            stale: error.is_some(),
            error: error.as_ref().map(ErrorBody::from),
            keys: self.vault.list(&query).await?,
        })
    }

    /// Closes the vault cleanly.
    pub async fn close(self) {
        self.vault.close().await;
    }
}
