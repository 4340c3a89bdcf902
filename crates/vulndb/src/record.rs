//! What an importer produces: one advisory as one source stated it ([`Record`]), and the
//! enrichment rows of KEV and EPSS. The store keeps these as given; merging across sources
//! happens when a vulnerability is read ([`crate::view`]).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A feed craft imports. Each record is stored under its source, so that every field of a
/// merged vulnerability can name where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// OSV records (GHSA, GO, RUSTSEC, PYSEC, DSA, ALSA, …; the database is the record's
    /// `assigner`, taken from its id prefix).
    Osv,
    /// NVD CVE API 2.0 records.
    Nvd,
    /// The CNA container of a CVE List V5 record (assigner: the CNA's short name).
    Cve,
    /// An ADP container of a CVE List V5 record (assigner: the ADP, e.g. `CISA-ADP`).
    CveAdp,
    /// The Linux kernel CNA's own records (its `vulns` repository: per-branch ranges and
    /// the files each fix touches).
    KernelCna,
    /// The CISA Known Exploited Vulnerabilities catalog.
    Kev,
    /// FIRST EPSS scores.
    Epss,
}

impl Source {
    /// Every source, in the order reports list them.
    pub const ALL: [Source; 7] = [
        Source::Osv,
        Source::Nvd,
        Source::Cve,
        Source::CveAdp,
        Source::KernelCna,
        Source::Kev,
        Source::Epss,
    ];

    /// The stable name used in the database, in precedence lists and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Source::Osv => "osv",
            Source::Nvd => "nvd",
            Source::Cve => "cve",
            Source::CveAdp => "cve-adp",
            Source::KernelCna => "kernel-cna",
            Source::Kev => "kev",
            Source::Epss => "epss",
        }
    }

    /// The source named `name` (see [`Source::name`]).
    pub fn from_name(name: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a record is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Published and current.
    Published,
    /// Withdrawn by its source (OSV `withdrawn`).
    Withdrawn,
    /// Rejected (CVE state `REJECTED`, NVD `Rejected`, the kernel CNA's `rejected/` folder).
    Rejected,
}

impl Status {
    /// The stable name stored in the database.
    pub fn name(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Withdrawn => "withdrawn",
            Status::Rejected => "rejected",
        }
    }

    /// The status named `name`.
    pub fn from_name(name: &str) -> Option<Status> {
        [Status::Published, Status::Withdrawn, Status::Rejected]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// One advisory as one source stated it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The feed.
    pub source: Source,
    /// Who within the feed said it: the CNA or ADP short name, the OSV database (id
    /// prefix), the NVD `sourceIdentifier`. Empty when the record does not say.
    pub assigner: String,
    /// The record's own id (`CVE-2024-1234`, `GHSA-…`, `GO-2023-1234`).
    pub id: String,
    /// Other ids of the same vulnerability, as the record lists them.
    pub aliases: Vec<String>,
    /// When the source last changed the record (RFC 3339 as stated; compared as text after
    /// [`normalize_time`]).
    pub modified: Option<String>,
    /// When the source published it.
    pub published: Option<String>,
    /// Whether it is in force.
    pub status: Status,
    /// One-line summary or title.
    pub summary: Option<String>,
    /// Full description (English where the record has several languages).
    pub details: Option<String>,
    /// Severity ratings, each with who rated it.
    pub severities: Vec<Severity>,
    /// CWE ids (`CWE-79`).
    pub cwes: Vec<String>,
    /// Reference URLs.
    pub references: Vec<String>,
    /// What is affected, keyed for lookup, with the range in the source's own form.
    pub affected: Vec<Affected>,
    /// Other facts worth keeping for triage and reporting (SSVC decision points, a KEV flag
    /// stated by an ADP or by NVD).
    pub facts: Vec<Fact>,
    /// The record's JSON as the source published it (for CVE List V5 containers: the
    /// record's `cveMetadata` and this one container).
    pub body: Vec<u8>,
}

/// A severity rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Severity {
    /// Who rated it (`nvd@nist.gov`, `CISA-ADP`, the CNA, `GHSA`…).
    pub by: String,
    /// `cvss2`, `cvss3.0`, `cvss3.1`, `cvss4.0`, or `text` (a qualitative rating).
    pub kind: String,
    /// The CVSS vector, or the text rating.
    pub vector: String,
    /// The base score the source stated, if it stated one.
    pub stated_score: Option<f64>,
    /// The base score computed from the vector (the `cvss` crate); `None` for text ratings
    /// and unreadable vectors.
    pub score: Option<f64>,
}

/// One affected package or product.
#[derive(Debug, Clone, PartialEq)]
pub struct Affected {
    /// The lookup key the matcher uses (see [`crate::key`]).
    pub key: String,
    /// The ecosystem as the source named it (`Debian:12`, `crates.io`, `cpe`, `cve5`).
    pub ecosystem: String,
    /// The form of `range`: `osv` (an OSV `affected[]` entry), `cve5` (a CVE 5 `affected[]`
    /// entry), `nvd` (an NVD configuration object).
    pub form: &'static str,
    /// The range, JSON, exactly as the source stated it.
    pub range: Vec<u8>,
}

/// A fact about a vulnerability other than severity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// `ssvc`, `kev`.
    pub kind: String,
    /// The fact as JSON.
    pub value: serde_json::Value,
}

/// An entry of the CISA KEV catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KevEntry {
    /// The CVE.
    pub cve: String,
    /// When CISA added it (`YYYY-MM-DD`).
    pub date_added: String,
    /// When US federal agencies must have remediated it.
    pub due_date: Option<String>,
    /// `Known` or `Unknown`.
    pub ransomware: Option<String>,
    /// Vendor or project.
    pub vendor: Option<String>,
    /// Product.
    pub product: Option<String>,
    /// CISA's name for it.
    pub name: Option<String>,
    /// The action CISA requires.
    pub action: Option<String>,
    /// The catalog version it came from.
    pub catalog: Option<String>,
}

/// An EPSS score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpssEntry {
    /// The CVE.
    pub cve: String,
    /// Probability of exploitation activity in the next 30 days.
    pub score: f64,
    /// Percentile among all scored CVEs.
    pub percentile: f64,
    /// The date of the scores, when the file states it.
    pub date: Option<String>,
}

/// What an importer yields.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// An advisory.
    Record(Box<Record>),
    /// A KEV catalog entry.
    Kev(KevEntry),
    /// An EPSS score.
    Epss(EpssEntry),
}

/// Normalise a timestamp for ordering: RFC 3339 text with `Z` for UTC, seconds and
/// fractions kept. NVD states times without a zone (`2021-02-24T12:15:16.283`, UTC by its
/// documentation); a `Z` is added. A date alone gains `T00:00:00Z`.
pub fn normalize_time(t: &str) -> String {
    let t = t.trim();
    if t.len() == 10 && t.as_bytes().get(4) == Some(&b'-') {
        return format!("{t}T00:00:00Z");
    }
    if let Some(rest) = t.strip_suffix("+00:00") {
        return format!("{rest}Z");
    }
    let has_zone = t.ends_with('Z')
        || t.ends_with('z')
        || t.get(19..).is_some_and(|tail| tail.contains(['+', '-']));
    if has_zone {
        t.replace('z', "Z")
    } else {
        format!("{t}Z")
    }
}

/// Rate a CVSS vector: `(kind, computed base score)`. A vector without a `CVSS:` prefix is
/// read as CVSS 2.0. `None` when it cannot be read.
pub fn cvss_score(vector: &str) -> Option<(&'static str, f64)> {
    let parsed: cvss::Cvss = vector.trim().parse().ok()?;
    let kind = match parsed {
        cvss::Cvss::CvssV20(_) => "cvss2",
        cvss::Cvss::CvssV30(_) => "cvss3.0",
        cvss::Cvss::CvssV31(_) => "cvss3.1",
        cvss::Cvss::CvssV40(_) => "cvss4.0",
        _ => return None,
    };
    Some((kind, parsed.score()))
}

/// The id of a CVE in canonical form (`CVE-YYYY-NNNN…`, upper case), when `s` is one.
pub fn cve_id(s: &str) -> Option<String> {
    let s = s.trim();
    let up = s.to_ascii_uppercase();
    let rest = up.strip_prefix("CVE-")?;
    let (year, num) = rest.split_once('-')?;
    (year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && num.len() >= 4
        && num.len() <= 19
        && num.bytes().all(|b| b.is_ascii_digit()))
    .then_some(up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_normalise_to_utc_text() {
        assert_eq!(
            normalize_time("2021-02-24T12:15:16.283"),
            "2021-02-24T12:15:16.283Z"
        );
        assert_eq!(
            normalize_time("2024-01-01T00:00:00Z"),
            "2024-01-01T00:00:00Z"
        );
        assert_eq!(
            normalize_time("2024-01-01T00:00:00+00:00"),
            "2024-01-01T00:00:00Z"
        );
        assert_eq!(normalize_time("2025-08-25"), "2025-08-25T00:00:00Z");
        assert_eq!(
            normalize_time("2024-01-01T00:00:00-05:00"),
            "2024-01-01T00:00:00-05:00"
        );
    }

    #[test]
    fn cvss_vectors_are_scored_by_version() {
        assert_eq!(
            cvss_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Some(("cvss3.1", 9.8))
        );
        assert_eq!(
            cvss_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            Some(("cvss2", 7.5))
        );
        let (kind, score) =
            cvss_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").unwrap();
        assert_eq!((kind, score), ("cvss4.0", 9.3));
        assert_eq!(cvss_score("HIGH"), None);
    }

    #[test]
    fn cve_ids_are_recognised() {
        assert_eq!(cve_id("cve-2021-44228").as_deref(), Some("CVE-2021-44228"));
        assert_eq!(cve_id("CVE-2021-123"), None);
        assert_eq!(cve_id("GHSA-jfh8-c2jp-5v3q"), None);
    }
}
