//! CSAF 2.0 security advisories (profile `csaf_security_advisory`) for the maker's own
//! product, from the check's findings, a fixed release, and the Article 14 case when there
//! is one (Annex I Part II (4), (8); Art. 14(8)).

use crate::check::CheckReport;
use crate::manifest::ProductDir;
use craft_triage::Status;
use serde_json::{json, Map, Value};

/// What the advisory says beyond the findings.
#[derive(Debug, Clone, Default)]
pub struct AdvisoryInput {
    /// The vulnerability (CVE or another id the findings carry).
    pub vulnerability: String,
    /// The tracking id (`ACME-2026-004`).
    pub id: String,
    /// The release that fixes it (may be one craft.toml does not list yet).
    pub fixed_in: Option<String>,
    /// Where users get the fixed release.
    pub fix_url: Option<String>,
    /// The publisher's namespace (its website), default `[manufacturer] website`.
    pub namespace: Option<String>,
    /// The document's release date (RFC 3339).
    pub now: String,
    /// The TLP label (WHITE by default; CSAF 2.0 knows WHITE, GREEN, AMBER, RED).
    pub tlp: String,
    /// The advisory this one updates (same tracking id): its initial release date and
    /// revision history are kept, its version raised by one.
    pub previous: Option<Value>,
    /// What changed, for the revision history of an update.
    pub revision: Option<String>,
}

/// Why an advisory cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum AdvisoryError {
    /// The vulnerability affects no release and none is fixed.
    #[error("{0} is not a finding of any release of the product (per this check), and no --fixed-in release was given")]
    NotFound(String),
    /// Something the document needs is not declared.
    #[error("{0}")]
    Missing(String),
}

fn product_id(model: &str, version: &str) -> String {
    format!("{model}-{version}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The advisory as a CSAF 2.0 document.
///
/// # Errors
/// The vulnerability is in no release and no fix is named, or the manufacturer's name or
/// namespace is missing.
pub fn security_advisory(
    product: &ProductDir,
    report: &CheckReport,
    input: &AdvisoryInput,
) -> Result<Value, AdvisoryError> {
    let m = &product.manifest;
    let manufacturer = m
        .manufacturer_name()
        .ok_or_else(|| AdvisoryError::Missing("craft.toml names no manufacturer".into()))?;
    let namespace = input
        .namespace
        .clone()
        .or_else(|| m.manufacturer.as_ref().and_then(|x| x.website.clone()))
        .filter(|n| n.starts_with("https://") || n.starts_with("http://"))
        .ok_or_else(|| {
            AdvisoryError::Missing(
                "the publisher's namespace: give --namespace URL or [manufacturer] website".into(),
            )
        })?;
    let model = m
        .product
        .model
        .clone()
        .unwrap_or_else(|| m.product.name.clone());
    let v = &input.vulnerability;
    let matches = |f: &craft_scan::Finding| {
        f.id.eq_ignore_ascii_case(v) || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(v))
    };
    let mut affected = Vec::new();
    let mut fixed = Vec::new();
    let mut not_affected = Vec::new();
    let mut investigating = Vec::new();
    let mut summary = None;
    let mut cve = None;
    let mut cvss3 = None;
    // (version, product id) of every release the advisory names.
    let mut names: Vec<(String, String)> = Vec::new();
    for r in &report.releases {
        let hits: Vec<_> = r.findings.iter().filter(|f| matches(&f.finding)).collect();
        if hits.is_empty() {
            continue;
        }
        let pid = product_id(&model, &r.version);
        names.push((r.version.clone(), pid.clone()));
        let f = &hits[0].finding;
        summary = summary.or_else(|| f.summary.clone());
        cve = cve.or_else(|| {
            std::iter::once(&f.id)
                .chain(&f.aliases)
                .find(|i| i.starts_with("CVE-"))
                .cloned()
        });
        cvss3 = cvss3.or_else(|| f.cvss3.clone());
        // The worst of the release's findings: affected, then undecided, then fixed, then
        // not affected.
        let status = hits
            .iter()
            .map(|h| match &h.triage {
                Some(d) if d.status == Status::NotAffected => 0,
                Some(d) if d.status == Status::Fixed => 1,
                Some(d) if d.status == Status::UnderInvestigation => 2,
                None if h.finding.status != craft_scan::FindingStatus::Affected => 2,
                _ => 3,
            })
            .max()
            .unwrap_or(3);
        match status {
            0 => not_affected.push(pid),
            1 => fixed.push(pid),
            2 => investigating.push(pid),
            _ => affected.push(pid),
        }
    }
    if let Some(fv) = &input.fixed_in {
        let pid = product_id(&model, fv);
        if affected.contains(&pid) || investigating.contains(&pid) {
            return Err(AdvisoryError::Missing(format!(
                "--fixed-in {fv}: the check finds {v} in release {fv} (affected or undecided), \
                 so it cannot be the fix"
            )));
        }
        if !fixed.contains(&pid) && !not_affected.contains(&pid) {
            names.push((fv.clone(), pid.clone()));
            fixed.push(pid);
        }
    }
    if affected.is_empty()
        && fixed.is_empty()
        && not_affected.is_empty()
        && investigating.is_empty()
    {
        return Err(AdvisoryError::NotFound(v.clone()));
    }
    let case = product.cases.iter().find(|c| {
        c.vulnerability_id
            .as_deref()
            .is_some_and(|id| id.eq_ignore_ascii_case(v))
    });
    let field = |k: &str| case.and_then(|c| c.fields.get(k)).cloned();
    let description = field("nature-of-vulnerability")
        .or(summary)
        .unwrap_or_else(|| format!("{v} affects {}.", m.product.name));
    let mut vuln = Map::new();
    if let Some(c) = &cve {
        vuln.insert("cve".into(), json!(c));
    }
    if !cve.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(v)) {
        vuln.insert("ids".into(), json!([{"system_name": "craft", "text": v}]));
    }
    vuln.insert(
        "notes".into(),
        json!([{"category": "description", "text": description, "title": "Vulnerability description"}]),
    );
    let mut status = Map::new();
    for (k, list) in [
        ("known_affected", &affected),
        ("fixed", &fixed),
        ("known_not_affected", &not_affected),
        ("under_investigation", &investigating),
    ] {
        if !list.is_empty() {
            status.insert(k.into(), json!(list));
        }
    }
    vuln.insert("product_status".into(), Value::Object(status));
    let mut remediations = Vec::new();
    if !affected.is_empty() {
        if let Some(fv) = &input.fixed_in {
            let mut r = json!({
                "category": "vendor_fix",
                "details": format!("Update to {} {fv}.", m.product.name),
                "product_ids": affected,
            });
            if let Some(u) = &input.fix_url {
                r["url"] = json!(u);
            }
            remediations.push(r);
        }
        if let Some(w) = field("user-measures") {
            remediations.push(json!({
                "category": "mitigation",
                "details": w,
                "product_ids": affected,
            }));
        }
        if remediations.is_empty() {
            remediations.push(json!({
                "category": "none_available",
                "details": "No fix is available yet; this advisory will be updated.",
                "product_ids": affected,
            }));
        }
        vuln.insert("remediations".into(), json!(remediations));
    }
    if let Some(c) = cvss3.filter(|c| c.vector.starts_with("CVSS:3.")) {
        let version = if c.vector.starts_with("CVSS:3.0") {
            "3.0"
        } else {
            "3.1"
        };
        let severity = match c.score {
            s if s <= 0.0 => "NONE",
            s if s < 4.0 => "LOW",
            s if s < 7.0 => "MEDIUM",
            s if s < 9.0 => "HIGH",
            _ => "CRITICAL",
        };
        let ids: Vec<&String> = affected.iter().collect();
        if !ids.is_empty() {
            vuln.insert(
                "scores".into(),
                json!([{"cvss_v3": {
                    "version": version,
                    "vectorString": c.vector,
                    "baseScore": c.score,
                    "baseSeverity": severity,
                }, "products": ids}]),
            );
        }
    }
    let title = format!("{} {}: {v}", manufacturer, m.product.name);
    // An update keeps the first release date and the history, and raises the version.
    let (initial, history, version) = match &input.previous {
        None => (
            input.now.clone(),
            vec![json!({"date": input.now, "number": "1", "summary": "Initial version."})],
            "1".to_string(),
        ),
        Some(prev) => {
            let pid = prev
                .pointer("/document/tracking/id")
                .and_then(Value::as_str);
            if pid != Some(input.id.as_str()) {
                return Err(AdvisoryError::Missing(format!(
                    "the previous advisory's tracking id is {pid:?}, not {}: an update keeps the id",
                    input.id
                )));
            }
            let number = prev
                .pointer("/document/tracking/version")
                .and_then(Value::as_str)
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or_else(|| {
                    AdvisoryError::Missing(
                        "the previous advisory's tracking version is not a whole number".into(),
                    )
                })?;
            let next = (number + 1).to_string();
            let mut history = prev
                .pointer("/document/tracking/revision_history")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            history.push(json!({
                "date": input.now,
                "number": next,
                "summary": input.revision.clone().unwrap_or_else(|| "Updated.".into()),
            }));
            let initial = prev
                .pointer("/document/tracking/initial_release_date")
                .and_then(Value::as_str)
                .unwrap_or(&input.now)
                .to_string();
            (initial, history, next)
        }
    };
    let doc = json!({
        "document": {
            "category": "csaf_security_advisory",
            "csaf_version": "2.0",
            "distribution": {"tlp": {"label": input.tlp.to_ascii_uppercase(), "url": "https://www.first.org/tlp/"}},
            "lang": "en",
            "notes": [{
                "category": "summary",
                "title": "Summary",
                "text": format!(
                    "{v} affects {}{}.",
                    m.product.name,
                    if affected.is_empty() { String::new() } else {
                        format!(" ({} release{})", affected.len(), if affected.len() == 1 { "" } else { "s" })
                    }
                ),
            }],
            "publisher": {"category": "vendor", "name": manufacturer, "namespace": namespace},
            "title": title,
            "tracking": {
                "current_release_date": input.now,
                "generator": {"engine": {"name": "craft", "version": env!("CARGO_PKG_VERSION")}},
                "id": input.id,
                "initial_release_date": initial,
                "revision_history": history,
                "status": "final",
                "version": version
            }
        },
        "product_tree": {
            "branches": [{
                "category": "vendor",
                "name": manufacturer,
                "branches": [{
                    "category": "product_name",
                    "name": m.product.name,
                    "branches": names.iter().map(|(version, pid)| json!({
                        "category": "product_version",
                        "name": version,
                        "product": {"name": format!("{} {version}", m.product.name), "product_id": pid},
                    })).collect::<Vec<_>>()
                }]
            }]
        },
        "vulnerabilities": [Value::Object(vuln)]
    });
    Ok(doc)
}
