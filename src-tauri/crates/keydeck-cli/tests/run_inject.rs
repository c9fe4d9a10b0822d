//! Secrets into processes, not the clipboard (real keyring): `keydeck run` puts them in a
//! command's environment, never in its argv, and passes its exit code through; `keydeck
//! inject` fills a template into an owner-only file. A key without a secret stops either
//! before anything runs or is written, and neither prints a secret of its own accord.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::Home;

const STRIPE: &str = "sk_live_run_canary_0123456789abcdef";
const GITHUB: &str = "ghp_run_canary_0123456789abcdef";
const OLD: &str = "old_run_canary_0123456789abcdef";

fn vault() -> Home {
    let home = Home::new();
    home.add(
        "stripe-live",
        STRIPE,
        &["--tag", "billing", "--env", "prod"],
    );
    home.add("github-ci", GITHUB, &["--tag", "ci", "--env", "prod"]);
    home.add("old-slack", OLD, &["--tag", "billing"]);
    home.run(&["revoke", "old-slack", "--reason", "gone"], None)
        .ok();
    home
}

#[test]
fn run_puts_secrets_in_the_environment_and_passes_the_exit_code() {
    let home = vault();
    let printed = home
        .run(
            &[
                "run",
                "--key",
                "stripe-live",
                "--",
                "sh",
                "-c",
                r#"printf %s "$STRIPE_LIVE""#,
            ],
            None,
        )
        .ok();
    assert_eq!(printed.stdout, STRIPE, "no newline, nothing else");

    // A variable of one's choosing; the child's argv never holds a secret.
    let script = r#"printf '%s|' "$PAY"; tr '\0' ' ' < /proc/$$/cmdline"#;
    let out = home
        .run(
            &["run", "--key", "stripe-live=PAY", "--", "sh", "-c", script],
            None,
        )
        .ok();
    let (value, cmdline) = out.stdout.split_once('|').unwrap();
    assert_eq!(value, STRIPE);
    assert!(
        cmdline.starts_with("sh -c") && !cmdline.contains(STRIPE),
        "{cmdline}"
    );

    // A tag: every unrevoked vault key with it (the revoked one is left out).
    let out = home
        .run(&["run", "--tag", "billing", "--", "env"], None)
        .ok();
    assert!(out.stdout.contains(&format!("STRIPE_LIVE={STRIPE}\n")));
    assert!(!out.stdout.contains("OLD_SLACK"));
    let out = home.run(&["run", "--env", "prod", "--", "env"], None).ok();
    assert!(out.stdout.contains(&format!("GITHUB_CI={GITHUB}\n")));

    // The exit code is the command's; one that cannot start is 127, as in a shell.
    let out = home.run(
        &["run", "--key", "github-ci", "--", "sh", "-c", "exit 7"],
        None,
    );
    assert_eq!(out.code, 7, "{out:?}");
    let out = home.run(
        &["run", "--key", "github-ci", "--", "no-such-program-kd"],
        None,
    );
    assert_eq!(out.code, 127, "{out:?}");
    assert!(!out.stderr.contains(GITHUB));

    // The use is the key's last use, and in its history.
    let shown = home
        .run(&["show", "stripe-live", "--json"], None)
        .ok()
        .json();
    assert!(shown["last_used_at"].is_string(), "{shown}");
    let history = shown["history"].to_string();
    assert!(history.contains("keydeck run"), "{history}");
}

#[test]
fn a_key_without_a_secret_stops_run_before_the_command_starts() {
    let home = vault();
    let marker = home.path().join("started");
    let script = format!("touch {}", marker.display());
    for key in ["old-slack", "no-such-key"] {
        let out = home.run(&["run", "--key", key, "--", "sh", "-c", &script], None);
        assert_ne!(out.code, 0, "{out:?}");
        assert!(!marker.exists(), "{key}: the command ran");
        assert!(!out.stdout.contains(OLD) && !out.stderr.contains(OLD));
    }
    // Two keys for one variable, and no key at all, are refused the same way.
    let clash = [
        "run",
        "--key",
        "stripe-live=X",
        "--key",
        "github-ci=X",
        "--",
        "true",
    ];
    let out = home.run(&clash, None);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("would both be $X"), "{}", out.stderr);
    assert_eq!(home.run(&["run", "--", "true"], None).code, 2);
}

#[test]
fn inject_fills_a_template_into_an_owner_only_file() {
    let home = vault();
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("app.env.tpl");
    std::fs::write(
        &template,
        "# {{ not ours }}\nSTRIPE={{ keydeck://stripe-live }}\nGH={{keydeck://github-ci}}\n",
    )
    .unwrap();
    let out = dir.path().join("app.env");
    std::fs::write(&out, "stale").unwrap();
    let args = [
        "inject",
        "-i",
        template.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    let ran = home.run(&args, None).ok();
    assert!(ran.stdout.is_empty() && !ran.stderr.contains(STRIPE));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("# {{{{ not ours }}}}\nSTRIPE={STRIPE}\nGH={GITHUB}\n")
    );
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // To stdout without -o.
    let printed = home
        .run(&["inject", "-i", template.to_str().unwrap()], None)
        .ok();
    assert!(printed.stdout.contains(&format!("STRIPE={STRIPE}\n")));

    // A reference to a revoked key names its line, and nothing is written.
    std::fs::write(
        &template,
        "A={{ keydeck://github-ci }}\nB={{ keydeck://old-slack }}\n",
    )
    .unwrap();
    let refused = home.run(&args, None);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused.stderr.contains("line 2 of the template"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains(GITHUB));
    assert!(
        std::fs::read_to_string(&out).unwrap().contains(STRIPE),
        "the last good file stays"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2, "no partial file is left");
}
