//! Regression test of 100 hand-checked verdicts (`data/verdicts.json`): pairs sampled at
//! random from scanning every SBOM of the shared corpus against the whole shared database,
//! each checked by hand against the source record and the SBOM. The database is built from
//! the corpus's OSV, CVE List and kernel CNA data; each SBOM is scanned and every pair must
//! come out as the hand check says (affected, unknown, or not affected: cleared or not
//! matched at all).

use crate::common::corpus;
use craft_scan::{FindingStatus, Matcher};
use craft_vulndb::Precedence;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn hand_checked_verdicts_hold() {
    let (Some(vulndb), Some(cve), Some(kernel), Some(sboms)) = (
        corpus("vulndb"),
        corpus("cve"),
        corpus("kernel/linux-kernel-cna-vulns"),
        corpus("sbom"),
    ) else {
        return;
    };
    let root = sboms.parent().expect("corpora root").to_path_buf();
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("data/verdicts.json")).expect("verdicts.json");
    let pairs = doc["pairs"].as_array().expect("pairs");
    assert_eq!(pairs.len(), 100);
    let (_db, store) = crate::db_of(&[vulndb, cve, kernel]);
    let p = Precedence::default();
    let mut matcher = Matcher::new(&store, &p);
    let files: BTreeSet<&str> = pairs.iter().filter_map(|x| x["sbom"].as_str()).collect();
    let mut got: BTreeMap<(String, String, String), FindingStatus> = BTreeMap::new();
    for f in &files {
        let loaded = craft_sbom::read_path(&root.join(f), &craft_sbom::ReadOptions::default())
            .unwrap_or_else(|e| panic!("{f}: {e}"));
        let r = matcher.scan(&loaded.sbom).unwrap();
        for x in r.findings {
            got.insert((f.to_string(), x.component, x.id), x.status);
        }
    }
    let mut wrong = Vec::new();
    for x in pairs {
        let s = |k: &str| x[k].as_str().unwrap_or_default().to_string();
        let status = match got.get(&(s("sbom"), s("component"), s("id"))) {
            Some(FindingStatus::Affected) => "affected",
            Some(FindingStatus::Unknown) => "unknown",
            None => "not_affected",
        };
        if status != s("expected") {
            wrong.push(format!(
                "{} {} {} in {}: {status}, expected {} ({})",
                s("id"),
                s("name"),
                s("version"),
                s("sbom"),
                s("expected"),
                s("why")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
