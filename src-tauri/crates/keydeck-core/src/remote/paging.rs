//! A source's whole listing: pages followed within the sync's budget (time, bytes, keys),
//! progress reported after each page, a Cancel honoured, and every error redacted.

use std::collections::HashSet;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::client::{error_from_answer, CancellationToken, Client, Endpoint};
use super::error::Redactor;
use super::{Dialect, ListParams, Page, RemoteError, RemoteErrorKind, RemoteKey};

/// How far a sync has got, for a progress line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    pub source: String,
    pub pages: u32,
    pub keys: u32,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Told of a sync's progress after each page.
pub type OnProgress = Box<dyn Fn(&SyncProgress) + Send + Sync>;

/// How a sync is watched and stopped: a cancel signal (the window's Cancel, Ctrl+C) and a
/// progress callback after each page.
#[derive(Default)]
pub struct SyncWatch {
    pub cancel: CancellationToken,
    pub progress: Option<OnProgress>,
}

impl SyncWatch {
    fn report(&self, progress: &SyncProgress) {
        if let Some(report) = &self.progress {
            report(progress);
        }
    }
}

/// A source's whole listing, and what was odd about it without stopping it.
#[derive(Debug)]
pub struct Listing {
    pub keys: Vec<RemoteKey>,
    pub warnings: Vec<String>,
}

impl Client {
    /// Every key of a source: follows 002's cursors within the sync's budget (time, bytes,
    /// keys), reports progress after each page, stops when cancelled, and decodes errors
    /// into one typed error with the credential, the cursors and the full keys redacted.
    pub async fn list(
        &self,
        endpoint: &Endpoint<'_>,
        dialect: &dyn Dialect,
        user_id: Option<&str>,
        watch: &SyncWatch,
    ) -> crate::Result<Listing> {
        let name = endpoint.name;
        let mut redactor = Redactor::new(endpoint.credential);
        let listing = self.list_pages(endpoint, dialect, user_id, watch, &mut redactor);
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(self.config().sync_timeout, listing) => match outcome {
                Ok(outcome) => outcome,
                Err(_) => Err(RemoteError::new(
                    name,
                    RemoteErrorKind::Timeout,
                    format!(
                        "the sync took longer than its {} s budget",
                        self.config().sync_timeout.as_secs()
                    ),
                )
                .into()),
            },
            () = watch.cancel.cancelled() => Err(crate::Error::Cancelled(format!(
                "the sync of source {name} was cancelled; its cached listing is kept"
            ))),
        };
        outcome.map_err(|err| match err {
            crate::Error::Remote(remote) => redactor.redact(*remote).into(),
            other => other,
        })
    }

    async fn list_pages(
        &self,
        endpoint: &Endpoint<'_>,
        dialect: &dyn Dialect,
        user_id: Option<&str>,
        watch: &SyncWatch,
        redactor: &mut Redactor,
    ) -> crate::Result<Listing> {
        let name = endpoint.name;
        let mut gathered = Gathered::new(name);
        let mut cursor: Option<String> = None;
        let mut seen = HashSet::new();
        for _ in 0..self.config().max_pages {
            let path = dialect
                .list_path(ListParams {
                    user_id,
                    cursor: cursor.as_deref(),
                })
                .map_err(|e| RemoteError::new(name, RemoteErrorKind::Unsupported, e))?;
            let page = self
                .fetch_page(endpoint, dialect, &path, &mut gathered.progress, redactor)
                .await?;
            let (has_more, next, found) =
                (page.has_more, page.next_cursor.clone(), page.keys.len());
            gathered.take(page, redactor, self.config().max_sync_keys)?;
            watch.report(&gathered.progress);
            if !has_more {
                return Ok(gathered.finish(redactor));
            }
            let next = next_cursor(name, next, found, &mut seen, gathered.progress.pages)?;
            redactor.add(&next);
            cursor = Some(next);
        }
        Err(RemoteError::new(
            name,
            RemoteErrorKind::Paging,
            format!("stopped after {} pages", self.config().max_pages),
        )
        .into())
    }

    /// One page, within the sync's byte budget, decoded (or the server's error).
    async fn fetch_page(
        &self,
        endpoint: &Endpoint<'_>,
        dialect: &dyn Dialect,
        path: &str,
        progress: &mut SyncProgress,
        redactor: &mut Redactor,
    ) -> crate::Result<Page> {
        let name = endpoint.name;
        let answer = self.send(endpoint, Method::GET, path).await?;
        progress.bytes += answer.body.len() as u64;
        let budget = self.config().max_sync_bytes;
        if progress.bytes > budget {
            return Err(too_large(
                name,
                format!(
                    "the listing is larger than {} MiB in all (sync_max_mib)",
                    budget / (1024 * 1024)
                ),
            ));
        }
        if !(200..300).contains(&answer.status) {
            return Err(error_from_answer(name, dialect, &answer, redactor).into());
        }
        dialect.decode_page(&answer.body).map_err(|e| {
            // The message quotes what did not parse: it may be a full key of this page.
            redactor.add_key_fields(&answer.body);
            RemoteError::new(
                name,
                RemoteErrorKind::InvalidResponse,
                format!("the answer is not dialect {}'s list: {e}", dialect.id()),
            )
            .into()
        })
    }
}

/// What the pages so far gave.
struct Gathered {
    keys: Vec<RemoteKey>,
    warnings: Vec<String>,
    /// How many keys the listing has, where the dialect says.
    total: Option<u64>,
    progress: SyncProgress,
}

impl Gathered {
    fn new(source: &str) -> Self {
        Gathered {
            keys: Vec::new(),
            warnings: Vec::new(),
            total: None,
            progress: SyncProgress {
                source: source.to_string(),
                pages: 0,
                keys: 0,
                bytes: 0,
            },
        }
    }

    /// Adds a page's keys (bounded; their full keys redacted from now on), within the
    /// sync's key budget.
    fn take(&mut self, page: Page, redactor: &mut Redactor, max_keys: usize) -> crate::Result<()> {
        self.warnings.extend(page.warning);
        self.total = self.total.or(page.total);
        for mut key in page.keys {
            if let Some(secret) = &key.secret {
                redactor.add(secret.expose());
            }
            key.bound();
            self.keys.push(key);
        }
        self.progress.pages += 1;
        self.progress.keys = self.keys.len() as u32;
        if self.keys.len() > max_keys {
            let message = format!("the listing has more than {max_keys} keys (sync_max_keys)");
            return Err(too_large(&self.progress.source, message));
        }
        Ok(())
    }

    /// The listing, with a warning where the server's own total disagrees with it.
    fn finish(mut self, redactor: &Redactor) -> Listing {
        let listed = self.keys.len() as u64;
        if let Some(total) = self.total.filter(|t| *t != listed) {
            self.warnings.push(format!(
                "the server's meta.total says {total} but it listed {listed} keys"
            ));
        }
        Listing {
            warnings: self.warnings.iter().map(|w| redactor.clean(w)).collect(),
            keys: self.keys,
        }
    }
}

fn too_large(source: &str, message: String) -> crate::Error {
    RemoteError::new(source, RemoteErrorKind::TooLarge, message).into()
}

/// Where the next page starts; paging that loops or claims more without giving any stops.
fn next_cursor(
    source: &str,
    next: Option<String>,
    found: usize,
    seen: &mut HashSet<String>,
    pages: u32,
) -> crate::Result<String> {
    let paging = |message: String| RemoteError::new(source, RemoteErrorKind::Paging, message);
    let next =
        next.ok_or_else(|| paging("a page says there is more but gives no cursor".into()))?;
    if found == 0 {
        return Err(paging("an empty page says there is more".into()).into());
    }
    if !seen.insert(next.clone()) {
        return Err(paging(format!("the cursor of page {pages} came back again")).into());
    }
    Ok(next)
}
