//! Crash safety with the real SQLite file and the real keyring: a child process adding keys
//! is killed with SIGKILL at random moments, again and again. Afterwards the database is
//! intact, every key the child reported as added is listed with its secret, and `doctor`
//! explains every leftover (a secret whose add never committed) and repairs it.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use keydeck_core::{ListQuery, NewKey, Secret, Vault};

const HOME_ENV: &str = "KEYDECK_CRASH_CHILD_HOME";
const ROUNDS: usize = 50;

/// The child: adds keys forever, printing each id once its add has returned.
#[tokio::test]
#[ignore = "run by crash_safety_under_sigkill as its child process"]
async fn crash_child_adds_keys_until_killed() {
    let Some(home) = std::env::var_os(HOME_ENV) else {
        return;
    };
    let vault = Vault::open(home.as_ref()).await.expect("the vault opens");
    let pid = std::process::id();
    for i in 0.. {
        let key = NewKey {
            name: format!("crash-{pid}-{i}"),
            scopes: vec!["crash".into()],
            ..NewKey::default()
        };
        let secret = Secret::new(format!("crash-secret-{pid}-{i}-abcdefghijklmnop")).unwrap();
        let record = vault.add(key, secret).await.expect("add succeeds");
        let mut out = std::io::stdout().lock();
        writeln!(out, "added {}", record.id).unwrap();
        out.flush().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn crash_safety_under_sigkill() {
    let home = tempfile::tempdir().unwrap();
    let seed = std::env::var("KEYDECK_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    println!("seed {seed} (set KEYDECK_CRASH_SEED to replay)");
    let mut rng = fastrand::Rng::with_seed(seed);
    let exe = std::env::current_exe().unwrap();
    let mut reported: HashSet<String> = HashSet::new();
    let mut kills_mid_run = 0;

    for _ in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args([
                "crash_child_adds_keys_until_killed",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env(HOME_ENV, home.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|line| line.strip_prefix("added ").map(str::to_string))
                .collect::<Vec<_>>()
        });
        tokio::time::sleep(Duration::from_millis(rng.u64(20..800))).await;
        if child.try_wait().unwrap().is_none() {
            kills_mid_run += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reported.extend(reader.join().unwrap());
    }
    assert!(
        kills_mid_run >= ROUNDS - 2,
        "the child exited on its own ({kills_mid_run} kills landed)"
    );
    assert!(
        reported.len() >= ROUNDS,
        "the child added too few keys ({}) to test anything",
        reported.len()
    );

    let vault = Vault::open(home.path())
        .await
        .expect("the vault opens after the crashes");
    let report = vault.doctor(false).await.unwrap();
    assert_eq!(report.integrity, "ok");
    let listed: HashSet<String> = vault
        .list(&ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    let lost: Vec<_> = reported.difference(&listed).collect();
    assert!(
        lost.is_empty(),
        "keys reported as added but not listed: {lost:?}"
    );
    assert_eq!(
        report.missing_secrets,
        Vec::<String>::new(),
        "keys whose secret was lost"
    );
    // Every leftover is a secret whose add never committed: not listed, never reported.
    for orphan in &report.orphan_secrets {
        assert!(
            !listed.contains(orphan) && !reported.contains(orphan),
            "unexplained orphan {orphan}"
        );
    }
    println!(
        "{ROUNDS} kills: {} keys reported, {} listed, {} interrupted adds left a secret behind",
        reported.len(),
        listed.len(),
        report.orphan_secrets.len()
    );

    let repaired = vault.doctor(true).await.unwrap();
    assert_eq!(repaired.repaired.len(), report.orphan_secrets.len());
    let after = vault.doctor(false).await.unwrap();
    assert!(after.healthy, "{after:?}");
    // Listed keys still reveal their own secret.
    for id in listed.iter().take(20) {
        let (record, secret) = vault.reveal(id).await.unwrap();
        assert!(
            secret.expose().starts_with("crash-secret-"),
            "{}",
            record.name
        );
    }
}
