//! A source's settings tried against its server before they are saved: connecting a source
//! or changing one lists it first, so a wrong token, URL or dialect is refused with nothing
//! written, and a token that works is never replaced by one that does not.

use chrono::Utc;

use super::sources::{effective_auth, validate_source_name, Resolved};
use super::{SourceInfo, SourceSpec, SyncReport, Vault};
use crate::remote::client::{Detection, Endpoint};
use crate::remote::{Client, SyncWatch};
use crate::secret_store::item;
use crate::{Error, Result, Secret};

/// A source saved after its server answered, and that first listing.
pub struct Checked {
    pub source: SourceInfo,
    pub detection: Option<Detection>,
    pub synced: SyncReport,
}

impl Vault {
    /// Adds a source only once its server lists keys with these settings and `credential`;
    /// that listing is stored as its first sync.
    pub async fn add_checked_source(
        &self,
        spec: SourceSpec,
        credential: Secret,
        client: &Client,
        watch: &SyncWatch,
    ) -> Result<Checked> {
        self.refuse_taken_name(&spec.name).await?;
        let resolved = self.resolve_spec(&spec, &credential, client).await?;
        let listing = self
            .list_as(&spec, &resolved, &credential, client, watch)
            .await?;
        self.insert_source(&spec, &resolved, credential).await?;
        let synced = match self.replace_listing(&spec.name, listing, Utc::now()).await {
            Ok(synced) => synced,
            Err(err) => {
                // The listing could not be stored (a keyring that failed, a repeated id):
                // the source goes again, so what the user is told (nothing saved) holds.
                let _ = self.remove_source(&spec.name).await;
                return Err(err);
            }
        };
        Ok(Checked {
            source: self.source(&spec.name).await?,
            detection: resolved.detection,
            synced,
        })
    }

    /// Changes a source's settings (and its token, when one is given; else the one the
    /// keyring has) once its server lists keys with them. The listing replaces the cached
    /// one, which may be another server's. A source keeps its name.
    pub async fn edit_source(
        &self,
        name: &str,
        spec: SourceSpec,
        token: Option<Secret>,
        client: &Client,
        watch: &SyncWatch,
    ) -> Result<Checked> {
        let current = self.source(name).await?;
        let spec = SourceSpec {
            name: current.name.clone(),
            ..spec
        };
        let credential = match token.clone() {
            Some(token) => token,
            None => self.endpoint_parts(&current).await?.1,
        };
        let resolved = self.resolve_spec(&spec, &credential, client).await?;
        let listing = self
            .list_as(&spec, &resolved, &credential, client, watch)
            .await?;
        let previous = self.update_source(&spec, &resolved, token).await?;
        let synced = match self.replace_listing(name, listing, Utc::now()).await {
            Ok(synced) => synced,
            Err(err) => {
                // The listing could not be stored: the source goes back to its settings and
                // token, beside the listing they gave, so nothing was changed.
                let back = Resolved {
                    url: url::Url::parse(&current.url)
                        .map_err(|e| Error::Database(e.to_string()))?,
                    dialect: current.dialect,
                    detection: None,
                    user_id: current.user_id.clone(),
                };
                let _ = self.update_source(&current.spec(), &back, previous).await;
                return Err(err);
            }
        };
        Ok(Checked {
            source: self.source(name).await?,
            detection: resolved.detection,
            synced,
        })
    }

    /// Lists the server as `spec` describes, storing nothing.
    async fn list_as(
        &self,
        spec: &SourceSpec,
        resolved: &Resolved,
        credential: &Secret,
        client: &Client,
        watch: &SyncWatch,
    ) -> Result<crate::remote::client::Listing> {
        let auth = effective_auth(
            resolved.dialect,
            spec.auth_header.as_deref(),
            spec.auth_scheme.as_deref(),
        );
        let endpoint = Endpoint {
            name: &spec.name,
            base_url: &resolved.url,
            auth: &auth,
            credential,
        };
        client
            .list(
                &endpoint,
                resolved.dialect.dialect(),
                resolved.user_id.as_deref(),
                watch,
            )
            .await
    }

    /// Saves new settings and token together: the row changes only if the token is in the
    /// keyring, and the old token comes back if the row cannot change. Answers the token
    /// replaced, if any (to put back).
    async fn update_source(
        &self,
        spec: &SourceSpec,
        resolved: &Resolved,
        token: Option<Secret>,
    ) -> Result<Option<Secret>> {
        let name = spec.name.clone();
        let id = item::credential(&name);
        let before = match &token {
            Some(token) => {
                let (id, token) = (id.clone(), token.clone());
                self.store_call(move |store| {
                    let before = store.get(&id)?;
                    store.set(&id, &token)?;
                    Ok(before)
                })
                .await?
            }
            None => None,
        };
        let updated = sqlx::query(
            "UPDATE sources SET url = ?, dialect = ?, auth_header = ?, auth_scheme = ?, user_id = ?, \
             revoke_template = ?, allow_insecure = ? WHERE name = ?",
        )
        .bind(resolved.url.as_str())
        .bind(resolved.dialect.as_str())
        .bind(&spec.auth_header)
        .bind(&spec.auth_scheme)
        .bind(&resolved.user_id)
        .bind(&spec.revoke_template)
        .bind(spec.allow_insecure)
        .bind(&name)
        .execute(&self.pool)
        .await;
        if let Err(err) = updated {
            if let Some(before) = before {
                let _ = self.store_call(move |store| store.set(&id, &before)).await;
            }
            return Err(err.into());
        }
        Ok(before)
    }

    pub(super) async fn refuse_taken_name(&self, name: &str) -> Result<()> {
        validate_source_name(name)?;
        if self.source(name).await.is_ok() {
            return Err(Error::InvalidInput(format!(
                "a source named `{name}` already exists"
            )));
        }
        Ok(())
    }
}
