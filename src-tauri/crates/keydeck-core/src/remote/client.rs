//! The HTTP client every dialect shares: time limits, a body cap enforced while reading,
//! bounded retries with jittered backoff and `Retry-After`, same-origin redirects only,
//! 002-style cursor paging with loop protection, and one typed error for every failure.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, RETRY_AFTER};
pub use reqwest::Method;
use reqwest::{redirect, StatusCode};
pub use tokio_util::sync::CancellationToken;
use url::Url;
use zeroize::Zeroizing;

use super::error::Redactor;
use super::{AuthStyle, Dialect, RemoteError, RemoteErrorKind};

pub use super::detect::Detection;
pub use super::paging::{Listing, OnProgress, SyncProgress, SyncWatch};
use super::urls::join;
pub use super::urls::{check_url, is_loopback};
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
                if let Some(wait) =
                    self.wait_before_retry(name, status, response.headers(), attempt)?
                {
                    tokio::time::sleep(wait).await;
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

    /// How long to wait before retrying an answer with a retryable status: the server's
    /// `Retry-After` (refused when it is longer than keydeck waits), else the backoff; `None`
    /// when the retries are spent.
    fn wait_before_retry(
        &self,
        name: &str,
        status: StatusCode,
        headers: &HeaderMap,
        attempt: u32,
    ) -> crate::Result<Option<Duration>> {
        let asked = retry_after(headers);
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
        Ok((attempt < self.config.max_retries)
            .then(|| asked.unwrap_or_else(|| self.backoff(attempt))))
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

#[cfg(test)]
mod tests {
    use super::*;

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
