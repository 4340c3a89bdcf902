//! `craft scan`: findings as JSON and as a table, `--fail-on` exit codes, unreadable input.

use super::{craft, json_ok};
use serde_json::Value;

const OSV: &str = r#"{"id": "RUSTSEC-2024-0001", "modified": "2024-03-01T00:00:00Z", "aliases": ["CVE-2024-24576"],
  "summary": "Command injection on Windows",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [{"package": {"ecosystem": "crates.io", "name": "smallvec"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.6.1"}]}]}]}"#;

const SBOM: &str = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
  {"type": "library", "bom-ref": "sv", "name": "smallvec", "version": "1.6.0", "purl": "pkg:cargo/smallvec@1.6.0"},
  {"type": "library", "bom-ref": "ok", "name": "smallvec", "version": "1.13.2", "purl": "pkg:cargo/smallvec@1.13.2"}]}"#;

#[test]
fn scan_reports_findings_and_applies_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("osv");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("RUSTSEC-2024-0001.json"), OSV).unwrap();
    let db = dir.path().join("db");
    craft()
        .args(["--quiet", "db", "import", "--db"])
        .arg(&db)
        .arg(&data)
        .assert()
        .code(0);
    let sbom = dir.path().join("app.cdx.json");
    std::fs::write(&sbom, SBOM).unwrap();

    let v = json_ok(
        craft()
            .args(["--format", "json", "scan", "--db"])
            .arg(&db)
            .arg(&sbom),
    );
    let findings = v[0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v:#}");
    let f = &findings[0];
    assert_eq!(f["id"], "CVE-2024-24576");
    assert_eq!(f["component"], "sv");
    assert_eq!(f["status"], "affected");
    assert_eq!(f["fixed"][0], "1.6.1");
    assert_eq!(f["decided_by"]["id"], "RUSTSEC-2024-0001");
    assert_eq!(f["priority"]["label"], "P2");
    // smallvec 1.13.2: the record names it, the range clears it; `--cleared` says how.
    assert_eq!(v[0]["not_affected"], 1);
    assert!(v[0].get("cleared").is_none());
    let v = json_ok(
        craft()
            .args(["--format", "json", "scan", "--cleared", "--db"])
            .arg(&db)
            .arg(&sbom),
    );
    let c = &v[0]["cleared"][0];
    assert_eq!(
        (c["component"].as_str(), c["id"].as_str()),
        (Some("ok"), Some("CVE-2024-24576"))
    );
    assert!(c["range"].as_str().unwrap().contains("1.6.1"), "{c}");

    // A critical finding fails `--fail-on critical`, not `--fail-on kev`.
    craft()
        .args(["scan", "--fail-on", "kev", "--db"])
        .arg(&db)
        .arg(&sbom)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("CVE-2024-24576"));
    craft()
        .args(["scan", "--fail-on", "kev,critical", "--db"])
        .arg(&db)
        .arg(&sbom)
        .assert()
        .code(1);
    // Incremental: against the previous report, a release that upgrades smallvec.
    let before = dir.path().join("before.json");
    std::fs::write(&before, serde_json::to_vec(&v).unwrap()).unwrap();
    let next = dir.path().join("next.cdx.json");
    std::fs::write(&next, SBOM.replace("1.6.0", "1.13.2")).unwrap();
    let d = json_ok(
        craft()
            .args([
                "--format",
                "json",
                "scan",
                "--fail-on",
                "high",
                "--previous",
            ])
            .arg(&before)
            .arg("--db")
            .arg(&db)
            .arg(&next),
    );
    let delta = &d[0]["delta"];
    assert_eq!(delta["new"].as_array().unwrap().len(), 0, "{d:#}");
    assert_eq!(delta["fixed"][0]["id"], "CVE-2024-24576");
    assert_eq!(delta["unchanged"], 0);
    // The same release again: nothing new, so `--fail-on high` passes although the finding
    // is still there; without `--previous` it fails.
    let same = json_ok(
        craft()
            .args([
                "--format",
                "json",
                "scan",
                "--fail-on",
                "high",
                "--previous",
            ])
            .arg(&before)
            .arg("--db")
            .arg(&db)
            .arg(&sbom),
    );
    assert_eq!(same[0]["delta"]["unchanged"], 1);
    craft()
        .args(["--previous"])
        .arg(&sbom)
        .args(["scan", "--db"])
        .arg(&db)
        .arg(&sbom)
        .assert()
        .code(2);

    // The report files: a VDR (valid CycloneDX 1.6 by craft's own schema check), an HTML
    // page, a SARIF log.
    let report = |flag: &str, name: &str| -> String {
        let path = dir.path().join(name);
        craft()
            .args(["--quiet", "scan", flag])
            .arg(&path)
            .arg("--db")
            .arg(&db)
            .arg(&sbom)
            .assert()
            .code(0);
        std::fs::read_to_string(&path).unwrap()
    };
    let vdr: Value = serde_json::from_str(&report("--vdr", "app.vdr.cdx.json")).unwrap();
    assert_eq!(vdr["vulnerabilities"][0]["id"], "CVE-2024-24576");
    craft()
        .args(["sbom", "check", "--only", "schema", "--fail-on", "error"])
        .arg(dir.path().join("app.vdr.cdx.json"))
        .assert()
        .code(0);
    craft()
        .args(["scan", "--vdr", "x.json", "--db"])
        .arg(&db)
        .arg(&sbom)
        .arg(&sbom)
        .assert()
        .code(2);
    let page = report("--html", "report.html");
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("CVE-2024-24576"));
    let log: Value = serde_json::from_str(&report("--sarif", "out.sarif")).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "CVE-2024-24576");

    // An SBOM that cannot be read, a database that does not exist: exit 2, named.
    craft()
        .args(["scan", "--db"])
        .arg(&db)
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing.json"));
    craft()
        .args(["scan", "--db"])
        .arg(dir.path().join("nodb"))
        .arg(&sbom)
        .assert()
        .code(2);
}
