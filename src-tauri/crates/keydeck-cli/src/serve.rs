//! `keydeck serve`: the local vault on 127.0.0.1 as one of the five dialects. The dialect
//! modules in keydeck-core decide every answer; this is only the HTTP server around them.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use keydeck_core::model::LOCAL_SOURCE;
use keydeck_core::remote::{
    DialectId, Route, ServeContext, ServeRequest, ServeResponse, ServedKey,
};
use keydeck_core::text::inert;
use keydeck_core::{Error, KeyStatus, ListQuery, Result, Secret, SortField, Vault};
use zeroize::Zeroizing;

/// How long a snapshot may serve: statuses such as `expiring` move with the clock.
const SNAPSHOT_TTL: Duration = Duration::from_secs(5);
/// A client gets this long to send a request's headers (also while a kept-alive connection
/// waits for its next request): a slow-loris client is cut off, not waited for.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest a connection lives, requests and all.
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(120);
/// Connections served at once; more wait to be accepted until one ends.
pub const MAX_CONNECTIONS: usize = 256;

struct Snapshot {
    version: (i64, i64, i64, i64),
    taken: std::time::Instant,
    keys: Arc<Vec<ServedKey>>,
}

pub struct Options {
    pub dialect: DialectId,
    pub port: u16,
    pub token_file: Option<PathBuf>,
    pub user_id: Option<String>,
    pub allow_revoke: bool,
    pub home: PathBuf,
}

struct Server {
    vault: Vault,
    /// The served keys as of a vault version, reused briefly while the vault is unchanged
    /// (a 002 client reads 50 pages of one 10,000-key listing).
    cache: tokio::sync::Mutex<Option<Snapshot>>,
    dialect: DialectId,
    token: Secret,
    user_id: Option<String>,
    allow_revoke: bool,
}

/// A token file `serve` made itself, deleted when it stops.
struct OwnTokenFile(Option<PathBuf>);

impl Drop for OwnTokenFile {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

pub async fn run(vault: &Vault, options: Options) -> Result<()> {
    if options.dialect == DialectId::D004 && options.user_id.is_none() {
        return Err(Error::Usage(
            "dialect 004 serves one user's keys: give --user-id".into(),
        ));
    }
    let (token, token_path) = token(&options)?;
    let _own_token = OwnTokenFile(options.token_file.is_none().then(|| token_path.clone()));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
        .await
        .map_err(|e| Error::Io(format!("cannot listen on 127.0.0.1:{}: {e}", options.port)))?;
    let address = listener.local_addr()?;
    // The first line is what scripts and tests read. A reader that went away is no reason
    // to stop serving, so write errors are ignored.
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{address}");
        let _ = writeln!(
            out,
            "dialect {} · token in {} · stop with Ctrl+C",
            options.dialect,
            token_path.display()
        );
        let _ = out.flush();
    }

    let server = Arc::new(Server {
        vault: vault.clone(),
        cache: Default::default(),
        dialect: options.dialect,
        token,
        user_id: options.user_id,
        allow_revoke: options.allow_revoke,
    });
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let stop = shutdown();
    tokio::pin!(stop);
    loop {
        // Wait for a free slot first: over the limit, connections queue in the backlog.
        let slot = tokio::select! {
            () = &mut stop => return Ok(()),
            slot = Arc::clone(&slots).acquire_owned() => slot.expect("the semaphore stays open"),
        };
        let stream = tokio::select! {
            () = &mut stop => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue, // a connection that failed while being accepted
            },
        };
        let server = Arc::clone(&server);
        tokio::spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |request| {
                let server = Arc::clone(&server);
                async move { Ok::<_, Infallible>(handle(&server, request).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(CONNECTION_LIFETIME, connection).await;
        });
    }
}

/// The token from --token-file, or a new one written (owner-only) into the data dir.
fn token(options: &Options) -> Result<(Secret, PathBuf)> {
    if let Some(path) = &options.token_file {
        let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
            Error::InvalidInput(format!(
                "cannot read the token file {}: {e}",
                path.display()
            ))
        })?);
        let token = Secret::from_bytes(bytes)
            .map_err(|e| Error::InvalidInput(format!("the token file {}: {e}", path.display())))?;
        return Ok((token, path.clone()));
    }
    let path = options
        .home
        .join(format!("serve-{}.token", options.dialect));
    let token = Secret::generate(Some("kd_serve_"))?;
    let mut file_options = std::fs::OpenOptions::new();
    file_options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file_options, 0o600);
    use std::io::Write;
    file_options
        .open(&path)
        .and_then(|mut f| f.write_all(token.expose().as_bytes()))
        .map_err(|e| {
            Error::Io(format!(
                "cannot write the token file {}: {e}",
                path.display()
            ))
        })?;
    Ok((token, path))
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler");
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

async fn handle(server: &Server, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, _) = request.into_parts();
    let request = ServeRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts
            .uri
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default(),
        headers: parts.headers,
    };
    let answer = match server.answer(&request).await {
        Ok(answer) => answer,
        Err(err) => {
            // The vault failed (keyring locked…): said in the dialect's own envelope; the
            // details go to this terminal only.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "error: {}", inert(&err.to_string()));
            let (dialect, context) = (server.dialect.dialect(), server.context());
            dialect.finish(dialect.server_error(&context), &context)
        }
    };
    let mut response = Response::builder()
        .status(StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    for (name, value) in &answer.headers {
        response = response.header(name, value);
    }
    response
        .body(Full::new(Bytes::from(answer.body)))
        .expect("a valid response")
}

impl Server {
    /// The dialect decides every answer; this only reads the vault where one needs it.
    async fn answer(&self, request: &ServeRequest) -> Result<ServeResponse> {
        let dialect = self.dialect.dialect();
        let context = self.context();
        // Nothing of the vault or the keyring is read for a request without the token.
        if !dialect.accepts(&request.headers, &self.token) {
            return Ok(dialect.serve(request, &context, &[]));
        }
        match dialect.route(request, &context) {
            Route::List => Ok(dialect.serve(request, &context, &self.keys().await?)),
            Route::Revoke(id) if self.allow_revoke => {
                let reason = Some("revoked through keydeck serve".to_string());
                let answer = match self.vault.revoke(&id, reason).await {
                    Ok(_) => ServeResponse {
                        status: 204,
                        headers: vec![],
                        body: vec![],
                    },
                    Err(Error::NotFound(..)) => dialect.not_found(&context),
                    Err(other) => return Err(other),
                };
                Ok(dialect.finish(answer, &context))
            }
            _ => Ok(dialect.serve(request, &context, &[])),
        }
    }

    /// The vault's keys (with secrets where the dialect returns them), from the cache
    /// while the vault is unchanged.
    async fn keys(&self) -> Result<Arc<Vec<ServedKey>>> {
        let mut cache = self.cache.lock().await;
        let version = self.vault.local_version().await?;
        if let Some(snapshot) = cache.as_ref() {
            if snapshot.version == version && snapshot.taken.elapsed() < SNAPSHOT_TTL {
                return Ok(Arc::clone(&snapshot.keys));
            }
        }
        let records = self
            .vault
            .list(&ListQuery {
                source: Some(LOCAL_SOURCE.into()),
                sort: SortField::Name,
                ..ListQuery::default()
            })
            .await?;
        let mut secrets = if self.dialect.dialect().serves_secrets() {
            let ids = records
                .iter()
                .filter(|r| r.status != KeyStatus::Revoked)
                .map(|r| r.id.clone())
                .collect();
            self.vault.secrets_of(ids).await?
        } else {
            Default::default()
        };
        let keys: Arc<Vec<ServedKey>> = Arc::new(
            records
                .into_iter()
                .map(|record| ServedKey {
                    secret: secrets.remove(&record.id),
                    record,
                })
                .collect(),
        );
        *cache = Some(Snapshot {
            version,
            taken: std::time::Instant::now(),
            keys: Arc::clone(&keys),
        });
        Ok(keys)
    }

    fn context(&self) -> ServeContext {
        ServeContext {
            token: self.token.clone(),
            user_id: self.user_id.clone(),
            account_id: "local".into(),
            request_id: uuid::Uuid::new_v4().to_string(),
        }
    }
}
