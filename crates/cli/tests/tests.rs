//! End-to-end tests of the `craft` binary: exit codes, JSON output, files written.
//!
//! Fixtures are small documents written by the tests themselves.

use assert_cmd::Command;
use assert_fs::prelude::*;
use serde_json::Value;

fn craft() -> Command {
    Command::cargo_bin("craft").expect("craft binary")
}

/// Run `cmd`, expect exit `code`: its stdout as JSON (`Null` when it is not JSON) and its
/// stderr as text.
fn run(cmd: &mut Command, code: i32) -> (Value, String) {
    let out = cmd.assert().code(code).get_output().clone();
    (
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Replace `from` by `to` in `file`, which must contain it.
fn edit(file: &std::path::Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} lacks {from}", file.display());
    std::fs::write(file, text.replace(from, to)).unwrap();
}

/// Run `cmd`, expect exit 0, and parse its stdout as JSON.
fn json_ok(cmd: &mut Command) -> Value {
    let out = cmd.assert().code(0).get_output().stdout.clone();
    serde_json::from_slice(&out).expect("JSON on stdout")
}

/// A small CycloneDX 1.6 SBOM that satisfies NTIA and the schema.
const GOOD_CDX: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "metadata": {
    "timestamp": "2026-11-28T10:00:00Z",
    "authors": [{"name": "Jane Doe", "email": "jane@acme.example"}],
    "manufacturer": {"name": "Acme", "url": ["https://acme.example"]},
    "component": {"type": "firmware", "bom-ref": "fw", "name": "gateway-fw", "version": "2.1.0",
      "supplier": {"name": "Acme"}, "purl": "pkg:generic/acme/gateway-fw@2.1.0"}
  },
  "components": [
    {"type": "library", "bom-ref": "zlib", "name": "zlib", "version": "1.3.1",
     "supplier": {"name": "zlib project"}, "cpe": "cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*",
     "licenses": [{"license": {"id": "Zlib"}}]},
    {"type": "library", "bom-ref": "openssl", "name": "openssl", "version": "3.0.13",
     "supplier": {"name": "OpenSSL"}, "purl": "pkg:generic/openssl@3.0.13",
     "licenses": [{"expression": "Apache-2.0"}]}
  ],
  "dependencies": [
    {"ref": "fw", "dependsOn": ["zlib", "openssl"]},
    {"ref": "openssl", "dependsOn": ["zlib"]},
    {"ref": "zlib", "dependsOn": []}
  ]
}"#;

#[test]
fn check_valid_file_exits_zero_with_schema_only() {
    let dir = assert_fs::TempDir::new().unwrap();
    let f = dir.child("fw.cdx.json");
    f.write_str(GOOD_CDX).unwrap();
    craft()
        .args(["sbom", "check", "--only", "schema", "--fail-on", "error"])
        .arg(f.path())
        .assert()
        .code(0);
    // NTIA passes too: every component has supplier, name, version and a purl or CPE.
    craft()
        .args(["sbom", "check", "--only", "ntia", "--fail-on", "error"])
        .arg(f.path())
        .assert()
        .code(0);
}

#[test]
fn check_reports_rule_and_location_as_json() {
    let dir = assert_fs::TempDir::new().unwrap();
    let f = dir.child("bad.cdx.json");
    f.write_str(&GOOD_CDX.replace("\"1.3.1\"", "1.31")).unwrap();
    let out = craft()
        .args(["--format", "json", "sbom", "check", "--only", "schema"])
        .arg(f.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let findings = v[0]["findings"].as_array().unwrap();
    let schema: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "schema-invalid")
        .collect();
    assert!(!schema.is_empty(), "{v:#}");
    assert_eq!(schema[0]["location"]["pointer"], "/components/0/version");
}

#[test]
fn unreadable_input_exits_two_and_names_the_file() {
    let dir = assert_fs::TempDir::new().unwrap();
    let f = dir.child("truncated.json");
    f.write_str(&GOOD_CDX[..200]).unwrap();
    let out = craft()
        .args(["sbom", "check"])
        .arg(f.path())
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("truncated.json"), "{text}");
    assert!(text.contains("invalid JSON"), "{text}");
    craft()
        .args(["sbom", "check", "/nonexistent/x.json"])
        .assert()
        .code(2);
    craft()
        .args(["sbom", "check", "--only", "nonsense", "x"])
        .assert()
        .code(2);
}

#[test]
fn convert_writes_valid_spdx_atomically_and_round_trips() {
    let dir = assert_fs::TempDir::new().unwrap();
    let f = dir.child("fw.cdx.json");
    f.write_str(GOOD_CDX).unwrap();
    let out = dir.child("fw.spdx.json");
    craft()
        .args(["sbom", "convert", "--to", "spdx", "-o"])
        .arg(out.path())
        .arg(f.path())
        .assert()
        .code(0);
    // The output is valid SPDX 2.3 by its schema, and keeps the components.
    craft()
        .args(["sbom", "check", "--only", "schema", "--fail-on", "error"])
        .arg(out.path())
        .assert()
        .code(0);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(out.path()).unwrap()).unwrap();
    let names: Vec<&str> = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["gateway-fw", "zlib", "openssl"]);
    // No temporary file is left beside the output.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

#[test]
fn failed_convert_leaves_no_file() {
    let dir = assert_fs::TempDir::new().unwrap();
    let out = dir.child("out.json");
    craft()
        .args(["sbom", "convert", "--to", "cyclonedx", "-o"])
        .arg(out.path())
        .arg(dir.child("missing.json").path())
        .assert()
        .code(2);
    out.assert(predicates::path::missing());
}

#[test]
fn merge_dedups_and_diff_reports_changes() {
    let dir = assert_fs::TempDir::new().unwrap();
    let a = dir.child("a.cdx.json");
    a.write_str(GOOD_CDX).unwrap();
    let b = dir.child("b.cdx.json");
    b.write_str(
        &GOOD_CDX
            .replace("3.0.13", "3.0.14")
            .replace("\"Zlib\"", "\"MIT\""),
    )
    .unwrap();
    let merged = dir.child("m.cdx.json");
    craft()
        .args(["--format", "json", "sbom", "merge", "-o"])
        .arg(merged.path())
        .arg(a.path())
        .arg(a.path())
        .assert()
        .code(0);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(merged.path()).unwrap()).unwrap();
    // The same SBOM twice merges to itself: the product plus two components.
    assert_eq!(v["components"].as_array().unwrap().len(), 2);
    assert_eq!(v["metadata"]["component"]["name"], "gateway-fw");

    let out = craft()
        .args(["--format", "json", "sbom", "diff"])
        .arg(a.path())
        .arg(b.path())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let d: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(d["version_changed"][0]["name"], "openssl");
    assert_eq!(d["version_changed"][0]["to"], "3.0.14");
    assert_eq!(d["license_changed"][0]["name"], "zlib");
    craft()
        .args(["sbom", "diff", "--fail-on-change"])
        .arg(a.path())
        .arg(b.path())
        .assert()
        .code(1);
}

#[test]
fn rules_lists_every_code() {
    let out = craft()
        .args(["--format", "json", "sbom", "rules"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    for c in ["schema-invalid", "ntia-supplier", "bsi-hash-sha512"] {
        assert!(codes.contains(&c), "{c}");
    }
}

#[test]
fn version_compare_prints_one_symbol_and_fails_on_garbage() {
    for (a, b, scheme, want) in [
        ("1.0~rc1-1", "1.0-1", "deb", "<\n"),
        ("1:2.0-1.el9", "2.1-1.el9", "rpm", ">\n"),
        ("1.2.3_rc1-r0", "1.2.3-r0", "apk", "<\n"),
        ("5.10-rc3", "5.10.0-rc3", "kernel", "=\n"),
        ("1.0.2k", "1.0.2u", "generic", "<\n"),
    ] {
        craft()
            .args(["version", "compare", a, b, "--scheme", scheme])
            .assert()
            .code(0)
            .stdout(want);
    }
    let out = craft()
        .args(["version", "compare", "1.0", "foo", "--scheme", "deb"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`foo` is not a valid deb version"), "{err}");
    craft()
        .args(["version", "compare", "1", "2", "--scheme", "nosuch"])
        .assert()
        .code(2);
    craft()
        .args([
            "version",
            "compare",
            "1.0.0-BETA",
            "1.0.0-beta",
            "--scheme",
            "nuget",
        ])
        .assert()
        .code(0)
        .stdout("=\n");
}

#[test]
fn version_in_range_answers_and_speaks_json() {
    let range = "vers:deb/>=1.1.1|<1.1.1n-0+deb11u1";
    craft()
        .args(["version", "in-range", "1.1.1k-1", range])
        .assert()
        .code(0)
        .stdout("affected\n");
    craft()
        .args(["version", "in-range", "1.1.1n-0+deb11u1", range])
        .assert()
        .code(0)
        .stdout("not-affected\n");
    let out = craft()
        .args([
            "--format",
            "json",
            "version",
            "in-range",
            "2.0.3",
            "vers:npm/>=2.0.0|<2.0.5",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["affected"], true);
    assert_eq!(v["scheme"], "npm");
    craft()
        .args(["version", "in-range", "1.0", "vers:deb/>=2.0|<1.0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not sorted"));
}

#[test]
fn id_parse_reads_purls_and_cpes() {
    craft()
        .args(["id", "parse", "pkg:PYPI/Django_Package@1.11"])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with(
            "purl pkg:pypi/django-package@1.11\n",
        ));
    let out = craft()
        .args([
            "--format",
            "json",
            "id",
            "parse",
            "cpe:/a:openssl:openssl:1.0.2k",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        v["canonical"],
        "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*"
    );
    assert_eq!(v["parts"]["version"], "1\\.0\\.2k");
    assert_eq!(v["parts"]["update"], "ANY");
    craft()
        .args([
            "id",
            "parse",
            "cpe:2.3:a:ibm:sterling_connect:direct:6.0:*:*:*:*:*:*:*",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("12 components"));
    craft()
        .args(["id", "parse", "pkg:deb/openssl@1"])
        .assert()
        .code(2);
}

mod advisory;
#[path = "../../sbom/tests/common.rs"]
#[allow(dead_code, clippy::print_stderr)]
mod common;
#[allow(clippy::print_stderr)]
mod db;

mod check;
mod kernel;
mod report;
mod requirements;
mod risk;
mod scan;
mod scope;

#[test]
fn a_closed_stdout_ends_quietly_instead_of_panicking() {
    // `craft … | head -1`: the reader goes away; craft must not panic.
    for args in [
        &["sbom", "rules"][..],
        &["--format", "json", "sbom", "rules"][..],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("craft"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(out.status.code(), Some(0), "{err}");
    }
}
