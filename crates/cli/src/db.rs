//! `craft db …`: import vulnerability data, show what the database holds, show one merged
//! vulnerability with its provenance.

use crate::{output, Ctx, Format};
use anyhow::Context;
use clap::{Args, Subcommand};
use comfy_table::Table;
use craft_vulndb::{Limits, Precedence, SqliteStore, Store};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::PathBuf;

/// Import and query the local vulnerability database.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import vulnerability data from local files, directories and archives (air-gapped).
    ///
    /// Each input's format is detected from its content: OSV records (JSON or YAML, single
    /// files, trees, `all.zip`), NVD CVE API 2.0 JSON (pages, feed files, single CVEs), CVE
    /// List V5 records (CNA and ADP containers; the Linux kernel CNA's `vulns` tree), the
    /// CISA KEV catalog, EPSS CSV. Archives: .zip, .tar, .tar.gz, .tar.zst, nested.
    ///
    /// The import is one transaction: if it fails or is interrupted, the database stays as
    /// it was. Records skipped (and why) are counted per source in the report.
    #[command(after_help = "\
Examples:
  craft db import osv-all.zip nvdcve-2.0-2024.json.gz known_exploited_vulnerabilities.json
  craft db import --db ./vulndb ~/mirror/cvelistV5/cves ~/mirror/vulns/cve
  craft --format json db import epss_scores-2026-11-28.csv.gz
  craft db import --bundle vulndb-2026-11-28.craftdb --verify-key 3b6a27bc…")]
    Import {
        #[command(flatten)]
        db: DbArg,
        /// Files, directories or archives to import.
        #[arg(required_unless_present = "bundle")]
        paths: Vec<PathBuf>,
        /// Replace the whole database with a bundle made by `craft db export` (verified
        /// before anything changes).
        #[arg(long, value_name = "FILE", conflicts_with = "paths")]
        bundle: Option<PathBuf>,
        /// Refuse the bundle unless it is signed by this ed25519 public key (64 hex digits,
        /// or a file holding them).
        #[arg(long, value_name = "KEY", requires = "bundle")]
        verify_key: Option<String>,
    },
    /// Write the whole database to one compressed, checksummed bundle file, optionally
    /// signed (ed25519), for `craft db import --bundle` on another machine.
    #[command(after_help = "\
Examples:
  craft db export -o vulndb-2026-11-28.craftdb
  craft db keygen -o release.key        # once; prints the public key to give importers
  craft db export -o vulndb.craftdb --sign-key release.key")]
    Export {
        #[command(flatten)]
        db: DbArg,
        /// The bundle file to write (written to a temporary file, then renamed).
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
        /// Sign the bundle with this secret key (a file from `craft db keygen`).
        #[arg(long, value_name = "FILE")]
        sign_key: Option<PathBuf>,
    },
    /// Make an ed25519 key pair for signing bundles: the secret key goes to a new file
    /// (mode 0600), the public key is printed.
    #[command(after_help = "\
Examples:
  craft db keygen -o release.key")]
    Keygen {
        /// The secret key file to create (refuses to overwrite).
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
    },
    /// Fetch the feeds over HTTPS (conditional, resumable, with retries) and import what
    /// changed, atomically.
    ///
    /// The feeds are the database directory's `feeds.toml` (`[[feed]] name = "kev"
    /// url = "https://…"`, e.g. an internal mirror), else the official ones: CISA KEV, EPSS,
    /// the kernel CNA's tree, CVE List V5 (baseline, then deltas), the NVD CVE API 2.0 (everything the
    /// first time, then what changed since; set `NVD_API_KEY` for NVD's faster rate limit),
    /// and the OSV data of the main ecosystems (`all.zip`, then the records modified since).
    /// If any feed fails after its retries, nothing is imported.
    #[command(after_help = "\
Examples:
  craft db update
  craft db update --only kev --only epss
  craft --format json db update --db ./vulndb")]
    Update {
        #[command(flatten)]
        db: DbArg,
        /// Fetch only these feeds (by name; repeatable).
        #[arg(long, value_name = "NAME")]
        only: Vec<String>,
        /// Attempts after the first, per feed.
        #[arg(long, default_value_t = 5)]
        retries: u32,
    },
    /// Show per-source counts and freshness.
    #[command(after_help = "\
Examples:
  craft db status
  craft --format json db status --db ./vulndb")]
    Status {
        #[command(flatten)]
        db: DbArg,
    },
    /// Show one vulnerability, merged from every source, looked up by any of its ids.
    ///
    /// Every field names the record it came from; affected ranges are ranked by the source
    /// precedence (`precedence.toml` in the database directory overrides the default).
    #[command(after_help = "\
Examples:
  craft db show CVE-2021-44228
  craft db show GHSA-jfh8-c2jp-5v3q      # the same vulnerability, by an alias
  craft --format json db show GO-2022-0969")]
    Show {
        #[command(flatten)]
        db: DbArg,
        /// A CVE, GHSA, OSV or other id, or any alias.
        id: String,
    },
}

/// The database directory option every `db` command takes.
#[derive(Debug, Default, Args)]
pub struct DbArg {
    /// Database directory [default: $CRAFT_DB, else the user data directory's `craft/db`].
    #[arg(long, value_name = "DIR")]
    db: Option<PathBuf>,
}

impl DbArg {
    /// The directory to use.
    pub fn dir(&self) -> anyhow::Result<PathBuf> {
        if let Some(d) = &self.db {
            return Ok(d.clone());
        }
        if let Some(d) = std::env::var_os("CRAFT_DB").filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(d));
        }
        default_dir()
            .context("no --db given, CRAFT_DB unset, and no user data directory (HOME) known")
    }
}

/// The platform's user data directory for craft's database.
fn default_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    let base = if cfg!(target_os = "macos") {
        home.map(|h| h.join("Library/Application Support"))
    } else if cfg!(windows) {
        std::env::var_os("LOCALAPPDATA").map(PathBuf::from)
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(".local/share")))
    };
    base.map(|b| b.join("craft").join("db"))
}

/// Run a `craft db` command; the exit code on success.
pub fn run(cmd: DbCommand, ctx: Ctx) -> anyhow::Result<u8> {
    match cmd {
        DbCommand::Import {
            db,
            bundle: Some(bundle),
            verify_key,
            ..
        } => import_bundle(ctx, &db.dir()?, &bundle, verify_key.as_deref()),
        DbCommand::Import { db, paths, .. } => import(ctx, &db.dir()?, &paths),
        DbCommand::Export {
            db,
            output,
            sign_key,
        } => export(ctx, &db.dir()?, &output, sign_key.as_deref()),
        DbCommand::Keygen { output } => keygen(ctx, &output),
        DbCommand::Status { db } => status(ctx, &db.dir()?),
        DbCommand::Update { db, only, retries } => update(ctx, &db.dir()?, &only, retries),
        DbCommand::Show { db, id } => show(ctx, &db.dir()?, &id),
    }
}

fn import(ctx: Ctx, dir: &std::path::Path, paths: &[PathBuf]) -> anyhow::Result<u8> {
    for p in paths {
        anyhow::ensure!(p.exists(), "`{}` does not exist", p.display());
    }
    let mut store = SqliteStore::create(dir)?;
    let bar = if ctx.quiet {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {pos} files read ({per_sec}) {elapsed}")
        {
            b.set_style(style);
        }
        b
    };
    let started = std::time::Instant::now();
    let report = store.import(paths, &Limits::default(), &mut |n| {
        if n % 64 == 0 {
            bar.set_position(n);
        }
    })?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    match ctx.format {
        Format::Json => output::json(&serde_json::json!({
            "db": dir.display().to_string(),
            "seconds": secs,
            "report": report,
        }))?,
        Format::Human => {
            let mut t = Table::new();
            t.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
            t.set_header([
                "source",
                "read",
                "new",
                "updated",
                "unchanged",
                "skipped",
                "notes",
                "merged",
            ]);
            let mut row = |name: &str, s: &craft_vulndb::report::SourceStats| {
                t.add_row([
                    name.to_string(),
                    s.read.to_string(),
                    s.imported.to_string(),
                    s.updated.to_string(),
                    s.unchanged.to_string(),
                    s.skipped_total().to_string(),
                    s.notes.values().sum::<u64>().to_string(),
                    s.merged.to_string(),
                ]);
            };
            for (name, s) in &report.sources {
                row(name, s);
            }
            if report.unrecognised.skipped_total() > 0 {
                row("(not vulnerability data)", &report.unrecognised);
            }
            println!("{t}");
            let mut reasons: std::collections::BTreeMap<String, u64> = Default::default();
            for s in report
                .sources
                .values()
                .chain(std::iter::once(&report.unrecognised))
            {
                for (k, n) in s.skipped.iter().chain(&s.notes) {
                    *reasons.entry(k.clone()).or_default() += n;
                }
            }
            for (code, n) in &reasons {
                let ex = report.examples.get(code).and_then(|e| e.first());
                match ex {
                    Some(e) => println!("  {code}: {n} (e.g. {}: {})", e.origin, e.detail),
                    None => println!("  {code}: {n}"),
                }
            }
            println!(
                "{} vulnerabilities after merging ({} join several CVE ids); {:.1} MB read in {secs:.1} s into `{}`",
                report.vulnerabilities,
                report.multi_cve,
                report.bytes as f64 / 1e6,
                dir.display()
            );
        }
    }
    Ok(0)
}

fn import_bundle(
    ctx: Ctx,
    dir: &std::path::Path,
    bundle: &std::path::Path,
    key: Option<&str>,
) -> anyhow::Result<u8> {
    let key = key.map(craft_vulndb::bundle::verifying_key).transpose()?;
    let done = craft_vulndb::bundle::import(dir, bundle, key.as_ref())?;
    match ctx.format {
        Format::Json => output::json(&done)?,
        Format::Human => {
            println!(
                "imported bundle `{}` ({} created {}, signature {}) into `{}`",
                bundle.display(),
                done.manifest.sha256.get(..16).unwrap_or_default(),
                done.manifest.created,
                done.signature,
                dir.display()
            );
            for s in &done.manifest.sources {
                println!("  {:<11} {:>8} records", s.source, s.records);
            }
        }
    }
    Ok(0)
}

fn export(
    ctx: Ctx,
    dir: &std::path::Path,
    out: &std::path::Path,
    key: Option<&std::path::Path>,
) -> anyhow::Result<u8> {
    let key = key.map(craft_vulndb::bundle::signing_key).transpose()?;
    let store = SqliteStore::open(dir)?;
    let manifest = craft_vulndb::bundle::export(&store, out, key.as_ref())?;
    match ctx.format {
        Format::Json => output::json(&manifest)?,
        Format::Human => println!(
            "wrote `{}`: database of {:.1} MB, SHA-256 {}{}",
            out.display(),
            manifest.bytes as f64 / 1e6,
            manifest.sha256,
            if key.is_some() { ", signed" } else { "" }
        ),
    }
    Ok(0)
}

fn keygen(ctx: Ctx, out: &std::path::Path) -> anyhow::Result<u8> {
    use std::io::Write;
    let (secret, public) = craft_vulndb::bundle::keygen()?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(out)
        .with_context(|| format!("cannot create `{}` (it must not exist yet)", out.display()))?;
    writeln!(f, "{secret}").with_context(|| format!("cannot write `{}`", out.display()))?;
    match ctx.format {
        Format::Json => output::json(
            &serde_json::json!({"secret_key_file": out.display().to_string(), "public_key": public}),
        )?,
        Format::Human => println!(
            "secret key written to `{}`; public key (give it to importers):\n{public}",
            out.display()
        ),
    }
    Ok(0)
}

fn update(ctx: Ctx, dir: &std::path::Path, only: &[String], retries: u32) -> anyhow::Result<u8> {
    use craft_vulndb::fetch::{self, Progress};
    let mut feeds = fetch::feeds_for_dir(dir)?;
    if !only.is_empty() {
        for name in only {
            anyhow::ensure!(
                feeds.iter().any(|f| &f.name == name),
                "no feed named `{name}` (feeds: {})",
                feeds
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        feeds.retain(|f| only.contains(&f.name));
    }
    let mut store = SqliteStore::create(dir)?;
    let opts = fetch::FetchOptions {
        retries,
        nvd_api_key: std::env::var("NVD_API_KEY").ok().filter(|k| !k.is_empty()),
        ..fetch::FetchOptions::default()
    };
    let bar = if ctx.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    };
    let bytes_style = ProgressStyle::with_template(
        "{msg:20} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    )
    .map(|s| s.progress_chars("=> "))
    .ok();
    let spin_style = ProgressStyle::with_template("{spinner} {msg}").ok();
    let result = fetch::update(&mut store, &feeds, &opts, &mut |p| match p {
        Progress::Start(name, total) => {
            bar.reset();
            bar.set_length(total.unwrap_or(0));
            if let Some(s) = bytes_style.clone() {
                bar.set_style(s);
            }
            bar.set_message(name.to_string());
        }
        Progress::Bytes(n) => bar.set_position(n),
        Progress::Retry(name, wait, why) => {
            bar.println(format!(
                "{name}: {why}; retrying in {:.0} s",
                wait.as_secs_f64()
            ));
        }
        Progress::Import(n) => {
            if let Some(s) = spin_style.clone() {
                bar.set_style(s);
            }
            bar.set_message(format!("importing: {n} files read"));
            bar.tick();
        }
    });
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(craft_vulndb::Error::Fetch { reason, report }) => {
            if ctx.format == Format::Json {
                output::json(&report)?;
            } else {
                print_feeds(&report.feeds);
            }
            anyhow::bail!("update failed, the database is unchanged: {reason}");
        }
        Err(e) => return Err(e.into()),
    };
    match ctx.format {
        Format::Json => output::json(&report)?,
        Format::Human => {
            print_feeds(&report.feeds);
            match &report.import {
                Some(r) => println!(
                    "imported: {} vulnerabilities after merging; {} records skipped (run `craft --format json db update` for reasons)",
                    r.vulnerabilities,
                    r.skipped_total()
                ),
                None => println!("nothing changed"),
            }
        }
    }
    Ok(0)
}

fn print_feeds(feeds: &[craft_vulndb::fetch::FeedResult]) {
    let mut t = Table::new();
    t.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
    t.set_header(["feed", "outcome", "bytes", "attempts", "notes"]);
    for f in feeds {
        t.add_row([
            f.name.clone(),
            f.outcome.to_string(),
            f.bytes.to_string(),
            f.attempts.to_string(),
            f.notes.join("; "),
        ]);
    }
    println!("{t}");
}

fn status(ctx: Ctx, dir: &std::path::Path) -> anyhow::Result<u8> {
    let store = SqliteStore::open(dir)?;
    let st = store.status()?;
    match ctx.format {
        Format::Json => output::json(&st)?,
        Format::Human => {
            let mut t = Table::new();
            t.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
            t.set_header([
                "source",
                "records",
                "rejected/withdrawn",
                "newest",
                "last import",
            ]);
            for s in &st.sources {
                t.add_row([
                    s.source.to_string(),
                    s.records.to_string(),
                    s.void.to_string(),
                    s.newest.clone().unwrap_or_else(|| "-".into()),
                    s.last_import.clone().unwrap_or_else(|| "never".into()),
                ]);
            }
            println!("{t}");
            println!(
                "{} vulnerabilities ({} ids and aliases), {} imports, {:.1} MB in `{}`",
                st.vulnerabilities,
                st.names,
                st.imports,
                st.bytes as f64 / 1e6,
                st.dir
            );
        }
    }
    Ok(0)
}

fn show(ctx: Ctx, dir: &std::path::Path, id: &str) -> anyhow::Result<u8> {
    let store = SqliteStore::open(dir)?;
    let precedence = Precedence::for_dir(dir)?;
    let Some(v) = store.vulnerability(id, &precedence)? else {
        anyhow::bail!("`{id}` is not in the database `{}`", dir.display());
    };
    match ctx.format {
        Format::Json => output::json(&v)?,
        Format::Human => print_vulnerability(&v),
    }
    Ok(0)
}

fn print_vulnerability(v: &craft_vulndb::Vulnerability) {
    let from = |f: &craft_vulndb::view::From| {
        if f.assigner.is_empty() {
            format!("{} {}", f.source, f.id)
        } else {
            format!("{}:{} {}", f.source, f.assigner, f.id)
        }
    };
    println!("{}  [{}]", v.id, v.status.value.status.name());
    if !v.aliases.is_empty() {
        println!("aliases: {}", v.aliases.join(", "));
    }
    if let Some(s) = &v.summary {
        println!("summary: {}  ({})", s.value.text, from(&s.from));
    }
    if let Some(d) = &v.details {
        let first: String = d.value.text.lines().take(3).collect::<Vec<_>>().join(" ");
        println!(
            "details: {}  ({})",
            craft_vulndb::parse::limit_text(&first, 300),
            from(&d.from)
        );
    }
    if let Some(k) = &v.kev {
        println!(
            "KEV: added {}, due {}, ransomware use {}",
            k.date_added,
            k.due_date.as_deref().unwrap_or("-"),
            k.ransomware.as_deref().unwrap_or("-")
        );
    }
    if let Some(e) = &v.epss {
        println!(
            "EPSS: {:.5} (percentile {:.5}){}",
            e.score,
            e.percentile,
            e.date
                .as_deref()
                .map(|d| format!(" on {d}"))
                .unwrap_or_default()
        );
    }
    if !v.severities.is_empty() {
        println!("severity:");
        for s in &v.severities {
            println!(
                "  {:<8} {:>5} {}  (by {}, {})",
                s.value.kind,
                s.value.score.map(|x| format!("{x:.1}")).unwrap_or_default(),
                s.value.vector,
                s.value.by,
                from(&s.from)
            );
        }
    }
    if !v.cwes.is_empty() {
        let mut c: Vec<String> = v
            .cwes
            .iter()
            .map(|c| format!("{} ({})", c.value.text, c.from.source))
            .collect();
        c.dedup();
        println!("weaknesses: {}", c.join(", "));
    }
    for f in &v.facts {
        println!("{}: {}  ({})", f.value.kind, f.value.value, from(&f.from));
    }
    if !v.affected.is_empty() {
        println!("affected:");
        for a in &v.affected {
            let text = craft_vulndb::view::range_summary(&a.form, &a.range);
            println!(
                "  {} {} [{}] {}  ({})",
                if a.trusted { "*" } else { " " },
                a.key,
                a.form,
                craft_vulndb::parse::limit_text(&text, 400),
                from(&a.from)
            );
        }
        println!("  (* = the range trusted by source precedence)");
    }
    println!("records:");
    for r in &v.records {
        println!(
            "  {}  modified {}  {}  from {}",
            from(&r.from),
            r.modified.as_deref().unwrap_or("-"),
            r.status.name(),
            r.origin
        );
    }
    for d in &v.disagreements {
        println!("disagreement: {d}");
    }
}
