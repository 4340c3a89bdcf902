//! `craft vex …`: read VEX documents in any dialect craft knows, show and convert them.

use crate::{output, Ctx, Format};
use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use craft_triage::vex::{cyclonedx, openvex, Document};
use craft_triage::Status;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Read, show and convert VEX documents (OpenVEX 0.2.0, CycloneDX VEX).
#[derive(Debug, Subcommand)]
pub enum VexCommand {
    /// Summarise VEX documents: statements by status and justification, products.
    #[command(after_help = "\
Examples:
  craft vex show kernel.openvex.json
  craft --format json vex show vendor.vex.cdx.json | jq .statements")]
    Show {
        /// VEX documents (the dialect is detected).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Convert a VEX document to another dialect; what the target cannot say is kept
    /// in a form craft reads back (OpenVEX → CycloneDX → OpenVEX keeps every statement).
    #[command(after_help = "\
Examples:
  craft vex convert kernel.openvex.json --to cyclonedx -o kernel.vex.cdx.json
  craft vex convert supplier.vex.cdx.json --to openvex -o supplier.openvex.json")]
    Convert {
        /// The VEX document.
        file: PathBuf,
        /// The dialect to write.
        #[arg(long, value_enum)]
        to: Dialect,
        /// Where to write (`-` or absent: stdout).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// A VEX dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    /// OpenVEX 0.2.0.
    Openvex,
    /// CycloneDX 1.6 VEX (standalone).
    Cyclonedx,
}

/// Read a VEX document, detecting its dialect.
fn read(path: &Path) -> anyhow::Result<(&'static str, Document)> {
    let text = fs_err::read_to_string(path)?;
    let v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("`{}` is not JSON", path.display()))?;
    let doc = if v.get("@context").is_some() {
        ("openvex", openvex::read(&v))
    } else if v.get("bomFormat").is_some() {
        ("cyclonedx", cyclonedx::read(&v))
    } else {
        anyhow::bail!(
            "`{}` is neither OpenVEX (no `@context`) nor CycloneDX (no `bomFormat`)",
            path.display()
        );
    };
    let (dialect, doc) = doc;
    Ok((
        dialect,
        doc.with_context(|| format!("`{}` is not a readable VEX document", path.display()))?,
    ))
}

#[derive(Serialize)]
struct Shown {
    file: String,
    dialect: &'static str,
    id: Option<String>,
    author: Option<String>,
    timestamp: Option<String>,
    statements: usize,
    by_status: BTreeMap<&'static str, usize>,
    by_justification: BTreeMap<&'static str, usize>,
    products: usize,
}

/// Run a `craft vex` command.
pub fn run(cmd: VexCommand, ctx: Ctx) -> anyhow::Result<u8> {
    match cmd {
        VexCommand::Show { files } => {
            let mut shown = Vec::new();
            for f in &files {
                let (dialect, doc) = read(f)?;
                let mut by_status = BTreeMap::new();
                let mut by_justification = BTreeMap::new();
                let mut products = std::collections::BTreeSet::new();
                for s in &doc.statements {
                    *by_status.entry(s.status.name()).or_insert(0) += 1;
                    if let Some(j) = s.justification {
                        *by_justification.entry(j.name()).or_insert(0) += 1;
                    }
                    products.extend(s.products.iter().map(|p| p.id.clone()));
                }
                shown.push(Shown {
                    file: f.display().to_string(),
                    dialect,
                    id: doc.id,
                    author: doc.author,
                    timestamp: doc.timestamp,
                    statements: doc.statements.len(),
                    by_status,
                    by_justification,
                    products: products.len(),
                });
            }
            match ctx.format {
                Format::Json => output::json(&shown)?,
                Format::Human => {
                    for s in &shown {
                        println!(
                            "{} ({}): {} statements about {} products{}",
                            s.file,
                            s.dialect,
                            s.statements,
                            s.products,
                            s.author
                                .as_deref()
                                .map_or(String::new(), |a| format!(", by {a}"))
                        );
                        for status in [
                            Status::Affected,
                            Status::NotAffected,
                            Status::UnderInvestigation,
                            Status::Fixed,
                        ] {
                            if let Some(n) = s.by_status.get(status.name()) {
                                println!("  {:<22}{n:>6}", status.name());
                            }
                        }
                        for (j, n) in &s.by_justification {
                            println!("    {j:<34}{n:>6}");
                        }
                    }
                }
            }
            Ok(0)
        }
        VexCommand::Convert { file, to, output } => {
            let (_, doc) = read(&file)?;
            let v = match to {
                Dialect::Openvex => openvex::write(&doc),
                Dialect::Cyclonedx => cyclonedx::write(&doc, None),
            };
            let mut bytes = serde_json::to_vec_pretty(&v).context("cannot serialise the VEX")?;
            bytes.push(b'\n');
            output::write_atomic(output.as_deref().unwrap_or(Path::new("-")), &bytes)?;
            Ok(0)
        }
    }
}
