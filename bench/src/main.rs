//! keydeck's benchmarks. Each one times keydeck against a baseline measured in the same run
//! on the same data, and prints the ratio: wall-clock numbers on a shared machine drift,
//! ratios much less. Run with `bash bench/run.sh [group]` (release build); each group writes
//! its rows to `bench/results/<group>.json` and the chart `bench/results/ratios.svg` is drawn
//! again from all of them (`bash bench/run.sh chart` only draws it); the tables go to
//! BENCHMARKS.md.

mod chart;
mod cli;
mod import;
mod results;
mod startup;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use keydeck_core::remote::client::Endpoint;
use keydeck_core::remote::{Client, ClientConfig, DialectId};
use keydeck_core::vault::SourceSpec;
use keydeck_core::{ListQuery, MemoryStore, Secret, SecretStore, Vault};

use results::Row;

const USAGE: &str = "usage: keydeck-bench <path to the keydeck binary> \
                     [vault|cli|remote|startup|import]  |  keydeck-bench chart";
const GROUPS: [&str; 5] = ["vault", "cli", "remote", "startup", "import"];

/// The fastest of `runs` timings of `f` (the least disturbed by the rest of the machine).
async fn best<F, Fut, T>(runs: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(f().await);
        best = best.min(started.elapsed());
    }
    best
}

/// Prints a group's rows as they come and stores them when it is done.
fn record(group: &str, rows: Vec<Row>) {
    for row in &rows {
        row.print();
    }
    results::record(group, &rows);
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let keydeck = args.next().expect(USAGE);
    if keydeck == "chart" {
        chart::render(&results::dir());
        return;
    }
    // One group alone when named (`bash bench/run.sh cli`), every group otherwise.
    let only = args.next();
    if let Some(group) = only.as_deref() {
        assert!(GROUPS.contains(&group), "no group {group:?}; {USAGE}");
    }
    let wanted = |group: &str| only.as_deref().is_none_or(|o| o == group);
    println!("| what | keydeck | baseline (same run) | ratio | target |");
    println!("| --- | --- | --- | --- | --- |");
    if wanted("vault") {
        let mut rows = vec![listing().await];
        let dir = tempfile::tempdir().unwrap();
        let vault10k = keydeck_testkit::bulk_vault(dir.path(), 10_000).await;
        rows.push(search(&vault10k).await);
        record("vault", rows);
    }
    if wanted("cli") {
        record("cli", cli_listing(&keydeck).await);
    }
    if wanted("remote") {
        record("remote", remote(&keydeck).await);
    }
    if wanted("startup") {
        // The window and the empty one are built beside the CLI.
        let bin_dir = Path::new(&keydeck).parent().expect("the binaries' folder");
        record("startup", startup::run(bin_dir).await);
    }
    if wanted("import") {
        record("import", import::run(&keydeck));
    }
}

/// Benchmark 1: listing 100,000 vault keys vs reading the same rows with one bare SELECT.
async fn listing() -> Row {
    let dir = tempfile::tempdir().unwrap();
    let vault = keydeck_testkit::bulk_vault(dir.path(), 100_000).await;
    let everything = ListQuery::default();
    let list = best(5, || vault.list(&everything)).await;
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("vault.sqlite3").display()
    ))
    .await
    .unwrap();
    let bare = best(5, || async {
        sqlx::query_as::<_, (String, String, String, String, String)>(
            "SELECT id, name, mask, scopes, tags FROM keys ORDER BY name",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    })
    .await;
    Row::times(
        "list 100,000 vault keys (status, JSON columns, sort)",
        list,
        bare,
        "bare SELECT of the rows",
    )
}

/// `keydeck list --json` against `sqlite3 -json` of the same rows: time and peak memory.
/// The targets: 2× sqlite3's time at 100,000 keys, under 40 MiB there, and as flat at 1,000,000.
async fn cli_listing(keydeck: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let sizes = [
        (100_000, "100,000", 5, "< 40 MiB"),
        (1_000_000, "1,000,000", 3, "flat"),
    ];
    for (count, label, runs, memory_target) in sizes {
        let v = cli::list_json(keydeck, count, runs).await;
        let time = Row::times(
            format!("`keydeck list --json`, {label} keys (median wall time)"),
            v.ours,
            v.theirs,
            "`sqlite3 -json`, same rows and order",
        );
        rows.push(if count == 100_000 {
            time.target(2.0)
        } else {
            time
        });
        let mib = |kib: i64| kib as f64 / 1024.0;
        rows.push(
            Row::new(
                format!("`keydeck list --json`, {label} keys (peak memory)"),
                mib(v.ours_peak_kib),
                mib(v.theirs_peak_kib),
                "`sqlite3 -json`",
                "MiB",
            )
            .note(memory_target),
        );
    }
    rows
}

/// Benchmark 2: a search keystroke at 10,000 keys vs listing them all.
async fn search(vault10k: &Vault) -> Row {
    let everything = ListQuery::default();
    let all = best(9, || vault10k.list(&everything)).await;
    let keystroke = ListQuery {
        search: Some("ce-0042".into()),
        ..ListQuery::default()
    };
    let search = best(9, || vault10k.list(&keystroke)).await;
    Row::times(
        "search keystroke over 10,000 keys (name, scope, tag, id, owner)",
        search,
        all,
        "list all 10,000",
    )
}

/// Benchmarks 3 and 4, over `keydeck serve --dialect 002` of a vault of 10,000 keys.
async fn remote(keydeck: &str) -> Vec<Row> {
    let home = tempfile::tempdir().unwrap();
    keydeck_testkit::bulk_vault(home.path(), 10_000)
        .await
        .close()
        .await;
    let (mut serve, url) = serve_002(keydeck, home.path());
    let (listing, bare) = remote_listing(&url).await;
    let sync = remote_sync(&url, bare).await;
    let _ = serve.kill();
    let _ = serve.wait();
    vec![listing, sync]
}

/// `keydeck serve --dialect 002` over the vault in `home`, and its URL.
fn serve_002(keydeck: &str, home: &Path) -> (std::process::Child, String) {
    let mut serve = Command::new(keydeck)
        .args(["serve", "--dialect", "002", "--port", "0", "--token-file"])
        .arg(token_file(home))
        .env("KEYDECK_HOME", home)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("keydeck serve starts");
    use std::io::BufRead;
    let mut line = String::new();
    std::io::BufReader::new(serve.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    (serve, url)
}

/// Benchmark 3: 10,000 keys over 002 paging vs a bare HTTP loop over the same pages (that
/// time is the answer: the next benchmark's baseline too).
async fn remote_listing(url: &str) -> (Row, Duration) {
    let client = Client::new(ClientConfig::default()).unwrap();
    let base = url::Url::parse(url).unwrap();
    let credential = Secret::new(TOKEN.into()).unwrap();
    let auth = DialectId::D002.dialect().default_auth();
    let endpoint = Endpoint {
        name: "bench",
        base_url: &base,
        auth: &auth,
        credential: &credential,
    };
    let watch = keydeck_core::remote::SyncWatch::default();
    let listing = client.list(&endpoint, DialectId::D002.dialect(), None, &watch);
    assert_eq!(listing.await.unwrap().keys.len(), 10_000);
    let ours = best(5, || {
        client.list(&endpoint, DialectId::D002.dialect(), None, &watch)
    })
    .await;
    let bare = best(5, || bare_pages(url)).await;
    let row = Row::times(
        "fetch + decode 10,000 keys over 002 (50 pages)",
        ours,
        bare,
        "bare HTTP loop, same pages",
    );
    (row, bare)
}

/// Every page of the 002 listing with a plain HTTP client and serde_json.
async fn bare_pages(url: &str) {
    let http = reqwest::Client::new();
    let mut after: Option<String> = None;
    loop {
        let mut request = http
            .get(format!("{url}/api/v1/api-keys?limit=200"))
            .header("X-API-Key", TOKEN);
        if let Some(cursor) = &after {
            request = request.query(&[("after", cursor)]);
        }
        let body = request.send().await.unwrap().bytes().await.unwrap();
        let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
        match page["meta"]["after"].as_str() {
            Some(next) if page["meta"]["has_more"] == true => after = Some(next.to_string()),
            _ => break,
        }
    }
}

/// Benchmark 4: the same, stored: a whole source sync (fetch, decode, replace the cache).
async fn remote_sync(url: &str, bare: Duration) -> Row {
    let client = Client::new(ClientConfig::default()).unwrap();
    let client_home = tempfile::tempdir().unwrap();
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    let client_vault = Vault::open_with(client_home.path(), store).await.unwrap();
    let spec = SourceSpec {
        name: "bench".into(),
        url: url.to_string(),
        dialect: Some(DialectId::D002),
        ..SourceSpec::default()
    };
    client_vault
        .add_source(spec, Secret::new(TOKEN.into()).unwrap(), &client)
        .await
        .unwrap();
    let sync = best(3, || client_vault.sync_source("bench", &client)).await;
    Row::times(
        "`source sync` of 10,000 keys over 002 (fetch + replace cache)",
        sync,
        bare,
        "bare HTTP loop, same pages",
    )
}

const TOKEN: &str = "kd_bench_token_0123456789";

fn token_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("bench.token");
    std::fs::write(&path, TOKEN).unwrap();
    path
}
