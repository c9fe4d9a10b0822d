//! Runs the real `keydeck` binary against a throwaway KEYDECK_HOME. The tests run inside
//! scripts/session.sh, so the OS keyring is a real, unlocked gnome-keyring.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Home {
    dir: tempfile::TempDir,
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// Asserts success and returns self.
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "keydeck failed: {self:?}");
        self
    }
}

pub fn keydeck_bin() -> &'static str {
    env!("CARGO_BIN_EXE_keydeck")
}

impl Home {
    pub fn new() -> Self {
        Home {
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(keydeck_bin());
        command
            .args(args)
            .env("KEYDECK_HOME", self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs keydeck with `stdin` piped in (or no stdin at all).
    pub fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        run(self.command(args), stdin)
    }

    /// Adds a key with `secret` on stdin and returns its id.
    pub fn add(&self, name: &str, secret: &str, extra: &[&str]) -> String {
        let mut args = vec!["add", name, "--json"];
        args.extend_from_slice(extra);
        let out = self.run(&args, Some(secret.as_bytes())).ok();
        out.json()["id"].as_str().expect("an id").to_string()
    }

    pub fn list(&self) -> Vec<serde_json::Value> {
        self.run(&["list", "--json"], None)
            .ok()
            .json()
            .as_array()
            .unwrap()
            .clone()
    }

    /// Every file under the home, recursively.
    pub fn files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(self.path(), &mut out);
        out
    }
}

pub fn run(mut command: Command, stdin: Option<&[u8]>) -> Output {
    command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("keydeck starts");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What `secret-tool lookup service keydeck username ID` prints, or None when nothing.
pub fn secret_tool_lookup(id: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "keydeck", "username", id])
        .stderr(Stdio::null())
        .output()
        .expect("secret-tool is installed (scripts/setup.sh)");
    (out.status.success() && !out.stdout.is_empty()).then(|| String::from_utf8(out.stdout).unwrap())
}

/// A secret no other test uses, to search for afterwards.
pub fn canary(label: &str) -> String {
    format!("kd_canary_{label}_{}", uuid_like())
}

fn uuid_like() -> String {
    let mut bytes = [0u8; 16];
    for b in &mut bytes {
        *b = fastrand::u8(..);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// A `keydeck serve` process over a vault, stopped when dropped.
pub struct Served {
    child: std::process::Child,
    /// Kept open so the server can keep writing to its stdout.
    _stdout: std::io::BufReader<std::process::ChildStdout>,
    pub url: String,
    pub token: String,
    _token_file: tempfile::NamedTempFile,
}

impl Served {
    pub fn start(home: &Home, dialect: &str, extra: &[&str]) -> Served {
        use std::io::{BufRead, BufReader};
        let token = canary(&format!("serve{dialect}"));
        let token_file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(token_file.path(), &token).unwrap();
        let mut args = vec![
            "serve",
            "--dialect",
            dialect,
            "--port",
            "0",
            "--user-id",
            "u1",
            "--token-file",
            token_file.path().to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let mut command = home.command(&args);
        command.stderr(Stdio::null());
        let mut child = command.spawn().expect("keydeck serve starts");
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut first).unwrap();
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from serve: {first:?}"))
            .to_string();
        Served {
            child,
            _stdout: stdout,
            url,
            token,
            _token_file: token_file,
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
