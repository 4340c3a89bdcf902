//! `craft kernel files` and `craft triage kernel` end to end on a small kernel tree and two
//! kernel CNA records written by the test; their errors.

use super::{craft, json_ok};
use serde_json::Value;
use std::path::Path;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
}

const TREE: &[(&str, &str)] = &[
    ("linux/Makefile", "# top\n"),
    ("linux/Kbuild", "obj-y += arch/$(SRCARCH)/ net/ drivers/\n"),
    ("linux/arch/arm/Makefile", ""),
    ("linux/arch/arm/Kbuild", "obj-y += setup.o\n"),
    ("linux/arch/arm/setup.c", ""),
    ("linux/net/Makefile", "obj-y += core/\n"),
    ("linux/net/core/Makefile", "obj-y := dev.o\n"),
    ("linux/net/core/dev.c", ""),
    ("linux/drivers/Makefile", "obj-$(CONFIG_WIFI) += wifi/\n"),
    ("linux/drivers/wifi/Makefile", "obj-y += wifi.o\n"),
    ("linux/drivers/wifi/wifi.c", ""),
    (
        "arm.config",
        "# Linux/arm 6.1.50 Kernel Configuration\nCONFIG_NET=y\n# CONFIG_WIFI is not set\n",
    ),
];

/// A kernel CNA record affecting 6.1 before 6.1.83 and fixing `file`.
fn record(cve: &str, file: &str) -> String {
    format!(
        r#"{{"dataType": "CVE_RECORD", "dataVersion": "5.1.1",
  "cveMetadata": {{"assignerOrgId": "f4215fc3-5b6b-47ff-a258-f7189bd81038", "cveId": "{cve}", "state": "PUBLISHED"}},
  "containers": {{"cna": {{
    "providerMetadata": {{"orgId": "f4215fc3-5b6b-47ff-a258-f7189bd81038"}},
    "descriptions": [{{"lang": "en", "value": "In the Linux kernel, a fix."}}],
    "affected": [{{"product": "Linux", "vendor": "Linux", "defaultStatus": "affected",
      "programFiles": ["{file}"],
      "versions": [{{"version": "5.4", "status": "affected"}},
                   {{"version": "0", "lessThan": "5.4", "status": "unaffected", "versionType": "semver"}},
                   {{"version": "6.1.83", "lessThanOrEqual": "6.1.*", "status": "unaffected", "versionType": "semver"}},
                   {{"version": "6.9", "lessThanOrEqual": "*", "status": "unaffected", "versionType": "original_commit_for_fix"}}]}}]
  }}}}
}}"#
    )
}

#[test]
fn issue6_kernel_files_and_triage() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(root, TREE);
    let (tree, config) = (root.join("linux"), root.join("arm.config"));
    let out = craft()
        .args(["kernel", "files", "--config"])
        .arg(&config)
        .arg("--tree")
        .arg(&tree)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&out),
        "arch/arm/setup.c\nnet/core/dev.c\n"
    );
    let v = json_ok(
        craft()
            .args(["--format", "json", "kernel", "files", "--config"])
            .arg(&config)
            .arg("--tree")
            .arg(&tree),
    );
    assert_eq!(v["srcarch"], "arm");
    assert_eq!(v["files"][1]["path"], "net/core/dev.c");
    assert_eq!(v["files"][1]["how"], "built-in");
    assert_eq!(v["files"][1]["lines"][2]["file"], "net/core/Makefile");

    // Two CVEs of 6.1.50: one in compiled code, one in a driver this config leaves out.
    let data = root.join("cna");
    write(
        &data,
        &[
            (
                "CVE-2024-1111.json",
                &record("CVE-2024-1111", "net/core/dev.c"),
            ),
            (
                "CVE-2024-2222.json",
                &record("CVE-2024-2222", "drivers/wifi/wifi.c"),
            ),
        ],
    );
    let db = root.join("db");
    craft()
        .args(["--quiet", "db", "import", "--db"])
        .arg(&db)
        .arg(&data)
        .assert()
        .code(0);
    let vex = root.join("kernel.openvex.json");
    let v = json_ok(
        craft()
            .args([
                "--format",
                "json",
                "triage",
                "kernel",
                "--version",
                "6.1.50",
                "--db",
            ])
            .arg(&db)
            .arg("--config")
            .arg(&config)
            .arg("--tree")
            .arg(&tree)
            .arg("--openvex")
            .arg(&vex)
            .args(["--author", "Acme"]),
    );
    assert_eq!(v["summary"]["findings"], 2);
    assert_eq!(v["summary"]["affected"], 1);
    assert_eq!(v["summary"]["not_affected_by_layer"]["kernel-config"], 1);
    let d = &v["decisions"][1];
    assert_eq!(
        (d["id"].as_str(), d["status"].as_str()),
        (Some("CVE-2024-2222"), Some("not_affected"))
    );
    assert!(
        d["reason"]
            .as_str()
            .expect("reason")
            .contains("drivers/Makefile:1"),
        "{d}"
    );
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&vex).expect("vex")).expect("JSON");
    assert_eq!(doc["author"], "Acme");
    assert_eq!(doc["statements"].as_array().expect("statements").len(), 2);
    // craft vex: to CycloneDX and back, and the summary.
    let cdx = root.join("kernel.vex.cdx.json");
    craft()
        .args(["vex", "convert"])
        .arg(&vex)
        .args(["--to", "cyclonedx", "-o"])
        .arg(&cdx)
        .assert()
        .code(0);
    let back = json_ok(
        craft()
            .args(["vex", "convert"])
            .arg(&cdx)
            .args(["--to", "openvex"]),
    );
    assert_eq!(back["statements"], doc["statements"]);
    let shown = json_ok(craft().args(["--format", "json", "vex", "show"]).arg(&cdx));
    assert_eq!(shown[0]["dialect"], "cyclonedx");
    assert_eq!(shown[0]["by_status"]["not_affected"], 1);
    // CSAF: converted, valid by `craft vex validate` (exit 0), back to OpenVEX unchanged.
    let csaf = root.join("kernel.csaf.json");
    craft()
        .args(["vex", "convert"])
        .arg(&cdx)
        .args(["--to", "csaf", "--namespace", "https://acme.example", "-o"])
        .arg(&csaf)
        .assert()
        .code(0);
    let valid = json_ok(
        craft()
            .args(["--format", "json", "vex", "validate"])
            .arg(&csaf),
    );
    assert_eq!(valid[0]["valid"], true, "{valid}");
    assert_eq!(valid[0]["csaf_version"], "2.0");
    let back = json_ok(
        craft()
            .args(["vex", "convert"])
            .arg(&csaf)
            .args(["--to", "openvex"]),
    );
    assert_eq!(back["statements"], doc["statements"]);
    // An invalid CSAF: the failed test by id, exit 1; not JSON: exit 2.
    let mut bad: Value =
        serde_json::from_str(&std::fs::read_to_string(&csaf).expect("csaf")).expect("JSON");
    bad["vulnerabilities"][0]["product_status"]["fixed"] = bad["vulnerabilities"][0]
        ["product_status"]
        .as_object()
        .and_then(|o| o.values().next().cloned())
        .expect("a status list");
    let bad_path = root.join("bad.csaf.json");
    std::fs::write(&bad_path, bad.to_string()).expect("write");
    craft()
        .args(["vex", "validate"])
        .arg(&bad_path)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("[6.1.6]"));
    craft()
        .args(["vex", "validate"])
        .arg(&config)
        .assert()
        .code(2);
    craft()
        .args(["vex", "show"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not JSON"));

    // Errors: no kernel named, a tree that is not one, a config that does not exist.
    craft()
        .args(["triage", "kernel", "--db"])
        .arg(&db)
        .arg("--config")
        .arg(&config)
        .arg("--tree")
        .arg(&tree)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--version"));
    craft()
        .args(["kernel", "files", "--config"])
        .arg(&config)
        .arg("--tree")
        .arg(root.join("cna"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a kernel source tree"));
    craft()
        .args(["kernel", "files", "--config"])
        .arg(root.join("missing.config"))
        .arg("--tree")
        .arg(&tree)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing.config"));
}
