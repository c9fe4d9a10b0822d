//! The conformance suite's check that `keydeck serve` answers exactly as each dialect's
//! OpenAPI document (written from its seed) says: a recording proxy in front of it, and a
//! JSON Schema validation of every answer it recorded.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use keydeck_core::remote::{openapi, DialectId, ServeResponse};
use serde_json::Value;

use crate::http::HttpServer;

/// One answer the proxy passed on.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A proxy on 127.0.0.1 that forwards every request to `target` and records its answers.
pub struct Recorder {
    pub url: String,
    pub answers: Arc<Mutex<Vec<Recorded>>>,
    _server: HttpServer,
}

impl Recorder {
    pub fn start(target: &str) -> Recorder {
        let address = target.trim_start_matches("http://").to_string();
        let answers: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let recorded = Arc::clone(&answers);
        let server = HttpServer::start(move |request| {
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&request.query)
                .finish();
            let target = if query.is_empty() {
                request.path.clone()
            } else {
                format!("{}?{query}", request.path)
            };
            let headers: Vec<(String, String)> = request
                .headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
                .collect();
            let answer = forward(&address, &request.method, &target, &headers);
            recorded.lock().unwrap().push(Recorded {
                method: request.method.clone(),
                path: request.path.clone(),
                status: answer.status,
                headers: answer.headers.clone(),
                body: answer.body.clone(),
            });
            answer
        });
        Recorder {
            url: server.url.clone(),
            answers,
            _server: server,
        }
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.answers.lock().unwrap().clone()
    }
}

/// One HTTP/1.1 request to `address` (`host:port`), its whole answer read.
pub fn forward(
    address: &str,
    method: &str,
    target: &str,
    headers: &[(String, String)],
) -> ServeResponse {
    let mut stream = TcpStream::connect(address).expect("keydeck serve listens");
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n");
    for (name, value) in headers {
        if !matches!(name.as_str(), "host" | "connection") {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .expect("the request is sent");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("the answer is read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .filter(|(k, _)| !matches!(k.as_str(), "content-length" | "connection" | "date"))
        .collect();
    ServeResponse {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// Every way the recorded answers differ from `dialect`'s OpenAPI document: an undocumented
/// status for a documented operation, a body its schema refuses, a header it requires that is
/// missing. Answers to operations the document does not have (a revoke) are not judged here.
pub fn problems(dialect: DialectId, recorded: &[Recorded]) -> Vec<String> {
    let document: Value = serde_json::from_str(openapi(dialect)).expect("the OpenAPI parses");
    let mut problems = Vec::new();
    for answer in recorded {
        let Some(operation) = operation(&document, &answer.method, &answer.path) else {
            continue;
        };
        let what = format!("{} {} → {}", answer.method, answer.path, answer.status);
        let Some(response) = operation["responses"].get(answer.status.to_string()) else {
            problems.push(format!("{what}: a status the API does not document"));
            continue;
        };
        let response = resolve(&document, response);
        for (header, _) in response["headers"].as_object().into_iter().flatten() {
            let lower = header.to_ascii_lowercase();
            if !answer.headers.iter().any(|(k, _)| *k == lower) {
                problems.push(format!("{what}: no {header} header"));
            }
        }
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            continue;
        };
        let body: Value = match serde_json::from_slice(&answer.body) {
            Ok(body) => body,
            Err(e) => {
                problems.push(format!("{what}: the body is not JSON ({e})"));
                continue;
            }
        };
        // The whole document is the root, so `#/components/…` references resolve.
        let mut root = document.clone();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
        root["$ref"] = Value::String(pointer_to(&document, schema));
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&root)
            .expect("the schema compiles");
        for error in validator.iter_errors(&body) {
            problems.push(format!("{what}: {error} at {}", error.instance_path()));
        }
    }
    problems
}

/// The operation of `method` on the documented path `path` matches (`{user_id}` matches any
/// one segment).
fn operation<'a>(document: &'a Value, method: &str, path: &str) -> Option<&'a Value> {
    let wanted: Vec<&str> = path.split('/').collect();
    document["paths"]
        .as_object()?
        .iter()
        .find_map(|(template, item)| {
            let parts: Vec<&str> = template.split('/').collect();
            let matches = parts.len() == wanted.len()
                && parts
                    .iter()
                    .zip(&wanted)
                    .all(|(t, w)| t == w || (t.starts_with('{') && t.ends_with('}')));
            matches.then(|| item.get(method.to_ascii_lowercase()))?
        })
}

/// A response object, following its `$ref` into the document.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(reference) => document
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or(value),
        None => value,
    }
}

/// The JSON pointer (`#/…`) at which `schema` sits in `document`.
fn pointer_to(document: &Value, schema: &Value) -> String {
    fn find(value: &Value, target: &Value, path: &mut Vec<String>) -> bool {
        if std::ptr::eq(value, target) {
            return true;
        }
        let children: Vec<(String, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => return false,
        };
        for (key, child) in children {
            // A JSON pointer token, as it may stand in a URI fragment.
            let token = key.replace('~', "~0").replace('/', "~1");
            path.push(token.replace('{', "%7B").replace('}', "%7D"));
            if find(child, target, path) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = Vec::new();
    assert!(
        find(document, schema, &mut path),
        "the schema is in the document"
    );
    format!("#/{}", path.join("/"))
}
