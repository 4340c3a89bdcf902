//! VEX documents from triage decisions, validated against the official schemas of the
//! shared corpus (OpenVEX 0.2.0).

use crate::common::corpus;
use craft_kernel::{compiled_files, Config, Tree};
use craft_triage::kernel::KernelContext;
use craft_triage::vex::{openvex, Product, Statement};
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
    };
    let product = Product {
        purl: None,
        cpe23: Some("cpe:2.3:o:linux:linux_kernel:6.1.0:*:*:*:*:*:*:*".into()),
        reference: "linux".into(),
    };
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
    let statements: Vec<Statement<'_>> = decisions
        .iter()
        .map(|(id, d)| Statement {
            vulnerability: id,
            aliases: &aliases,
            product: &product,
            decision: d,
            fixed: &fixed,
        })
        .collect();
    let doc = openvex("Acme Devices GmbH", "2026-11-29T00:00:00Z", &statements);
    let again = openvex("Acme Devices GmbH", "2026-11-29T00:00:00Z", &statements);
    assert_eq!(doc, again, "deterministic, @id included");
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
