//! Severity, exploitation signals and the priority of a finding.
//!
//! | priority | when |
//! |---|---|
//! | `P1` act now | listed in CISA KEV (exploited in the wild; Article 14 CRA reporting may apply) |
//! | `P2` high | CVSS ≥ 9.0, or CVSS ≥ 7.0 with EPSS ≥ 0.10 |
//! | `P3` medium | CVSS ≥ 7.0, or EPSS ≥ 0.10, or no CVSS score at all (unrated is not low) |
//! | `P4` low | the rest |
//!
//! An *unknown* finding (undecided match) takes the priority of the vulnerability, so an
//! exploited vulnerability that craft cannot decide for a component is still on top. CVSS
//! is the highest base score among the v4.0 and v3.x vectors by severity precedence, as the
//! `cvss` crate computes it from the vector.

use crate::FindingStatus;
use craft_vulndb::Brief;
use serde::Serialize;

/// A CVSS base score and its vector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cvss {
    /// Base score (computed from the vector).
    pub score: f64,
    /// The vector.
    pub vector: String,
    /// Who rated it.
    pub by: String,
}

/// A CISA KEV listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kev {
    /// Date added to the catalog.
    pub date_added: String,
    /// The remediation due date for US federal agencies.
    pub due_date: Option<String>,
    /// Known use in ransomware campaigns.
    pub ransomware: Option<String>,
}

/// An EPSS score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Epss {
    /// Probability of exploitation activity in the next 30 days.
    pub score: f64,
    /// Percentile among all scored CVEs.
    pub percentile: f64,
    /// The score's date.
    pub date: Option<String>,
}

/// What a finding carries about its vulnerability, taken once per vulnerability.
#[derive(Debug, Clone, Default)]
pub struct Enrichment {
    /// Whether the vulnerability is void (rejected or withdrawn by the `status` precedence).
    pub void: bool,
    /// Other ids.
    pub aliases: Vec<String>,
    /// One-line description.
    pub summary: Option<String>,
    /// Best CVSS v3.x.
    pub cvss3: Option<Cvss>,
    /// Best CVSS v4.0.
    pub cvss4: Option<Cvss>,
    /// CWE ids.
    pub cwes: Vec<String>,
    /// KEV.
    pub kev: Option<Kev>,
    /// EPSS.
    pub epss: Option<Epss>,
}

impl Enrichment {
    /// From the brief of a vulnerability.
    pub fn of(v: Option<&Brief>) -> Enrichment {
        let Some(v) = v else {
            return Enrichment::default();
        };
        let pick = |prefix: &str| {
            // Severities come in precedence order; the first scored one of the kind wins.
            v.severities
                .iter()
                .filter(|s| s.kind.starts_with(prefix))
                .find_map(|s| {
                    s.score.map(|score| Cvss {
                        score,
                        vector: s.vector.clone(),
                        by: s.by.clone(),
                    })
                })
        };
        Enrichment {
            void: v.status != craft_vulndb::Status::Published,
            aliases: v.aliases.clone(),
            summary: v.summary.as_deref().map(first_line),
            cvss3: pick("cvss3"),
            cvss4: pick("cvss4"),
            cwes: v.cwes.clone(),
            kev: v.kev.as_ref().map(|k| Kev {
                date_added: k.date_added.clone(),
                due_date: k.due_date.clone(),
                ransomware: k.ransomware.clone(),
            }),
            epss: v.epss.as_ref().map(|e| Epss {
                score: e.score,
                percentile: e.percentile,
                date: e.date.clone(),
            }),
        }
    }

    /// The highest CVSS base score (v4.0 or v3.x).
    pub fn score(&self) -> Option<f64> {
        [&self.cvss4, &self.cvss3]
            .into_iter()
            .flatten()
            .map(|c| c.score)
            .reduce(f64::max)
    }
}

fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() > 200 {
        let cut: String = line.chars().take(199).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}

/// A finding's priority: 1 (act now) to 4 (low), and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Priority {
    /// 1 to 4.
    pub rank: u8,
    /// `P1`…`P4`.
    pub label: &'static str,
    /// The reason, in words.
    pub why: String,
}

/// The priority of a finding.
pub fn priority(status: FindingStatus, e: &Enrichment) -> Priority {
    let epss = e.epss.as_ref().map(|x| x.score);
    let score = e.score();
    let signals = || {
        let mut s = Vec::new();
        match score {
            Some(v) => s.push(format!("CVSS {v:.1}")),
            None => s.push("no CVSS score".to_string()),
        }
        if let Some(p) = epss {
            s.push(format!("EPSS {p:.3}"));
        }
        s.join(", ")
    };
    let (rank, why) = if let Some(k) = &e.kev {
        (
            1,
            format!(
                "exploited in the wild: in CISA KEV since {} ({})",
                k.date_added,
                signals()
            ),
        )
    } else if score.is_some_and(|v| v >= 9.0) {
        (2, format!("critical severity ({})", signals()))
    } else if score.is_some_and(|v| v >= 7.0) && epss.is_some_and(|p| p >= 0.10) {
        (
            2,
            format!("high severity and likely exploitation ({})", signals()),
        )
    } else if score.is_some_and(|v| v >= 7.0) {
        (3, format!("high severity ({})", signals()))
    } else if epss.is_some_and(|p| p >= 0.10) {
        (3, format!("likely exploitation ({})", signals()))
    } else if score.is_none() {
        (3, format!("unrated: {}", signals()))
    } else {
        (4, signals())
    };
    let why = match status {
        FindingStatus::Affected => why,
        FindingStatus::Unknown => format!("{why}; the match itself is undecided"),
    };
    Priority {
        rank,
        label: ["P1", "P2", "P3", "P4"][usize::from(rank - 1)],
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(score: Option<f64>, epss: Option<f64>, kev: bool) -> Enrichment {
        Enrichment {
            cvss3: score.map(|s| Cvss {
                score: s,
                vector: String::new(),
                by: String::new(),
            }),
            epss: epss.map(|p| Epss {
                score: p,
                percentile: 0.5,
                date: None,
            }),
            kev: kev.then(|| Kev {
                date_added: "2024-01-02".into(),
                due_date: None,
                ransomware: None,
            }),
            ..Enrichment::default()
        }
    }

    #[test]
    fn kev_first_then_severity_and_likelihood() {
        let p = |x: Enrichment| priority(FindingStatus::Affected, &x).rank;
        assert_eq!(p(e(Some(5.0), None, true)), 1);
        assert_eq!(p(e(Some(9.8), None, false)), 2);
        assert_eq!(p(e(Some(7.5), Some(0.2), false)), 2);
        assert_eq!(p(e(Some(7.5), Some(0.01), false)), 3);
        assert_eq!(p(e(Some(4.0), Some(0.3), false)), 3);
        assert_eq!(p(e(None, None, false)), 3);
        assert_eq!(p(e(Some(4.0), None, false)), 4);
        let why = priority(FindingStatus::Unknown, &e(Some(9.1), None, false)).why;
        assert!(
            why.contains("CVSS 9.1") && why.contains("undecided"),
            "{why}"
        );
    }
}
