//! Expiry notifications, watched on the session bus's org.freedesktop.Notifications
//! interface (`dbus-monitor`): the window tells of a vault key and a remote source's key that
//! entered their warning window and of one that expired, once, and not at all when the
//! setting is off.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use keydeck_testkit::Served;
use support::{cli, keydeck_cli, launch, settings};

/// `dbus-monitor` on the Notify calls, its output gathered as it comes.
struct Monitor {
    child: Child,
    seen: Arc<Mutex<String>>,
}

impl Monitor {
    fn start() -> Monitor {
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor runs (scripts/session.sh gives a session bus)");
        let seen = Arc::new(Mutex::new(String::new()));
        let out = BufReader::new(child.stdout.take().unwrap());
        let sink = Arc::clone(&seen);
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                let mut seen = sink.lock().unwrap();
                seen.push_str(&line);
                seen.push('\n');
            }
        });
        // The monitor is listening once it has printed its own NameAcquired signal.
        let started = Instant::now();
        while !seen.lock().unwrap().contains("NameAcquired") {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "dbus-monitor did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Monitor { child, seen }
    }

    /// This test's notifications: other tests' windows may run beside it, and its keys'
    /// names all start with `notify-`.
    fn notifies(&self) -> usize {
        let seen = self.seen.lock().unwrap();
        seen.split("method call")
            .filter(|call| call.contains("member=Notify") && call.contains("notify-"))
            .count()
    }

    fn text(&self) -> String {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the window on `home` until its first screen has painted and `extra` has passed.
fn run_window(home: &std::path::Path, extra: Duration) {
    let mut app = launch(home, true);
    let mut ready = String::new();
    BufReader::new(app.child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert!(ready.starts_with("READY "), "{ready:?}");
    std::thread::sleep(extra);
}

fn in_days(days: i64) -> String {
    (Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

#[test]
fn keys_entering_their_warning_window_or_expiring_are_told_once_on_the_desktop() {
    let server = tempfile::tempdir().unwrap();
    let soon = in_days(3);
    cli(
        server.path(),
        &["add", "notify-team-ci", "--expires", &soon],
        "notify-team-ci-secret-0123456789abcdef",
    );
    let served = Served::start(&keydeck_cli(), server.path(), "002", &[]);

    let home = tempfile::tempdir().unwrap();
    let in_two = in_days(2);
    cli(
        home.path(),
        &["add", "notify-deploy", "--expires", &in_two],
        "deploy-secret-0123456789abcdef",
    );
    cli(
        home.path(),
        &["add", "notify-fresh", "--expires", &in_days(90)],
        "fresh-secret-0123456789abcdef",
    );
    let gone = (Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    cli(
        home.path(),
        &["add", "notify-old", "--expires", &gone],
        "old-secret-0123456789abcdef",
    );
    let source = [
        "source",
        "add",
        "team",
        "--url",
        &served.url,
        "--dialect",
        "002",
    ];
    cli(home.path(), &source, &served.token);

    let monitor = Monitor::start();
    let started = Instant::now();
    let app = launch(home.path(), false);
    while monitor.notifies() == 0 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(app);
    let seen = monitor.text();
    assert_eq!(
        monitor.notifies(),
        1,
        "one notification for them all:\n{seen}"
    );
    assert!(seen.contains("keydeck: keys have expired"), "{seen}");
    assert!(seen.contains("notify-old has expired"), "{seen}");
    assert!(
        seen.contains("2 keys expire soon: notify-deploy, notify-team-ci (team)"),
        "both sources' keys, soonest first:\n{seen}"
    );
    assert!(!seen.contains("notify-fresh"), "{seen}");

    // Started again: nothing new to tell (the window checks 2 s after it starts).
    run_window(home.path(), Duration::from_secs(6));
    assert_eq!(monitor.notifies(), 1, "told once:\n{}", monitor.text());

    // With the setting off, a key entering its window is not told.
    settings(
        home.path(),
        serde_json::json!({ "expiry_notifications": false }),
    );
    cli(
        home.path(),
        &["edit", "notify-fresh", "--expires", &in_two],
        "",
    );
    run_window(home.path(), Duration::from_secs(6));
    assert_eq!(
        monitor.notifies(),
        1,
        "the setting is off:\n{}",
        monitor.text()
    );
}
