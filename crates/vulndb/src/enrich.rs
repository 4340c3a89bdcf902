//! Enrichment feeds: the CISA KEV catalog (JSON) and EPSS scores (CSV).
//!
//! EPSS comes in two layouts: FIRST's daily file (`#model_version:…,score_date:…` comment,
//! then `cve,epss,percentile`) and the semicolon-separated per-year files some mirrors keep
//! (`CVE-2021-1234;0.00120;0.02168`, no header). Both are read line by line.

use crate::parse::{str_at, Problem};
use crate::record::{cve_id, EpssEntry, KevEntry};
use serde_json::Value;

/// Whether `v` is a KEV catalog entry.
pub fn is_kev_entry(v: &Value) -> bool {
    v.get("cveID").is_some_and(Value::is_string) && v.get("dateAdded").is_some()
}

/// Read one KEV catalog entry; `catalog` is the catalog's `catalogVersion`.
pub fn read_kev(v: &Value, catalog: Option<&str>) -> Result<KevEntry, Problem> {
    let cve = str_at(v, "cveID")
        .and_then(cve_id)
        .ok_or_else(|| Problem::skip("missing-id", "a KEV entry without a CVE id"))?;
    let date_added = str_at(v, "dateAdded")
        .filter(|d| is_date(d))
        .ok_or_else(|| Problem::skip("wrong-type", format!("{cve}: `dateAdded` is not a date")))?
        .to_string();
    let s = |k: &str| str_at(v, k).map(str::to_string);
    Ok(KevEntry {
        cve,
        date_added,
        due_date: s("dueDate").filter(|d| is_date(d)),
        ransomware: s("knownRansomwareCampaignUse"),
        vendor: s("vendorProject"),
        product: s("product"),
        name: s("vulnerabilityName"),
        action: s("requiredAction"),
        catalog: catalog.map(str::to_string),
    })
}

fn is_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Whether `head` (the first bytes of a file) is an EPSS CSV.
pub fn is_epss(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(256)]);
    let first = text.lines().next().unwrap_or("").trim();
    if first.starts_with("#model_version") || first.eq_ignore_ascii_case("cve,epss,percentile") {
        return true;
    }
    let mut parts = first.split([';', ',']);
    matches!(
        (parts.next().and_then(cve_id), parts.next(), parts.next(), parts.next()),
        (Some(_), Some(a), Some(b), None) if a.parse::<f64>().is_ok() && b.parse::<f64>().is_ok()
    )
}

/// Reads EPSS lines one at a time.
#[derive(Debug, Default)]
pub struct EpssReader {
    date: Option<String>,
}

impl EpssReader {
    /// Read one line: `Ok(None)` for comments and the header.
    pub fn line(&mut self, line: &str) -> Result<Option<EpssEntry>, Problem> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(None);
        }
        if let Some(comment) = line.strip_prefix('#') {
            for kv in comment.split(',') {
                if let Some(d) = kv.trim().strip_prefix("score_date:") {
                    self.date = Some(d.get(..10).unwrap_or(d).to_string());
                }
            }
            return Ok(None);
        }
        if line.to_ascii_lowercase().starts_with("cve,") {
            return Ok(None);
        }
        let mut parts = line.split([';', ',']);
        let bad = || {
            Problem::skip(
                "epss-line-unreadable",
                format!("`{}`", crate::parse::limit_text(line, 80)),
            )
        };
        let cve = parts.next().and_then(cve_id).ok_or_else(bad)?;
        let score: f64 = parts
            .next()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(bad)?;
        let percentile: f64 = parts
            .next()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(bad)?;
        if !(0.0..=1.0).contains(&score) || !(0.0..=1.0).contains(&percentile) {
            return Err(Problem::skip(
                "epss-out-of-range",
                format!("{cve}: score or percentile outside [0, 1]"),
            ));
        }
        Ok(Some(EpssEntry {
            cve,
            score,
            percentile,
            date: self.date.clone(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_epss_layouts_are_read() {
        assert!(is_epss(b"#model_version:v2023.03.01,score_date:2024-01-02T00:00:00+0000\ncve,epss,percentile\n"));
        assert!(is_epss(b"CVE-2021-47987;0.001200000;0.021680000\n"));
        assert!(!is_epss(b"id,name\n"));
        let mut r = EpssReader::default();
        assert_eq!(
            r.line("#model_version:v2023.03.01,score_date:2024-01-02T00:00:00+0000"),
            Ok(None)
        );
        assert_eq!(r.line("cve,epss,percentile"), Ok(None));
        let e = r.line("CVE-2024-0001,0.5,0.9").unwrap().unwrap();
        assert_eq!(
            (e.score, e.percentile, e.date.as_deref()),
            (0.5, 0.9, Some("2024-01-02"))
        );
        assert!(r.line("CVE-2024-0001,2,0.9").is_err());
        assert!(r.line("garbage").is_err());
    }
}
