//! `craft scan SBOM…`: match SBOMs against the local vulnerability database.

use crate::db::DbArg;
use crate::{output, Ctx, Format};
use anyhow::Context;
use clap::Args;
use comfy_table::Table;
use craft_sbom::{read_path, ReadOptions};
use craft_scan::{FailOn, FindingStatus, Matcher, ScanReport};
use craft_vulndb::{Precedence, SqliteStore};
use serde::Serialize;
use std::path::PathBuf;

/// Match SBOMs against the local vulnerability database (`craft db import`/`update` first).
///
/// Every component is identified by its purl, its CPEs, or (for bare names and
/// distribution packages) the identity table; each identity is looked up, and each range
/// is judged with the version scheme it needs: OSV ranges, CVE 5 product entries (the
/// kernel CNA's per-branch fixes), NVD configurations. When sources disagree, the
/// database's `affected` precedence decides and the finding lists the disagreement.
/// Versions craft cannot judge are findings with status `unknown` and the reason, never a
/// silent "not affected".
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft scan rootfs.spdx.json
  craft scan --db ./vulndb firmware.cdx.json --fail-on kev,critical
  craft --format json scan core-image-minimal.rootfs.spdx.json > findings.json
  craft scan --all release-1.2.cdx.json     # also list undecided (unknown) findings
  craft --format json scan --cleared fw.cdx.json   # and why each named-but-fixed pair is not affected
  craft scan --sarif findings.sarif rootfs.spdx.json   # for code-scanning dashboards
  craft scan --vdr fw.vdr.cdx.json fw.cdx.json         # CycloneDX 1.6 VDR linked to the SBOM
  craft scan --html report.html rootfs.spdx.json      # one self-contained page
  craft scan --platform 'cpe:2.3:h:acme:agw-200:-:*:*:*:*:*:*:*' fw.cdx.json   # the device it runs on
  craft --format json scan fw-1.1.cdx.json --previous fw-1.0.json --fail-on high   # only what changed

Priorities: P1 in CISA KEV; P2 CVSS >= 9, or >= 7 with EPSS >= 0.10; P3 CVSS >= 7, EPSS >= 0.10
or unrated; P4 the rest.
Exit codes: 0 nothing reached --fail-on, 1 a finding did, 2 usage error or unreadable input.")]
pub struct ScanArgs {
    #[command(flatten)]
    db: DbArg,
    /// SBOM files (CycloneDX, SPDX 2/3, Yocto SPDX directories or archives).
    #[arg(required = true)]
    sboms: Vec<PathBuf>,
    /// Exit with 1 when an affected finding meets one of these (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LEVEL", value_parser = fail_on_parser())]
    fail_on: Vec<FailOn>,
    /// Also list undecided (`unknown`) findings in the table (JSON always has them).
    #[arg(long)]
    all: bool,
    /// List, in the JSON report, every (component, vulnerability) pair a record names but
    /// whose range clears the component's version, with that range (for audits).
    #[arg(long)]
    cleared: bool,
    /// Compare with a previous `--format json` report of the same SBOM (or product): list
    /// only what is new, fixed or changed; `--fail-on` then looks at new and changed findings.
    #[arg(long, value_name = "REPORT")]
    previous: Option<PathBuf>,
    /// Also write a CycloneDX 1.6 vulnerability disclosure report (VDR) of the SBOM to FILE
    /// (one SBOM only; `affects` are BOM-Links into a CycloneDX SBOM with a serial number).
    #[arg(long, value_name = "FILE")]
    vdr: Option<PathBuf>,
    /// Also write a self-contained HTML report to FILE (inline style, nothing fetched).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// The product runs on this operating system or hardware (a CPE name of part `o` or `h`;
    /// repeatable), besides those the SBOM names: NVD configurations that apply only on a
    /// platform are judged against them (without one of its kind: `unknown`).
    #[arg(long, value_name = "CPE", value_parser = platform_cpe)]
    platform: Vec<craft_version::cpe::Wfn>,
    /// Also write the findings as SARIF 2.1.0 to FILE (code-scanning dashboards; `-` for
    /// stdout). Written to a temporary file and renamed.
    #[arg(long, value_name = "FILE")]
    sarif: Option<PathBuf>,
}

#[derive(Serialize)]
struct SbomScan {
    sbom: String,
    #[serde(flatten)]
    report: ScanReport,
    /// Since `--previous`.
    #[serde(skip_serializing_if = "Option::is_none")]
    delta: Option<craft_scan::delta::Delta>,
}

/// One SBOM's outcome: a report, or why it could not be read (the others are still scanned).
#[derive(Serialize)]
#[serde(untagged)]
enum Outcome {
    Scanned(Box<SbomScan>),
    Unreadable { sbom: String, error: String },
}

/// The `--fail-on` parser: the level names, listed in `--help`.
pub fn fail_on_parser() -> impl clap::builder::TypedValueParser<Value = FailOn> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(FailOn::NAMES).try_map(|s| s.parse::<FailOn>())
}

/// A `--platform` CPE name: an operating system or hardware.
fn platform_cpe(s: &str) -> Result<craft_version::cpe::Wfn, String> {
    let w = craft_version::cpe::Wfn::parse(s).map_err(|e| e.to_string())?;
    match w.part().unquoted().as_deref() {
        Some("o" | "h") => Ok(w),
        _ => Err("not an operating system (part o) or hardware (part h) CPE name".to_string()),
    }
}

/// Run `craft scan`.
pub fn run(args: ScanArgs, ctx: Ctx) -> anyhow::Result<u8> {
    if args.vdr.is_some() && args.sboms.len() != 1 {
        anyhow::bail!("--vdr describes one SBOM; {} were given", args.sboms.len());
    }
    let dir = args.db.dir()?;
    let store = SqliteStore::open(&dir)?;
    let precedence = Precedence::for_dir(&dir)?;
    let mut matcher = Matcher::new(&store, &precedence)
        .keep_cleared(args.cleared)
        .platform(args.platform.clone());
    let previous: Option<serde_json::Value> =
        match &args.previous {
            Some(p) => {
                let text = fs_err::read_to_string(p)?;
                Some(serde_json::from_str(&text).with_context(|| {
                    format!("`{}` is not a craft scan JSON report", p.display())
                })?)
            }
            None => None,
        };
    let bar = output::progress(ctx, args.sboms.len(), "SBOMs");
    let mut outcomes = Vec::new();
    for path in &args.sboms {
        bar.set_message(path.display().to_string());
        let sbom = path.display().to_string();
        // Matching needs the model only: no schema validation (`craft sbom check` does it).
        let opts = ReadOptions {
            validate_schema: false,
            ..ReadOptions::default()
        };
        match read_path(path, &opts) {
            Ok(loaded) => {
                let report = matcher
                    .scan(&loaded.sbom)
                    .with_context(|| format!("cannot scan `{}`", path.display()))?;
                if let Some(path) = &args.vdr {
                    let v = craft_scan::vdr::vdr(&loaded.sbom, &report, &output::now_rfc3339());
                    let mut bytes =
                        serde_json::to_vec_pretty(&v).context("cannot serialise the VDR")?;
                    bytes.push(b'\n');
                    output::write_atomic(path, &bytes)?;
                }
                let delta = match &previous {
                    Some(prev) => {
                        let before = craft_scan::delta::previous_findings(prev, &sbom)
                            .map_err(|e| anyhow::anyhow!("previous report: {e}"))?;
                        Some(craft_scan::delta::delta(&before, &report.findings))
                    }
                    None => None,
                };
                outcomes.push(Outcome::Scanned(Box::new(SbomScan {
                    sbom,
                    report,
                    delta,
                })));
            }
            Err(e) => outcomes.push(Outcome::Unreadable {
                sbom,
                error: format!("{:#}", anyhow::Error::from(e)),
            }),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    // The process ends after the report: freeing the matcher's caches (every range and
    // vulnerability it read) would cost 5 % of a 10,000-component scan for nothing.
    std::mem::forget(matcher);
    // With `--previous`, the policy looks at what is new or changed.
    let failed = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Scanned(s) => Some(considered(s)),
            Outcome::Unreadable { .. } => None,
        })
        .flatten()
        .any(|f| FailOn::any_hit(&args.fail_on, f));
    let unreadable = outcomes
        .iter()
        .any(|o| matches!(o, Outcome::Unreadable { .. }));
    let scans: Vec<(&str, &ScanReport)> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Scanned(s) => Some((s.sbom.as_str(), &s.report)),
            Outcome::Unreadable { .. } => None,
        })
        .collect();
    if let Some(path) = &args.html {
        let page = craft_scan::html::html(&scans, &output::now_rfc3339());
        output::write_atomic(path, page.as_bytes())?;
    }
    if let Some(path) = &args.sarif {
        let mut bytes = serde_json::to_vec_pretty(&craft_scan::sarif::sarif(&scans))
            .context("cannot serialise the SARIF log")?;
        bytes.push(b'\n');
        output::write_atomic(path, &bytes)?;
    }
    match ctx.format {
        Format::Json => output::json(&outcomes)?,
        Format::Human => {
            for o in &outcomes {
                match o {
                    Outcome::Scanned(s) => human(s, args.all),
                    Outcome::Unreadable { sbom, error } => {
                        use owo_colors::OwoColorize;
                        anstream::eprintln!(
                            "{} cannot read `{sbom}`: {error}",
                            "error:".red().bold()
                        );
                    }
                }
            }
        }
    }
    Ok(if unreadable { 2 } else { u8::from(failed) })
}

/// The findings the policy looks at: all of them, or with `--previous` the new and changed.
fn considered(s: &SbomScan) -> Vec<&craft_scan::Finding> {
    match &s.delta {
        Some(d) => d
            .new
            .iter()
            .chain(d.changed.iter().map(|c| &c.after))
            .collect(),
        None => s.report.findings.iter().collect(),
    }
}

/// The columns of a findings table.
pub const FINDING_HEADER: [&str; 9] = [
    "prio",
    "vulnerability",
    "component",
    "version",
    "fixed",
    "CVSS",
    "KEV",
    "EPSS",
    "by",
];

/// One finding as a row under [`FINDING_HEADER`] (an undecided finding's priority has a `?`).
pub fn finding_row(f: &craft_scan::Finding) -> [String; 9] {
    let score = f.cvss_score();
    [
        if f.status == FindingStatus::Unknown {
            format!("{}?", f.priority.label)
        } else {
            f.priority.label.to_string()
        },
        f.id.clone(),
        f.component_name.clone(),
        f.identity.version.clone(),
        f.fixed.join(", "),
        score.map_or_else(|| "-".to_string(), |s| format!("{s:.1}")),
        f.kev
            .as_ref()
            .map_or_else(String::new, |k| k.date_added.clone()),
        f.epss
            .as_ref()
            .map_or_else(String::new, |e| format!("{:.3}", e.score)),
        format!("{} {}", f.decided_by.source, f.decided_by.id),
    ]
}

fn human(s: &SbomScan, all: bool) {
    let r = &s.report;
    let affected = r
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Affected)
        .count();
    let unknown = r.findings.len() - affected;
    println!(
        "{}: {} components ({} identified, {} files), {affected} affected findings, {unknown} undecided, {} not affected",
        s.sbom, r.components, r.identified, r.files, r.not_affected
    );
    let mut t = Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(FINDING_HEADER);
    for f in r
        .findings
        .iter()
        .filter(|f| all || f.status == FindingStatus::Affected)
    {
        t.add_row(finding_row(f));
    }
    if t.row_count() > 0 {
        println!("{t}");
    }
    if !r.unidentified.is_empty() {
        println!(
            "{} components could not be identified (no purl, CPE or known name; see --format json)",
            r.unidentified.len()
        );
    }
    if unknown > 0 && !all {
        println!("{unknown} undecided findings not shown (--all lists them)");
    }
    if let Some(d) = &s.delta {
        println!(
            "since the previous report: {} new, {} fixed, {} changed, {} unchanged",
            d.new.len(),
            d.fixed.len(),
            d.changed.len(),
            d.unchanged
        );
        print_delta(d);
    }
}

/// The new, changed and fixed findings of a delta, one line each.
pub fn print_delta(d: &craft_scan::delta::Delta) {
    use owo_colors::OwoColorize;
    for f in &d.new {
        println!(
            "  {}      {} {} {} ({})",
            "new".yellow(),
            f.id,
            f.component_name,
            f.identity.version,
            f.priority.label
        );
    }
    for c in &d.changed {
        println!(
            "  {}  {} {}: {} {} {} -> {} {} {}",
            "changed".yellow(),
            c.after.id,
            c.after.component_name,
            c.before.component_version.as_deref().unwrap_or("-"),
            c.before.status,
            c.before.priority,
            c.after.component_version.as_deref().unwrap_or("-"),
            c.after.status.name(),
            c.after.priority.label
        );
    }
    for p in &d.fixed {
        println!(
            "  {}    {} {} {}",
            "fixed".green(),
            p.id,
            p.component_name,
            p.component_version.as_deref().unwrap_or("-")
        );
    }
}
