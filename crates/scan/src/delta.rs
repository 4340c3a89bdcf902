//! Incremental results: what is new, fixed or changed since a previous scan's JSON report.
//!
//! Findings are matched by component name and vulnerability id (a release that moves
//! openssl from 3.0.13 to 3.0.14 keeps the finding's identity), so that a new release of the
//! same product compares with the previous one. *New*: affected or undecided now, absent
//! before. *Fixed*: present before, absent now (fixed, cleared, or the component removed).
//! *Changed*: present in both with a different status, priority or component version.

use crate::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A finding as a previous report states it (the fields the comparison needs; the rest of
/// the report is ignored, so reports of other craft versions are read too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Previous {
    /// Vulnerability id.
    pub id: String,
    /// Component name.
    pub component_name: String,
    /// Component version.
    #[serde(default)]
    pub component_version: Option<String>,
    /// `affected` or `unknown`.
    pub status: String,
    /// Priority label.
    #[serde(default, deserialize_with = "label")]
    pub priority: String,
}

fn label<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    struct P {
        label: String,
    }
    Ok(P::deserialize(d)?.label)
}

/// One finding that changed, before and after.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// As the previous report stated it.
    pub before: Previous,
    /// As it is now.
    pub after: Finding,
}

/// What changed since the previous report.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Delta {
    /// Findings absent before.
    pub new: Vec<Finding>,
    /// Findings present before and gone now.
    pub fixed: Vec<Previous>,
    /// Findings whose status, priority or component version changed.
    pub changed: Vec<Change>,
    /// Findings present before and now, the same.
    pub unchanged: usize,
}

/// Compare a scan with the findings of a previous report of the same SBOM (or product).
/// A finding is paired first with the previous one of the same component name, version and
/// vulnerability, then with one of the same name and vulnerability (the component's version
/// changed), each previous finding used once.
pub fn delta(previous: &[Previous], now: &[Finding]) -> Delta {
    let mut before: BTreeMap<(&str, &str), Vec<&Previous>> = BTreeMap::new();
    for p in previous {
        before
            .entry((p.component_name.as_str(), p.id.as_str()))
            .or_default()
            .push(p);
    }
    let mut out = Delta::default();
    let mut pending: Vec<&Finding> = Vec::new();
    // Exact pairs first, so that a version change is not taken for another copy's match.
    for f in now {
        let group = before
            .get_mut(&(f.component_name.as_str(), f.id.as_str()))
            .filter(|g| !g.is_empty());
        match group.and_then(|g| {
            g.iter()
                .position(|p| p.component_version == f.component_version)
                .map(|i| g.remove(i))
        }) {
            Some(p) => compare(p, f, &mut out),
            None => pending.push(f),
        }
    }
    for f in pending {
        match before
            .get_mut(&(f.component_name.as_str(), f.id.as_str()))
            .and_then(|g| (!g.is_empty()).then(|| g.remove(0)))
        {
            Some(p) => compare(p, f, &mut out),
            None => out.new.push(f.clone()),
        }
    }
    out.fixed = before.into_values().flatten().cloned().collect();
    out
}

fn compare(p: &Previous, f: &Finding, out: &mut Delta) {
    if p.status != f.status.name()
        || p.priority != f.priority.label
        || p.component_version != f.component_version
    {
        out.changed.push(Change {
            before: p.clone(),
            after: f.clone(),
        });
    } else {
        out.unchanged += 1;
    }
}

/// The findings of a previous `craft --format json scan` report: its one SBOM's findings,
/// or those of the SBOM named `sbom` when it holds several.
pub fn previous_findings(report: &serde_json::Value, sbom: &str) -> Result<Vec<Previous>, String> {
    let scans = report
        .as_array()
        .ok_or("not a craft scan report: expected a JSON array of SBOM results")?;
    let pick = if scans.len() == 1 {
        scans.first()
    } else {
        scans.iter().find(|s| s["sbom"] == sbom)
    };
    let Some(scan) = pick else {
        return Err(format!("the previous report has no result for `{sbom}`"));
    };
    let findings = scan
        .get("findings")
        .cloned()
        .ok_or("the previous result has no `findings` (an unreadable SBOM?)")?;
    serde_json::from_value(findings).map_err(|e| format!("unreadable findings: {e}"))
}
