//! A throwaway HTTP/1.1 server on 127.0.0.1 that answers every request with a function:
//! any dialect with keys a real vault would refuse (hostile names), or a server that misbehaves
//! on purpose (one that echoes everything it is sent). One thread per connection, and every
//! answer closes its connection.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use keydeck_core::remote::{DialectId, ServeContext, ServeRequest, ServeResponse, ServedKey};
use keydeck_core::{KeyRecord, KeyStatus, Secret};

type Answer = dyn Fn(&ServeRequest) -> ServeResponse + Send + Sync;

pub struct HttpServer {
    pub url: String,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl HttpServer {
    pub fn start(answer: impl Fn(&ServeRequest) -> ServeResponse + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("an address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let answer: Arc<Answer> = Arc::new(answer);
        let stopping = Arc::clone(&stop);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    return;
                }
                if let Ok(stream) = stream {
                    let answer = Arc::clone(&answer);
                    std::thread::spawn(move || {
                        let _ = serve(stream, answer.as_ref());
                    });
                }
            }
        });
        HttpServer {
            url: format!("http://127.0.0.1:{port}"),
            stop,
            port,
        }
    }

    /// A server of `dialect` listing `keys` to whoever sends `token` (004: for user `u1`).
    pub fn dialect(dialect: DialectId, keys: Vec<ServedKey>, token: &str) -> Self {
        let context = ServeContext {
            token: Secret::new(token.to_string()).expect("a token"),
            user_id: Some("u1".into()),
            account_id: "acct".into(),
            request_id: "req-1".into(),
        };
        HttpServer::start(move |request| dialect.dialect().serve(request, &context, &keys))
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(stream: TcpStream, answer: &Answer) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or_default().to_string(),
        parts.next().unwrap_or_default().to_string(),
    );
    let mut headers = http::HeaderMap::new();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = header.trim_end().split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.trim().as_bytes()),
                http::HeaderValue::from_str(value.trim()),
            ) {
                headers.append(name, value);
            }
        }
    }
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let request = ServeRequest {
        method,
        path: path.to_string(),
        query: url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
        headers,
    };
    let response = answer(&request);
    let mut out = stream;
    write!(out, "HTTP/1.1 {} X\r\n", response.status)?;
    for (name, value) in &response.headers {
        write!(out, "{name}: {value}\r\n")?;
    }
    write!(
        out,
        "content-length: {}\r\nconnection: close\r\n\r\n",
        response.body.len()
    )?;
    out.write_all(&response.body)?;
    out.flush()
}

/// Names a server could give its keys to attack whoever shows them: terminal escapes
/// (colour, a window title, OSC 52 clipboard), line breaks, bidi overrides, combining
/// marks, HTML, a very long name and an empty one.
pub fn hostile_names() -> Vec<String> {
    vec![
        "\u{1b}[31mRED ALERT\u{1b}[0m \u{1b}]0;pwned\u{7}".into(),
        "\u{1b}]52;c;aGFja2Vk\u{7}clipboard".into(),
        "line1\nline2".into(),
        "carriage\rreturn".into(),
        "invoice\u{202E}gnp.exe".into(),
        "a\u{2066}b\u{2069}c\u{200E}\u{200F}\u{61C}\u{85}\u{9b}".into(),
        "Z\u{351}\u{354}a\u{308}lgo".into(),
        "<img src=x onerror=alert(1)><script>alert(2)</script>".into(),
        "x".repeat(5000),
        String::new(),
    ]
}

/// Keys named with [`hostile_names`] (and hostile scopes), as a server would serve them;
/// 001 and 004 carry full keys.
pub fn hostile_keys() -> Vec<ServedKey> {
    hostile_names()
        .into_iter()
        .enumerate()
        .map(|(i, name)| ServedKey {
            record: KeyRecord {
                id: format!("hostile-{i}"),
                name,
                mask: "kd_…abcd".into(),
                scopes: vec!["read\u{1b}[2J".into(), "wr\u{202E}eti".into()],
                tags: vec![],
                env: None,
                status: KeyStatus::Active,
                source: "local".into(),
                created_at: Some(chrono::Utc::now()),
                updated_at: None,
                last_used_at: None,
                expires_at: None,
                revoked_at: None,
                revoke_reason: None,
                owner: None,
                details: Default::default(),
                cannot_reveal: None,
                cannot_revoke: None,
            },
            secret: Secret::new(format!("kd_hostile_full_key_{i}_abcdefghijklmnop")).ok(),
        })
        .collect()
}
