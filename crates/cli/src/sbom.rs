//! `craft sbom …`: check, convert, merge, diff, info, rules.

use crate::output::{self, progress, write_atomic};
use crate::{Ctx, Format};
use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{
    presets::UTF8_FULL_CONDENSED, Attribute, Cell, Color, ContentArrangement, Table,
};
use craft_model::ComponentKind;
use craft_sbom::check::{self, BsiVersion, CheckOptions, Report, RuleSet};
use craft_sbom::convert::{self, Dropped, Target};
use craft_sbom::merge::{self, MergeOptions, Product};
use craft_sbom::{diff, read_path, Loaded, ReadOptions, Severity};
use owo_colors::OwoColorize;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum SbomCommand {
    /// Validate SBOMs: official schema, NTIA minimum elements, BSI TR-03183-2.
    #[command(after_help = "\
Examples:
  craft sbom check product.cdx.json
  craft sbom check --only schema --fail-on error rootfs.spdx.json
  craft sbom check --only ntia --only bsi --bsi-version 2.0 *.spdx.json
  craft sbom check --format json core-image-minimal.spdx.tar.zst

Exit codes: 0 nothing reached --fail-on, 1 something did, 2 a file is not a readable SBOM.")]
    Check(CheckArgs),
    /// Convert an SBOM to CycloneDX 1.6 JSON or SPDX 2.3 JSON.
    #[command(after_help = "\
Examples:
  craft sbom convert rootfs.spdx.json --to cyclonedx -o rootfs.cdx.json
  craft sbom convert app.cdx.xml --to spdx > app.spdx.json

The output is validated against the official schema before it is written; fields the
target format cannot hold are listed (on stderr, or under `dropped` with --format json).")]
    Convert(ConvertArgs),
    /// Merge SBOMs (bootloader, kernel, rootfs, application) into one product SBOM.
    #[command(after_help = "\
Examples:
  craft sbom merge u-boot.cdx.json linux.spdx.json rootfs.spdx.tar.zst -o product.cdx.json
  craft sbom merge a.cdx.json b.cdx.json --name gateway --product-version 2.1 --to spdx -o gw.spdx.json

Components are deduplicated by purl, CPE or SHA-256/512 hash (name+version+type when
they have none); the dependency graph is joined.")]
    Merge(MergeArgs),
    /// Compare two SBOMs: components added, removed, changed version or licence.
    #[command(after_help = "\
Examples:
  craft sbom diff release-1.0.cdx.json release-1.1.cdx.json
  craft sbom diff --format json old.spdx.json new.spdx.json

Exit codes: 0 always when both files read (use --fail-on-change to exit 1 on any change).")]
    Diff(DiffArgs),
    /// Summarise SBOMs: format, components, identifiers, dependency edges.
    #[command(after_help = "\
Examples:
  craft sbom info *.json
  craft sbom info --format json core-image-minimal.rootfs.spdx.json")]
    Info(InfoArgs),
    /// List every content rule `check` knows, with its code and the clause it encodes.
    Rules,
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Largest input accepted, in MiB (files, and archives once unpacked).
    #[arg(long, default_value_t = 1024, value_name = "MIB")]
    max_size: u64,
}

impl ReadArgs {
    /// Limits from the flags; schema validation off (`check` turns it on when it is asked
    /// for the schema rules; convert, merge and diff work on the model).
    fn options(&self) -> ReadOptions {
        ReadOptions {
            max_size: self.max_size.saturating_mul(1 << 20),
            validate_schema: false,
            ..ReadOptions::default()
        }
    }
}

/// Severity threshold of `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Fail when a finding is an error.
    Error,
    /// Fail when a finding is a warning or an error.
    Warning,
    /// Never fail on findings.
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// The official JSON schema of the declared format version (and reading problems).
    Schema,
    /// NTIA minimum elements.
    Ntia,
    /// BSI TR-03183-2.
    Bsi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BsiArg {
    /// TR-03183-2 v2.0.0 (2024-09-20).
    #[value(name = "2.0")]
    V2_0,
    /// TR-03183-2 v2.1.0 (2025-08-20).
    #[value(name = "2.1")]
    V2_1,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// SBOM files (JSON, XML, tag-value, .tar/.tar.zst) or Yocto SPDX directories.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Run only these rule sets (repeatable). Default: all.
    #[arg(long, value_enum)]
    only: Vec<Only>,
    /// Exit 1 when a finding reaches this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Edition of BSI TR-03183-2 to check against.
    #[arg(long, value_enum, default_value_t = BsiArg::V2_1)]
    bsi_version: BsiArg,
    /// Findings listed per file in the human report (all are in --format json).
    #[arg(long, default_value_t = 20)]
    max_findings: usize,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum To {
    /// CycloneDX 1.6 JSON.
    #[value(alias = "cdx")]
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
}

impl To {
    fn target(self) -> Target {
        match self {
            To::Cyclonedx => Target::CycloneDx16,
            To::Spdx => Target::Spdx23,
        }
    }
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The SBOM to convert.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Target format.
    #[arg(long, value_enum)]
    to: To,
    /// Output file (`-` for stdout).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The SBOMs to merge, in order of precedence (the first wins a conflict).
    #[arg(required = true, num_args = 1.., value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Target format.
    #[arg(long, value_enum, default_value_t = To::Cyclonedx)]
    to: To,
    /// Output file (`-` for stdout).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Create a product component with this name that contains every input's subject.
    #[arg(long)]
    name: Option<String>,
    /// Version of the product component (with --name).
    #[arg(long, requires = "name")]
    product_version: Option<String>,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older SBOM.
    a: PathBuf,
    /// The newer SBOM.
    b: PathBuf,
    /// Exit 1 when anything differs.
    #[arg(long)]
    fail_on_change: bool,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// SBOM files or Yocto SPDX directories.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    read: ReadArgs,
}

/// Run a `craft sbom` command; returns the exit code.
pub fn run(cmd: SbomCommand, ctx: Ctx) -> anyhow::Result<u8> {
    match cmd {
        SbomCommand::Check(a) => cmd_check(a, ctx),
        SbomCommand::Convert(a) => cmd_convert(a, ctx),
        SbomCommand::Merge(a) => cmd_merge(a, ctx),
        SbomCommand::Diff(a) => cmd_diff(a, ctx),
        SbomCommand::Info(a) => cmd_info(a, ctx),
        SbomCommand::Rules => cmd_rules(ctx),
    }
}

fn load(path: &std::path::Path, opts: &ReadOptions) -> anyhow::Result<Loaded> {
    read_path(path, opts).map_err(anyhow::Error::from)
}

/// One file's outcome in `check`: a report, or why the file could not be read.
#[derive(Serialize)]
#[serde(untagged)]
enum CheckOutcome {
    Report(Box<Report>),
    Unreadable { file: String, error: String },
}

fn cmd_check(a: CheckArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let sets: Vec<RuleSet> = if a.only.is_empty() {
        RuleSet::ALL.to_vec()
    } else {
        a.only
            .iter()
            .map(|o| match o {
                Only::Schema => RuleSet::Schema,
                Only::Ntia => RuleSet::Ntia,
                Only::Bsi => RuleSet::Bsi,
            })
            .collect()
    };
    let opts = CheckOptions {
        sets,
        bsi: match a.bsi_version {
            BsiArg::V2_0 => BsiVersion::V2_0,
            BsiArg::V2_1 => BsiVersion::V2_1,
        },
    };
    let read_opts = ReadOptions {
        validate_schema: opts.sets.contains(&RuleSet::Schema),
        ..a.read.options()
    };
    let bar = progress(ctx, a.files.len(), "checking");
    let mut outcomes = Vec::new();
    let mut unreadable = false;
    let mut failed = false;
    for f in &a.files {
        bar.set_message(f.display().to_string());
        match read_path(f, &read_opts) {
            Ok(loaded) => {
                let report = check::check(&loaded, &opts);
                let threshold = match a.fail_on {
                    FailOn::Error => Some(Severity::Error),
                    FailOn::Warning => Some(Severity::Warning),
                    FailOn::Never => None,
                };
                if let (Some(t), Some(w)) = (threshold, report.worst()) {
                    failed |= w >= t;
                }
                outcomes.push(CheckOutcome::Report(Box::new(report)));
            }
            Err(e) => {
                unreadable = true;
                outcomes.push(CheckOutcome::Unreadable {
                    file: f.display().to_string(),
                    error: e.to_string(),
                });
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    match ctx.format {
        Format::Json => output::json(&outcomes)?,
        Format::Human => {
            for o in &outcomes {
                match o {
                    CheckOutcome::Report(r) => print_report(r, a.max_findings),
                    CheckOutcome::Unreadable { error, .. } => {
                        println!("{} {error}", "error:".red().bold());
                    }
                }
            }
        }
    }
    Ok(if unreadable {
        2
    } else if failed {
        1
    } else {
        0
    })
}

fn severity_text(s: Severity) -> String {
    match s {
        Severity::Error => "error".red().bold().to_string(),
        Severity::Warning => "warning".yellow().to_string(),
        Severity::Info => "info".dimmed().to_string(),
    }
}

/// A table cell coloured by comfy-table itself, so column widths stay right.
fn severity_cell(s: Severity) -> Cell {
    let c = Cell::new(s.to_string());
    match s {
        Severity::Error => c.fg(Color::Red).add_attribute(Attribute::Bold),
        Severity::Warning => c.fg(Color::Yellow),
        Severity::Info => c,
    }
}

fn print_report(r: &Report, max: usize) {
    let sets: Vec<&str> = r.sets.iter().map(|s| s.name()).collect();
    println!(
        "{}: {}, {} components ({} checked), rules: {}",
        r.file.bold(),
        r.format.as_deref().unwrap_or("unknown format"),
        r.components,
        r.checked_components,
        sets.join(", ")
    );
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec!["severity", "rule", "failed", "requirement"]);
    let mut rows: Vec<(Severity, &str, &check::RuleCount)> = r
        .rules
        .iter()
        .filter(|(_, c)| c.failed > 0)
        .map(|(code, c)| {
            // The worst finding under this code decides the row (reader codes vary).
            let sev = r
                .findings
                .iter()
                .filter(|f| f.code == *code)
                .map(|f| f.severity)
                .max()
                .or_else(|| check::rule(code).map(|r| r.severity))
                .unwrap_or(Severity::Info);
            (sev, *code, c)
        })
        .collect();
    rows.sort_by(|x, y| y.0.cmp(&x.0).then(y.2.failed.cmp(&x.2.failed)));
    for (sev, code, c) in &rows {
        let title = check::rule(code).map_or("", |r| r.title);
        table.add_row(vec![
            severity_cell(*sev),
            Cell::new(code),
            Cell::new(format!("{}/{}", c.failed, c.checked)),
            Cell::new(title),
        ]);
    }
    if rows.is_empty() {
        println!("  {} every rule passed", "ok:".green().bold());
    } else {
        println!("{table}");
    }
    for f in r.findings.iter().take(max) {
        let place = match (&f.component, f.location.to_string()) {
            (Some(c), l) if l.is_empty() => format!(" [{c}]"),
            (Some(c), l) => format!(" [{c}] {l}"),
            (None, l) if l.is_empty() => String::new(),
            (None, l) => format!(" {l}"),
        };
        println!(
            "  {} {}{}: {}",
            severity_text(f.severity),
            f.code.cyan(),
            place.dimmed(),
            f.message
        );
    }
    if r.findings.len() > max {
        println!(
            "  … {} more findings (use --max-findings or --format json)",
            r.findings.len() - max
        );
    }
    println!(
        "  {} errors, {} warnings\n",
        r.count(Severity::Error),
        r.count(Severity::Warning)
    );
}

#[derive(Serialize)]
struct ConvertSummary<'a> {
    input: String,
    output: String,
    format: &'static str,
    components: usize,
    dropped: &'a [Dropped],
}

fn print_dropped(dropped: &[Dropped]) {
    if dropped.is_empty() {
        return;
    }
    let mut by_field: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for d in dropped {
        let e = by_field.entry(d.field.as_str()).or_insert((0, &d.reason));
        e.0 += 1;
    }
    anstream::eprintln!(
        "{} {} value(s) have no place in the target format:",
        "note:".yellow().bold(),
        dropped.len()
    );
    for (field, (n, example)) in by_field {
        anstream::eprintln!("  {field}: {n} (e.g. {example})");
    }
}

fn cmd_convert(a: ConvertArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let loaded = load(&a.file, &a.read.options())?;
    let target = a.to.target();
    let written = convert::convert(&loaded.sbom, target)?;
    let bytes = serde_json::to_vec_pretty(&written.value).context("cannot serialise")?;
    write_atomic(&a.output, &bytes)?;
    let summary = ConvertSummary {
        input: a.file.display().to_string(),
        output: a.output.display().to_string(),
        format: target.schema().name(),
        components: loaded.sbom.components.len(),
        dropped: &written.dropped,
    };
    match ctx.format {
        // JSON summary goes to stderr when the document itself went to stdout.
        Format::Json if a.output.as_os_str() == "-" => {
            eprintln!("{}", serde_json::to_string(&summary)?)
        }
        Format::Json => output::json(&summary)?,
        Format::Human => {
            if a.output.as_os_str() != "-" {
                anstream::eprintln!(
                    "wrote {} ({}, {} components)",
                    summary.output,
                    summary.format,
                    summary.components
                );
            }
            print_dropped(&written.dropped);
        }
    }
    Ok(0)
}

fn cmd_merge(a: MergeArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let opts = a.read.options();
    let bar = progress(ctx, a.files.len(), "reading");
    let mut sboms = Vec::new();
    for f in &a.files {
        bar.set_message(f.display().to_string());
        sboms.push(load(f, &opts)?.sbom);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let merged = merge::merge(
        &sboms,
        &MergeOptions {
            product: a.name.as_ref().map(|n| Product {
                name: n.clone(),
                version: a.product_version.clone(),
                kind: ComponentKind::Firmware,
            }),
            created: Some(output::now_rfc3339()),
        },
    );
    let target = a.to.target();
    let written = convert::convert(&merged.sbom, target)?;
    let bytes = serde_json::to_vec_pretty(&written.value).context("cannot serialise")?;
    write_atomic(&a.output, &bytes)?;
    #[derive(Serialize)]
    struct Summary<'a> {
        inputs: usize,
        input_components: usize,
        components: usize,
        edges: usize,
        conflicts: &'a [merge::Conflict],
        dropped: &'a [Dropped],
    }
    let s = Summary {
        inputs: a.files.len(),
        input_components: merged.input_components,
        components: merged.sbom.components.len(),
        edges: merged.sbom.relationships.len(),
        conflicts: &merged.conflicts,
        dropped: &written.dropped,
    };
    match ctx.format {
        Format::Json if a.output.as_os_str() == "-" => {
            eprintln!("{}", serde_json::to_string(&s)?)
        }
        Format::Json => output::json(&s)?,
        Format::Human => {
            anstream::eprintln!(
                "merged {} SBOMs: {} components in, {} out, {} relationships, {} conflicts",
                s.inputs,
                s.input_components,
                s.components,
                s.edges,
                s.conflicts.len()
            );
            for c in merged.conflicts.iter().take(10) {
                anstream::eprintln!(
                    "  conflict [{}] {}: kept {:?}, other input has {:?}",
                    c.component,
                    c.field,
                    c.kept,
                    c.other
                );
            }
            print_dropped(&written.dropped);
        }
    }
    Ok(0)
}

fn cmd_diff(a: DiffArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let opts = a.read.options();
    let (la, lb) = (load(&a.a, &opts)?, load(&a.b, &opts)?);
    let d = diff::diff(&la.sbom, &lb.sbom);
    match ctx.format {
        Format::Json => output::json(&d)?,
        Format::Human => {
            println!(
                "{} ({} components) -> {} ({} components)",
                a.a.display(),
                d.counts.0,
                a.b.display(),
                d.counts.1
            );
            if d.is_empty() {
                println!("  no difference");
            }
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(vec!["change", "component", "from", "to"]);
            let v = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
            for e in &d.added {
                t.add_row(vec![
                    Cell::new("added").fg(Color::Green),
                    Cell::new(&e.name),
                    Cell::new(""),
                    Cell::new(v(&e.version)),
                ]);
            }
            for e in &d.removed {
                t.add_row(vec![
                    Cell::new("removed").fg(Color::Red),
                    Cell::new(&e.name),
                    Cell::new(v(&e.version)),
                    Cell::new(""),
                ]);
            }
            for c in &d.version_changed {
                t.add_row(vec![
                    Cell::new("version").fg(Color::Yellow),
                    Cell::new(&c.name),
                    Cell::new(v(&c.from)),
                    Cell::new(v(&c.to)),
                ]);
            }
            for c in &d.license_changed {
                t.add_row(vec![
                    Cell::new("licence").fg(Color::Cyan),
                    Cell::new(&c.name),
                    Cell::new(v(&c.from)),
                    Cell::new(v(&c.to)),
                ]);
            }
            if !t.is_empty() {
                println!("{t}");
            }
            if !d.edges_added.is_empty() || !d.edges_removed.is_empty() {
                println!(
                    "  dependency edges: {} added, {} removed",
                    d.edges_added.len(),
                    d.edges_removed.len()
                );
            }
        }
    }
    Ok(u8::from(a.fail_on_change && !d.is_empty()))
}

/// Per-file summary for `info`.
#[derive(Serialize)]
struct Info {
    file: String,
    format: Option<String>,
    components: usize,
    packages: usize,
    with_purl: usize,
    with_cpe: usize,
    with_purl_or_cpe: usize,
    relationships: usize,
    dependency_edges: usize,
    reader_warnings: usize,
}

fn cmd_info(a: InfoArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let opts = a.read.options();
    let mut infos = Vec::new();
    let mut code = 0;
    let bar = progress(ctx, a.files.len(), "reading");
    for f in &a.files {
        match read_path(f, &opts) {
            Ok(l) => {
                let pkgs: Vec<_> = l
                    .sbom
                    .components
                    .iter()
                    .filter(|c| c.kind != ComponentKind::File)
                    .collect();
                infos.push(Info {
                    file: f.display().to_string(),
                    format: l.sbom.document.format.as_ref().map(ToString::to_string),
                    components: l.sbom.components.len(),
                    packages: pkgs.len(),
                    with_purl: pkgs.iter().filter(|c| !c.purls.is_empty()).count(),
                    with_cpe: pkgs.iter().filter(|c| !c.cpes.is_empty()).count(),
                    with_purl_or_cpe: pkgs
                        .iter()
                        .filter(|c| !c.purls.is_empty() || !c.cpes.is_empty())
                        .count(),
                    relationships: l.sbom.relationships.len(),
                    dependency_edges: l.sbom.dependency_edges().count(),
                    reader_warnings: l.diagnostics.len(),
                });
            }
            Err(e) => {
                code = 2;
                output::error(ctx, &anyhow::Error::from(e));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    match ctx.format {
        Format::Json => output::json(&infos)?,
        Format::Human => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(vec![
                    "file",
                    "format",
                    "components",
                    "non-file",
                    "purl",
                    "CPE",
                    "dep. edges",
                    "warnings",
                ]);
            for i in &infos {
                t.add_row(vec![
                    i.file.clone(),
                    i.format.clone().unwrap_or_default(),
                    i.components.to_string(),
                    i.packages.to_string(),
                    i.with_purl.to_string(),
                    i.with_cpe.to_string(),
                    i.dependency_edges.to_string(),
                    i.reader_warnings.to_string(),
                ]);
            }
            println!("{t}");
        }
    }
    Ok(code)
}

fn cmd_rules(ctx: Ctx) -> anyhow::Result<u8> {
    match ctx.format {
        Format::Json => output::json(&check::RULES)?,
        Format::Human => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(vec!["code", "set", "severity", "requirement", "reference"]);
            for r in check::RULES {
                t.add_row(vec![
                    r.code.to_string(),
                    r.set.name().to_string(),
                    r.severity.to_string(),
                    r.title.to_string(),
                    r.reference.to_string(),
                ]);
            }
            println!("{t}");
        }
    }
    Ok(0)
}
