//! `craft triage set` and `craft triage history`: people's decisions on a product's
//! findings, kept in the product's append-only `triage-decisions.jsonl`.

use crate::{output, Ctx, Format};
use anyhow::Context;
use clap::Args;
use comfy_table::Table;
use craft_product::check::ReleaseFinding;
use craft_product::ProductDir;
use craft_scan::FindingStatus;
use craft_triage::decisions::{Entry, Facts, Log, Previous, FILE_NAME};
use craft_triage::{Justification, Status};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const STATUSES: [&str; 4] = ["affected", "not_affected", "under_investigation", "fixed"];
const JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

/// A finding's facts: the component's version and the matched range.
type FactsKey = (Option<String>, String, Option<String>);

/// `craft triage set` arguments.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// The vulnerability (its id or an alias, as `craft check` lists it).
    vulnerability: String,
    /// The component's name (as `craft check` lists it).
    component: String,
    /// The decision.
    #[arg(long, value_parser = STATUSES)]
    status: String,
    /// Why it does not affect the product (required with `--status not_affected`).
    #[arg(long, value_parser = JUSTIFICATIONS)]
    justification: Option<String>,
    /// Why, in your words: what an auditor reads. Name the evidence.
    #[arg(long)]
    reason: String,
    /// The product directory (holding craft.toml).
    #[arg(long, default_value = ".", value_name = "DIR")]
    product: PathBuf,
    /// Decide for this release only (else for every release with the same component
    /// version and vulnerability data, and the releases after while those hold).
    #[arg(long, value_name = "VERSION")]
    release: Option<String>,
    /// Decide for this version of the component (where releases, or the components of that
    /// name in one release, have several), in every release that has it.
    #[arg(long = "version", value_name = "COMPONENT_VERSION")]
    component_version: Option<String>,
    /// Who decides (else $CRAFT_USER, else $USER).
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    /// Vulnerability database directory (overrides craft.toml's [vulndb]).
    #[arg(long, value_name = "DIR")]
    db: Option<PathBuf>,
}

/// `craft triage history` arguments.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only this vulnerability (id as recorded).
    vulnerability: Option<String>,
    /// Only this component.
    component: Option<String>,
    /// The product directory (holding craft.toml).
    #[arg(long, default_value = ".", value_name = "DIR")]
    product: PathBuf,
}

/// Record a decision: find the finding in the product's releases (its facts are what
/// the decision is taken on), then append the entry with the state it replaces.
pub fn set(args: SetArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let status = Status::from_name(&args.status).context("status")?;
    let justification = args
        .justification
        .as_deref()
        .and_then(Justification::from_name);
    match (status, justification) {
        (Status::NotAffected, None) => anyhow::bail!(
            "--status not_affected needs --justification (one of: {})",
            JUSTIFICATIONS.join(", ")
        ),
        (s, Some(_)) if s != Status::NotAffected => {
            anyhow::bail!("--justification goes with --status not_affected only")
        }
        _ => {}
    }
    anyhow::ensure!(
        !args.reason.trim().is_empty(),
        "--reason is empty: say why, naming the evidence"
    );
    let by = who(args.by.clone())?;
    let mut product = ProductDir::open(&args.product)?;
    if let Some(v) = &args.release {
        anyhow::ensure!(
            product.manifest.releases.iter().any(|r| &r.version == v),
            "`{}` declares no release {v} (it has: {})",
            args.product.display(),
            releases(&product)
        );
        product.manifest.releases.retain(|r| &r.version == v);
    }
    let report = crate::check::check_product(&product, args.db.as_deref(), Vec::new(), None, ctx)?;
    // The finding in every release that has it, grouped by the facts.
    let is_it = |f: &ReleaseFinding| {
        f.finding.component_name == args.component
            && std::iter::once(&f.finding.id)
                .chain(&f.finding.aliases)
                .any(|v| v.eq_ignore_ascii_case(&args.vulnerability))
    };
    let mut groups: BTreeMap<FactsKey, (Vec<String>, &ReleaseFinding)> = BTreeMap::new();
    for r in &report.releases {
        for f in r.findings.iter().filter(|f| {
            is_it(f)
                && args
                    .component_version
                    .as_ref()
                    .is_none_or(|v| f.finding.component_version.as_ref() == Some(v))
        }) {
            groups
                .entry((
                    f.finding.component_version.clone(),
                    f.finding.range.clone(),
                    f.kernel_config.clone(),
                ))
                .or_insert_with(|| (Vec::new(), f))
                .0
                .push(r.version.clone());
        }
    }
    let Some(((version, range, kernel_config), (found_in, finding))) = groups.iter().next() else {
        anyhow::bail!(
            "no release of `{}` has {} in a component named `{}`{}{}",
            product.manifest.product.name,
            args.vulnerability,
            args.component,
            args.component_version
                .as_ref()
                .map_or_else(String::new, |v| format!(" at version {v}")),
            near_misses(&report, &args.vulnerability, &args.component)
        );
    };
    if groups.len() > 1 {
        anyhow::bail!(
            "{} in `{}` rests on different facts (component version, matched range); decide \
             one with --version (or --release):\n{}",
            args.vulnerability,
            args.component,
            groups
                .iter()
                .map(|((v, r, _), (rels, _))| format!(
                    "  version {} matched by `{r}`: releases {}",
                    v.as_deref().unwrap_or("(unstated)"),
                    rels.join(", ")
                ))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    let previous = previous_state(finding);
    let entry = Entry {
        at: output::now_rfc3339(),
        by,
        vulnerability: finding.finding.id.clone(),
        component: args.component.clone(),
        release: args.release.clone(),
        facts: Facts {
            version: version.clone(),
            range: range.clone(),
            kernel_config: kernel_config.clone(),
        },
        releases: found_in.clone(),
        status,
        justification,
        reason: args.reason.trim().to_string(),
        previous,
        shared: false,
    };
    let line = Log::line(&entry).map_err(|e| anyhow::anyhow!(e))?;
    let file = product.dir.join(FILE_NAME);
    append(&file, &line)?;
    match ctx.format {
        Format::Json => output::json(&serde_json::json!({
            "file": file.display().to_string(),
            "releases": found_in,
            "entry": entry,
        }))?,
        Format::Human => {
            println!(
                "recorded in {}: {} in {} {} is {}{} (releases {}); it was {}{} ({})",
                file.display(),
                entry.vulnerability,
                entry.component,
                entry.facts.version.as_deref().unwrap_or("(no version)"),
                entry.status.name(),
                entry
                    .justification
                    .map_or_else(String::new, |j| format!(" ({})", j.name())),
                found_in.join(", "),
                entry.previous.status.name(),
                entry
                    .previous
                    .justification
                    .map_or_else(String::new, |j| format!(" ({})", j.name())),
                entry.previous.source
            );
        }
    }
    Ok(0)
}

/// The state a new decision replaces: the decision in force (a person's or a rule's),
/// else what the scan said.
fn previous_state(f: &ReleaseFinding) -> Previous {
    match &f.triage {
        Some(d) => Previous {
            status: d.status,
            justification: d.justification,
            source: d.reason.clone(),
        },
        None => Previous {
            status: match f.finding.status {
                FindingStatus::Affected => Status::Affected,
                _ => Status::UnderInvestigation,
            },
            justification: None,
            source: match &f.reopened {
                Some(why) => format!("scan (an earlier decision re-opened: {why})"),
                None => "scan".to_string(),
            },
        },
    }
}

/// Append one line to the log, atomically: the old bytes and the line go to a temporary
/// file beside it (with the log's permissions, 0644 for a new one) that replaces the log —
/// the log behind a symbolic link, which stays. If another `set` changed the log meanwhile
/// it is read again (up to five times); two `set`s at the same instant can still race, so
/// run them one after another (as a CI job or a person does).
fn append(file: &Path, line: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let target = match fs_err::canonicalize(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => file.to_path_buf(),
        Err(e) => return Err(e.into()),
    };
    let read = |p: &Path| -> anyhow::Result<Option<Vec<u8>>> {
        match fs_err::read(p) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    for _ in 0..5 {
        let before = read(&target)?;
        let mut bytes = before.clone().unwrap_or_default();
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        let mut tmp = tempfile::NamedTempFile::new_in(&dir)
            .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
        tmp.write_all(&bytes)?;
        tmp.as_file().sync_all()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs_err::metadata(&target).map_or(0o644, |m| m.permissions().mode());
            fs_err::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))?;
        }
        if read(&target)? != before {
            continue;
        }
        tmp.persist(&target)
            .with_context(|| format!("cannot write `{}`", target.display()))?;
        return Ok(());
    }
    anyhow::bail!(
        "`{}` kept changing while craft appended to it; try again",
        target.display()
    )
}

/// Show the recorded decisions, oldest first.
pub fn history(args: HistoryArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let dir = if args.product.is_dir() {
        args.product.clone()
    } else if args.product.is_file() {
        args.product
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    } else {
        anyhow::bail!(
            "`{}` is no product directory (nor its craft.toml)",
            args.product.display()
        );
    };
    let log = craft_product::manifest::read_decisions(&dir.join(FILE_NAME))?;
    let entries: Vec<&Entry> = log
        .history(args.vulnerability.as_deref(), args.component.as_deref())
        .collect();
    match ctx.format {
        Format::Json => output::json(&entries)?,
        Format::Human if entries.is_empty() => println!("no decisions recorded in {}", log.file),
        Format::Human => {
            let mut table = Table::new();
            table.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
            table.set_header([
                "when",
                "who",
                "vulnerability",
                "component",
                "decision",
                "was",
                "why",
            ]);
            for e in &entries {
                let state = |s: Status, j: Option<Justification>| match j {
                    Some(j) => format!("{} ({})", s.name(), j.name()),
                    None => s.name().to_string(),
                };
                table.add_row([
                    e.at.clone(),
                    e.by.clone(),
                    e.vulnerability.clone(),
                    format!(
                        "{} {}{}",
                        e.component,
                        e.facts.version.as_deref().unwrap_or(""),
                        e.release
                            .as_deref()
                            .map_or_else(String::new, |r| format!(" (release {r})"))
                    ),
                    state(e.status, e.justification),
                    format!(
                        "{} — {}",
                        state(e.previous.status, e.previous.justification),
                        e.previous.source
                    ),
                    e.reason.clone(),
                ]);
            }
            println!("{table}");
            println!("{} decisions in {}", entries.len(), log.file);
        }
    }
    Ok(0)
}

/// Who acts: `--by`, else $CRAFT_USER, else $USER.
pub(crate) fn who(by: Option<String>) -> anyhow::Result<String> {
    let by = match by {
        Some(b) => b,
        None => std::env::var("CRAFT_USER")
            .or_else(|_| std::env::var("USER"))
            .ok()
            .filter(|u| !u.trim().is_empty())
            .context("say who acts with --by (or set CRAFT_USER)")?,
    };
    anyhow::ensure!(!by.trim().is_empty(), "--by is empty");
    Ok(by)
}

/// The product's release versions, comma-separated (for messages).
pub(crate) fn releases(product: &ProductDir) -> String {
    product
        .manifest
        .releases
        .iter()
        .map(|r| r.version.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the user may have meant: the components that have the vulnerability, or the
/// vulnerabilities of the component.
fn near_misses(
    report: &craft_product::CheckReport,
    vulnerability: &str,
    component: &str,
) -> String {
    let all = || report.releases.iter().flat_map(|r| &r.findings);
    let mut components: Vec<&str> = all()
        .filter(|f| {
            std::iter::once(&f.finding.id)
                .chain(&f.finding.aliases)
                .any(|v| v.eq_ignore_ascii_case(vulnerability))
        })
        .map(|f| f.finding.component_name.as_str())
        .collect();
    components.sort_unstable();
    components.dedup();
    if !components.is_empty() {
        return format!("; it is found in: {}", components.join(", "));
    }
    let mut vulns: Vec<&str> = all()
        .filter(|f| f.finding.component_name == component)
        .map(|f| f.finding.id.as_str())
        .collect();
    vulns.sort_unstable();
    vulns.dedup();
    match vulns.len() {
        0 => String::new(),
        n => format!(
            "; `{component}` has {n} findings, e.g. {}",
            vulns.iter().take(5).copied().collect::<Vec<_>>().join(", ")
        ),
    }
}
