//! CVE 5 product entries from the Linux kernel CNA's own records: a stable kernel is judged
//! by its branch's fix, not mainline's, and a bug a backport brought into a branch affects
//! that branch's window only. The expected verdicts below were read off each record by hand
//! (the branch entry `6.1.N ≤ V ≤ 6.1.*` unaffected, the introducing version, and any
//! backport window `6.1.A ≤ V < 6.1.B` in the git entry). Then every record is checked for
//! self-consistency: each branch's first fixed release is unaffected, and no semver entry is
//! left undecided.

use crate::common::{corpus, files};
use craft_version::cve5::evaluate;
use craft_version::range::Verdict;
use craft_version::Scheme;
use serde_json::Value;
use std::path::Path;

/// A record's verdict for `version`: affected when any of its product entries says so,
/// else not affected when any says so, else unknown (the kernel CNA writes a git entry,
/// which no release can be judged by, beside the per-branch entry).
fn record_verdict(record: &Value, version: &str) -> Verdict {
    let mut verdicts = record
        .pointer("/containers/cna/affected")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| evaluate(p, version, Scheme::Kernel))
        .collect::<Vec<_>>();
    verdicts.sort_by_key(|v| match v {
        Verdict::Affected => 0,
        Verdict::NotAffected => 1,
        Verdict::Unknown(_) => 2,
    });
    verdicts
        .into_iter()
        .next()
        .unwrap_or(Verdict::Unknown("no product".into()))
}

fn load(root: &Path, cve: &str) -> Value {
    let year = cve.split('-').nth(1).unwrap();
    let p = root.join(year).join(format!("{cve}.json"));
    serde_json::from_slice(&std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap()
}

#[test]
fn stable_kernels_follow_the_kernel_cnas_per_branch_ranges() {
    let Some(root) = corpus("kernel/linux-kernel-cna-vulns/cve/published") else {
        return;
    };
    use Verdict::{Affected as A, NotAffected as N};
    // (CVE, kernel version, verdict, why)
    let cases: &[(&str, &str, Verdict, &str)] = &[
        // 6.1.x
        (
            "CVE-2024-26743",
            "6.1.50",
            A,
            "introduced 4.11, fixed in 6.1.80",
        ),
        (
            "CVE-2024-26745",
            "6.1.50",
            A,
            "introduced 6.0, fixed in 6.1.81",
        ),
        (
            "CVE-2025-38160",
            "6.1.50",
            A,
            "introduced 5.9, fixed in 6.1.142",
        ),
        (
            "CVE-2024-26581",
            "6.1.50",
            A,
            "backported into 6.1.43, fixed in 6.1.78",
        ),
        (
            "CVE-2024-26581",
            "6.1.30",
            N,
            "before the backport (6.1.43); mainline from 6.5",
        ),
        ("CVE-2023-32246", "6.1.50", N, "fixed in 6.1.28"),
        ("CVE-2023-3865", "6.1.50", N, "fixed in 6.1.36"),
        ("CVE-2023-52474", "6.1.50", N, "fixed in 6.1.28"),
        ("CVE-2024-26743", "6.1.80", N, "the branch's fix itself"),
        (
            "CVE-2024-26743",
            "6.1.79",
            A,
            "the release before the branch's fix",
        ),
        // 5.15.x
        (
            "CVE-2024-26583",
            "5.15.120",
            A,
            "introduced 5.7, fixed in 5.15.160",
        ),
        (
            "CVE-2024-26801",
            "5.15.120",
            A,
            "introduced 4.0, fixed in 5.15.151",
        ),
        (
            "CVE-2025-38159",
            "5.15.120",
            A,
            "introduced 5.4, fixed in 5.15.186",
        ),
        (
            "CVE-2024-26581",
            "5.15.130",
            A,
            "backported into 5.15.124, fixed in 5.15.149",
        ),
        (
            "CVE-2024-26581",
            "5.15.120",
            N,
            "before the backport (5.15.124)",
        ),
        ("CVE-2023-52646", "5.15.120", N, "fixed in 5.15.95"),
        ("CVE-2023-52702", "5.15.120", N, "fixed in 5.15.95"),
        ("CVE-2023-52705", "5.15.120", N, "fixed in 5.15.95"),
        (
            "CVE-2023-32246",
            "5.15.110",
            A,
            "introduced 5.15, fixed in 5.15.111",
        ),
        ("CVE-2023-32246", "5.15.120", N, "fixed in 5.15.111"),
        ("CVE-2023-32246", "5.10.180", N, "introduced in 5.15"),
    ];
    let mut wrong = Vec::new();
    for (cve, version, want, why) in cases {
        let got = record_verdict(&load(&root, cve), version);
        if &got != want {
            wrong.push(format!(
                "{cve} at {version}: {got:?}, expected {want:?} ({why})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_kernel_cna_branch_fix_is_unaffected_and_every_semver_entry_decides() {
    let Some(root) = corpus("kernel/linux-kernel-cna-vulns/cve/published") else {
        return;
    };
    let docs = files(&root, &|p| p.extension().is_some_and(|e| e == "json"));
    assert!(docs.len() > 10_000, "{} records", docs.len());
    let (mut checks, mut wrong, mut unknown) = (0usize, Vec::new(), Vec::new());
    for d in &docs {
        let v: Value = serde_json::from_slice(&std::fs::read(d).unwrap()).unwrap();
        for product in v
            .pointer("/containers/cna/affected")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if product["defaultStatus"] != "affected" {
                continue;
            }
            for e in product["versions"].as_array().into_iter().flatten() {
                let Some(fix) = e["version"].as_str() else {
                    continue;
                };
                let branch = e["lessThanOrEqual"].as_str().unwrap_or("");
                if e["status"] != "unaffected" || !branch.ends_with(".*") {
                    continue;
                }
                checks += 1;
                match evaluate(product, fix, Scheme::Kernel) {
                    Verdict::NotAffected => {}
                    Verdict::Unknown(why) => unknown.push(format!("{}: {fix}: {why}", d.display())),
                    Verdict::Affected => wrong.push(format!("{}: {fix}", d.display())),
                }
            }
        }
    }
    eprintln!(
        "kernel CNA: {} records, {checks} branch fixes checked, {} wrong, {} unknown",
        docs.len(),
        wrong.len(),
        unknown.len()
    );
    assert!(checks > 40_000, "{checks} checks");
    assert!(
        wrong.is_empty(),
        "{}",
        wrong[..wrong.len().min(20)].join("\n")
    );
    assert!(
        unknown.is_empty(),
        "{}",
        unknown[..unknown.len().min(20)].join("\n")
    );
}
