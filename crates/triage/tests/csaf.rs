//! CSAF 2.0: craft's validator against the OASIS TC's own conformance suite, CSAF VEX
//! written by craft against the official BSI validator library, and the round trip
//! OpenVEX → CycloneDX → CSAF → OpenVEX on the CycloneDX VEX examples.

use crate::common::{corpus, files, peer};
use craft_triage::vex::{csaf, cyclonedx, openvex, Document, Product, Statement};
use craft_triage::{Justification, Status};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn load(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("JSON")
}

fn opts() -> csaf::Options {
    csaf::Options::new("https://acme.example", "2026-11-29T00:00:00Z")
}

/// Section 6.1 of the suite: every file listed under a mandatory test id must fail that
/// test (the `failures`) or pass it (the `valid`); as the suite says, a file is judged by
/// the test it is listed under only (several valid files fail other tests on purpose).
#[test]
fn issue6_csaf_mandatory_test_suite_is_classified_as_the_suite_says() {
    let Some(dir) = corpus("conformance/csaf/csaf_2.0/test/validator/data") else {
        return;
    };
    let cases = load(&dir.join("testcases.json"));
    let mut right = 0;
    let mut wrong = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for t in cases["tests"].as_array().expect("tests") {
        if t["group"] != "mandatory" {
            continue;
        }
        let id = t["id"].as_str().expect("id");
        ids.insert(id.to_string());
        for (key, valid) in [("failures", false), ("valid", true)] {
            for f in t[key].as_array().into_iter().flatten() {
                let name = f["name"].as_str().expect("name");
                let found = csaf::validate(load(&dir.join(name)));
                // The two-thread entry point says exactly the same.
                let bytes = std::fs::read(dir.join(name)).expect("read");
                let (declared, again) = csaf::validate_bytes(&bytes).expect("JSON");
                assert_eq!(again, found, "{name}");
                assert_eq!(declared.as_deref(), Some("2.0"), "{name}");
                let failed = found.iter().any(|x| x.test == id);
                // A skipped test is no pass: a valid file must also have been read.
                let skipped = found.iter().any(|x| x.test == "mandatory");
                if failed != valid && !(valid && skipped) {
                    right += 1;
                } else {
                    wrong.push(format!("{id} {name}: expected valid={valid}, {found:?}"));
                }
            }
        }
    }
    eprintln!(
        "CSAF 2.0 mandatory-test suite: {right}/{} files classified as the suite says ({} tests)",
        right + wrong.len(),
        ids.len()
    );
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(
        ids.len(),
        43,
        "every mandatory test id of 6.1 (6.1.27.x separately)"
    );
    assert_eq!(right, 147);
}

/// The TC's own example CSAF documents (the VEX use cases among them) are valid by craft's
/// validator, and each VEX example reads into statements that write back valid.
#[test]
fn issue6_csaf_examples_are_valid_and_vex_examples_read() {
    let Some(dir) = corpus("conformance/csaf/csaf_2.0/examples/csaf") else {
        return;
    };
    let all = files(&dir, &|p| p.extension().is_some_and(|e| e == "json"));
    assert!(all.len() >= 15, "{} examples", all.len());
    let mut vex = 0;
    for f in &all {
        let v = load(f);
        let found = csaf::validate(v.clone());
        assert!(found.is_empty(), "{}: {found:#?}", f.display());
        if v["document"]["category"] != "csaf_vex" {
            continue;
        }
        vex += 1;
        let doc = csaf::read(&v).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(!doc.statements.is_empty(), "{}", f.display());
        let again = csaf::write(&doc, &opts());
        let found = csaf::validate(again.clone());
        assert!(found.is_empty(), "{}: {found:#?}", f.display());
        assert_eq!(
            csaf::read(&again).expect("read back"),
            doc,
            "{}",
            f.display()
        );
        // And as OpenVEX: valid (a tracking id that is no IRI goes under urn:craft:vex:)
        // and read back the same.
        let ov = openvex::write(&doc);
        if let Some(v) = crate::vex::openvex_validator() {
            let errs = crate::vex::errors(&v, &ov);
            assert!(errs.is_empty(), "{}: {errs:#?}", f.display());
        }
        assert_eq!(openvex::read(&ov).expect("OpenVEX"), doc, "{}", f.display());
    }
    assert!(vex >= 10, "{vex} VEX examples");
}

/// The example VEX use case "known not affected" says what the profile means: the product
/// under `known_not_affected`, the flag label as justification, the threat as impact.
#[test]
fn csaf_vex_use_case_reads_as_the_profile_says() {
    let Some(dir) = corpus("conformance/csaf/csaf_2.0/examples/csaf/csaf_vex") else {
        return;
    };
    let doc = csaf::read(&load(&dir.join("2022-evd-uc-01-na-001.json"))).expect("read");
    let na: Vec<&Statement> = doc
        .statements
        .iter()
        .filter(|s| s.status == Status::NotAffected)
        .collect();
    assert!(!na.is_empty());
    assert!(na
        .iter()
        .all(|s| s.justification.is_some() || s.impact.is_some()));
    assert!(doc
        .statements
        .iter()
        .all(|s| s.vulnerability.starts_with("CVE-")));
}

fn statement(v: &str, p: &Product, status: Status) -> Statement {
    Statement {
        vulnerability: v.to_string(),
        aliases: Vec::new(),
        products: vec![p.clone()],
        status,
        justification: None,
        impact: None,
        action: None,
        notes: None,
        extra: BTreeMap::new(),
    }
}

/// A model with every shape CSAF must carry: the four statuses, a justification without
/// impact, an impact without justification, neither (CycloneDX allows it), an affected
/// statement without action, non-CVE ids with aliases, two statements on one vulnerability
/// and products with purl, CPE or neither.
fn every_shape() -> Document {
    let kernel = Product::new(
        None,
        Some("cpe:2.3:o:linux:linux_kernel:6.1.192:*:*:*:*:*:*:*".into()),
        "kernel",
    );
    let openssl = Product::new(Some("pkg:deb/debian/openssl@3.0.15-1".into()), None, "x");
    let bare = Product::new(None, None, "urn:craft:component:busybox");
    let mut s = Vec::new();
    let mut a = statement("CVE-2024-0001", &kernel, Status::NotAffected);
    a.justification = Some(Justification::VulnerableCodeNotPresent);
    a.impact = Some("drivers/b.c is not compiled: drivers/Makefile:2 CONFIG_B is not set".into());
    a.notes = Some("craft triage, layer config".into());
    s.push(a);
    let mut b = statement("CVE-2024-0001", &openssl, Status::Affected);
    b.action = Some("Update to a version with the fix: 3.0.16-1.".into());
    s.push(b);
    s.push(statement("CVE-2024-0002", &kernel, Status::Affected));
    s.push(statement("CVE-2024-0003", &bare, Status::NotAffected));
    let mut c = statement("GHSA-aaaa-bbbb-cccc", &openssl, Status::UnderInvestigation);
    c.aliases = vec!["CVE-2024-0004".into()];
    s.push(c);
    let mut d = statement("CVE-2024-0005", &openssl, Status::Fixed);
    d.products.push(bare.clone());
    d.extra
        .insert("cyclonedx:state".into(), "resolved_with_pedigree".into());
    s.push(d);
    let mut e = statement("CVE-2024-0006", &bare, Status::NotAffected);
    e.impact = Some("The feature is disabled at build time.".into());
    s.push(e);
    Document::new("Acme Devices GmbH", "2026-11-29T00:00:00Z", s)
}

#[test]
fn csaf_vex_keeps_every_statement_and_validates() {
    let model = every_shape();
    let doc = csaf::write(&model, &opts());
    let found = csaf::validate(doc.clone());
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(csaf::read(&doc).expect("read"), model);
    // OpenVEX -> CycloneDX -> CSAF -> OpenVEX: the same statements, the same document.
    let ov = openvex::write(&model);
    let through = csaf::read(&csaf::write(
        &cyclonedx::read(&cyclonedx::write(&openvex::read(&ov).expect("ov"), None)).expect("cdx"),
        &opts(),
    ))
    .expect("csaf");
    assert_eq!(openvex::write(&through), ov);
    // What the profile asks for is there, for people as well as for craft.
    let v = &doc["vulnerabilities"];
    assert_eq!(v[0]["cve"], "CVE-2024-0001");
    assert_eq!(
        v[0]["flags"][0]["label"], "vulnerable_code_not_present",
        "{doc:#}"
    );
    assert!(v[0]["threats"][0]["details"]
        .as_str()
        .is_some_and(|d| d.contains("CONFIG_B is not set")));
    assert_eq!(v[1]["remediations"][0]["details"], csaf::NO_ACTION);
    assert_eq!(v[2]["threats"][0]["details"], csaf::NO_IMPACT);
    assert!(v[3].get("cve").is_none());
    assert_eq!(v[3]["ids"][0]["text"], "GHSA-aaaa-bbbb-cccc");
    assert_eq!(v[3]["ids"][1]["text"], "CVE-2024-0004");
}

/// A status changed by hand in the CSAF document wins over craft's note: the note no longer
/// describes the document and is not used.
#[test]
fn a_hand_edited_status_wins_over_the_note() {
    let model = every_shape();
    let mut doc = csaf::write(&model, &opts());
    // Move the openssl product of CVE-2024-0001 from known_affected to fixed.
    let ps = &mut doc["vulnerabilities"][0]["product_status"];
    let moved = ps["known_affected"].take();
    ps.as_object_mut().expect("object").remove("known_affected");
    ps["fixed"] = moved;
    let read = csaf::read(&doc).expect("read");
    let s: Vec<&Statement> = read
        .statements
        .iter()
        .filter(|s| s.vulnerability == "CVE-2024-0001")
        .collect();
    assert_eq!(s.len(), 2);
    assert!(s
        .iter()
        .any(|s| s.status == Status::Fixed && s.products[0].purl.is_some()));
    assert!(s.iter().all(|s| s.notes.is_none()), "the note is not used");
}

/// Hostile and foreign input: not CSAF, a vulnerability without id, an unknown flag label.
#[test]
fn csaf_read_errors_name_the_place() {
    let e = csaf::read(&serde_json::json!({"x": 1})).expect_err("not CSAF");
    assert_eq!(e.pointer, "/document");
    let mut doc = csaf::write(&every_shape(), &opts());
    doc["vulnerabilities"][2]
        .as_object_mut()
        .expect("object")
        .remove("cve");
    let e = csaf::read(&doc).expect_err("no id");
    assert_eq!(e.pointer, "/vulnerabilities/2");
    let mut doc = csaf::write(&every_shape(), &opts());
    doc["vulnerabilities"][0]["flags"][0]["label"] = "because".into();
    let e = csaf::read(&doc).expect_err("label");
    assert!(e.message.contains("because"), "{e}");
    // Validation says what the schema and the mandatory tests say, with the test id.
    let found = csaf::validate(doc);
    assert!(found.iter().any(|f| f.test == "schema"), "{found:#?}");
    let mut doc = csaf::write(&every_shape(), &opts());
    doc["vulnerabilities"][0]["product_status"]["fixed"] =
        doc["vulnerabilities"][0]["product_status"]["known_not_affected"].clone();
    let found = csaf::validate(doc);
    assert!(found.iter().any(|f| f.test == "6.1.6"), "{found:#?}");
}

/// Every CSAF document craft writes passes the official BSI validator library (strict
/// schema and every mandatory test): the model of every shape, the TC's VEX examples
/// rewritten, the CycloneDX VEX examples and a real Yocto VEX (7,239 statements) converted.
#[test]
fn issue6_csaf_written_by_craft_passes_the_official_validator() {
    let Some(lib) = peer("npm/node_modules/@secvisogram/csaf-validator-lib") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let mut written: Vec<PathBuf> = Vec::new();
    let mut put = |name: String, v: &Value| {
        let p = tmp.path().join(name);
        std::fs::write(&p, serde_json::to_vec(v).expect("JSON")).expect("write");
        written.push(p);
    };
    put(
        "every-shape.json".into(),
        &csaf::write(&every_shape(), &opts()),
    );
    if let Some(dir) = corpus("sbom/cyclonedx-bom-examples/VEX") {
        for (i, f) in files(&dir, &|p| {
            crate::common::name(p).starts_with("vex") && p.extension().is_some_and(|e| e == "json")
        })
        .iter()
        .enumerate()
        {
            let doc = cyclonedx::read(&load(f)).expect("read");
            put(format!("cdx-{i}.json"), &csaf::write(&doc, &opts()));
        }
    }
    if let Some(dir) = corpus("conformance/csaf/csaf_2.0/examples/csaf/csaf_vex") {
        for (i, f) in files(&dir, &|p| p.extension().is_some_and(|e| e == "json"))
            .iter()
            .enumerate()
        {
            let doc = csaf::read(&load(f)).expect("read");
            put(format!("tc-{i}.json"), &csaf::write(&doc, &opts()));
        }
    }
    if let Some(dir) = corpus("sbom/vulnscout-yocto/example/spdx2/cyclonedx-export") {
        let doc = cyclonedx::read(&load(&dir.join("vex.json"))).expect("read");
        put("vulnscout-yocto.json".into(), &csaf::write(&doc, &opts()));
    }
    let script = crate::common::workspace().join("scripts/peers/csaf-validate.mjs");
    let out = std::process::Command::new("node")
        .arg(&script)
        .args(&written)
        .env("CSAF_VALIDATOR_LIB", &lib)
        .output()
        .expect("run node");
    let text = String::from_utf8_lossy(&out.stdout);
    let invalid: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("\"valid\":true"))
        .collect();
    assert!(
        invalid.is_empty() && out.status.success(),
        "{invalid:#?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(text.lines().count(), written.len());
    eprintln!(
        "BSI csaf-validator-lib: {} CSAF documents written by craft, all valid",
        written.len()
    );
}

/// Shapes the writer must still make valid: two statements naming no product with different
/// statuses, empty texts, an id and a date CSAF's patterns refuse, a purl and a CPE its
/// patterns refuse; and a document without statements, which CSAF VEX cannot express, is
/// reported by validation (the CLI then refuses to write it).
#[test]
fn csaf_writer_mends_what_the_profile_refuses() {
    let none = Product::new(None, None, "x");
    let mut a = statement("CVE-2024-1111", &none, Status::NotAffected);
    a.products.clear();
    a.impact = Some(String::new());
    let mut b = statement("CVE-2024-1111", &none, Status::Affected);
    b.products.clear();
    b.action = Some("  ".into());
    let odd = Product {
        id: "odd".into(),
        purl: Some("pkg:maven/foo@1 x".into()),
        cpe23: Some("cpe:2.3:a:foo".into()),
    };
    let mut c = statement("CVE-2024-2222", &odd, Status::Fixed);
    c.notes = Some(String::new());
    c.aliases = vec![String::new()];
    let mut doc = Document::new("Acme", "2026-11-29T00:00:00Z", vec![a, b, c]);
    doc.id = Some(" not\nan id ".into());
    doc.timestamp = Some("2023-01-08T18:02:03".into());
    let v = csaf::write(&doc, &opts());
    let found = csaf::validate(v.clone());
    assert!(found.is_empty(), "{found:#?}");
    let back = csaf::read(&v).expect("read");
    assert_eq!(back.statements.len(), 3);
    assert_eq!(back.statements[0].status, Status::NotAffected);
    assert_eq!(back.statements[1].status, Status::Affected);
    assert!(back.statements[0].products.is_empty() && back.statements[1].products.is_empty());
    // Only `first_affected` (a foreign CSAF's list): also listed as known_affected (6.1.27.7)
    // and read back as it was.
    let clean = Product::new(Some("pkg:generic/acme-fw@1.0".into()), None, "fw");
    let mut f = statement("CVE-2024-3333", &clean, Status::Affected);
    f.extra
        .insert("csaf:status".into(), "first_affected".into());
    let d = Document::new("Acme", "2026-11-29T00:00:00Z", vec![f]);
    let v = csaf::write(&d, &opts());
    assert!(csaf::validate(v.clone()).is_empty());
    assert_eq!(
        v["vulnerabilities"][0]["product_status"]["known_affected"][0],
        "pkg:generic/acme-fw@1.0"
    );
    assert_eq!(csaf::read(&v).expect("read"), d);
    let empty = Document::new("Acme", "2026-11-29T00:00:00Z", Vec::new());
    assert!(!csaf::validate(csaf::write(&empty, &opts())).is_empty());
}

/// A deleted impact statement does not come back from craft's note: the note no longer
/// describes the document and the statements are read from the CSAF structure alone.
#[test]
fn a_deleted_impact_statement_does_not_come_back() {
    let model = every_shape();
    let mut doc = csaf::write(&model, &opts());
    // CVE-2024-0006: its impact threat replaced by a flag.
    let v = doc["vulnerabilities"]
        .as_array_mut()
        .expect("array")
        .iter_mut()
        .find(|v| v["cve"] == "CVE-2024-0006")
        .expect("vulnerability");
    let ids = v["threats"][0]["product_ids"].clone();
    v.as_object_mut().expect("object").remove("threats");
    v["flags"] =
        serde_json::json!([{"label": "vulnerable_code_not_in_execute_path", "product_ids": ids}]);
    assert!(csaf::validate(doc.clone()).is_empty());
    let read = csaf::read(&doc).expect("read");
    let s = read
        .statements
        .iter()
        .find(|s| s.vulnerability == "CVE-2024-0006")
        .expect("statement");
    assert_eq!(s.impact, None);
    assert_eq!(
        s.justification,
        Some(Justification::VulnerableCodeNotInExecutePath)
    );
}
