//! `keydeck copy` on a real X11 clipboard (Xvfb from scripts/session.sh), read back with xclip.
//! One test, so nothing else races for the clipboard.

mod common;

use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::Home;

fn clipboard() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .stderr(Stdio::null())
        .output()
        .expect("xclip is installed (scripts/setup.sh)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_until(what: &str, timeout: Duration, check: impl Fn() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < timeout, "timed out waiting until {what}");
        sleep(Duration::from_millis(100));
    }
}

#[test]
fn copy_puts_the_secret_on_the_clipboard_and_clears_only_its_own_value() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "run under scripts/session.sh (needs a display)"
    );
    let home = Home::new();
    let secret = common::canary("clipboard");
    home.add("clip", &secret, &[]);

    let out = home.run(&["copy", "clip", "--clear-after", "2"], None).ok();
    assert!(!out.stdout.contains(&secret) && !out.stderr.contains(&secret));
    assert!(out.stdout.contains("cleared in 2 s"), "{out:?}");
    assert_eq!(clipboard(), secret, "the copy outlives the command");
    let copied_at = Instant::now();
    wait_until("the clipboard is cleared", Duration::from_secs(10), || {
        clipboard() != secret
    });
    assert!(
        copied_at.elapsed() >= Duration::from_millis(1500),
        "cleared too early"
    );

    // Something else copied meanwhile is left alone.
    home.run(&["copy", "clip", "--clear-after", "2"], None).ok();
    assert_eq!(clipboard(), secret);
    let mut other = Command::new("xclip")
        .args(["-i", "-selection", "clipboard", "-quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        other
            .stdin
            .take()
            .unwrap()
            .write_all(b"something the user copied")
            .unwrap();
    }
    wait_until("xclip owns the clipboard", Duration::from_secs(5), || {
        clipboard() == "something the user copied"
    });
    sleep(Duration::from_secs(3));
    assert_eq!(clipboard(), "something the user copied");
    let _ = other.kill();
    let _ = other.wait();
}
