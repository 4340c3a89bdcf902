//! SARIF 2.1.0 (OASIS) output, for code-scanning dashboards: one rule per vulnerability, one
//! result per finding, located in the SBOM file (physical location) and at the component
//! (logical location, with its purl or CPE). Severity follows the finding's priority
//! (`error` P1–P2, `warning` P3, `note` P4 and undecided findings); the rule carries the
//! CVSS score as `security-severity`, as GitHub code scanning reads it.

use crate::{Finding, FindingStatus, ScanReport};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The SARIF log of scans (`(the SBOM's path as given, its report)`).
pub fn sarif(scans: &[(&str, &ScanReport)]) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut results: Vec<Value> = Vec::new();
    for (sbom, report) in scans {
        for f in &report.findings {
            let rule = *index.entry(f.id.as_str()).or_insert_with(|| {
                rules.push(rule_of(f));
                rules.len() - 1
            });
            results.push(result_of(sbom, f, rule));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "craft",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/craft",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

fn rule_of(f: &Finding) -> Value {
    let text = f.summary.clone().unwrap_or_else(|| f.id.clone());
    let mut tags = vec!["security".to_string(), "vulnerability".to_string()];
    tags.extend(f.cwes.iter().cloned());
    let help = if f.id.starts_with("CVE-") {
        format!("https://www.cve.org/CVERecord?id={}", f.id)
    } else {
        format!("https://osv.dev/vulnerability/{}", f.id)
    };
    let mut properties = json!({"tags": tags, "aliases": f.aliases});
    if let Some(s) = f.cvss_score() {
        properties["security-severity"] = json!(format!("{s:.1}"));
    }
    if let Some(k) = &f.kev {
        properties["kev"] = json!({"dateAdded": k.date_added, "dueDate": k.due_date});
    }
    json!({
        "id": f.id,
        "name": f.id,
        "shortDescription": {"text": text},
        "helpUri": help,
        "properties": properties,
    })
}

fn result_of(sbom: &str, f: &Finding, rule: usize) -> Value {
    let level = match (f.status, f.priority.rank) {
        (FindingStatus::Unknown, _) => "note",
        (_, 1 | 2) => "error",
        (_, 3) => "warning",
        _ => "note",
    };
    let version = f
        .component_version
        .as_deref()
        .unwrap_or(&f.identity.version);
    let mut text = match f.status {
        FindingStatus::Affected => format!(
            "{} {version} is affected by {} ({} {}: {}).",
            f.component_name, f.id, f.decided_by.source, f.decided_by.id, f.range
        ),
        FindingStatus::Unknown => format!(
            "Undecided whether {} {version} is affected by {}: {}.",
            f.component_name,
            f.id,
            f.reason.as_deref().unwrap_or("no reason recorded")
        ),
    };
    if !f.fixed.is_empty() {
        text.push_str(&format!(" Fixed in {}.", f.fixed.join(", ")));
    }
    text.push_str(&format!(
        " Priority {}: {}.",
        f.priority.label, f.priority.why
    ));
    json!({
        "ruleId": f.id,
        "ruleIndex": rule,
        "level": level,
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": sbom}},
            "logicalLocations": [{
                "name": f.component_name,
                "fullyQualifiedName": f.component,
                "kind": "module",
            }],
        }],
        "partialFingerprints": {"craftFinding/v1": format!("{}|{}", f.component, f.id)},
        "properties": {
            "status": f.status,
            "priority": f.priority.label,
            "identity": f.identity.key,
            "versionJudged": f.identity.version,
            "decidedBy": f.decided_by,
            "fixed": f.fixed,
        },
    })
}
