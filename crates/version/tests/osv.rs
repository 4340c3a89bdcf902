//! OSV ranges from real databases (Go vulndb, RustSec), checked for self-consistency: each
//! range, evaluated alone, affects its `introduced` and `last_affected` versions and not its
//! `fixed` ones. Versions the scheme cannot read are counted and listed, never guessed.

use crate::common::{corpus, files};
use craft_version::osv::{ecosystem_scheme, evaluate, Verdict};
use serde_json::{json, Value};

fn check_db(rel: &str, min_docs: usize) {
    let Some(dir) = corpus(rel) else {
        return;
    };
    let docs = files(&dir, &|p| p.extension().is_some_and(|e| e == "json"));
    assert!(docs.len() >= min_docs, "{rel}: {} documents", docs.len());
    let (mut ranges, mut checks, mut unknown) = (0usize, 0usize, Vec::new());
    let mut wrong = Vec::new();
    for d in &docs {
        let v: Value = serde_json::from_slice(&std::fs::read(d).unwrap()).unwrap();
        for a in v["affected"].as_array().into_iter().flatten() {
            let Some(scheme) = a
                .pointer("/package/ecosystem")
                .and_then(Value::as_str)
                .and_then(ecosystem_scheme)
            else {
                continue;
            };
            for r in a["ranges"].as_array().into_iter().flatten() {
                if r["type"] == "GIT" {
                    continue;
                }
                ranges += 1;
                let alone = json!({"ranges": [r]});
                // `introduced: X` with `fixed: X` is an empty interval (RustSec writes them).
                let fixed: Vec<&str> = r["events"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["fixed"].as_str())
                    .collect();
                for e in r["events"].as_array().into_iter().flatten() {
                    let Some((k, ver)) = e.as_object().and_then(|o| o.iter().next()) else {
                        continue;
                    };
                    let Some(ver) = ver.as_str().filter(|v| *v != "0") else {
                        continue;
                    };
                    let want = match k.as_str() {
                        "introduced" if fixed.contains(&ver) => Verdict::NotAffected,
                        "introduced" | "last_affected" => Verdict::Affected,
                        "fixed" => Verdict::NotAffected,
                        _ => continue,
                    };
                    checks += 1;
                    match evaluate(&alone, ver, scheme) {
                        Verdict::Unknown(why) => unknown.push(format!("{}: {why}", d.display())),
                        got if got == want => {}
                        got => wrong.push(format!("{}: {k} {ver}: {got:?}", d.display())),
                    }
                }
            }
        }
    }
    eprintln!(
        "{rel}: {} documents, {ranges} ranges, {checks} boundary checks: {} hold, {} undecidable",
        docs.len(),
        checks - wrong.len() - unknown.len(),
        unknown.len()
    );
    for u in unknown.iter().take(10) {
        eprintln!("  undecidable: {u}");
    }
    assert!(ranges > 500, "{ranges}");
    assert!(
        wrong.is_empty(),
        "{}",
        wrong[..wrong.len().min(20)].join("\n")
    );
    // Real databases hold a few versions no scheme reads; more than 1% would be a bug here.
    assert!(
        unknown.len() * 100 < checks,
        "{} undecidable of {checks}",
        unknown.len()
    );
}

#[test]
fn go_vulndb_ranges_are_consistent() {
    check_db("vulndb/golang-vulndb/data/osv", 4000);
}

#[test]
fn rustsec_ranges_are_consistent() {
    check_db("vulndb/rustsec-advisory-db/osv", 1000);
}
