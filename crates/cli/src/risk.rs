//! `craft risk`: the product's risk assessment (threat-model.toml), rated, checked by the
//! rules, linked to the live findings, and rendered (register, diagrams, heat map, Annex I
//! coverage, the documentation chapter).

use crate::{output, Ctx, Format};
use clap::{Args, Subcommand, ValueEnum};
use craft_cra::threat::{self, render, Assessment, Level};
use craft_cra::Date;
use craft_product::risk::{ThreatModel, THREAT_FILE};
use craft_product::ProductDir;
use std::path::PathBuf;

/// `craft risk …`.
#[derive(Debug, Subcommand)]
pub enum RiskCommand {
    /// Judge the model: every model error (all at once, with line and column), each attack
    /// path rated before and after countermeasures, the rules' candidate threats, and the
    /// live findings that raise paths.
    Check(CommonArgs),
    /// The risk register: one row per attack path (table, JSON, or CSV with `--csv`).
    Register(RegisterArgs),
    /// Attack trees as SVG, Mermaid or Graphviz DOT.
    Diagram(DiagramArgs),
    /// The heat map of attack paths by impact and feasibility, before and after the
    /// implemented countermeasures (SVG).
    Heatmap(FileArgs),
    /// The Annex I coverage matrix: the countermeasures serving each item, the paths they
    /// protect, the open candidate threats.
    Coverage(CommonArgs),
    /// The risk-assessment chapter of the technical documentation (Markdown).
    Chapter(FileArgs),
    /// The rules: ids, what each looks for, the Annex I items it concerns.
    Rules,
    /// Write a first threat-model.toml from craft.toml's interfaces and the components of
    /// the last release's SBOMs, for the maker to complete (never replaces one).
    Init(InitArgs),
    /// The findings the threat model justifies `not_affected` (their component is
    /// reachable from no entry point), as VEX citing the model element: OpenVEX,
    /// CycloneDX VEX or CSAF VEX, or a list without `--openvex`/`--cyclonedx-vex`/`--csaf-vex`.
    Vex(VexArgs),
}

/// `craft risk init`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft risk init .
  craft risk init . && craft risk check --model-only .   # the rules say what to add first")]
pub struct InitArgs {
    /// The product directory.
    #[arg(default_value = ".")]
    product: PathBuf,
}

/// `craft risk vex`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft risk vex examples/gateway
  craft risk vex examples/gateway --openvex model.openvex.json --author 'Acme Devices GmbH'")]
pub struct VexArgs {
    /// The product directory.
    #[arg(default_value = ".")]
    product: PathBuf,
    /// Vulnerability database directory (overrides craft.toml's [vulndb]).
    #[arg(long, value_name = "DIR")]
    db: Option<PathBuf>,
    /// The release (default: the last one craft.toml lists).
    #[arg(long, value_name = "VERSION")]
    release: Option<String>,
    #[command(flatten)]
    out: crate::vex::VexOut,
}

/// What every `craft risk` command that reads a model takes.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft risk check examples/gateway
  craft risk check --model-only .
  craft --format json risk check . > risk.json

Exit codes: 0 the assessment holds; 1 a risk above the threshold is unmitigated, an
acceptance expired, or a candidate threat at error level is open; 2 the model has errors
(all listed, with line and column) or a file cannot be read.")]
pub struct CommonArgs {
    /// The product directory (holding craft.toml and threat-model.toml).
    #[arg(default_value = ".")]
    pub product: PathBuf,
    /// Rate the model alone: do not scan the releases for findings that raise paths.
    #[arg(long)]
    pub model_only: bool,
    /// Vulnerability database directory (overrides craft.toml's [vulndb]).
    #[arg(long, value_name = "DIR")]
    pub db: Option<PathBuf>,
    /// The day expiries are judged on (`YYYY-MM-DD`; default today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = output::parse_day)]
    pub today: Option<Date>,
}

/// `craft risk register`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft risk register examples/gateway
  craft risk register --csv -o risk-register.csv examples/gateway")]
pub struct RegisterArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// CSV (RFC 4180) instead of a table.
    #[arg(long)]
    csv: bool,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Diagram formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagramFormat {
    /// An SVG image.
    Svg,
    /// A Mermaid flowchart (renders in GitHub and GitLab Markdown).
    Mermaid,
    /// Graphviz DOT (`dot -Tpdf`).
    Dot,
}

/// `craft risk diagram`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft risk diagram examples/gateway --as mermaid
  craft risk diagram examples/gateway --path AP-23 --as svg -o AP-23.svg
  craft risk diagram . --as dot | dot -Tpdf -o attack-trees.pdf")]
pub struct DiagramArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The format.
    #[arg(long = "as", value_enum, default_value_t = DiagramFormat::Mermaid)]
    kind: DiagramFormat,
    /// Only these paths (repeatable; default all).
    #[arg(long = "path", value_name = "ID")]
    paths: Vec<String>,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Commands that write one document.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft risk heatmap examples/gateway -o heatmap.svg
  craft risk chapter examples/gateway -o docs/risk-assessment.md")]
pub struct FileArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Run `craft risk …`.
pub fn run(cmd: RiskCommand, ctx: Ctx) -> anyhow::Result<u8> {
    match cmd {
        RiskCommand::Check(a) => check(&a, ctx),
        RiskCommand::Register(a) => register(&a, ctx),
        RiskCommand::Diagram(a) => diagram(&a, ctx),
        RiskCommand::Heatmap(a) => {
            let Some(l) = load(&a.common, ctx)? else {
                return Ok(2);
            };
            emit(
                ctx,
                "svg",
                a.output.as_ref(),
                &render::heatmap(&l.assessment, &l.threat().tables),
            )?;
            Ok(0)
        }
        RiskCommand::Chapter(a) => {
            let Some(l) = load(&a.common, ctx)? else {
                return Ok(2);
            };
            let p = &l.product.manifest.product;
            let name = match &p.model {
                Some(model) => format!("{} ({model})", p.name),
                None => p.name.clone(),
            };
            emit(
                ctx,
                "markdown",
                a.output.as_ref(),
                &render::chapter(l.model(), &l.assessment, &l.threat().tables, &name),
            )?;
            Ok(0)
        }
        RiskCommand::Coverage(a) => coverage(&a, ctx),
        RiskCommand::Rules => rules(ctx),
        RiskCommand::Vex(a) => vex(&a, ctx),
        RiskCommand::Init(a) => init(&a, ctx),
    }
}

fn vex(a: &VexArgs, ctx: Ctx) -> anyhow::Result<u8> {
    use craft_triage::vex::{self as tv, Document, Product};
    let product = ProductDir::open(&a.product)?;
    match product.threat.as_ref().map(|t| &t.model) {
        None => anyhow::bail!("`{}` has no {THREAT_FILE}", product.dir.display()),
        Some(Err(e)) => anyhow::bail!(
            "{THREAT_FILE} has {} errors (`craft risk check` lists them)",
            e.0.len()
        ),
        Some(Ok(_)) => {}
    }
    let report = crate::check::check_product(&product, a.db.as_deref(), Vec::new(), None, ctx)?;
    let release = match &a.release {
        Some(v) => report
            .releases
            .iter()
            .find(|r| &r.version == v)
            .ok_or_else(|| anyhow::anyhow!("craft.toml declares no release {v}"))?,
        None => report
            .releases
            .last()
            .ok_or_else(|| anyhow::anyhow!("craft.toml declares no release"))?,
    };
    let justified: Vec<_> = release
        .findings
        .iter()
        .filter_map(|rf| {
            let d = rf.triage.as_ref()?;
            (d.layer == craft_triage::Layer::ThreatModel).then_some((rf, d))
        })
        .collect();
    if a.out.wanted() {
        let statements = justified
            .iter()
            .map(|(rf, d)| {
                let f = &rf.finding;
                let p = Product::new(
                    rf.ids.iter().find(|i| i.starts_with("pkg:")).cloned(),
                    rf.ids.iter().find(|i| i.starts_with("cpe:2.3:")).cloned(),
                    &f.component,
                );
                tv::from_decision(&f.id, &f.aliases, &p, d, &f.fixed)
            })
            .collect();
        let author = if a.out.author.starts_with("unspecified") {
            product
                .manifest
                .manufacturer_name()
                .map_or_else(|| a.out.author.clone(), str::to_string)
        } else {
            a.out.author.clone()
        };
        let now = output::now_rfc3339();
        a.out
            .write(&Document::new(&author, &now, statements), &now)?;
    }
    match ctx.format {
        Format::Json => output::json(
            &justified
                .iter()
                .map(|(rf, d)| {
                    serde_json::json!({
                        "vulnerability": rf.finding.id,
                        "component": rf.finding.component_name,
                        "version": rf.finding.component_version,
                        "status": d.status.name(),
                        "justification": d.justification.map(|j| j.name()),
                        "reason": d.reason,
                    })
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Human => {
            for (rf, d) in &justified {
                println!(
                    "{} in {} {}: not_affected ({}): {}",
                    rf.finding.id,
                    rf.finding.component_name,
                    rf.finding.component_version.as_deref().unwrap_or("?"),
                    d.justification.map_or("-", |j| j.name()),
                    d.reason
                );
            }
            println!(
                "{} findings of release {} justified by the threat model",
                justified.len(),
                release.version
            );
        }
    }
    Ok(0)
}

/// A product whose valid threat model has been assessed.
struct Loaded {
    product: ProductDir,
    assessment: Assessment,
}

impl Loaded {
    /// The threat model ([`load`] checked there is one).
    fn threat(&self) -> &ThreatModel {
        self.product.threat.as_ref().expect("load checked it")
    }

    /// The model ([`load`] checked it is valid).
    fn model(&self) -> &craft_cra::threat::model::Model {
        self.threat().model.as_ref().expect("load checked it")
    }
}

/// Read the product's model and assess it: `None` (after printing every model error) when
/// the model has errors.
fn load(a: &CommonArgs, ctx: Ctx) -> anyhow::Result<Option<Loaded>> {
    let product = ProductDir::open(&a.product)?;
    let Some(tm) = &product.threat else {
        anyhow::bail!(
            "`{}` has no {THREAT_FILE}: write one (docs/risk.md; examples/gateway/{THREAT_FILE} \
             is a complete example)",
            product.dir.display()
        );
    };
    let model = match &tm.model {
        Ok(m) => m,
        Err(errors) => {
            match ctx.format {
                Format::Json => output::json(&serde_json::json!({
                    "file": tm.file.display().to_string(),
                    "errors": errors.0,
                }))?,
                Format::Human => {
                    use owo_colors::OwoColorize;
                    for e in &errors.0 {
                        anstream::eprintln!("{} {e}", "error:".red().bold());
                    }
                    anstream::eprintln!(
                        "{} problems in `{}`: nothing was assessed",
                        errors.0.len(),
                        tm.file.display()
                    );
                }
            }
            return Ok(None);
        }
    };
    let today = a.today.unwrap_or_else(output::today);
    let findings = if a.model_only {
        Vec::new()
    } else {
        let report = crate::check::check_product(&product, a.db.as_deref(), Vec::new(), None, ctx)?;
        craft_product::risk::live_findings(&report.releases)
    };
    let assessment = threat::assess(model, &tm.tables, &findings, today);
    Ok(Some(Loaded {
        product,
        assessment,
    }))
}

fn emit(ctx: Ctx, kind: &str, path: Option<&PathBuf>, text: &str) -> anyhow::Result<()> {
    match (path, ctx.format) {
        (Some(p), Format::Json) => {
            output::write_atomic(p, text.as_bytes())?;
            output::json(&serde_json::json!({
                "kind": kind, "file": p.display().to_string(), "bytes": text.len()
            }))
        }
        (Some(p), Format::Human) => output::write_atomic(p, text.as_bytes()),
        (None, Format::Json) => output::json(&serde_json::json!({"kind": kind, "text": text})),
        (None, Format::Human) => output::write_atomic(std::path::Path::new("-"), text.as_bytes()),
    }
}

fn check(a: &CommonArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let Some(Loaded { assessment, .. }) = load(a, ctx)? else {
        return Ok(2);
    };
    let code = u8::from(assessment.failed());
    if ctx.format == Format::Json {
        output::json(&assessment)?;
        return Ok(code);
    }
    let s = &assessment.summary;
    println!(
        "{}: {} assets, {} interfaces, {} components, {} countermeasures ({} planned), {} \
         attack paths",
        assessment.file,
        s.assets,
        s.interfaces,
        s.components,
        s.countermeasures.0,
        s.countermeasures.1,
        s.paths
    );
    print_paths(&assessment);
    print_candidates(&assessment);
    println!(
        "threshold {}: {} paths above it before countermeasures, {} after; {}",
        s.threshold,
        s.above_initial,
        s.above_residual,
        if s.paths == 0 {
            "no attack paths yet".to_string()
        } else {
            s.statuses()
        }
    );
    if s.linked_findings > 0 || !a.model_only {
        println!(
            "live findings linked to the model: {}; paths raised by them: {}",
            s.linked_findings, s.raised_paths
        );
    }
    for u in &assessment.unreachable {
        println!(
            "not reachable: `{}` ({}:{}) — {} findings justified not_affected \
             (vulnerable_code_cannot_be_controlled_by_adversary)",
            u.component,
            assessment.file,
            u.at.line,
            u.findings.len()
        );
    }
    println!(
        "{}",
        if code == 0 {
            "risk assessment holds".to_string()
        } else {
            format!("risk assessment FAILS: {} open errors", s.open_errors)
        }
    );
    Ok(code)
}

fn print_paths(a: &Assessment) {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header([
        "path", "threat", "entry", "asset", "impact", "initial", "residual", "status",
    ]);
    for p in &a.paths {
        t.add_row([
            p.id.clone(),
            p.title.clone(),
            p.entry.clone(),
            format!("{} ({})", p.asset, p.property.name()),
            render::impact_name(p.impact).to_string(),
            format!(
                "{} {}",
                p.initial.risk,
                render::feasibility_name(p.initial.feasibility)
            ),
            format!(
                "{} {}{}",
                p.residual.risk,
                render::feasibility_name(p.residual.feasibility),
                if p.vulnerabilities.is_empty() {
                    String::new()
                } else {
                    format!(" ↑ {}", p.vulnerabilities.join(", "))
                }
            ),
            match p.status {
                threat::PathStatus::Unmitigated | threat::PathStatus::Expired => {
                    p.status.name().to_uppercase()
                }
                _ => p.status.name().to_string(),
            },
        ]);
    }
    println!("{t}");
}

fn print_candidates(a: &Assessment) {
    let open: Vec<_> = a
        .candidates
        .iter()
        .filter(|c| c.suppressed.is_none())
        .collect();
    for c in &open {
        println!(
            "{} {}:{}:{}: {} [{}]",
            if c.level == Level::Error {
                "error:"
            } else {
                "warning:"
            },
            a.file,
            c.at.line,
            c.at.column,
            c.message,
            c.rule
        );
    }
    let suppressed = a.candidates.len() - open.len();
    if suppressed > 0 {
        println!("{suppressed} candidate threats suppressed with a reason (`craft risk chapter` lists them)");
    }
}

fn register(a: &RegisterArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let Some(Loaded { assessment, .. }) = load(&a.common, ctx)? else {
        return Ok(2);
    };
    if a.csv {
        emit(
            ctx,
            "csv",
            a.output.as_ref(),
            &render::register_csv(&assessment),
        )?;
    } else if ctx.format == Format::Json {
        match &a.output {
            Some(p) => output::write_atomic(p, &serde_json::to_vec_pretty(&assessment.paths)?)?,
            None => output::json(&assessment.paths)?,
        }
    } else {
        anyhow::ensure!(
            a.output.is_none(),
            "-o writes CSV (`--csv`) or JSON (`--format json`); the table is for the terminal"
        );
        print_paths(&assessment);
    }
    Ok(0)
}

fn diagram(a: &DiagramArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let Some(l) = load(&a.common, ctx)? else {
        return Ok(2);
    };
    let (m, tables, assessment) = (l.model(), &l.threat().tables, &l.assessment);
    for p in &a.paths {
        anyhow::ensure!(
            m.paths.iter().any(|x| &x.id == p),
            "no attack path `{p}` in {THREAT_FILE} (paths: {})",
            m.paths
                .iter()
                .map(|x| x.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let (kind, text) = match a.kind {
        DiagramFormat::Svg => ("svg", render::svg(m, assessment, tables, &a.paths)),
        DiagramFormat::Mermaid => ("mermaid", render::mermaid(m, assessment, tables, &a.paths)),
        DiagramFormat::Dot => ("dot", render::dot(m, assessment, tables, &a.paths)),
    };
    emit(ctx, kind, a.output.as_ref(), &text)?;
    Ok(0)
}

fn coverage(a: &CommonArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let Some(Loaded { assessment, .. }) = load(a, ctx)? else {
        return Ok(2);
    };
    if ctx.format == Format::Json {
        output::json(&assessment.coverage)?;
        return Ok(0);
    }
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(["item", "implemented", "planned", "paths", "open threats"]);
    for c in &assessment.coverage {
        t.add_row([
            c.reference.trim_start_matches("Annex I ").to_string(),
            c.implemented.join(", "),
            c.planned.join(", "),
            c.paths.len().to_string(),
            c.open_candidates.to_string(),
        ]);
    }
    println!("{t}");
    let uncovered = assessment
        .coverage
        .iter()
        .filter(|c| c.implemented.is_empty())
        .count();
    println!(
        "{} of {} Annex I items served by an implemented countermeasure; {uncovered} by none \
         (their evidence must come from elsewhere: `craft requirements check`)",
        assessment.coverage.len() - uncovered,
        assessment.coverage.len()
    );
    Ok(0)
}

fn rules(ctx: Ctx) -> anyhow::Result<u8> {
    let rules = threat::rules::RULES;
    if ctx.format == Format::Json {
        output::json(&rules)?;
        return Ok(0);
    }
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(["id", "looks for", "Annex I", "suppressible"]);
    for r in rules {
        t.add_row([
            r.id.to_string(),
            format!("{}\n{}", r.title, r.doc),
            r.annex_i.join(", "),
            if r.suppressible {
                "with a reason"
            } else {
                "no"
            }
            .to_string(),
        ]);
    }
    println!("{t}");
    Ok(0)
}

fn init(a: &InitArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.product)?;
    let file = product.dir.join(THREAT_FILE);
    anyhow::ensure!(
        !file.exists(),
        "`{}` exists already: craft risk init never replaces a model",
        file.display()
    );
    let m = &product.manifest;
    let mut names = Vec::new();
    let mut unreadable = Vec::new();
    if let Some(release) = m.releases.last() {
        let opts = craft_sbom::ReadOptions {
            validate_schema: false,
            ..craft_sbom::ReadOptions::default()
        };
        for sbom in &release.sboms {
            match craft_sbom::read_path(&product.resolve(sbom), &opts) {
                Ok(loaded) => names.extend(
                    loaded
                        .sbom
                        .components
                        .iter()
                        .filter(|c| !c.name.trim().is_empty())
                        .map(|c| c.name.clone()),
                ),
                Err(e) => unreadable.push(format!("{}: {e}", sbom.display())),
            }
        }
    }
    let text = threat::skeleton::skeleton(&m.product.name, &m.product.interfaces, &names);
    // What craft writes, craft must read: checked before the file exists.
    if let Err(e) = threat::model::parse(THREAT_FILE, &text, craft_cra::risk::bundled()) {
        anyhow::bail!("craft wrote a first model it cannot read (a bug; please report it):\n{e}");
    }
    output::write_new(&file, text.as_bytes())?;
    let distinct = names
        .iter()
        .filter(|n| threat::skeleton::usable(n))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    match ctx.format {
        Format::Json => output::json(&serde_json::json!({
            "file": file.display().to_string(),
            "interfaces": m.product.interfaces.len(),
            "components": distinct.min(threat::skeleton::MAX_COMPONENTS),
            "unreadable": unreadable,
        }))?,
        Format::Human => {
            for u in &unreadable {
                anstream::eprintln!("warning: SBOM not read: {u}");
            }
            anstream::eprintln!(
                "wrote `{}`: {} interfaces from craft.toml, {} components from the SBOMs of \
                 release {}, 4 assets to review; next: `craft risk check --model-only {}`",
                file.display(),
                m.product.interfaces.len(),
                distinct.min(threat::skeleton::MAX_COMPONENTS),
                m.releases.last().map_or("-", |r| r.version.as_str()),
                a.product.display()
            );
        }
    }
    Ok(0)
}
