//! `bench/results/ratios.svg`: every group's ratios from its stored JSON, one horizontal bar
//! each, its target marked with a tick, bars over their target in another colour. Written by
//! hand (a few dozen SVG elements), so the bench needs no plotting library.

use std::fmt::Write;
use std::path::Path;

use serde_json::Value;

/// The groups in the order bench/run.sh runs them; any other group's file comes after.
const ORDER: [&str; 5] = ["vault", "cli", "remote", "startup", "import"];

const WIDTH: f64 = 1000.0;
/// Where the bars start and end; the labels are on their left, the values on their right.
const BAR_X0: f64 = 560.0;
const BAR_X1: f64 = 880.0;
const ROW: f64 = 24.0;
const BAR: f64 = 14.0;
const OK: &str = "#2e7d32";
const OVER: &str = "#c62828";
const NO_TARGET: &str = "#78909c";
/// Labels longer than this are cut (DejaVu Sans at 12 px: about 6.6 px a character).
const LABEL_CHARS: usize = 80;

/// A bar to draw: its label, ratio and target.
struct Bar {
    label: String,
    ratio: f64,
    target: Option<f64>,
}

/// Draws the chart from every `*.json` in `dir` into `dir/ratios.svg`.
pub fn render(dir: &Path) {
    let groups = load(dir);
    let path = dir.join("ratios.svg");
    std::fs::write(&path, svg(&groups)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    eprintln!("chart: {}", path.display());
}

/// Each group's name and bars, in [`ORDER`].
fn load(dir: &Path) -> Vec<(String, Vec<Bar>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    let mut groups: Vec<(String, Vec<Bar>)> = files.iter().map(|path| read(path)).collect();
    let rank = |name: &str| ORDER.iter().position(|g| *g == name).unwrap_or(ORDER.len());
    groups.sort_by(|a, b| (rank(&a.0), &a.0).cmp(&(rank(&b.0), &b.0)));
    groups
}

fn read(path: &Path) -> (String, Vec<Bar>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let group = file["group"].as_str().unwrap_or("?").to_string();
    let rows = file["rows"].as_array().cloned().unwrap_or_default();
    let bars = rows
        .iter()
        .map(|row| Bar {
            label: row["what"].as_str().unwrap_or("?").replace('`', ""),
            ratio: row["ratio"].as_f64().unwrap_or(0.0),
            target: row["target"].as_f64(),
        })
        .collect();
    (group, bars)
}

fn svg(groups: &[(String, Vec<Bar>)]) -> String {
    let bars = groups.iter().map(|(_, b)| b.len()).sum::<usize>();
    let top = 78.0;
    let height = top + ROW * (bars + groups.len()) as f64 + 40.0;
    let most = groups
        .iter()
        .flat_map(|(_, b)| b)
        .flat_map(|b| [b.ratio, b.target.unwrap_or(0.0)])
        .fold(2.0_f64, f64::max)
        .ceil();
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="16" y="26" font-size="16" font-weight="bold" fill="#212121">keydeck against its baselines (same run, same data): ratio, lower is better</text>
"##
    );
    legend(&mut out);
    axis(&mut out, most, top - 8.0, height - 34.0);
    let mut y = top;
    for (group, bars) in groups {
        let _ = writeln!(
            out,
            r##"<text x="16" y="{:.0}" font-weight="bold" fill="#212121">{}</text>"##,
            y + 14.0,
            escape(group)
        );
        y += ROW;
        for bar in bars {
            draw(&mut out, bar, y, most);
            y += ROW;
        }
    }
    out.push_str("</svg>\n");
    out
}

fn legend(out: &mut String) {
    let items = [
        (OK, "within its target"),
        (OVER, "over its target"),
        (NO_TARGET, "no ratio target"),
    ];
    let mut x = 16.0;
    for (colour, text) in items {
        let _ = writeln!(
            out,
            r##"<rect x="{x}" y="40" width="12" height="12" fill="{colour}"/><text x="{}" y="50" fill="#424242">{text}</text>"##,
            x + 17.0
        );
        x += 150.0;
    }
    let _ = writeln!(
        out,
        r##"<line x1="{x}" y1="37" x2="{x}" y2="55" stroke="#000000" stroke-width="3"/><text x="{}" y="50" fill="#424242">target (highest ratio that meets it)</text>"##,
        x + 8.0
    );
}

/// Grid lines at whole ratios, labelled below; 1× (parity) dashed.
fn axis(out: &mut String, most: f64, y0: f64, y1: f64) {
    let step = if most > 10.0 {
        (most / 10.0).ceil()
    } else {
        1.0
    };
    let mut tick = 0.0;
    while tick <= most {
        let x = scale(tick, most);
        let _ = writeln!(
            out,
            r##"<line x1="{x:.1}" y1="{y0}" x2="{x:.1}" y2="{y1}" stroke="#e0e0e0"/><text x="{x:.1}" y="{:.0}" text-anchor="middle" fill="#616161">{tick}×</text>"##,
            y1 + 16.0
        );
        tick += step;
    }
    let x = scale(1.0, most);
    let _ = writeln!(
        out,
        r##"<line x1="{x:.1}" y1="{y0}" x2="{x:.1}" y2="{y1}" stroke="#9e9e9e" stroke-dasharray="4 3"/>"##
    );
}

fn draw(out: &mut String, bar: &Bar, y: f64, most: f64) {
    let colour = match bar.target {
        Some(target) if bar.ratio > target => OVER,
        Some(_) => OK,
        None => NO_TARGET,
    };
    let end = scale(bar.ratio, most);
    let _ = writeln!(
        out,
        r##"<text x="28" y="{:.0}" fill="#212121">{}</text><rect x="{BAR_X0}" y="{:.0}" width="{:.1}" height="{BAR}" fill="{colour}"/>"##,
        y + 14.0,
        escape(&cut(&bar.label)),
        y + 3.0,
        (end - BAR_X0).max(1.0),
    );
    let mut value = format!("{:.2}×", bar.ratio);
    if let Some(target) = bar.target {
        let x = scale(target, most);
        let _ = writeln!(
            out,
            r##"<line x1="{x:.1}" y1="{:.0}" x2="{x:.1}" y2="{:.0}" stroke="#000000" stroke-width="3"/>"##,
            y,
            y + BAR + 6.0
        );
        let _ = write!(value, " (≤ {target}×)");
    }
    let _ = writeln!(
        out,
        r##"<text x="{:.1}" y="{:.0}" fill="#212121">{value}</text>"##,
        end.max(scale(bar.target.unwrap_or(0.0), most)) + 6.0,
        y + 14.0
    );
}

fn scale(ratio: f64, most: f64) -> f64 {
    BAR_X0 + (BAR_X1 - BAR_X0) * ratio / most
}

fn cut(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    label.chars().take(LABEL_CHARS - 1).collect::<String>() + "…"
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
