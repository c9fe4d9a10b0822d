//! `rotate --keep-previous` on the real keyring: the old secret stays revealable as
//! "previous" for the grace period, then is deleted from the keyring; a rotation can set a
//! new expiry.

mod common;

use std::time::Duration;

use common::Home;
use keydeck_testkit::{secret_tool_lookup, wait_until};

const OLD: &str = "kd_rotation_old_0123456789abcdef";
const NEW: &str = "kd_rotation_new_0123456789abcdef";

/// The keyring user `show` names for the key's current secret.
fn keyring_user(home: &Home, name: &str) -> String {
    let shown = home.run(&["show", name], None).ok();
    let line = shown
        .stdout
        .lines()
        .find(|l| l.contains("service keydeck, user "))
        .unwrap_or_else(|| panic!("show names the keyring user: {shown:?}"));
    line.rsplit("user ").next().unwrap().to_string()
}

#[test]
fn the_previous_secret_is_kept_for_its_grace_period_then_deleted() {
    let home = Home::new();
    home.add("api", OLD, &[]);
    let old_user = keyring_user(&home, "api");

    let rotated = home
        .run(
            &["rotate", "api", "--keep-previous", "4s", "--expires", "30d"],
            Some(NEW.as_bytes()),
        )
        .ok();
    assert!(
        rotated.stdout.contains("the previous secret stays until")
            && rotated.stdout.contains("keydeck reveal api --previous"),
        "{rotated:?}"
    );
    let reveal = |extra: &[&str]| {
        let mut args = vec!["reveal", "api"];
        args.extend_from_slice(extra);
        home.run(&args, None)
    };
    assert_eq!(reveal(&[]).ok().stdout.trim_end(), NEW);
    assert_eq!(reveal(&["--previous"]).ok().stdout.trim_end(), OLD);
    let shown = home.run(&["show", "api", "--json"], None).ok().json();
    let until =
        chrono::DateTime::parse_from_rfc3339(shown["previous_until"].as_str().unwrap()).unwrap();
    assert!(until > chrono::Utc::now());
    let expires =
        chrono::DateTime::parse_from_rfc3339(shown["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours() / 24;
    assert_eq!(days, 29, "expires in 30 days: {shown}");
    assert!(home
        .run(&["show", "api"], None)
        .ok()
        .stdout
        .contains("previous: kept until"));
    // Both secrets are in the keyring now.
    assert_eq!(secret_tool_lookup(&old_user).as_deref(), Some(OLD));
    assert_eq!(
        secret_tool_lookup(&keyring_user(&home, "api")).as_deref(),
        Some(NEW)
    );

    // Its time up, any command deletes it; it is never given out again.
    std::thread::sleep(Duration::from_millis(4500));
    let lapsed = reveal(&["--previous"]);
    assert_eq!(lapsed.code, 1, "{lapsed:?}");
    assert!(
        lapsed.stderr.contains("keeps no previous secret") && lapsed.stdout.is_empty(),
        "{lapsed:?}"
    );
    wait_until(
        "the old secret leaves the keyring",
        Duration::from_secs(10),
        || secret_tool_lookup(&old_user).is_none(),
    );
    assert_eq!(reveal(&[]).ok().stdout.trim_end(), NEW);
    let shown = home.run(&["show", "api", "--json"], None).ok().json();
    assert!(shown["previous_until"].is_null(), "{shown}");
    assert_eq!(home.run(&["doctor"], None).code, 0, "nothing left behind");
}

#[test]
fn a_grace_period_is_bounded_and_a_rotation_can_remove_the_expiry() {
    let home = Home::new();
    home.add("api", OLD, &["--expires", "90d"]);
    let long = home.run(
        &["rotate", "api", "--keep-previous", "31d"],
        Some(NEW.as_bytes()),
    );
    assert_eq!(long.code, 2, "{long:?}");
    assert!(long.stderr.contains("up to 30d"), "{long:?}");
    let odd = home.run(
        &["rotate", "api", "--keep-previous", "1w"],
        Some(NEW.as_bytes()),
    );
    assert!(odd.stderr.contains("as 90s, 30m, 24h or 7d"), "{odd:?}");
    assert_eq!(
        home.run(&["reveal", "api"], None).ok().stdout.trim_end(),
        OLD
    );

    let rotated = home
        .run(
            &["rotate", "api", "--no-expires", "--json"],
            Some(NEW.as_bytes()),
        )
        .ok()
        .json();
    assert!(rotated["expires_at"].is_null(), "{rotated}");
    let none = home.run(&["reveal", "api", "--previous"], None);
    assert!(none.stderr.contains("keeps no previous secret"), "{none:?}");
}
