//! Import behaviour on small records written here: each source's fields, alias merging,
//! provenance, precedence, updates, duplicates and rejections.

use craft_vulndb::{Limits, Precedence, SqliteStore, Status, Store};
use std::path::{Path, PathBuf};

pub const OSV_GHSA: &str = r#"{
  "schema_version": "1.6.0",
  "id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-03-01T00:00:00Z", "published": "2024-01-01T00:00:00Z",
  "aliases": ["CVE-2024-0001"],
  "summary": "Heap overflow in libfoo",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [{"package": {"ecosystem": "crates.io", "name": "libfoo"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]}],
  "database_specific": {"cwe_ids": ["CWE-122"], "severity": "CRITICAL"},
  "references": [{"type": "WEB", "url": "https://example.org/advisory"}]
}"#;

pub const OSV_GO: &str = r#"{
  "id": "GO-2024-0001", "modified": "2024-02-01T00:00:00Z",
  "aliases": ["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"],
  "affected": [{"package": {"ecosystem": "Go", "name": "github.com/acme/libfoo"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]}]
}"#;

pub const CVE5: &str = r#"{
  "dataType": "CVE_RECORD", "dataVersion": "5.1",
  "cveMetadata": {"cveId": "CVE-2024-0001", "state": "PUBLISHED", "assignerShortName": "acme",
                  "datePublished": "2024-01-02T00:00:00Z", "dateUpdated": "2024-05-01T00:00:00Z"},
  "containers": {
    "cna": {
      "providerMetadata": {"orgId": "00000000-0000-0000-0000-000000000001", "shortName": "acme", "dateUpdated": "2024-04-01T00:00:00Z"},
      "title": "libfoo heap overflow in parse()",
      "descriptions": [{"lang": "en", "value": "A heap overflow in libfoo before 1.2.3."}],
      "affected": [{"vendor": "Acme", "product": "libfoo", "defaultStatus": "unaffected",
                    "versions": [{"version": "1.0", "lessThan": "1.2.3", "status": "affected", "versionType": "semver"}]}],
      "metrics": [{"cvssV4_0": {"version": "4.0", "baseScore": 9.3,
                   "vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}],
      "problemTypes": [{"descriptions": [{"lang": "en", "cweId": "CWE-122", "description": "CWE-122 Heap-based Buffer Overflow", "type": "CWE"}]}],
      "references": [{"url": "https://acme.example/sa-1"}]
    },
    "adp": [{
      "providerMetadata": {"orgId": "134c704f-9b21-4f2e-91b3-4a467353bcc0", "shortName": "CISA-ADP", "dateUpdated": "2024-05-01T00:00:00Z"},
      "title": "CISA ADP Vulnrichment",
      "metrics": [
        {"cvssV3_1": {"version": "3.1", "baseScore": 7.5, "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}},
        {"other": {"type": "ssvc", "content": {"options": [{"Exploitation": "active"}, {"Automatable": "yes"}, {"Technical Impact": "total"}]}}}
      ],
      "affected": [{"vendor": "acme", "product": "libfoo", "cpes": ["cpe:2.3:a:acme:libfoo:*:*:*:*:*:*:*:*"],
                    "versions": [{"version": "0", "lessThan": "1.2.3", "status": "affected", "versionType": "custom"}]}]
    }]
  }
}"#;

pub const NVD_PAGE: &str = r#"{
  "resultsPerPage": 2, "startIndex": 0, "totalResults": 2, "format": "NVD_CVE", "version": "2.0",
  "timestamp": "2024-06-01T00:00:00.000",
  "vulnerabilities": [
    {"cve": {"id": "CVE-2024-0001", "sourceIdentifier": "cna@acme.example",
      "published": "2024-01-02T00:15:00.000", "lastModified": "2024-05-02T00:00:00.000", "vulnStatus": "Analyzed",
      "descriptions": [{"lang": "en", "value": "A heap overflow in libfoo before 1.2.3 (NVD copy)."}],
      "metrics": {"cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary",
        "cvssData": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8}}],
        "cvssMetricV2": [{"source": "nvd@nist.gov", "type": "Primary",
        "cvssData": {"version": "2.0", "vectorString": "AV:N/AC:L/Au:N/C:P/I:P/A:P", "baseScore": 7.5}}]},
      "weaknesses": [{"source": "nvd@nist.gov", "type": "Primary", "description": [{"lang": "en", "value": "CWE-787"}]}],
      "configurations": [{"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
        {"vulnerable": true, "criteria": "cpe:2.3:a:acme:libfoo:*:*:*:*:*:*:*:*", "versionEndExcluding": "1.2.3",
         "matchCriteriaId": "00000000-0000-0000-0000-000000000000"}]}]}],
      "cisaExploitAdd": "2024-05-01", "cisaActionDue": "2024-05-22",
      "references": [{"url": "https://acme.example/sa-1", "source": "cna@acme.example"}]}},
    {"cve": {"id": "CVE-2023-9999", "sourceIdentifier": "cve@mitre.org",
      "published": "2023-01-01T00:00:00.000", "lastModified": "2023-02-01T00:00:00.000", "vulnStatus": "Rejected",
      "descriptions": [{"lang": "en", "value": "** REJECT ** Duplicate."}]}}
  ]
}"#;

pub const KEV: &str = r#"{
  "title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2024.05.01",
  "dateReleased": "2024-05-01T12:00:00.000Z", "count": 1,
  "vulnerabilities": [{"cveID": "CVE-2024-0001", "vendorProject": "Acme", "product": "libfoo",
    "vulnerabilityName": "Acme libfoo Heap Overflow", "dateAdded": "2024-05-01",
    "shortDescription": "x", "requiredAction": "Apply updates.", "dueDate": "2024-05-22",
    "knownRansomwareCampaignUse": "Known", "notes": "", "cwes": ["CWE-122"]}]
}"#;

pub const EPSS: &str = "#model_version:v2025.03.14,score_date:2024-06-01T12:55:00Z\ncve,epss,percentile\nCVE-2024-0001,0.91234,0.99871\nCVE-2023-0002,0.00043,0.10000\n";

/// The kernel CNA's layout: dateless records, rejection by folder.
pub const KERNEL: &str = r#"{
  "dataType": "CVE_RECORD", "dataVersion": "5.1.1",
  "cveMetadata": {"assignerOrgId": "f4215fc3-5b6b-47ff-a258-f7189bd81038", "cveId": "CVE-2024-1111", "state": "PUBLISHED"},
  "containers": {"cna": {
    "providerMetadata": {"orgId": "f4215fc3-5b6b-47ff-a258-f7189bd81038"},
    "title": "net: fix a use-after-free",
    "descriptions": [{"lang": "en", "value": "In the Linux kernel, the following vulnerability has been resolved: net: fix."}],
    "affected": [{"product": "Linux", "vendor": "Linux", "defaultStatus": "affected",
      "programFiles": ["net/core/dev.c"],
      "versions": [{"version": "5.4", "status": "affected"},
                   {"version": "0", "lessThan": "5.4", "status": "unaffected", "versionType": "semver"},
                   {"version": "6.1.83", "lessThanOrEqual": "6.1.*", "status": "unaffected", "versionType": "semver"},
                   {"version": "6.9", "lessThanOrEqual": "*", "status": "unaffected", "versionType": "original_commit_for_fix"}]}],
    "x_generator": {"engine": "bippy-1.2.0"}
  }}
}"#;

/// A fresh temporary directory with `files` (relative path, content) written into it.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write fixture");
    }
    dir
}

/// Import `paths` into the database in `db`.
pub fn import(db: &Path, paths: &[PathBuf]) -> craft_vulndb::ImportReport {
    let mut store = SqliteStore::create(db).expect("create database");
    store
        .import(paths, &Limits::default(), &mut |_| {})
        .expect("import")
}

/// How many records of `source` the database in `db` holds.
pub fn records_of(db: &Path, source: &str) -> i64 {
    let st = SqliteStore::open(db).unwrap().status().unwrap();
    st.sources
        .iter()
        .find(|s| s.source == source)
        .unwrap()
        .records
}

fn all_sources() -> tempfile::TempDir {
    tree(&[
        ("osv/GHSA-aaaa-bbbb-cccc.json", OSV_GHSA),
        ("osv/GO-2024-0001.json", OSV_GO),
        ("cve/2024/0xxx/CVE-2024-0001.json", CVE5),
        ("nvd/page-0.json", NVD_PAGE),
        ("kev/known_exploited_vulnerabilities.json", KEV),
        ("epss/epss_scores.csv", EPSS),
        ("vulns/cve/published/2024/CVE-2024-1111.json", KERNEL),
        ("README.md", "# not data\n"),
    ])
}

#[test]
fn every_source_is_read_and_merged_into_one_vulnerability() {
    let input = all_sources();
    let db = tempfile::tempdir().unwrap();
    let report = import(db.path(), &[input.path().to_path_buf()]);
    let s = |name: &str| report.sources.get(name).cloned().unwrap_or_default();
    assert_eq!(s("osv").imported, 2);
    assert_eq!(s("cve").imported, 1);
    assert_eq!(s("cve-adp").imported, 1);
    assert_eq!(s("nvd").imported, 2);
    assert_eq!(s("kev").imported, 1);
    assert_eq!(s("epss").imported, 2);
    assert_eq!(s("kernel-cna").imported, 1);
    assert_eq!(
        report.unrecognised.skipped.get("not-vulnerability-data"),
        Some(&1)
    );
    // GHSA and GO were merged with the CVE by their aliases.
    assert_eq!(s("osv").merged, 2);

    let store = SqliteStore::open(db.path()).unwrap();
    let p = Precedence::default();
    for name in [
        "CVE-2024-0001",
        "cve-2024-0001",
        "GHSA-aaaa-bbbb-cccc",
        "GO-2024-0001",
    ] {
        let v = store.vulnerability(name, &p).unwrap().expect(name);
        assert_eq!(v.id, "CVE-2024-0001", "looked up by {name}");
    }
    let v = store.vulnerability("GO-2024-0001", &p).unwrap().unwrap();
    assert_eq!(v.aliases, ["GHSA-aaaa-bbbb-cccc", "GO-2024-0001"]);
    // KEV and EPSS enrichment.
    let kev = v.kev.as_ref().expect("KEV");
    assert_eq!(
        (kev.date_added.as_str(), kev.due_date.as_deref()),
        ("2024-05-01", Some("2024-05-22"))
    );
    assert_eq!(kev.ransomware.as_deref(), Some("Known"));
    let epss = v.epss.as_ref().expect("EPSS");
    assert_eq!(
        (epss.score, epss.percentile, epss.date.as_deref()),
        (0.91234, 0.99871, Some("2024-06-01"))
    );
    // Severity from every source, NVD's primary first, each scored from its vector.
    let sev: Vec<(&str, &str, Option<f64>)> = v
        .severities
        .iter()
        .map(|s| (s.from.source.name(), s.value.kind.as_str(), s.value.score))
        .collect();
    assert_eq!(sev[0], ("nvd", "cvss3.1", Some(9.8)));
    for expected in [
        ("nvd", "cvss2", Some(7.5)),
        ("cve-adp", "cvss3.1", Some(7.5)),
        ("cve", "cvss4.0", Some(9.3)),
        ("osv", "cvss3.1", Some(9.8)),
        ("osv", "text", None),
    ] {
        assert!(sev.contains(&expected), "{expected:?} missing from {sev:?}");
    }
    // The CNA's text wins over NVD's copy; the ADP's title is not a summary.
    assert_eq!(
        v.summary.as_ref().unwrap().value.text,
        "libfoo heap overflow in parse()"
    );
    assert_eq!(v.summary.as_ref().unwrap().from.source.name(), "cve");
    assert_eq!(
        v.details.as_ref().unwrap().value.text,
        "A heap overflow in libfoo before 1.2.3."
    );
    // CWEs from every source, SSVC and NVD's KEV flag as facts.
    let cwes: Vec<(&str, &str)> = v
        .cwes
        .iter()
        .map(|c| (c.value.text.as_str(), c.from.source.name()))
        .collect();
    assert!(
        cwes.contains(&("CWE-122", "osv"))
            && cwes.contains(&("CWE-122", "cve"))
            && cwes.contains(&("CWE-787", "nvd"))
    );
    assert!(v
        .facts
        .iter()
        .any(|f| f.value.kind == "ssvc" && f.from.assigner == "CISA-ADP"));
    assert!(v
        .facts
        .iter()
        .any(|f| f.value.kind == "kev" && f.from.source.name() == "nvd"));
    // Affected ranges under their keys, each source's own form, ranked.
    let keys: Vec<(&str, &str, &str, bool)> = v
        .affected
        .iter()
        .map(|a| {
            (
                a.key.as_str(),
                a.form.as_str(),
                a.from.source.name(),
                a.trusted,
            )
        })
        .collect();
    for expected in [
        ("purl:cargo/libfoo", "osv", "osv", true),
        ("purl:golang/github.com/acme/libfoo", "osv", "osv", true),
        ("vp:acme/libfoo", "cve5", "cve", true),
        ("vp:acme/libfoo", "cve5", "cve-adp", false),
        ("cpe:acme:libfoo", "nvd", "nvd", true),
        ("cpe:acme:libfoo", "cve5", "cve-adp", false),
    ] {
        assert!(
            keys.contains(&expected),
            "{expected:?} missing from {keys:?}"
        );
    }
    let nvd = v.affected.iter().find(|a| a.form == "nvd").unwrap();
    assert_eq!(
        nvd.range["nodes"][0]["cpeMatch"][0]["versionEndExcluding"], "1.2.3",
        "the configuration is kept intact"
    );
    // Provenance: every record with its origin, time and hash.
    assert_eq!(v.records.len(), 5);
    for r in &v.records {
        let file = r.origin.split('#').next().unwrap();
        assert!(Path::new(file).exists(), "{}", r.origin);
        assert_eq!(r.sha256.len(), 64);
        assert!(r.imported.is_some());
    }
}

#[test]
fn rejected_records_stay_visible_with_their_status() {
    let input = all_sources();
    let rejected = tree(&[(
        "vulns/cve/rejected/2024/CVE-2024-2222.json",
        &KERNEL.replace("CVE-2024-1111", "CVE-2024-2222"),
    )]);
    let db = tempfile::tempdir().unwrap();
    import(
        db.path(),
        &[input.path().to_path_buf(), rejected.path().to_path_buf()],
    );
    let store = SqliteStore::open(db.path()).unwrap();
    let p = Precedence::default();
    let nvd_rejected = store.vulnerability("CVE-2023-9999", &p).unwrap().unwrap();
    assert_eq!(nvd_rejected.status.value.status, Status::Rejected);
    let kernel = store.vulnerability("CVE-2024-2222", &p).unwrap().unwrap();
    assert_eq!(
        kernel.status.value.status,
        Status::Rejected,
        "the kernel CNA's rejected/ folder"
    );
    let published = store.vulnerability("CVE-2024-1111", &p).unwrap().unwrap();
    assert_eq!(published.status.value.status, Status::Published);
    let status = store.status().unwrap();
    let kernel_status = status
        .sources
        .iter()
        .find(|s| s.source == "kernel-cna")
        .unwrap();
    assert_eq!((kernel_status.records, kernel_status.void), (2, 1));
}

#[test]
fn kernel_cna_ranges_are_kept_per_branch_and_trusted_over_nvd() {
    let nvd_kernel = r#"{"cve": {"id": "CVE-2024-1111", "sourceIdentifier": "416baaa9-dc9f-4396-8d5f-8c081fb06d67",
      "lastModified": "2024-06-01T00:00:00.000", "vulnStatus": "Analyzed",
      "descriptions": [{"lang": "en", "value": "In the Linux kernel..."}],
      "configurations": [{"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
        {"vulnerable": true, "criteria": "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*", "versionEndExcluding": "6.9"}]}]}]}}"#;
    let input = tree(&[
        ("k/CVE-2024-1111.json", KERNEL),
        ("n/CVE-2024-1111.json", nvd_kernel),
    ]);
    let db = tempfile::tempdir().unwrap();
    import(db.path(), &[input.path().to_path_buf()]);
    let store = SqliteStore::open(db.path()).unwrap();
    let v = store
        .vulnerability("CVE-2024-1111", &Precedence::default())
        .unwrap()
        .unwrap();
    let kernel: Vec<_> = v
        .affected
        .iter()
        .filter(|a| a.key == "linux-kernel")
        .collect();
    assert_eq!(kernel.len(), 2);
    assert!(kernel[0].trusted && kernel[0].from.source.name() == "kernel-cna");
    assert!(!kernel[1].trusted && kernel[1].from.source.name() == "nvd");
    let versions = kernel[0].range["versions"].as_array().unwrap();
    assert!(versions
        .iter()
        .any(|x| x["version"] == "6.1.83" && x["lessThanOrEqual"] == "6.1.*"));
    assert_eq!(kernel[0].range["programFiles"][0], "net/core/dev.c");

    // A precedence.toml that puts NVD first changes which range is trusted.
    std::fs::write(
        db.path().join("precedence.toml"),
        "affected = [\"nvd\", \"kernel-cna\"]\n",
    )
    .unwrap();
    let p = Precedence::for_dir(db.path()).unwrap();
    let v = store.vulnerability("CVE-2024-1111", &p).unwrap().unwrap();
    let trusted: Vec<_> = v
        .affected
        .iter()
        .filter(|a| a.trusted)
        .map(|a| a.from.source.name())
        .collect();
    assert_eq!(trusted, ["nvd"]);
    std::fs::write(db.path().join("precedence.toml"), "affected = [\"nope\"]\n").unwrap();
    let err = Precedence::for_dir(db.path()).unwrap_err().to_string();
    assert!(err.contains("`nope` names no source"), "{err}");
}

#[test]
fn reimport_is_unchanged_newer_replaces_older_is_skipped() {
    let db = tempfile::tempdir().unwrap();
    let v1 = tree(&[("a.json", OSV_GHSA)]);
    let r = import(db.path(), &[v1.path().to_path_buf()]);
    assert_eq!(r.sources["osv"].imported, 1);
    let r = import(db.path(), &[v1.path().to_path_buf()]);
    assert_eq!(
        (r.sources["osv"].imported, r.sources["osv"].unchanged),
        (0, 1)
    );

    let newer = OSV_GHSA
        .replace("2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z")
        .replace(
            "Heap overflow in libfoo",
            "Heap overflow in libfoo (revised)",
        );
    let v2 = tree(&[("a.json", &newer)]);
    let r = import(db.path(), &[v2.path().to_path_buf()]);
    assert_eq!(r.sources["osv"].updated, 1);

    // A copy modified in the past never replaces the newer one.
    let r = import(db.path(), &[v1.path().to_path_buf()]);
    assert_eq!(r.sources["osv"].skipped.get("older-than-stored"), Some(&1));
    let store = SqliteStore::open(db.path()).unwrap();
    let v = store
        .vulnerability("GHSA-aaaa-bbbb-cccc", &Precedence::default())
        .unwrap()
        .unwrap();
    assert_eq!(
        v.summary.unwrap().value.text,
        "Heap overflow in libfoo (revised)"
    );
    assert_eq!(store.status().unwrap().imports, 4);
}

#[test]
fn duplicate_ids_with_conflicting_data_keep_the_first_and_say_so() {
    let twin = OSV_GHSA.replace("Heap overflow in libfoo", "Something else entirely");
    let input = tree(&[("1/a.json", OSV_GHSA), ("2/a.json", &twin)]);
    let db = tempfile::tempdir().unwrap();
    let r = import(db.path(), &[input.path().to_path_buf()]);
    assert_eq!(r.sources["osv"].imported, 1);
    assert_eq!(r.sources["osv"].skipped.get("duplicate-conflict"), Some(&1));
    let ex = &r.examples["duplicate-conflict"][0];
    assert!(
        ex.origin.ends_with("2/a.json") && ex.detail.contains("1/a.json"),
        "{ex:?}"
    );
}

#[test]
fn archives_and_yaml_are_read_like_directories() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    // zip (the OSV all.zip layout)
    let zip_path = dir.path().join("all.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("GHSA-aaaa-bbbb-cccc.json", opts).unwrap();
    z.write_all(OSV_GHSA.as_bytes()).unwrap();
    z.finish().unwrap();
    // .tar.zst of a CVE tree
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(CVE5.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    tar.append_data(&mut h, "cves/2024/0xxx/CVE-2024-0001.json", CVE5.as_bytes())
        .unwrap();
    let tar_bytes = tar.into_inner().unwrap();
    std::fs::write(
        dir.path().join("cves.tar.zst"),
        zstd::encode_all(&tar_bytes[..], 3).unwrap(),
    )
    .unwrap();
    // .gz of a KEV catalog, YAML OSV (PyPA's form)
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(KEV.as_bytes()).unwrap();
    std::fs::write(dir.path().join("kev.json.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        dir.path().join("PYSEC-2024-1.yaml"),
        "id: PYSEC-2024-1\nmodified: '2024-01-01T00:00:00Z'\naliases:\n- CVE-2024-0001\naffected:\n- package:\n    name: libfoo\n    ecosystem: PyPI\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: '0'\n    - fixed: 1.2.3\n",
    )
    .unwrap();
    let db = tempfile::tempdir().unwrap();
    let r = import(db.path(), &[dir.path().to_path_buf()]);
    assert_eq!(r.sources["osv"].imported, 2, "{r:#?}");
    assert_eq!(r.sources["cve"].imported, 1);
    assert_eq!(r.sources["kev"].imported, 1);
    let store = SqliteStore::open(db.path()).unwrap();
    let v = store
        .vulnerability("PYSEC-2024-1", &Precedence::default())
        .unwrap()
        .unwrap();
    assert_eq!(v.id, "CVE-2024-0001");
    assert!(v.records.iter().any(|r| r
        .origin
        .contains("cves.tar.zst!cves/2024/0xxx/CVE-2024-0001.json")));
    assert!(v.affected.iter().any(|a| a.key == "purl:pypi/libfoo"));
}

#[test]
fn a_database_that_does_not_exist_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = SqliteStore::open(&dir.path().join("nothing"))
        .err()
        .expect("an error");
    assert!(err.to_string().contains("craft db import"), "{err}");
}

#[test]
fn one_thread_and_two_threads_import_the_same() {
    let input = all_sources();
    let mut reports = Vec::new();
    for parallel in [false, true] {
        let db = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::create(db.path()).unwrap();
        let limits = Limits {
            parallel,
            ..Limits::default()
        };
        let r = store
            .import(&[input.path().to_path_buf()], &limits, &mut |_| {})
            .unwrap();
        reports.push(serde_json::to_value(&r).unwrap());
    }
    assert_eq!(reports[0], reports[1]);
    assert_eq!(reports[0]["sources"]["osv"]["imported"], 2);
}

#[test]
fn an_alias_withdrawn_splits_the_group_and_an_unchanged_import_rewrites_no_group() {
    let db = tempfile::tempdir().unwrap();
    let both = tree(&[("GO.json", OSV_GO), ("GHSA.json", OSV_GHSA)]);
    import(db.path(), &[both.path().to_path_buf()]);
    let store = SqliteStore::open(db.path()).unwrap();
    let p = Precedence::default();
    let go = store.vulnerability("GO-2024-0001", &p).unwrap().unwrap();
    assert_eq!(go.id, "CVE-2024-0001");
    assert_eq!(go.aliases, ["GHSA-aaaa-bbbb-cccc", "GO-2024-0001"]);
    assert_eq!(store.status().unwrap().vulnerabilities, 1);
    let names = |store: &SqliteStore| store.status().unwrap().names;
    assert_eq!(names(&store), 3);
    drop(store);

    // The same data again: the alias index is left as it is (a trigger counts writes).
    let conn = rusqlite::Connection::open(db.path().join("craft.sqlite")).unwrap();
    conn.execute_batch(
        "CREATE TABLE writes(n INTEGER); INSERT INTO writes VALUES (0);
         CREATE TRIGGER w1 AFTER INSERT ON vuln BEGIN UPDATE writes SET n = n + 1; END;
         CREATE TRIGGER w2 AFTER UPDATE ON vuln BEGIN UPDATE writes SET n = n + 1; END;
         CREATE TRIGGER w3 AFTER DELETE ON vuln BEGIN UPDATE writes SET n = n + 1; END;",
    )
    .unwrap();
    let writes = || -> i64 {
        conn.query_row("SELECT n FROM writes", [], |r| r.get(0))
            .unwrap()
    };
    import(db.path(), &[both.path().to_path_buf()]);
    assert_eq!(writes(), 0);

    // Go drops its aliases: it stands alone, the GHSA keeps its CVE.
    let newer = OSV_GO
        .replace("2024-02-01T00:00:00Z", "2024-06-01T00:00:00Z")
        .replace(
            r#""aliases": ["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"],"#,
            "",
        );
    let v2 = tree(&[("GO.json", &newer)]);
    let r = import(db.path(), &[v2.path().to_path_buf()]);
    assert_eq!(r.sources["osv"].updated, 1);
    let store = SqliteStore::open(db.path()).unwrap();
    let go = store.vulnerability("GO-2024-0001", &p).unwrap().unwrap();
    assert_eq!((go.id.as_str(), go.aliases.len()), ("GO-2024-0001", 0));
    let ghsa = store.vulnerability("CVE-2024-0001", &p).unwrap().unwrap();
    assert_eq!(ghsa.aliases, ["GHSA-aaaa-bbbb-cccc"]);
    assert_eq!(store.status().unwrap().vulnerabilities, 2);
    // GO-2024-0001 becomes its own canonical row, CVE-2024-0001 loses it from `members`.
    assert_eq!(writes(), 2);
}

#[test]
fn a_schema_1_database_is_upgraded_by_the_next_import() {
    let db = tempfile::tempdir().unwrap();
    let both = tree(&[("GO.json", OSV_GO), ("GHSA.json", OSV_GHSA)]);
    import(db.path(), &[both.path().to_path_buf()]);
    // Turn it into what schema 1 wrote: no `members`, a second index on `vuln`.
    {
        let c = rusqlite::Connection::open(db.path().join("craft.sqlite")).unwrap();
        c.execute_batch(
            "ALTER TABLE vuln DROP COLUMN members; CREATE INDEX vuln_vuln ON vuln(vuln);
             UPDATE meta SET value='1' WHERE key='schema';",
        )
        .unwrap();
    }
    let err = SqliteStore::open(db.path())
        .err()
        .expect("schema 1 is refused");
    assert!(err.to_string().contains("schema version 1"), "{err}");
    // Opening it for an import upgrades it; reads then work.
    drop(SqliteStore::create(db.path()).expect("upgrade"));
    let store = SqliteStore::open(db.path()).unwrap();
    let v = store
        .vulnerability("GHSA-aaaa-bbbb-cccc", &Precedence::default())
        .unwrap()
        .unwrap();
    assert_eq!(v.id, "CVE-2024-0001");
    assert_eq!(v.aliases, ["GHSA-aaaa-bbbb-cccc", "GO-2024-0001"]);
    assert_eq!(store.status().unwrap().vulnerabilities, 1);
}

/// The lookup tables a matcher reads, for the key of the first range of `name`: the record
/// ids and bodies under the key, and the brief's summary and aliases.
fn looked_up(
    store: &SqliteStore,
    name: &str,
) -> (Vec<(String, String)>, Option<String>, Vec<String>) {
    let p = Precedence::default();
    let v = store.vulnerability(name, &p).unwrap().unwrap();
    let (ranges, damaged) = store.ranges_for_key(&v.affected[0].key).unwrap();
    assert_eq!(damaged, 0);
    // The batched lookup answers the same, and leaves out a key it does not know.
    let batch = store
        .ranges_for_keys(&[v.affected[0].key.as_str(), "purl:npm/no-such-package"])
        .unwrap();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].0, v.affected[0].key);
    let same = |a: &[craft_vulndb::KeyRange], b: &[craft_vulndb::KeyRange]| {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                (&x.record, &x.vuln, &x.body, x.status) == (&y.record, &y.vuln, &y.body, y.status)
            })
    };
    assert!(same(&batch[0].1, &ranges));
    let brief = store.brief(name, &p).unwrap().unwrap();
    (
        ranges.into_iter().map(|r| (r.record, r.body)).collect(),
        brief.summary,
        brief.aliases,
    )
}

#[test]
fn the_lookup_tables_follow_every_import() {
    let db = tempfile::tempdir().unwrap();
    let v1 = tree(&[("a.json", OSV_GHSA)]);
    import(db.path(), &[v1.path().to_path_buf()]);
    let (ranges, summary, aliases) = looked_up(
        &SqliteStore::open(db.path()).unwrap(),
        "GHSA-aaaa-bbbb-cccc",
    );
    assert_eq!(ranges.len(), 1);
    assert_eq!(ranges[0].0, "GHSA-aaaa-bbbb-cccc");
    assert!(ranges[0].1.contains("\"fixed\""), "{}", ranges[0].1);
    assert_eq!(summary.as_deref(), Some("Heap overflow in libfoo"));

    // A newer copy with another fix and summary replaces both.
    let newer = OSV_GHSA
        .replace("2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z")
        .replace(
            "Heap overflow in libfoo",
            "Heap overflow in libfoo (revised)",
        )
        .replace("\"fixed\": \"1.2.3\"", "\"fixed\": \"1.2.4\"");
    assert!(newer.contains("1.2.4"), "the fixture states fixed 1.2.3");
    let v2 = tree(&[("a.json", &newer)]);
    import(db.path(), &[v2.path().to_path_buf()]);
    let (ranges2, summary2, _) = looked_up(
        &SqliteStore::open(db.path()).unwrap(),
        "GHSA-aaaa-bbbb-cccc",
    );
    assert!(ranges2[0].1.contains("1.2.4"), "{}", ranges2[0].1);
    assert_eq!(
        summary2.as_deref(),
        Some("Heap overflow in libfoo (revised)")
    );

    // A record of another source joins the group: the brief names it, by either name.
    let go = tree(&[("GO.json", OSV_GO)]);
    import(db.path(), &[go.path().to_path_buf()]);
    let store = SqliteStore::open(db.path()).unwrap();
    let (_, _, aliases2) = looked_up(&store, "GO-2024-0001");
    assert_eq!(aliases2, ["GHSA-aaaa-bbbb-cccc", "GO-2024-0001"]);
    assert!(aliases.len() < aliases2.len());
    let (_, _, aliases3) = looked_up(&store, "GHSA-aaaa-bbbb-cccc");
    assert_eq!(aliases2, aliases3);

    // KEV only: the lookup tables stay, and the brief shows the listing.
    let kev = tree(&[("kev/known_exploited_vulnerabilities.json", KEV)]);
    import(db.path(), &[kev.path().to_path_buf()]);
    let store = SqliteStore::open(db.path()).unwrap();
    let (ranges3, summary3, _) = looked_up(&store, "GHSA-aaaa-bbbb-cccc");
    assert_eq!((ranges2, summary2), (ranges3, summary3));
    let brief = store
        .brief("CVE-2024-0001", &Precedence::default())
        .unwrap()
        .unwrap();
    assert!(brief.kev.is_some(), "KEV is joined when read");
}

#[test]
fn a_schema_2_database_gets_its_lookup_tables_at_the_next_import() {
    let db = tempfile::tempdir().unwrap();
    let both = tree(&[("GO.json", OSV_GO), ("GHSA.json", OSV_GHSA)]);
    import(db.path(), &[both.path().to_path_buf()]);
    let want = looked_up(&SqliteStore::open(db.path()).unwrap(), "GO-2024-0001");
    {
        let c = rusqlite::Connection::open(db.path().join("craft.sqlite")).unwrap();
        c.execute_batch(
            "DROP TABLE keyed; DROP TABLE briefed; UPDATE meta SET value='2' WHERE key='schema';",
        )
        .unwrap();
    }
    let err = SqliteStore::open(db.path())
        .err()
        .expect("schema 2 is refused");
    assert!(err.to_string().contains("schema version 2"), "{err}");
    drop(SqliteStore::create(db.path()).expect("upgrade"));
    let store = SqliteStore::open(db.path()).unwrap();
    assert_eq!(looked_up(&store, "GO-2024-0001"), want);
}

#[test]
fn a_damaged_lookup_row_is_counted_not_trusted() {
    let db = tempfile::tempdir().unwrap();
    let v1 = tree(&[("a.json", OSV_GHSA)]);
    import(db.path(), &[v1.path().to_path_buf()]);
    let store = SqliteStore::open(db.path()).unwrap();
    let key = store
        .vulnerability("GHSA-aaaa-bbbb-cccc", &Precedence::default())
        .unwrap()
        .unwrap()
        .affected[0]
        .key
        .clone();
    drop(store);
    let c = rusqlite::Connection::open(db.path().join("craft.sqlite")).unwrap();
    // Cut the row's value short, then make it text.
    c.execute(
        "UPDATE keyed SET ranges = substr(ranges, 1, length(ranges) - 3) WHERE key = ?1",
        [&key],
    )
    .unwrap();
    let store = SqliteStore::open(db.path()).unwrap();
    let (ranges, damaged) = store.ranges_for_key(&key).unwrap();
    assert!(ranges.is_empty());
    assert_eq!(damaged, 1);
    c.execute("UPDATE keyed SET ranges = 'text' WHERE key = ?1", [&key])
        .unwrap();
    let (ranges, damaged) = store.ranges_for_key(&key).unwrap();
    assert!(ranges.is_empty());
    assert_eq!(damaged, 1);
    // A brief cut short is an error, not a brief of the records before the cut.
    let p = Precedence::default();
    assert!(store.brief("GHSA-aaaa-bbbb-cccc", &p).unwrap().is_some());
    c.execute(
        "UPDATE briefed SET body = substr(body, 1, length(body) - 2)",
        [],
    )
    .unwrap();
    let err = store.brief("GHSA-aaaa-bbbb-cccc", &p).unwrap_err();
    assert!(format!("{err:?}").contains("cut short"), "{err:?}");
}
