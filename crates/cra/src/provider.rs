//! A CSAF 2.0 provider's directory (CSAF 2.0 section 7): the files `craft advisory publish`
//! writes, and the checks of section 7.1 run against a served directory.
//!
//! The layout is the directory distribution (requirements 11-14) under
//! `/.well-known/csaf/` (requirement 9): `provider-metadata.json` (7), `white/<year>/<file>`
//! named from the tracking id (2, 11) with `.sha256` and `.sha512` beside each (18),
//! `white/index.txt` (12) and `white/changes.csv` (13). Only TLP:WHITE documents are
//! published: others need access control (5), which a static directory cannot give.
//! [`check`] runs the requirements a CSAF provider must meet against any fetcher (a
//! directory on disk, or an HTTP server), so the same checks serve `craft advisory
//! check-provider` and the tests' loopback server.

use crate::disclosure::csaf_file_name;
use serde_json::{json, Value};
use sha2::{Digest, Sha256, Sha512};

/// The path of the metadata under a provider's base URL.
pub const METADATA: &str = "provider-metadata.json";

/// One file of the provider directory, relative to its base.
pub type File = (String, Vec<u8>);

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// The files of a provider directory holding `docs` (each a valid CSAF document), for a
/// provider at `base_url` (ending in `/.well-known/csaf`), published by `publisher` (CSAF
/// `publisher` object), as of `now` (RFC 3339).
///
/// # Errors
/// A document without a tracking id or dates, not TLP:WHITE, or two documents with one id.
pub fn files(
    docs: &[Value],
    base_url: &str,
    publisher: &Value,
    now: &str,
) -> Result<Vec<File>, String> {
    let base = base_url.trim_end_matches('/');
    let mut out: Vec<File> = Vec::new();
    let mut entries: Vec<(String, String)> = Vec::new();
    for d in docs {
        let id =
            str_at(d, "/document/tracking/id").ok_or("a document without /document/tracking/id")?;
        let initial = str_at(d, "/document/tracking/initial_release_date")
            .ok_or_else(|| format!("{id}: no initial_release_date"))?;
        let current = str_at(d, "/document/tracking/current_release_date")
            .ok_or_else(|| format!("{id}: no current_release_date"))?;
        let tlp = str_at(d, "/document/distribution/tlp/label").unwrap_or("");
        if tlp != "WHITE" {
            return Err(format!(
                "{id}: TLP:{} - craft publishes only TLP:WHITE documents in the open \
                 directory (TLP:AMBER and TLP:RED need access control, CSAF 7.1.5; \
                 TLP:GREEN is not for the open web)",
                if tlp.is_empty() { "none" } else { tlp }
            ));
        }
        let year = initial
            .get(..4)
            .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| format!("{id}: initial_release_date `{initial}` has no year"))?;
        let path = format!("{year}/{}", csaf_file_name(id));
        if entries.iter().any(|(p, _)| *p == path) {
            return Err(format!("two documents have the tracking id {id}"));
        }
        let mut bytes = serde_json::to_vec_pretty(d).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        let name = csaf_file_name(id);
        out.push((
            format!("white/{path}.sha256"),
            format!("{:x}  {name}\n", Sha256::digest(&bytes)).into_bytes(),
        ));
        out.push((
            format!("white/{path}.sha512"),
            format!("{:x}  {name}\n", Sha512::digest(&bytes)).into_bytes(),
        ));
        out.push((format!("white/{path}"), bytes));
        entries.push((path, current.to_string()));
    }
    entries.sort();
    let index: String = entries.iter().map(|(p, _)| format!("{p}\n")).collect();
    out.push(("white/index.txt".into(), index.into_bytes()));
    // 7.1.13: newest first, by current release date (as instants, not as text: offsets
    // and fractions of seconds differ).
    let mut changes = entries.clone();
    changes.sort_by(|a, b| {
        instant(&b.1)
            .cmp(&instant(&a.1))
            .then_with(|| a.0.cmp(&b.0))
    });
    let csv: String = changes
        .iter()
        .map(|(p, d)| format!("\"{p}\",\"{d}\"\n"))
        .collect();
    out.push(("white/changes.csv".into(), csv.into_bytes()));
    let metadata = json!({
        "canonical_url": format!("{base}/{METADATA}"),
        "distributions": [{"directory_url": format!("{base}/white/")}],
        "last_updated": now,
        "list_on_CSAF_aggregators": true,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": true,
        "publisher": publisher,
        "role": "csaf_provider"
    });
    let mut bytes = serde_json::to_vec_pretty(&metadata).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    out.push((METADATA.into(), bytes));
    Ok(out)
}

/// A date-time as an instant (`None` when it is not RFC 3339; sorts first).
fn instant(s: &str) -> Option<jiff::Timestamp> {
    s.parse().ok()
}

/// What a fetch returned.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status (200 for a file read from disk).
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// One requirement of CSAF 2.0 section 7.1, checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Requirement {
    /// `7.1.12`.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Met, failed, or `None` when it cannot be checked here (with the reason).
    pub ok: Option<bool>,
    /// What was found.
    pub detail: String,
}

/// Check the provider whose metadata is at `metadata_url` (section 7.1 requirements 1, 2,
/// 3, 4, 5, 6, 7, 9, 11, 12, 13, 14 and 18). `fetch` gets a URL; `validate` lists what
/// makes a CSAF document invalid (strict schema and mandatory tests); `served`: whether
/// `fetch` goes through a web server (directory listings, redirects, access; TLS when the
/// URL is https) or reads a directory on disk, where those are not observable.
pub fn check(
    metadata_url: &str,
    fetch: &mut dyn FnMut(&str) -> Result<Response, String>,
    validate: &dyn Fn(&Value) -> Vec<String>,
    served: bool,
) -> Vec<Requirement> {
    let listings = served;
    let mut out = Vec::new();
    let mut req = |id, title, ok: Option<bool>, detail: String| {
        out.push(Requirement {
            id,
            title,
            ok,
            detail,
        });
    };
    let https = metadata_url.starts_with("https://");
    req(
        "7.1.3",
        "TLS",
        match (served, https) {
            (true, true) => Some(true),
            (true, false) => Some(false),
            (false, _) => None,
        },
        match (served, https) {
            (true, true) => "served over https".into(),
            (true, false) => format!("{metadata_url} is not https"),
            (false, _) => "a server's TLS: not observable in a directory".into(),
        },
    );
    req(
        "7.1.9",
        "Well-known URL for provider-metadata.json",
        Some(metadata_url.ends_with("/.well-known/csaf/provider-metadata.json")),
        metadata_url.to_string(),
    );
    let meta = match fetch(metadata_url) {
        Ok(r) if r.status == 200 => {
            serde_json::from_slice::<Value>(&r.body).map_err(|e| e.to_string())
        }
        Ok(r) => Err(format!("HTTP {}", r.status)),
        Err(e) => Err(e),
    };
    let meta = match meta {
        Ok(m) => m,
        Err(e) => {
            req(
                "7.1.7",
                "provider-metadata.json",
                Some(false),
                format!("cannot read {metadata_url}: {e}"),
            );
            return out;
        }
    };
    let missing: Vec<&str> = [
        "canonical_url",
        "last_updated",
        "list_on_CSAF_aggregators",
        "metadata_version",
        "mirror_on_CSAF_aggregators",
        "publisher",
        "role",
    ]
    .into_iter()
    .filter(|k| meta.get(k).is_none())
    .collect();
    let canonical = str_at(&meta, "/canonical_url").unwrap_or("");
    let meta_ok = missing.is_empty()
        && str_at(&meta, "/metadata_version") == Some("2.0")
        && canonical == metadata_url
        && matches!(
            str_at(&meta, "/role"),
            Some("csaf_publisher" | "csaf_provider" | "csaf_trusted_provider")
        );
    req(
        "7.1.7",
        "provider-metadata.json",
        Some(meta_ok),
        if meta_ok {
            format!(
                "role {}; the required fields present (the provider schema itself is checked \
                 by the tests, not bundled)",
                str_at(&meta, "/role").unwrap_or("")
            )
        } else {
            format!(
                "missing {missing:?}, metadata_version {:?}, canonical_url `{canonical}` (fetched {metadata_url})",
                str_at(&meta, "/metadata_version")
            )
        },
    );
    let Some(dir) = meta
        .pointer("/distributions")
        .and_then(Value::as_array)
        .and_then(|d| d.iter().find_map(|x| str_at(x, "/directory_url")))
        .map(|u| u.trim_end_matches('/').to_string())
    else {
        req(
            "7.1.11",
            "One folder per year",
            Some(false),
            "no directory distribution".into(),
        );
        return out;
    };
    let text = |r: Result<Response, String>| -> Result<String, String> {
        match r {
            Ok(r) if r.status == 200 => String::from_utf8(r.body).map_err(|e| e.to_string()),
            Ok(r) if (300..400).contains(&r.status) => Err(format!("redirect (HTTP {})", r.status)),
            Ok(r) => Err(format!("HTTP {}", r.status)),
            Err(e) => Err(e),
        }
    };
    let index = text(fetch(&format!("{dir}/index.txt")));
    let changes = text(fetch(&format!("{dir}/changes.csv")));
    let paths: Vec<String> = match &index {
        Ok(t) => t
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        Err(_) => Vec::new(),
    };
    let (mut bad_valid, mut bad_name, mut bad_year, mut bad_fetch, mut bad_hash, mut redirects) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let mut dates = Vec::new();
    let mut not_white = Vec::new();
    for p in &paths {
        let url = format!("{dir}/{p}");
        let r = fetch(&url);
        let body = match r {
            Ok(r) if r.status == 200 => r.body,
            Ok(r) => {
                if (300..400).contains(&r.status) {
                    redirects.push(p.clone());
                }
                bad_fetch.push(format!("{p}: HTTP {}", r.status));
                continue;
            }
            Err(e) => {
                bad_fetch.push(format!("{p}: {e}"));
                continue;
            }
        };
        let doc: Value = match serde_json::from_slice(&body) {
            Ok(d) => d,
            Err(e) => {
                bad_valid.push(format!("{p}: not JSON: {e}"));
                continue;
            }
        };
        let problems = validate(&doc);
        if !problems.is_empty() {
            bad_valid.push(format!("{p}: {}", problems.join("; ")));
        }
        let id = str_at(&doc, "/document/tracking/id").unwrap_or("");
        let name = p.rsplit('/').next().unwrap_or("");
        if name != csaf_file_name(id) {
            bad_name.push(format!("{p} (id {id} wants {})", csaf_file_name(id)));
        }
        let year = str_at(&doc, "/document/tracking/initial_release_date").and_then(|d| d.get(..4));
        if p.split('/').next() != year {
            bad_year.push(format!("{p} (initial release {})", year.unwrap_or("?")));
        }
        if matches!(
            str_at(&doc, "/document/distribution/tlp/label"),
            Some("AMBER" | "RED")
        ) {
            not_white.push(p.clone());
        }
        dates.push((
            p.clone(),
            str_at(&doc, "/document/tracking/current_release_date")
                .unwrap_or("")
                .to_string(),
        ));
        // 7.1.18: at least one hash file; each present one matches (the file name after
        // the hash is optional, and then must be the document's).
        let mut present = 0;
        for (ext, want) in [
            ("sha256", format!("{:x}", Sha256::digest(&body))),
            ("sha512", format!("{:x}", Sha512::digest(&body))),
        ] {
            let Ok(t) = text(fetch(&format!("{url}.{ext}"))) else {
                continue;
            };
            present += 1;
            let mut words = t.split_whitespace();
            let hash_ok = words.next().is_some_and(|h| h.eq_ignore_ascii_case(&want));
            let name_ok = words
                .next()
                .is_none_or(|n| n.trim_start_matches('*') == name);
            if !(hash_ok && name_ok) {
                bad_hash.push(format!("{p}.{ext} does not match"));
            }
        }
        if present == 0 {
            bad_hash.push(format!("{p}: no .sha256 or .sha512 beside it"));
        }
    }
    let n = paths.len();
    let verdict = |bad: &Vec<String>, good: String| -> (Option<bool>, String) {
        if bad.is_empty() {
            (Some(true), good)
        } else {
            (Some(false), bad.join("; "))
        }
    };
    let (ok, d) = verdict(&bad_valid, format!("{n} documents valid"));
    req("7.1.1", "Valid CSAF document", ok, d);
    let (ok, d) = verdict(&bad_name, format!("{n} file names follow 5.1"));
    req("7.1.2", "Filename", ok, d);
    let (ok, d) = verdict(
        &bad_fetch,
        format!("{n} TLP:WHITE documents readable without authentication"),
    );
    if served {
        req("7.1.4", "TLP:WHITE", ok, d);
    } else {
        req(
            "7.1.4",
            "TLP:WHITE",
            None,
            "a server's access control: not observable in a directory".into(),
        );
    }
    let (ok, d) = verdict(
        &not_white,
        "no TLP:AMBER or TLP:RED document in the open directory".into(),
    );
    req("7.1.5", "TLP:AMBER and TLP:RED", ok, d);
    if served {
        let (ok, d) = verdict(&redirects, "no redirects".into());
        req("7.1.6", "Redirects", ok, d);
    } else {
        req(
            "7.1.6",
            "Redirects",
            None,
            "a server's redirects: not observable in a directory".into(),
        );
    }
    let (ok, d) = verdict(
        &bad_year,
        format!("{n} documents in the folder of their initial release year"),
    );
    req("7.1.11", "One folder per year", ok, d);
    req(
        "7.1.12",
        "index.txt",
        Some(index.is_ok() && n > 0 && bad_fetch.is_empty()),
        match &index {
            Ok(_) => format!("{n} documents listed, each readable"),
            Err(e) => format!("index.txt: {e}"),
        },
    );
    let changes_ok = match &changes {
        Ok(t) => {
            let rows: Vec<(String, String)> = t
                .lines()
                .filter(|l| !l.trim().is_empty())
                .filter_map(|l| {
                    let (p, d) = l.split_once(',')?;
                    Some((
                        p.trim_matches('"').to_string(),
                        d.trim_matches('"').to_string(),
                    ))
                })
                .collect();
            let sorted = rows
                .windows(2)
                .all(|w| instant(&w[0].1) >= instant(&w[1].1));
            let mut listed: Vec<(String, String)> = rows.clone();
            listed.sort();
            let mut want = dates.clone();
            want.sort();
            if !sorted {
                Err("not sorted newest first".to_string())
            } else if listed != want {
                Err(
                    "its paths and dates differ from the documents' current_release_date"
                        .to_string(),
                )
            } else {
                Ok(rows.len())
            }
        }
        Err(e) => Err(e.clone()),
    };
    req(
        "7.1.13",
        "changes.csv",
        Some(changes_ok.is_ok()),
        match changes_ok {
            Ok(k) => format!("{k} entries, newest first, matching the documents"),
            Err(e) => e,
        },
    );
    if listings {
        let mut missing = Vec::new();
        let mut years: Vec<&str> = paths.iter().filter_map(|p| p.split('/').next()).collect();
        years.dedup();
        match text(fetch(&format!("{dir}/"))) {
            Ok(t) => missing.extend(
                years
                    .iter()
                    .filter(|y| !t.contains(*y))
                    .map(|y| format!("{y}/")),
            ),
            Err(e) => missing.push(format!("{dir}/: {e}")),
        }
        for y in &years {
            match text(fetch(&format!("{dir}/{y}/"))) {
                Ok(t) => missing.extend(
                    paths
                        .iter()
                        .filter(|p| p.starts_with(&format!("{y}/")))
                        .filter_map(|p| p.rsplit('/').next())
                        .filter(|f| !t.contains(*f))
                        .map(str::to_string),
                ),
                Err(e) => missing.push(format!("{y}/: {e}")),
            }
        }
        let (ok, d) = verdict(
            &missing,
            "the directory and each year folder list their files".into(),
        );
        req("7.1.14", "Directory listings", ok, d);
    } else {
        req(
            "7.1.14",
            "Directory listings",
            None,
            "a server's listing: not checked on a directory".into(),
        );
    }
    let (ok, d) = verdict(
        &bad_hash,
        format!("SHA-256 and SHA-512 of {n} documents match"),
    );
    req("7.1.18", "Integrity", ok, d);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, initial: &str, current: &str) -> Value {
        json!({"document": {
            "distribution": {"tlp": {"label": "WHITE"}},
            "tracking": {"id": id, "initial_release_date": initial, "current_release_date": current}
        }})
    }

    fn served(files: &[File]) -> impl FnMut(&str) -> Result<Response, String> + '_ {
        move |url: &str| {
            let rel = url.trim_start_matches("https://x.example/.well-known/csaf/");
            Ok(files.iter().find(|(p, _)| p == rel).map_or(
                Response {
                    status: 404,
                    body: Vec::new(),
                },
                |(_, b)| Response {
                    status: 200,
                    body: b.clone(),
                },
            ))
        }
    }

    #[test]
    fn changes_are_sorted_by_instant_not_by_text() {
        // 10:00+01:00 is 09:00Z: earlier than 09:41Z though it sorts later as text.
        let docs = [
            doc("A-1", "2026-01-01T00:00:00Z", "2026-11-29T10:00:00+01:00"),
            doc("A-2", "2026-01-01T00:00:00Z", "2026-11-29T09:41:00Z"),
        ];
        let files = files(
            &docs,
            "https://x.example/.well-known/csaf",
            &json!({}),
            "2026-11-29T12:00:00Z",
        )
        .unwrap();
        let csv = &files
            .iter()
            .find(|(p, _)| p == "white/changes.csv")
            .unwrap()
            .1;
        let text = String::from_utf8_lossy(csv);
        assert!(text.starts_with("\"2026/a-2.json\""), "{text}");
    }

    #[test]
    fn a_hash_file_without_a_name_is_accepted_and_one_is_enough() {
        let docs = [doc("A-1", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")];
        let mut files = files(
            &docs,
            "https://x.example/.well-known/csaf",
            &json!({}),
            "2026-11-29T12:00:00Z",
        )
        .unwrap();
        files.retain(|(p, _)| !p.ends_with(".sha512"));
        for (p, b) in &mut files {
            if p.ends_with(".sha256") {
                let hash = String::from_utf8_lossy(b)
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .to_string();
                *b = format!("{hash}\n").into_bytes();
            }
        }
        let result = check(
            "https://x.example/.well-known/csaf/provider-metadata.json",
            &mut served(&files),
            &|_| Vec::new(),
            false,
        );
        let integrity = result.iter().find(|r| r.id == "7.1.18").unwrap();
        assert_eq!(integrity.ok, Some(true), "{integrity:?}");
        // On disk, what only a server shows is not judged.
        for id in ["7.1.3", "7.1.4", "7.1.6", "7.1.14"] {
            assert_eq!(result.iter().find(|r| r.id == id).unwrap().ok, None, "{id}");
        }
        files.retain(|(p, _)| !p.ends_with(".sha256"));
        let result = check(
            "https://x.example/.well-known/csaf/provider-metadata.json",
            &mut served(&files),
            &|_| Vec::new(),
            false,
        );
        assert_eq!(
            result.iter().find(|r| r.id == "7.1.18").unwrap().ok,
            Some(false)
        );
    }
}
