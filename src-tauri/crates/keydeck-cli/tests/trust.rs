//! What keydeck promises against a hostile or broken server, other local users and a crash
//! dump (SECURITY.md): `serve` survives a slow-loris client, loopback never goes through a
//! proxy, no message carries the token, a cursor or a full key, files are owner-only, and
//! the process cannot be dumped or attached to.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{contains, Home};
use keydeck_core::remote::ServeResponse;
use keydeck_testkit::http::HttpServer;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_slow_loris_client_does_not_starve_serve() {
    let server = Home::new();
    server.add("kept", "kept-secret-value-000001", &[]);
    let served = common::serve(&server, "002", &[]);
    let address = served.url.strip_prefix("http://").unwrap().to_string();
    // More connections than serve takes at once, each sending its headers a byte at a time.
    let mut loris: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = TcpStream::connect(&address).unwrap();
            stream
                .write_all(b"GET /api/v1/api-keys HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            stream
        })
        .collect();
    let trickle = std::thread::spawn({
        let mut streams: Vec<TcpStream> = loris.iter().map(|s| s.try_clone().unwrap()).collect();
        move || {
            for _ in 0..20 {
                for stream in &mut streams {
                    let _ = stream.write_all(b"X");
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    });

    let client = Home::new();
    let started = Instant::now();
    let added = client.run(
        &[
            "--timeout",
            "20",
            "source",
            "add",
            "demo",
            "--url",
            &served.url,
            "--dialect",
            "002",
        ],
        Some(served.token.as_bytes()),
    );
    let took = started.elapsed();
    assert_eq!(added.code, 0, "a normal client was starved: {added:?}");
    assert!(took < Duration::from_secs(20), "it took {took:?}");
    eprintln!("answered within {took:?} beside 300 slow-loris connections");

    // The slow ones were cut off after the header timeout, not waited for.
    std::thread::sleep(Duration::from_secs(2));
    let mut closed = 0;
    for stream in &mut loris {
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut buf = [0u8; 64];
        // An answer (408) or an end of stream means serve gave up on it; a read that times
        // out means the connection is still held open.
        match stream.read(&mut buf) {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            _ => closed += 1,
        }
    }
    trickle.join().unwrap();
    assert!(
        closed >= 250,
        "only {closed} of 300 slow connections were closed"
    );
}

#[test]
fn loopback_sources_bypass_the_proxies_of_the_environment() {
    let server = Home::new();
    server.add("kept", "kept-secret-value-000001", &[]);
    let served = common::serve(&server, "002", &[]);
    let client = Home::new();
    let mut command = client.command(&[
        "source",
        "add",
        "demo",
        "--url",
        &served.url,
        "--dialect",
        "002",
    ]);
    // A proxy that does not exist: anything sent through it fails.
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env(var, "http://127.0.0.1:9");
    }
    command.env_remove("NO_PROXY").env_remove("no_proxy");
    let added = common::run(command, Some(served.token.as_bytes()));
    assert_eq!(added.code, 0, "{added:?}");
}

#[test]
fn no_message_carries_the_token_a_cursor_or_a_full_key_a_server_echoes() {
    const TOKEN: &str = "kd_echo_token_0123456789abcdef";
    const CURSOR: &str = "cursor_echo_secret_abcdef0123";
    const FULL: &str = "sk_live_echo_full_key_0123456789";
    // 002: a first page hands out a cursor; the next request gets an error envelope that
    // repeats everything the client sent.
    let echo = HttpServer::start(|request| {
        let sent = format!(
            "{} {}?{:?} headers {:?}",
            request.method,
            request.path,
            request.query,
            request
                .headers
                .iter()
                .map(|(k, v)| format!("{k}={}", v.to_str().unwrap_or("?")))
                .collect::<Vec<_>>()
        );
        match request.query_value("after") {
            None => ServeResponse::json(
                200,
                &serde_json::json!({ "success": true, "result": [{ "id": "a", "name": "a" }],
                    "meta": { "has_more": true, "after": CURSOR } }),
            ),
            Some(_) => ServeResponse::json(
                400,
                &serde_json::json!({ "success": false, "message": format!("bad request: {sent}"),
                    "suggestion": sent }),
            ),
        }
    });
    let client = Home::new();
    let added = client.run(
        &[
            "source",
            "add",
            "echo",
            "--url",
            &echo.url,
            "--dialect",
            "002",
        ],
        Some(TOKEN.as_bytes()),
    );
    assert_eq!(added.code, 5, "{added:?}");
    assert!(added.stderr.contains("bad request"), "{added:?}");
    // 001: a full key in a listing that does not parse (the key again where a flag goes).
    let broken = HttpServer::start(|_| {
        ServeResponse::json(
            200,
            &serde_json::json!({ "keys": [{ "id": "k", "key": FULL, "keyType": "secret",
                "accountId": "a", "name": "k", "revoked": FULL, "createdAt": "2025-01-01T00:00:00Z" }] }),
        )
    });
    let broken_add = client.run(
        &[
            "source",
            "add",
            "broken",
            "--url",
            &broken.url,
            "--dialect",
            "001",
        ],
        Some(TOKEN.as_bytes()),
    );
    assert_eq!(broken_add.code, 5, "{broken_add:?}");

    let mut outputs = vec![
        added.stdout,
        added.stderr,
        broken_add.stdout,
        broken_add.stderr,
    ];
    for args in [
        vec!["source", "list"],
        vec!["source", "list", "--json"],
        vec!["source", "sync", "--all", "--json"],
        vec!["list", "--source", "echo", "--json"],
    ] {
        let out = client.run(&args, None);
        outputs.push(out.stdout);
        outputs.push(out.stderr);
    }
    for secret in [TOKEN, CURSOR, FULL] {
        for output in &outputs {
            assert!(!output.contains(secret), "{secret} was printed: {output}");
        }
        for file in client.files() {
            let bytes = std::fs::read(&file).unwrap();
            assert!(
                !contains(&bytes, secret),
                "{secret} is in {}",
                file.display()
            );
        }
    }
}

#[test]
fn files_are_owner_only_and_never_overwritten() {
    let home = Home::new();
    home.add("key", "secret-value-for-files-01", &[]);
    assert_eq!(mode(home.path()), 0o700);
    assert_eq!(mode(&home.path().join("vault.sqlite3")), 0o600);
    // While a keydeck holds the vault open, its WAL and SHM exist: owner-only too.
    let served = common::serve(&home, "002", &[]);
    for file in ["vault.sqlite3-wal", "vault.sqlite3-shm"] {
        let path = home.path().join(file);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{file}");
        }
    }
    drop(served);

    let backup = home.path().join("backup.sqlite3");
    home.run(&["backup", backup.to_str().unwrap()], None).ok();
    assert_eq!(mode(&backup), 0o600);
    let again = home.run(&["backup", backup.to_str().unwrap()], None);
    assert_eq!(again.code, 1, "{again:?}");
    assert!(again.stderr.contains("already exists"), "{again:?}");

    let export = home.path().join("export.json");
    let exported = home
        .run(
            &[
                "export",
                "--include-secrets",
                "--output",
                export.to_str().unwrap(),
            ],
            None,
        )
        .ok();
    assert!(
        exported.stdout.is_empty(),
        "the secrets went to the file only"
    );
    assert_eq!(mode(&export), 0o600);
    assert!(std::fs::read_to_string(&export)
        .unwrap()
        .contains("secret-value-for-files-01"));
    let before = std::fs::read(&export).unwrap();
    let refused = home.run(
        &[
            "export",
            "--include-secrets",
            "--output",
            export.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(refused.code, 1, "{refused:?}");
    assert_eq!(
        std::fs::read(&export).unwrap(),
        before,
        "the file was overwritten"
    );

    // A vault of an older keydeck, made with the umask's modes, is tightened on open.
    std::fs::set_permissions(
        home.path().join("vault.sqlite3"),
        PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    home.list();
    assert_eq!(mode(&home.path().join("vault.sqlite3")), 0o600);
}

#[test]
fn a_data_directory_others_can_write_or_own_is_refused() {
    let home = Home::new();
    home.add("key", "secret-value-for-dirs-001", &[]);
    std::fs::set_permissions(home.path(), PermissionsExt::from_mode(0o770)).unwrap();
    let refused = home.run(&["list"], None);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(refused.stderr.contains("chmod 700"), "{refused:?}");
    std::fs::set_permissions(home.path(), PermissionsExt::from_mode(0o755)).unwrap();
    home.list();
    assert_eq!(
        mode(home.path()),
        0o700,
        "a readable directory is tightened"
    );

    if unsafe_euid() != 0 {
        eprintln!("skipped the other-owner check: it needs root to chown");
        return;
    }
    std::os::unix::fs::chown(home.path(), Some(65534), Some(65534)).unwrap();
    let refused = home.run(&["list"], None);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused.stderr.contains("belongs to another user"),
        "{refused:?}"
    );
    std::os::unix::fs::chown(home.path(), Some(0), Some(0)).unwrap();
}

fn unsafe_euid() -> u32 {
    std::fs::metadata("/proc/self").unwrap().uid()
}

#[test]
fn the_cli_cannot_be_dumped_or_attached_to() {
    if unsafe_euid() != 0 {
        eprintln!("skipped: running keydeck as another user needs root");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    std::os::unix::fs::chown(home.path(), Some(65534), Some(65534)).unwrap();
    // keydeck as user nobody, waiting for a secret on stdin.
    let mut child = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(common::keydeck_bin())
        .args(["add", "probe"])
        .env("KEYDECK_HOME", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let proc_dir = format!("/proc/{pid}");
    common::wait_until("keydeck runs as nobody", Duration::from_secs(10), || {
        std::fs::read_to_string(format!("{proc_dir}/status")).is_ok_and(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.contains("65534"))
        })
    });
    std::thread::sleep(Duration::from_millis(500));
    let limits = std::fs::read_to_string(format!("{proc_dir}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    assert!(
        core.split_whitespace().skip(4).take(2).all(|v| v == "0"),
        "core dumps allowed: {core}"
    );
    // Not dumpable: the kernel gives its /proc files to root, so the user's other
    // processes can neither read its memory nor attach to it.
    let owner = std::fs::metadata(format!("{proc_dir}/mem")).unwrap().uid();
    assert_eq!(
        owner, 0,
        "{proc_dir}/mem belongs to uid {owner}: the process is dumpable"
    );
    drop(child.stdin.take());
    child.wait().unwrap();
}

#[test]
fn ctrl_c_cancels_a_sync_and_keeps_the_cached_listing() {
    let slow = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let server = HttpServer::start({
        let slow = std::sync::Arc::clone(&slow);
        move |_| {
            if slow.load(std::sync::atomic::Ordering::SeqCst) {
                std::thread::sleep(Duration::from_secs(30));
            }
            ServeResponse::json(
                200,
                &serde_json::json!({ "success": true, "result": [{ "id": "a", "name": "kept" }] }),
            )
        }
    });
    let client = Home::new();
    client
        .run(
            &[
                "source",
                "add",
                "slow",
                "--url",
                &server.url,
                "--dialect",
                "002",
            ],
            Some(b"slow-server-token-0001"),
        )
        .ok();
    slow.store(true, std::sync::atomic::Ordering::SeqCst);
    let child = client.command(&["source", "sync", "slow"]).spawn().unwrap();
    std::thread::sleep(Duration::from_secs(1));
    let started = Instant::now();
    // SAFETY: a signal to our own child process.
    unsafe { libc_kill(child.id() as i32, 2) };
    let out = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "Ctrl+C did not stop the sync"
    );
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cancelled"), "{stderr}");
    let listed = client.run(&["source", "list", "--json"], None).ok().json();
    assert!(listed[0]["last_error"].is_null(), "{listed}");
    assert_eq!(listed[0]["key_count"], 1);
}

extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, signal: i32) -> i32;
}

#[test]
fn serve_deletes_the_token_file_it_made_when_it_stops() {
    let home = Home::new();
    home.add("kept", "kept-secret-value-000001", &[]);
    let mut child = home
        .command(&["serve", "--dialect", "002", "--port", "0"])
        .spawn()
        .unwrap();
    let token = home.path().join("serve-002.token");
    common::wait_until(
        "serve writes its token file",
        Duration::from_secs(10),
        || token.exists(),
    );
    assert_eq!(mode(&token), 0o600);
    // SAFETY: a signal to our own child process.
    unsafe { libc_kill(child.id() as i32, 15) };
    child.wait().unwrap();
    assert!(!token.exists(), "the token file outlived serve");
}
