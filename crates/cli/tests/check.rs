//! `craft check`: the example product end to end (its SBOMs, its vulnerability sample, the
//! state of the last run), and the errors of a bad product directory.

use super::craft;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A copy of `examples/gateway` in a temporary directory (the check writes `.craft/`).
pub(crate) fn example() -> (tempfile::TempDir, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/gateway");
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join("gateway");
    copy_dir(&src, &dst);
    assert!(
        !dst.join(".craft").exists(),
        "the example in the repository carries no state"
    );
    (tmp, dst)
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_name() == ".craft" {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// `craft --format json check DIR`, expecting `code`.
fn check_json(dir: &Path, code: i32) -> Value {
    let out = craft()
        .args(["--quiet", "--format", "json", "check"])
        .arg(dir)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("JSON on stdout")
}

fn release<'a>(v: &'a Value, version: &str) -> &'a Value {
    v["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == version)
        .unwrap_or_else(|| panic!("no release {version}: {v:#}"))
}

fn ids(r: &Value, component: &str) -> Vec<String> {
    let mut out: Vec<String> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["component_name"] == component && f["status"] == "affected")
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

fn gap_codes(v: &Value) -> Vec<&str> {
    v["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect()
}

#[test]
fn the_example_product_is_checked_end_to_end() {
    let (_tmp, dir) = example();
    // The example's policy fails on KEV, and two kernel CVEs of the sample are in KEV.
    let v = check_json(&dir, 1);
    assert_eq!(v["product"]["name"], "Acme industrial gateway");
    assert_eq!(v["product"]["support_end"], "2033-12");
    assert!(v["previous_run"].is_null());
    let new = release(&v, "2.1.0");
    let old = release(&v, "2.0.0");
    assert_eq!(new["sboms"].as_array().unwrap().len(), 4);
    assert_eq!(new["components"], new["identified"], "{new:#}");
    // The kernel by its 6.1 branch: CVE-2024-26581 (backported into 6.1.43, fixed in
    // 6.1.78), CVE-2024-26743 (6.1.80), CVE-2024-36971 (6.1.94) and CVE-2024-1086 affect
    // 6.1.55; CVE-2023-32246 (6.1.28) and CVE-2023-52646 (6.1.13) do not.
    assert_eq!(
        ids(new, "linux"),
        [
            "CVE-2024-1086",
            "CVE-2024-26581",
            "CVE-2024-26743",
            "CVE-2024-36971"
        ]
    );
    // openssl 3.0.13 in 2.1.0; 3.0.11 in 2.0.0 also has CVE-2023-6237 (fixed in 3.0.13).
    let openssl_new = ids(new, "openssl");
    let openssl_old = ids(old, "openssl");
    assert_eq!(
        openssl_new,
        [
            "CVE-2024-2511",
            "CVE-2024-4603",
            "CVE-2024-5535",
            "CVE-2024-6119",
            "CVE-2024-9143"
        ]
    );
    assert!(openssl_old.contains(&"CVE-2023-6237".to_string()));
    assert!(!openssl_new.contains(&"CVE-2023-6237".to_string()));
    // curl by the curl CNA's own vendor name; requests 2.31.0 cleared (fixed in 2.31.0),
    // 2.28.2 affected; the npm packages of the web UI; tokio of the agent; rustls cleared.
    assert_eq!(ids(new, "curl"), ["CVE-2024-7264"]);
    assert!(ids(new, "requests").is_empty());
    assert_eq!(ids(old, "requests"), ["CVE-2023-32681"]);
    assert_eq!(ids(new, "ws"), ["CVE-2024-37890"]);
    assert_eq!(ids(new, "express"), ["CVE-2024-29041"]);
    assert_eq!(ids(new, "tokio"), ["GHSA-rr8g-9fpq-6wmg"]);
    assert!(ids(new, "rustls").is_empty());
    assert_eq!(new["kev"], 2);
    assert_eq!(new["affected"]["P1"], 2);
    assert_eq!(new["unknown"], 0);
    // A finding keeps its SBOM and its evidence.
    let kev = new["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "CVE-2024-36971")
        .unwrap();
    assert_eq!(kev["sbom"], "rootfs.spdx.json");
    assert_eq!(kev["decided_by"]["source"], "kernel-cna");
    assert_eq!(kev["kev"]["date_added"], "2024-08-07");
    assert_eq!(kev["priority"]["label"], "P1");
    // The gaps: KEV per release (errors), SBOM quality, stale sample data, and what the
    // later parts of craft will fill.
    let codes = gap_codes(&v);
    for want in [
        "known-exploited",
        "sbom-quality",
        "vulndb-stale",
        "findings-untriaged",
        "risk-unmitigated",
        "risk-threats-open",
        "requirements-evidence-missing",
    ] {
        assert!(codes.contains(&want), "{want} not in {codes:?}");
    }
    // The example has its threat model: assessed, not missing.
    assert!(!codes.contains(&"risk-assessment-missing"), "{codes:?}");
    assert!(!codes.contains(&"support-end-undeclared"));
    // The example's scope.toml answers what craft.toml does not say: the scope is decided.
    assert!(!codes.contains(&"scope-not-assessed"), "{codes:?}");
    assert_eq!(v["product"]["scope"]["class"], "important-class-i");
    assert_eq!(
        v["product"]["scope"]["routes"],
        serde_json::json!(["module-b-c", "module-h"])
    );
    assert_eq!(v["gaps"][0]["severity"], "error", "errors first: {codes:?}");
    // The worked Article 14 case names CVE-2024-36971; the other KEV entry is a probable case.
    let probable: Vec<&str> = v["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["code"] == "article-14-probable")
        .map(|g| g["message"].as_str().unwrap())
        .collect();
    assert!(!probable.is_empty());
    assert!(
        probable.iter().all(|m| !m.contains("CVE-2024-36971")),
        "{probable:?}"
    );
    assert_eq!(v["product"]["article14"][0]["id"], "CVE-2024-36971");
    assert_eq!(v["policy"]["failing"], 4);
    assert_eq!(v["policy"]["failed"], true);

    // The second run compares with the first: nothing changed.
    let again = check_json(&dir, 1);
    assert_eq!(again["previous_run"], v["checked_at"]);
    let d = &release(&again, "2.1.0")["since_last_run"];
    assert_eq!(d["new"].as_array().unwrap().len(), 0, "{d:#}");
    assert_eq!(d["fixed"].as_array().unwrap().len(), 0);
    assert_eq!(d["unchanged"], new["findings"].as_array().unwrap().len());

    // openssl updated to 3.0.15 in 2.1.0: four findings fixed, CVE-2024-9143 (fixed in
    // 3.0.16) changed version; 2.0.0 untouched.
    let rootfs = dir.join("rootfs.spdx.json");
    let text = std::fs::read_to_string(&rootfs).unwrap();
    std::fs::write(&rootfs, text.replace("3.0.13", "3.0.15")).unwrap();
    let third = check_json(&dir, 1);
    let d = &release(&third, "2.1.0")["since_last_run"];
    let fixed: Vec<&str> = d["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        fixed,
        [
            "CVE-2024-2511",
            "CVE-2024-4603",
            "CVE-2024-5535",
            "CVE-2024-6119"
        ]
    );
    assert_eq!(d["changed"][0]["after"]["id"], "CVE-2024-9143");
    assert_eq!(d["changed"][0]["before"]["component_version"], "3.0.13");
    let d_old = &release(&third, "2.0.0")["since_last_run"];
    assert_eq!(d_old["fixed"].as_array().unwrap().len(), 0);
    assert_eq!(d_old["changed"].as_array().unwrap().len(), 0);

    // An SBOM that cannot be read: its release is not compared (its findings would all look
    // fixed), and the run is not saved as the next run's reference.
    let state = dir.join(".craft/last-check.json");
    let saved = std::fs::read(&state).unwrap();
    std::fs::rename(dir.join("webui.cdx.json"), dir.join("webui.moved")).unwrap();
    let broken = check_json(&dir, 2);
    assert!(release(&broken, "2.1.0")["since_last_run"].is_null());
    assert!(!release(&broken, "2.0.0")["since_last_run"].is_null());
    assert_eq!(std::fs::read(&state).unwrap(), saved);
    std::fs::rename(dir.join("webui.moved"), dir.join("webui.cdx.json")).unwrap();

    // Human report: the summary table, the worst findings, the gaps and the verdict.
    let out = craft()
        .args(["--quiet", "check"])
        .arg(&dir)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for want in [
        "Acme industrial gateway (AGW-200)",
        "CVE-2024-36971",
        "known-exploited",
        "Art. 14(1)-(2)",
        "check failed",
    ] {
        assert!(text.contains(want), "{want} not in\n{text}");
    }
}

#[test]
fn policy_and_releases_from_the_command_line() {
    let (_tmp, dir) = example();
    // Without the KEV level the policy passes, but the KEV gap is an error: still 1.
    let toml = dir.join("craft.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("fail-on = [\"kev\"]", "fail-on = []")).unwrap();
    let v = check_json(&dir, 1);
    assert_eq!(v["policy"]["failing"], 0);
    // --release keeps one release and saves no state.
    std::fs::remove_dir_all(dir.join(".craft")).unwrap();
    let out = craft()
        .args(["--quiet", "--format", "json", "check", "--release", "2.0.0"])
        .arg(&dir)
        .args(["--fail-on", "critical"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["releases"].as_array().unwrap().len(), 1);
    assert_eq!(v["policy"]["fail_on"], serde_json::json!(["critical"]));
    assert_eq!(v["policy"]["failing"], 1, "CVE-2024-5535 (CVSS 9.1)");
    assert!(!dir.join(".craft/last-check.json").exists());
    craft()
        .args(["check", "--release", "9.9"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("declares no release 9.9"));
}

/// `craft check DIR` exits 2 and says each of `needles` on stderr.
fn refused(dir: &Path, needles: &[&str]) {
    let out = craft()
        .arg("check")
        .arg(dir)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8_lossy(&out);
    for n in needles {
        assert!(text.contains(n), "{n} not in {text}");
    }
}

#[test]
fn a_bad_product_directory_is_an_error_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    // No craft.toml.
    refused(dir.path(), &["craft.toml"]);
    // A misspelt key, with file, line and column.
    std::fs::write(
        dir.path().join("craft.toml"),
        "[product]\nname = \"x\"\nsupport_end = \"2031-12\"\n\n[[release]]\nversion = \"1\"\nsboms = [\"a.json\"]\n",
    )
    .unwrap();
    refused(dir.path(), &["craft.toml:3:1", "support_end"]);
    // A missing SBOM is reported in its release (exit 2), not a crash; the database must
    // exist when the product imports no data of its own.
    std::fs::write(
        dir.path().join("craft.toml"),
        "[product]\nname = \"x\"\nsupport-end = \"2031-12\"\n\n[[release]]\nversion = \"1\"\nsboms = [\"missing.json\"]\n\n[vulndb]\nimport = [\"data\"]\n",
    )
    .unwrap();
    refused(dir.path(), &["data"]);
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    // `--db` overrides [vulndb]: nothing is imported into a database the user names.
    let elsewhere = dir.path().join("elsewhere");
    craft()
        .args(["check", "--db"])
        .arg(&elsewhere)
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no vulnerability database"));
    assert!(!elsewhere.exists());
    let v: Value = serde_json::from_slice(
        &craft()
            .args(["--quiet", "--format", "json", "check"])
            .arg(dir.path())
            .assert()
            .code(2)
            .get_output()
            .stdout
            .clone(),
    )
    .unwrap();
    let sbom = &v["releases"][0]["sboms"][0];
    assert_eq!(sbom["path"], "missing.json");
    assert!(sbom["unreadable"]
        .as_str()
        .unwrap()
        .contains("missing.json"));
    assert!(gap_codes(&v).contains(&"sbom-unreadable"));
    // Without [vulndb] import, the database must exist.
    std::fs::write(
        dir.path().join("craft.toml"),
        "[product]\nname = \"x\"\n\n[[release]]\nversion = \"1\"\nsboms = [\"missing.json\"]\n",
    )
    .unwrap();
    craft()
        .args(["check", "--db"])
        .arg(dir.path().join("nowhere"))
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no vulnerability database"));
}

/// The product's `triage.toml`: a rule decides a finding with its reason cited, a dismissed
/// finding counts neither as affected nor against the policy, a rule of another status
/// records a decision without dismissing, an expired rule decides nothing and fails the
/// check, and a rule without a reason is refused with its place.
#[test]
fn issue6_triage_rules_decide_findings_and_expire() {
    let (_tmp, dir) = example();
    let before = check_json(&dir, 1);
    let r = release(&before, "2.1.0");
    assert_eq!(
        (r["kev"].as_u64(), r["dismissed_by_rules"].as_u64()),
        (Some(2), Some(0))
    );
    let untriaged = r["untriaged"].as_u64().unwrap();
    assert_eq!(before["policy"]["failing"], 4);
    std::fs::write(
        dir.join("triage.toml"),
        r#"# The gateway's own triage rules.
[[rule]]
id = "no-ipv6-routing"
reason = "CONFIG_IPV6 is not set in the shipped kernel .config (board/agw-200/linux.config:812)."
justification = "vulnerable_code_not_present"
vulnerabilities = ["CVE-2024-36971"]
components = ["linux"]

[[rule]]
id = "ws-client-only"
reason = "The web UI uses ws as a client only; the crash needs a server receiving headers."
justification = "vulnerable_code_not_in_execute_path"
components = ["pkg:npm/ws@*"]
expires = 2099-12-31

[[rule]]
id = "webui-dos"
reason = "The web UI listens on the service port only; DoS findings are fixed in the 2.2 release."
status = "affected"
cwes = ["CWE-1333", "CWE-405"]

[[rule]]
id = "old-waiver"
reason = "Waived for the 2019 pilot."
justification = "inline_mitigations_already_exist"
components = ["curl"]
expires = "2020-01-01"
"#,
    )
    .unwrap();
    let v = check_json(&dir, 1);
    let r = release(&v, "2.1.0");
    assert_eq!(r["dismissed_by_rules"], 2, "by id and by the SBOM's purl");
    assert_eq!(r["kev"], 1, "the dismissed KEV finding no longer counts");
    assert_eq!(r["untriaged"].as_u64().unwrap(), untriaged - 4);
    let ws = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["component_name"] == "ws")
        .unwrap();
    assert_eq!(
        ws["triage"]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "CVE-2024-36971")
        .unwrap();
    assert_eq!(f["triage"]["status"], "not_affected");
    assert_eq!(f["triage"]["justification"], "vulnerable_code_not_present");
    assert_eq!(f["triage"]["layer"], "rule");
    assert!(f["triage"]["reason"]
        .as_str()
        .unwrap()
        .contains("`no-ipv6-routing`: CONFIG_IPV6"));
    let dos: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["triage"]["status"] == "affected")
        .collect();
    assert_eq!(dos.len(), 2, "{dos:#?}");
    // The expired waiver decides nothing (curl stays untriaged) and fails the check.
    let curl = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["component_name"] == "curl")
        .unwrap();
    assert!(curl.get("triage").is_none());
    assert_eq!(
        v["policy"]["failing"], 2,
        "the two releases' dismissed KEV finding"
    );
    let expired: Vec<&Value> = v["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["code"] == "triage-rule-expired")
        .collect();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["severity"], "error");
    assert!(expired[0]["message"]
        .as_str()
        .unwrap()
        .contains("`old-waiver`"));
    // A rule without a reason: refused with the file and line, exit 2.
    std::fs::write(
        dir.join("triage.toml"),
        "[[rule]]\nid = \"x\"\nreason = \"\"\njustification = \"vulnerable_code_not_present\"\ncomponents = [\"linux\"]\n",
    )
    .unwrap();
    refused(&dir, &["triage.toml:1:1", "needs a `reason`"]);
}

/// `craft triage set VULN COMPONENT …` in the example product's copy, with `--by`.
fn set(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    craft()
        .args(["--quiet", "--format", "json", "triage", "set"])
        .args(args)
        .arg("--product")
        .arg(dir)
        .args(["--by", "alice@acme.example"])
        .assert()
}

fn finding<'a>(r: &'a Value, id: &str, component: &str) -> &'a Value {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id && f["component_name"] == component)
        .unwrap_or_else(|| panic!("no {id} in {component}"))
}

#[test]
fn issue6_triage_set_records_history_carries_over_and_reopens() {
    let (_tmp, dir) = example();
    let before = check_json(&dir, 1);
    let untriaged = |v: &Value, rel: &str| release(v, rel)["untriaged"].as_u64().unwrap();
    // Same glibc version and range in both releases: one decision for both.
    let out = set(
        &dir,
        &[
            "CVE-2024-2961",
            "glibc",
            "--status",
            "not_affected",
            "--justification",
            "vulnerable_code_not_in_execute_path",
            "--reason",
            "The image ships no gconv modules (recipe rootfs.bb:42), so ISO-2022-CN-EXT is never loaded.",
        ],
    )
    .code(0);
    let recorded: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(recorded["releases"], serde_json::json!(["2.0.0", "2.1.0"]));
    assert_eq!(recorded["entry"]["previous"]["status"], "affected");
    assert_eq!(recorded["entry"]["previous"]["source"], "scan");
    assert_eq!(recorded["entry"]["facts"]["version"], "2.38");
    // openssl differs between the releases (3.0.11, 3.0.13): the user must pick one.
    set(
        &dir,
        &[
            "CVE-2024-5535",
            "openssl",
            "--status",
            "affected",
            "--reason",
            "x",
        ],
    )
    .code(2)
    .stderr(predicates::str::contains("--version"))
    .stderr(predicates::str::contains("version 3.0.11"))
    .stderr(predicates::str::contains("version 3.0.13"));
    set(
        &dir,
        &[
            "CVE-2024-5535",
            "openssl",
            "--status",
            "affected",
            "--reason",
            "The web UI's TLS server sets an empty ALPN list; fixed in 2.1.1.",
            "--version",
            "3.0.13",
        ],
    )
    .code(0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("triage-decisions.jsonl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "the log stays readable by the team");
    }
    // Refused before anything is scanned or written.
    for (args, why) in [
        (
            &[
                "CVE-2024-2961",
                "glibc",
                "--status",
                "not_affected",
                "--reason",
                "r",
            ][..],
            "needs --justification",
        ),
        (
            &[
                "CVE-2024-2961",
                "glibc",
                "--status",
                "fixed",
                "--reason",
                " ",
            ][..],
            "--reason is empty",
        ),
        (
            &[
                "CVE-2099-0001",
                "glibc",
                "--status",
                "fixed",
                "--reason",
                "r",
            ][..],
            "`glibc` has",
        ),
        (
            &[
                "CVE-2024-2961",
                "glib",
                "--status",
                "fixed",
                "--reason",
                "r",
            ][..],
            "it is found in: glibc",
        ),
    ] {
        set(&dir, args)
            .code(2)
            .stderr(predicates::str::contains(why));
    }
    let log = std::fs::read_to_string(dir.join("triage-decisions.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 2, "{log}");

    let v = check_json(&dir, 1);
    for rel in ["2.0.0", "2.1.0"] {
        let r = release(&v, rel);
        assert_eq!(r["dismissed_by_decisions"], 1, "{rel}");
        let f = finding(r, "CVE-2024-2961", "glibc");
        assert_eq!(f["triage"]["layer"], "manual");
        assert_eq!(
            f["triage"]["justification"],
            "vulnerable_code_not_in_execute_path"
        );
        assert!(f["triage"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("decided by alice@acme.example on 20"));
    }
    // The affected decision counts as triaged, in its release only.
    assert_eq!(untriaged(&v, "2.1.0"), untriaged(&before, "2.1.0") - 2);
    assert_eq!(untriaged(&v, "2.0.0"), untriaged(&before, "2.0.0") - 1);
    assert_eq!(
        finding(release(&v, "2.1.0"), "CVE-2024-5535", "openssl")["triage"]["status"],
        "affected"
    );
    assert!(finding(release(&v, "2.0.0"), "CVE-2024-5535", "openssl")
        .get("triage")
        .is_none());
    assert!(!gap_codes(&v).contains(&"triage-decision-reopened"));

    // A next release: the same glibc carries the decision over; a newer glibc re-opens it.
    let rootfs = std::fs::read_to_string(dir.join("rootfs.spdx.json")).unwrap();
    let newer = rootfs.replacen(
        "\"name\": \"glibc\",\n      \"versionInfo\": \"2.38\"",
        "\"name\": \"glibc\",\n      \"versionInfo\": \"2.39\"",
        1,
    );
    assert_ne!(rootfs, newer);
    std::fs::write(dir.join("rootfs-2.3.spdx.json"), newer).unwrap();
    let mut manifest = std::fs::read_to_string(dir.join("craft.toml")).unwrap();
    manifest = manifest.replace(
        "# The demo's vulnerability data",
        "[[release]]\nversion = \"2.2.0\"\nsboms = [\"rootfs.spdx.json\"]\n\n\
         [[release]]\nversion = \"2.3.0\"\nsboms = [\"rootfs-2.3.spdx.json\"]\n\n\
         # The demo's vulnerability data",
    );
    std::fs::write(dir.join("craft.toml"), manifest).unwrap();
    let v = check_json(&dir, 1);
    let carried = finding(release(&v, "2.2.0"), "CVE-2024-2961", "glibc");
    assert_eq!(carried["triage"]["layer"], "manual");
    // The openssl decision taken on 3.0.13 carries to 2.2.0, which ships 3.0.13 too.
    assert_eq!(
        finding(release(&v, "2.2.0"), "CVE-2024-5535", "openssl")["triage"]["status"],
        "affected"
    );
    let reopened = finding(release(&v, "2.3.0"), "CVE-2024-2961", "glibc");
    assert!(reopened.get("triage").is_none());
    assert!(
        reopened["reopened"]
            .as_str()
            .unwrap()
            .contains("version is now 2.39"),
        "{reopened:#}"
    );
    assert_eq!(release(&v, "2.3.0")["reopened"], 1);
    assert!(gap_codes(&v).contains(&"triage-decision-reopened"));
    // Deciding again for the new facts records the re-opened state it replaces.
    set(
        &dir,
        &[
            "CVE-2024-2961",
            "glibc",
            "--status",
            "not_affected",
            "--justification",
            "vulnerable_code_not_in_execute_path",
            "--reason",
            "Still no gconv modules in 2.3.0 (rootfs.bb:42).",
            "--release",
            "2.3.0",
        ],
    )
    .code(0);
    let v = check_json(&dir, 1);
    assert_eq!(release(&v, "2.3.0")["dismissed_by_decisions"], 1);
    assert!(!gap_codes(&v).contains(&"triage-decision-reopened"));

    // A variant of the product shares the decisions: they hold there where the facts do.
    let variant = dir.parent().unwrap().join("variant");
    copy_dir(&dir, &variant);
    std::fs::remove_file(variant.join("triage-decisions.jsonl")).unwrap();
    let m = std::fs::read_to_string(variant.join("craft.toml")).unwrap();
    std::fs::write(
        variant.join("craft.toml"),
        format!("{m}\n[triage]\nshared-decisions = [\"../gateway/triage-decisions.jsonl\"]\n"),
    )
    .unwrap();
    let v = check_json(&variant, 1);
    assert_eq!(
        finding(release(&v, "2.1.0"), "CVE-2024-2961", "glibc")["triage"]["layer"],
        "manual"
    );
    assert!(
        release(&v, "2.3.0")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f.get("reopened").is_none()),
        "a shared decision is never re-opened in the variant"
    );
    // The history, oldest first, with the state each replaced.
    let out = craft()
        .args([
            "--format",
            "json",
            "triage",
            "history",
            "CVE-2024-2961",
            "--product",
        ])
        .arg(&dir)
        .assert()
        .code(0);
    let h: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert!(h[1]["previous"]["source"]
        .as_str()
        .unwrap()
        .contains("re-opened: the component's version is now 2.39"));

    // A log line that is not a decision: check refuses the product, naming the line.
    let mut log = std::fs::read_to_string(dir.join("triage-decisions.jsonl")).unwrap();
    log.push_str("{\"at\":\"now\"}\n");
    std::fs::write(dir.join("triage-decisions.jsonl"), log).unwrap();
    refused(&dir, &["triage-decisions.jsonl:4:"]);
}

#[test]
fn issue6_supplier_vex_and_sbom_vex_decide_findings_and_unmatched_statements_are_reported() {
    let (_tmp, dir) = example();
    let before = check_json(&dir, 1);
    let r0 = release(&before, "2.1.0");
    assert_eq!(
        finding(r0, "CVE-2024-5535", "openssl")["status"],
        "affected"
    );
    // A supplier's OpenVEX: one statement by CPE without a version, one about a vulnerability
    // the product does not have.
    std::fs::write(
        dir.join("openssl-supplier.openvex.json"),
        serde_json::json!({
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": "https://supplier.example/vex/2026-001",
            "author": "Supplier Ltd",
            "timestamp": "2026-11-01T00:00:00Z",
            "version": 1,
            "statements": [
                {"vulnerability": {"name": "CVE-2024-5535"},
                 "products": [{"@id": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
                               "identifiers": {"cpe23": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*"}}],
                 "status": "not_affected",
                 "justification": "vulnerable_code_not_in_execute_path",
                 "impact_statement": "SSL_select_next_proto is never called with an empty list in our build."},
                {"vulnerability": {"name": "CVE-2099-0001"},
                 "products": [{"@id": "pkg:generic/openssl@3.0.13"}],
                 "status": "fixed"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    // An SPDX 3 SBOM carrying its own VEX (as Yocto writes it): a tool's own openssl, its
    // CVE fixed by a backported patch.
    std::fs::write(
        dir.join("tools.spdx3.json"),
        serde_json::json!({
            "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
            "@graph": [
                {"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1",
                 "created": "2026-11-20T00:00:00Z", "createdBy": ["urn:acme"]},
                {"type": "Organization", "spdxId": "urn:acme", "name": "Acme", "creationInfo": "_:ci"},
                {"type": "SpdxDocument", "spdxId": "urn:doc", "creationInfo": "_:ci",
                 "rootElement": ["urn:pkg/openssl"]},
                {"type": "software_Package", "spdxId": "urn:pkg/openssl", "name": "openssl",
                 "creationInfo": "_:ci", "software_packageVersion": "3.0.12",
                 "externalIdentifier": [{"type": "ExternalIdentifier",
                    "externalIdentifierType": "cpe23",
                    "identifier": "cpe:2.3:a:openssl:openssl:3.0.12:*:*:*:*:*:*:*"}]},
                {"type": "software_Package", "spdxId": "urn:pkg/openssl13", "name": "openssl",
                 "creationInfo": "_:ci", "software_packageVersion": "3.0.13",
                 "externalIdentifier": [{"type": "ExternalIdentifier",
                    "externalIdentifierType": "cpe23",
                    "identifier": "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"}]},
                {"type": "security_Vulnerability", "spdxId": "urn:vuln/CVE-2024-6119",
                 "creationInfo": "_:ci",
                 "externalIdentifier": [{"type": "ExternalIdentifier",
                    "externalIdentifierType": "cve", "identifier": "CVE-2024-6119"}]},
                {"type": "security_VexFixedVulnAssessmentRelationship", "spdxId": "urn:vex/1",
                 "creationInfo": "_:ci", "from": "urn:vuln/CVE-2024-6119",
                 "relationshipType": "fixedIn", "to": ["urn:pkg/openssl", "urn:pkg/openssl13"],
                 "security_vexVersion": "1.0.0"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    // The build's patches for openssl: one named after its CVE, one with Yocto's CVE: tag.
    std::fs::create_dir_all(dir.join("patches/openssl/files")).unwrap();
    std::fs::write(
        dir.join("patches/openssl/CVE-2024-2511.patch"),
        "Subject: [PATCH] Fix unconstrained session cache growth\n---\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("patches/openssl/files/0002-backport.patch"),
        "Subject: [PATCH] backport\nCVE: CVE-2024-4603\nUpstream-Status: Backport\n---\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("patches/openssl/README"),
        "CVE-2024-4741 is not a patch",
    )
    .unwrap();
    let manifest = std::fs::read_to_string(dir.join("craft.toml")).unwrap();
    let manifest = manifest.replace(
        "sboms = [\"bootloader.cdx.json\", \"rootfs.spdx.json\", \"webui.cdx.json\", \"app.cdx.xml\"]",
        "sboms = [\"bootloader.cdx.json\", \"rootfs.spdx.json\", \"webui.cdx.json\", \"app.cdx.xml\", \"tools.spdx3.json\"]\n\
         vex = [\"openssl-supplier.openvex.json\"]\n\
         patches.openssl = [\"patches/openssl\"]",
    );
    std::fs::write(dir.join("craft.toml"), &manifest).unwrap();
    let v = check_json(&dir, 1);
    let r = release(&v, "2.1.0");
    let f = finding(r, "CVE-2024-5535", "openssl");
    assert_eq!(f["triage"]["layer"], "vex");
    assert_eq!(f["triage"]["status"], "not_affected");
    assert!(f["triage"]["reason"]
        .as_str()
        .unwrap()
        .starts_with("VEX openssl-supplier.openvex.json by Supplier Ltd: SSL_select_next_proto"));
    let vex = r["vex"].as_array().unwrap();
    assert_eq!(vex.len(), 3, "{vex:#?}");
    let spdx = &vex[0];
    assert_eq!(
        (
            spdx["file"].as_str(),
            spdx["sbom"].as_str(),
            spdx["dialect"].as_str()
        ),
        (
            Some("tools.spdx3.json"),
            Some("tools.spdx3.json"),
            Some("spdx3")
        )
    );
    assert_eq!(spdx["applied"], 1);
    let supplier = &vex[1];
    assert_eq!(supplier["statements"], 2);
    assert!(supplier["applied"].as_u64().unwrap() >= 1);
    assert_eq!(supplier["unmatched"][0]["vulnerability"], "CVE-2099-0001");
    assert!(gap_codes(&v).contains(&"vex-statements-unmatched"));
    // The SBOM's own VEX speaks for its own findings only.
    let fixed: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "CVE-2024-6119" && f["triage"]["layer"] == "vex")
        .collect();
    assert!(!fixed.is_empty());
    assert!(fixed.iter().all(|f| f["sbom"] == "tools.spdx3.json"));
    // Its openssl 3.0.13 is the rootfs's too: that finding stands for both SBOMs, and the
    // tools SBOM's own VEX does not speak for the rootfs's build of it.

    let shared: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "CVE-2024-6119" && f["component_version"] == "3.0.13")
        .collect();
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0]["sbom"], "rootfs.spdx.json");
    assert_eq!(
        shared[0]["also_in"],
        serde_json::json!(["tools.spdx3.json"])
    );
    assert!(shared[0].get("triage").is_none(), "{:#}", shared[0]);
    assert!(r["dismissed_by_vex"].as_u64().unwrap() >= 2);
    // The patches decide their CVEs, citing file and line.
    for (id, how) in [
        (
            "CVE-2024-2511",
            "patched by patches/openssl/CVE-2024-2511.patch (named in the file name)",
        ),
        (
            "CVE-2024-4603",
            "patched by patches/openssl/files/0002-backport.patch (`CVE:` tag, line 2)",
        ),
    ] {
        let f = finding(r, id, "openssl");
        assert_eq!(
            (
                f["triage"]["status"].as_str(),
                f["triage"]["layer"].as_str()
            ),
            (Some("fixed"), Some("patch")),
            "{f:#}"
        );
        assert_eq!(f["triage"]["reason"], how);
    }
    let patches = &vex[2];
    assert_eq!(patches["dialect"], "patches");
    assert_eq!(patches["statements"], 2, "the README is no patch");
    // Release 2.0.0 lists no VEX: untouched.
    assert!(release(&v, "2.0.0").get("vex").is_none());
    // A VEX file that cannot be read is an error gap naming it.
    std::fs::write(
        dir.join("openssl-supplier.openvex.json"),
        "{\"statements\": 3}",
    )
    .unwrap();
    let v = check_json(&dir, 1);
    let g: Vec<&Value> = v["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["code"] == "vex-unreadable")
        .collect();
    assert_eq!(g.len(), 1, "{:#?}", v["gaps"]);
    let message = g[0]["message"].as_str().unwrap();
    assert!(
        message.contains("openssl-supplier.openvex.json")
            && message.contains("not a readable VEX document: neither OpenVEX"),
        "{message}"
    );
}

#[test]
fn issue6_components_only_built_with_are_not_in_the_product() {
    let (_tmp, dir) = example();
    // An SDK SBOM: the image, a curl 8.5.0 the build uses as a tool, and a zlib it ships.
    std::fs::write(
        dir.join("sdk.spdx.json"),
        serde_json::json!({
            "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
            "name": "sdk", "documentNamespace": "https://acme.example/spdx/sdk-1",
            "creationInfo": {"created": "2026-11-20T00:00:00Z", "creators": ["Tool: test"]},
            "packages": [
                {"SPDXID": "SPDXRef-image", "name": "image", "versionInfo": "2.1.0",
                 "downloadLocation": "NOASSERTION"},
                {"SPDXID": "SPDXRef-curl", "name": "curl", "versionInfo": "8.5.0",
                 "downloadLocation": "NOASSERTION",
                 "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
                    "referenceLocator": "cpe:2.3:a:haxx:curl:8.5.0:*:*:*:*:*:*:*"}]}
            ],
            "relationships": [
                {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                 "relatedSpdxElement": "SPDXRef-image"},
                {"spdxElementId": "SPDXRef-curl", "relationshipType": "BUILD_TOOL_OF",
                 "relatedSpdxElement": "SPDXRef-image"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    let manifest = std::fs::read_to_string(dir.join("craft.toml"))
        .unwrap()
        .replace("\"app.cdx.xml\"]", "\"app.cdx.xml\", \"sdk.spdx.json\"]");
    std::fs::write(dir.join("craft.toml"), manifest).unwrap();
    let v = check_json(&dir, 1);
    let r = release(&v, "2.1.0");
    let built: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["sbom"] == "sdk.spdx.json")
        .collect();
    assert!(!built.is_empty(), "curl 8.5.0 has findings in the sample");
    for f in &built {
        assert_eq!(f["triage"]["layer"], "build-only", "{f:#}");
        assert_eq!(f["triage"]["justification"], "component_not_present");
        assert!(f["triage"]["reason"]
            .as_str()
            .unwrap()
            .contains("only as a build dependency or tool of image"));
    }
    assert_eq!(r["dismissed_build_only"].as_u64(), Some(built.len() as u64));
    // The rootfs's curl 8.4.0, shipped, is untouched.
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["component_name"] == "curl" && f["component_version"] == "8.4.0")
        .all(|f| f.get("triage").is_none()));
}

#[test]
fn issue6_check_triages_the_kernel_findings_from_the_products_kernel_build() {
    let (_tmp, dir) = example();
    let files: &[(&str, &str)] = &[
        ("linux/Makefile", "# top\n"),
        ("linux/Kbuild", "obj-y += arch/$(SRCARCH)/ fs/ net/ drivers/\n"),
        ("linux/arch/arm/Makefile", ""),
        ("linux/arch/arm/Kbuild", "obj-y += setup.o\n"),
        ("linux/arch/arm/setup.c", ""),
        ("linux/fs/Makefile", "obj-y += aio.o\nobj-$(CONFIG_SMB_SERVER) += ksmbd/\n"),
        ("linux/fs/aio.c", ""),
        ("linux/fs/ksmbd/Makefile", "obj-y += server.o\n"),
        ("linux/fs/ksmbd/server.c", ""),
        ("linux/net/Makefile", "obj-y += ipv4/\nobj-$(CONFIG_NETFILTER) += netfilter/\n"),
        ("linux/net/ipv4/Makefile", "obj-y += route.o\n"),
        ("linux/net/ipv4/route.c", ""),
        ("linux/net/netfilter/Makefile", "obj-y += nft_set_rbtree.o\n"),
        ("linux/net/netfilter/nft_set_rbtree.c", ""),
        ("linux/drivers/Makefile", "obj-$(CONFIG_INFINIBAND) += infiniband/\n"),
        ("linux/drivers/infiniband/hw/qedr/verbs.c", ""),
        (
            "linux.config",
            "# Linux/arm 6.1.55 Kernel Configuration\nCONFIG_NET=y\n# CONFIG_NETFILTER is not set\n",
        ),
    ];
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let mut manifest = std::fs::read_to_string(dir.join("craft.toml")).unwrap();
    manifest.push_str("\n[kernel]\nconfig = \"linux.config\"\ntree = \"linux\"\n");
    std::fs::write(dir.join("craft.toml"), &manifest).unwrap();
    let v = check_json(&dir, 1);
    let r = release(&v, "2.1.0");
    let decided = |id: &str| {
        let f = finding(r, id, "linux");
        (
            f["triage"]["status"].as_str().unwrap().to_string(),
            f["triage"]["layer"].as_str().unwrap().to_string(),
            f["triage"]["reason"].as_str().unwrap().to_string(),
        )
    };
    let (status, layer, reason) = decided("CVE-2024-36971");
    assert_eq!((status.as_str(), layer.as_str()), ("affected", "compiled"));
    assert!(reason.contains("net/ipv4/route.c"), "{reason}");
    let (status, layer, reason) = decided("CVE-2024-26581");
    assert_eq!(
        (status.as_str(), layer.as_str()),
        ("not_affected", "kernel-config")
    );
    assert!(reason.contains("CONFIG_NETFILTER is not set"), "{reason}");
    // An NVD record names no files: under investigation, never dropped.
    let (status, _, reason) = decided("CVE-2024-1086");
    assert_eq!(status, "under_investigation");
    assert!(reason.contains("names no files"), "{reason}");
    assert!(r["dismissed_by_kernel"].as_u64().unwrap() >= 1);
    // A person's decision on a kernel finding is taken on the .config, and re-opened when
    // it changes.
    craft()
        .args([
            "--quiet",
            "triage",
            "set",
            "CVE-2024-36971",
            "linux",
            "--version",
            "6.1.55",
        ])
        .args(["--status", "not_affected", "--justification"])
        .args([
            "vulnerable_code_not_in_execute_path",
            "--by",
            "kim",
            "--reason",
        ])
        .arg("IPv6 routes are never installed: the firewall drops all IPv6.")
        .arg("--product")
        .arg(&dir)
        .assert()
        .code(0);
    let log = std::fs::read_to_string(dir.join("triage-decisions.jsonl")).unwrap();
    assert!(log.contains("\"kernel_config\":\""), "{log}");
    let v = check_json(&dir, 1);
    assert_eq!(
        finding(release(&v, "2.1.0"), "CVE-2024-36971", "linux")["triage"]["layer"],
        "manual"
    );
    let cfg = std::fs::read_to_string(dir.join("linux.config")).unwrap();
    std::fs::write(dir.join("linux.config"), format!("{cfg}CONFIG_IPV6=y\n")).unwrap();
    let v = check_json(&dir, 1);
    let f = finding(release(&v, "2.1.0"), "CVE-2024-36971", "linux");
    assert!(
        f["reopened"]
            .as_str()
            .unwrap()
            .contains("kernel configuration changed"),
        "{f:#}"
    );
    // A [kernel] that cannot be read stops the check (exit 2), saying why.
    std::fs::write(
        dir.join("craft.toml"),
        manifest.replace("config = \"linux.config\"", "config = \"nope.config\""),
    )
    .unwrap();
    refused(&dir, &["[kernel] in craft.toml"]);
}

#[test]
fn issue6_cyclonedx_vex_links_to_the_sbom_by_bom_link() {
    let (_tmp, dir) = example();
    let vex = dir.join("webui.openvex.json");
    std::fs::write(
        &vex,
        serde_json::json!({
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": "https://acme.example/vex/webui-1",
            "author": "Acme", "timestamp": "2026-11-29T00:00:00Z", "version": 1,
            "statements": [
                {"vulnerability": {"name": "CVE-2024-37890"},
                 "products": [{"@id": "pkg:npm/ws@8.13.0"}],
                 "status": "not_affected",
                 "justification": "vulnerable_code_not_in_execute_path"},
                {"vulnerability": {"name": "CVE-2099-0002"},
                 "products": [{"@id": "pkg:npm/left-pad@1.0.0"}],
                 "status": "fixed"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    let out_file = dir.join("webui.vex.cdx.json");
    craft()
        .args(["vex", "convert"])
        .arg(&vex)
        .args(["--to", "cyclonedx", "--bom-link"])
        .arg(dir.join("webui.cdx.json"))
        .arg("-o")
        .arg(&out_file)
        .assert()
        .code(0)
        .stderr(predicates::str::contains("1 products are not in `"));
    let v: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    let refs: Vec<&str> = v["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|x| x["affects"].as_array().unwrap())
        .map(|a| a["ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs,
        vec![
            "urn:cdx:3d1e7a52-94c0-4b6e-8f2a-61c0d9e4b7a3/1#ws@8.13.0",
            "pkg:npm/left-pad@1.0.0"
        ]
    );
    // Valid by the CycloneDX 1.6 schema, and read back by craft.
    craft()
        .args(["sbom", "check", "--only", "schema", "--fail-on", "error"])
        .arg(&out_file)
        .assert()
        .code(0);
    craft()
        .args(["vex", "show"])
        .arg(&out_file)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("2 statements"));
    // Linking to a document that is not CycloneDX, or has no serial number, is refused.
    craft()
        .args(["vex", "convert"])
        .arg(&vex)
        .args(["--to", "cyclonedx", "--bom-link"])
        .arg(dir.join("rootfs.spdx.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a CycloneDX SBOM"));
}
