//! The matcher: identities → ranges → verdicts → findings.

use crate::identity::{self, Identity};
use crate::priority::{self, Priority};
use crate::Error;
use craft_model::Sbom;
use craft_version::cpe::Wfn;
use craft_version::identity::Table;
use craft_version::range::Verdict;
use craft_version::{cve5, nvd, osv, Scheme};
use craft_vulndb::view::{osv_summary_and_fixed, range_summary};
use craft_vulndb::{KeyRange, Precedence, Source, SqliteStore, Status};
use serde::Serialize;
use serde_json::Value;
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// Whether a finding is a known match or one craft could not decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// The component's version is inside the range the deciding source states.
    Affected,
    /// The data cannot decide (an unreadable version, a range craft cannot evaluate, a
    /// record that states `unknown`); the reason is given.
    Unknown,
}

impl FindingStatus {
    /// The name in reports: `affected` or `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            FindingStatus::Affected => "affected",
            FindingStatus::Unknown => "unknown",
        }
    }
}

/// A record, by source and id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RecordRef {
    /// The source (`osv`, `nvd`, `cve`, `cve-adp`, `kernel-cna`).
    pub source: Source,
    /// Who within the source said it.
    pub assigner: String,
    /// The record's id.
    pub id: String,
}

impl Finding {
    /// The highest CVSS base score (v4.0 or v3.x), if any.
    pub fn cvss_score(&self) -> Option<f64> {
        [&self.cvss4, &self.cvss3]
            .into_iter()
            .flatten()
            .map(|c| c.score)
            .reduce(f64::max)
    }
}

/// One vulnerability in one component.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The vulnerability's canonical id (its CVE when it has one).
    pub id: String,
    /// Its other ids.
    pub aliases: Vec<String>,
    /// Affected, or undecided.
    pub status: FindingStatus,
    /// For an undecided finding, why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The component (`bom-ref`, `SPDXID`).
    pub component: String,
    /// Its name.
    pub component_name: String,
    /// Its version as the SBOM states it.
    pub component_version: Option<String>,
    /// The identity that matched.
    pub identity: Identity,
    /// The record whose range decided, by the `affected` precedence.
    pub decided_by: RecordRef,
    /// The range that decided, as one line.
    pub range: String,
    /// Versions that fix it, as the deciding range states them.
    pub fixed: Vec<String>,
    /// Other sources that state a different answer for the same identity.
    pub disagreements: Vec<String>,
    /// How the range was read, when not plainly (a bound read in the generic order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// One-line description.
    pub summary: Option<String>,
    /// CVSS v3.x base score and vector (computed from the vector), by severity precedence.
    pub cvss3: Option<priority::Cvss>,
    /// CVSS v4.0 base score and vector.
    pub cvss4: Option<priority::Cvss>,
    /// CWE ids.
    pub cwes: Vec<String>,
    /// CISA KEV: date added and due date.
    pub kev: Option<priority::Kev>,
    /// EPSS score and percentile.
    pub epss: Option<priority::Epss>,
    /// The priority and why.
    pub priority: Priority,
}

/// A (component, vulnerability) pair a record names but its deciding range clears.
#[derive(Debug, Clone, Serialize)]
pub struct Cleared {
    /// The vulnerability's canonical id.
    pub id: String,
    /// The component.
    pub component: String,
    /// Its name.
    pub component_name: String,
    /// The identity judged.
    pub identity: Identity,
    /// The record whose range decided.
    pub decided_by: RecordRef,
    /// That range, as one line.
    pub range: String,
    /// Other sources that state a different answer.
    pub disagreements: Vec<String>,
}

/// A component craft could not identify or judge.
#[derive(Debug, Clone, Serialize)]
pub struct Unidentified {
    /// The component.
    pub component: String,
    /// Its name.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// The result of scanning one SBOM.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ScanReport {
    /// Components in the SBOM.
    pub components: usize,
    /// Components with at least one identity.
    pub identified: usize,
    /// File components (not matched: vulnerability data names packages).
    pub files: usize,
    /// Components without one, and why.
    pub unidentified: Vec<Unidentified>,
    /// Findings, worst first (priority, then id, then component).
    pub findings: Vec<Finding>,
    /// (component, vulnerability) pairs a range named but that the deciding source says do
    /// not affect the component's version.
    pub not_affected: usize,
    /// Those pairs one by one, with the range that cleared each, when the matcher was asked
    /// to keep them ([`Matcher::keep_cleared`]): why a component named by a record is not
    /// affected, for audits.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cleared: Vec<Cleared>,
    /// Pairs only withdrawn or rejected records named (never findings).
    pub withdrawn: usize,
    /// Ranges read back damaged from the database (left out).
    pub damaged_ranges: usize,
    /// Findings per deciding source.
    pub by_source: BTreeMap<String, usize>,
}

/// One evaluated record for one (component, vulnerability).
struct Judged {
    status: Status,
    verdict: Verdict,
    /// The ranges of the key, and which one decided this record.
    ranges: Rc<KeyRanges>,
    at: usize,
    identity: usize,
    note: Option<String>,
}

impl Judged {
    /// The range that decided this record.
    fn range(&self) -> &KeyRange {
        &self.ranges.list[self.at]
    }

    /// The record, for a finding.
    fn record(&self) -> RecordRef {
        let r = self.range();
        RecordRef {
            source: r.source,
            assigner: r.assigner.clone(),
            id: r.record.clone(),
        }
    }

    /// The record's identity, in [`RecordRef`]'s order.
    fn record_key(&self) -> (Source, &str, &str) {
        let r = self.range();
        (r.source, &r.assigner, &r.record)
    }
}

/// A range read for evaluation.
enum Parsed {
    /// An OSV `affected[]` entry, read straight from its text.
    Osv(osv::Affected),
    /// An NVD applicability statement, or why it cannot be read.
    Nvd(Result<nvd::Configuration, String>),
    /// Evaluated from its JSON value (CVE 5 product entries).
    Json,
}

/// The ranges the database states under one key, read once per matcher: each parsed into
/// the form its evaluation needs, its JSON value made only when something needs it (a
/// summary, the fixed versions, a CVE 5 evaluation), and each range's one-line summary and
/// fixed versions made when a finding first needs them.
struct KeyRanges {
    list: Vec<KeyRange>,
    parsed: Vec<Parsed>,
    /// Whether each range's text names a `packageName` (a CVE 5 entry under a platform).
    package_named: Vec<bool>,
    value: Vec<OnceCell<Value>>,
    summary: Vec<OnceCell<String>>,
    fixed: Vec<OnceCell<Vec<String>>>,
}

impl KeyRanges {
    /// The ranges of `list` that read as JSON, and how many did not (damaged).
    fn new(list: Vec<KeyRange>) -> (KeyRanges, usize) {
        let mut out = KeyRanges {
            list: Vec::with_capacity(list.len()),
            parsed: Vec::with_capacity(list.len()),
            package_named: Vec::with_capacity(list.len()),
            value: Vec::with_capacity(list.len()),
            summary: Vec::new(),
            fixed: Vec::new(),
        };
        let mut damaged = 0;
        for r in list {
            let value = OnceCell::new();
            let parsed = if r.form == "osv" {
                osv::Affected::from_json(&r.body).map(Parsed::Osv)
            } else {
                serde_json::from_str::<Value>(&r.body).ok().map(|v| {
                    let parsed = match r.form.as_str() {
                        "nvd" => Parsed::Nvd(nvd::configuration(&v).map_err(|e| e.to_string())),
                        _ => Parsed::Json,
                    };
                    let _ = value.set(v);
                    parsed
                })
            };
            let Some(parsed) = parsed else {
                damaged += 1;
                continue;
            };
            out.package_named.push(r.body.contains("\"packageName\""));
            out.list.push(r);
            out.parsed.push(parsed);
            out.value.push(value);
        }
        let n = out.list.len();
        out.summary = (0..n).map(|_| OnceCell::new()).collect();
        out.fixed = (0..n).map(|_| OnceCell::new()).collect();
        (out, damaged)
    }

    /// The JSON value of range `at` (its text read as JSON when [`KeyRanges::new`] did).
    fn value(&self, at: usize) -> &Value {
        self.value[at].get_or_init(|| self.list[at].range())
    }

    /// Make range `at`'s summary and fixed versions: an OSV entry's straight from its text
    /// when it has the plain shape, any other from its JSON value.
    fn describe(&self, at: usize) {
        let r = &self.list[at];
        if r.form == "osv" && self.summary[at].get().is_none() {
            if let Some((summary, mut fixed)) = osv_summary_and_fixed(&r.body) {
                fixed.sort();
                fixed.dedup();
                let _ = self.summary[at].set(summary);
                let _ = self.fixed[at].set(fixed);
            }
        }
    }

    fn summary(&self, at: usize) -> String {
        self.describe(at);
        self.summary[at]
            .get_or_init(|| range_summary(&self.list[at].form, self.value(at)))
            .clone()
    }

    fn fixed(&self, at: usize) -> Vec<String> {
        self.describe(at);
        self.fixed[at]
            .get_or_init(|| fixed_versions(&self.list[at].form, self.value(at)))
            .clone()
    }

    /// Whether range `at` is about the component (see [`names_this_package`]); only a
    /// range whose text names a `packageName` (found once, when read) is read for it.
    fn names_this_package(&self, at: usize, id: &Identity, c: &craft_model::Component) -> bool {
        !self.package_named[at] || names_this_package(self.value(at), id, c)
    }
}

/// The operating systems and hardware a scanned product runs on: declared, and the CPEs
/// of part `o` and `h` its SBOM names.
#[derive(Debug, Default)]
struct Platform {
    cpes: Vec<Wfn>,
}

/// The operating-system and hardware CPE names (part `o`, `h`) an SBOM's components carry:
/// the platform the SBOM says it runs on.
pub fn platform_of(sbom: &Sbom) -> Vec<Wfn> {
    let mut cpes: Vec<Wfn> = Vec::new();
    // Only a CPE whose part is `o` or `h` is parsed (this runs on every scan).
    let platform_part = |text: &str| {
        let b = text.as_bytes();
        let at = if b
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"cpe:2.3:"))
        {
            8
        } else if b.get(..5).is_some_and(|p| p.eq_ignore_ascii_case(b"cpe:/")) {
            5
        } else {
            return false;
        };
        matches!(b.get(at).map(u8::to_ascii_lowercase), Some(b'o' | b'h'))
    };
    for c in &sbom.components {
        for text in c.cpes.iter().filter(|t| platform_part(t)) {
            let Ok(w) = Wfn::parse(text) else { continue };
            if matches!(Platform::kind(&w), Some('o' | 'h')) && !cpes.contains(&w) {
                cpes.push(w);
            }
        }
    }
    cpes
}

impl Platform {
    fn of(sbom: &Sbom, declared: &[Wfn]) -> Platform {
        let mut cpes: Vec<Wfn> = declared.to_vec();
        for w in platform_of(sbom) {
            if !cpes.contains(&w) {
                cpes.push(w);
            }
        }
        Platform { cpes }
    }

    fn kind(w: &Wfn) -> Option<char> {
        w.part().unquoted().and_then(|p| p.chars().next())
    }

    /// Whether the product names any platform of the kind `criteria` is (an OS, a device).
    fn knows(&self, criteria: &Wfn) -> bool {
        match Self::kind(criteria) {
            Some(k @ ('o' | 'h')) => self.cpes.iter().any(|c| Self::kind(c) == Some(k)),
            // An application as the platform (a plugin on a host application): the product's
            // applications are all in the SBOM, so its absence is an answer.
            _ => true,
        }
    }

    fn missing_kinds(&self, assumed: &[Wfn]) -> &'static str {
        let os = assumed.iter().any(|w| Self::kind(w) == Some('o'));
        let hw = assumed.iter().any(|w| Self::kind(w) == Some('h'));
        match (os, hw) {
            (true, true) => "operating system or hardware",
            (false, true) => "hardware",
            _ => "operating system",
        }
    }
}

/// Scans SBOMs against one database; caches the ranges of each key and the enrichment of
/// each vulnerability across components and SBOMs.
pub struct Matcher<'a> {
    store: &'a SqliteStore,
    precedence: &'a Precedence,
    table: Table,
    ranges: HashMap<String, Rc<KeyRanges>>,
    enrichment: HashMap<String, Rc<priority::Enrichment>>,
    damaged: usize,
    /// The database's data version the caches hold (another connection's commit changes it).
    data_version: Option<i64>,
    keep_cleared: bool,
    /// Operating systems and hardware the product is declared to run on.
    declared_platform: Vec<Wfn>,
}

/// Rank of a verdict when a record's ranges combine (lower wins).
fn verdict_rank(v: &Verdict) -> u8 {
    match v {
        Verdict::Affected => 0,
        Verdict::NotAffected => 1,
        Verdict::Unknown(_) => 2,
    }
}

/// Whether an advisory's ecosystem (`Debian:12`, `Alpine:v3.18`) is for the distribution
/// release a package comes from (`distro=debian-12`, `alpine-3.18.4`); true when either
/// does not say.
fn release_matches(ecosystem: &str, distro: Option<&str>) -> bool {
    let (Some((_, release)), Some(distro)) = (ecosystem.split_once(':'), distro) else {
        return true;
    };
    let release = release.trim_start_matches('v').to_ascii_lowercase();
    let distro = distro.to_ascii_lowercase();
    let distro_release = distro.rsplit_once('-').map_or(distro.as_str(), |(_, r)| r);
    distro_release == release
        || distro_release.starts_with(&format!("{release}."))
        || distro == release
}

/// A range (OSV events, or NVD `cpeMatch` bounds) whose versions of four or more numbers
/// (`2.0.0.4`, which SemVer rejects) are replaced by the least SemVer version above their
/// first three (`2.0.1-0`): every SemVer version below `2.0.0.4`, read as a release after
/// 2.0.0, is below `2.0.1-0`, and every one above it is above. `None` when the scheme is
/// not SemVer-based or nothing needed rewriting; else the rewritten range and the bounds
/// rewritten.
fn semver_four_part_bounds(
    form: &str,
    range: &Value,
    scheme: Scheme,
) -> Option<(Value, Vec<String>)> {
    if !matches!(scheme, Scheme::Npm | Scheme::Cargo | Scheme::Semver) {
        return None;
    }
    let mut range = range.clone();
    let mut rewritten = Vec::new();
    let mut fix = |v: &mut Value| {
        let Some(text) = v.as_str() else { return };
        let parts: Vec<&str> = text.split('.').collect();
        let numeric = parts.len() >= 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() < 19 && p.bytes().all(|b| b.is_ascii_digit()));
        if !numeric || craft_version::validate(scheme, text).is_ok() {
            return;
        }
        let Ok(patch) = parts[2].parse::<u64>() else {
            return;
        };
        let bumped = format!("{}.{}.{}-0", parts[0], parts[1], patch + 1);
        rewritten.push(format!("`{text}`"));
        *v = Value::String(bumped);
    };
    match form {
        "osv" => {
            for r in range["ranges"].as_array_mut().into_iter().flatten() {
                for e in r["events"].as_array_mut().into_iter().flatten() {
                    for v in e.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
                        fix(v);
                    }
                }
            }
        }
        "nvd" => {
            for n in range["nodes"].as_array_mut().into_iter().flatten() {
                for m in n["cpeMatch"].as_array_mut().into_iter().flatten() {
                    for (k, v) in m.as_object_mut().into_iter().flat_map(|o| o.iter_mut()) {
                        if k.starts_with("versionStart") || k.starts_with("versionEnd") {
                            fix(v);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    (!rewritten.is_empty()).then_some((range, rewritten))
}

/// Whether a range is about the component: a CVE 5 entry that names a `packageName` under a
/// platform's CPE (Red Hat's `libtiff` in `cpe:/o:redhat:enterprise_linux:8`) is about that
/// package, not about an operating-system component matched by the platform's CPE.
fn names_this_package(range: &Value, id: &Identity, c: &craft_model::Component) -> bool {
    let Some(pkg) = range.get("packageName").and_then(Value::as_str) else {
        return true;
    };
    if id.key.starts_with("purl:") {
        return true;
    }
    let pkg = pkg.rsplit('/').next().unwrap_or(pkg);
    c.name.eq_ignore_ascii_case(pkg)
        || c.purls
            .iter()
            .filter_map(|p| craft_version::purl::Purl::parse(p).ok())
            .any(|p| p.name.eq_ignore_ascii_case(pkg))
}

/// The other sources whose answer differs from the deciding one's, one line each.
fn disagreements(live: &[Judged], d: &Judged) -> Vec<String> {
    let says = |v: &Verdict| match v {
        Verdict::Affected => "affected",
        Verdict::NotAffected => "not affected",
        Verdict::Unknown(_) => "unknown",
    };
    live.iter()
        .filter(|j| verdict_rank(&j.verdict) != verdict_rank(&d.verdict))
        .map(|j| {
            let r = j.range();
            let assigner = if r.assigner.is_empty() {
                "-"
            } else {
                r.assigner.as_str()
            };
            format!(
                "{} {} ({assigner}) says {}",
                r.source,
                r.record,
                says(&j.verdict)
            )
        })
        .collect()
}

/// The verdict of NVD configurations for an identity's CPE on the product's platform.
fn nvd_verdict(
    configs: &[nvd::Configuration],
    id: &Identity,
    scheme: Scheme,
    platform: &Platform,
) -> Verdict {
    let Some(cpe) = &id.cpe else {
        return Verdict::Unknown("an NVD configuration needs the component's CPE".to_string());
    };
    // The platform answers only the configuration's platform conditions; a finding needs
    // the component's own CPE to meet a vulnerable entry (the component may be in the
    // platform too — the kernel — which only repeats it for the platform conditions).
    let on = platform.cpes.as_slice();
    let verdict = |on: &[Wfn]| {
        let ev = nvd::evaluate_on(configs, std::slice::from_ref(cpe), on, scheme);
        match ev.applies {
            nvd::Truth::True if !ev.vulnerable.is_empty() => Verdict::Affected,
            nvd::Truth::True | nvd::Truth::False => Verdict::NotAffected,
            nvd::Truth::Unknown => Verdict::Unknown(ev.unknown.join("; ")),
        }
    };
    let v = verdict(on);
    if v != Verdict::NotAffected {
        return v;
    }
    // A platform condition (an application on an OS, firmware on a device) of a
    // kind the product names none of: undecidable, not "not affected".
    let assumed: Vec<Wfn> = configs
        .iter()
        .flat_map(|c| &c.nodes)
        .flat_map(|n| &n.matches)
        .filter(|m| !m.vulnerable && !platform.knows(&m.criteria))
        .map(|m| m.criteria.clone())
        .collect();
    if assumed.is_empty() {
        return v;
    }
    let mut with = on.to_vec();
    with.extend(assumed.iter().cloned());
    if verdict(&with) == Verdict::NotAffected {
        return v;
    }
    let names: Vec<String> = assumed.iter().map(ToString::to_string).collect();
    Verdict::Unknown(format!(
        "affected only together with {}: neither the SBOM nor the product \
             declaration names its {} (declare it: `platform` in craft.toml)",
        names.join(" or "),
        platform.missing_kinds(&assumed)
    ))
}

/// Versions that fix a range, as it states them.
fn fixed_versions(form: &str, range: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let strs = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    match form {
        "osv" => {
            for r in range["ranges"].as_array().into_iter().flatten() {
                if r["type"] == "GIT" {
                    continue;
                }
                for e in r["events"].as_array().into_iter().flatten() {
                    out.extend(strs(e, "fixed"));
                }
            }
        }
        "cve5" => {
            for e in range["versions"].as_array().into_iter().flatten() {
                let vt = e["versionType"].as_str().unwrap_or("");
                if vt == "git" {
                    continue;
                }
                match e["status"].as_str() {
                    Some("affected") => {
                        out.extend(strs(e, "lessThan").filter(|v| !v.contains('*')))
                    }
                    Some("unaffected")
                        if e.get("lessThanOrEqual").is_some() || e.get("lessThan").is_some() =>
                    {
                        out.extend(strs(e, "version").filter(|v| v != "0"));
                    }
                    _ => {}
                }
            }
        }
        "nvd" => {
            for n in range["nodes"].as_array().into_iter().flatten() {
                for m in n["cpeMatch"].as_array().into_iter().flatten() {
                    if m["vulnerable"] == true {
                        out.extend(strs(m, "versionEndExcluding"));
                    }
                }
            }
        }
        _ => {}
    }
    out.sort();
    out.dedup();
    out
}

impl<'a> Matcher<'a> {
    /// A matcher on `store`, deciding between sources by `precedence`.
    pub fn new(store: &'a SqliteStore, precedence: &'a Precedence) -> Matcher<'a> {
        Matcher {
            store,
            precedence,
            table: Table::default(),
            ranges: HashMap::new(),
            enrichment: HashMap::new(),
            damaged: 0,
            data_version: None,
            keep_cleared: false,
            declared_platform: Vec::new(),
        }
    }

    /// The files the fix of vulnerability `id` touched, as its records state them (the
    /// kernel CNA's `programFiles`); empty when none says.
    ///
    /// # Errors
    /// The database fails.
    pub fn program_files(&self, id: &str) -> Result<Vec<String>, Error> {
        use craft_vulndb::Store;
        Ok(self
            .store
            .vulnerability(id, self.precedence)?
            .map(|v| v.program_files())
            .unwrap_or_default())
    }

    /// Declare the operating systems and hardware the product runs on (CPE names of part
    /// `o` or `h`, e.g. from `craft.toml`), beside those its SBOM names. NVD configurations
    /// that need a platform (`AND` with a `vulnerable: false` entry) are judged against them.
    pub fn platform(mut self, cpes: Vec<Wfn>) -> Self {
        self.declared_platform = cpes;
        self
    }

    /// Replace the declared platform (see [`Matcher::platform`]) between scans: a product
    /// check declares, for each release, the platform all of its SBOMs name.
    pub fn set_platform(&mut self, cpes: Vec<Wfn>) {
        self.declared_platform = cpes;
    }

    /// Also list every pair a record names but its range clears (`ScanReport::cleared`).
    pub fn keep_cleared(mut self, keep: bool) -> Self {
        self.keep_cleared = keep;
        self
    }

    fn ranges(&mut self, key: &str) -> Result<Rc<KeyRanges>, Error> {
        if let Some(r) = self.ranges.get(key) {
            return Ok(Rc::clone(r));
        }
        let (list, unreadable) = self.store.ranges_for_key(key)?;
        let (ranges, damaged) = KeyRanges::new(list);
        self.damaged += unreadable + damaged;
        let rc = Rc::new(ranges);
        self.ranges.insert(key.to_string(), Rc::clone(&rc));
        Ok(rc)
    }

    /// Read the ranges of every key of `keys` not cached yet, in batches.
    fn prefetch<'k>(&mut self, keys: impl Iterator<Item = &'k str>) -> Result<(), Error> {
        const BATCH: usize = 4096;
        let mut wanted: Vec<&str> = keys.filter(|k| !self.ranges.contains_key(*k)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        for batch in wanted.chunks(BATCH) {
            for (key, list, unreadable) in self.store.ranges_for_keys(batch)? {
                let (ranges, damaged) = KeyRanges::new(list);
                self.damaged += unreadable + damaged;
                self.ranges.insert(key, Rc::new(ranges));
            }
            // Keys the database does not know have no ranges.
            for key in batch {
                if !self.ranges.contains_key(*key) {
                    let (none, _) = KeyRanges::new(Vec::new());
                    self.ranges.insert((*key).to_string(), Rc::new(none));
                }
            }
        }
        Ok(())
    }

    /// Read the briefs of every vulnerability of `names` not cached yet, in batches.
    fn prefetch_enrichment<'n>(
        &mut self,
        names: impl Iterator<Item = &'n str>,
    ) -> Result<(), Error> {
        const BATCH: usize = 4096;
        let mut wanted: Vec<&str> = names
            .filter(|n| !self.enrichment.contains_key(*n))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        for batch in wanted.chunks(BATCH) {
            for (name, brief) in self.store.briefs(batch, self.precedence)? {
                let e = Rc::new(priority::Enrichment::of(Some(&brief)));
                self.enrichment.insert(name, e);
            }
            // Names the database does not know have no brief.
            for name in batch {
                if !self.enrichment.contains_key(*name) {
                    let e = Rc::new(priority::Enrichment::of(None));
                    self.enrichment.insert((*name).to_string(), e);
                }
            }
        }
        Ok(())
    }

    fn enrichment(&mut self, id: &str) -> Result<Rc<priority::Enrichment>, Error> {
        if let Some(e) = self.enrichment.get(id) {
            return Ok(Rc::clone(e));
        }
        let v = self.store.brief(id, self.precedence)?;
        let e = Rc::new(priority::Enrichment::of(v.as_ref()));
        self.enrichment.insert(id.to_string(), Rc::clone(&e));
        Ok(e)
    }

    /// Evaluate one range for one identity; the note says when a bound had to be read
    /// otherwise than in the identity's scheme.
    fn evaluate(
        id: &Identity,
        ranges: &KeyRanges,
        at: usize,
        platform: &Platform,
    ) -> (Verdict, Option<String>) {
        let (r, parsed) = (&ranges.list[at], &ranges.parsed[at]);
        let scheme = match r.form.as_str() {
            "osv" => osv::ecosystem_scheme(&r.ecosystem).unwrap_or(id.scheme),
            _ => id.scheme,
        };
        let v = match parsed {
            Parsed::Osv(a) => a.evaluate(&id.version, scheme),
            Parsed::Nvd(Ok(config)) => {
                nvd_verdict(std::slice::from_ref(config), id, scheme, platform)
            }
            Parsed::Nvd(Err(e)) => Verdict::Unknown(e.clone()),
            Parsed::Json => Self::evaluate_in(id, &r.form, ranges.value(at), scheme, platform),
        };
        // A bound the scheme rejects (npm records with `fixed: 2.0.0.4`), while the
        // component's version is valid: in a SemVer scheme a fourth number is read as a
        // release after 2.0.0 and before 2.0.1 (exactly `2.0.1-0` in SemVer order);
        // otherwise the generic numeric order places it. The finding says which.
        let Verdict::Unknown(why) = &v else {
            return (v, None);
        };
        if r.form == "cve5"
            || scheme == Scheme::Generic
            || craft_version::validate(scheme, &id.version).is_err()
        {
            return (v, None);
        }
        if let Some((range, rewritten)) = semver_four_part_bounds(&r.form, ranges.value(at), scheme)
        {
            let s = Self::evaluate_in(id, &r.form, &range, scheme, platform);
            if !matches!(s, Verdict::Unknown(_)) {
                let note = format!(
                    "{why}; read {} as the release after the first three numbers",
                    rewritten.join(", ")
                );
                return (s, Some(note));
            }
        }
        let g = Self::evaluate_in(id, &r.form, ranges.value(at), Scheme::Generic, platform);
        if matches!(g, Verdict::Unknown(_)) {
            return (v, None);
        }
        let note = format!("compared in the generic (numeric) order: {why}");
        (g, Some(note))
    }

    fn evaluate_in(
        id: &Identity,
        form: &str,
        range: &Value,
        scheme: Scheme,
        platform: &Platform,
    ) -> Verdict {
        match form {
            "osv" => osv::evaluate(range, &id.version, scheme),
            "cve5" => cve5::evaluate(range, &id.version, scheme),
            "nvd" => match nvd::configuration(range) {
                Ok(config) => nvd_verdict(std::slice::from_ref(&config), id, scheme, platform),
                Err(e) => Verdict::Unknown(e.to_string()),
            },
            other => Verdict::Unknown(format!("a range of the unknown form `{other}`")),
        }
    }

    /// Scan one SBOM.
    pub fn scan(&mut self, sbom: &Sbom) -> Result<ScanReport, Error> {
        let _snapshot = self.store.snapshot()?;
        // The caches of ranges and enrichment serve every scan of this matcher until the
        // database changes.
        let version = self.store.data_version()?;
        if self.data_version != Some(version) {
            self.ranges.clear();
            self.enrichment.clear();
            self.damaged = 0;
            self.data_version = Some(version);
        }
        let mut report = ScanReport {
            components: sbom.components.len(),
            ..ScanReport::default()
        };
        let platform = Platform::of(sbom, &self.declared_platform);
        // Every component's identities first (a file is matched only by a purl or CPE),
        // then the ranges of all their keys not cached yet, in one statement per batch.
        let identities: Vec<Option<identity::Identities>> = sbom
            .components
            .iter()
            .map(|c| {
                let file = c.kind == craft_model::ComponentKind::File
                    && c.purls.is_empty()
                    && c.cpes.is_empty();
                (!file).then(|| identity::of_component(c, &self.table))
            })
            .collect();
        self.prefetch(identities.iter().flatten().flat_map(|ids| {
            ids.list
                .iter()
                .filter(|i| !i.upstream_of_distro)
                .map(|i| i.key.as_str())
        }))?;
        // The upstream identities of a distribution package only where the database has no
        // advisory of the distribution for it (as the judging below decides).
        let upstream: Vec<&str> = identities
            .iter()
            .flatten()
            .filter(|ids| {
                !ids.list
                    .iter()
                    .filter(|i| i.distro_package)
                    .any(|i| self.ranges.get(&i.key).is_some_and(|r| !r.list.is_empty()))
            })
            .flat_map(|ids| {
                ids.list
                    .iter()
                    .filter(|i| i.upstream_of_distro)
                    .map(|i| i.key.as_str())
            })
            .collect();
        self.prefetch(upstream.into_iter())?;
        // Pass 1: judge every component; a pair whose deciding record says affected or
        // unknown waits for its vulnerability's brief (read for all of them at once).
        let mut pending: Vec<Pending> = Vec::new();
        for (at, (c, ids)) in sbom.components.iter().zip(&identities).enumerate() {
            let Some(ids) = ids else {
                report.files += 1;
                continue;
            };
            if let Some(reason) = ids.unidentified.clone() {
                report.unidentified.push(Unidentified {
                    component: c.id.clone(),
                    name: c.name.clone(),
                    reason,
                });
                continue;
            }
            report.identified += 1;
            // Distribution packages: their upstream identities only when the database has
            // no advisory for the package itself.
            let mut distro_covered = false;
            for id in ids.list.iter().filter(|i| i.distro_package) {
                distro_covered |= !self.ranges(&id.key)?.list.is_empty();
            }
            // The ranges of each identity (none for an upstream identity of a distribution
            // package the distribution's advisories cover), held while judging.
            let mut keyed: Vec<Option<Rc<KeyRanges>>> = Vec::with_capacity(ids.list.len());
            for id in &ids.list {
                keyed.push(if id.upstream_of_distro && distro_covered {
                    None
                } else {
                    Some(self.ranges(&id.key)?)
                });
            }
            // (vulnerability) → records judged for it.
            let mut per_vuln: BTreeMap<&str, Vec<Judged>> = BTreeMap::new();
            for (n, (id, ranges)) in ids.list.iter().zip(&keyed).enumerate() {
                let Some(ranges) = ranges else { continue };
                // (vuln, record) → best verdict over the record's ranges
                let mut per_record: BTreeMap<(&str, &str, Source), Judged> = BTreeMap::new();
                for (at, r) in ranges.list.iter().enumerate() {
                    if id.distro_package && !release_matches(&r.ecosystem, id.distro.as_deref()) {
                        continue;
                    }
                    if !ranges.names_this_package(at, id, c) {
                        continue;
                    }
                    let (verdict, note) = Self::evaluate(id, ranges, at, &platform);
                    let k = (r.vuln.as_str(), r.record.as_str(), r.source);
                    let better = per_record
                        .get(&k)
                        .is_none_or(|j| verdict_rank(&verdict) < verdict_rank(&j.verdict));
                    if better {
                        per_record.insert(
                            k,
                            Judged {
                                status: r.status,
                                verdict,
                                ranges: Rc::clone(ranges),
                                at,
                                identity: n,
                                note,
                            },
                        );
                    }
                }
                for ((vuln, _, _), j) in per_record {
                    per_vuln.entry(vuln).or_default().push(j);
                }
            }
            for (vuln, judged) in per_vuln {
                pending.extend(self.choose(at, c, &ids.list, vuln, judged, &mut report));
            }
        }
        // Pass 2: the findings, with their vulnerabilities' briefs.
        self.prefetch_enrichment(pending.iter().map(|p| p.vuln.as_str()))?;
        for p in pending {
            let c = &sbom.components[p.component];
            if let Some(ids) = &identities[p.component] {
                self.finding(c, &ids.list, p, &mut report)?;
            }
        }
        report.damaged_ranges = self.damaged;
        report
            .cleared
            .sort_by(|a, b| (&a.component, &a.id).cmp(&(&b.component, &b.id)));
        // Worst first: priority, status, newest vulnerability (by its canonical key, then
        // id, descending), component. Sorted by index, so no key clones a string.
        let keys: Vec<_> = report
            .findings
            .iter()
            .map(|f| {
                let (class, year, number, _) = craft_vulndb::group::canonical_key(&f.id);
                (
                    f.priority.rank,
                    f.status,
                    std::cmp::Reverse((class, year, number)),
                )
            })
            .collect();
        let mut order: Vec<usize> = (0..report.findings.len()).collect();
        order.sort_by(|&a, &b| {
            let (fa, fb) = (&report.findings[a], &report.findings[b]);
            keys[a]
                .cmp(&keys[b])
                .then_with(|| fb.id.cmp(&fa.id))
                .then_with(|| fa.component.cmp(&fb.component))
        });
        let mut slots: Vec<Option<Finding>> = report.findings.drain(..).map(Some).collect();
        report.findings = order.iter().filter_map(|&i| slots[i].take()).collect();
        Ok(report)
    }

    /// Decide one (component, vulnerability) from its judged records: withdrawn and not
    /// affected are counted here; an affected or unknown answer is returned, to become a
    /// finding once its vulnerability's brief is read ([`Matcher::finding`]).
    fn choose(
        &self,
        component: usize,
        c: &craft_model::Component,
        ids: &[Identity],
        vuln: &str,
        judged: Vec<Judged>,
        report: &mut ScanReport,
    ) -> Option<Pending> {
        let (mut live, void): (Vec<Judged>, Vec<Judged>) = judged
            .into_iter()
            .partition(|j| j.status == Status::Published);
        if live.is_empty() {
            if !void.is_empty() {
                report.withdrawn += 1;
            }
            return None;
        }
        let rank = |j: &Judged| {
            Precedence::rank(
                &self.precedence.affected,
                j.range().source,
                &j.range().assigner,
            )
        };
        // The best-ranked source with a definite answer decides; else the best-ranked
        // unknown stands.
        let at = live
            .iter()
            .enumerate()
            .filter(|(_, j)| !matches!(j.verdict, Verdict::Unknown(_)))
            .min_by_key(|(_, j)| (rank(j), verdict_rank(&j.verdict), j.record_key()))
            .or_else(|| {
                live.iter()
                    .enumerate()
                    .min_by_key(|(_, j)| (rank(j), j.record_key()))
            })
            .map(|(at, _)| at)?;
        let d = &live[at];
        let (status, reason) = match &d.verdict {
            Verdict::Affected => (FindingStatus::Affected, None),
            Verdict::Unknown(why) => (FindingStatus::Unknown, Some(why.clone())),
            Verdict::NotAffected => {
                report.not_affected += 1;
                if self.keep_cleared {
                    report.cleared.push(Cleared {
                        id: vuln.to_string(),
                        component: c.id.clone(),
                        component_name: c.name.clone(),
                        identity: ids[d.identity].clone(),
                        decided_by: d.record(),
                        range: d.ranges.summary(d.at),
                        disagreements: disagreements(&live, d),
                    });
                }
                return None;
            }
        };
        let disagreements = disagreements(&live, d);
        Some(Pending {
            component,
            vuln: vuln.to_string(),
            status,
            reason,
            disagreements,
            decider: live.swap_remove(at),
        })
    }

    /// The finding of a pair [`Matcher::choose`] left pending; none when its vulnerability
    /// is void (a vulnerability its deciding source rejected — the kernel CNA's
    /// `rejected/` folder — makes no finding, whatever an older copy elsewhere still says).
    fn finding(
        &mut self,
        c: &craft_model::Component,
        ids: &[Identity],
        p: Pending,
        report: &mut ScanReport,
    ) -> Result<(), Error> {
        let e = self.enrichment(&p.vuln)?;
        if e.void {
            report.withdrawn += 1;
            return Ok(());
        }
        let d = &p.decider;
        let range = d.ranges.summary(d.at);
        let fixed = d.ranges.fixed(d.at);
        let prio = priority::priority(p.status, &e);
        *report
            .by_source
            .entry(d.range().source.name().to_string())
            .or_default() += 1;
        report.findings.push(Finding {
            id: p.vuln,
            aliases: e.aliases.clone(),
            status: p.status,
            reason: p.reason,
            component: c.id.clone(),
            component_name: c.name.clone(),
            component_version: c.version.clone(),
            identity: ids[d.identity].clone(),
            decided_by: d.record(),
            range,
            fixed,
            disagreements: p.disagreements,
            note: d.note.clone().or_else(|| {
                ids[d.identity].upstream_of_distro.then(|| {
                    "judged by the upstream software's ranges (the database has no advisory of this distribution for it): the distribution may have backported the fix".to_string()
                })
            }),
            summary: e.summary.clone(),
            cvss3: e.cvss3.clone(),
            cvss4: e.cvss4.clone(),
            cwes: e.cwes.clone(),
            kev: e.kev.clone(),
            epss: e.epss.clone(),
            priority: prio,
        });
        Ok(())
    }
}

/// A (component, vulnerability) whose deciding record says affected or unknown, waiting
/// for its vulnerability's brief.
struct Pending {
    /// The component's index in the SBOM.
    component: usize,
    vuln: String,
    status: FindingStatus,
    reason: Option<String>,
    disagreements: Vec<String>,
    decider: Judged,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn distribution_releases_must_agree() {
        assert!(release_matches("Debian:12", Some("debian-12")));
        assert!(!release_matches("Debian:11", Some("debian-12")));
        assert!(release_matches("Alpine:v3.18", Some("alpine-3.18.4")));
        assert!(!release_matches("Alpine:v3.1", Some("alpine-3.18.4")));
        assert!(release_matches("Debian", Some("debian-12")));
        assert!(release_matches("Debian:12", None));
    }

    #[test]
    fn four_part_bounds_become_the_next_semver_pre_release() {
        let r = serde_json::json!({"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0.0.4"}]}]});
        let (out, what) = semver_four_part_bounds("osv", &r, Scheme::Npm).unwrap();
        assert_eq!(out["ranges"][0]["events"][1]["fixed"], "2.0.1-0");
        assert_eq!(what, ["`2.0.0.4`"]);
        let v = |ver: &str| osv::evaluate(&out, ver, Scheme::Npm);
        assert_eq!(v("2.0.0-beta.3"), Verdict::Affected);
        assert_eq!(v("2.0.0"), Verdict::Affected);
        assert_eq!(v("2.0.1-alpha"), Verdict::NotAffected);
        assert_eq!(v("2.0.1"), Verdict::NotAffected);
        assert!(semver_four_part_bounds("osv", &r, Scheme::Pypi).is_none());
        let plain =
            serde_json::json!({"ranges": [{"type": "SEMVER", "events": [{"fixed": "1.2.3"}]}]});
        assert!(semver_four_part_bounds("osv", &plain, Scheme::Npm).is_none());
    }

    proptest::proptest! {
        #[test]
        fn an_osv_summary_read_from_text_is_the_one_read_from_the_value(
            ranges in proptest::collection::vec(
                (0usize..5, proptest::collection::vec(
                    proptest::collection::vec((0usize..5, 0usize..5), 0..3), 0..4)),
                0..3),
            versions in 0usize..3,
        ) {
            // Range types (absent, null, GIT, SEMVER, not a string); events of zero, one or
            // several entries, of known and unknown kinds, with string, escaped, commit,
            // null and number values.
            let types = [None, Some(Value::Null), Some(json!("GIT")), Some(json!("SEMVER")), Some(json!(3))];
            let kinds = ["introduced", "fixed", "last_affected", "limit", "zzz"];
            let values = [json!("1.2.3"), json!("a\"b"), json!("0123456789abcdef0123456789abcdef01234567"), Value::Null, json!(7)];
            let rs: Vec<Value> = ranges
                .iter()
                .map(|(t, events)| {
                    let evs: Vec<Value> = events
                        .iter()
                        .map(|entries| {
                            let mut o = serde_json::Map::new();
                            for (k, v) in entries {
                                o.insert(kinds[*k].to_string(), values[*v].clone());
                            }
                            Value::Object(o)
                        })
                        .collect();
                    let mut r = json!({"events": evs});
                    if let Some(t) = &types[*t] {
                        r["type"] = t.clone();
                    }
                    r
                })
                .collect();
            let mut entry = json!({"package": {"name": "x"}, "ranges": rs});
            match versions {
                1 => entry["versions"] = json!(["1.0", 2]),
                2 => entry["versions"] = Value::Null,
                _ => {}
            }
            let text = entry.to_string();
            if let Some((summary, fixed)) = osv_summary_and_fixed(&text) {
                proptest::prop_assert_eq!(summary, range_summary("osv", &entry));
                let mut fixed = fixed;
                fixed.sort();
                fixed.dedup();
                proptest::prop_assert_eq!(fixed, fixed_versions("osv", &entry));
            }
        }
    }

    #[test]
    fn a_plain_osv_entry_is_summarised_from_its_text() {
        let text = r#"{"ranges": [{"type": "GIT", "events": [{"introduced": "0"}, {"fixed": "0123456789abcdef0123456789abcdef01234567"}]}, {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}], "versions": ["1.0"]}"#;
        let (summary, fixed) = osv_summary_and_fixed(text).expect("plain");
        assert_eq!(summary, "GIT: introduced 0, fixed 0123456789ab; ECOSYSTEM: introduced 0, fixed 2.0; 1 listed versions");
        assert_eq!(fixed, ["2.0"]);
        assert!(osv_summary_and_fixed(r#"{"ranges": [{"events": [{"fixed": null}]}]}"#).is_none());
        // Arrays in place of objects: never read as one.
        for text in [
            r#"{"ranges": [["ECOSYSTEM", [{"introduced": "0"}]]]}"#,
            r#"[[["ECOSYSTEM", [{"fixed": "1"}]]]]"#,
        ] {
            let v: Value = serde_json::from_str(text).unwrap();
            if let Some((summary, _)) = osv_summary_and_fixed(text) {
                assert_eq!(summary, range_summary("osv", &v), "{text}");
            }
        }
    }

    #[test]
    fn fixed_versions_are_read_from_each_form() {
        let osv = serde_json::json!({"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]});
        assert_eq!(fixed_versions("osv", &osv), ["1.2.3"]);
        let k = serde_json::json!({"versions": [
            {"version": "6.1", "status": "affected"},
            {"version": "0", "lessThan": "6.1", "status": "unaffected", "versionType": "semver"},
            {"version": "6.1.83", "lessThanOrEqual": "6.1.*", "status": "unaffected", "versionType": "semver"},
            {"version": "6.9", "lessThanOrEqual": "*", "status": "unaffected", "versionType": "original_commit_for_fix"}]});
        assert_eq!(fixed_versions("cve5", &k), ["6.1.83", "6.9"]);
    }
}
