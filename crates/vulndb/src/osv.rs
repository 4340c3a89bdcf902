//! OSV records (<https://ossf.github.io/osv-schema/>), JSON or the YAML form some
//! databases keep them in (PyPA). Every ecosystem is read; the lookup key of each
//! `affected[]` entry comes from its `package` ([`crate::key::of_osv_package`]) and the
//! entry itself is kept, unmodified, as the range the matcher evaluates.

use crate::parse::{clip, cvss_rating, cwe_id, items, reference_urls, str_at, strings_at, Problem};
use crate::record::{normalize_time, Affected, Record, Severity, Source, Status};
use serde_json::Value;

/// Whether `v` looks like an OSV record (an `id` and one of the fields only OSV has).
pub fn is_osv(v: &Value) -> bool {
    let Some(o) = v.as_object() else {
        return false;
    };
    o.get("id").is_some_and(Value::is_string)
        && !o.contains_key("cveMetadata")
        && (o.contains_key("modified")
            || o.contains_key("affected")
            || o.contains_key("schema_version"))
}

/// The database an OSV id belongs to: its prefix (`GHSA`, `GO`, `RUSTSEC`, `PYSEC`,
/// `DSA`…).
pub fn database_of(id: &str) -> &str {
    id.split_once('-').map_or(id, |(p, _)| p)
}

/// Read one OSV record. `body` is the record's bytes as published (kept for provenance).
pub fn read(v: &Value, body: &[u8], problems: &mut Vec<Problem>) -> Result<Record, Problem> {
    let id = str_at(v, "id")
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| Problem::skip("missing-id", "the record has no `id`"))?
        .trim()
        .to_string();
    if id.len() > 256 {
        return Err(Problem::skip(
            "invalid-id",
            "the `id` is longer than 256 bytes",
        ));
    }
    let mut aliases = strings_at(v, "aliases", problems);
    aliases.retain(|a| a != &id);
    let status = if v.get("withdrawn").is_some_and(|w| !w.is_null()) {
        Status::Withdrawn
    } else {
        Status::Published
    };
    let mut severities = Vec::new();
    let mut read_severity = |list: Option<&Value>, problems: &mut Vec<Problem>| {
        for s in list.and_then(Value::as_array).into_iter().flatten() {
            let (Some(ty), Some(score)) = (str_at(s, "type"), str_at(s, "score")) else {
                problems.push(Problem::note(
                    "severity-unreadable",
                    "a severity without type or score",
                ));
                continue;
            };
            let by = database_of(&id);
            if ty.starts_with("CVSS") {
                severities.extend(cvss_rating(by, None, Some(score), None, ty, problems));
            } else {
                // Ubuntu's and other qualitative ratings.
                severities.push(Severity {
                    by: by.to_string(),
                    kind: ty.to_ascii_lowercase(),
                    vector: score.to_string(),
                    stated_score: None,
                    score: None,
                });
            }
        }
    };
    read_severity(v.get("severity"), problems);
    let mut affected = Vec::new();
    for a in items(v, "affected") {
        read_severity(a.get("severity"), problems);
        let pkg = a.get("package");
        let ecosystem = pkg.and_then(|p| str_at(p, "ecosystem")).unwrap_or("");
        let name = pkg.and_then(|p| str_at(p, "name")).unwrap_or("");
        let purl = pkg.and_then(|p| str_at(p, "purl"));
        if name.is_empty() && purl.is_none() {
            problems.push(Problem::note(
                "affected-without-package",
                "an `affected[]` entry names no package (kept out of the index)",
            ));
            continue;
        }
        affected.push(Affected {
            key: crate::key::of_osv_package(ecosystem, name, purl),
            ecosystem: ecosystem.to_string(),
            form: "osv",
            range: serde_json::to_vec(a).unwrap_or_default(),
        });
    }
    if let Some(text) = v
        .get("database_specific")
        .and_then(|d| d.get("severity"))
        .and_then(Value::as_str)
    {
        severities.push(Severity {
            by: database_of(&id).to_string(),
            kind: "text".to_string(),
            vector: text.to_string(),
            stated_score: None,
            score: None,
        });
    }
    let mut cwes: Vec<String> = v
        .get("database_specific")
        .and_then(|d| d.get("cwe_ids"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(cwe_id)
        .collect();
    cwes.sort();
    cwes.dedup();
    let references = reference_urls(v, problems);
    Ok(Record {
        source: Source::Osv,
        assigner: database_of(&id).to_string(),
        aliases,
        modified: str_at(v, "modified").map(normalize_time),
        published: str_at(v, "published").map(normalize_time),
        status,
        summary: str_at(v, "summary").map(|s| clip(s, 4096, "summary", problems)),
        details: str_at(v, "details").map(|s| clip(s, 1 << 20, "details", problems)),
        severities,
        cwes,
        references,
        affected,
        facts: Vec::new(),
        body: body.to_vec(),
        id,
    })
}
