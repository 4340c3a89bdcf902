//! The kernel at the scan level, on the kernel CNA's own records: a 6.1.x and a 5.15.x
//! kernel in an SBOM (by CPE, as Yocto and syft write it, and by the kernel purl) are
//! judged by their stable branch's fixes. The records are imported from the shared corpus
//! (one file each); the expected verdicts are the ones read off the records by hand in
//! craft-version's `cve5` test.

use crate::common::corpus;
use craft_scan::{FindingStatus, Matcher};
use craft_vulndb::{Precedence, SqliteStore};

#[test]
fn stable_kernels_are_judged_by_their_branch_in_a_scan() {
    let Some(root) = corpus("kernel/linux-kernel-cna-vulns/cve/published") else {
        return;
    };
    // (CVE, affects 6.1.50, affects 5.15.120): the records' branch fixes.
    let cases: &[(&str, bool, bool)] = &[
        ("CVE-2024-26743", true, true),   // fixed in 6.1.80 and 5.15.150
        ("CVE-2024-26581", true, false),  // backported into 6.1.43..6.1.78 and 5.15.124..5.15.149
        ("CVE-2025-38160", true, true),   // fixed in 6.1.142 and 5.15.186
        ("CVE-2023-32246", false, false), // fixed in 6.1.28 and 5.15.111
        ("CVE-2023-3865", false, true),   // fixed in 6.1.36 and 5.15.121
        ("CVE-2024-26583", true, true),   // fixed in 6.1.79 and 5.15.160
        ("CVE-2024-26801", true, true),   // fixed in 6.1.81 and 5.15.151
        ("CVE-2023-52646", false, false), // fixed in 6.1.13 and 5.15.95
    ];
    let files: Vec<_> = cases
        .iter()
        .map(|(cve, _, _)| root.join(&cve[4..8]).join(format!("{cve}.json")))
        .collect();
    let db = tempfile::tempdir().unwrap();
    let rep = crate::import_into(db.path(), &files);
    assert_eq!(rep.sources["kernel-cna"].imported, cases.len() as u64);
    let store = SqliteStore::open(db.path()).unwrap();
    let sbom = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "operating-system", "bom-ref": "k61", "name": "linux-yocto", "version": "6.1.50+git",
         "cpe": "cpe:2.3:o:linux:linux_kernel:6.1.50:*:*:*:*:*:*:*"},
        {"type": "operating-system", "bom-ref": "k515", "name": "linux", "version": "5.15.120",
         "purl": "pkg:generic/linux@5.15.120"}]}"#;
    let sbom = crate::sbom(sbom);
    let p = Precedence::default();
    let r = Matcher::new(&store, &p).scan(&sbom).unwrap();
    let affected = |component: &str, cve: &str| {
        r.findings
            .iter()
            .any(|f| f.component == component && f.id == cve && f.status == FindingStatus::Affected)
    };
    let mut wrong = Vec::new();
    for (cve, in61, in515) in cases {
        if affected("k61", cve) != *in61 {
            wrong.push(format!("{cve} at 6.1.50: expected affected={in61}"));
        }
        if affected("k515", cve) != *in515 {
            wrong.push(format!("{cve} at 5.15.120: expected affected={in515}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // No undecided kernel findings: the branch entries decide every one.
    assert!(r
        .findings
        .iter()
        .all(|f| f.status == FindingStatus::Affected));
    let f = r
        .findings
        .iter()
        .find(|f| f.component == "k61" && f.id == "CVE-2024-26743")
        .unwrap();
    assert_eq!(f.identity.key, "linux-kernel");
    assert!(f.fixed.contains(&"6.1.80".to_string()), "{:?}", f.fixed);
    assert_eq!(f.decided_by.source.name(), "kernel-cna");
}
