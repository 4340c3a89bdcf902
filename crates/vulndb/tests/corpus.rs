//! The whole shared corpus of vulnerability data imported into one database: counts per
//! source, zero errors, and spot checks of real records.

use crate::common::corpus;
use craft_vulndb::{Precedence, SqliteStore, Status, Store};

#[test]
fn the_shared_corpora_import_completely_and_spot_checks_hold() {
    let (Some(vulndb), Some(cve), Some(kernel), Some(kev), Some(epss)) = (
        corpus("vulndb"),
        corpus("cve"),
        corpus("kernel/linux-kernel-cna-vulns"),
        corpus("kev"),
        corpus("epss"),
    ) else {
        return;
    };
    let db = tempfile::tempdir().unwrap();
    let report = crate::fixtures::import(db.path(), &[vulndb, cve, kernel, kev, epss]);
    eprintln!("{}", serde_json::to_string_pretty(&report).unwrap());
    let s = |name: &str| report.sources.get(name).cloned().unwrap_or_default();
    // Record counts of the corpus snapshot: every record read is imported or explained.
    for (name, at_least) in [
        ("osv", 8_000),
        ("cve", 44_000),
        ("cve-adp", 70_000),
        ("kernel-cna", 14_900),
        ("kev", 1_400),
        ("epss", 300_000),
        ("nvd", 7),
    ] {
        let st = s(name);
        assert!(st.read >= at_least, "{name}: read {} < {at_least}", st.read);
        assert_eq!(
            st.read,
            st.imported + st.updated + st.unchanged + st.skipped_total(),
            "{name}: every record is accounted for"
        );
        // The only skips of this corpus: Dependency-Track's fixtures hold the same record
        // twice with different content and the same modification time.
        for reason in st.skipped.keys() {
            assert!(
                ["osv", "nvd"].contains(&name) && reason == "duplicate-conflict",
                "{name}: unexpected skips {:?}",
                st.skipped
            );
        }
    }
    assert!(
        s("osv").merged > 1_000,
        "OSV records merged with CVEs by alias"
    );

    let store = SqliteStore::open(db.path()).unwrap();
    let p = Precedence::default();
    // Apache Airflow CVE-2020-13927: PyPA advisory by alias, CNA + two ADPs, KEV, EPSS.
    let v = store
        .vulnerability("PYSEC-2020-18", &p)
        .unwrap()
        .expect("PYSEC-2020-18");
    assert_eq!(v.id, "CVE-2020-13927");
    assert!(v.aliases.contains(&"GHSA-hhx9-p69v-cx2j".to_string()));
    assert_eq!(
        v.kev.as_ref().map(|k| k.date_added.as_str()),
        Some("2022-01-18")
    );
    assert!(v.epss.as_ref().is_some_and(|e| e.score > 0.9));
    let sources: Vec<&str> = v.records.iter().map(|r| r.from.source.name()).collect();
    assert!(sources.contains(&"osv") && sources.contains(&"cve") && sources.contains(&"cve-adp"));
    assert!(v
        .severities
        .iter()
        .any(|s| s.from.assigner == "CISA-ADP" && s.value.kind == "cvss3.1"));
    assert!(v
        .affected
        .iter()
        .any(|a| a.key == "purl:pypi/apache-airflow" && a.trusted));

    // Fortinet CVE-2024-23113: CVSS vectors from NVD, from the CNA through NVD, and from the
    // CNA's own record; KEV from the catalog and as NVD's and CISA-ADP's flags.
    let v = store.vulnerability("CVE-2024-23113", &p).unwrap().unwrap();
    let by: Vec<(&str, &str)> = v
        .severities
        .iter()
        .map(|s| (s.from.source.name(), s.value.by.as_str()))
        .collect();
    assert!(
        by.contains(&("nvd", "nvd@nist.gov"))
            && by.contains(&("nvd", "psirt@fortinet.com"))
            && by.contains(&("cve", "fortinet")),
        "{by:?}"
    );
    assert_eq!(
        v.severities[0].from.source.name(),
        "nvd",
        "NVD's score is primary by default"
    );
    assert!(v.kev.is_some() && v.facts.iter().filter(|f| f.value.kind == "kev").count() >= 2);

    // Linux CVE-2024-26877: the kernel CNA's per-branch ranges are trusted over the CVE List
    // copy, with the files the fix touches.
    let v = store.vulnerability("CVE-2024-26877", &p).unwrap().unwrap();
    let trusted: Vec<_> = v.affected.iter().filter(|a| a.trusted).collect();
    assert!(
        !trusted.is_empty()
            && trusted
                .iter()
                .all(|a| a.key == "linux-kernel" && a.from.source.name() == "kernel-cna")
    );
    let branch_fix = trusted
        .iter()
        .flat_map(|a| a.range["versions"].as_array().into_iter().flatten())
        .any(|x| {
            x["version"] == "6.1.83"
                && x["lessThanOrEqual"] == "6.1.*"
                && x["status"] == "unaffected"
        });
    assert!(branch_fix, "6.1 branch fixed in 6.1.83");
    assert_eq!(
        trusted[0].range["programFiles"][0],
        "drivers/crypto/xilinx/zynqmp-aes-gcm.c"
    );
    assert!(v.epss.is_some());

    // A CVE the kernel CNA rejected after publication is rejected, though CVE List's
    // copy may still say otherwise.
    let v = store.vulnerability("CVE-2019-25161", &p).unwrap().unwrap();
    assert_eq!(v.status.value.status, Status::Rejected);

    // Go: GO id, GHSA and CVE are one vulnerability, found by each.
    let go = store
        .vulnerability("GO-2022-0969", &p)
        .unwrap()
        .expect("GO-2022-0969");
    for alias in go.aliases.iter().chain(std::iter::once(&go.id)) {
        assert_eq!(
            store.vulnerability(alias, &p).unwrap().unwrap().id,
            go.id,
            "{alias}"
        );
    }
    assert!(go.id.starts_with("CVE-"), "{}", go.id);
}
