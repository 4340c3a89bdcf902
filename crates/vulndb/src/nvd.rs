//! NVD CVE API 2.0 records: the `cve` objects of an API page or a 2.0 feed file
//! (`{"format":"NVD_CVE","vulnerabilities":[{"cve":{…}}]}`), a single `{"cve":{…}}` item,
//! or a bare `cve` object (one file per CVE, as mirrors keep them).
//!
//! Every CVSS metric is kept with its `source` (NVD's own and the CNA's), every CWE, every
//! reference; each configuration is indexed under the vendor and product of each of its
//! vulnerable `cpeMatch` criteria and stored intact, for the matcher to evaluate with its
//! running-on (AND) nodes.

use crate::parse::{
    clip, cpe_matches, cvss_rating, cwe_id, english, items, reference_urls, str_at, Problem,
};
use crate::record::{normalize_time, Affected, Fact, Record, Source, Status};
use serde_json::{json, Value};

/// Whether `v` is a bare NVD `cve` object.
pub fn is_nvd_cve(v: &Value) -> bool {
    str_at(v, "id").is_some_and(|id| id.starts_with("CVE-"))
        && (v.get("sourceIdentifier").is_some()
            || v.get("vulnStatus").is_some()
            || v.get("lastModified").is_some())
}

/// Whether `v` is an API item `{"cve": {…}}`.
pub fn is_nvd_item(v: &Value) -> bool {
    v.get("cve").is_some_and(is_nvd_cve)
}

/// Read one `cve` object.
pub fn read(cve: &Value, problems: &mut Vec<Problem>) -> Result<Record, Problem> {
    let id = str_at(cve, "id")
        .and_then(crate::record::cve_id)
        .ok_or_else(|| Problem::skip("missing-id", "the `cve` object has no CVE `id`"))?;
    let status = match str_at(cve, "vulnStatus") {
        Some(s) if s.eq_ignore_ascii_case("Rejected") => Status::Rejected,
        _ => Status::Published,
    };
    let mut severities = Vec::new();
    if let Some(metrics) = cve.get("metrics").and_then(Value::as_object) {
        for (k, list) in metrics {
            let kind = match k.as_str() {
                "cvssMetricV2" => "cvss2",
                "cvssMetricV30" => "cvss3.0",
                "cvssMetricV31" => "cvss3.1",
                "cvssMetricV40" => "cvss4.0",
                _ => continue,
            };
            for m in list.as_array().into_iter().flatten() {
                let data = m.get("cvssData");
                severities.extend(cvss_rating(
                    str_at(m, "source").unwrap_or("nvd@nist.gov"),
                    Some(kind),
                    data.and_then(|d| str_at(d, "vectorString")),
                    data.and_then(|d| d.get("baseScore"))
                        .and_then(Value::as_f64),
                    k,
                    problems,
                ));
            }
        }
    }
    let mut cwes: Vec<String> = items(cve, "weaknesses")
        .flat_map(|w| items(w, "description"))
        .filter_map(|d| str_at(d, "value").and_then(cwe_id))
        .collect();
    cwes.sort();
    cwes.dedup();
    let mut affected = Vec::new();
    if let Some(configs) = cve.get("configurations") {
        if let Err(e) = craft_version::nvd::configurations(configs) {
            problems.push(Problem::note("configuration-unreadable", e.to_string()));
        }
        for config in configs.as_array().into_iter().flatten() {
            let mut keys = Vec::new();
            for m in cpe_matches(config) {
                if m.get("vulnerable").and_then(Value::as_bool) != Some(true) {
                    continue;
                }
                match str_at(m, "criteria").map(craft_version::cpe::Wfn::parse) {
                    Some(Ok(w)) => keys.extend(crate::key::of_cpe(&w)),
                    _ => problems.push(Problem::note(
                        "cpe-unreadable",
                        "a `cpeMatch.criteria` is not a CPE 2.3 name",
                    )),
                }
            }
            keys.sort();
            keys.dedup();
            let range = serde_json::to_vec(config).unwrap_or_default();
            for key in keys {
                affected.push(Affected {
                    key,
                    ecosystem: "cpe".to_string(),
                    form: "nvd",
                    range: range.clone(),
                });
            }
        }
    }
    let mut facts = Vec::new();
    if let Some(added) = str_at(cve, "cisaExploitAdd") {
        facts.push(Fact {
            kind: "kev".to_string(),
            value: json!({
                "dateAdded": added,
                "dueDate": str_at(cve, "cisaActionDue"),
                "requiredAction": str_at(cve, "cisaRequiredAction"),
                "vulnerabilityName": str_at(cve, "cisaVulnerabilityName"),
            }),
        });
    }
    let references = reference_urls(cve, problems);
    let details =
        english(cve.get("descriptions")).map(|s| clip(s, 1 << 20, "descriptions", problems));
    Ok(Record {
        source: Source::Nvd,
        assigner: str_at(cve, "sourceIdentifier").unwrap_or("").to_string(),
        id,
        aliases: Vec::new(),
        modified: str_at(cve, "lastModified").map(normalize_time),
        published: str_at(cve, "published").map(normalize_time),
        status,
        summary: None,
        details,
        severities,
        cwes,
        references,
        affected,
        facts,
        body: serde_json::to_vec(cve).unwrap_or_default(),
    })
}
