//! Drives the real keydeck window: tauri-driver + WebKitWebDriver under the display and
//! D-Bus session that scripts/session.sh provides. One tauri-driver (own ports) per test.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

pub struct App {
    pub driver: WebDriver,
    tauri_driver: Child,
}

/// The `keydeck` CLI built next to this test (cargo builds the workspace's binaries).
pub fn keydeck_cli() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/e2e-<hash> -> target/<profile>/keydeck
    let cli = exe.parent().unwrap().parent().unwrap().join("keydeck");
    assert!(
        cli.exists(),
        "{} is missing: build the workspace first",
        cli.display()
    );
    cli
}

pub fn app_binary() -> &'static str {
    env!("CARGO_BIN_EXE_keydeck-app")
}

fn tauri_driver() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain(cargo_home.map(|h| h.join("bin")))
        .map(|dir| dir.join("tauri-driver"))
        .find(|p| p.exists())
        .expect("tauri-driver is not installed (scripts/setup.sh installs it)")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs the CLI against `home` with `stdin`, asserting success; returns stdout.
pub fn cli(home: &Path, args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(keydeck_cli())
        .args(args)
        .env("KEYDECK_HOME", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "keydeck {args:?} failed: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

impl App {
    /// Starts the app on the vault in `home` and opens a WebDriver session on its window.
    pub async fn start(home: &Path) -> App {
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new(tauri_driver());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("KEYDECK_HOME", home)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so stopping it also stops WebKitWebDriver and the app.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let tauri_driver = command.spawn().expect("tauri-driver starts");
        // tauri-driver forwards to WebKitWebDriver without waiting for it: both must listen
        // before the session request, or it fails on a busy machine.
        let started = Instant::now();
        for listening in [port, native_port] {
            while TcpStream::connect(("127.0.0.1", listening)).is_err() {
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "tauri-driver / WebKitWebDriver did not listen on {listening}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        let mut caps = Capabilities::new();
        caps.set("browserName", "wry").unwrap();
        caps.set(
            "tauri:options",
            serde_json::json!({ "application": app_binary() }),
        )
        .unwrap();
        // A crashing app makes session creation hang: bound every request.
        let driver = WebDriver::builder(format!("http://127.0.0.1:{port}"), caps)
            .request_timeout(Duration::from_secs(60))
            .connect()
            .await
            .expect("a WebDriver session on the keydeck window");
        App {
            driver,
            tauri_driver,
        }
    }

    /// Waits for an element matching `by` to be displayed.
    pub async fn find(&self, by: By) -> WebElement {
        self.driver
            .query(by)
            .wait(Duration::from_secs(20), Duration::from_millis(100))
            .and_displayed()
            .first()
            .await
            .expect("the element shows up")
    }

    /// Saves a screenshot of the webview under target/ (and under KEYDECK_SCREENSHOT_DIR
    /// when set, to refresh docs/screenshots).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.driver.screenshot_as_png().await.unwrap();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &png).unwrap();
        if let Some(extra) = std::env::var_os("KEYDECK_SCREENSHOT_DIR") {
            std::fs::write(Path::new(&extra).join(format!("{name}.png")), &png).unwrap();
        }
        path
    }

    pub async fn stop(mut self) {
        let _ = self.driver.clone().quit().await;
        self.terminate();
    }

    fn terminate(&mut self) {
        let group = format!("-{}", self.tauri_driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.tauri_driver.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Whatever is left of the group (WebKitWebDriver, the app) goes too.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.tauri_driver.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if matches!(self.tauri_driver.try_wait(), Ok(None)) {
            self.terminate();
        }
    }
}
