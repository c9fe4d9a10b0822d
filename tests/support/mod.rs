//! Drives the real keydeck window: tauri-driver + WebKitWebDriver under the display and
//! D-Bus session that scripts/session.sh provides. One tauri-driver (own ports) per test.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use thirtyfour::prelude::*;

pub struct App {
    pub driver: WebDriver,
    tauri_driver: Child,
    /// The vault it shows: its processes are found by it (several windows run at once).
    home: PathBuf,
    /// The webview's own data and cache (XDG_DATA_HOME / XDG_CACHE_HOME of the app).
    pub webview_dirs: tempfile::TempDir,
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

pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_keydeck-app"))
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

/// Writes the window's settings before it starts.
pub fn settings(home: &Path, json: Value) {
    std::fs::create_dir_all(home).unwrap();
    std::fs::write(home.join("settings.json"), json.to_string()).unwrap();
}

/// The running keydeck windows on the vault in `home` (found by their environment).
pub fn app_pids(home: &Path) -> Vec<u32> {
    let binary = app_binary().canonicalize().unwrap();
    let wanted = format!("KEYDECK_HOME={}", home.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary)
                && std::fs::read(format!("/proc/{pid}/environ"))
                    .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == wanted.as_bytes()))
        })
        .collect()
}

/// A child stopped when dropped.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An Xvfb display of this test's own, made the display of everything it starts: no other
/// test's window, popup or keyboard grab (a `<select>`'s menu grabs the keyboard) gets in
/// the way of its keys, and its clipboard is its own. Each test that uses one gives its own
/// `first` number, so no two take the same display.
pub fn own_display(first: u32) -> Running {
    let free = (first..first + 20)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .expect("a free display number");
    let name = format!(":{free}");
    let xvfb = Command::new("Xvfb")
        // -noreset: by default the server resets when its last client leaves (the CLI's
        // clipboard helper, xdpyinfo), and a program connecting just then is refused.
        .args([
            &name,
            "-noreset",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb is installed (scripts/setup.sh)");
    // nextest runs each test in a process of its own: this sets the display of this test
    // alone (and of the programs it starts).
    std::env::set_var("DISPLAY", &name);
    wait_until(
        "the test's own display answers",
        Duration::from_secs(20),
        || {
            Command::new("xdpyinfo")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        },
    );
    Running(xvfb)
}

/// The window started as a user starts it (no WebDriver), with webview data of its own and
/// its stdout piped (the READY line, when `KEYDECK_BENCH_READY=1` asks for it). Stopped when
/// dropped.
pub struct Launched {
    pub child: Child,
    _webview: tempfile::TempDir,
}

#[allow(dead_code)] // each test binary uses part of what they share
pub fn launch(home: &Path, ready_line: bool) -> Launched {
    let webview = tempfile::tempdir().unwrap();
    let mut command = Command::new(app_binary());
    if ready_line {
        command.env("KEYDECK_BENCH_READY", "1");
    }
    let child = command
        .env("KEYDECK_HOME", home)
        .env("XDG_DATA_HOME", webview.path().join("data"))
        .env("XDG_CACHE_HOME", webview.path().join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Launched {
        child,
        _webview: webview,
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The titles of keydeck's native confirmations.
#[allow(unused_imports)] // each test binary uses part of what they share
pub use keydeck_app::commands::{NEW_SERVER_TITLE, NEW_TOKEN_TITLE};

#[allow(unused_imports)]
pub use keydeck_testkit::{clipboard, contains, key_secret, wait_until, ClipboardOwner, Served};

/// The rows the table shows: key name and the text of each cell.
const ROWS_JS: &str = r#"
    return [...document.querySelectorAll('[role=row][data-key-name]')]
        .map(r => ({ name: r.dataset.keyName, cells: [...r.querySelectorAll('[role=gridcell]')].map(c => c.innerText.trim()) }));
"#;

/// Runs one command through the page's own IPC bridge, as the UI would.
const INVOKE_JS: &str = r#"
    const [command, args, done] = arguments;
    window.__TAURI_INTERNALS__.invoke(command, args).then(v => done({ ok: v }), e => done({ err: e }));
"#;

impl App {
    /// The visible native dialogs titled `title` of this app (not of another test's window
    /// running at the same time), as X window ids.
    fn native_dialogs(&self, title: &str) -> Vec<String> {
        let pattern = format!(
            "^{}$",
            title
                .chars()
                .map(|c| if c.is_alphanumeric() || c == ' ' {
                    c.to_string()
                } else {
                    format!("\\{c}")
                })
                .collect::<String>()
        );
        app_pids(&self.home)
            .into_iter()
            .flat_map(|pid| {
                let found = Command::new("xdotool")
                    .args([
                        "search",
                        "--all",
                        "--onlyvisible",
                        "--pid",
                        &pid.to_string(),
                    ])
                    .args(["--name", &pattern])
                    .output()
                    .expect("xdotool is installed (scripts/setup.sh)");
                String::from_utf8_lossy(&found.stdout)
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Whether this app shows a native dialog titled `title`.
    pub fn native_dialog_shows(&self, title: &str) -> bool {
        !self.native_dialogs(title).is_empty()
    }

    /// Answers this app's native dialog titled `title` as a person would: the keyboard on
    /// the dialog itself (Enter on its focused OK button, or Escape). A script in the page
    /// cannot do this.
    pub fn answer_native_dialog(&self, title: &str, accept: bool) {
        wait_until(
            &format!("the native dialog {title:?} shows"),
            Duration::from_secs(20),
            || self.native_dialog_shows(title),
        );
        let key = if accept { "Return" } else { "Escape" };
        // A busy machine may map the dialog before GTK has focused its OK button, and GTK may
        // replace the window it first mapped: look the dialog up again and press again until
        // this app shows none.
        for _ in 0..10 {
            std::thread::sleep(Duration::from_millis(500));
            for window in self.native_dialogs(title) {
                let _ = Command::new("xdotool")
                    .args(["windowfocus", "--sync", &window, "key", key])
                    .status();
            }
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(2) {
                if !self.native_dialog_shows(title) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("the native dialog {title:?} did not close");
    }

    /// Starts the app on the vault in `home` and opens a WebDriver session on its window.
    pub async fn start(home: &Path) -> App {
        Self::start_binary(home, &app_binary())
            .await
            .expect("a WebDriver session on the keydeck window")
    }

    pub async fn start_binary(home: &Path, binary: &Path) -> WebDriverResult<App> {
        let port = free_port();
        let native_port = free_port();
        let webview_dirs = tempfile::tempdir().unwrap();
        let mut command = Command::new(tauri_driver());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("KEYDECK_HOME", home)
            .env("XDG_DATA_HOME", webview_dirs.path().join("data"))
            .env("XDG_CACHE_HOME", webview_dirs.path().join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so stopping it also stops WebKitWebDriver and the app.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut tauri_driver = command.spawn().expect("tauri-driver starts");
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
            serde_json::json!({ "application": binary }),
        )
        .unwrap();
        // A crashing app makes session creation hang: bound every request.
        let driver = match WebDriver::builder(format!("http://127.0.0.1:{port}"), caps)
            .request_timeout(Duration::from_secs(60))
            .connect()
            .await
        {
            Ok(driver) => driver,
            Err(err) => {
                terminate(&mut tauri_driver);
                return Err(err);
            }
        };
        driver.set_script_timeout(Duration::from_secs(30)).await?;
        let app = App {
            driver,
            tauri_driver,
            home: home.to_path_buf(),
            webview_dirs,
        };
        app.wait_js("return document.querySelector('nav') !== null")
            .await;
        Ok(app)
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

    /// A button (or other element) by its accessible text.
    pub async fn button(&self, text: &str) -> WebElement {
        self.find(By::XPath(format!(
            "//button[normalize-space()='{text}' or @aria-label='{text}']"
        )))
        .await
    }

    pub async fn click(&self, text: &str) {
        self.button(text).await.click().await.unwrap();
    }

    /// Types into the form field labelled `label` in the open dialog (the toolbar's column
    /// choice has labels of the same words).
    pub async fn fill(&self, label: &str, text: &str) {
        let field = self
            .find(By::XPath(format!(
                "//*[@role='dialog']//label[normalize-space(text())='{label}']//*[self::input or self::textarea or self::select]"
            )))
            .await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Sends keys to whatever has the focus.
    pub async fn press(&self, keys: impl Into<TypingData>) {
        self.driver
            .active_element()
            .await
            .unwrap()
            .send_keys(keys)
            .await
            .unwrap();
    }

    pub async fn js(&self, script: &str) -> Value {
        self.driver
            .execute(script, vec![])
            .await
            .unwrap()
            .json()
            .clone()
    }

    /// Waits until `script` returns true.
    pub async fn wait_js(&self, script: &str) {
        let started = Instant::now();
        loop {
            if self.js(script).await == Value::Bool(true) {
                return;
            }
            if started.elapsed() > Duration::from_secs(20) {
                // What the user would have seen says more than the script.
                let page = self.js("return document.body.innerText").await;
                panic!("timed out waiting for: {script}\nthe page shows:\n{page}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The table's rows: (key name, cell texts).
    pub async fn rows(&self) -> Vec<(String, Vec<String>)> {
        let rows = self.js(ROWS_JS).await;
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let cells = r["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect();
                (r["name"].as_str().unwrap().to_string(), cells)
            })
            .collect()
    }

    /// Waits until the table shows exactly these key names (in this order).
    pub async fn wait_rows(&self, names: &[&str]) {
        let started = Instant::now();
        loop {
            let shown: Vec<String> = self.rows().await.into_iter().map(|(n, _)| n).collect();
            if shown == names {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the table shows {shown:?}, not {names:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn row(&self, name: &str) -> Vec<String> {
        self.rows()
            .await
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no row {name}"))
            .1
    }

    /// Selects a row with the mouse and opens its details with Enter.
    pub async fn open_detail(&self, name: &str) {
        self.find(By::Css(format!("[data-key-name='{name}']")))
            .await
            .click()
            .await
            .unwrap();
        self.find(By::Css("[role=grid]"))
            .await
            .send_keys(Key::Enter)
            .await
            .unwrap();
        self.find(By::Css(format!("aside[aria-label='Details of {name}']")))
            .await;
    }

    /// Runs a command through the page's IPC bridge: `Ok(answer)` or `Err(error body)`.
    pub async fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        let answer = self
            .driver
            .execute_async(INVOKE_JS, vec![Value::from(command), args])
            .await
            .unwrap()
            .json()
            .clone();
        match answer.get("ok") {
            Some(value) => Ok(value.clone()),
            None => Err(answer["err"].clone()),
        }
    }

    /// Runs axe-core on the page; the serious and critical violations, as "rule: target".
    pub async fn axe(&self) -> Vec<String> {
        let source_path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&source_path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (npm ci in ui/ installs axe-core)",
                source_path.display()
            )
        });
        self.driver.execute(&source, vec![]).await.unwrap();
        let result = self
            .driver
            .execute_async(
                "const done = arguments[0]; axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')) }))));",
                vec![],
            )
            .await
            .unwrap()
            .json()
            .clone();
        result
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| format!("{}: {}", v["id"], v["nodes"]))
            .collect()
    }

    /// Saves a screenshot of the webview under target/ (and under KEYDECK_SCREENSHOT_DIR
    /// when set, to refresh docs/screenshots).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // Let the webview paint what the DOM shows: a snapshot is of the last painted frame.
        self.driver
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
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

    /// Every file the webview wrote (its storage, caches), to search for secrets.
    pub fn webview_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(self.webview_dirs.path(), &mut out);
        out
    }

    pub async fn stop(mut self) {
        let _ = self.driver.clone().quit().await;
        terminate(&mut self.tauri_driver);
    }
}

fn terminate(tauri_driver: &mut Child) {
    let group = format!("-{}", tauri_driver.id());
    let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = tauri_driver.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Whatever is left of the group (WebKitWebDriver, the app) goes too.
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(Stdio::null())
        .status();
    let _ = tauri_driver.wait();
}

impl Drop for App {
    fn drop(&mut self) {
        if matches!(self.tauri_driver.try_wait(), Ok(None)) {
            terminate(&mut self.tauri_driver);
        }
    }
}
