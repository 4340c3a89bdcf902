//! Matching on small records written here: each identity path (purl, CPE, vendor-less CPE,
//! identity table), each range form, precedence and disagreement, withdrawn records,
//! undecidable versions, enrichment and priority.

use crate::{db_of, import_into, sbom, tree};
use craft_scan::{FindingStatus, Matcher, ScanReport};
use craft_vulndb::{Precedence, SqliteStore};

const GHSA_LODASH: &str = r#"{"schema_version": "1.6.0", "id": "GHSA-lod1-lod1-lod1",
  "modified": "2024-03-01T00:00:00Z", "aliases": ["CVE-2020-8203"], "summary": "Prototype pollution in lodash",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H"}],
  "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.19"}]}]}]}"#;

/// Withdrawn: never a finding.
const GHSA_WITHDRAWN: &str = r#"{"id": "GHSA-wwww-wwww-wwww", "modified": "2024-03-01T00:00:00Z",
  "withdrawn": "2024-03-02T00:00:00Z",
  "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}"#;

/// A bound npm's scheme rejects (`2.0.0.4`): read in the generic order, with a note.
const GHSA_ODD_BOUND: &str = r#"{"id": "GHSA-oddb-oddb-oddb", "modified": "2024-03-01T00:00:00Z",
  "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0.0.4"}]}]}]}"#;

/// OpenSSL's CNA record: per-branch ranges, free-text vendor/product.
const CVE_OPENSSL: &str = r#"{"dataType": "CVE_RECORD", "dataVersion": "5.1",
  "cveMetadata": {"cveId": "CVE-2024-6119", "state": "PUBLISHED", "assignerShortName": "openssl",
    "datePublished": "2024-09-03T00:00:00Z", "dateUpdated": "2024-09-10T00:00:00Z"},
  "containers": {"cna": {"providerMetadata": {"orgId": "3a12439a-ef3a-4c79-92e6-6081a721f1e5", "shortName": "openssl"},
    "descriptions": [{"lang": "en", "value": "Possible denial of service in X.509 name checks."}],
    "affected": [{"vendor": "OpenSSL", "product": "OpenSSL", "defaultStatus": "unaffected", "versions": [
      {"status": "affected", "version": "3.3.0", "lessThan": "3.3.2", "versionType": "semver"},
      {"status": "affected", "version": "3.0.0", "lessThan": "3.0.15", "versionType": "semver"}]}],
    "metrics": [{"cvssV3_1": {"version": "3.1", "baseScore": 7.5, "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}}]}}}"#;

/// Free text instead of versions: undecidable.
const CVE_PROSE: &str = r#"{"dataType": "CVE_RECORD", "dataVersion": "5.1",
  "cveMetadata": {"cveId": "CVE-2019-1547", "state": "PUBLISHED", "assignerShortName": "openssl",
    "datePublished": "2019-09-10T00:00:00Z", "dateUpdated": "2019-09-10T00:00:00Z"},
  "containers": {"cna": {"providerMetadata": {"orgId": "3a12439a-ef3a-4c79-92e6-6081a721f1e5", "shortName": "openssl"},
    "descriptions": [{"lang": "en", "value": "ECDSA side channel."}],
    "affected": [{"vendor": "OpenSSL", "product": "OpenSSL", "versions": [
      {"status": "affected", "version": "Fixed in OpenSSL 1.1.1d (Affected 1.1.1-1.1.1c)"}]}]}}}"#;

const KEV: &str = r#"{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2024.10.01",
  "dateReleased": "2024-10-01T12:00:00.000Z", "count": 1,
  "vulnerabilities": [{"cveID": "CVE-2024-6119", "vendorProject": "OpenSSL", "product": "OpenSSL",
    "vulnerabilityName": "x", "dateAdded": "2024-10-01", "shortDescription": "x", "requiredAction": "x",
    "dueDate": "2024-10-22", "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": []}]}"#;

const EPSS: &str =
    "cve,epss,percentile\nCVE-2020-8203,0.04000,0.90000\nCVE-2024-6119,0.20000,0.97000\n";

/// The SBOM: one component per case.
const SBOM: &str = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "components": [
    {"type": "library", "bom-ref": "lodash-old", "name": "lodash", "version": "4.17.15", "purl": "pkg:npm/lodash@4.17.15"},
    {"type": "library", "bom-ref": "lodash-new", "name": "lodash", "version": "4.17.21", "purl": "pkg:npm/lodash@4.17.21"},
    {"type": "library", "bom-ref": "lodash-odd", "name": "lodash", "version": "latest", "purl": "pkg:npm/lodash@latest"},
    {"type": "library", "bom-ref": "left-pad", "name": "left-pad", "version": "2.0.0-beta.3", "purl": "pkg:npm/left-pad@2.0.0-beta.3"},
    {"type": "library", "bom-ref": "openssl", "name": "libcrypto3", "version": "3.0.14", "cpe": "cpe:2.3:*:*:openssl:3.0.14:*:*:*:*:*:*:*"},
    {"type": "library", "bom-ref": "openssl-fixed", "name": "openssl", "version": "3.0.15", "purl": "pkg:generic/openssl@3.0.15"},
    {"type": "application", "bom-ref": "mystery", "name": "my-app", "version": "1.0"}
  ]}"#;

fn setup() -> (tempfile::TempDir, ScanReport) {
    let data = tree(&[
        ("osv/GHSA-lod1.json", GHSA_LODASH),
        ("osv/GHSA-wwww.json", GHSA_WITHDRAWN),
        ("osv/GHSA-oddb.json", GHSA_ODD_BOUND),
        ("cve/CVE-2024-6119.json", CVE_OPENSSL),
        ("cve/CVE-2019-1547.json", CVE_PROSE),
        ("kev/kev.json", KEV),
        ("epss/epss.csv", EPSS),
    ]);
    let (db, store) = db_of(&[data.path().to_path_buf()]);
    let sbom = sbom(SBOM);
    let p = Precedence::default();
    let report = Matcher::new(&store, &p).scan(&sbom).unwrap();
    (db, report)
}

fn finding<'a>(r: &'a ScanReport, component: &str, id: &str) -> Option<&'a craft_scan::Finding> {
    r.findings
        .iter()
        .find(|f| f.component == component && f.id == id)
}

#[test]
fn each_identity_path_and_range_form_is_judged() {
    let (_db, r) = setup();
    let pairs: Vec<(String, String, FindingStatus)> = r
        .findings
        .iter()
        .map(|f| (f.component.clone(), f.id.clone(), f.status))
        .collect();
    eprintln!("{pairs:#?}");
    // lodash 4.17.15 < 4.17.19: affected, under its CVE, the GHSA an alias.
    let f = finding(&r, "lodash-old", "CVE-2020-8203").expect("lodash finding");
    assert_eq!(f.status, FindingStatus::Affected);
    assert_eq!(f.aliases, ["GHSA-lod1-lod1-lod1"]);
    assert_eq!(f.fixed, ["4.17.19"]);
    assert_eq!(f.identity.key, "purl:npm/lodash");
    assert_eq!(f.decided_by.id, "GHSA-lod1-lod1-lod1");
    assert!(f
        .cvss3
        .as_ref()
        .is_some_and(|c| (c.score - 7.4).abs() < 1e-9));
    assert_eq!(f.epss.as_ref().map(|e| e.score), Some(0.04));
    // 4.17.21 is fixed: no finding; the withdrawn advisory names every version: no finding.
    assert!(r.findings.iter().all(|f| f.component != "lodash-new"));
    assert!(r.findings.iter().all(|f| f.id != "GHSA-wwww-wwww-wwww"));
    assert!(r.withdrawn >= 2, "{}", r.withdrawn);
    // A version npm cannot read: unknown, with the reason, never "not affected".
    let f = finding(&r, "lodash-odd", "CVE-2020-8203").expect("undecided finding");
    assert_eq!(f.status, FindingStatus::Unknown);
    assert!(
        f.reason.as_deref().unwrap().contains("latest"),
        "{:?}",
        f.reason
    );
    // An npm bound that is not an npm version (2.0.0.4): read as the release after 2.0.0,
    // and said so.
    let f = finding(&r, "left-pad", "GHSA-oddb-oddb-oddb").expect("left-pad finding");
    assert_eq!(f.status, FindingStatus::Affected);
    assert!(
        f.note.as_deref().unwrap().contains("`2.0.0.4`"),
        "{:?}",
        f.note
    );
    // Yocto's vendor-less CPE → openssl:openssl → the CNA's free-text vendor/product.
    let f = finding(&r, "openssl", "CVE-2024-6119").expect("openssl finding");
    assert_eq!(f.status, FindingStatus::Affected);
    assert_eq!(f.identity.key, "vp:openssl/openssl");
    assert_eq!(f.fixed, ["3.0.15", "3.3.2"]);
    // KEV first: P1, with the date, and the reason says so.
    assert_eq!(f.priority.label, "P1");
    assert!(f.priority.why.contains("KEV"), "{}", f.priority.why);
    assert_eq!(f.kev.as_ref().unwrap().date_added, "2024-10-01");
    // The prose record cannot be judged: unknown, not affected and not "not affected".
    let f = finding(&r, "openssl", "CVE-2019-1547").expect("prose finding");
    assert_eq!(f.status, FindingStatus::Unknown);
    // openssl 3.0.15 by its generic purl and the identity table: fixed.
    assert!(finding(&r, "openssl-fixed", "CVE-2024-6119").is_none());
    // my-app: nothing identifies it, and the report says why.
    assert_eq!(r.unidentified.len(), 1);
    assert!(r.unidentified[0].reason.contains("my-app"));
    assert_eq!((r.components, r.identified), (7, 6));
    // Worst first.
    assert_eq!(r.findings[0].priority.label, "P1");
}

#[test]
fn precedence_decides_between_sources_and_the_finding_records_the_disagreement() {
    // The CNA says 3.0.14 is affected; an ADP container says every 3.x is unaffected.
    let adp = CVE_OPENSSL.replace(
        r#""metrics": [{"cvssV3_1""#,
        r#""x": 0}, "adp": [{"providerMetadata": {"orgId": "134c704f-9b21-4f2e-91b3-4a467353bcc0", "shortName": "CISA-ADP"},
          "affected": [{"vendor": "openssl", "product": "openssl", "defaultStatus": "unaffected",
            "versions": [{"status": "unaffected", "version": "3.0.0", "lessThan": "4.0.0", "versionType": "semver"}]}]}],
          "y": {"metrics": [{"cvssV3_1""#,
    );
    let v: serde_json::Value = serde_json::from_str(&adp).expect("fixture JSON");
    let text = v.to_string();
    let data = tree(&[("cve.json", text.as_str())]);
    let (_db, store) = db_of(&[data.path().to_path_buf()]);
    let sbom = sbom(SBOM);
    let p = Precedence::default();
    let r = Matcher::new(&store, &p).scan(&sbom).unwrap();
    let f = finding(&r, "openssl", "CVE-2024-6119").expect("the CNA decides by default");
    assert_eq!(f.decided_by.source.name(), "cve");
    assert!(
        f.disagreements
            .iter()
            .any(|d| d.contains("cve-adp") && d.contains("not affected")),
        "{:?}",
        f.disagreements
    );
    // With the ADP ranked first, it decides: no finding, counted as not affected.
    let mut p = Precedence::default();
    p.affected.insert(0, "cve-adp".to_string());
    let r = Matcher::new(&store, &p).scan(&sbom).unwrap();
    assert!(finding(&r, "openssl", "CVE-2024-6119").is_none());
    assert!(r.not_affected >= 1);
}

#[test]
fn hostile_sboms_scan_without_panics() {
    // Duplicate bom-refs, a dependency cycle, empty and absurd identifiers.
    let sbom = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
      "components": [
        {"type": "library", "bom-ref": "a", "name": "lodash", "version": "4.17.15", "purl": "pkg:npm/lodash@4.17.15"},
        {"type": "library", "bom-ref": "a", "name": "lodash", "version": "4.17.15", "purl": "pkg:npm/lodash@4.17.15"},
        {"type": "library", "bom-ref": "b", "name": "x", "version": "", "purl": "pkg:"},
        {"type": "library", "bom-ref": "c", "name": "", "cpe": "cpe:2.3:a:::::::::::"},
        {"type": "library", "bom-ref": "d", "name": "k", "version": "99999999999999999999.1", "cpe": "cpe:2.3:o:linux:linux_kernel:99999999999999999999.1:*:*:*:*:*:*:*"}
      ],
      "dependencies": [{"ref": "a", "dependsOn": ["b"]}, {"ref": "b", "dependsOn": ["a"]}]}"#;
    let (db, _) = setup();
    let store = SqliteStore::open(db.path()).unwrap();
    let p = Precedence::default();
    let r = Matcher::new(&store, &p).scan(&crate::sbom(sbom)).unwrap();
    assert!(r.findings.iter().any(|f| f.id == "CVE-2020-8203"));
    assert!(r.unidentified.len() >= 2, "{:?}", r.unidentified);
}

#[test]
fn a_reused_matcher_sees_what_another_connection_imported() {
    let (db, _) = setup();
    let store = SqliteStore::open(db.path()).unwrap();
    let sbom = sbom(SBOM);
    let p = Precedence::default();
    let mut m = Matcher::new(&store, &p);
    let before = m.scan(&sbom).unwrap();
    assert!(finding(&before, "lodash-new", "CVE-2024-0002").is_none());
    // Another connection (an update) adds a record for lodash 4.17.21.
    let newer = GHSA_LODASH
        .replace("GHSA-lod1-lod1-lod1", "GHSA-new1-new1-new1")
        .replace("CVE-2020-8203", "CVE-2024-0002")
        .replace("4.17.19", "4.17.22");
    let more = tree(&[("GHSA-new.json", newer.as_str())]);
    import_into(db.path(), &[more.path().to_path_buf()]);
    // The matcher's cached ranges are stale; it notices and reads again.
    let after = m.scan(&sbom).unwrap();
    assert!(finding(&after, "lodash-new", "CVE-2024-0002").is_some());
}

/// The kernel CNA's record, in its `rejected/` folder.
const KERNEL_REJECTED: &str = r#"{"dataType": "CVE_RECORD", "dataVersion": "5.1.1",
  "cveMetadata": {"assignerOrgId": "f4215fc3-5b6b-47ff-a258-f7189bd81038", "cveId": "CVE-2024-43895", "state": "PUBLISHED"},
  "containers": {"cna": {"providerMetadata": {"orgId": "f4215fc3-5b6b-47ff-a258-f7189bd81038"},
    "descriptions": [{"lang": "en", "value": "Rejected."}]}}}"#;

/// An older copy of the same CVE from another collection, still saying PUBLISHED.
const KERNEL_OLD_COPY: &str = r#"{"dataType": "CVE_RECORD", "dataVersion": "5.1",
  "cveMetadata": {"cveId": "CVE-2024-43895", "state": "PUBLISHED", "assignerShortName": "Linux",
    "datePublished": "2024-08-26T00:00:00Z", "dateUpdated": "2024-08-26T00:00:00Z"},
  "containers": {"cna": {"providerMetadata": {"orgId": "00000000-0000-0000-0000-000000000009", "shortName": "Linux"},
    "descriptions": [{"lang": "en", "value": "drm: skip a null check."}],
    "affected": [{"vendor": "Linux", "product": "Linux", "defaultStatus": "affected",
      "versions": [{"version": "6.9", "status": "affected"}, {"version": "0", "lessThan": "6.9", "status": "unaffected", "versionType": "semver"}]}]}}}"#;

/// A distribution's record: the package `libtiff` under the platform's CPE.
const CVE_PLATFORM: &str = r#"{"dataType": "CVE_RECORD", "dataVersion": "5.1",
  "cveMetadata": {"cveId": "CVE-2023-41175", "state": "PUBLISHED", "assignerShortName": "redhat",
    "datePublished": "2023-10-05T00:00:00Z", "dateUpdated": "2024-01-01T00:00:00Z"},
  "containers": {"cna": {"providerMetadata": {"orgId": "53f830b8-0a3f-465b-8143-3b8a9948e749", "shortName": "redhat"},
    "descriptions": [{"lang": "en", "value": "libtiff: integer overflow in raw2tiff."}],
    "affected": [{"vendor": "Red Hat", "product": "Red Hat Enterprise Linux 8", "packageName": "libtiff",
      "cpes": ["cpe:/o:redhat:enterprise_linux:8"], "defaultStatus": "affected"}]}}}"#;

#[test]
fn rejected_by_the_deciding_source_and_packages_under_a_platform_make_no_finding() {
    let data = tree(&[
        (
            "vulns/cve/rejected/2024/CVE-2024-43895.json",
            KERNEL_REJECTED,
        ),
        ("cisa/2024/43xxx/CVE-2024-43895.json", KERNEL_OLD_COPY),
        ("cisa/2023/41xxx/CVE-2023-41175.json", CVE_PLATFORM),
    ]);
    let (_db, store) = db_of(&[data.path().to_path_buf()]);
    let sbom = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
      {"type": "operating-system", "bom-ref": "k", "name": "linux", "version": "6.10.3",
       "cpe": "cpe:2.3:o:linux:linux_kernel:6.10.3:*:*:*:*:*:*:*"},
      {"type": "operating-system", "bom-ref": "rhel", "name": "Red Hat Enterprise Linux", "version": "8.0",
       "cpe": "cpe:2.3:o:redhat:enterprise_linux:8.0:*:*:*:*:*:*:*"},
      {"type": "library", "bom-ref": "tiff", "name": "libtiff", "version": "4.0.9",
       "cpe": "cpe:2.3:o:redhat:enterprise_linux:8.0:*:*:*:*:*:*:*"}]}"#;
    let sbom = crate::sbom(sbom);
    let p = Precedence::default();
    let r = Matcher::new(&store, &p).scan(&sbom).unwrap();
    let pairs: Vec<(&str, &str)> = r
        .findings
        .iter()
        .map(|f| (f.component.as_str(), f.id.as_str()))
        .collect();
    // The old copy alone would say 6.10.3 is affected; the kernel CNA rejected the CVE.
    assert!(!pairs.contains(&("k", "CVE-2024-43895")), "{pairs:?}");
    assert!(r.withdrawn >= 1);
    // The libtiff entry is about libtiff, not about the operating system.
    assert!(!pairs.contains(&("rhel", "CVE-2023-41175")), "{pairs:?}");
    assert!(pairs.contains(&("tiff", "CVE-2023-41175")), "{pairs:?}");
}

#[test]
fn sarif_output_is_a_valid_sarif_2_1_0_log() {
    let (_db, r) = setup();
    let log = craft_scan::sarif::sarif(&[("fixture.cdx.json", &r)]);
    // The typed SARIF model (serde-sarif, generated from the OASIS schema) reads it back.
    let typed: serde_sarif::sarif::Sarif =
        serde_json::from_value(log.clone()).expect("a SARIF 2.1.0 log");
    assert_eq!(typed.runs.len(), 1);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), r.findings.len());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    // One rule per vulnerability, each result pointing at its own.
    for res in results {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
        assert_eq!(
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "fixture.cdx.json"
        );
    }
    // The KEV-listed OpenSSL finding: an error, with its CVSS as security-severity.
    let openssl = results
        .iter()
        .find(|x| x["ruleId"] == "CVE-2024-6119")
        .unwrap();
    assert_eq!(openssl["level"], "error");
    let rule = &rules[openssl["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["properties"]["security-severity"], "7.5");
    assert_eq!(rule["properties"]["kev"]["dateAdded"], "2024-10-01");
    // Undecided findings are notes that say why.
    let odd = results
        .iter()
        .find(|x| x["properties"]["status"] == "unknown")
        .unwrap();
    assert_eq!(odd["level"], "note");
    assert!(odd["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Undecided"));
}

#[test]
fn a_previous_report_gives_new_fixed_and_changed() {
    let (_db, r) = setup();
    let mut report = serde_json::json!([{"sbom": "fixture.cdx.json"}]);
    report[0]["findings"] = serde_json::to_value(&r.findings).unwrap();
    let findings = report[0]["findings"].as_array_mut().unwrap();
    // Before: lodash's finding had another priority, left-pad's did not exist, and one more
    // finding has since gone.
    let lodash = findings
        .iter_mut()
        .find(|f| f["component"] == "lodash-old")
        .unwrap();
    lodash["priority"]["label"] = "P4".into();
    findings.retain(|f| f["component"] != "left-pad");
    findings.push(
        serde_json::json!({"id": "CVE-1999-0001", "component_name": "zlib",
        "component_version": "1.2.3", "status": "affected", "priority": {"label": "P2"}}),
    );
    let before = craft_scan::delta::previous_findings(&report, "fixture.cdx.json").unwrap();
    let d = craft_scan::delta::delta(&before, &r.findings);
    let new: Vec<&str> = d.new.iter().map(|f| f.component.as_str()).collect();
    assert_eq!(new, ["left-pad"]);
    assert_eq!(d.fixed.len(), 1);
    assert_eq!(d.fixed[0].id, "CVE-1999-0001");
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].after.component, "lodash-old");
    assert_eq!(d.changed[0].before.priority, "P4");
    assert_eq!(d.unchanged, r.findings.len() - 2);
    // Not a report: a clear error.
    assert!(craft_scan::delta::previous_findings(
        &serde_json::json!({"bomFormat": "CycloneDX"}),
        "x"
    )
    .is_err());
}

#[test]
fn vdr_output_is_valid_cyclonedx_1_6_and_links_the_sbom() {
    let (_db, r) = setup();
    let plain = sbom(SBOM);
    let v = craft_scan::vdr::vdr(&plain, &r, "2026-11-28T12:00:00Z");
    let problems = craft_sbom::schema::validate(craft_sbom::SchemaId::CycloneDx16, &v);
    assert!(problems.is_empty(), "{problems:#?}");
    // The validator does reject a wrong VDR (control).
    let mut broken = v.clone();
    broken["vulnerabilities"][0]["ratings"] = serde_json::json!([{"severity": "dreadful"}]);
    assert!(!craft_sbom::schema::validate(craft_sbom::SchemaId::CycloneDx16, &broken).is_empty());
    let vulns = v["vulnerabilities"].as_array().unwrap();
    let openssl = vulns.iter().find(|x| x["id"] == "CVE-2024-6119").unwrap();
    assert_eq!(openssl["affects"][0]["ref"], "openssl");
    assert_eq!(openssl["affects"][0]["versions"][0]["status"], "affected");
    assert_eq!(openssl["ratings"][0]["method"], "CVSSv31");
    assert_eq!(openssl["ratings"][0]["severity"], "high");
    assert!(openssl["recommendation"]
        .as_str()
        .unwrap()
        .contains("3.0.15"));
    // Without a serial number the affected components travel in the VDR.
    let refs: Vec<&str> = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["bom-ref"].as_str())
        .collect();
    assert!(
        refs.contains(&"openssl") && refs.contains(&"lodash-old"),
        "{refs:?}"
    );
    // With one, each `affects` is a BOM-Link into the SBOM.
    let serial = SBOM.replacen(
        r#""version": 1,"#,
        r#""version": 3, "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","#,
        1,
    );
    let linked = craft_scan::vdr::vdr(&sbom(&serial), &r, "2026-11-28T12:00:00Z");
    let problems = craft_sbom::schema::validate(craft_sbom::SchemaId::CycloneDx16, &linked);
    assert!(problems.is_empty(), "{problems:#?}");
    let l = linked["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "CVE-2024-6119")
        .unwrap();
    assert_eq!(
        l["affects"][0]["ref"],
        "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/3#openssl"
    );
    assert!(linked.get("components").is_none());
}

#[test]
fn the_html_report_is_self_contained_and_escapes_what_it_shows() {
    // A component name and version an attacker wrote.
    let hostile = SBOM.replace(
        r#""name": "lodash", "version": "4.17.15""#,
        r#""name": "<script>alert(1)</script>", "version": "4.17.15""#,
    );
    let (db, _) = setup();
    let store = SqliteStore::open(db.path()).unwrap();
    let p = Precedence::default();
    let r = Matcher::new(&store, &p).scan(&sbom(&hostile)).unwrap();
    let page = craft_scan::html::html(&[("fw <1>.cdx.json", &r)], "2026-11-28T12:00:00Z");
    assert!(!page.contains("<script"), "unescaped");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("fw &lt;1&gt;.cdx.json"));
    // Nothing fetched: no external stylesheet, script or image.
    for asset in ["<link", "<script", "<img", "src="] {
        assert!(!page.contains(asset), "{asset}");
    }
    // Every finding is a row, worst first, with its evidence.
    assert_eq!(page.matches("<tr").count(), r.findings.len() + 1);
    let first = page.find("CVE-2024-6119").unwrap();
    let later = page.find("GHSA-oddb-oddb-oddb").unwrap();
    assert!(first < later);
    assert!(page.contains("range: <code>"));
}

/// An NVD record whose application is vulnerable only on a given device (an `AND`
/// configuration with a `vulnerable: false` hardware entry).
const NVD_RUNNING_ON: &str = r#"{"resultsPerPage": 1, "startIndex": 0, "totalResults": 1,
  "format": "NVD_CVE", "version": "2.0", "timestamp": "2024-06-01T00:00:00.000",
  "vulnerabilities": [{"cve": {"id": "CVE-2024-0101", "sourceIdentifier": "cna@acme.example",
    "published": "2024-01-02T00:15:00.000", "lastModified": "2024-05-02T00:00:00.000", "vulnStatus": "Analyzed",
    "descriptions": [{"lang": "en", "value": "Web UI command injection on the AGW-200."}],
    "configurations": [{"operator": "AND", "nodes": [
      {"operator": "OR", "negate": false, "cpeMatch": [
        {"vulnerable": true, "criteria": "cpe:2.3:a:acme:gw_webui:*:*:*:*:*:*:*:*", "versionEndExcluding": "2.2.0",
         "matchCriteriaId": "00000000-0000-0000-0000-000000000001"}]},
      {"operator": "OR", "negate": false, "cpeMatch": [
        {"vulnerable": false, "criteria": "cpe:2.3:h:acme:agw-200:-:*:*:*:*:*:*:*",
         "matchCriteriaId": "00000000-0000-0000-0000-000000000002"}]}]}]}}]}"#;

#[test]
fn running_on_configurations_need_the_products_platform() {
    let data = tree(&[("nvd/page.json", NVD_RUNNING_ON)]);
    let (_db, store) = db_of(&[data.path().to_path_buf()]);
    let p = Precedence::default();
    let app = |extra: &str| {
        sbom(&format!(
            r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
            {{"type": "application", "bom-ref": "ui", "name": "gw-webui", "version": "2.1.0",
              "cpe": "cpe:2.3:a:acme:gw_webui:2.1.0:*:*:*:*:*:*:*"}}{extra}]}}"#
        ))
    };
    let status = |r: &ScanReport| {
        r.findings
            .iter()
            .find(|f| f.id == "CVE-2024-0101")
            .map(|f| (f.status, f.reason.clone().unwrap_or_default()))
    };
    // The SBOM names no hardware: undecidable, with the reason — never "not affected".
    let r = Matcher::new(&store, &p).scan(&app("")).unwrap();
    let (st, why) = status(&r).expect("a finding");
    assert_eq!(st, FindingStatus::Unknown);
    assert!(why.contains("cpe:2.3:h:acme:agw-200"), "{why}");
    assert!(why.contains("hardware"), "{why}");
    // The SBOM names the device: affected.
    let device = r#", {"type": "device", "bom-ref": "hw", "name": "agw-200", "version": "rev-b",
        "cpe": "cpe:2.3:h:acme:agw-200:-:*:*:*:*:*:*:*"}"#;
    let r = Matcher::new(&store, &p).scan(&app(device)).unwrap();
    assert_eq!(status(&r).map(|s| s.0), Some(FindingStatus::Affected));
    // Another device: not affected.
    let other = device.replace("agw-200:-", "agw-100:-");
    let r = Matcher::new(&store, &p).scan(&app(&other)).unwrap();
    assert_eq!(status(&r), None);
    assert_eq!(r.not_affected, 1);
    // The device declared by the product (craft.toml), not in the SBOM: affected.
    let declared =
        craft_version::cpe::Wfn::parse("cpe:2.3:h:acme:agw-200:-:*:*:*:*:*:*:*").unwrap();
    let r = Matcher::new(&store, &p)
        .platform(vec![declared])
        .scan(&app(""))
        .unwrap();
    assert_eq!(status(&r).map(|s| s.0), Some(FindingStatus::Affected));
}

#[test]
fn a_withdrawn_copy_in_another_ecosystem_does_not_void_the_vulnerability() {
    // PyPA withdrew its copy of a Rust crate's CVE (PYSEC-2019-144 for arrayfire); RustSec's
    // advisory of the same CVE stands.
    let pysec = r#"{"id": "PYSEC-2019-144", "modified": "2021-06-10T06:51:33Z",
      "withdrawn": "2021-06-10T00:00:00Z", "aliases": ["CVE-2018-20998"],
      "affected": [{"package": {"ecosystem": "PyPI", "name": "arrayfire"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.6.0"}]}]}]}"#;
    let rustsec = r#"{"id": "RUSTSEC-2018-0011", "modified": "2023-06-13T13:10:24Z",
      "aliases": ["CVE-2018-20998", "GHSA-69fv-gw6g-8ccg"],
      "affected": [{"package": {"ecosystem": "crates.io", "name": "arrayfire"},
        "ranges": [{"type": "SEMVER", "events": [{"introduced": "3.5.1-0"}, {"fixed": "3.6.0"}]}]}]}"#;
    let data = tree(&[
        ("osv/PYSEC-2019-144.json", pysec),
        ("osv/RUSTSEC-2018-0011.json", rustsec),
    ]);
    let (_db, store) = db_of(&[data.path().to_path_buf()]);
    let p = Precedence::default();
    let s = sbom(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "library", "bom-ref": "af", "name": "arrayfire", "version": "3.5.1", "purl": "pkg:cargo/arrayfire@3.5.1"}]}"#,
    );
    let r = Matcher::new(&store, &p).scan(&s).unwrap();
    let f = r.findings.iter().find(|f| f.id == "CVE-2018-20998");
    assert_eq!(f.map(|f| f.status), Some(FindingStatus::Affected), "{r:?}");
    assert_eq!(r.withdrawn, 0);
}
