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

// Each test binary uses a different part of what the suites share.
#[allow(unused_imports)]
pub use keydeck_testkit::{
    canary, contains, key_secret, keyring_user, secret_tool_lookup, vault_id, wait_until, Served,
};

/// `keydeck serve` over the vault in `home`.
pub fn serve(home: &Home, dialect: &str, extra: &[&str]) -> Served {
    Served::start(Path::new(keydeck_bin()), home.path(), dialect, extra)
}
