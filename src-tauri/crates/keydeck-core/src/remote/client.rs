//! The HTTP client every dialect shares: time limits, a body cap enforced while reading,
//! bounded retries with jittered backoff and `Retry-After`, same-origin redirects only,
//! 002-style cursor paging with loop protection, and one typed error for every failure.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, RETRY_AFTER};
pub use reqwest::Method;
use reqwest::{redirect, StatusCode};
use serde::{Deserialize, Serialize};
pub use tokio_util::sync::CancellationToken;
use ts_rs::TS;
use url::Url;
use zeroize::Zeroizing;

use super::error::Redactor;
use super::{AuthStyle, Dialect, DialectId, ListParams, RemoteError, RemoteErrorKind, RemoteKey};
use crate::Secret;

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub connect_timeout: Duration,
    /// Per request, body included.
    pub request_timeout: Duration,
    pub max_body_bytes: usize,
    /// Retries after the first attempt, for 429, 502, 503, 504 and connection errors.
    pub max_retries: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// The longest `Retry-After` keydeck waits; a longer one fails and is shown to the user.
    pub retry_after_cap: Duration,
    pub max_pages: usize,
    /// One sync's whole budget: time, bytes over all pages, keys over all pages.
    pub sync_timeout: Duration,
    pub max_sync_bytes: u64,
    pub max_sync_keys: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 32 * 1024 * 1024,
            max_retries: 3,
            backoff_base: Duration::from_millis(250),
            backoff_cap: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(60),
            max_pages: 10_000,
            sync_timeout: Duration::from_secs(300),
            max_sync_bytes: 256 * 1024 * 1024,
            max_sync_keys: 100_000,
        }
    }
}

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

/// Where and how to ask: a source's URL, its credential and how to send it.
pub struct Endpoint<'a> {
    /// The source's name, for messages.
    pub name: &'a str,
    pub base_url: &'a Url,
    pub auth: &'a AuthStyle,
    pub credential: &'a Secret,
}

/// A whole answer, read within the limits. The body may hold full keys (001, 004): it is
/// wiped when dropped.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Zeroizing<Vec<u8>>,
}

/// Which dialect a server speaks, and why keydeck thinks so.
#[derive(Debug, Clone)]
pub struct Detection {
    pub dialect: DialectId,
    pub reason: String,
    /// What each probe found.
    pub tried: Vec<String>,
}

pub struct Client {
    /// Through the proxies the environment names (HTTP(S)_PROXY).
    http: reqwest::Client,
    /// Straight: for this machine's own addresses, which never go through a proxy.
    direct: reqwest::Client,
    config: ClientConfig,
}

impl Client {
    pub fn new(config: ClientConfig) -> crate::Result<Self> {
        Ok(Client {
            http: Self::http(&config, true)?,
            direct: Self::http(&config, false)?,
            config,
        })
    }

    fn http(config: &ClientConfig, proxies: bool) -> crate::Result<reqwest::Client> {
        let builder = reqwest::Client::builder();
        let builder = if proxies { builder } else { builder.no_proxy() };
        let http = builder
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(redirect::Policy::custom(|attempt| {
                // Only within the origin the credential was meant for.
                let same_origin = attempt
                    .previous()
                    .first()
                    .is_some_and(|first| first.origin() == attempt.url().origin());
                if same_origin && attempt.previous().len() < 5 {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .user_agent(concat!("keydeck/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                RemoteError::new(
                    "-",
                    RemoteErrorKind::Unsupported,
                    format!("cannot start HTTP: {e}"),
                )
            })?;
        Ok(http)
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Sends one request (retrying where that is safe) and reads the whole answer.
    pub async fn send(
        &self,
        endpoint: &Endpoint<'_>,
        method: Method,
        path_and_query: &str,
    ) -> crate::Result<Answer> {
        let name = endpoint.name;
        let url = join(endpoint.base_url, path_and_query)
            .map_err(|e| RemoteError::new(name, RemoteErrorKind::Unsupported, e))?;
        let auth_value = Zeroizing::new(endpoint.auth.value(endpoint.credential));
        let mut auth = HeaderValue::from_str(&auth_value).map_err(|_| {
            RemoteError::new(
                name,
                RemoteErrorKind::Unsupported,
                "the credential cannot be sent in an HTTP header (it has control characters)",
            )
        })?;
        auth.set_sensitive(true);
        let http = if is_loopback(&url) {
            &self.direct
        } else {
            &self.http
        };

        let mut attempt = 0;
        loop {
            let sent = http
                .request(method.clone(), url.clone())
                .header(endpoint.auth.header.as_str(), auth.clone())
                .header(ACCEPT, "application/json")
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(err) if err.is_connect() && attempt < self.config.max_retries => {
                    tokio::time::sleep(self.backoff(attempt)).await;
                    attempt += 1;
                    continue;
                }
                Err(err) => return Err(transport_error(name, &url, &err).into()),
            };
            let status = response.status();
            if is_retryable(status) {
                let asked = retry_after(response.headers());
                if let Some(wait) = asked.filter(|w| *w > self.config.retry_after_cap) {
                    let mut error = RemoteError::new(
                        name,
                        RemoteError::kind_of_status(status.as_u16()),
                        format!(
                            "the server asks to wait {} s before trying again",
                            wait.as_secs()
                        ),
                    );
                    error.status = Some(status.as_u16());
                    error.retry_after_secs = Some(wait.as_secs());
                    return Err(error.into());
                }
                if attempt < self.config.max_retries {
                    tokio::time::sleep(asked.unwrap_or_else(|| self.backoff(attempt))).await;
                    attempt += 1;
                    continue;
                }
            }
            let headers = response.headers().clone();
            let body = self.read_body(name, &url, response).await?;
            return Ok(Answer {
                status: status.as_u16(),
                headers,
                body,
            });
        }
    }

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
            outcome = tokio::time::timeout(self.config.sync_timeout, listing) => match outcome {
                Ok(outcome) => outcome,
                Err(_) => Err(RemoteError::new(
                    name,
                    RemoteErrorKind::Timeout,
                    format!(
                        "the sync took longer than its {} s budget",
                        self.config.sync_timeout.as_secs()
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
        let mut keys: Vec<RemoteKey> = Vec::new();
        let mut warnings: Vec<String> = Vec::new();
        let mut total: Option<u64> = None;
        let mut cursor: Option<String> = None;
        let mut seen = HashSet::new();
        let mut progress = SyncProgress {
            source: name.to_string(),
            pages: 0,
            keys: 0,
            bytes: 0,
        };
        let over_budget =
            |message: String| RemoteError::new(name, RemoteErrorKind::TooLarge, message);
        for _ in 0..self.config.max_pages {
            let path = dialect
                .list_path(ListParams {
                    user_id,
                    cursor: cursor.as_deref(),
                })
                .map_err(|e| RemoteError::new(name, RemoteErrorKind::Unsupported, e))?;
            let answer = self.send(endpoint, Method::GET, &path).await?;
            progress.bytes += answer.body.len() as u64;
            if progress.bytes > self.config.max_sync_bytes {
                return Err(over_budget(format!(
                    "the listing is larger than {} MiB in all (sync_max_mib)",
                    self.config.max_sync_bytes / (1024 * 1024)
                ))
                .into());
            }
            if !(200..300).contains(&answer.status) {
                return Err(error_from_answer(name, dialect, &answer, redactor).into());
            }
            let page = dialect.decode_page(&answer.body).map_err(|e| {
                // The message quotes what did not parse: it may be a full key of this page.
                redactor.add_key_fields(&answer.body);
                RemoteError::new(
                    name,
                    RemoteErrorKind::InvalidResponse,
                    format!("the answer is not dialect {}'s list: {e}", dialect.id()),
                )
            })?;
            let (has_more, next) = (page.has_more, page.next_cursor);
            let found = page.keys.len();
            warnings.extend(page.warning);
            total = total.or(page.total);
            for mut key in page.keys {
                if let Some(secret) = &key.secret {
                    redactor.add(secret.expose());
                }
                key.bound();
                keys.push(key);
            }
            progress.pages += 1;
            progress.keys = keys.len() as u32;
            if keys.len() > self.config.max_sync_keys {
                return Err(over_budget(format!(
                    "the listing has more than {} keys (sync_max_keys)",
                    self.config.max_sync_keys
                ))
                .into());
            }
            watch.report(&progress);
            if !has_more {
                if let Some(total) = total.filter(|t| *t != keys.len() as u64) {
                    warnings.push(format!(
                        "the server's meta.total says {total} but it listed {} keys",
                        keys.len()
                    ));
                }
                let warnings = warnings.iter().map(|w| redactor.clean(w)).collect();
                return Ok(Listing { keys, warnings });
            }
            let paging = |message: &str| RemoteError::new(name, RemoteErrorKind::Paging, message);
            let next =
                next.ok_or_else(|| paging("a page says there is more but gives no cursor"))?;
            redactor.add(&next);
            if found == 0 {
                return Err(paging("an empty page says there is more").into());
            }
            if !seen.insert(next.clone()) {
                return Err(paging(&format!(
                    "the cursor of page {} came back again",
                    progress.pages
                ))
                .into());
            }
            cursor = Some(next);
        }
        Err(RemoteError::new(
            name,
            RemoteErrorKind::Paging,
            format!("stopped after {} pages", self.config.max_pages),
        )
        .into())
    }

    /// Tries each dialect's list path and recognises the answers: a list in the dialect's
    /// shape wins; otherwise an error in the dialect's envelope (a 401 with the right
    /// envelope says who is there, even with a wrong token).
    pub async fn detect(
        &self,
        name: &str,
        base_url: &Url,
        credential: &Secret,
        user_id: Option<&str>,
    ) -> crate::Result<Detection> {
        let mut tried = Vec::new();
        let mut envelope_match: Option<(DialectId, String)> = None;
        for id in DialectId::ALL {
            let dialect = id.dialect();
            let Ok(path) = dialect.list_path(ListParams {
                user_id,
                cursor: None,
            }) else {
                tried.push(format!("{id}: skipped (needs a user id)"));
                continue;
            };
            let auth = dialect.default_auth();
            let endpoint = Endpoint {
                name,
                base_url,
                auth: &auth,
                credential,
            };
            let answer = match self.send(&endpoint, Method::GET, &path).await {
                Ok(answer) => answer,
                Err(crate::Error::Remote(err)) if err.kind != RemoteErrorKind::Unreachable => {
                    tried.push(format!("{id}: GET {path}: {}", err.message));
                    continue;
                }
                Err(err) => return Err(err),
            };
            let status = answer.status;
            if (200..300).contains(&status) && dialect.decode_page(&answer.body).is_ok() {
                return Ok(Detection {
                    dialect: id,
                    reason: format!("GET {path} answered {status} with dialect {id}'s list"),
                    tried,
                });
            }
            if status >= 400
                && dialect
                    .decode_error(&answer.headers, &answer.body)
                    .is_some()
            {
                tried.push(format!(
                    "{id}: GET {path} answered {status} in dialect {id}'s error envelope"
                ));
                envelope_match.get_or_insert((
                    id,
                    format!("GET {path} answered {status} in dialect {id}'s error envelope"),
                ));
            } else {
                tried.push(format!(
                    "{id}: GET {path} answered {status}, not dialect {id}"
                ));
            }
        }
        match envelope_match {
            Some((dialect, reason)) => Ok(Detection {
                dialect,
                reason,
                tried,
            }),
            None => Err(RemoteError::new(
                name,
                RemoteErrorKind::Unsupported,
                format!("no dialect recognised the server ({})", tried.join("; ")),
            )
            .into()),
        }
    }

    /// Capped full-jitter backoff: a random wait up to base·2^attempt, at most the cap.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .config
            .backoff_base
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.config.backoff_cap);
        ceiling.mul_f64(fastrand::f64())
    }

    async fn read_body(
        &self,
        name: &str,
        url: &Url,
        mut response: reqwest::Response,
    ) -> crate::Result<Zeroizing<Vec<u8>>> {
        let cap = self.config.max_body_bytes;
        let too_large = || {
            RemoteError::new(
                name,
                RemoteErrorKind::TooLarge,
                format!("the answer is larger than {} MiB", cap / (1024 * 1024)),
            )
        };
        if response
            .content_length()
            .is_some_and(|len| len > cap as u64)
        {
            return Err(too_large().into());
        }
        let mut body = Zeroizing::new(Vec::new());
        // Counted as it arrives: a missing or lying Content-Length changes nothing.
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(name, url, &e))?
        {
            if body.len() + chunk.len() > cap {
                return Err(too_large().into());
            }
            if body.capacity() < body.len() + chunk.len() {
                // Grow by hand: a growing Vec frees its old buffer unwiped.
                let mut bigger = Zeroizing::new(Vec::with_capacity(
                    (body.len() + chunk.len()).max(body.capacity() * 2),
                ));
                bigger.extend_from_slice(&body);
                body = bigger;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// `Retry-After` in seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn transport_error(name: &str, url: &Url, err: &reqwest::Error) -> RemoteError {
    let origin = url.origin().ascii_serialization();
    if err.is_timeout() {
        RemoteError::new(
            name,
            RemoteErrorKind::Timeout,
            format!("{origin} did not answer in time"),
        )
    } else if err.is_connect() {
        RemoteError::new(
            name,
            RemoteErrorKind::Unreachable,
            format!("cannot connect to {origin}"),
        )
    } else {
        // The innermost cause, without the URL reqwest puts in its own message.
        let mut cause: &dyn std::error::Error = err;
        while let Some(next) = cause.source() {
            cause = next;
        }
        RemoteError::new(
            name,
            RemoteErrorKind::Unreachable,
            format!("talking to {origin} failed: {cause}"),
        )
    }
}

/// Turns a non-2xx answer into the typed error, with what the dialect's envelope says.
pub fn error_from_answer(
    name: &str,
    dialect: &dyn Dialect,
    answer: &Answer,
    redactor: &Redactor,
) -> RemoteError {
    let status = answer.status;
    let kind = RemoteError::kind_of_status(status);
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status");
    let mut error = RemoteError::new(name, kind, reason);
    error.status = Some(status);
    if kind == RemoteErrorKind::Redirect {
        let target = answer
            .headers
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| Url::parse(l).ok())
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|| "another address".into());
        error.message = format!(
            "the server redirects to {target}; keydeck does not follow redirects to another origin"
        );
        return error;
    }
    if let Some(details) = dialect.decode_error(&answer.headers, &answer.body) {
        if let Some(message) = details.message {
            error.message = message;
        }
        error.code = details.code;
        error.server_hint = details.hint;
        error.request_id = details.request_id;
        error.fields = details.fields;
    }
    if kind == RemoteErrorKind::RateLimited {
        error.retry_after_secs = retry_after(&answer.headers).map(|d| d.as_secs());
    }
    redactor.redact(error)
}

/// The source URL with a list path appended (keeping any base path).
fn join(base: &Url, path_and_query: &str) -> Result<Url, String> {
    let joined = format!("{}{}", base.as_str().trim_end_matches('/'), path_and_query);
    Url::parse(&joined).map_err(|e| format!("cannot build a URL from {base}: {e}"))
}

/// Checks a source URL: http(s), no credential in it, and https unless the host is this
/// machine (or the user accepted the risk).
pub fn check_url(name: &str, text: &str, allow_insecure: bool) -> crate::Result<Url> {
    let unsupported = |m: String| RemoteError::new(name, RemoteErrorKind::Unsupported, m);
    let url =
        Url::parse(text.trim()).map_err(|e| unsupported(format!("`{text}` is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(unsupported(
            "the URL holds a user name or password; keydeck keeps credentials in the keyring: \
             remove it from the URL and give it on stdin"
                .into(),
        )
        .into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(
            unsupported("the URL must not have a query or fragment (`?…`, `#…`)".into()).into(),
        );
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure || is_loopback(&url) => Ok(url),
        "http" => Err(RemoteError::new(
            name,
            RemoteErrorKind::Insecure,
            format!("{text} is plain http to another machine"),
        )
        .into()),
        other => Err(unsupported(format!("the scheme `{other}` is not http or https")).into()),
    }
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_https_unless_loopback() {
        for ok in [
            "https://keys.example.com",
            "http://127.0.0.1:8080",
            "http://127.8.0.1",
            "http://[::1]:9",
            "http://localhost:1/base/",
        ] {
            assert!(check_url("s", ok, false).is_ok(), "{ok}");
        }
        let err = check_url("s", "http://keys.example.com", false).unwrap_err();
        assert!(matches!(err, crate::Error::Remote(ref r) if r.kind == RemoteErrorKind::Insecure));
        assert!(check_url("s", "http://keys.example.com", true).is_ok());
        assert!(check_url("s", "https://user:pw@example.com", false).is_err());
        assert!(check_url("s", "https://example.com/?token=x", false).is_err());
        assert!(check_url("s", "ftp://example.com", false).is_err());
    }

    #[test]
    fn join_keeps_the_base_path() {
        let base = Url::parse("http://127.0.0.1:8/prefix/").unwrap();
        assert_eq!(
            join(&base, "/keys").unwrap().as_str(),
            "http://127.0.0.1:8/prefix/keys"
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(110) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }
}
