//! The product's risk assessment: `threat-model.toml` beside `craft.toml`, rated with the
//! bundled ISO/SAE 21434 tables or the product's own (`[settings] tables`), and linked to
//! the findings of the product's supported releases.

use crate::check::ReleaseReport;
use crate::manifest::{read_small, ProductDir};
use crate::Error;
use craft_cra::risk::{self, Tables};
use craft_cra::threat::model::{self, Model, ModelError, ModelErrors};
use craft_cra::threat::{self, Assessment, Candidate, Level, VulnFinding};
use craft_cra::Date;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The model file, beside `craft.toml`.
pub const THREAT_FILE: &str = "threat-model.toml";

/// A product's threat model as read: the tables it is rated with, and the model or every
/// problem it has.
#[derive(Debug, Clone)]
pub struct ThreatModel {
    /// The file.
    pub file: PathBuf,
    /// The rating tables (bundled, or the product's own).
    pub tables: Tables,
    /// The checked model, or its problems.
    pub model: Result<Model, ModelErrors>,
}

/// Read `dir/threat-model.toml` when it exists. A model with errors is returned with them
/// (`craft check` reports them as a gap, `craft risk check` lists them); a product's own
/// tables that cannot be read are an error.
///
/// # Errors
/// The file, or the tables it names, cannot be read, or the tables are inconsistent.
pub fn read(dir: &Path) -> Result<Option<ThreatModel>, Error> {
    let file = dir.join(THREAT_FILE);
    let Some(text) = read_small(&file, THREAT_FILE)? else {
        return Ok(None);
    };
    let tables = match model::tables_setting(&text) {
        None => risk::bundled().clone(),
        Some(p) => {
            // Inside the product directory, a regular file, not through a link: the tables
            // are part of the reviewed repository (and a path elsewhere must not make craft
            // echo a foreign file in its errors).
            let Some(path) = crate::manifest::confined(dir, &p) else {
                return Err(Error::Invalid {
                    file: file.clone(),
                    line: None,
                    message: format!(
                        "[settings] tables: `{p}` does not exist, or is not a regular file \
                         inside the product directory (relative, no `..`, no symbolic link)"
                    ),
                });
            };
            let Some(t) = read_small(&path, "risk tables file")? else {
                return Err(Error::Invalid {
                    file: file.clone(),
                    line: None,
                    message: format!("[settings] tables: `{}` does not exist", path.display()),
                });
            };
            Tables::parse(&t).map_err(|e| Error::Invalid {
                file: path.clone(),
                line: None,
                message: e.to_string(),
            })?
        }
    };
    let name = file.display().to_string();
    let model = model::parse(&name, &text, &tables);
    Ok(Some(ThreatModel {
        file,
        tables,
        model,
    }))
}

/// The findings of the supported releases that still affect the product (not dismissed by
/// triage, except by the threat model itself), once per vulnerability and component: what
/// can raise an attack path.
pub fn live_findings(releases: &[ReleaseReport]) -> Vec<VulnFinding> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in releases.iter().filter(|r| r.supported) {
        for rf in &r.findings {
            let f = &rf.finding;
            // The model's own dismissals stay: they are the findings of unreachable
            // components, which the assessment lists with their reason.
            let by_model = rf
                .triage
                .as_ref()
                .is_some_and(|d| d.layer == craft_triage::Layer::ThreatModel);
            if (rf.dismissed() && !by_model) || f.status != craft_scan::FindingStatus::Affected {
                continue;
            }
            if !seen.insert((f.id.clone(), f.component_name.clone())) {
                continue;
            }
            out.push(VulnFinding {
                id: f.id.clone(),
                component: f.component_name.clone(),
                ids: rf.ids.clone(),
                known_exploited: f.kev.is_some(),
                score: f.cvss_score(),
            });
        }
    }
    out
}

/// The risk assessment as `craft check` reports it.
#[derive(Debug, Clone, Serialize)]
pub struct RiskReport {
    /// The model file.
    pub file: String,
    /// The model's problems (nothing is assessed while there are any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ModelError>,
    /// The counts, when the model is valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<threat::Summary>,
    /// Candidate threats not suppressed, errors first (path statuses included).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open: Vec<Candidate>,
    /// Whether `craft risk check` would fail.
    pub failed: bool,
    /// Countermeasures a live finding voids (a component enforcing them is affected).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub voided: Vec<String>,
}

/// Assess the product's model against the live findings of `releases`.
pub fn assess(tm: &ThreatModel, releases: &[ReleaseReport], today: Date) -> Option<Assessment> {
    let m = tm.model.as_ref().ok()?;
    Some(threat::assess(
        m,
        &tm.tables,
        &live_findings(releases),
        today,
    ))
}

/// The report of [`assess`] for `craft check`.
pub fn report(tm: &ThreatModel, releases: &[ReleaseReport], today: Date) -> RiskReport {
    let file = tm.file.display().to_string();
    match (&tm.model, assess(tm, releases, today)) {
        (Err(e), _) => RiskReport {
            file,
            errors: e.0.clone(),
            summary: None,
            open: Vec::new(),
            failed: true,
            voided: Vec::new(),
        },
        (Ok(_), Some(a)) => RiskReport {
            file,
            errors: Vec::new(),
            failed: a.failed(),
            voided: a.voided.clone(),
            open: a
                .candidates
                .iter()
                .filter(|c| c.suppressed.is_none())
                .cloned()
                .collect(),
            summary: Some(a.summary),
        },
        (Ok(_), None) => unreachable!("a valid model is always assessed"),
    }
}

/// Whether the product has a model, and it is valid: what `craft:risk-assessment` checks,
/// with what it found.
pub fn verdict(product: &ProductDir, report: Option<&RiskReport>) -> (bool, String) {
    match (&product.threat, report) {
        (None, _) => (false, format!("no {THREAT_FILE}")),
        (Some(tm), _) if tm.model.is_err() => (
            false,
            format!(
                "{THREAT_FILE} has {} errors",
                tm.model.as_ref().err().map_or(0, |e| e.0.len())
            ),
        ),
        (Some(_), Some(r)) => {
            let s = r.summary.as_ref();
            let errors = r.open.iter().filter(|c| c.level == Level::Error).count();
            (
                !r.failed,
                format!(
                    "{THREAT_FILE}: {} attack paths, {} above the threshold after \
                     countermeasures{}",
                    s.map_or(0, |s| s.paths),
                    s.map_or(0, |s| s.above_residual),
                    if errors == 0 {
                        ", nothing open".to_string()
                    } else {
                        format!(", {errors} open errors (`craft risk check`)")
                    }
                ),
            )
        }
        (Some(_), None) => (true, format!("{THREAT_FILE} present")),
    }
}
