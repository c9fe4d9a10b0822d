//! `keydeck copy` on a real X11 clipboard (Xvfb from scripts/session.sh), read back with xclip.
//! One test, so nothing else races for the clipboard.

mod common;

use std::thread::sleep;
use std::time::{Duration, Instant};

use common::Home;
use keydeck_testkit::{clipboard, wait_until, ClipboardOwner};

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
    let _other = ClipboardOwner::take("something the user copied");
    sleep(Duration::from_secs(3));
    assert_eq!(clipboard(), "something the user copied");
}
