//! Helpers every importer shares: lenient field access, bounded text, and [`Problem`], the
//! explained reason a record was skipped or a field was left out.

use serde_json::Value;
use std::fmt;

/// Why a record (or one of its fields) was not taken as it stood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Stable kebab-case code (`missing-id`, `cvss-unreadable`…), counted in reports.
    pub code: &'static str,
    /// What exactly was wrong.
    pub detail: String,
    /// `true`: the record was skipped; `false`: it was imported without the faulty part.
    pub skipped: bool,
}

impl Problem {
    /// The record is skipped.
    pub fn skip(code: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            code,
            detail: detail.into(),
            skipped: true,
        }
    }

    /// The record is imported; part of it was left out or clipped.
    pub fn note(code: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            code,
            detail: detail.into(),
            skipped: false,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

/// The string at `key` of object `v`.
pub fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The elements of the array at `key` of object `v` (none when it is absent or not an array).
pub fn items<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// Every `cpeMatch` of an NVD configuration (or a CVE 5 `cpeApplicability` entry), node by node.
pub fn cpe_matches(config: &Value) -> impl Iterator<Item = &Value> {
    items(config, "nodes").flat_map(|node| items(node, "cpeMatch"))
}

/// The strings of the array at `key`; entries of another type are noted and left out.
pub fn strings_at(v: &Value, key: &str, problems: &mut Vec<Problem>) -> Vec<String> {
    match v.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => {
            let mut out = Vec::with_capacity(a.len());
            for x in a {
                match x.as_str() {
                    Some(s) if !s.trim().is_empty() => out.push(clip(s.trim(), 256, key, problems)),
                    _ => problems.push(Problem::note(
                        "wrong-type",
                        format!("`{key}` has an entry that is not a string"),
                    )),
                }
            }
            out
        }
        Some(_) => {
            problems.push(Problem::note(
                "wrong-type",
                format!("`{key}` is not an array"),
            ));
            Vec::new()
        }
    }
}

/// `s` cut to at most `max` bytes at a character boundary.
pub fn limit_text(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `s` as an owned string of at most `max` bytes; clipping is noted as `field-clipped`.
pub fn clip(s: &str, max: usize, what: &str, problems: &mut Vec<Problem>) -> String {
    if s.len() > max {
        problems.push(Problem::note(
            "field-clipped",
            format!("`{what}` is {} bytes; kept the first {max}", s.len()),
        ));
    }
    limit_text(s, max).to_string()
}

/// `CWE-<n>` when `s` is a CWE id (`CWE-79`, `cwe-79`), else `None` (`NVD-CWE-Other`,
/// free text).
pub fn cwe_id(s: &str) -> Option<String> {
    let t = s.trim();
    let digits = t
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("CWE-"))
        .map(|_| &t[4..])?;
    let n: String = digits.chars().take_while(char::is_ascii_digit).collect();
    (!n.is_empty() && n.len() <= 7).then(|| format!("CWE-{n}"))
}

/// The URLs of a `references: [{url, …}]` list, each clipped at 4 KiB.
pub fn reference_urls(v: &Value, problems: &mut Vec<Problem>) -> Vec<String> {
    v.get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| str_at(r, "url"))
        .map(|u| clip(u, 4096, "reference", problems))
        .collect()
}

/// A CVSS rating by `by` from `vector` (as `what` of the record names it), scored by the
/// `cvss` crate; `kind` is the version the record declares (`None`: the vector's own).
/// A missing vector is noted and gives `None`; an unscorable one is noted and kept.
pub fn cvss_rating(
    by: &str,
    kind: Option<&str>,
    vector: Option<&str>,
    stated_score: Option<f64>,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<crate::record::Severity> {
    let Some(vector) = vector else {
        problems.push(Problem::note(
            "cvss-unreadable",
            format!("`{what}` has no vector"),
        ));
        return None;
    };
    let computed = crate::record::cvss_score(vector);
    if computed.is_none() {
        problems.push(Problem::note(
            "cvss-unreadable",
            format!(
                "`{what}` vector `{}` cannot be scored",
                limit_text(vector, 120)
            ),
        ));
    }
    let kind = kind
        .or(computed.map(|(k, _)| k))
        .unwrap_or("cvss")
        .to_string();
    Some(crate::record::Severity {
        by: by.to_string(),
        kind,
        vector: vector.to_string(),
        stated_score,
        score: computed.map(|(_, s)| s),
    })
}

/// The English text of a `[{lang, value}]` list (the first `en*` entry, else the first).
pub fn english(list: Option<&Value>) -> Option<&str> {
    let items = list?.as_array()?;
    items
        .iter()
        .find(|d| str_at(d, "lang").is_some_and(|l| l.starts_with("en")))
        .or_else(|| items.first())
        .and_then(|d| str_at(d, "value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cwe_ids_are_normalised_and_others_refused() {
        assert_eq!(cwe_id("CWE-79").as_deref(), Some("CWE-79"));
        assert_eq!(
            cwe_id("cwe-787 Out-of-bounds Write").as_deref(),
            Some("CWE-787")
        );
        assert_eq!(cwe_id("NVD-CWE-Other"), None);
        assert_eq!(cwe_id("CWE-"), None);
    }

    #[test]
    fn clipping_respects_characters_and_is_noted() {
        let mut p = Vec::new();
        assert_eq!(clip("ééé", 3, "x", &mut p), "é");
        assert_eq!(p.len(), 1);
        assert_eq!(clip("abc", 3, "x", &mut p), "abc");
        assert_eq!(p.len(), 1);
    }
}
