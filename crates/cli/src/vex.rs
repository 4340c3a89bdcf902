//! `craft vex …`: read VEX documents in any dialect craft knows (OpenVEX, CycloneDX VEX,
//! CSAF 2.0 VEX), show, convert and validate them.

use crate::{output, Ctx, Format};
use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use craft_triage::vex::{csaf, cyclonedx, openvex, Document};
use craft_triage::Status;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Read, show, convert and validate VEX documents (OpenVEX 0.2.0, CycloneDX VEX, CSAF 2.0).
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
  craft vex convert kernel.openvex.json --to cyclonedx --bom-link fw.cdx.json -o fw.vex.cdx.json
  craft vex convert supplier.vex.cdx.json --to openvex -o supplier.openvex.json
  craft vex convert kernel.openvex.json --to csaf --namespace https://acme.example -o kernel.csaf.json")]
    Convert {
        /// The VEX document.
        file: PathBuf,
        /// The dialect to write.
        #[arg(long, value_enum)]
        to: Dialect,
        /// Where to write (`-` or absent: stdout).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// For CSAF: the publisher's namespace (a URL of the issuing organisation).
        #[arg(long, default_value = DEFAULT_NAMESPACE)]
        namespace: String,
        /// For CycloneDX: refer to the products in this CycloneDX SBOM by BOM-Link
        /// (`urn:cdx:<serial>/<version>#<bom-ref>`) instead of embedding them.
        #[arg(long, value_name = "SBOM")]
        bom_link: Option<PathBuf>,
    },
    /// Validate CSAF documents as the CSAF 2.0 specification asks: the strict JSON schema
    /// and every mandatory test of section 6.1 (CSAF 2.1: its schema and mandatory tests).
    ///
    /// Exit code 0 when every document is valid, 1 when one is not, 2 when one cannot be
    /// read as JSON.
    #[command(after_help = "\
Examples:
  craft vex validate kernel.csaf.json
  craft --format json vex validate advisories/*.json | jq '.[] | select(.valid | not)'")]
    Validate {
        /// CSAF documents.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Findings shown per document in the human report (all with --format json).
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
}

/// The publisher namespace used when none is given: a reserved name (RFC 2606) that says
/// plainly that the issuer did not set one.
pub const DEFAULT_NAMESPACE: &str = "https://publisher-not-set.invalid";

/// Where a command writes VEX documents, and who issues them.
#[derive(Debug, clap::Args)]
pub struct VexOut {
    /// Also write the decisions as an OpenVEX 0.2.0 document (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub openvex: Option<PathBuf>,
    /// Also write them as a standalone CycloneDX 1.6 VEX (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub cyclonedx_vex: Option<PathBuf>,
    /// Also write them as a CSAF 2.0 VEX (`csaf_vex` profile; `-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub csaf_vex: Option<PathBuf>,
    /// The VEX document's author: the manufacturer issuing it.
    #[arg(long, default_value = "unspecified (set --author to the manufacturer)")]
    pub author: String,
    /// The issuer's namespace for CSAF (a URL of its organisation).
    #[arg(long, default_value = DEFAULT_NAMESPACE)]
    pub namespace: String,
    /// Link the CycloneDX VEX to this CycloneDX SBOM: products by BOM-Link
    /// (`urn:cdx:<serial>/<version>#<bom-ref>`) instead of embedded components.
    #[arg(long, value_name = "SBOM")]
    pub bom_link: Option<PathBuf>,
}

impl VexOut {
    /// Whether any VEX document is asked for.
    pub fn wanted(&self) -> bool {
        self.openvex.is_some() || self.cyclonedx_vex.is_some() || self.csaf_vex.is_some()
    }

    /// Write `doc` in every dialect asked for.
    pub fn write(&self, doc: &Document, now: &str) -> anyhow::Result<()> {
        if let Some(path) = &self.openvex {
            write_json(path, &openvex::write(doc))?;
        }
        if let Some(path) = &self.cyclonedx_vex {
            write_json(path, &cyclonedx_vex(doc, self.bom_link.as_deref())?)?;
        }
        if let Some(path) = &self.csaf_vex {
            write_csaf(path, doc, &self.namespace, now)?;
        }
        Ok(())
    }
}

/// Write `doc` as CSAF VEX to `path` only when the result is valid (strict schema and the
/// mandatory tests): what the model cannot make valid CSAF (no statement at all, say) is an
/// error naming the failed tests, and no file is written.
fn write_csaf(path: &Path, doc: &Document, namespace: &str, now: &str) -> anyhow::Result<()> {
    if !namespace.contains("://") {
        anyhow::bail!("--namespace `{namespace}` is not a URL (CSAF wants the issuer's, e.g. https://acme.example)");
    }
    let v = csaf::write(doc, &csaf::Options::new(namespace, now));
    let found = csaf::validate(v.clone());
    if !found.is_empty() {
        let shown: Vec<String> = found
            .iter()
            .take(5)
            .map(|f| format!("[{}] {}: {}", f.test, f.pointer, f.message))
            .collect();
        anyhow::bail!(
            "the CSAF VEX for `{}` would not be valid ({} findings), so it was not written:\n  {}",
            path.display(),
            found.len(),
            shown.join("\n  ")
        );
    }
    write_json(path, &v)
}

fn write_json(path: &Path, v: &serde_json::Value) -> anyhow::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(v).context("cannot serialise the VEX")?;
    bytes.push(b'\n');
    output::write_atomic(path, &bytes)
}

/// A VEX dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    /// OpenVEX 0.2.0.
    Openvex,
    /// CycloneDX 1.6 VEX (standalone).
    Cyclonedx,
    /// CSAF 2.0 VEX (the `csaf_vex` profile).
    Csaf,
}

/// `doc` as a CycloneDX 1.6 VEX; with `sbom` (a CycloneDX SBOM with a `serialNumber`), each
/// product found in it — by purl, CPE or `bom-ref` — is referred to by BOM-Link. A product
/// the SBOM does not have stays an embedded component, and is named on stderr.
fn cyclonedx_vex(doc: &Document, sbom: Option<&Path>) -> anyhow::Result<serde_json::Value> {
    let Some(sbom) = sbom else {
        return Ok(cyclonedx::write(doc, None));
    };
    let v: serde_json::Value = serde_json::from_slice(&fs_err::read(sbom)?)
        .with_context(|| format!("`{}` is not JSON", sbom.display()))?;
    anyhow::ensure!(
        v.get("bomFormat").and_then(|f| f.as_str()) == Some("CycloneDX"),
        "`{}` is not a CycloneDX SBOM: BOM-Link refers into CycloneDX documents only",
        sbom.display()
    );
    let serial = v
        .get("serialNumber")
        .and_then(|s| s.as_str())
        .filter(|s| s.starts_with("urn:uuid:"))
        .with_context(|| {
            format!(
                "`{}` has no `serialNumber` (urn:uuid:…): a BOM-Link needs one",
                sbom.display()
            )
        })?;
    let version = v
        .get("version")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(1);
    // Every component's bom-ref by its purl, CPE and bom-ref; a key two components share
    // (a CPE of several packages) links to neither.
    let mut refs: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut stack: Vec<&serde_json::Value> = v
        .pointer("/metadata/component")
        .into_iter()
        .chain(
            v.get("components")
                .and_then(|c| c.as_array())
                .into_iter()
                .flatten(),
        )
        .collect();
    while let Some(c) = stack.pop() {
        if let Some(r) = c.get("bom-ref").and_then(|r| r.as_str()) {
            for key in ["purl", "cpe", "bom-ref"] {
                if let Some(k) = c.get(key).and_then(|x| x.as_str()) {
                    refs.entry(k.to_string())
                        .and_modify(|e| {
                            if e.as_deref() != Some(r) {
                                *e = None;
                            }
                        })
                        .or_insert_with(|| Some(r.to_string()));
                }
            }
        }
        stack.extend(
            c.get("components")
                .and_then(|c| c.as_array())
                .into_iter()
                .flatten(),
        );
    }
    let link = format!("{}/{version}", serial.replacen("urn:uuid:", "urn:cdx:", 1));
    let mut linked = doc.clone();
    let mut missing = std::collections::BTreeSet::new();
    for s in &mut linked.statements {
        for p in &mut s.products {
            let found = [p.purl.as_deref(), p.cpe23.as_deref(), Some(p.id.as_str())]
                .into_iter()
                .flatten()
                .find_map(|k| refs.get(k).cloned().flatten());
            match found {
                Some(r) => {
                    let new = format!("{link}#{r}");
                    // What CycloneDX says per product (its version ranges) follows the id.
                    let key = format!("cyclonedx:versions:{}", p.id);
                    if let Some(v) = s.extra.remove(&key) {
                        s.extra.insert(format!("cyclonedx:versions:{new}"), v);
                    }
                    p.id = new;
                }
                None => {
                    missing.insert(p.id.clone());
                }
            }
        }
    }
    if !missing.is_empty() {
        anstream::eprintln!(
            "warning: {} products are not in `{}` and stay embedded: {}",
            missing.len(),
            sbom.display(),
            missing
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(cyclonedx::write(&linked, None))
}

/// Read a VEX document, detecting its dialect.
fn read(path: &Path) -> anyhow::Result<(&'static str, Document)> {
    let text = fs_err::read_to_string(path)?;
    let v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("`{}` is not JSON", path.display()))?;
    let (dialect, doc) = craft_triage::vex::read_any(&v)
        .with_context(|| format!("`{}` is not a readable VEX document", path.display()))?;
    Ok((dialect, doc))
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
        VexCommand::Convert {
            file,
            to,
            output,
            namespace,
            bom_link,
        } => {
            let (_, doc) = read(&file)?;
            let out = output.as_deref().unwrap_or(Path::new("-"));
            match to {
                Dialect::Openvex => write_json(out, &openvex::write(&doc))?,
                Dialect::Cyclonedx => {
                    write_json(out, &cyclonedx_vex(&doc, bom_link.as_deref())?)?;
                }
                Dialect::Csaf => write_csaf(out, &doc, &namespace, &output::now_rfc3339())?,
            }
            Ok(0)
        }
        VexCommand::Validate { files, top } => validate(&files, top, ctx),
    }
}

#[derive(Serialize)]
struct Validated {
    file: String,
    csaf_version: Option<String>,
    valid: bool,
    /// Findings by test id.
    failed_tests: BTreeMap<String, usize>,
    findings: Vec<csaf::Finding>,
}

fn validate(files: &[PathBuf], top: usize, ctx: Ctx) -> anyhow::Result<u8> {
    let mut out = Vec::new();
    let mut unreadable = false;
    for f in files {
        let read = fs_err::read(f).map_err(anyhow::Error::from).and_then(|b| {
            csaf::validate_bytes(&b).with_context(|| format!("`{}` is not JSON", f.display()))
        });
        let (csaf_version, findings) = match read {
            Ok(r) => r,
            Err(e) => {
                // Said, and the other files are still validated; exit code 2 at the end.
                output::error(ctx, &e);
                unreadable = true;
                continue;
            }
        };
        let mut failed_tests = BTreeMap::new();
        for x in &findings {
            *failed_tests.entry(x.test.clone()).or_insert(0) += 1;
        }
        out.push(Validated {
            file: f.display().to_string(),
            csaf_version,
            valid: findings.is_empty(),
            failed_tests,
            findings,
        });
    }
    match ctx.format {
        Format::Json => output::json(&out)?,
        Format::Human => {
            for d in &out {
                if d.valid {
                    output::line(format_args!(
                        "{}: valid CSAF {}",
                        d.file,
                        d.csaf_version.as_deref().unwrap_or("?")
                    ));
                    continue;
                }
                let tests: Vec<String> = d
                    .failed_tests
                    .iter()
                    .map(|(t, n)| format!("{t} ({n})"))
                    .collect();
                output::line(format_args!(
                    "{}: INVALID, {} findings; failed: {}",
                    d.file,
                    d.findings.len(),
                    tests.join(", ")
                ));
                for x in d.findings.iter().take(top) {
                    output::line(format_args!("  [{}] {}: {}", x.test, x.pointer, x.message));
                }
                if d.findings.len() > top {
                    output::line(format_args!(
                        "  … {} more (--top N, or --format json)",
                        d.findings.len() - top
                    ));
                }
            }
        }
    }
    Ok(if unreadable {
        2
    } else if out.iter().all(|d| d.valid) {
        0
    } else {
        1
    })
}
