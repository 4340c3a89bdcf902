//! VEX documents from triage decisions, validated against the official schemas of the
//! shared corpus (OpenVEX 0.2.0).

use crate::common::corpus;
use craft_kernel::{compiled_files, Config, Tree};
use craft_triage::kernel::KernelContext;
use craft_triage::vex::{csaf, cyclonedx, from_decision, openvex, Document, Product};
use serde_json::Value;

/// The official OpenVEX schema, compiled with format checks (date-time, IRI).
pub fn openvex_validator() -> Option<jsonschema::Validator> {
    let dir = corpus("conformance/openvex-spec")?;
    let text = std::fs::read_to_string(dir.join("openvex_json_schema.json")).expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    Some(
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles"),
    )
}

/// Validate `doc`; the errors, one per line.
pub fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn openvex_statements_carry_the_decision_and_validate() {
    let t = Tree::in_memory(
        [
            ("Makefile", ""),
            ("Kbuild", "obj-y += arch/$(SRCARCH)/ drivers/\n"),
            ("arch/arm/Makefile", ""),
            ("arch/arm/Kbuild", ""),
            ("drivers/Makefile", "obj-y += a.o\nobj-$(CONFIG_B) += b.o\n"),
            ("drivers/a.c", ""),
            ("drivers/b.c", ""),
            ("include/linux/x.h", ""),
        ]
        .map(|(p, t)| (p.to_string(), t.to_string())),
    );
    let config = Config::parse("# Linux/arm 6.1.0 Kernel Configuration\n");
    let compiled = compiled_files(&t, &config, None).expect("walk");
    let ctx = KernelContext {
        compiled: &compiled,
        config: &config,
        tree: &t,
        built: None,
    };
    let product = Product::new(
        None,
        Some("cpe:2.3:o:linux:linux_kernel:6.1.0:*:*:*:*:*:*:*".into()),
        "linux",
    );
    let decisions = [
        ("CVE-2024-0001", ctx.triage(&["drivers/a.c".to_string()])),
        ("CVE-2024-0002", ctx.triage(&["drivers/b.c".to_string()])),
        (
            "CVE-2024-0003",
            ctx.triage(&["include/linux/x.h".to_string()]),
        ),
    ];
    let aliases = vec!["GHSA-xxxx-yyyy-zzzz".to_string()];
    let fixed = vec!["6.1.1".to_string()];
    let statements = decisions
        .iter()
        .map(|(id, d)| from_decision(id, &aliases, &product, d, &fixed))
        .collect::<Vec<_>>();
    let model = Document::new(
        "Acme Devices GmbH",
        "2026-11-29T00:00:00Z",
        statements.clone(),
    );
    let doc = openvex::write(&model);
    let again = openvex::write(&Document::new(
        "Acme Devices GmbH",
        "2026-11-29T00:00:00Z",
        statements,
    ));
    assert_eq!(doc, again, "deterministic, @id included");
    // OpenVEX -> model -> CycloneDX -> model -> OpenVEX keeps every statement exactly.
    let read = openvex::read(&doc).expect("read OpenVEX");
    assert_eq!(read, model);
    let cdx = cyclonedx::write(&read, None);
    let back = cyclonedx::read(&cdx).expect("read CycloneDX");
    assert_eq!(back, model);
    assert_eq!(openvex::write(&back), doc);
    assert!(
        craft_sbom::schema::validate(craft_sbom::schema::SchemaId::CycloneDx16, &cdx).is_empty()
    );
    let s = doc["statements"].as_array().expect("statements");
    assert_eq!(s[0]["status"], "affected");
    assert_eq!(
        s[0]["action_statement"],
        "Update to a version with the fix: 6.1.1."
    );
    assert_eq!(s[1]["status"], "not_affected");
    assert_eq!(s[1]["justification"], "vulnerable_code_not_present");
    let impact = s[1]["impact_statement"].as_str().expect("impact");
    assert!(
        impact.contains("drivers/Makefile:2") && impact.contains("CONFIG_B is not set"),
        "{impact}"
    );
    assert_eq!(s[2]["status"], "under_investigation");
    assert_eq!(
        s[0]["products"][0]["@id"],
        "cpe:2.3:o:linux:linux_kernel:6.1.0:*:*:*:*:*:*:*"
    );
    assert_eq!(s[0]["vulnerability"]["aliases"][0], "GHSA-xxxx-yyyy-zzzz");
    let Some(v) = openvex_validator() else { return };
    let errs = errors(&v, &doc);
    assert!(errs.is_empty(), "{errs:#?}");
    // The schema is not a formality: a not_affected statement without its justification
    // and impact statement, or an affected one without an action, fails.
    let mut bad = doc.clone();
    bad["statements"][1]
        .as_object_mut()
        .expect("object")
        .remove("justification");
    bad["statements"][1]
        .as_object_mut()
        .expect("object")
        .remove("impact_statement");
    bad["statements"][0]
        .as_object_mut()
        .expect("object")
        .remove("action_statement");
    assert_eq!(errors(&v, &bad).len(), 2, "{:#?}", errors(&v, &bad));
}

/// The CycloneDX VEX examples of the shared corpus (the CycloneDX and CISA use cases): each
/// is read, written as OpenVEX (valid by the official schema), read back and written as
/// CycloneDX 1.6 (valid by its schema), then as CSAF 2.0 VEX (valid by the strict schema
/// and the mandatory tests) and back to OpenVEX: every statement is kept, and after the
/// first lowering the model no longer changes.
#[test]
fn issue6_cyclonedx_vex_examples_round_trip() {
    let Some(dir) = corpus("sbom/cyclonedx-bom-examples/VEX") else {
        return;
    };
    let Some(v) = openvex_validator() else { return };
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("vex"))
            {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 20, "{} VEX examples", files.len());
    let mut statements = 0;
    for f in &files {
        let json: Value =
            serde_json::from_str(&std::fs::read_to_string(f).expect("read")).expect("JSON");
        let first = cyclonedx::read(&json).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let n = json["vulnerabilities"].as_array().map_or(0, Vec::len);
        assert_eq!(first.statements.len(), n, "{}", f.display());
        statements += n;
        let ov = openvex::write(&first);
        let errs = errors(&v, &ov);
        assert!(errs.is_empty(), "{}: {errs:#?}", f.display());
        let second = openvex::read(&ov).expect("read OpenVEX");
        assert_eq!(second.statements.len(), n);
        let cdx = cyclonedx::write(&second, None);
        let schema = craft_sbom::schema::validate(craft_sbom::schema::SchemaId::CycloneDx16, &cdx);
        assert!(schema.is_empty(), "{}: {schema:?}", f.display());
        let third = cyclonedx::read(&cdx).expect("read back");
        assert_eq!(third, second, "{}", f.display());
        // The CSAF leg: valid by the strict schema and the mandatory tests, and nothing lost.
        let c = csaf::write(
            &third,
            &csaf::Options::new("https://acme.example", "2026-11-29T00:00:00Z"),
        );
        let found = csaf::validate(c.clone());
        assert!(found.is_empty(), "{}: {found:#?}", f.display());
        let fourth = csaf::read(&c).expect("read CSAF");
        assert_eq!(fourth, third, "{}", f.display());
        assert_eq!(openvex::write(&fourth), ov, "{}", f.display());
        // Statuses survive, and CycloneDX's own words come back in CycloneDX.
        for (a, b) in first.statements.iter().zip(&third.statements) {
            assert_eq!(
                (&a.vulnerability, a.status, a.justification),
                (&b.vulnerability, b.status, b.justification)
            );
        }
    }
    eprintln!(
        "CycloneDX VEX examples: {} files, {statements} statements round-tripped",
        files.len()
    );
}

/// A real Yocto VEX (vulnscout's CycloneDX 1.4 export: 7,239 statements, kernel ones among
/// them) reads completely and converts to OpenVEX valid by the official schema, and to a
/// CSAF VEX that passes the strict schema and the mandatory tests and reads back the same.
#[test]
fn issue6_a_real_yocto_vex_converts() {
    let Some(dir) = corpus("sbom/vulnscout-yocto/example/spdx2/cyclonedx-export") else {
        return;
    };
    let Some(v) = openvex_validator() else { return };
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("vex.json")).expect("read"))
            .expect("JSON");
    let doc = cyclonedx::read(&json).expect("read CycloneDX VEX");
    assert_eq!(doc.statements.len(), 7239);
    let fixed = doc
        .statements
        .iter()
        .filter(|s| s.status == craft_triage::Status::Fixed)
        .count();
    assert_eq!(fixed, 3057);
    assert!(doc.statements.iter().all(|s| !s.products.is_empty()));
    let ov = openvex::write(&doc);
    let errs = errors(&v, &ov);
    assert!(errs.is_empty(), "{:#?}", &errs[..errs.len().min(5)]);
    assert_eq!(
        openvex::read(&ov).expect("read back").statements.len(),
        7239
    );
    let c = csaf::write(
        &doc,
        &csaf::Options::new("https://example.org", "2026-11-29T00:00:00Z"),
    );
    let found = csaf::validate(c.clone());
    assert!(found.is_empty(), "{:#?}", &found[..found.len().min(5)]);
    let back = csaf::read(&c).expect("read CSAF");
    assert_eq!(back.statements, doc.statements);
    assert_eq!((&back.id, &back.timestamp), (&doc.id, &doc.timestamp));
}

/// The SPDX 3 SBOM Yocto wrote for vulnscout's example image carries its cve-check results
/// as VEX relationships (patched CVEs `fixed`, ignored ones `not_affected`): every one reads
/// (repeats merged),
/// and the statements convert to OpenVEX valid by the official schema and back, and through
/// CycloneDX VEX unchanged.
#[test]
fn issue6_yocto_spdx3_vex_relationships_read() {
    let Some(dir) = corpus("sbom/vulnscout-yocto/example/spdx3") else {
        return;
    };
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("core-image-minimal-qemux86-64.rootfs.spdx.json"))
            .expect("read"),
    )
    .expect("JSON");
    let (dialect, doc) = craft_triage::vex::read_any(&json).expect("read SPDX 3 VEX");
    assert_eq!(dialect, "spdx3");
    let count = |s: craft_triage::Status| doc.statements.iter().filter(|x| x.status == s).count();
    // 72 relationships, one per binary package; 20 different statements (the packages of a
    // recipe share its CPE); "does not affect" without a justification (Yocto's
    // upstream-wontfix, disputed, ignored) is left under investigation.
    assert_eq!(doc.statements.len(), 20);
    assert_eq!(count(craft_triage::Status::NotAffected), 11);
    assert_eq!(count(craft_triage::Status::UnderInvestigation), 6);
    assert_eq!(count(craft_triage::Status::Fixed), 3);
    // Every vulnerability by its CVE id, every product resolved, every dismissal explained.
    assert!(doc
        .statements
        .iter()
        .all(|s| s.vulnerability.starts_with("CVE-")));
    assert!(doc.statements.iter().all(|s| !s.products.is_empty()));
    assert!(doc
        .statements
        .iter()
        .filter(|s| s.status == craft_triage::Status::NotAffected)
        .all(|s| s.justification.is_some()));
    let cdx = cyclonedx::write(&doc, None);
    assert_eq!(
        cyclonedx::read(&cdx).expect("read CycloneDX").statements,
        doc.statements
    );
    let Some(v) = openvex_validator() else { return };
    let ov = openvex::write(&doc);
    let errs = errors(&v, &ov);
    assert!(errs.is_empty(), "{:#?}", &errs[..errs.len().min(5)]);
    assert_eq!(
        openvex::read(&ov).expect("read back").statements,
        doc.statements
    );
}

/// vulnscout's Yocto cve-check outputs read as VEX: `Patched` fixed, `Ignored` not_affected
/// with the reason, every statement naming the recipe by `pkg:yocto` purl and CPE.
#[test]
fn issue6_yocto_cve_check_json_reads_as_vex() {
    let Some(dir) = corpus("sbom/vulnscout-yocto/tests") else {
        return;
    };
    let mut total = 0;
    for (file, n, fixed) in [
        ("docker/yocto.json", 4, 3),
        ("end_to_end_tests/yocto.json", 3, 2),
    ] {
        let json: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(file)).expect("read"))
                .expect("JSON");
        let (dialect, doc) = craft_triage::vex::read_any(&json).expect(file);
        assert_eq!(dialect, "yocto-cve-check");
        assert_eq!(doc.statements.len(), n, "{file}");
        let f = doc
            .statements
            .iter()
            .filter(|s| s.status == craft_triage::Status::Fixed)
            .count();
        assert_eq!(f, fixed, "{file}");
        for s in &doc.statements {
            let p = &s.products[0];
            assert!(
                p.purl.as_deref().unwrap().starts_with("pkg:yocto/meta"),
                "{p:?}"
            );
            assert!(
                p.cpe23.as_deref().unwrap().starts_with("cpe:2.3:a:*:"),
                "{p:?}"
            );
            if s.status == craft_triage::Status::NotAffected {
                assert!(s.impact.is_some());
            }
        }
        // Written as OpenVEX and read back: the same statements.
        assert_eq!(
            openvex::read(&openvex::write(&doc))
                .expect("back")
                .statements,
            doc.statements
        );
        total += n;
    }
    assert_eq!(total, 7);
}
