//! `craft triage …`: decide findings from facts of the build, with proof.

use crate::db::DbArg;
use crate::kernel::KernelArgs;
use crate::{output, Ctx, Format};
use clap::Subcommand;
use craft_sbom::{read_bytes, read_path, ReadOptions};
use craft_scan::{Finding, Matcher};
use craft_triage::kernel::KernelContext;
use craft_triage::vex::{self, Document, Product};
use craft_triage::{Decision, Layer, Status};
use craft_vulndb::{Precedence, SqliteStore, Store};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Triage findings.
#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// Triage the kernel's findings by its configuration: a CVE whose fixed files this
    /// configuration does not compile is `not_affected` (`vulnerable_code_not_present`),
    /// with the Makefile line and `CONFIG_` symbol as proof.
    ///
    /// The kernel comes from SBOMs (components matched as the Linux kernel) or from
    /// `--version`. The files each CVE's fix touched are the kernel CNA record's
    /// `programFiles`. Layers, in order: compiled (affected), another architecture's code,
    /// not kernel-image code (tools/, scripts/), not compiled by this configuration; what
    /// none decides stays `under_investigation`, with the reason.
    #[command(after_help = "\
Examples:
  craft triage kernel --version 6.1.192 --config .config --tree ~/src/linux
  craft triage kernel rootfs.spdx.json --config .config --tree linux --db ./vulndb
  craft triage kernel --version 6.1.192 --config .config --tree linux \\
      --compiled build/compile_commands.json
  craft triage kernel --version 6.1.192 --config .config --tree linux \\
      --openvex kernel.openvex.json --csaf-vex kernel.csaf.json \\
      --author 'Acme GmbH' --namespace https://acme.example
  craft --format json triage kernel --version 6.1.192 --config imx.config --tree linux \\
      --file-list linux/FILELIST | jq '.summary'")]
    Kernel {
        /// SBOMs holding the kernel component (or use --version).
        sboms: Vec<PathBuf>,
        /// The kernel version, instead of an SBOM.
        #[arg(long, conflicts_with = "sboms")]
        version: Option<String>,
        #[command(flatten)]
        kernel: KernelArgs,
        /// What a real build compiled, where you have it: a `compile_commands.json`, a
        /// kernel build directory (its `.cmd` files: sources and the headers they
        /// included), or a list of source paths. It decides over the Makefile walk.
        #[arg(long, value_name = "PATH")]
        compiled: Option<PathBuf>,
        #[command(flatten)]
        db: DbArg,
        /// Rows of the human table (all with --format json).
        #[arg(long, default_value_t = 20)]
        top: usize,
        #[command(flatten)]
        vex: crate::vex::VexOut,
    },
    /// Record your decision on a finding of a product: appended, with who, when, why and
    /// the state it replaces, to the product's `triage-decisions.jsonl` (a file to commit
    /// and review). `craft check` applies it to every release where the component has the
    /// same version and the vulnerability data the same range; when those change (a new
    /// release, a database update) the decision is re-opened and reported. A person's
    /// decision comes before `triage.toml`'s rules.
    #[command(after_help = "\
Examples:
  craft triage set CVE-2024-0727 openssl --status not_affected \\
      --justification vulnerable_code_not_in_execute_path \\
      --reason 'PKCS12 files are never parsed: no certificate import (design doc D-12)' \\
      --product examples/gateway
  craft triage set CVE-2023-44487 nghttp2 --status affected \\
      --reason 'HTTP/2 is on for the web UI; fix planned in 2.1.1' --release 2.1.0
  craft triage history --product examples/gateway
  craft --format json triage history CVE-2024-0727 --product examples/gateway

Exit codes: 0 recorded; 2 the product, the finding or the arguments are wrong.")]
    Set(crate::decide::SetArgs),
    /// Show the recorded decisions of a product, oldest first, with the state each
    /// replaced.
    History(crate::decide::HistoryArgs),
}

#[derive(Serialize)]
struct Triaged<'a> {
    id: &'a str,
    component: &'a str,
    version: Option<&'a str>,
    #[serde(flatten)]
    decision: Decision,
}

#[derive(Serialize, Default)]
struct Summary {
    findings: usize,
    affected: usize,
    not_affected: usize,
    under_investigation: usize,
    not_affected_by_layer: BTreeMap<&'static str, usize>,
}

#[derive(Serialize)]
struct Report<'a> {
    srcarch: String,
    compiled_files: usize,
    uncertain_directories: Vec<String>,
    summary: Summary,
    decisions: Vec<Triaged<'a>>,
}

/// Run a `craft triage` command.
pub fn run(cmd: TriageCommand, ctx: Ctx) -> anyhow::Result<u8> {
    let (sboms, version, kernel, compiled_list, db, top, vex_out) = match cmd {
        TriageCommand::Set(args) => return crate::decide::set(args, ctx),
        TriageCommand::History(args) => return crate::decide::history(args, ctx),
        TriageCommand::Kernel {
            sboms,
            version,
            kernel,
            compiled,
            db,
            top,
            vex,
        } => (sboms, version, kernel, compiled, db, top, vex),
    };
    if sboms.is_empty() && version.is_none() {
        anyhow::bail!("name the kernel: SBOM files, or --version");
    }
    let (cfg, t, compiled) = kernel.load(ctx)?;
    let spinner = output::spinner(ctx, "matching");
    let dir = db.dir()?;
    let store = SqliteStore::open(&dir)?;
    let precedence = Precedence::for_dir(&dir)?;
    let mut matcher = Matcher::new(&store, &precedence);
    let opts = ReadOptions {
        validate_schema: false,
        ..ReadOptions::default()
    };
    // Each kernel finding with the product its VEX statement names.
    let mut findings: Vec<(Finding, Product)> = Vec::new();
    let mut loaded = Vec::new();
    if let Some(v) = &version {
        let doc = serde_json::json!({
            "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "components": [{"type": "operating-system", "bom-ref": "linux", "name": "linux",
                "version": v, "cpe": format!("cpe:2.3:o:linux:linux_kernel:{v}:*:*:*:*:*:*:*")}]
        });
        let bytes = serde_json::to_vec(&doc)?;
        loaded.push(read_bytes(std::path::Path::new("--version"), bytes, &opts)?.sbom);
    }
    for p in &sboms {
        loaded.push(read_path(p, &opts)?.sbom);
    }
    for sbom in &loaded {
        let report = matcher.scan(sbom)?;
        for f in report.findings {
            if f.identity.key != "linux-kernel" {
                continue;
            }
            let c = sbom.components.iter().find(|c| c.id == f.component);
            let product = Product::new(
                c.and_then(|c| c.purls.first().cloned()),
                c.and_then(|c| c.cpes.iter().find(|x| x.starts_with("cpe:2.3:")).cloned()),
                &f.component,
            );
            findings.push((f, product));
        }
    }
    spinner.set_message("triaging");
    let built = match &compiled_list {
        Some(p) => {
            let mut b = craft_kernel::Built::read(p, &t)?;
            b.judge(&compiled);
            if b.sources.is_empty() {
                anyhow::bail!(
                    "`{}` names no source file of the tree `{}` ({} paths not in it): is it \
                     this kernel's build?",
                    p.display(),
                    t.root().display(),
                    b.unplaced
                );
            }
            if !b.complete {
                anstream::eprintln!(
                    "warning: `{}` {} ({:.1} % of the sources the Makefiles compile): it marks \
                     what it has as compiled, but proves nothing absent",
                    p.display(),
                    if b.included.is_none() {
                        "does not say what the sources included"
                    } else {
                        "is not a complete build"
                    },
                    b.coverage.unwrap_or(0.0) * 100.0
                );
            }
            Some(b)
        }
        None => None,
    };
    let kctx = KernelContext {
        compiled: &compiled,
        config: &cfg,
        tree: &t,
        built: built.as_ref(),
    };
    let mut summary = Summary::default();
    let mut decisions = Vec::new();
    for (f, _) in &findings {
        let files = program_files(&store, &precedence, &f.id)?;
        let d = kctx.triage(&files);
        summary.findings += 1;
        match d.status {
            Status::Affected => summary.affected += 1,
            Status::NotAffected => {
                summary.not_affected += 1;
                *summary
                    .not_affected_by_layer
                    .entry(d.layer.name())
                    .or_default() += 1;
            }
            _ => summary.under_investigation += 1,
        }
        decisions.push(Triaged {
            id: &f.id,
            component: &f.component_name,
            version: f.component_version.as_deref(),
            decision: d,
        });
    }
    spinner.finish_and_clear();
    if vex_out.wanted() {
        let statements = findings
            .iter()
            .zip(&decisions)
            .map(|((f, product), d)| {
                vex::from_decision(&f.id, &f.aliases, product, &d.decision, &f.fixed)
            })
            .collect();
        let now = output::now_rfc3339();
        vex_out.write(&Document::new(&vex_out.author, &now, statements), &now)?;
    }
    decisions.sort_by_key(|d| (d.decision.status, d.id));
    let report = Report {
        srcarch: compiled.srcarch.clone(),
        compiled_files: compiled.files.len(),
        uncertain_directories: compiled.uncertain_directories.clone(),
        summary,
        decisions,
    };
    match ctx.format {
        Format::Json => output::json(&report)?,
        Format::Human => human(&report, top),
    }
    Ok(0)
}

/// The files the kernel CNA's record names for the vulnerability `id`.
fn program_files(store: &SqliteStore, p: &Precedence, id: &str) -> anyhow::Result<Vec<String>> {
    Ok(store
        .vulnerability(id, p)?
        .map(|v| v.program_files())
        .unwrap_or_default())
}

fn human(r: &Report<'_>, top: usize) {
    let s = &r.summary;
    println!(
        "kernel ({}): {} findings; {} compiled files",
        r.srcarch, s.findings, r.compiled_files
    );
    let pct = |n: usize| {
        if s.findings == 0 {
            0.0
        } else {
            n as f64 * 100.0 / s.findings as f64
        }
    };
    println!(
        "  affected (a fixed file is compiled)  {:>6}  {:5.1} %",
        s.affected,
        pct(s.affected)
    );
    println!(
        "  not_affected                         {:>6}  {:5.1} %",
        s.not_affected,
        pct(s.not_affected)
    );
    for layer in Layer::KERNEL_DISMISSALS {
        let n = s
            .not_affected_by_layer
            .get(layer.name())
            .copied()
            .unwrap_or(0);
        println!("    by {:<32} {:>6}  {:5.1} %", layer.name(), n, pct(n));
    }
    println!(
        "  under_investigation                  {:>6}  {:5.1} %",
        s.under_investigation,
        pct(s.under_investigation)
    );
    if !r.uncertain_directories.is_empty() {
        println!(
            "  uncertain directories: {}",
            r.uncertain_directories.join(", ")
        );
    }
    if top == 0 || r.decisions.is_empty() {
        return;
    }
    println!();
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
    table.set_header(["vulnerability", "status", "layer", "evidence"]);
    for d in r.decisions.iter().take(top) {
        let mut reason = d.decision.reason.clone();
        if reason.chars().count() > 110 {
            reason = reason.chars().take(107).collect::<String>() + "...";
        }
        table.add_row([
            d.id,
            d.decision.status.name(),
            d.decision.layer.name(),
            &reason,
        ]);
    }
    println!("{table}");
    if r.decisions.len() > top {
        println!(
            "({} more; --top N or --format json for all)",
            r.decisions.len() - top
        );
    }
}
