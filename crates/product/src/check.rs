//! `craft check`: every release of a product, scanned, and the compliance summary.
//!
//! For each release the SBOMs are read (and checked: schema, NTIA, BSI TR-03183-2), scanned
//! with one [`Matcher`] (its caches serve every release), and their findings combined: a
//! vulnerability in the same component name and version found through two SBOMs of one
//! release counts once. Against the previous run's report (the product's state), each
//! release lists what is new, fixed and changed. The product's `triage.toml` rules decide
//! findings (a finding a rule marks `not_affected` or `fixed` counts neither as affected nor
//! against the policy, and cites the rule); people's decisions (`triage-decisions.jsonl`,
//! written by `craft triage set`) come before the rules while the facts they were taken on
//! hold. Then the gaps ([`crate::gaps`]): what the CRA
//! asks that the product directory does not yet show (an expired rule is an error).

use crate::date::Date;
use crate::gaps::{self, Gap};
use crate::manifest::{ProductDir, Release};
use craft_sbom::check::{CheckOptions, RuleSet};
use craft_sbom::{read_path, ReadOptions, Severity};
use craft_scan::delta::{Delta, Previous};
use craft_scan::{FailOn, Finding, FindingStatus, Matcher};
use craft_triage::decisions::Outcome;
use craft_triage::rules::Subject;
use craft_triage::vex::apply::Target;
use craft_triage::vex::Document as VexDoc;
use craft_triage::{Decision, Justification, Layer, Status};
use serde::Serialize;
use std::collections::BTreeMap;

/// What `craft check` knows besides the product directory.
#[derive(Debug, Clone)]
pub struct CheckContext {
    /// Today (decides which releases are still supported).
    pub today: Date,
    /// When the check ran (RFC 3339), for the report.
    pub checked_at: String,
    /// The database used.
    pub database: DatabaseInfo,
    /// Extra `fail-on` levels from the command line, added to `[policy] fail-on`.
    pub fail_on: Vec<FailOn>,
}

/// The vulnerability database a check used.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseInfo {
    /// Its directory.
    pub dir: String,
    /// Merged vulnerabilities in it.
    pub vulnerabilities: i64,
    /// The newest record modification any source states (`YYYY-MM-DD…`), if any.
    pub newest_record: Option<String>,
}

/// The result of `craft check`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The product as `craft.toml` declares it.
    pub product: ProductSummary,
    /// When the check ran.
    pub checked_at: String,
    /// The database used.
    pub database: DatabaseInfo,
    /// Each release, oldest first.
    pub releases: Vec<ReleaseReport>,
    /// What the CRA asks that the product directory does not show yet, worst first.
    pub gaps: Vec<Gap>,
    /// Every Annex I item judged from requirements.toml (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirements: Option<crate::requirements::RequirementsReport>,
    /// The risk assessment of threat-model.toml against the live findings (absent without
    /// one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<crate::risk::RiskReport>,
    /// The policy applied and whether it failed.
    pub policy: PolicyResult,
    /// Whether the previous run's report was found (the deltas are against it).
    pub previous_run: Option<String>,
}

/// The product, as declared.
#[derive(Debug, Clone, Serialize)]
pub struct ProductSummary {
    /// Name.
    pub name: String,
    /// Model.
    pub model: Option<String>,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// End of the support period.
    pub support_end: Option<Date>,
    /// The CRA scope decided from craft.toml and scope.toml (`craft scope`), when it can be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<ScopeSummary>,
    /// The Article 14 cases (`reports/`), each with the clock to act on next.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub article14: Vec<CaseSummary>,
}

/// An Article 14 case, in short (`craft report show` prints it whole).
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    /// The case id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The clock to act on next (none when everything was sent).
    pub next: Option<craft_cra::report::Clock>,
    /// Why its clocks cannot be computed, when they cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The scope decision, in short (`craft scope` prints it whole).
#[derive(Debug, Clone, Serialize)]
pub struct ScopeSummary {
    /// The CRA applies.
    pub applies: bool,
    /// The class.
    pub class: craft_cra::catalogue::Class,
    /// The annex entries that decided it.
    pub deciding: Vec<String>,
    /// The conformity-assessment procedures allowed.
    pub routes: Vec<String>,
}

impl ScopeSummary {
    /// The summary of a decided scope.
    pub fn of(scope: &craft_cra::scope::Scope) -> ScopeSummary {
        ScopeSummary {
            applies: scope.applicability.applies,
            class: scope.classification.class,
            deciding: scope
                .classification
                .deciding
                .iter()
                .map(|d| d.reference.clone())
                .collect(),
            routes: scope
                .routes
                .iter()
                .filter(|r| r.allowed)
                .map(|r| r.id.clone())
                .collect(),
        }
    }
}

/// One release, checked.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseReport {
    /// Product version.
    pub version: String,
    /// When it was placed on the market.
    pub placed_on_market: Option<Date>,
    /// Whether it is within the support period today (true when no end is declared).
    pub supported: bool,
    /// Each SBOM file.
    pub sboms: Vec<SbomSummary>,
    /// Each VEX document applied: the VEX an SPDX 3 SBOM carries, the release's `vex` files,
    /// and its `patches` (dialect `patches`, one entry per component).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vex: Vec<VexSummary>,
    /// Components over its SBOMs (files excluded).
    pub components: usize,
    /// Components craft could identify (purl, CPE or known name).
    pub identified: usize,
    /// Affected findings per priority label (`P1`…`P4`).
    pub affected: BTreeMap<&'static str, usize>,
    /// Affected findings in CISA KEV.
    pub kev: usize,
    /// Undecided findings.
    pub unknown: usize,
    /// (component, vulnerability) pairs named by a record but cleared by its range.
    pub not_affected: usize,
    /// Findings a `triage.toml` rule decided `not_affected` or `fixed` (not counted above).
    pub dismissed_by_rules: usize,
    /// Findings a person decided `not_affected` or `fixed` (`craft triage set`; not counted
    /// above).
    pub dismissed_by_decisions: usize,
    /// Findings a VEX statement or a patch of the build decided `not_affected` or `fixed`
    /// (not counted above).
    pub dismissed_by_vex: usize,
    /// Findings in components the SBOM lists only as build tools or build/development
    /// dependencies (not counted above).
    pub dismissed_build_only: usize,
    /// Kernel findings the `[kernel]` build's triage decided `not_affected` (not counted
    /// above).
    pub dismissed_by_kernel: usize,
    /// Findings in components the threat model shows no entry point reaches (not counted
    /// above).
    pub dismissed_by_threat_model: usize,
    /// Findings whose recorded decision was re-opened (its facts changed).
    pub reopened: usize,
    /// Affected findings no rule decided.
    pub untriaged: usize,
    /// Every finding, worst first, each once.
    pub findings: Vec<ReleaseFinding>,
    /// Since the previous run (absent on the first run, or for a release new since).
    pub since_last_run: Option<Delta>,
}

/// A finding of a release and the SBOM that gave it.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseFinding {
    /// The SBOM file (as `craft.toml` names it).
    pub sbom: String,
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
    /// The decision in force: a person's (`craft triage set`), else the first matching rule
    /// of the product's `triage.toml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub triage: Option<Decision>,
    /// For a kernel finding triaged from `[kernel]`: the SHA-256 of the `.config`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel_config: Option<String>,
    /// Other SBOMs of the release that gave the same finding (same vulnerability,
    /// component name and version).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_in: Vec<String>,
    /// A person's decision that no longer holds, and what changed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reopened: Option<String>,
    /// The component's purls and CPEs as its SBOM states them (what rules match on).
    #[serde(skip)]
    pub ids: Vec<String>,
}

impl ReleaseFinding {
    /// Whether a rule decided the finding does not (or no longer) affect the product: it
    /// then counts neither as affected nor against the policy.
    pub fn dismissed(&self) -> bool {
        self.triage
            .as_ref()
            .is_some_and(|d| matches!(d.status, Status::NotAffected | Status::Fixed))
    }
}

/// A VEX document applied to a release.
#[derive(Debug, Clone, Serialize)]
pub struct VexSummary {
    /// The file (as `craft.toml` names it, or the SBOM that carries it).
    pub file: String,
    /// The SBOM whose findings it speaks for, when it is carried by one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sbom: Option<String>,
    /// Its dialect (`openvex`, `cyclonedx`, `csaf`, `spdx3`).
    pub dialect: Option<&'static str>,
    /// Its statements.
    pub statements: usize,
    /// Findings one of its statements decided (a rule or a person may decide them after).
    pub applied: usize,
    /// Statements that cover no finding of the release: (statement index, vulnerability,
    /// products).
    pub unmatched: Vec<UnmatchedStatement>,
    /// Findings covered by statements of different status (the later one decides).
    pub conflicts: usize,
    /// Why it could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

/// A VEX statement that covers no finding.
#[derive(Debug, Clone, Serialize)]
pub struct UnmatchedStatement {
    /// Its index in the document.
    pub index: usize,
    /// Its vulnerability.
    pub vulnerability: String,
    /// Its products' identifiers.
    pub products: Vec<String>,
}

/// One SBOM of a release: read and checked, or why not.
#[derive(Debug, Clone, Serialize)]
pub struct SbomSummary {
    /// The file, as `craft.toml` names it.
    pub path: String,
    /// Format and version read.
    pub format: Option<String>,
    /// Components (files excluded).
    pub components: usize,
    /// `craft sbom check` errors (schema, NTIA, BSI TR-03183-2).
    pub errors: usize,
    /// `craft sbom check` warnings.
    pub warnings: usize,
    /// The rule codes that failed, with the number of items each.
    pub failed_rules: BTreeMap<String, usize>,
    /// Why it could not be read, when it could not (no findings from it then).
    pub unreadable: Option<String>,
}

/// The policy and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyResult {
    /// The levels applied (`[policy] fail-on` and `--fail-on`).
    pub fail_on: Vec<FailOn>,
    /// Findings of supported releases that met one.
    pub failing: usize,
    /// Whether `craft check` fails: a finding met the policy, an SBOM was unreadable, or a
    /// gap is an error.
    pub failed: bool,
}

/// Why a check could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The database failed.
    #[error(transparent)]
    Scan(#[from] craft_scan::Error),
    /// The `[kernel]` build cannot be read.
    #[error("[kernel] in craft.toml: {0}")]
    Kernel(String),
}

/// The product's kernel build, read once for every release.
struct KernelFacts {
    /// SHA-256 of the `.config`, hex: a fact people's kernel decisions are taken on.
    digest: String,
    config: craft_kernel::Config,
    tree: craft_kernel::Tree,
    compiled: craft_kernel::Compiled,
    built: Option<craft_kernel::Built>,
}

fn kernel_facts(product: &ProductDir) -> Result<Option<KernelFacts>, CheckError> {
    let Some(k) = &product.manifest.kernel else {
        return Ok(None);
    };
    let err = |e: &dyn std::error::Error| CheckError::Kernel(error_chain(e));
    let config_file = product.resolve(&k.config);
    let text = fs_err::read_to_string(&config_file).map_err(|e| err(&e))?;
    let config = craft_kernel::Config::parse(&text);
    let digest = {
        use sha2::Digest;
        sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let tree = craft_kernel::Tree::open(
        &product.resolve(&k.tree),
        k.file_list.as_ref().map(|f| product.resolve(f)).as_deref(),
    )
    .map_err(|e| err(&e))?;
    let compiled =
        craft_kernel::compiled_files(&tree, &config, k.arch.as_deref()).map_err(|e| err(&e))?;
    let built = match &k.compiled {
        Some(p) => {
            let mut b =
                craft_kernel::Built::read(&product.resolve(p), &tree).map_err(|e| err(&e))?;
            b.judge(&compiled);
            if b.sources.is_empty() {
                return Err(CheckError::Kernel(format!(
                    "`{}` names no source file of the tree",
                    p.display()
                )));
            }
            Some(b)
        }
        None => None,
    };
    Ok(Some(KernelFacts {
        digest,
        config,
        tree,
        compiled,
        built,
    }))
}

/// Check every release of `product`. `previous` is the last run's report (JSON), if any;
/// `progress` is told each SBOM as it starts.
///
/// # Errors
/// Only when the database fails; unreadable SBOMs are reported in their release.
pub fn check(
    product: &ProductDir,
    matcher: &mut Matcher<'_>,
    ctx: &CheckContext,
    previous: Option<&serde_json::Value>,
    progress: &mut dyn FnMut(&str),
) -> Result<CheckReport, CheckError> {
    let m = &product.manifest;
    let kernel = kernel_facts(product)?;
    let mut releases = Vec::new();
    for release in &m.releases {
        releases.push(check_release(
            product,
            release,
            matcher,
            ctx,
            previous,
            kernel.as_ref(),
            progress,
        )?);
    }
    let mut fail_on: Vec<FailOn> = m.policy.fail_on.clone();
    for l in &ctx.fail_on {
        if !fail_on.contains(l) {
            fail_on.push(*l);
        }
    }
    let failing = releases
        .iter()
        .filter(|r| r.supported)
        .flat_map(|r| &r.findings)
        .filter(|f| !f.dismissed() && FailOn::any_hit(&fail_on, &f.finding))
        .count();
    let risk = product
        .threat
        .as_ref()
        .map(|t| crate::risk::report(t, &releases, ctx.today));
    let requirements = product
        .requirements
        .as_ref()
        .map(|f| crate::requirements::evaluate(product, f, &releases, risk.as_ref(), ctx));
    let gaps = gaps::gaps(
        product,
        &releases,
        requirements.as_ref(),
        risk.as_ref(),
        ctx,
    );
    // An unreadable SBOM is an error gap (`sbom-unreadable`), like a known-exploited finding.
    let failed = failing > 0 || gaps.iter().any(|g| g.severity == Severity::Error);
    Ok(CheckReport {
        product: ProductSummary {
            name: m.product.name.clone(),
            model: m.product.model.clone(),
            manufacturer: m.manufacturer_name().map(str::to_string),
            support_end: m.product.support_end,
            scope: product
                .scope_answers
                .clone()
                .and_then(|a| craft_cra::scope::decide(&product.scope_input(a, ctx.today)).ok())
                .map(|s| ScopeSummary::of(&s)),
            article14: ctx
                .checked_at
                .parse::<jiff::Timestamp>()
                .ok()
                .map(|now| {
                    product
                        .cases
                        .iter()
                        .map(|c| {
                            let clocks = craft_cra::report::clocks(c, now);
                            CaseSummary {
                                id: c.id.clone(),
                                title: c.title.clone(),
                                next: clocks
                                    .as_ref()
                                    .ok()
                                    .and_then(|k| craft_cra::report::next(k).cloned()),
                                error: clocks.err().map(|e| e.to_string()),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
        checked_at: ctx.checked_at.clone(),
        database: ctx.database.clone(),
        releases,
        gaps,
        requirements,
        risk,
        policy: PolicyResult {
            fail_on,
            failing,
            failed,
        },
        previous_run: previous
            .and_then(|p| p["checked_at"].as_str())
            .map(str::to_string),
    })
}

fn check_release(
    product: &ProductDir,
    release: &Release,
    matcher: &mut Matcher<'_>,
    ctx: &CheckContext,
    previous: Option<&serde_json::Value>,
    kernel: Option<&KernelFacts>,
    progress: &mut dyn FnMut(&str),
) -> Result<ReleaseReport, CheckError> {
    let supported = product
        .manifest
        .product
        .support_end
        .is_none_or(|end| ctx.today.first_day() <= end.last_day());
    let mut out = ReleaseReport {
        version: release.version.clone(),
        placed_on_market: release.placed_on_market,
        supported,
        sboms: Vec::new(),
        vex: Vec::new(),
        components: 0,
        identified: 0,
        affected: ["P1", "P2", "P3", "P4"]
            .into_iter()
            .map(|l| (l, 0))
            .collect(),
        kev: 0,
        unknown: 0,
        not_affected: 0,
        dismissed_by_rules: 0,
        dismissed_by_decisions: 0,
        dismissed_by_vex: 0,
        dismissed_build_only: 0,
        dismissed_by_threat_model: 0,
        dismissed_by_kernel: 0,
        reopened: 0,
        untriaged: 0,
        findings: Vec::new(),
        since_last_run: None,
    };
    let opts = CheckOptions {
        sets: RuleSet::ALL.to_vec(),
        ..CheckOptions::default()
    };
    // Every SBOM of the release read first: the platform they name together (an OS in the
    // rootfs SBOM, a device in the firmware's) is the platform each is judged on.
    let mut summaries: Vec<Option<SbomSummary>> = vec![None; release.sboms.len()];
    let mut loaded = Vec::new();
    for (i, rel) in release.sboms.iter().enumerate() {
        let name = rel.display().to_string();
        progress(&name);
        match read_path(&product.resolve(rel), &ReadOptions::default()) {
            Ok(l) => loaded.push((i, name, l)),
            Err(e) => {
                summaries[i] = Some(SbomSummary {
                    path: name,
                    format: None,
                    components: 0,
                    errors: 0,
                    warnings: 0,
                    failed_rules: BTreeMap::new(),
                    unreadable: Some(error_chain(&e)),
                });
            }
        }
    }
    let mut platform = product.platform();
    for (_, _, l) in &loaded {
        for w in craft_scan::platform_of(&l.sbom) {
            if !platform.contains(&w) {
                platform.push(w);
            }
        }
    }
    matcher.set_platform(platform);
    // (vulnerability, component name, version) → its finding in `out.findings`.
    let mut seen: BTreeMap<(String, String, Option<String>), usize> = BTreeMap::new();
    for (i, name, loaded) in &loaded {
        let quality = craft_sbom::check::check(loaded, &opts);
        let report = matcher.scan(&loaded.sbom)?;
        out.components += report.components - report.files;
        out.identified += report.identified;
        out.not_affected += report.not_affected;
        summaries[*i] = Some(SbomSummary {
            path: name.clone(),
            format: quality.format.clone(),
            components: quality.checked_components,
            errors: quality.count(Severity::Error),
            warnings: quality.count(Severity::Warning),
            failed_rules: quality
                .rules
                .iter()
                .filter(|(_, c)| c.failed > 0)
                .map(|(code, c)| ((*code).to_string(), c.failed))
                .collect(),
            unreadable: None,
        });
        let index = loaded.sbom.index_by_id();
        let build_only = craft_triage::buildtime::build_only(&loaded.sbom);
        for f in report.findings {
            // A component the SBOM lists only as a build tool or build dependency.
            let triage = build_only.get(&f.component).map(|why| Decision {
                status: Status::NotAffected,
                justification: Some(craft_triage::Justification::ComponentNotPresent),
                layer: Layer::BuildOnly,
                reason: format!("{name}: {why}"),
                files: Vec::new(),
            });
            let ids = index
                .get(f.component.as_str())
                .map(|&i| &loaded.sbom.components[i])
                .map(|c| c.purls.iter().chain(&c.cpes).cloned().collect())
                .unwrap_or_default();
            let key = (
                f.id.clone(),
                f.component_name.clone(),
                f.component_version.clone(),
            );
            let found = ReleaseFinding {
                sbom: name.clone(),
                finding: f,
                triage,
                reopened: None,
                kernel_config: None,
                also_in: Vec::new(),
                ids,
            };
            match seen.get(&key) {
                None => {
                    seen.insert(key, out.findings.len());
                    out.findings.push(found);
                }
                // The same pair through another SBOM: the worse finding stands (affected
                // over undecided, then the higher priority).
                Some(&at) => {
                    let before = &mut out.findings[at];
                    let mut sboms = std::mem::take(&mut before.also_in);
                    sboms.push(before.sbom.clone());
                    // Build-only stands only when every listing of the component is.
                    let build_only = |rf: &ReleaseFinding| {
                        rf.triage
                            .as_ref()
                            .is_some_and(|d| d.layer == Layer::BuildOnly)
                    };
                    let both_build_only = build_only(before) && build_only(&found);
                    if worse(&found.finding, &before.finding) {
                        *before = found;
                    } else {
                        sboms.push(found.sbom);
                    }
                    if !both_build_only {
                        before.triage = None;
                    }
                    sboms.retain(|s| *s != before.sbom);
                    sboms.sort();
                    sboms.dedup();
                    before.also_in = sboms;
                }
            }
        }
    }
    let unreadable = summaries.iter().flatten().any(|s| s.unreadable.is_some());
    out.sboms = summaries.into_iter().flatten().collect();
    // Worst first over the whole release, as each SBOM's report orders its own.
    out.findings.sort_by(|a, b| {
        let (a, b) = (&a.finding, &b.finding);
        (a.status != FindingStatus::Affected, a.priority.rank, &a.id)
            .cmp(&(b.status != FindingStatus::Affected, b.priority.rank, &b.id))
            .then_with(|| a.component_name.cmp(&b.component_name))
    });
    // The kernel's findings, triaged from its build: each CVE's fixed files against what
    // the `.config` compiles (and the build's own list).
    if let Some(k) = kernel {
        let kctx = craft_triage::kernel::KernelContext {
            compiled: &k.compiled,
            config: &k.config,
            tree: &k.tree,
            built: k.built.as_ref(),
        };
        // Only the kernel the .config is for: its header names the version (`# Linux/arm
        // 6.1.55 Kernel Configuration`); another kernel of the product (an older release's,
        // a recovery image's) is not judged by it.
        let numeric = |v: &str| {
            v.chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect::<String>()
        };
        let same_kernel = |v: Option<&str>| match (k.config.version.as_deref(), v) {
            (Some(cfg), Some(v)) => numeric(cfg) == numeric(v),
            _ => true,
        };
        for rf in out.findings.iter_mut().filter(|rf| {
            rf.finding.identity.key == "linux-kernel"
                && same_kernel(rf.finding.component_version.as_deref())
        }) {
            let files = matcher.program_files(&rf.finding.id)?;
            rf.triage = Some(kctx.triage(&files));
            rf.kernel_config = Some(k.digest.clone());
        }
    }
    // VEX next (after the SBOM's own build facts): the VEX the SPDX 3 SBOMs carry, for their own
    // findings, then the release's `vex` files, for all.
    let mut sources: Vec<(String, Option<String>, ReadVex)> = Vec::new();
    for (_, name, l) in &loaded {
        if let Some(doc) = embedded_vex(l) {
            sources.push((name.clone(), Some(name.clone()), doc));
        }
    }
    for file in &release.vex {
        sources.push((
            file.display().to_string(),
            None,
            read_vex(&product.resolve(file)),
        ));
    }
    for (file, sbom, doc) in sources {
        out.vex
            .push(apply_vex(&mut out.findings, file, sbom, doc, Layer::Vex));
    }
    // The build's patches, per component: a CVE a patch names is fixed.
    for (component, paths) in &release.patches {
        let file = paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let doc = read_patches(product, paths).map(|files| {
            (
                "patches",
                craft_triage::patches::document(component, &files),
            )
        });
        out.vex
            .push(apply_vex(&mut out.findings, file, None, doc, Layer::Patch));
    }
    // The product's own rules, first match decides (an expired rule decides nothing).
    if let Some(rules) = &product.rules {
        let today = ctx.today.to_string();
        for rf in &mut out.findings {
            let f = &rf.finding;
            let subject = Subject {
                vulnerability: &f.id,
                aliases: &f.aliases,
                component: &f.component_name,
                ids: &rf.ids,
                cwes: &f.cwes,
                score: f.cvss_score(),
                kernel_config: kernel.map(|k| &k.config),
            };
            if let Some(r) = rules.decide(&subject, &today) {
                rf.triage = Some(r.decision());
            }
        }
    }
    // The threat model: a finding on a component no entry point reaches cannot be
    // triggered by an adversary (only where nothing above decided, and people decide after).
    if let Some(Ok(model)) = product.threat.as_ref().map(|t| &t.model) {
        let unreachable = craft_cra::threat::unreachable_components(model);
        let linker = craft_cra::threat::Linker::new(model);
        for rf in &mut out.findings {
            if rf
                .triage
                .as_ref()
                .is_some_and(|d| d.status != Status::UnderInvestigation)
            {
                continue;
            }
            // An exact link to an unreachable component, and no link at all (exact or glob)
            // to a reachable one.
            let exact = linker.exact_components(&rf.finding.component_name, &rf.ids);
            let all = linker.components(&rf.finding.component_name, &rf.ids);
            if exact.is_empty() || !all.iter().all(|&c| unreachable[c]) {
                continue;
            }
            let linked = exact;
            let c = &model.components[*linked.first().expect("not empty")];
            rf.triage = Some(Decision {
                status: Status::NotAffected,
                justification: Some(Justification::VulnerableCodeCannotBeControlledByAdversary),
                layer: Layer::ThreatModel,
                reason: format!(
                    "{}:{}:{}: component `{}` ({}) is reachable from no entry point of the \
                     threat model: no interface reaches it, no data flow connects it to one, \
                     no attack step targets it",
                    crate::risk::THREAT_FILE,
                    c.at.line,
                    c.at.column,
                    c.id,
                    c.name
                ),
                files: Vec::new(),
            });
        }
    }
    // People's decisions (`craft triage set`) over the rules: the last one that applies
    // decides while the facts it was taken on hold, else it is re-opened.
    let order: Vec<String> = product
        .manifest
        .releases
        .iter()
        .map(|r| r.version.clone())
        .collect();
    for rf in &mut out.findings {
        let f = &rf.finding;
        let subject = craft_triage::decisions::Subject {
            vulnerability: &f.id,
            aliases: &f.aliases,
            component: &f.component_name,
            release: &release.version,
            version: f.component_version.as_deref(),
            range: &f.range,
            kernel_config: rf.kernel_config.as_deref(),
            order: &order,
        };
        match product.decisions.decide(&subject) {
            Some(Outcome::InForce(e)) => rf.triage = Some(e.decision()),
            Some(Outcome::Reopened { why, .. }) => rf.reopened = Some(why),
            None => {}
        }
    }
    for rf in &out.findings {
        out.reopened += usize::from(rf.reopened.is_some());
        if rf.dismissed() {
            match rf.triage.as_ref().map(|d| d.layer) {
                Some(Layer::Manual) => out.dismissed_by_decisions += 1,
                Some(Layer::Vex | Layer::Patch) => out.dismissed_by_vex += 1,
                Some(Layer::BuildOnly) => out.dismissed_build_only += 1,
                Some(Layer::ThreatModel) => out.dismissed_by_threat_model += 1,
                Some(l) if Layer::KERNEL_DISMISSALS.contains(&l) => out.dismissed_by_kernel += 1,
                _ => out.dismissed_by_rules += 1,
            }
            continue;
        }
        let f = &rf.finding;
        if f.status == FindingStatus::Affected {
            *out.affected.entry(f.priority.label).or_default() += 1;
            out.kev += usize::from(f.kev.is_some());
            // A decision "under investigation" (a VEX statement's, a rule's) is no decision.
            out.untriaged += usize::from(
                rf.triage
                    .as_ref()
                    .is_none_or(|d| d.status == Status::UnderInvestigation),
            );
        } else {
            out.unknown += 1;
        }
    }
    // A release with an SBOM that could not be read is not compared: its findings would all
    // look fixed.
    if let Some(before) = previous
        .filter(|_| !unreadable)
        .and_then(|p| previous_findings(p, &release.version))
    {
        let now: Vec<Finding> = out.findings.iter().map(|f| f.finding.clone()).collect();
        out.since_last_run = Some(craft_scan::delta::delta(&before, &now));
    }
    Ok(out)
}

/// Whether `a` is worse than `b` for the same pair: affected over undecided, then priority.
fn worse(a: &Finding, b: &Finding) -> bool {
    let affected = |f: &Finding| f.status == FindingStatus::Affected;
    (affected(a), std::cmp::Reverse(a.priority.rank))
        > (affected(b), std::cmp::Reverse(b.priority.rank))
}

/// The findings of `version` in a previous check report; `None` when it has no such release
/// or is not a check report (a report of another craft version that cannot be read is
/// treated as no previous run, never as "everything fixed").
fn previous_findings(report: &serde_json::Value, version: &str) -> Option<Vec<Previous>> {
    let release = report
        .get("releases")?
        .as_array()?
        .iter()
        .find(|r| r["version"] == version)?;
    serde_json::from_value(release.get("findings")?.clone()).ok()
}

/// A VEX document read (with its dialect), or why it could not be.
type ReadVex = Result<(&'static str, VexDoc), String>;

/// The VEX an SPDX 3 JSON-LD SBOM file carries, when it carries statements (or why its
/// statements cannot be read: one bad relationship is reported, never skipped silently).
fn embedded_vex(l: &craft_sbom::Loaded) -> Option<ReadVex> {
    if l.sbom.document.format.as_ref()?.kind != craft_model::FormatKind::Spdx3 || !l.path.is_file()
    {
        return None;
    }
    // Read as an SBOM already: a compressed or otherwise non-JSON file carries none here.
    let v: serde_json::Value = serde_json::from_slice(&fs_err::read(&l.path).ok()?).ok()?;
    match craft_triage::vex::spdx3::read(&v) {
        Ok(doc) if doc.statements.is_empty() => None,
        Ok(doc) => Some(Ok(("spdx3", doc))),
        Err(e) => Some(Err(format!("its VEX relationships cannot be read: {e}"))),
    }
}

/// The largest VEX document craft reads.
const MAX_VEX_BYTES: u64 = 256 * 1024 * 1024;

/// Read a VEX document of any dialect.
fn read_vex(path: &std::path::Path) -> ReadVex {
    let len = fs_err::metadata(path).map_err(|e| error_chain(&e))?.len();
    if len > MAX_VEX_BYTES {
        return Err(format!(
            "{len} bytes; a VEX document is at most {MAX_VEX_BYTES}"
        ));
    }
    let bytes = fs_err::read(path).map_err(|e| error_chain(&e))?;
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))?;
    craft_triage::vex::read_any(&v).map_err(|e| format!("not a readable VEX document: {e}"))
}

/// The largest patch craft reads.
const MAX_PATCH_BYTES: u64 = 64 * 1024 * 1024;

/// The patch files (`*.patch`, `*.diff`) of `paths` (files, or directories searched four
/// levels deep), as (path as listed, text), sorted by path.
fn read_patches(
    product: &ProductDir,
    paths: &[std::path::PathBuf],
) -> Result<Vec<(String, String)>, String> {
    fn walk(
        dir: &std::path::Path,
        shown: &std::path::Path,
        depth: usize,
        out: &mut Vec<(std::path::PathBuf, std::path::PathBuf)>,
    ) -> Result<(), String> {
        let mut entries: Vec<_> = fs_err::read_dir(dir)
            .map_err(|e| error_chain(&e))?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(fs_err::DirEntry::file_name);
        for e in entries {
            let path = e.path();
            let name = shown.join(e.file_name());
            let ft = e.file_type().map_err(|e| error_chain(&e))?;
            if ft.is_dir() && depth < 4 {
                walk(&path, &name, depth + 1, out)?;
            } else if ft.is_file()
                && path
                    .extension()
                    .is_some_and(|x| x == "patch" || x == "diff")
            {
                out.push((path, name));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for p in paths {
        let full = product.resolve(p);
        if full.is_dir() {
            walk(&full, p, 0, &mut files)?;
        } else {
            fs_err::metadata(&full).map_err(|e| error_chain(&e))?;
            files.push((full, p.clone()));
        }
    }
    files
        .into_iter()
        .map(|(full, shown)| {
            let len = fs_err::metadata(&full).map_err(|e| error_chain(&e))?.len();
            if len > MAX_PATCH_BYTES {
                return Err(format!(
                    "`{}`: {len} bytes; a patch is at most {MAX_PATCH_BYTES}",
                    shown.display()
                ));
            }
            let bytes = fs_err::read(&full).map_err(|e| error_chain(&e))?;
            Ok((
                shown.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ))
        })
        .collect()
}

/// Apply one VEX document to the findings it speaks for (all, or one SBOM's).
fn apply_vex(
    findings: &mut [ReleaseFinding],
    file: String,
    sbom: Option<String>,
    doc: ReadVex,
    layer: Layer,
) -> VexSummary {
    let (dialect, doc) = match doc {
        Ok(d) => d,
        Err(why) => {
            return VexSummary {
                file,
                sbom,
                dialect: None,
                statements: 0,
                applied: 0,
                unmatched: Vec::new(),
                conflicts: 0,
                unreadable: Some(why),
            }
        }
    };
    // An SBOM's own VEX speaks for findings only it gave: the same component through
    // another SBOM (another build of it) is not covered.
    // The build's patches speak for the components it builds, not for an ecosystem's
    // package of the same name (`pkg:deb/debian/openssl`, `pkg:npm/openssl`).
    let ecosystem = |rf: &ReleaseFinding| {
        rf.ids.iter().any(|i| {
            i.starts_with("pkg:")
                && !["pkg:generic/", "pkg:yocto/", "pkg:openembedded/"]
                    .iter()
                    .any(|p| i.starts_with(p))
        })
    };
    let at: Vec<usize> = (0..findings.len())
        .filter(|&i| {
            sbom.as_ref()
                .is_none_or(|s| findings[i].sbom == *s && findings[i].also_in.is_empty())
                && (layer != Layer::Patch || !ecosystem(&findings[i]))
        })
        .collect();
    let targets: Vec<Target<'_>> = at
        .iter()
        .map(|&i| {
            let rf = &findings[i];
            Target {
                vulnerability: &rf.finding.id,
                aliases: &rf.finding.aliases,
                name: &rf.finding.component_name,
                version: rf.finding.component_version.as_deref(),
                ids: &rf.ids,
                reference: &rf.finding.component,
            }
        })
        .collect();
    let applied = craft_triage::vex::apply::apply(&doc, &targets, sbom.is_some());
    drop(targets);
    let mut n = 0;
    for (k, decided) in applied.decided.iter().enumerate() {
        if let Some(si) = decided {
            findings[at[k]].triage = Some(craft_triage::vex::apply::decision(
                &doc.statements[*si],
                &doc,
                &file,
                layer,
            ));
            n += 1;
        }
    }
    VexSummary {
        file,
        sbom,
        dialect: Some(dialect),
        statements: doc.statements.len(),
        applied: n,
        unmatched: applied
            .unmatched
            .iter()
            .map(|&i| {
                let s = &doc.statements[i];
                UnmatchedStatement {
                    index: i,
                    vulnerability: s.vulnerability.clone(),
                    products: s.products.iter().map(|p| p.id.clone()).collect(),
                }
            })
            .collect(),
        conflicts: applied.conflicts.len(),
        unreadable: None,
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}
