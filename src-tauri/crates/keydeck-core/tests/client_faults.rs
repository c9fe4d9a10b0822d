//! The shared HTTP client against servers that misbehave on purpose (wiremock, or raw TCP
//! on 127.0.0.1 where a server must lie about its body): time limits, the body cap, retries
//! and Retry-After, redirects, broken paging, bad JSON, and every seed's error statuses.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use keydeck_core::error::NextAction;
use keydeck_core::remote::client::Endpoint;
use keydeck_core::remote::{
    AuthStyle, Client, ClientConfig, DialectId, RemoteError, RemoteErrorKind, RemoteKey,
};
use keydeck_core::{Error, Secret};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "kd_test_token_0123456789";

fn fast() -> ClientConfig {
    ClientConfig {
        backoff_base: Duration::from_millis(5),
        backoff_cap: Duration::from_millis(20),
        ..ClientConfig::default()
    }
}

async fn list_with(
    config: ClientConfig,
    base: &str,
    dialect: DialectId,
) -> Result<Vec<RemoteKey>, Error> {
    let client = Client::new(config).unwrap();
    let url = Url::parse(base).unwrap();
    let credential = Secret::new(TOKEN.into()).unwrap();
    let auth = dialect.dialect().default_auth();
    let endpoint = Endpoint {
        name: "test",
        base_url: &url,
        auth: &auth,
        credential: &credential,
    };
    client
        .list(
            &endpoint,
            dialect.dialect(),
            Some("u1"),
            &Default::default(),
        )
        .await
        .map(|listing| listing.keys)
}

async fn list(server: &MockServer, dialect: DialectId) -> Result<Vec<RemoteKey>, Error> {
    list_with(fast(), &server.uri(), dialect).await
}

fn remote(result: Result<Vec<RemoteKey>, Error>) -> RemoteError {
    match result {
        Err(Error::Remote(err)) => *err,
        other => panic!("expected a remote error, got {other:?}"),
    }
}

fn d002_page(ids: &[&str], after: Option<&str>) -> serde_json::Value {
    json!({
        "result": ids.iter().map(|id| json!({ "id": id, "name": id, "key_prefix": "kd_" })).collect::<Vec<_>>(),
        "success": true,
        "meta": { "has_more": after.is_some(), "after": after }
    })
}

/// A raw HTTP server on 127.0.0.1 that answers every connection with `handler`.
async fn raw_server<F, Fut>(handler: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let handler = Arc::clone(&handler);
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                handler(stream).await;
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn slow_headers_time_out() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let config = ClientConfig {
        request_timeout: Duration::from_millis(500),
        ..fast()
    };
    let started = Instant::now();
    let err = remote(list_with(config, &server.uri(), DialectId::D001).await);
    assert_eq!(err.kind, RemoteErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "timeouts are not retried"
    );
}

#[tokio::test]
async fn a_slow_body_times_out() {
    let base = raw_server(|mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        loop {
            if stream.write_all(b"1\r\n \r\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
    let config = ClientConfig {
        request_timeout: Duration::from_secs(1),
        ..fast()
    };
    let err = remote(list_with(config, &base, DialectId::D001).await);
    assert_eq!(err.kind, RemoteErrorKind::Timeout, "{err:?}");
}

const HUNDRED_MIB: usize = 100 * 1024 * 1024;

async fn stream_bytes(stream: &mut tokio::net::TcpStream, total: usize) {
    let chunk = vec![b' '; 1024 * 1024];
    let mut sent = 0;
    while sent < total {
        if stream.write_all(&chunk).await.is_err() {
            return;
        }
        sent += chunk.len();
    }
}

#[tokio::test]
async fn a_100_mib_body_without_length_hits_the_cap() {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&sent);
    let base = raw_server(move |mut stream| {
        let counter = Arc::clone(&counter);
        async move {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[")
                .await;
            let chunk = vec![b' '; 1024 * 1024];
            for _ in 0..100 {
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
                counter.fetch_add(1, Ordering::SeqCst);
            }
        }
    })
    .await;
    let err = remote(list_with(fast(), &base, DialectId::D000).await);
    assert_eq!(err.kind, RemoteErrorKind::TooLarge, "{err:?}");
    assert!(err.message.contains("32 MiB"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        sent.load(Ordering::SeqCst) < 100,
        "keydeck read the whole 100 MiB"
    );
}

#[tokio::test]
async fn a_content_length_that_claims_too_much_is_refused_before_reading() {
    let base = raw_server(|mut stream| async move {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            200 * 1024 * 1024
        );
        let _ = stream.write_all(head.as_bytes()).await;
        stream_bytes(&mut stream, 1024 * 1024).await;
    })
    .await;
    let err = remote(list_with(fast(), &base, DialectId::D000).await);
    assert_eq!(err.kind, RemoteErrorKind::TooLarge);
}

#[tokio::test]
async fn a_content_length_that_claims_too_little_reads_only_that_much() {
    let base = raw_server(|mut stream| async move {
        let _ = stream
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n",
            )
            .await;
        stream_bytes(&mut stream, HUNDRED_MIB).await;
    })
    .await;
    let err = remote(list_with(fast(), &base, DialectId::D000).await);
    assert_eq!(err.kind, RemoteErrorKind::InvalidResponse, "{err:?}");
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [] })))
        .with_priority(2)
        .mount(&server)
        .await;
    let started = Instant::now();
    list(&server, DialectId::D001).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", when.as_str()))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [] })))
        .with_priority(2)
        .mount(&server)
        .await;
    let started = Instant::now();
    list(&server, DialectId::D001).await.unwrap();
    // HTTP dates have whole seconds: at least one second was waited.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_shown_not_waited() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "120"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = remote(list(&server, DialectId::D001).await);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.kind, RemoteErrorKind::RateLimited);
    assert_eq!(err.retry_after_secs, Some(120));
    assert_eq!(
        err.action(),
        Some(NextAction::WaitAndRetry { seconds: Some(120) })
    );
}

#[tokio::test]
async fn a_503_storm_is_retried_three_times_then_reported() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = remote(list(&server, DialectId::D001).await);
    assert_eq!(err.kind, RemoteErrorKind::ServerError);
    assert_eq!(err.status, Some(503));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        4,
        "one try and three retries"
    );
}

#[tokio::test]
async fn a_500_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    remote(list(&server, DialectId::D001).await);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = remote(list_with(fast(), &format!("http://127.0.0.1:{port}"), DialectId::D001).await);
    assert_eq!(err.kind, RemoteErrorKind::Unreachable);
    assert!(!err.message.contains(TOKEN));
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_and_gets_no_credential() {
    let elsewhere = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [] })))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/keys?x=1", elsewhere.uri()).as_str()),
        )
        .mount(&server)
        .await;
    let err = remote(list(&server, DialectId::D001).await);
    assert_eq!(err.kind, RemoteErrorKind::Redirect);
    assert!(err.message.contains(&elsewhere.uri()), "{}", err.message);
    let seen = elsewhere.received_requests().await.unwrap();
    assert!(
        seen.iter()
            .all(|r| !r.headers.contains_key("authorization")),
        "the other server saw the credential"
    );
    assert!(seen.is_empty());
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_credential() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", "/v2/keys"))
        .mount(&server)
        .await;
    Mock::given(path("/v2/keys"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [] })))
        .mount(&server)
        .await;
    list(&server, DialectId::D001).await.unwrap();
}

#[tokio::test]
async fn d002_follows_cursors_with_the_largest_page() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/api-keys"))
        .and(header("x-api-key", TOKEN))
        .and(query_param("limit", "200"))
        .and(query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(d002_page(&["a", "b"], Some("b"))))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/api-keys"))
        .and(query_param("after", "b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(d002_page(&["c"], None)))
        .mount(&server)
        .await;
    let keys = list(&server, DialectId::D002).await.unwrap();
    let ids: Vec<_> = keys.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    for request in server.received_requests().await.unwrap() {
        assert!(
            !request.url.query().unwrap_or_default().contains("offset"),
            "offset is never sent"
        );
    }
}

#[tokio::test]
async fn cyclic_cursors_stop_with_an_error() {
    let server = MockServer::start().await;
    let page = |after: Option<&str>, ids: &[&str], next: &str| {
        let mock = Mock::given(path("/api/v1/api-keys"));
        let mock = match after {
            Some(a) => mock.and(query_param("after", a)),
            None => mock.and(query_param_is_missing("after")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(d002_page(ids, Some(next))))
    };
    page(None, &["1"], "A").mount(&server).await;
    page(Some("A"), &["2"], "B").mount(&server).await;
    page(Some("B"), &["3"], "A").mount(&server).await;
    let err = remote(list(&server, DialectId::D002).await);
    assert_eq!(err.kind, RemoteErrorKind::Paging);
    assert!(err.message.contains("came back again"), "{}", err.message);
    assert!(
        !err.message.contains('A'),
        "cursors are not shown: {}",
        err.message
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_repeated_cursor_and_an_empty_page_claiming_more_stop() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/api-keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(d002_page(&["1"], Some("same"))))
        .mount(&server)
        .await;
    let err = remote(list(&server, DialectId::D002).await);
    assert_eq!(err.kind, RemoteErrorKind::Paging);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let server = MockServer::start().await;
    Mock::given(path("/api/v1/api-keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(d002_page(&[], Some("more"))))
        .mount(&server)
        .await;
    let err = remote(list(&server, DialectId::D002).await);
    assert!(err.message.contains("empty page"), "{}", err.message);
}

/// Always another page, with a new cursor each time.
struct Endless(AtomicUsize);

impl Respond for Endless {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        let id = format!("k{n}");
        ResponseTemplate::new(200).set_body_json(d002_page(&[&id], Some(&format!("c{n}"))))
    }
}

#[tokio::test]
async fn paging_stops_at_the_page_cap() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/api-keys"))
        .respond_with(Endless(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    let config = ClientConfig {
        max_pages: 25,
        ..fast()
    };
    let err = remote(list_with(config, &server.uri(), DialectId::D002).await);
    assert_eq!(err.kind, RemoteErrorKind::Paging);
    assert!(err.message.contains("25 pages"));
    assert_eq!(server.received_requests().await.unwrap().len(), 25);
}

#[tokio::test]
async fn invalid_json_and_the_wrong_dialect_are_invalid_responses() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"keys\": [ oops"))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/user/api-keys"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "count": 0, "apiKeys": [] })),
        )
        .mount(&server)
        .await;
    let err = remote(list(&server, DialectId::D001).await);
    assert_eq!(err.kind, RemoteErrorKind::InvalidResponse);
    let err = remote(list(&server, DialectId::D000).await);
    assert_eq!(err.kind, RemoteErrorKind::InvalidResponse);
    assert!(err.message.contains("dialect 000"), "{}", err.message);
}

/// Every error status each seed documents, in the seed's envelope.
#[tokio::test]
async fn every_error_status_of_every_seed_becomes_the_typed_error() {
    let config = ClientConfig {
        max_retries: 0,
        ..fast()
    };
    let d000 = |status: u16| json!({ "code": status, "detail": format!("failure {status}"), "type": "some_error" });
    let d001 = |status: u16| json!({ "trackingId": format!("trk-{status}"), "error": { "code": format!("e{status}"), "message": format!("failure {status}"), "fix": "do this" } });
    let d002 = |_: u16| json!({ "success": false, "message": "failure", "suggestion": "try that", "result": null });
    let d003 = |status: u16| json!({ "code": format!("e{status}"), "message": format!("failure {status}") });
    let d004 = |_: u16| json!({ "errors": [{ "code": "api_keys.user_not_found", "message": "no such user", "fields": ["user_id"] }] });
    type Body = Box<dyn Fn(u16) -> serde_json::Value>;
    let seeds: Vec<(DialectId, &str, Vec<u16>, Body)> = vec![
        (
            DialectId::D000,
            "/api/v1/user/api-keys",
            vec![400, 401, 403, 404, 409, 422, 426, 429, 500, 502, 504],
            Box::new(d000),
        ),
        (
            DialectId::D001,
            "/keys",
            vec![400, 401, 402, 500, 502],
            Box::new(d001),
        ),
        (
            DialectId::D002,
            "/api/v1/api-keys",
            vec![401, 422, 500],
            Box::new(d002),
        ),
        (
            DialectId::D003,
            "/api-keys",
            vec![401, 403, 500, 501],
            Box::new(d003),
        ),
        (
            DialectId::D004,
            "/api/v1/users/u1/auth/keys",
            vec![404],
            Box::new(d004),
        ),
    ];
    for (dialect, list_path, statuses, body) in seeds {
        for status in statuses {
            let server = MockServer::start().await;
            let mut response = ResponseTemplate::new(status).set_body_json(body(status));
            if dialect == DialectId::D003 {
                response = response.insert_header("X-Request-Id", "req-123");
            }
            if dialect == DialectId::D004 {
                response = response.insert_header("x-cloud-error-codes", "api_keys.user_not_found");
            }
            Mock::given(method("GET"))
                .and(path(list_path))
                .respond_with(response)
                .mount(&server)
                .await;
            let err = remote(list_with(config.clone(), &server.uri(), dialect).await);
            let what = format!("{dialect} {status}: {err:?}");
            assert_eq!(err.status, Some(status), "{what}");
            assert_eq!(err.kind, RemoteError::kind_of_status(status), "{what}");
            match dialect {
                DialectId::D000 => {
                    assert_eq!(err.code.as_deref(), Some("some_error"), "{what}");
                    assert_eq!(err.message, format!("failure {status}"), "{what}");
                }
                DialectId::D001 => {
                    assert_eq!(err.request_id, Some(format!("trk-{status}")), "{what}");
                    assert_eq!(err.server_hint.as_deref(), Some("do this"), "{what}");
                }
                DialectId::D002 => {
                    assert_eq!(err.server_hint.as_deref(), Some("try that"), "{what}")
                }
                DialectId::D003 => {
                    assert_eq!(err.request_id.as_deref(), Some("req-123"), "{what}");
                    assert_eq!(err.code, Some(format!("e{status}")), "{what}");
                }
                DialectId::D004 => {
                    assert_eq!(
                        err.code.as_deref(),
                        Some("api_keys.user_not_found"),
                        "{what}"
                    );
                    assert_eq!(err.fields, vec!["user_id"], "{what}");
                }
            }
            assert!(err.action().is_some(), "{what}: no next action");
        }
    }
}

#[tokio::test]
async fn what_to_do_next_depends_on_the_status() {
    let cases = [
        (
            401,
            NextAction::SetToken {
                source: "test".into(),
            },
        ),
        (426, NextAction::UpdateKeydeck),
        (402, NextAction::AskProvider),
        (
            404,
            NextAction::CheckSource {
                source: "test".into(),
            },
        ),
        (
            500,
            NextAction::SyncLater {
                source: "test".into(),
            },
        ),
    ];
    for (status, action) in cases {
        let server = MockServer::start().await;
        Mock::given(path("/keys"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let err = remote(list(&server, DialectId::D001).await);
        assert_eq!(err.action(), Some(action), "{status}");
    }
}

#[tokio::test]
async fn a_credential_echoed_by_the_server_is_never_passed_on() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({ "trackingId": TOKEN,
            "error": { "code": "bad", "message": format!("token {TOKEN} is not valid"), "fix": format!("do not send {TOKEN}") } })))
        .mount(&server)
        .await;
    let err = remote(list(&server, DialectId::D001).await);
    let everything = format!("{err:?} {}", err.describe());
    assert!(!everything.contains(TOKEN), "{everything}");
    assert!(err.message.contains("***"));
}

#[tokio::test]
async fn detection_recognises_each_dialect() {
    let lists = [
        (
            DialectId::D000,
            "/api/v1/user/api-keys",
            json!([{ "id": "x" }]),
        ),
        (DialectId::D001, "/keys", json!({ "keys": [] })),
        (
            DialectId::D002,
            "/api/v1/api-keys",
            json!({ "result": [], "success": true }),
        ),
        (
            DialectId::D003,
            "/api-keys",
            json!({ "count": 0, "apiKeys": [] }),
        ),
        (
            DialectId::D004,
            "/api/v1/users/u1/auth/keys",
            json!({ "keys": [] }),
        ),
    ];
    let client = Client::new(fast()).unwrap();
    let credential = Secret::new(TOKEN.into()).unwrap();
    for (dialect, list_path, body) in lists {
        let server = MockServer::start().await;
        Mock::given(path(list_path))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
        let url = Url::parse(&server.uri()).unwrap();
        let found = client
            .detect("test", &url, &credential, Some("u1"))
            .await
            .unwrap();
        assert_eq!(found.dialect, dialect, "{found:?}");
        assert!(found.reason.contains(list_path), "{}", found.reason);
    }
    // A 401 in a dialect's own envelope also says who is there.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({ "success": false, "message": "Invalid key", "suggestion": "" }),
            ),
        )
        .mount(&server)
        .await;
    let url = Url::parse(&server.uri()).unwrap();
    let found = client
        .detect("test", &url, &credential, None)
        .await
        .unwrap();
    assert_eq!(found.dialect, DialectId::D002);
    assert!(found.reason.contains("401"), "{}", found.reason);
    // Nothing recognisable: an error that lists what was tried.
    let server = MockServer::start().await;
    let url = Url::parse(&server.uri()).unwrap();
    match client.detect("test", &url, &credential, None).await {
        Err(Error::Remote(err)) => assert!(err.message.contains("004: skipped"), "{}", err.message),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn custom_auth_header_and_scheme_are_sent() {
    let server = MockServer::start().await;
    Mock::given(path("/keys"))
        .and(header("authorization", format!("ApiKey {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [] })))
        .mount(&server)
        .await;
    let client = Client::new(fast()).unwrap();
    let url = Url::parse(&server.uri()).unwrap();
    let credential = Secret::new(TOKEN.into()).unwrap();
    let auth = AuthStyle {
        header: "Authorization".into(),
        scheme: Some("ApiKey".into()),
    };
    let endpoint = Endpoint {
        name: "test",
        base_url: &url,
        auth: &auth,
        credential: &credential,
    };
    client
        .list(
            &endpoint,
            DialectId::D001.dialect(),
            None,
            &Default::default(),
        )
        .await
        .unwrap();
}
