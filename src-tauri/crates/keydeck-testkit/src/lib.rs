//! What keydeck's test suites (the CLI's and the window's) share: reading the real
//! Secret Service and X11 clipboard, a `keydeck serve` peer, canary secrets. Tests run
//! inside scripts/session.sh, which provides the display, D-Bus and gnome-keyring.

pub mod http;
pub mod measure;
pub mod openapi;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// What `secret-tool lookup service keydeck username <user>` finds, or None.
pub fn secret_tool_lookup(user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "keydeck", "username", user])
        .stderr(Stdio::null())
        .output()
        .expect("secret-tool is installed (scripts/setup.sh)");
    (out.status.success() && !out.stdout.is_empty())
        .then(|| String::from_utf8(out.stdout).expect("a UTF-8 secret"))
}

/// Runs `read` on the vault in `home`, in its own thread and runtime (callers may be inside
/// an async test already).
fn with_vault<T: Send + 'static>(
    home: &Path,
    read: impl FnOnce(keydeck_core::Vault) -> std::pin::Pin<Box<dyn std::future::Future<Output = T>>>
        + Send
        + 'static,
) -> T {
    let home = home.to_path_buf();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(async {
                let vault = keydeck_core::Vault::open(&home)
                    .await
                    .expect("the vault opens");
                read(vault).await
            })
    })
    .join()
    .expect("reading the vault")
}

/// The id of the vault in `home`: its items are user `<vault id>/<item>` in the keyring.
pub fn vault_id(home: &Path) -> String {
    with_vault(home, |vault| {
        Box::pin(async move { vault.vault_id().to_string() })
    })
}

/// The keyring user of `item` (`source/<name>`, `remote/<source>/<id>`) of the vault in
/// `home`.
pub fn keyring_user(home: &Path, item: &str) -> String {
    format!("{}/{item}", vault_id(home))
}

/// What the keyring holds for the current secret of vault key `id` in `home` (for a key
/// that was deleted: for its first secret).
pub fn key_secret(home: &Path, id: &str) -> Option<String> {
    let id = id.to_string();
    let user = with_vault(home, move |vault| {
        Box::pin(async move {
            match vault.get(&id).await {
                Ok(record) => vault.keyring_user(&record).await.expect("its keyring user"),
                Err(_) => Some(format!("{}/key/{id}", vault.vault_id())),
            }
        })
    })?;
    secret_tool_lookup(&user)
}

/// What the X11 clipboard holds now (empty when nothing).
pub fn clipboard() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .stderr(Stdio::null())
        .output()
        .expect("xclip is installed (scripts/setup.sh)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Another program owning the clipboard with `text` (as a user copying something else),
/// until dropped.
pub struct ClipboardOwner(Child);

impl ClipboardOwner {
    pub fn take(text: &str) -> ClipboardOwner {
        let mut child = Command::new("xclip")
            .args(["-i", "-selection", "clipboard", "-quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xclip starts");
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(text.as_bytes())
            .expect("xclip reads its text");
        wait_until("xclip owns the clipboard", Duration::from_secs(5), || {
            clipboard() == text
        });
        ClipboardOwner(child)
    }
}

impl Drop for ClipboardOwner {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `check` until it holds, failing the test after `timeout`.
pub fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(
            started.elapsed() < timeout,
            "timed out waiting until {what}"
        );
        sleep(Duration::from_millis(100));
    }
}

/// A secret no other test uses, to search for afterwards.
pub fn canary(label: &str) -> String {
    let random: String = (0..16)
        .map(|_| format!("{:02x}", fastrand::u8(..)))
        .collect();
    format!("kd_canary_{label}_{random}")
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// A vault in `home` holding `count` generated keys (`service-000000`, …; two scopes and a tag
/// each), its secrets in memory: for tests and benchmarks that need many keys, which the real
/// keyring would take minutes to store. Listing and serving 002 never read the secrets.
pub async fn bulk_vault(home: &Path, count: usize) -> keydeck_core::Vault {
    use keydeck_core::{exchange::ImportItem, MemoryStore, NewKey, Secret, SecretStore, Vault};
    let store: std::sync::Arc<dyn SecretStore> = std::sync::Arc::new(MemoryStore::new());
    let vault = Vault::open_with(home, store)
        .await
        .expect("the vault opens");
    let items = (0..count)
        .map(|i| ImportItem {
            line: i + 1,
            key: NewKey {
                name: format!("service-{i:06}"),
                scopes: vec![format!("scope-{}", i % 13), "read".into()],
                tags: vec![format!("team-{}", i % 5)],
                ..NewKey::default()
            },
            secret: Secret::new(format!("kd_live_{i:06}_abcdefghijklmnopqrstuvwxyz"))
                .expect("a valid secret"),
        })
        .collect();
    vault
        .import(items, keydeck_core::vault::OnDuplicate::Error, false)
        .await
        .expect("the keys import");
    vault
}

/// A `keydeck serve` process over the vault in `home`, with its own token, stopped when
/// dropped. User id `u1` for dialect 004.
pub struct Served {
    child: Child,
    /// Kept open so the server can keep writing to its stdout.
    _stdout: BufReader<ChildStdout>,
    _token_file: tempfile::NamedTempFile,
    pub url: String,
    pub token: String,
}

impl Served {
    pub fn start(keydeck: &Path, home: &Path, dialect: &str, extra: &[&str]) -> Served {
        let token = canary(&format!("serve{dialect}"));
        let token_file = tempfile::NamedTempFile::new().expect("a temp file");
        std::fs::write(token_file.path(), &token).expect("the token file is written");
        let mut child = Command::new(keydeck)
            .args([
                "serve",
                "--dialect",
                dialect,
                "--port",
                "0",
                "--user-id",
                "u1",
            ])
            .arg("--token-file")
            .arg(token_file.path())
            .args(extra)
            .env("KEYDECK_HOME", home)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("keydeck serve starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut first = String::new();
        stdout
            .read_line(&mut first)
            .expect("serve prints its address");
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from serve: {first:?}"))
            .to_string();
        Served {
            child,
            _stdout: stdout,
            _token_file: token_file,
            url,
            token,
        }
    }

    /// The same server reached at another URL (a proxy in front of it) or with another
    /// token; stopping it is not this value's business.
    pub fn at(url: &str, token: &str) -> ServedAt {
        ServedAt {
            url: url.to_string(),
            token: token.to_string(),
        }
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Where a client should reach a server, and with which token (see [`Served::at`]).
pub struct ServedAt {
    pub url: String,
    pub token: String,
}

/// A server a client can be pointed at: its URL and the token it wants.
pub trait Reach {
    fn url(&self) -> &str;
    fn token(&self) -> &str;
}

impl Reach for Served {
    fn url(&self) -> &str {
        &self.url
    }
    fn token(&self) -> &str {
        &self.token
    }
}

impl Reach for ServedAt {
    fn url(&self) -> &str {
        &self.url
    }
    fn token(&self) -> &str {
        &self.token
    }
}
