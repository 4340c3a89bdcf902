//! The format suites: every CycloneDX and SPDX conformance file is classified as the suite
//! says — valid files accepted by `check --only schema`, invalid ones rejected with a finding
//! that names the rule and location.

use crate::common::{corpus, files, name};
use craft_sbom::check::{check, CheckOptions, RuleSet};
use craft_sbom::{read_path, ReadOptions, Severity};
use std::path::Path;

/// The verdict of `craft sbom check --only schema --fail-on error`.
#[derive(Debug, PartialEq)]
enum Verdict {
    Valid,
    /// Invalid, with the first finding (code and location) or the read error.
    Invalid(String),
}

fn verdict(path: &Path) -> Verdict {
    let loaded = match read_path(path, &ReadOptions::default()) {
        Ok(l) => l,
        Err(e) => return Verdict::Invalid(format!("unreadable: {e}")),
    };
    let report = check(
        &loaded,
        &CheckOptions {
            sets: vec![RuleSet::Schema],
            ..CheckOptions::default()
        },
    );
    match report
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error)
    {
        None => Verdict::Valid,
        Some(f) => {
            assert!(!f.code.is_empty());
            Verdict::Invalid(format!("{} at {}: {}", f.code, f.location, f.message))
        }
    }
}

/// Classify every file; return (valid accepted, invalid rejected, mistakes).
fn classify(
    paths: &[std::path::PathBuf],
    expect_valid: &dyn Fn(&Path) -> bool,
) -> (usize, usize, Vec<String>) {
    let (mut ok_valid, mut ok_invalid, mut wrong) = (0, 0, Vec::new());
    for p in paths {
        let want_valid = expect_valid(p);
        match (want_valid, verdict(p)) {
            (true, Verdict::Valid) => ok_valid += 1,
            (false, Verdict::Invalid(_)) => ok_invalid += 1,
            (true, Verdict::Invalid(why)) => {
                wrong.push(format!("{}: expected valid, got {why}", p.display()))
            }
            (false, Verdict::Valid) => {
                wrong.push(format!("{}: expected invalid, accepted", p.display()))
            }
        }
    }
    (ok_valid, ok_invalid, wrong)
}

#[test]
fn cyclonedx_json_suite() {
    let Some(root) = corpus("conformance/cyclonedx-specification/tools/src/test/resources") else {
        return;
    };
    let mut total_wrong = Vec::new();
    for v in ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"] {
        let paths = files(&root.join(v), &|p| {
            let n = name(p);
            n.ends_with(".json") && (n.starts_with("valid-") || n.starts_with("invalid-"))
        });
        let (a, r, wrong) = classify(&paths, &|p| name(p).starts_with("valid-"));
        eprintln!(
            "CycloneDX {v} JSON: {} files, {a} valid accepted, {r} invalid rejected, {} misclassified",
            paths.len(),
            wrong.len()
        );
        assert!(!paths.is_empty());
        total_wrong.extend(wrong);
    }
    assert!(
        total_wrong.is_empty(),
        "misclassified:\n{}",
        total_wrong.join("\n")
    );
}

#[test]
fn cyclonedx_xml_suite() {
    let Some(root) = corpus("conformance/cyclonedx-specification/tools/src/test/resources") else {
        return;
    };
    let mut total_wrong = Vec::new();
    // 1.0 and 1.1 are XML-only versions without JSON schemas; craft reads them but has no
    // schema to validate them by, so they are not part of this classification.
    for v in ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"] {
        let paths = files(&root.join(v), &|p| {
            let n = name(p);
            n.ends_with(".xml") && (n.starts_with("valid-") || n.starts_with("invalid-"))
        });
        let (a, r, wrong) = classify(&paths, &|p| name(p).starts_with("valid-"));
        eprintln!(
            "CycloneDX {v} XML: {} files, {a} valid accepted, {r} invalid rejected, {} misclassified",
            paths.len(),
            wrong.len()
        );
        total_wrong.extend(wrong);
    }
    eprintln!("XML misclassified:\n{}", total_wrong.join("\n"));
    assert!(
        total_wrong.is_empty(),
        "misclassified:\n{}",
        total_wrong.join("\n")
    );
}

#[test]
fn spdx_suite() {
    let Some(spec) = corpus("conformance/spdx-spec") else {
        return;
    };
    let Some(java) = corpus("conformance/spdx-tools-java/testResources") else {
        return;
    };
    // JSON and tag-value examples of the spec and of spdx-tools-java. YAML, RDF, XML and
    // spreadsheets are not formats craft reads (the mission lists JSON and tag-value).
    let readable = |p: &Path| {
        let n = name(p);
        n.ends_with(".spdx.json") || n.ends_with(".spdx") || n == "SPDXJsonLDExample-v3.0.1.json"
    };
    let mut paths = files(&spec.join("v2.2-examples/examples"), &readable);
    paths.extend(files(&spec.join("v2.3.1/examples"), &readable));
    paths.extend(files(&java, &readable));
    // The suite's invalid files: broken JSON, and documents declaring a version that does
    // not exist.
    let invalid = [
        "BadJSON.spdx.json",
        "SPDXWrongVersion.spdx.json",
        "SPDXJSONExample-wrongversion.spdx.json",
    ];
    let (a, r, wrong) = classify(&paths, &|p| !invalid.contains(&name(p).as_str()));
    eprintln!(
        "SPDX: {} files, {a} valid accepted, {r} invalid rejected, {} misclassified",
        paths.len(),
        wrong.len()
    );
    assert!(r >= 1);
    assert!(wrong.is_empty(), "misclassified:\n{}", wrong.join("\n"));
}

/// Docs mirror code: every rule code has its heading in docs/checks.md.
#[test]
fn every_rule_code_is_documented() {
    let doc = std::fs::read_to_string(crate::common::workspace().join("docs/checks.md"))
        .expect("docs/checks.md");
    for r in craft_sbom::check::RULES {
        assert!(
            doc.contains(&format!("### `{}`", r.code)),
            "docs/checks.md lacks a heading for `{}`",
            r.code
        );
    }
}

/// Schema findings computed at read time (beside the interpreter) equal those computed by
/// `check` afterwards.
#[test]
fn schema_at_read_time_equals_schema_in_check() {
    let Some(root) = corpus("conformance/cyclonedx-specification/tools/src/test/resources/1.6")
    else {
        return;
    };
    let opts = CheckOptions {
        sets: vec![RuleSet::Schema],
        ..CheckOptions::default()
    };
    let mut compared = 0;
    for p in files(&root, &|p| {
        name(p).starts_with("invalid-") && name(p).ends_with(".json")
    }) {
        let late = read_path(&p, &ReadOptions::default()).map(|l| check(&l, &opts).findings);
        let early_opts = ReadOptions {
            validate_schema: true,
            ..ReadOptions::default()
        };
        let early = read_path(&p, &early_opts).map(|l| check(&l, &opts).findings);
        if let (Ok(a), Ok(b)) = (late, early) {
            assert_eq!(a, b, "{}", p.display());
            compared += 1;
        }
    }
    assert!(compared > 10);
}
