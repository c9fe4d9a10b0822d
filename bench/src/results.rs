//! The measured rows: printed as a Markdown table line, kept per group in
//! `bench/results/<group>.json` (committed), and drawn together in `bench/results/ratios.svg`.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};

/// One measurement: keydeck against its baseline, measured in the same run on the same data.
pub struct Row {
    pub what: String,
    pub keydeck: f64,
    pub baseline: f64,
    /// What the baseline is ("bare SELECT of the rows").
    pub baseline_what: String,
    /// "ms" or "MiB".
    pub unit: &'static str,
    /// The highest ratio that meets the target, when the target is a ratio.
    pub target: Option<f64>,
    /// A target that is not a ratio ("< 40 MiB", "flat"), said in words.
    pub target_note: Option<&'static str>,
}

impl Row {
    /// A row of two wall times, in milliseconds.
    pub fn times(
        what: impl Into<String>,
        ours: Duration,
        baseline: Duration,
        baseline_what: &str,
    ) -> Row {
        Row::new(what, ms(ours), ms(baseline), baseline_what, "ms")
    }

    pub fn new(
        what: impl Into<String>,
        keydeck: f64,
        baseline: f64,
        baseline_what: &str,
        unit: &'static str,
    ) -> Row {
        Row {
            what: what.into(),
            keydeck,
            baseline,
            baseline_what: baseline_what.into(),
            unit,
            target: None,
            target_note: None,
        }
    }

    /// Meets its target at `ratio` or below.
    pub fn target(self, ratio: f64) -> Row {
        Row {
            target: Some(ratio),
            ..self
        }
    }

    pub fn note(self, note: &'static str) -> Row {
        Row {
            target_note: Some(note),
            ..self
        }
    }

    pub fn ratio(&self) -> f64 {
        self.keydeck / self.baseline
    }

    /// The row as a line of BENCHMARKS.md's tables.
    pub fn print(&self) {
        let target = match (self.target, self.target_note) {
            (Some(ratio), _) => format!("≤ {ratio}×"),
            (None, Some(note)) => note.to_string(),
            (None, None) => String::new(),
        };
        println!(
            "| {} | {:.1} {unit} | {}: {:.1} {unit} | {:.2}× | {target} |",
            self.what,
            self.keydeck,
            self.baseline_what,
            self.baseline,
            self.ratio(),
            unit = self.unit,
        );
    }

    fn to_json(&self) -> Value {
        json!({
            "what": self.what,
            "keydeck": round(self.keydeck),
            "baseline": round(self.baseline),
            "baseline_what": self.baseline_what,
            "unit": self.unit,
            "ratio": round(self.ratio()),
            "target": self.target,
            "target_note": self.target_note,
        })
    }
}

pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Where the results live: `bench/results` of the checkout bench/run.sh runs in (it changes
/// to the repository's root), or `KEYDECK_BENCH_RESULTS`.
pub fn dir() -> PathBuf {
    std::env::var_os("KEYDECK_BENCH_RESULTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("bench/results"))
}

/// Writes `group`'s rows to `bench/results/<group>.json` and draws the chart again from
/// every group's file.
pub fn record(group: &str, rows: &[Row]) {
    let dir = dir();
    std::fs::create_dir_all(&dir).expect("bench/results can be created");
    let file = json!({
        "group": group,
        "date": chrono::Local::now().format("%Y-%m-%d").to_string(),
        "machine": machine(),
        "rows": rows.iter().map(Row::to_json).collect::<Vec<_>>(),
    });
    let path = dir.join(format!("{group}.json"));
    let text = serde_json::to_string_pretty(&file).expect("JSON") + "\n";
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    crate::chart::render(&dir);
}

/// "2 cores, 23.4 GiB": what the figures were measured on.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kib: f64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let line = info
                .lines()
                .find(|l| l.starts_with("MemTotal:"))?
                .to_string();
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0.0);
    format!("{cores} cores, {:.1} GiB", kib / 1024.0 / 1024.0)
}

/// The median of `values` (the upper one of an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}
