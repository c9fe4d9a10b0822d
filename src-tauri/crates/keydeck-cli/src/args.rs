//! The command line's arguments (clap): names, flags and help that scripts rely on.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand};
use keydeck_core::exchange::Format;
use keydeck_core::remote::DialectId;
use keydeck_core::vault::OnDuplicate;
use keydeck_core::{KeyStatus, SortField};
use strum::VariantNames;

#[derive(Parser)]
#[command(
    name = "keydeck",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("KEYDECK_COMMIT"), ")"),
    about = "A key manager for API keys: metadata in a local SQLite vault, secrets in the OS keyring.",
    after_help = "Secrets are read from stdin (never from arguments) and printed only by `reveal` \
                  and `export --include-secrets`."
)]
pub struct Cli {
    /// Data directory (default: the platform's data dir, e.g. ~/.local/share/keydeck).
    #[arg(long, global = true, env = "KEYDECK_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Print JSON (and errors as {"error": {"code", "message", "hint"}} on stderr).
    #[arg(long, global = true)]
    pub json: bool,
    /// Seconds a remote request may take, body included.
    #[arg(long, global = true, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
    /// Seconds to wait for a remote server to accept the connection.
    #[arg(long, global = true, default_value_t = 5, value_name = "SECS")]
    pub connect_timeout: u64,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Add a key. The secret comes from stdin unless --generate.
    Add {
        name: String,
        #[command(flatten)]
        meta: MetaArgs,
        /// Generate a random secret (32 bytes of OS randomness, base62).
        #[arg(long)]
        generate: bool,
        /// Readable prefix for a generated secret, e.g. kd_live_.
        #[arg(long, requires = "generate")]
        prefix: Option<String>,
    },
    /// List keys (metadata only).
    List {
        #[arg(long, value_parser = names::<KeyStatus>())]
        status: Option<KeyStatus>,
        /// Search name, scope, tag, id, owner, env and notes.
        #[arg(long)]
        search: Option<String>,
        /// Only keys with this scope.
        #[arg(long)]
        scope: Option<String>,
        /// Only keys of this source (`local` is the vault, `all` is --all).
        #[arg(long)]
        source: Option<String>,
        /// Every source: the vault and each remote source's last listing, with their source.
        #[arg(long, conflicts_with = "source")]
        all: bool,
        /// With --all: list each remote source again first (one that cannot be reached
        /// keeps its last listing, with a warning).
        #[arg(long)]
        sync: bool,
        /// Sort by a column.
        #[arg(long, value_parser = names::<SortField>())]
        sort: Option<SortField>,
        /// Sort in descending order.
        #[arg(long)]
        desc: bool,
    },
    /// Show one key's metadata, notes and history.
    Show {
        key: String,
        #[command(flatten)]
        pick: SourcePick,
    },
    /// Print one key's secret to stdout.
    Reveal {
        key: String,
        #[command(flatten)]
        pick: SourcePick,
        /// The secret before the last rotation, while `rotate --keep-previous` keeps it.
        #[arg(long)]
        previous: bool,
    },
    /// Put one key's secret on the clipboard and clear it later if it is still there.
    Copy {
        key: String,
        #[command(flatten)]
        pick: SourcePick,
        /// Seconds until the clipboard is cleared (0 = never; default: the settings', 30).
        #[arg(long, value_name = "SECS")]
        clear_after: Option<u64>,
        /// The secret before the last rotation, while `rotate --keep-previous` keeps it.
        #[arg(long)]
        previous: bool,
    },
    /// Change a key's metadata (its secret stays; see `rotate`).
    Edit {
        key: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        meta: MetaArgs,
        /// Remove the expiry date.
        #[arg(long, conflicts_with = "expires")]
        no_expires: bool,
    },
    /// Revoke a key: keep its row and history, delete its secret. A remote key is revoked
    /// on its server with the source's revoke template.
    ///
    /// With --search, --scope or --tag instead of a key: every unrevoked key they match (in
    /// every source, or in --source), each through its own path, with one reason; it lists
    /// them and revokes only with --yes.
    Revoke {
        #[arg(required_unless_present_any = ["search", "scope", "tag"])]
        key: Option<String>,
        #[command(flatten)]
        pick: SourcePick,
        #[arg(long)]
        reason: Option<String>,
        /// Revoke every key whose name, scope, tag, id, owner, env or notes match.
        #[arg(long, conflicts_with = "key")]
        search: Option<String>,
        /// Revoke every key with this scope.
        #[arg(long, conflicts_with = "key")]
        scope: Option<String>,
        /// Revoke every key with this tag.
        #[arg(long, conflicts_with = "key")]
        tag: Option<String>,
        /// Confirm a revoke of every matching key.
        #[arg(long, conflicts_with = "key")]
        yes: bool,
    },
    /// Delete a key and its secret.
    Rm {
        key: String,
        /// Confirm the deletion.
        #[arg(long)]
        yes: bool,
    },
    /// Replace a key's secret (from stdin unless --generate), keeping its id.
    Rotate {
        key: String,
        #[arg(long)]
        generate: bool,
        #[arg(long, requires = "generate")]
        prefix: Option<String>,
        /// Keep the old secret revealable (`reveal --previous`) this long, then delete it:
        /// 90s, 30m, 24h, 7d (at most 30d).
        #[arg(long, value_parser = parse_grace, value_name = "DURATION")]
        keep_previous: Option<chrono::Duration>,
        /// A new expiry: RFC 3339, or days from now (30d, 90d, 365d).
        #[arg(long, value_parser = parse_time, value_name = "RFC3339|DAYSd")]
        expires: Option<DateTime<Utc>>,
        /// Remove the expiry date.
        #[arg(long, conflicts_with = "expires")]
        no_expires: bool,
    },
    /// Import keys from a .env, JSON or CSV file: all of them or none.
    Import {
        file: PathBuf,
        /// File format (default: a manager's export by its columns, else by the extension;
        /// .env otherwise): env, json, csv, keepassxc, bitwarden-json, bitwarden-csv, 1password.
        #[arg(long, value_parser = names::<Format>())]
        format: Option<Format>,
        /// Show what would be imported without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// What to do with a name that already exists.
        #[arg(long, default_value = "error", value_parser = names::<OnDuplicate>())]
        on_duplicate: OnDuplicate,
    },
    /// Export the vault to stdout (metadata only unless --include-secrets).
    Export {
        #[arg(long, default_value = "json", value_parser = ["json", "csv"])]
        format: String,
        /// Include plaintext secrets (with a warning).
        #[arg(long)]
        include_secrets: bool,
        /// Write to FILE (created readable by you only; never overwritten) instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Copy the database to FILE (secrets stay in the keyring).
    Backup { file: PathBuf },
    /// Run COMMAND with keys' secrets in its environment (never in its arguments): each as
    /// its name in upper snake case (stripe-live → STRIPE_LIVE), or the variable given.
    Run {
        /// A key (vault first, then any source), optionally into VAR: NAME or NAME=VAR.
        #[arg(long = "key", value_name = "NAME[=VAR]")]
        keys: Vec<String>,
        /// Every unrevoked vault key with this tag.
        #[arg(long, value_name = "T")]
        tag: Option<String>,
        /// Every unrevoked vault key with this env.
        #[arg(long, value_name = "E")]
        env: Option<String>,
        /// The command and its arguments, after `--`.
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<std::ffi::OsString>,
    },
    /// Write TEMPLATE with each `{{ keydeck://NAME }}` replaced by that key's secret, to
    /// stdout or (owner-only, replaced whole) to FILE.
    Inject {
        #[arg(short = 'i', long = "in", value_name = "TEMPLATE")]
        template: PathBuf,
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Check the database and that it agrees with the keyring.
    Doctor {
        /// Delete orphan secrets and secrets of revoked keys.
        #[arg(long)]
        repair: bool,
    },
    /// Remote sources: servers that speak one of the five list-API dialects.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Serve the local vault on 127.0.0.1 as one of the five dialects (a demo server and
    /// the client's test peer). Dialects 001 and 004 return full keys, because their APIs
    /// do: only clients holding the token can read them.
    Serve {
        #[arg(long, value_parser = names::<DialectId>(), required_unless_present = "print_openapi")]
        dialect: Option<DialectId>,
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8787)]
        port: u16,
        /// File holding the token clients must send (default: a new one in the data dir).
        #[arg(long, value_name = "F")]
        token_file: Option<PathBuf>,
        /// 004: the user id whose keys are served (others get 404 user_not_found).
        #[arg(long, value_name = "ID")]
        user_id: Option<String>,
        /// Also accept `DELETE <list path>/{id}` to revoke a key (not in the seeds).
        #[arg(long)]
        allow_revoke: bool,
        /// Print the dialect's OpenAPI 3.1 description and exit.
        #[arg(long, value_name = "DIALECT", value_parser = names::<DialectId>())]
        print_openapi: Option<DialectId>,
    },
}

#[derive(Subcommand)]
pub enum SourceCommand {
    /// Add a remote source; its credential is read from stdin and kept in the keyring.
    Add {
        name: String,
        #[arg(long)]
        url: String,
        /// 000, 001, 002, 003, 004, or detect (tries each and says which answered).
        #[arg(long, value_parser = dialect_or_detect())]
        dialect: String,
        /// 004: the user whose keys to list.
        #[arg(long, value_name = "ID")]
        user_id: Option<String>,
        /// Header that carries the credential (default: the dialect's).
        #[arg(long, value_name = "H")]
        auth_header: Option<String>,
        /// Scheme before the credential, e.g. Bearer or ApiKey ("" for none).
        #[arg(long, value_name = "S")]
        auth_scheme: Option<String>,
        /// How to revoke a key on this server, e.g. "DELETE /api/v1/user/api-keys/{id}".
        #[arg(long, value_name = "TEMPLATE")]
        revoke: Option<String>,
        /// Allow plain http to another machine: anyone on the network path can then read
        /// the token and the keys.
        #[arg(long)]
        allow_insecure: bool,
        /// Save it without listing it first (a wrong token then shows at its first sync).
        #[arg(long)]
        no_sync: bool,
    },
    /// Change a source's settings; nothing changes unless its server lists keys with them.
    Edit {
        name: String,
        #[arg(long)]
        url: Option<String>,
        /// 000, 001, 002, 003, 004, or detect.
        #[arg(long, value_parser = dialect_or_detect())]
        dialect: Option<String>,
        /// 004: the user whose keys to list ("" to unset).
        #[arg(long, value_name = "ID")]
        user_id: Option<String>,
        /// Header that carries the credential ("" for the dialect's).
        #[arg(long, value_name = "H")]
        auth_header: Option<String>,
        /// Scheme before the credential ("" for none, "default" for the dialect's).
        #[arg(long, value_name = "S")]
        auth_scheme: Option<String>,
        /// How to revoke a key on this server ("" to unset).
        #[arg(long, value_name = "TEMPLATE")]
        revoke: Option<String>,
        /// Allow plain http to another machine (true or false).
        #[arg(long, value_name = "BOOL")]
        allow_insecure: Option<bool>,
    },
    /// List the sources with their sync state.
    List,
    /// Fetch a source's listing again (or every source's).
    Sync {
        #[arg(required_unless_present = "all")]
        name: Option<String>,
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
    /// Replace a source's credential (read from stdin) with one its server accepts.
    SetToken {
        name: String,
        /// Save it without listing the source with it first.
        #[arg(long)]
        no_sync: bool,
    },
    /// Remove a source, its cached listing and its secrets.
    Rm { name: String },
}

/// Which source a key is looked up in, when a name or id is in several.
#[derive(clap::Args)]
pub struct SourcePick {
    /// The key's source (`local` is the vault; default: the vault, then any source).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
}

/// Metadata options shared by `add` and `edit`.
#[derive(clap::Args)]
pub struct MetaArgs {
    /// A scope (repeat for several).
    #[arg(long = "scope", value_name = "S")]
    pub scopes: Vec<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "T")]
    pub tags: Vec<String>,
    /// Environment, e.g. prod or staging.
    #[arg(long, value_name = "E")]
    pub env: Option<String>,
    /// Expiry time: RFC 3339 (2027-01-31T00:00:00Z), or days from now (30d, 90d, 365d).
    #[arg(long, value_parser = parse_time, value_name = "RFC3339|DAYSd")]
    pub expires: Option<DateTime<Utc>>,
    #[arg(long)]
    pub notes: Option<String>,
}

/// A string enum of keydeck-core as a clap value: its names (listed in `--help`), parsed back.
fn names<T>() -> impl TypedValueParser<Value = T>
where
    T: std::str::FromStr + strum::VariantNames + Clone + Send + Sync + 'static,
{
    clap::builder::PossibleValuesParser::new(T::VARIANTS).map(|name| {
        name.parse::<T>()
            .ok()
            .expect("clap accepts listed names only")
    })
}

fn dialect_or_detect() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(DialectId::VARIANTS.iter().copied().chain(["detect"]))
}

/// An RFC 3339 time, or `Nd`: N days from now (the presets people pick: 30d, 90d, 365d).
fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    if let Some(days) = s.strip_suffix('d').and_then(|n| n.parse::<i64>().ok()) {
        if !(1..=36_500).contains(&days) {
            return Err(format!(
                "{days} days: give 1 to 36500 days, or an RFC 3339 time"
            ));
        }
        return Ok(Utc::now() + chrono::Duration::days(days));
    }
    keydeck_core::exchange::parse_time(s).map_err(|e| e.to_string())
}

/// A grace period: a number and a unit, `s`, `m`, `h` or `d` (as 90s, 30m, 24h, 7d).
fn parse_grace(s: &str) -> Result<chrono::Duration, String> {
    let unit = s.chars().last().unwrap_or(' ');
    let amount = s[..s.len() - unit.len_utf8().min(s.len())]
        .parse::<i64>()
        .ok();
    let grace = match (amount, unit) {
        (Some(n), 's') => chrono::Duration::try_seconds(n),
        (Some(n), 'm') => chrono::Duration::try_minutes(n),
        (Some(n), 'h') => chrono::Duration::try_hours(n),
        (Some(n), 'd') => chrono::Duration::try_days(n),
        _ => None,
    };
    let max = keydeck_core::vault::MAX_KEEP_PREVIOUS_DAYS;
    match grace {
        Some(grace) if grace > chrono::Duration::zero() && grace <= chrono::Duration::days(max) => {
            Ok(grace)
        }
        Some(_) => Err(format!(
            "{s}: keep the previous secret from 1s up to {max}d"
        )),
        None => Err(format!(
            "{s} is not a duration: write a number and a unit, as 90s, 30m, 24h or 7d"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_takes_days_from_now_or_an_rfc3339_time() {
        let in_90 = parse_time("90d").unwrap();
        let days = (in_90 - Utc::now()).num_minutes() as f64 / 1440.0;
        assert!((89.99..=90.0).contains(&days), "{days}");
        assert_eq!(
            parse_time("2027-01-31T00:00:00Z").unwrap().to_rfc3339(),
            "2027-01-31T00:00:00+00:00"
        );
        assert!(parse_time("0d").unwrap_err().contains("1 to 36500 days"));
        assert!(parse_time("next week").is_err());
    }

    #[test]
    fn a_grace_period_is_a_number_and_a_unit_up_to_30_days() {
        assert_eq!(parse_grace("24h"), Ok(chrono::Duration::hours(24)));
        assert_eq!(parse_grace("90s"), Ok(chrono::Duration::seconds(90)));
        assert_eq!(parse_grace("30d"), Ok(chrono::Duration::days(30)));
        assert!(parse_grace("31d").unwrap_err().contains("up to 30d"));
        assert!(parse_grace("0h").unwrap_err().contains("up to 30d"));
        assert!(parse_grace("-1h").unwrap_err().contains("up to 30d"));
        for bad in ["", "h", "24", "1w", "1.5h", "ü"] {
            assert!(
                parse_grace(bad).unwrap_err().contains("not a duration"),
                "{bad}"
            );
        }
    }
}
