//! `craft risk`: the example's threat model end to end (rated, linked to the live findings of
//! its releases, rendered), model errors all at once, the VEX the model justifies, and the
//! countermeasures counted as Annex I evidence.

use super::{craft, edit, run};
use crate::check::example;
use serde_json::Value;

/// `craft --quiet --format json risk ARGS… DIR`, expecting `code`: its JSON.
fn risk_json(dir: &std::path::Path, args: &[&str], code: i32) -> Value {
    run(
        craft()
            .args(["--quiet", "--format", "json", "risk"])
            .args(args)
            .arg(dir),
        code,
    )
    .0
}

fn path<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no path {id}"))
}

#[test]
fn the_example_model_is_rated_and_live_findings_raise_its_paths() {
    let (_tmp, dir) = example();
    // The model alone: one path waits for its planned countermeasure.
    let alone = risk_json(&dir, &["check", "--model-only", "--today", "2026-11-29"], 1);
    let s = &alone["summary"];
    assert!(s["assets"].as_u64().unwrap() >= 8);
    assert!(s["interfaces"].as_u64().unwrap() >= 10);
    assert!(s["paths"].as_u64().unwrap() >= 25);
    assert_eq!(s["by_status"]["unmitigated"], 1);
    assert_eq!(s["linked_findings"], 0);
    let ap09 = path(&alone, "AP-09");
    assert_eq!(ap09["status"], "mitigated");
    let before = ap09["residual"]["potential"].as_u64().unwrap();
    // With the scan: the kernel's known-exploited CVEs (CVE-2024-1086, CVE-2024-36971) cap
    // the VPN exploit and the privilege escalation, and void least-privilege (enforced by
    // the kernel): AP-09 is raised.
    let live = risk_json(&dir, &["check", "--today", "2026-11-29"], 1);
    let ap09 = path(&live, "AP-09");
    let after = ap09["residual"]["potential"].as_u64().unwrap();
    assert!(after < before, "AP-09 not raised: {before} → {after}");
    let vulns: Vec<&str> = ap09["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(vulns.contains(&"CVE-2024-1086"), "{vulns:?}");
    assert_eq!(ap09["voided"], serde_json::json!(["least-privilege"]));
    // The rule names the exposed component and its CVEs, as an error.
    let kernel = live["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "risk-exploitable-vulnerability" && c["element"] == "kernel")
        .expect("the kernel's known-exploited CVEs on an exposed interface");
    assert_eq!(kernel["level"], "error");
    let m = kernel["message"].as_str().unwrap();
    assert!(m.contains("CVE-2024-36971") && m.contains("AP-09"), "{m}");
    assert!(live["summary"]["linked_findings"].as_u64().unwrap() > 0);
    // The human report says the same, with the model's file and line.
    let out = craft()
        .args(["--quiet", "risk", "check", "--today", "2026-11-29"])
        .arg(&dir)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("threat-model.toml:"), "{text}");
    assert!(text.contains("[risk-exploitable-vulnerability]"), "{text}");
    assert!(
        text.contains("AP-20") && text.contains("UNMITIGATED"),
        "{text}"
    );
    assert!(text.contains("risk assessment FAILS"), "{text}");
    // The findings the model justifies are listed with the component and its line.
    assert!(
        text.contains("not reachable: `factory-tools` (") && text.contains("not_affected"),
        "{text}"
    );
    // `craft check` carries the same assessment and its gaps.
    let check = run(
        craft()
            .args(["--quiet", "--format", "json", "check"])
            .arg(&dir),
        1,
    )
    .0;
    assert_eq!(check["risk"]["failed"], true);
    let codes: Vec<&str> = check["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"risk-unmitigated") && codes.contains(&"risk-threats-open"));
    // Implementing the planned allow-list and updating nothing else: AP-20 mitigated.
    edit(
        &dir.join("threat-model.toml"),
        "kind = \"filtering\"\nstatus = \"planned\"",
        "kind = \"filtering\"",
    );
    let v = risk_json(&dir, &["check", "--model-only", "--today", "2026-11-29"], 0);
    assert_eq!(path(&v, "AP-20")["status"], "mitigated");
    // An acceptance past its date fails again.
    run(
        craft()
            .args([
                "--quiet",
                "--format",
                "json",
                "risk",
                "check",
                "--model-only",
            ])
            .args(["--today", "2027-07-01"])
            .arg(&dir),
        1,
    );
}

#[test]
fn model_errors_are_listed_all_at_once_like_a_compiler() {
    let (_tmp, dir) = example();
    let file = dir.join("threat-model.toml");
    edit(
        &file,
        "reaches = [\"ssh\", \"dns\"",
        "reaches = [\"sshd\", \"dns\"",
    );
    edit(
        &file,
        "rating = { elapsed-time = \"one-day\", expertise = \"layman\", knowledge = \"public\", window = \"unlimited\", equipment = \"specialized\" }",
        "rating = { elapsed-time = \"one-day\", expertise = \"layman\", knowledge = \"public\", equipment = \"specialized\" }",
    );
    edit(
        &file,
        "children = [\"jtag-write\", \"clip-spi\"]",
        "children = [\"jtag-write\", \"rewrite-flash\"]",
    );
    let err = craft()
        .args(["risk", "check", "--model-only"])
        .arg(&dir)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&err);
    for needle in [
        "unknown component `sshd` (did you mean `ssh`?)",
        "window (Window of opportunity) is not rated",
        "attack tree cycle: rewrite-flash → rewrite-flash",
        "3 problems in",
    ] {
        assert!(err.contains(needle), "{needle} not in:\n{err}");
    }
    // Each with the file, line and column.
    assert!(
        err.lines()
            .filter(|l| l.contains("threat-model.toml:"))
            .all(|l| l
                .split(':')
                .nth(2)
                .is_some_and(|n| n.parse::<usize>().is_ok())),
        "{err}"
    );
    // JSON: the errors as data.
    let v = run(
        craft()
            .args(["--format", "json", "risk", "check", "--model-only"])
            .arg(&dir),
        2,
    )
    .0;
    assert_eq!(v["errors"].as_array().unwrap().len(), 3);
    // craft check reports the invalid model as a gap, and goes on.
    let check = run(
        craft()
            .args(["--quiet", "--format", "json", "check"])
            .arg(&dir),
        1,
    )
    .0;
    assert!(check["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["code"] == "risk-model-invalid"
            && g["message"]
                .as_str()
                .unwrap()
                .contains("and 2 more problems")));
}

#[test]
fn the_outputs_render() {
    let (tmp, dir) = example();
    let out = tmp.path();
    let common = ["--quiet", "risk"];
    // Register as CSV: a header and one row per path.
    craft()
        .args(common)
        .args(["register", "--model-only", "--csv", "-o"])
        .arg(out.join("register.csv"))
        .arg(&dir)
        .assert()
        .code(0);
    let csv = std::fs::read_to_string(out.join("register.csv")).unwrap();
    assert_eq!(csv.lines().count(), 28);
    assert!(csv.starts_with("id,title,entry,exposure,asset,property,impact"));
    // The attack trees: SVG (well-formed), Mermaid, DOT; one path or all.
    craft()
        .args(common)
        .args([
            "diagram",
            "--model-only",
            "--as",
            "svg",
            "--path",
            "AP-23",
            "-o",
        ])
        .arg(out.join("ap23.svg"))
        .arg(&dir)
        .assert()
        .code(0);
    let svg = std::fs::read_to_string(out.join("ap23.svg")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&svg);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("SVG not well-formed: {e}"),
        }
    }
    // AP-23: the path, the OR gate, its two branches, and the boot step.
    assert_eq!(svg.matches("<rect").count(), 5);
    let mermaid = craft()
        .args(common)
        .args(["diagram", "--model-only", "--as", "mermaid"])
        .arg(&dir)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let mermaid = String::from_utf8(mermaid).unwrap();
    assert!(mermaid.starts_with("flowchart TD\n"));
    assert_eq!(mermaid.matches("[[\"AP-").count(), 27);
    assert!(mermaid.contains("rewrite-flash [OR]"));
    craft()
        .args(common)
        .args(["diagram", "--model-only", "--path", "AP-99"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no attack path `AP-99`"));
    // The heat map and the chapter.
    craft()
        .args(common)
        .args(["heatmap", "--model-only", "-o"])
        .arg(out.join("heat.svg"))
        .arg(&dir)
        .assert()
        .code(0);
    let heat = std::fs::read_to_string(out.join("heat.svg")).unwrap();
    assert!(heat.contains("Before countermeasures") && heat.contains("After implemented"));
    craft()
        .args(common)
        .args(["chapter", "--model-only", "-o"])
        .arg(out.join("risk.md"))
        .arg(&dir)
        .assert()
        .code(0);
    let md = std::fs::read_to_string(out.join("risk.md")).unwrap();
    for section in [
        "# Cybersecurity risk assessment: Acme industrial gateway (AGW-200)",
        "## Attack paths and risk",
        "## Security objectives",
        "**SO-AP-20**",
        "## Annex I coverage",
        "suppressed: Modbus RTU",
    ] {
        assert!(md.contains(section), "{section} not in the chapter");
    }
    // The coverage matrix as JSON: 22 items.
    let v = risk_json(&dir, &["coverage", "--model-only"], 0);
    assert_eq!(v.as_array().unwrap().len(), 22);
    // The rules, documented.
    let v = run(craft().args(["--format", "json", "risk", "rules"]), 0).0;
    assert_eq!(v.as_array().unwrap().len(), 13);
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .all(|r| !r["doc"].as_str().unwrap().is_empty()));
}

#[test]
fn findings_on_unreachable_components_are_justified_by_the_model() {
    let (tmp, dir) = example();
    // urllib3 belongs to the factory tools: no entry point reaches them.
    let v = run(
        craft()
            .args(["--quiet", "--format", "json", "risk", "vex", "--openvex"])
            .arg(tmp.path().join("model.openvex.json"))
            .arg(&dir),
        0,
    )
    .0;
    let list = v.as_array().unwrap();
    assert!(!list.is_empty());
    assert!(list.iter().all(|s| s["component"] == "urllib3"
        && s["justification"] == "vulnerable_code_cannot_be_controlled_by_adversary"
        && s["reason"]
            .as_str()
            .unwrap()
            .starts_with("threat-model.toml:")));
    let doc: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("model.openvex.json")).unwrap())
            .unwrap();
    let st = &doc["statements"][0];
    assert_eq!(st["status"], "not_affected");
    assert!(st["impact_statement"]
        .as_str()
        .unwrap()
        .contains("component `factory-tools`"));
    assert_eq!(doc["author"], "Acme Devices GmbH");
    // craft check counts them apart, and a data flow that reaches the tools takes the
    // justification away.
    let check = run(
        craft()
            .args(["--quiet", "--format", "json", "check"])
            .arg(&dir),
        1,
    )
    .0;
    let new = check["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == "2.1.0")
        .unwrap();
    assert_eq!(new["dismissed_by_threat_model"], list.len());
    edit(
        &dir.join("threat-model.toml"),
        "[[flow]]\nid = \"telemetry\"",
        "[[flow]]\nid = \"provisioning\"\nfrom = \"factory-tools\"\nto = \"agent\"\nencrypted = true\n\n\
         [[flow]]\nid = \"telemetry\"",
    );
    let v = risk_json(&dir, &["vex"], 0);
    assert_eq!(v.as_array().unwrap().len(), 0);
    // A glob on a reachable component that takes in the same package withdraws the claim
    // too (no flow this time).
    edit(
        &dir.join("threat-model.toml"),
        "[[flow]]\nid = \"provisioning\"\nfrom = \"factory-tools\"\nto = \"agent\"\nencrypted = true\n\n",
        "",
    );
    assert!(!risk_json(&dir, &["vex"], 0).as_array().unwrap().is_empty());
    edit(
        &dir.join("threat-model.toml"),
        "sbom = [\"gw-agent\",",
        "sbom = [\"urllib*\", \"gw-agent\",",
    );
    assert!(risk_json(&dir, &["vex"], 0).as_array().unwrap().is_empty());
}

#[test]
fn countermeasures_count_as_annex_i_evidence_when_the_model_holds_them() {
    let (_tmp, dir) = example();
    let item = |v: &Value, id: &str| -> Value {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    let v = run(
        craft()
            .args(["--quiet", "--format", "json", "requirements", "check"])
            .arg(&dir),
        1,
    )
    .0;
    // Part II (7): signed-updates is implemented and names p2-7.
    let p27 = item(&v, "p2-7");
    assert_eq!(p27["outcome"], "met");
    let e = p27["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"] == "countermeasure:signed-updates")
        .unwrap()
        .clone();
    assert_eq!(e["verified"], true);
    assert!(e["detail"].as_str().unwrap().contains("threat-model.toml:"));
    // (2)(k): least-privilege is enforced by the kernel, whose known-exploited CVEs void it.
    let k = item(&v, "p1-2k");
    assert_eq!(k["outcome"], "contradicted");
    assert!(k["problems"].to_string().contains("voided"), "{k}");
    // A countermeasure the model does not have, or only plans, refutes the item.
    edit(
        &dir.join("requirements.toml"),
        "evidence = [\"countermeasure:signed-updates\", \"url:",
        "evidence = [\"countermeasure:signed-updates\", \"countermeasure:modbus-allowlist\", \"countermeasure:nope\", \"url:",
    );
    let v = run(
        craft()
            .args(["--quiet", "--format", "json", "requirements", "check"])
            .arg(&dir),
        1,
    )
    .0;
    let p27 = item(&v, "p2-7");
    assert_eq!(p27["outcome"], "contradicted");
    let problems = p27["problems"].to_string();
    assert!(problems.contains("planned, not implemented"), "{problems}");
    assert!(problems.contains("no countermeasure `nope`"), "{problems}");
    // A countermeasure whose own evidence file is gone is no evidence.
    std::fs::remove_file(dir.join("security/secure-boot-test.md")).unwrap();
    let v = run(
        craft()
            .args(["--quiet", "--format", "json", "requirements", "check"])
            .arg(&dir),
        1,
    )
    .0;
    let problems = item(&v, "p2-7")["problems"].to_string();
    assert!(
        problems.contains("its evidence is missing or empty: security/secure-boot-test.md"),
        "{problems}"
    );
}

#[test]
fn a_product_may_bring_its_own_rating_tables() {
    let (_tmp, dir) = example();
    let bundled = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cra/data/risk.toml"),
    )
    .unwrap();
    // A lenient matrix: every risk value 1.
    let lenient = bundled
        .replace("severe = [2, 3, 4, 5]", "severe = [1, 1, 1, 1]")
        .replace("major = [1, 2, 3, 4]", "major = [1, 1, 1, 1]")
        .replace("moderate = [1, 2, 2, 3]", "moderate = [1, 1, 1, 1]");
    assert_ne!(lenient, bundled);
    std::fs::write(dir.join("lenient.toml"), lenient).unwrap();
    edit(
        &dir.join("threat-model.toml"),
        "threshold = 3\n",
        "threshold = 3\ntables = \"lenient.toml\"\n",
    );
    let v = risk_json(&dir, &["check", "--model-only"], 0);
    assert_eq!(v["summary"]["above_initial"], 0);
    assert_eq!(v["summary"]["by_status"]["acceptable"], 27);
    // Tables that are not consistent, or not there, stop every command that reads the model.
    std::fs::write(dir.join("lenient.toml"), "[[factor]]\nid = \"x\"\n").unwrap();
    craft()
        .args(["risk", "check", "--model-only"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("lenient.toml"));
    std::fs::remove_file(dir.join("lenient.toml")).unwrap();
    craft()
        .args(["risk", "check", "--model-only"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not exist"));
    // Outside the product directory: refused, never read (its text would reach the log).
    edit(
        &dir.join("threat-model.toml"),
        "tables = \"lenient.toml\"",
        "tables = \"../craft.toml\"",
    );
    craft()
        .args(["risk", "check", "--model-only"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("inside the product directory"));
}

#[test]
fn init_writes_a_first_model_the_rules_then_complete() {
    let (_tmp, dir) = example();
    let file = dir.join("threat-model.toml");
    std::fs::remove_file(&file).unwrap();
    craft()
        .args(["--quiet", "risk", "init"])
        .arg(&dir)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&file).unwrap();
    // craft.toml's interfaces, mapped; the SBOMs' components, linked by name.
    for needle in [
        "kind = \"update\"\nexposure = \"network\"",
        "kind = \"cellular\"",
        "kind = \"uart\"",
        "name = \"dropbear\"\nsbom = [\"dropbear\"]",
        "name = \"express\"",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
    // It is a valid model; the rules say what to do first.
    let v = risk_json(&dir, &["check", "--model-only"], 1);
    let rules: Vec<&str> = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "risk-unsigned-update",
        "risk-no-rollback-protection",
        "risk-interface-without-path",
        "risk-asset-without-path",
    ] {
        assert!(rules.contains(&rule), "{rule} not in {rules:?}");
    }
    assert_eq!(v["summary"]["interfaces"], 7);
    // A first model claims no component unreachable: craft check dismisses nothing by it.
    let check = run(
        craft()
            .args(["--quiet", "--format", "json", "check"])
            .arg(&dir),
        1,
    )
    .0;
    for r in check["releases"].as_array().unwrap() {
        assert_eq!(r["dismissed_by_threat_model"], 0, "{}", r["version"]);
    }
    // Never over an existing model.
    craft()
        .args(["risk", "init"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("never replaces"));
}
