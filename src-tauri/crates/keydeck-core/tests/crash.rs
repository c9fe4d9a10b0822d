//! Crash safety with the real SQLite file and the real keyring: a child process works the
//! vault (add, rotate, revoke, import, source sync, and the move of an old vault's secrets
//! into its own keyring space) and is killed with SIGKILL at random moments, again and
//! again. Afterwards the database is intact, no write the child was told about is lost, and
//! `doctor` explains every leftover and repairs it.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use keydeck_core::exchange::ImportItem;
use keydeck_core::remote::{Client, ClientConfig, DialectId};
use keydeck_core::secret_store::{item, Space};
use keydeck_core::vault::{OnDuplicate, SourceSpec};
use keydeck_core::{KeyStatus, KeyringStore, ListQuery, NewKey, Secret, SecretStore, Vault};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const HOME_ENV: &str = "KEYDECK_CRASH_CHILD_HOME";
const ROUNDS: usize = 200;
/// Every this many rounds the vault is put back into the old keyring layout, so the next
/// child's first keyring call moves every secret (and may be killed doing it).
const LEGACY_EVERY: usize = 25;
/// The full keys the remote source returns (dialect 001).
const REMOTE_KEYS: usize = 5;

fn remote_secret(i: usize) -> String {
    format!("sk_live_crash_remote_{i}_abcdefghijklmnop")
}

fn say(line: String) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").unwrap();
    out.flush().unwrap();
}

/// The child: works the vault forever, saying what it is about to do ("try …") and what
/// it did ("done …") with each secret it writes.
#[tokio::test]
#[ignore = "run by crash_safety_under_sigkill as its child process"]
async fn crash_child_works_the_vault_until_killed() {
    let Some(home) = std::env::var_os(HOME_ENV) else {
        return;
    };
    let vault = Vault::open(home.as_ref()).await.expect("the vault opens");
    let client = Client::new(ClientConfig::default()).unwrap();
    let pid = std::process::id();
    let mut rng = fastrand::Rng::with_seed(u64::from(pid));
    // Each child starts at another operation, so that kills land in every kind of write
    // even on a machine too busy for a child to get far.
    let start = rng.u8(0..5);
    for i in 0u32.. {
        let live: Vec<String> = vault
            .list(&ListQuery {
                source: Some("local".into()),
                ..ListQuery::default()
            })
            .await
            .unwrap()
            .into_iter()
            .filter(|k| k.status != KeyStatus::Revoked)
            .map(|k| k.id)
            .collect();
        let secret = format!("crash-secret-{pid}-{i}-abcdefghijklmnop");
        match (start + (i % 5) as u8) % 5 {
            0 => {
                let key = NewKey {
                    name: format!("crash-{pid}-{i}"),
                    ..NewKey::default()
                };
                say(format!("try add {secret}"));
                let record = vault
                    .add(key, Secret::new(secret.clone()).unwrap())
                    .await
                    .unwrap();
                say(format!("done add {} {secret}", record.id));
            }
            1 if !live.is_empty() => {
                let id = &live[rng.usize(..live.len())];
                say(format!("try rotate {id} {secret}"));
                vault
                    .rotate(id, Secret::new(secret.clone()).unwrap(), Default::default())
                    .await
                    .unwrap();
                say(format!("done rotate {id} {secret}"));
            }
            2 if !live.is_empty() => {
                let id = &live[rng.usize(..live.len())];
                say(format!("try revoke {id}"));
                vault.revoke(id, Some("crash test".into())).await.unwrap();
                say(format!("done revoke {id}"));
            }
            3 => {
                let items: Vec<ImportItem> = (0..3)
                    .map(|n| ImportItem {
                        line: n + 1,
                        key: NewKey {
                            name: format!("imported-{pid}-{i}-{n}"),
                            ..NewKey::default()
                        },
                        secret: Secret::new(format!("{secret}-{n}")).unwrap(),
                    })
                    .collect();
                say(format!("try import {secret}"));
                let plan = vault
                    .import(items, OnDuplicate::Error, false)
                    .await
                    .unwrap();
                for (n, key) in plan.added.iter().enumerate() {
                    say(format!(
                        "done add {} {secret}-{n}",
                        key.id.as_ref().unwrap()
                    ));
                }
                say("done import".into());
            }
            _ => {
                say("try sync".into());
                vault.sync_source("remote", &client).await.unwrap();
                say("done sync".into());
            }
        }
    }
}

/// What the child was told happened, and what it tried that may or may not have.
#[derive(Default)]
struct Journal {
    /// Key id → the secret it was last acknowledged with.
    acked: HashMap<String, String>,
    /// Key id → secrets of rotations tried after that (a killed rotate may have committed).
    tried: HashMap<String, Vec<String>>,
    revoked: HashSet<String>,
    revoking: HashSet<String>,
    /// Every acknowledged operation, by kind.
    done: HashMap<String, usize>,
    /// Every operation begun (and maybe killed), by kind.
    tried_kinds: HashMap<String, usize>,
}

impl Journal {
    fn read(&mut self, line: &str) {
        let words: Vec<&str> = line.split(' ').collect();
        match words.first() {
            Some(&"done") => *self.done.entry(words[1].to_string()).or_default() += 1,
            Some(&"try") => *self.tried_kinds.entry(words[1].to_string()).or_default() += 1,
            _ => {}
        }
        match words.as_slice() {
            ["done", "add", id, secret] => {
                self.acked.insert(id.to_string(), secret.to_string());
            }
            ["try", "rotate", id, secret] => {
                self.tried
                    .entry(id.to_string())
                    .or_default()
                    .push(secret.to_string());
            }
            ["done", "rotate", id, secret] => {
                self.acked.insert(id.to_string(), secret.to_string());
                self.tried.remove(*id);
            }
            ["try", "revoke", id] => {
                self.revoking.insert(id.to_string());
            }
            ["done", "revoke", id] => {
                self.revoked.insert(id.to_string());
            }
            _ => {}
        }
    }
}

/// Puts the vault back into the keyring layout of keydeck before spaces: every secret moved
/// to its old user, the rows back at revision 0, the layout mark removed.
async fn make_legacy(home: &std::path::Path) {
    let store = KeyringStore::new();
    let vault = Vault::open(home).await.unwrap();
    // Finish any work a killed child left (the vault may be half moved already).
    vault.doctor(false).await.unwrap();
    let id = vault.vault_id().to_string();
    vault.close().await;
    let space = Space::Vault(id.clone());
    let legacy = Space::Legacy(id);
    let db = home.join("vault.sqlite3");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&db)
        .busy_timeout(Duration::from_secs(10));
    let mut conn = sqlx::ConnectOptions::connect(&options).await.unwrap();
    let keys: Vec<(String, i64)> = sqlx::query_as("SELECT id, secret_rev FROM keys")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let sources: Vec<(String, String)> =
        sqlx::query_as("SELECT source, id FROM remote_keys WHERE has_secret")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let mut moves: Vec<(String, String)> = keys
        .iter()
        .map(|(id, rev)| (item::key(id, *rev), id.clone()))
        .collect();
    moves.push((item::credential("remote"), "source:remote".into()));
    moves.extend(
        sources
            .iter()
            .map(|(s, id)| (item::remote_key(s, id), format!("remote:{s}:{id}"))),
    );
    for (new, old) in moves {
        if let Some(secret) = store.get(&space, &new).unwrap() {
            store.set(&legacy, &old, &secret).unwrap();
            store.delete(&space, &new).unwrap();
        }
    }
    sqlx::query("UPDATE keys SET secret_rev = 0")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("DELETE FROM vault_meta WHERE key = 'keyring_layout'")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::Connection::close(conn).await.unwrap();
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

    // A remote source whose full keys go to the keyring at each sync.
    let server = MockServer::start().await;
    let keys: Vec<_> = (0..REMOTE_KEYS)
        .map(|i| {
            serde_json::json!({ "id": format!("r{i}"), "key": remote_secret(i), "keyType": "secret",
            "accountId": "acct", "name": format!("remote-{i}"), "revoked": false,
            "createdAt": "2025-01-01T00:00:00Z" })
        })
        .collect();
    Mock::given(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({ "keys": keys })))
        .mount(&server)
        .await;
    {
        let vault = Vault::open(home.path()).await.unwrap();
        let spec = SourceSpec {
            name: "remote".into(),
            url: server.uri(),
            dialect: Some(DialectId::D001),
            ..SourceSpec::default()
        };
        let client = Client::new(ClientConfig::default()).unwrap();
        vault
            .add_source(
                spec,
                Secret::new("crash-token-123456".into()).unwrap(),
                &client,
            )
            .await
            .unwrap();
        vault.close().await;
    }

    let exe = std::env::current_exe().unwrap();
    // What the children print when they fail: shown if the run goes wrong.
    let child_log = tempfile::NamedTempFile::new().unwrap();
    let journal = Arc::new(std::sync::Mutex::new(Journal::default()));
    let mut kills_mid_run = 0;
    let mut migrations = 0;
    for round in 0..ROUNDS {
        if round % LEGACY_EVERY == LEGACY_EVERY - 1 {
            make_legacy(home.path()).await;
            migrations += 1;
        }
        let mut child = Command::new(&exe)
            .args([
                "crash_child_works_the_vault_until_killed",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env(HOME_ENV, home.path())
            .stdout(Stdio::piped())
            .stderr(child_log.reopen().unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn({
            let journal = Arc::clone(&journal);
            move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    journal.lock().unwrap().read(&line);
                }
            }
        });
        tokio::time::sleep(Duration::from_millis(rng.u64(50..1000))).await;
        if child.try_wait().unwrap().is_none() {
            kills_mid_run += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
    }
    assert!(
        kills_mid_run >= ROUNDS - 2,
        "the child exited on its own ({kills_mid_run} kills landed)"
    );
    let journal = std::mem::take(&mut *journal.lock().unwrap());
    let log = std::fs::read_to_string(child_log.path()).unwrap_or_default();
    let done: usize = journal.done.values().sum();
    assert!(
        done >= 20 && journal.tried_kinds.values().filter(|n| **n >= 5).count() == 5,
        "the child did too little to test anything (began {:?}, acknowledged {:?}); its errors:\n{}",
        journal.tried_kinds,
        journal.done,
        log.lines()
            .filter(|l| l.contains("panicked") || l.contains("Error"))
            .take(20)
            .collect::<Vec<_>>()
            .join("\n")
    );

    let vault = Vault::open(home.path())
        .await
        .expect("the vault opens after the crashes");
    let report = vault.doctor(false).await.unwrap();
    assert_eq!(report.integrity, "ok");
    assert_eq!(
        report.missing_secrets,
        Vec::<String>::new(),
        "secrets the rows need were lost"
    );
    let listed: HashMap<String, KeyStatus> = vault
        .list(&ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|k| (k.id, k.status))
        .collect();
    let mut checked = 0;
    for (id, acked) in &journal.acked {
        let status = listed
            .get(id)
            .unwrap_or_else(|| panic!("key {id} was acknowledged but is not listed"));
        if journal.revoked.contains(id) {
            assert_eq!(*status, KeyStatus::Revoked, "{id} was acknowledged revoked");
            continue;
        }
        if *status == KeyStatus::Revoked {
            assert!(journal.revoking.contains(id), "{id} revoked unasked");
            continue;
        }
        let (_, secret) = vault.reveal(id).await.unwrap();
        let tried = journal.tried.get(id).cloned().unwrap_or_default();
        assert!(
            secret.expose() == acked || tried.iter().any(|t| t == secret.expose()),
            "key {id}: its secret is neither the acknowledged one nor one a killed rotate tried"
        );
        checked += 1;
    }
    for (id, _) in vault
        .list(&ListQuery {
            source: Some("remote".into()),
            ..ListQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|k| (k.id, ()))
    {
        let (_, secret) = vault.reveal(&id).await.unwrap();
        assert!(secret.expose().starts_with("sk_live_crash_remote_"));
    }
    println!(
        "{ROUNDS} kills ({migrations} after a move back to the old keyring layout): acknowledged \
         {:?} of {:?} begun; {} keys, {checked} revealed their acknowledged secret, {} revoked; \
         doctor: {} orphan secrets, {} secrets of revoked keys",
        journal.done,
        journal.tried_kinds,
        journal.acked.len(),
        journal.revoked.len(),
        report.orphan_secrets.len(),
        report.revoked_with_secret.len()
    );

    let repaired = vault.doctor(true).await.unwrap();
    assert_eq!(
        repaired.repaired.len(),
        report.orphan_secrets.len() + report.revoked_with_secret.len()
    );
    let after = vault.doctor(false).await.unwrap();
    assert!(after.healthy, "{after:?}");
}
