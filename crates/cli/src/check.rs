//! `craft check PRODUCT_DIR`: the main job. Every release of a product scanned, and the
//! compliance summary.

use crate::scan::{fail_on_parser, finding_row, print_delta, FINDING_HEADER};
use crate::{output, Ctx, Format};
use anyhow::Context;
use clap::Args;
use comfy_table::Table;
use craft_product::check::{CheckReport, ReleaseReport};
use craft_product::{CheckContext, DatabaseInfo, Date, ProductDir};
use craft_scan::{FailOn, Matcher};
use craft_vulndb::{Limits, Precedence, SqliteStore, Store};
use std::path::{Path, PathBuf};

/// Check a product: scan every release's SBOMs and report what the CRA still asks.
///
/// Reads `craft.toml` in PRODUCT_DIR (the product, its releases and their SBOM files, the
/// support period, the policy), reads and checks each SBOM, matches it against the
/// vulnerability database, and prints per release the components, the findings by
/// priority and what changed since the last run, then the gaps: what the CRA asks of the
/// product that its directory does not show yet, each with its legal reference.
///
/// The database: `--db`, else `[vulndb] path`, else (when `[vulndb] import` lists local
/// vulnerability data) the product's own `.craft/vulndb`, else `CRAFT_DB` or the user's
/// database kept by `craft db update`. Each run is recorded in `.craft/last-check.json` for
/// the next run's "since last run" (not with `--release` or `--no-save`, nor when an SBOM
/// cannot be read).
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft check examples/gateway
  craft check .                          # the product directory you are in
  craft check products/gateway --fail-on kev,critical
  craft --format json check products/gateway > compliance.json
  craft check products/gateway --release 2.1.0 --db /srv/craft/db

Exit codes: 0 nothing failed; 1 a finding of a supported release met the policy
([policy] fail-on and --fail-on) or a gap is an error (a known-exploited vulnerability, no
declared support period); 2 craft.toml is invalid or an SBOM cannot be read.")]
pub struct CheckArgs {
    /// The product directory (holding craft.toml), or the craft.toml file itself.
    #[arg(default_value = ".")]
    product: PathBuf,
    /// Vulnerability database directory (overrides craft.toml's [vulndb]).
    #[arg(long, value_name = "DIR")]
    db: Option<PathBuf>,
    /// Check only these releases (by version; repeatable).
    #[arg(long, value_name = "VERSION")]
    release: Vec<String>,
    /// Also fail on these levels (comma-separated; added to [policy] fail-on).
    #[arg(long, value_delimiter = ',', value_name = "LEVEL", value_parser = fail_on_parser())]
    fail_on: Vec<FailOn>,
    /// Do not record this run as the last one.
    #[arg(long)]
    no_save: bool,
    /// Findings listed per release in the human report (JSON has all).
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
}

/// The file of the last run, in the product's state directory.
const LAST_RUN: &str = "last-check.json";

/// Run `craft check`.
pub fn run(args: CheckArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let mut product = ProductDir::open(&args.product)?;
    if !args.release.is_empty() {
        for v in &args.release {
            anyhow::ensure!(
                product.manifest.releases.iter().any(|r| &r.version == v),
                "`{}` declares no release {v} (it has: {})",
                args.product.display(),
                crate::decide::releases(&product)
            );
        }
        product
            .manifest
            .releases
            .retain(|r| args.release.contains(&r.version));
    }
    let last_run = product.state_dir().join(LAST_RUN);
    let previous = read_previous(&last_run);
    let report = check_product(
        &product,
        args.db.as_deref(),
        args.fail_on.clone(),
        previous.as_ref(),
        ctx,
    )?;
    let unreadable = report
        .releases
        .iter()
        .flat_map(|r| &r.sboms)
        .any(|s| s.unreadable.is_some());
    // A run that could not read an SBOM is not the next run's reference.
    if args.release.is_empty() && !args.no_save && !unreadable {
        let state = product.state_dir();
        fs_err::create_dir_all(&state)?;
        let mut bytes = serde_json::to_vec(&report).context("cannot serialise the report")?;
        bytes.push(b'\n');
        output::write_atomic(&last_run, &bytes)?;
    }
    match ctx.format {
        Format::Json => output::json(&report)?,
        Format::Human => human(&report, args.top),
    }
    Ok(if unreadable {
        2
    } else {
        u8::from(report.policy.failed)
    })
}

/// Check every release of `product` against its database (`db` overrides its
/// `[vulndb]`), with a progress bar; `previous` is the last run's report.
pub(crate) fn check_product(
    product: &ProductDir,
    db: Option<&Path>,
    fail_on: Vec<FailOn>,
    previous: Option<&serde_json::Value>,
    ctx: Ctx,
) -> anyhow::Result<CheckReport> {
    let (dir, store) = database(product, db, ctx)?;
    let precedence = Precedence::for_dir(&dir)?;
    let status = store.status()?;
    let database = DatabaseInfo {
        dir: dir.display().to_string(),
        vulnerabilities: status.vulnerabilities,
        newest_record: status.sources.iter().filter_map(|s| s.newest.clone()).max(),
    };
    let now = output::now_rfc3339();
    let today = Date::from_unix(craft_model::unix_from_rfc3339(&now).unwrap_or(0));
    let check_ctx = CheckContext {
        today,
        checked_at: now,
        database,
        fail_on,
    };
    let total: usize = product
        .manifest
        .releases
        .iter()
        .map(|r| r.sboms.len())
        .sum();
    let bar = output::progress(ctx, total, "SBOMs");
    let mut matcher = Matcher::new(&store, &precedence);
    let report = craft_product::check(product, &mut matcher, &check_ctx, previous, &mut |sbom| {
        bar.set_message(sbom.to_string());
        bar.inc(1);
    })?;
    bar.finish_and_clear();
    Ok(report)
}

/// The database to use and, when the product imports its own data, that data imported.
fn database(
    product: &ProductDir,
    flag: Option<&Path>,
    ctx: Ctx,
) -> anyhow::Result<(PathBuf, SqliteStore)> {
    let cfg = &product.manifest.vulndb;
    // `--db` overrides [vulndb] as a whole: that database is used as it is.
    let import = flag.is_none() && !cfg.import.is_empty();
    let dir = match (flag, &cfg.path) {
        (Some(d), _) => d.to_path_buf(),
        (None, Some(p)) => product.resolve(p),
        (None, None) if import => product.state_dir().join("vulndb"),
        (None, None) => crate::db::DbArg::default().dir()?,
    };
    if !import {
        anyhow::ensure!(
            dir.join(craft_vulndb::store::DB_FILE).exists(),
            "no vulnerability database in `{}`: run `craft db update` (or `craft db import`), \
             or list local vulnerability data under [vulndb] import in craft.toml",
            dir.display()
        );
        return Ok((dir.clone(), SqliteStore::open(&dir)?));
    }
    let paths: Vec<PathBuf> = cfg.import.iter().map(|p| product.resolve(p)).collect();
    for p in &paths {
        anyhow::ensure!(
            p.exists(),
            "`{}` ([vulndb] import in craft.toml) does not exist",
            p.display()
        );
    }
    let bar = output::spinner(ctx, "importing the product's vulnerability data");
    let mut store = SqliteStore::create(&dir)?;
    store.import(&paths, &Limits::default(), &mut |n| bar.set_position(n))?;
    bar.finish_and_clear();
    Ok((dir, store))
}

/// The last run's report, if there is one craft can read (else the run is a first run).
fn read_previous(path: &Path) -> Option<serde_json::Value> {
    let text = match fs_err::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            anstream::eprintln!("warning: {e}; treating this run as the first");
            return None;
        }
    };
    match serde_json::from_str(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            anstream::eprintln!(
                "warning: `{}` is not a craft check report ({e}); treating this run as the first",
                path.display()
            );
            None
        }
    }
}

fn human(r: &CheckReport, top: usize) {
    use owo_colors::OwoColorize;
    let p = &r.product;
    let mut title = p.name.clone();
    if let Some(m) = &p.model {
        title.push_str(&format!(" ({m})"));
    }
    if let Some(m) = &p.manufacturer {
        title.push_str(&format!(", {m}"));
    }
    match &p.support_end {
        Some(end) => title.push_str(&format!("; supported until {end}")),
        None => title.push_str("; no support period declared"),
    }
    println!("{}", title.bold());
    if let Some(s) = &p.scope {
        if s.applies {
            let by = if s.deciding.is_empty() {
                String::new()
            } else {
                format!(" by {}", s.deciding.join("; "))
            };
            println!(
                "CRA scope: applies; {}{by}; conformity routes: {} (`craft scope` for the whole \
                 decision)",
                s.class.title(),
                if s.routes.is_empty() {
                    "-".to_string()
                } else {
                    s.routes.join(", ")
                }
            );
        } else {
            println!("CRA scope: does not apply (`craft scope` says why)");
        }
    }
    for c in &p.article14 {
        match &c.next {
            Some(k) => println!(
                "Article 14 case {}: {} {}, {}{} (`craft report show {}`)",
                c.id,
                k.track.id(),
                k.stage.id(),
                crate::report::status_text(k),
                k.due_local
                    .as_deref()
                    .map_or_else(String::new, |d| format!(" ({d})")),
                c.id
            ),
            None => match &c.error {
                Some(e) => println!(
                    "Article 14 case {}: its clocks cannot be computed: {e}",
                    c.id
                ),
                None => println!("Article 14 case {}: every submission sent", c.id),
            },
        }
    }
    println!(
        "database `{}`: {} vulnerabilities, newest record {}",
        r.database.dir,
        r.database.vulnerabilities,
        r.database.newest_record.as_deref().unwrap_or("-")
    );
    match &r.previous_run {
        Some(at) => println!("compared with the last run, {at}"),
        None => println!("first run (nothing to compare with)"),
    }
    let mut t = Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header([
        "release",
        "on market",
        "SBOMs",
        "components",
        "P1",
        "P2",
        "P3",
        "P4",
        "KEV",
        "undecided",
        "dismissed",
        "since last run",
    ]);
    for rel in &r.releases {
        t.add_row([
            if rel.supported {
                rel.version.clone()
            } else {
                format!("{} (unsupported)", rel.version)
            },
            rel.placed_on_market
                .map_or_else(|| "-".to_string(), |d| d.to_string()),
            rel.sboms.len().to_string(),
            format!("{} ({} identified)", rel.components, rel.identified),
            count(rel, "P1"),
            count(rel, "P2"),
            count(rel, "P3"),
            count(rel, "P4"),
            rel.kev.to_string(),
            rel.unknown.to_string(),
            (rel.dismissed_by_kernel
                + rel.dismissed_build_only
                + rel.dismissed_by_vex
                + rel.dismissed_by_rules
                + rel.dismissed_by_decisions)
                .to_string(),
            rel.since_last_run.as_ref().map_or_else(
                || "-".to_string(),
                |d| {
                    format!(
                        "{} new, {} fixed, {} changed",
                        d.new.len(),
                        d.fixed.len(),
                        d.changed.len()
                    )
                },
            ),
        ]);
    }
    println!("{t}");
    for rel in &r.releases {
        if let Some(d) = rel
            .since_last_run
            .as_ref()
            .filter(|d| !(d.new.is_empty() && d.fixed.is_empty() && d.changed.is_empty()))
        {
            println!();
            println!(
                "{} {} since the last run:",
                "release".bold(),
                rel.version.bold()
            );
            print_delta(d);
        }
        for x in &rel.vex {
            match &x.unreadable {
                Some(why) => println!(
                    "{} {}: VEX `{}` cannot be read: {why}",
                    "release".bold(),
                    rel.version.bold(),
                    x.file
                ),
                None => println!(
                    "{} {}: VEX `{}` ({}): {} statements, {} findings decided, {} statements \
                     cover no finding{}",
                    "release".bold(),
                    rel.version.bold(),
                    x.file,
                    x.dialect.unwrap_or("?"),
                    x.statements,
                    x.applied,
                    x.unmatched.len(),
                    if x.conflicts > 0 {
                        format!(", {} findings with conflicting statements", x.conflicts)
                    } else {
                        String::new()
                    }
                ),
            }
        }
        let affected: Vec<_> = rel
            .findings
            .iter()
            .filter(|f| f.finding.status == craft_scan::FindingStatus::Affected && !f.dismissed())
            .collect();
        let dismissed: Vec<_> = rel.findings.iter().filter(|f| f.dismissed()).collect();
        if !dismissed.is_empty() {
            println!();
            println!(
                "{} {}: {} findings dismissed (kernel build, build-only, VEX and patches, \
                 triage.toml rules, people's decisions)",
                "release".bold(),
                rel.version.bold(),
                dismissed.len()
            );
            for f in dismissed.iter().take(top) {
                if let Some(d) = &f.triage {
                    println!(
                        "  {} in {}: {} — {}",
                        f.finding.id,
                        f.finding.component_name,
                        d.status.name(),
                        d.reason
                    );
                }
            }
        }
        let reopened: Vec<_> = rel
            .findings
            .iter()
            .filter(|f| f.reopened.is_some())
            .collect();
        if !reopened.is_empty() {
            println!();
            println!(
                "{} {}: {} decisions re-opened (review, then `craft triage set` again)",
                "release".bold(),
                rel.version.bold(),
                reopened.len()
            );
            for f in reopened.iter().take(top) {
                println!(
                    "  {} in {}: {}",
                    f.finding.id,
                    f.finding.component_name,
                    f.reopened.as_deref().unwrap_or_default()
                );
            }
        }
        if affected.is_empty() {
            continue;
        }
        println!();
        println!(
            "{} {}: the worst of {} affected findings",
            "release".bold(),
            rel.version.bold(),
            affected.len()
        );
        let mut t = Table::new();
        t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        t.set_header(FINDING_HEADER);
        for f in affected.iter().take(top) {
            t.add_row(finding_row(&f.finding));
        }
        println!("{t}");
        if affected.len() > top {
            println!(
                "… {} more: `craft --format json check` lists every finding with its evidence",
                affected.len() - top
            );
        }
    }
    if let Some(risk) = &r.risk {
        println!();
        print_risk(risk);
    }
    println!();
    let by = |s: craft_sbom::Severity| r.gaps.iter().filter(|g| g.severity == s).count();
    println!(
        "{}: {} errors, {} warnings, {} to do",
        "Gaps".bold(),
        by(craft_sbom::Severity::Error),
        by(craft_sbom::Severity::Warning),
        by(craft_sbom::Severity::Info)
    );
    for g in &r.gaps {
        let sev = match g.severity {
            craft_sbom::Severity::Error => "error  ".red().bold().to_string(),
            craft_sbom::Severity::Warning => "warning".yellow().to_string(),
            craft_sbom::Severity::Info => "to do  ".dimmed().to_string(),
        };
        let release = g
            .release
            .as_deref()
            .map_or_else(String::new, |v| format!("[{v}] "));
        println!("  {sev} {release}{} ({})", g.message, g.reference);
        println!("          {} {}", g.code.dimmed(), g.next.dimmed());
    }
    println!();
    let levels: Vec<&str> = r.policy.fail_on.iter().map(|l| l.name()).collect();
    let policy = if levels.is_empty() {
        "policy: no fail-on levels".to_string()
    } else {
        format!(
            "policy fail-on {}: {} findings of supported releases meet it",
            levels.join(","),
            r.policy.failing
        )
    };
    if r.policy.failed {
        println!("{} ({policy})", "check failed".red().bold());
    } else {
        println!("{} ({policy})", "check passed".green().bold());
    }
}

fn count(r: &ReleaseReport, label: &str) -> String {
    r.affected.get(label).copied().unwrap_or(0).to_string()
}

/// The risk assessment's summary: what the model holds, how the paths stand before and after
/// the countermeasures, and what is open.
fn print_risk(risk: &craft_product::risk::RiskReport) {
    use owo_colors::OwoColorize;
    let Some(s) = &risk.summary else {
        println!(
            "{}: {} has {} errors (`craft risk check` lists them)",
            "Risk assessment".bold(),
            risk.file,
            risk.errors.len()
        );
        return;
    };
    println!(
        "{}: {} assets, {} interfaces, {} attack paths, {} countermeasures ({} planned)",
        "Risk assessment".bold(),
        s.assets,
        s.interfaces,
        s.paths,
        s.countermeasures.0 + s.countermeasures.1,
        s.countermeasures.1
    );
    println!(
        "  threshold {}: {} paths above it before countermeasures, {} after ({})",
        s.threshold,
        s.above_initial,
        s.above_residual,
        s.statuses()
    );
    println!(
        "  live findings on model components: {}; paths they raise: {}",
        s.linked_findings, s.raised_paths
    );
    for c in risk
        .open
        .iter()
        .filter(|c| c.level == craft_cra::threat::Level::Error)
    {
        println!("  {} {} [{}]", "✗".red(), c.message, c.rule.dimmed());
    }
    if s.open_warnings > 0 || s.suppressed > 0 {
        println!(
            "  {} warnings, {} suppressed with a reason (`craft risk check`)",
            s.open_warnings, s.suppressed
        );
    }
}
