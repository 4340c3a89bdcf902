//! Content rules: the official schema, NTIA minimum elements, BSI TR-03183-2.
//!
//! Each rule is data ([`Rule`]): a stable code, the rule set it belongs to, the scope
//! (document or component), the severity of a failure, and the clause it encodes. [`check`]
//! evaluates every selected rule and returns a [`Report`] whose findings name the rule, the
//! component and the location. `docs/checks.md` has one heading per code.
//!
//! Components of kind `file` (SPDX `files[]`, CycloneDX `type: file`) are checked by the
//! schema only: NTIA and the SPDX tooling treat packages as the components of an SBOM, and
//! per-file supplier/version fields do not exist in SPDX 2.

use crate::{Diagnostic, Loaded, Location, Severity};
use craft_model::{Component, ComponentKind, FormatKind, HashAlg, Sbom};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// A group of rules that can be selected with `--only`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSet {
    /// Reading problems and the official JSON schema of the declared format version.
    Schema,
    /// NTIA minimum elements (July 2021).
    Ntia,
    /// BSI TR-03183-2.
    Bsi,
}

impl RuleSet {
    /// Every rule set.
    pub const ALL: [RuleSet; 3] = [RuleSet::Schema, RuleSet::Ntia, RuleSet::Bsi];

    /// Name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            RuleSet::Schema => "schema",
            RuleSet::Ntia => "ntia",
            RuleSet::Bsi => "bsi",
        }
    }
}

/// What a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The document as a whole.
    Document,
    /// Each component.
    Component,
}

/// A content rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// Stable kebab-case code.
    pub code: &'static str,
    /// Rule set.
    pub set: RuleSet,
    /// Scope.
    pub scope: Scope,
    /// Severity of a failure.
    pub severity: Severity,
    /// What the rule requires, in one line.
    pub title: &'static str,
    /// The clause it encodes.
    pub reference: &'static str,
}

macro_rules! rule {
    ($code:literal, $set:ident, $scope:ident, $sev:ident, $title:literal, $ref:literal) => {
        Rule {
            code: $code,
            set: RuleSet::$set,
            scope: Scope::$scope,
            severity: Severity::$sev,
            title: $title,
            reference: $ref,
        }
    };
}

/// Every rule craft checks, in report order.
pub const RULES: &[Rule] = &[
    rule!("schema-invalid", Schema, Document, Error,
        "the document is valid by the official JSON schema of its declared format version",
        "CycloneDX / SPDX official JSON schemas"),
    rule!("schema-unknown-version", Schema, Document, Error,
        "the declared format version has an official schema",
        "CycloneDX 1.2-1.7, SPDX 2.2, 2.3, 3.0.0, 3.0.1"),
    rule!("schema-not-validated", Schema, Document, Warning,
        "the document was validated against its schema while it was read",
        "craft (ReadOptions::validate_schema)"),
    rule!("duplicate-id", Schema, Document, Error,
        "every element id (CycloneDX bom-ref, SPDXID) is unique in its document",
        "CycloneDX refType; SPDX 2.3 §3.2 / §7.2"),
    rule!("cdx-license-choice", Schema, Document, Error,
        "a CycloneDX `licenses` list holds licences or one expression, not both",
        "CycloneDX licenseChoice (XSD, and the JSON schema from 1.5)"),
    rule!("xml-repeated-element", Schema, Document, Error,
        "an XML element the XSD allows once appears once",
        "CycloneDX XSD"),
    rule!("read-skipped", Schema, Document, Warning,
        "every field has the type its format gives it",
        "format specification"),
    rule!("read-other", Schema, Document, Info,
        "other reader notes: unknown fields, dangling references, inferred subjects",
        "format specification"),
    rule!("ntia-author", Ntia, Document, Error,
        "the SBOM names its author (a person, organisation or tool)",
        "NTIA minimum elements: Author of SBOM Data"),
    rule!("ntia-timestamp", Ntia, Document, Error,
        "the SBOM states when it was made",
        "NTIA minimum elements: Timestamp"),
    rule!("ntia-dependencies", Ntia, Document, Error,
        "the SBOM states its primary component and dependency relationships",
        "NTIA minimum elements: Dependency Relationship"),
    rule!("ntia-supplier", Ntia, Component, Error,
        "the component names its supplier",
        "NTIA minimum elements: Supplier Name"),
    rule!("ntia-name", Ntia, Component, Error,
        "the component has a name",
        "NTIA minimum elements: Component Name"),
    rule!("ntia-version", Ntia, Component, Error,
        "the component has a version",
        "NTIA minimum elements: Version of the Component"),
    rule!("ntia-unique-id", Ntia, Component, Error,
        "the component has a unique identifier usable as a look-up key (purl, CPE or SWID)",
        "NTIA minimum elements: Other Unique Identifiers"),
    rule!("bsi-spec-version", Bsi, Document, Error,
        "the format version is one TR-03183-2 accepts (v2.1: CycloneDX >= 1.6 or SPDX >= 3.0.1; v2.0: CycloneDX >= 1.5 or SPDX >= 2.2.1)",
        "TR-03183-2 v2.1.0 §4, v2.0.0 §4"),
    rule!("bsi-creator", Bsi, Document, Error,
        "the SBOM creator is given with an e-mail address or URL",
        "TR-03183-2 §5.2.1 Table 2: Creator of the SBOM"),
    rule!("bsi-timestamp", Bsi, Document, Error,
        "the SBOM has an RFC 3339 timestamp",
        "TR-03183-2 §5.2.1 Table 2: Timestamp"),
    rule!("bsi-sbom-uri", Bsi, Document, Warning,
        "the SBOM has a URI (CycloneDX serialNumber, SPDX namespace)",
        "TR-03183-2 §5.2.3 Table 4: SBOM-URI"),
    rule!("bsi-component-creator", Bsi, Component, Error,
        "the component creator is given with an e-mail address or URL",
        "TR-03183-2 §5.2.2 Table 3: Component creator"),
    rule!("bsi-component-name", Bsi, Component, Error,
        "the component has a name",
        "TR-03183-2 §5.2.2 Table 3: Component name"),
    rule!("bsi-component-version", Bsi, Component, Error,
        "the component has a version",
        "TR-03183-2 §5.2.2 Table 3: Component version"),
    rule!("bsi-filename", Bsi, Component, Error,
        "the component states its file name",
        "TR-03183-2 §5.2.2 Table 3: Filename of the component"),
    rule!("bsi-dependencies", Bsi, Component, Error,
        "the component's direct dependencies are stated (an empty list counts)",
        "TR-03183-2 §5.2.2 Table 3: Dependencies on other components"),
    rule!("bsi-license", Bsi, Component, Error,
        "the component has a licence as a valid SPDX expression",
        "TR-03183-2 §5.2.2 Table 3: Distribution licences; §6.1"),
    rule!("bsi-hash-sha512", Bsi, Component, Error,
        "the component has a SHA-512 hash of its deployable form",
        "TR-03183-2 §5.2.2 Table 3: Hash value of the deployable component"),
    rule!("bsi-executable", Bsi, Component, Error,
        "the component states whether it is executable (bsi:component:executable)",
        "TR-03183-2 §5.2.2 Table 3: Executable property"),
    rule!("bsi-archive", Bsi, Component, Error,
        "the component states whether it is an archive (bsi:component:archive)",
        "TR-03183-2 §5.2.2 Table 3: Archive property"),
    rule!("bsi-structured", Bsi, Component, Error,
        "the component states whether it is structured (bsi:component:structured)",
        "TR-03183-2 §5.2.2 Table 3: Structured property"),
    rule!("bsi-unique-id", Bsi, Component, Warning,
        "the component has another unique identifier (CPE, purl or SWID)",
        "TR-03183-2 §5.2.4 Table 5: Other unique identifiers"),
];

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// Which edition of BSI TR-03183-2 to check against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum BsiVersion {
    /// v2.0.0 (2024-09-20).
    #[serde(rename = "2.0")]
    V2_0,
    /// v2.1.0 (2025-08-20), current.
    #[default]
    #[serde(rename = "2.1")]
    V2_1,
}

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Rule sets to run.
    pub sets: Vec<RuleSet>,
    /// BSI edition.
    pub bsi: BsiVersion,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            sets: RuleSet::ALL.to_vec(),
            bsi: BsiVersion::default(),
        }
    }
}

/// Pass/fail counts of one rule.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleCount {
    /// Items checked (1 for document rules, the component count otherwise).
    pub checked: usize,
    /// Items that failed.
    pub failed: usize,
}

/// The result of checking one SBOM.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The file.
    pub file: String,
    /// Format and version read.
    pub format: Option<String>,
    /// Components in the document.
    pub components: usize,
    /// Components the content rules applied to (all but plain files).
    pub checked_components: usize,
    /// Rule sets run.
    pub sets: Vec<RuleSet>,
    /// Per rule code: how many items were checked and how many failed.
    pub rules: BTreeMap<&'static str, RuleCount>,
    /// Every finding, worst first.
    pub findings: Vec<Diagnostic>,
}

impl Report {
    /// The worst severity among the findings.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Number of findings at `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Check a loaded SBOM.
pub fn check(loaded: &Loaded, opts: &CheckOptions) -> Report {
    let sbom = &loaded.sbom;
    let mut findings = Vec::new();
    let mut rules: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    let want = |s: RuleSet| opts.sets.contains(&s);
    let targets: Vec<&Component> = sbom
        .components
        .iter()
        .filter(|c| c.kind != ComponentKind::File)
        .collect();

    if want(RuleSet::Schema) {
        let mut invalid = 0;
        let mut unknown = 0;
        for doc in &loaded.documents {
            match doc.schema {
                Some(id) => {
                    let Some(found) = &doc.schema_findings else {
                        findings.push(Diagnostic::new(
                            "schema-not-validated",
                            Severity::Warning,
                            format!(
                                "not validated against the {} schema: the document was read \
                                 with schema validation off (ReadOptions::validate_schema)",
                                id.name()
                            ),
                            Location {
                                entry: doc.entry.clone(),
                                ..Location::default()
                            },
                        ));
                        continue;
                    };
                    let mut found = found.clone();
                    if !found.is_empty() {
                        invalid += 1;
                    }
                    for f in &mut found {
                        f.location.entry.clone_from(&doc.entry);
                    }
                    findings.extend(found);
                }
                None => {
                    unknown += 1;
                    findings.push(Diagnostic::new(
                        "schema-unknown-version",
                        Severity::Error,
                        format!(
                            "{} declares a format version with no official JSON schema \
                             (craft has CycloneDX 1.2-1.7, SPDX 2.2, 2.3, 3.0.0, 3.0.1)",
                            loaded
                                .sbom
                                .document
                                .format
                                .as_ref()
                                .map_or("the document".to_string(), |f| f.to_string())
                        ),
                        Location {
                            entry: doc.entry.clone(),
                            ..Location::default()
                        },
                    ));
                }
            }
        }
        let n = loaded.documents.len();
        rules.insert(
            "schema-invalid",
            RuleCount {
                checked: n,
                failed: invalid,
            },
        );
        rules.insert(
            "schema-unknown-version",
            RuleCount {
                checked: n,
                failed: unknown,
            },
        );
        // Reader findings (skipped fields, duplicate ids, XSD-only violations) count under
        // their own codes.
        for d in &loaded.diagnostics {
            let code = RULES
                .iter()
                .find(|r| r.code == d.code)
                .map_or("read-other", |r| r.code);
            rules
                .entry(code)
                .or_insert(RuleCount {
                    checked: n,
                    failed: 0,
                })
                .failed += 1;
        }
        findings.extend(loaded.diagnostics.iter().cloned());
    }

    let mut ctx = Ctx {
        findings: &mut findings,
        rules: &mut rules,
    };
    if want(RuleSet::Ntia) {
        ntia(sbom, &targets, &mut ctx);
    }
    if want(RuleSet::Bsi) {
        bsi(sbom, &targets, opts.bsi, &mut ctx);
    }

    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| rule_order(&a.code).cmp(&rule_order(&b.code)))
    });
    Report {
        file: loaded.path.display().to_string(),
        format: sbom.document.format.as_ref().map(ToString::to_string),
        components: sbom.components.len(),
        checked_components: targets.len(),
        sets: opts.sets.clone(),
        rules,
        findings,
    }
}

fn rule_order(code: &str) -> usize {
    RULES
        .iter()
        .position(|r| r.code == code)
        .unwrap_or(RULES.len())
}

struct Ctx<'a> {
    findings: &'a mut Vec<Diagnostic>,
    rules: &'a mut BTreeMap<&'static str, RuleCount>,
}

impl Ctx<'_> {
    /// Record a document-level rule result.
    fn doc(&mut self, code: &'static str, ok: bool, message: impl FnOnce() -> String) {
        let count = self.rules.entry(code).or_default();
        count.checked += 1;
        if !ok {
            count.failed += 1;
            let severity = rule(code).map_or(Severity::Error, |r| r.severity);
            self.findings.push(Diagnostic::new(
                code,
                severity,
                message(),
                Location::default(),
            ));
        }
    }

    /// Record a component-level rule result for each target.
    fn each(
        &mut self,
        code: &'static str,
        targets: &[&Component],
        ok: impl Fn(&Component) -> bool,
        message: impl Fn(&Component) -> String,
    ) {
        let severity = rule(code).map_or(Severity::Error, |r| r.severity);
        let count = self.rules.entry(code).or_default();
        for c in targets {
            count.checked += 1;
            if !ok(c) {
                count.failed += 1;
                self.findings.push(
                    Diagnostic::new(code, severity, message(c), Location::default())
                        .for_component(c.id.clone()),
                );
            }
        }
    }
}

/// `name@version` (or `name`) for messages.
fn label(c: &Component) -> String {
    match &c.version {
        Some(v) => format!("{}@{v}", c.name),
        None if c.name.is_empty() => format!("<unnamed {}>", c.id),
        None => c.name.clone(),
    }
}

fn has_text(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| {
        let s = s.trim();
        !s.is_empty() && s != "NOASSERTION" && s != "NONE"
    })
}

fn has_unique_id(c: &Component) -> bool {
    !c.purls.is_empty() || !c.cpes.is_empty() || c.other_ids.iter().any(|i| i.scheme == "swid")
}

fn ntia(sbom: &Sbom, targets: &[&Component], ctx: &mut Ctx<'_>) {
    let d = &sbom.document;
    ctx.doc(
        "ntia-author",
        !d.authors.is_empty() || !d.tools.is_empty(),
        || "the SBOM names no author: add SPDX `creators` or CycloneDX `metadata.authors`".into(),
    );
    ctx.doc("ntia-timestamp", has_text(&d.created), || {
        "the SBOM has no creation timestamp (SPDX `created`, CycloneDX `metadata.timestamp`)".into()
    });
    let has_edges = sbom.relationships.iter().any(|r| r.kind.is_dependency())
        || sbom
            .relationships
            .iter()
            .any(|r| r.kind == craft_model::RelationshipKind::Contains);
    ctx.doc(
        "ntia-dependencies",
        !d.subjects.is_empty() && (has_edges || sbom.components.len() <= 1),
        || {
            if d.subjects.is_empty() {
                "the SBOM does not say which component it describes (SPDX `DESCRIBES`, \
                 CycloneDX `metadata.component`)"
                    .into()
            } else {
                "the SBOM states no relationship between its components".into()
            }
        },
    );
    ctx.each(
        "ntia-supplier",
        targets,
        |c| c.supplier.is_some() || c.originator.is_some(),
        |c| format!("{} has no supplier", label(c)),
    );
    ctx.each(
        "ntia-name",
        targets,
        |c| !c.name.trim().is_empty(),
        |c| format!("component {} has no name", c.id),
    );
    ctx.each(
        "ntia-version",
        targets,
        |c| has_text(&c.version),
        |c| format!("{} has no version", label(c)),
    );
    ctx.each("ntia-unique-id", targets, has_unique_id, |c| {
        format!("{} has no purl, CPE or SWID tag", label(c))
    });
}

/// Whether the SBOM's format version is one the TR edition accepts.
fn bsi_format_ok(sbom: &Sbom, edition: BsiVersion) -> bool {
    let Some(f) = &sbom.document.format else {
        return false;
    };
    let v: Vec<u32> = f
        .spec_version
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    let at_least = |min: &[u32]| v.as_slice() >= min;
    match (edition, f.kind) {
        (BsiVersion::V2_1, FormatKind::CycloneDx) => at_least(&[1, 6]),
        (BsiVersion::V2_1, FormatKind::Spdx2) => false,
        (BsiVersion::V2_1, FormatKind::Spdx3) => at_least(&[3, 0, 1]),
        (BsiVersion::V2_0, FormatKind::CycloneDx) => at_least(&[1, 5]),
        (BsiVersion::V2_0, FormatKind::Spdx2 | FormatKind::Spdx3) => at_least(&[2, 2, 1]),
    }
}

fn contactable(p: &craft_model::Party) -> bool {
    has_text(&p.email) || has_text(&p.url)
}

/// RFC 3339 date-time shape: `YYYY-MM-DDTHH:MM:SS` then optional fraction, then `Z` or offset.
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|x| x.iter().all(u8::is_ascii_digit))
    };
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19))
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            digits(i + 1..i + 3)
                && b.get(i + 3) == Some(&b':')
                && digits(i + 4..i + 6)
                && i + 6 == b.len()
        }
        _ => false,
    }
}

fn bsi(sbom: &Sbom, targets: &[&Component], edition: BsiVersion, ctx: &mut Ctx<'_>) {
    let d = &sbom.document;
    ctx.doc("bsi-spec-version", bsi_format_ok(sbom, edition), || {
        format!(
            "TR-03183-2 {} does not accept {}",
            match edition {
                BsiVersion::V2_0 => "v2.0 (CycloneDX >= 1.5, SPDX >= 2.2.1)",
                BsiVersion::V2_1 => "v2.1 (CycloneDX >= 1.6, SPDX >= 3.0.1)",
            },
            d.format
                .as_ref()
                .map_or("an unknown format".to_string(), |f| f.to_string())
        )
    });
    ctx.doc("bsi-creator", d.authors.iter().any(contactable), || {
        "no SBOM creator with an e-mail address or URL (CycloneDX `metadata.manufacturer` \
         url/contact email; SPDX `creators: Organization: Name (email)`)"
            .into()
    });
    ctx.doc(
        "bsi-timestamp",
        d.created.as_deref().is_some_and(is_rfc3339),
        || match &d.created {
            Some(t) => format!("the timestamp {t:?} is not an RFC 3339 date-time"),
            None => "the SBOM has no timestamp".into(),
        },
    );
    ctx.doc("bsi-sbom-uri", has_text(&d.namespace), || {
        "the SBOM has no URI (CycloneDX `serialNumber`, SPDX `documentNamespace`)".into()
    });
    ctx.each(
        "bsi-component-creator",
        targets,
        |c| {
            c.originator
                .iter()
                .chain(c.supplier.iter())
                .any(contactable)
        },
        |c| {
            format!(
                "{}: no creator with an e-mail address or URL (manufacturer/supplier)",
                label(c)
            )
        },
    );
    ctx.each(
        "bsi-component-name",
        targets,
        |c| !c.name.trim().is_empty(),
        |c| format!("component {} has no name", c.id),
    );
    ctx.each(
        "bsi-component-version",
        targets,
        |c| has_text(&c.version),
        |c| format!("{} has no version", label(c)),
    );
    ctx.each(
        "bsi-filename",
        targets,
        |c| has_text(&c.file_name),
        |c| {
            format!(
                "{} has no file name (CycloneDX property `bsi:component:filename`, SPDX \
                 `packageFileName`)",
                label(c)
            )
        },
    );
    let stated: HashSet<&str> = sbom
        .dependencies_stated
        .iter()
        .map(String::as_str)
        .collect();
    ctx.each(
        "bsi-dependencies",
        targets,
        |c| stated.contains(c.id.as_str()),
        |c| {
            format!(
                "{}: its dependencies are not stated (add a `dependencies` entry, empty if it \
                 has none; SPDX: `DEPENDS_ON NONE`)",
                label(c)
            )
        },
    );
    ctx.each(
        "bsi-license",
        targets,
        |c| {
            // Distribution licence (v2.1) / associated licences (v2.0): the concluded
            // licence when stated, else the declared one.
            let lic = c.license_concluded.as_ref().or(c.license_declared.as_ref());
            lic.is_some_and(|l| {
                !l.is_no_assertion()
                    && matches!(l, craft_model::License::Expression { valid: true, .. })
            })
        },
        |c| {
            let l = c.license_concluded.as_ref().or(c.license_declared.as_ref());
            match l {
                None => format!("{} has no licence", label(c)),
                Some(l) if l.is_no_assertion() => format!("{} has licence NOASSERTION", label(c)),
                Some(l) => format!(
                    "{}: licence {:?} is not a valid SPDX expression",
                    label(c),
                    l.text()
                ),
            }
        },
    );
    ctx.each(
        "bsi-hash-sha512",
        targets,
        |c| c.hashes.iter().any(|h| h.alg == HashAlg::Sha512),
        |c| format!("{} has no SHA-512 hash", label(c)),
    );
    for (code, prop) in [
        ("bsi-executable", crate::cyclonedx::bsi::EXECUTABLE),
        ("bsi-archive", crate::cyclonedx::bsi::ARCHIVE),
        ("bsi-structured", crate::cyclonedx::bsi::STRUCTURED),
    ] {
        ctx.each(
            code,
            targets,
            |c| c.property(prop).is_some_and(|v| !v.trim().is_empty()),
            |c| format!("{} does not state `{prop}`", label(c)),
        );
    }
    ctx.each("bsi-unique-id", targets, has_unique_id, |c| {
        format!("{} has no purl, CPE or SWID tag", label(c))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        for ok in [
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05.123+02:00",
            "2024-01-02t03:04:05z",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "2024-01-02",
            "2024-01-02T03:04Z",
            "2024-01-02T03:04:05",
            "x",
            "",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn rule_codes_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "{}", r.code);
            assert!(r
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }
    }
}
