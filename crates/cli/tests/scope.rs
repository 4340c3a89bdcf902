//! `craft scope`: the example product's decision, and each kind of bad input refused with a
//! clear message (exit 2), never decided on a default.

use super::{craft, edit};
use crate::check::example;
use serde_json::Value;
use std::path::Path;

fn scope_json(dir: &Path, code: i32) -> Value {
    let out = craft()
        .args([
            "--quiet",
            "--format",
            "json",
            "scope",
            "--today",
            "2026-11-29",
        ])
        .arg(dir)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("JSON on stdout")
}

#[test]
fn the_example_gateway_is_an_important_class_i_product() {
    let (_tmp, dir) = example();
    let v = scope_json(&dir, 0);
    let s = &v["scope"];
    assert_eq!(s["applicability"]["applies"], true);
    assert_eq!(s["applicability"]["role"], "manufacturer");
    assert_eq!(s["classification"]["class"], "important-class-i");
    let refs: Vec<&str> = s["classification"]["deciding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs,
        [
            "Annex III, Class I, point 12",
            "Annex III, Class I, point 5"
        ]
    );
    assert_eq!(
        s["classification"]["integrated"].as_array().unwrap().len(),
        2
    );
    let allowed: Vec<&str> = s["routes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["allowed"] == true)
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    // EN 18031-1 is a RED standard: Module A stays closed to a Class I product.
    assert_eq!(allowed, ["module-b-c", "module-h"]);
    let timeline = s["timeline"].as_array().unwrap();
    let on = |d: &str| timeline.iter().filter(|m| m["date"] == d).count();
    assert_eq!(on("2026-09-11"), 1);
    assert_eq!(
        on("2027-12-11"),
        2,
        "full application and the RED hand-over"
    );
    assert_eq!(on("2033-12"), 1);
    assert!(
        s["problems"].as_array().unwrap().is_empty(),
        "{}",
        s["problems"]
    );
    // The Markdown summary, written atomically, cites the deciding annex entries.
    let md = dir.join("scope.md");
    craft()
        .args(["--quiet", "scope", "--today", "2026-11-29", "--markdown"])
        .arg(&md)
        .arg(&dir)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.starts_with("# CRA scope: Acme industrial gateway"),
        "{text}"
    );
    assert!(text.contains("Annex III, Class I, point 12"), "{text}");
    assert!(text.contains("| 2027-12-11 | due |"), "{text}");
}

#[test]
fn open_questions_are_listed_with_their_keys_and_nothing_is_decided() {
    let (_tmp, dir) = example();
    std::fs::remove_file(dir.join("scope.toml")).unwrap();
    let v = scope_json(&dir, 2);
    assert_eq!(v["decided"], false);
    let questions: Vec<&str> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["question"].as_str().unwrap())
        .collect();
    assert_eq!(questions[0], "commercial");
    assert_eq!(questions.len(), 9, "{questions:?}");
    let out = craft()
        .args(["scope"])
        .arg(&dir)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("answer `commercial` in scope.toml"), "{err}");
    assert!(err.contains("craft scope --interactive"), "{err}");
    // --interactive needs a terminal; the test's stdin is not one. Nothing is written.
    let out = craft()
        .args(["scope", "--interactive"])
        .arg(&dir)
        .write_stdin("y\n")
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("on a terminal"), "{err}");
    assert!(!dir.join("scope.toml").exists());
}

#[test]
fn bad_descriptions_and_answers_are_refused_with_their_place() {
    let (_tmp, dir) = example();
    let manifest = dir.join("craft.toml");
    edit(&manifest, "\"router\", \"vpn\"", "\"routr\", \"vpn\"");
    edit(
        &dir.join("scope.toml"),
        "exclusions = []",
        "exclusions = [\"medical\"]",
    );
    let v = scope_json(&dir, 2);
    let msgs: Vec<String> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}: {}", p["code"], p["message"]))
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("unknown-function") && m.contains("did you mean router")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("unknown-exclusion") && m.contains("medical-device")),
        "{msgs:?}"
    );
    // A misspelt key in scope.toml is an error with its line, not an unanswered question.
    std::fs::write(
        dir.join("scope.toml"),
        "commercial = true\nexclusion = []\n",
    )
    .unwrap();
    let out = craft()
        .args(["scope"])
        .arg(&dir)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("scope.toml:2:1"), "{err}");
    // Contradictory answers.
    std::fs::write(
        dir.join("scope.toml"),
        "commercial = false\nexclusions = []\n",
    )
    .unwrap();
    edit(&manifest, "\"routr\", \"vpn\"", "\"router\", \"vpn\"");
    let v = scope_json(&dir, 2);
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("placed-on-market"),
        "{v}"
    );
}

#[test]
fn missing_dates_decide_but_are_reported() {
    let (_tmp, dir) = example();
    let manifest = dir.join("craft.toml");
    edit(&manifest, "support-end = \"2033-12\"\n", "");
    edit(&manifest, "placed-on-market = 2026-11-20\n", "");
    let v = scope_json(&dir, 1);
    let codes: Vec<&str> = v["scope"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["market-date-missing", "support-end-undeclared"]);
}

#[test]
fn the_lists_name_every_id_with_its_reference() {
    let out = craft()
        .args(["--format", "json", "scope", "--list", "functions"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let router = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "router")
        .unwrap();
    assert_eq!(router["reference"], "Annex III, Class I, point 12");
    let sensor = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "sensor")
        .unwrap();
    assert_eq!(sensor["reference"], "does not classify");
}

/// `--interactive` on a real terminal: `script` gives craft a pseudo-terminal, the answers
/// are typed into it, and scope.toml is written from them.
#[test]
fn interactive_answers_on_a_pseudo_terminal_are_saved() {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.exists());
    let Some(script) = script else {
        let msg = "`script` (util-linux) is missing: the pseudo-terminal test is SKIPPED";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        #[allow(clippy::print_stderr)]
        {
            eprintln!("!!!!!!!! {msg}");
        }
        return;
    };
    let (_tmp, dir) = example();
    std::fs::remove_file(dir.join("scope.toml")).unwrap();
    let craft_bin = assert_cmd::cargo::cargo_bin("craft");
    let cmd = format!(
        "{} scope {} --interactive --today 2026-11-29",
        craft_bin.display(),
        dir.display()
    );
    // commercial: yes; the eight exclusions: no.
    let out = std::process::Command::new(script)
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(b"y\nn\nn\nn\nn\nn\nn\nn\nn\n")?;
            }
            child.wait_with_output()
        })
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("commercial activity"), "{shown}");
    assert!(shown.contains("Annex III, Class I, point 12"), "{shown}");
    let saved = std::fs::read_to_string(dir.join("scope.toml")).unwrap();
    assert!(
        saved.contains("commercial = true") && saved.contains("exclusions = []"),
        "{saved}"
    );
}

#[test]
fn a_directory_without_craft_toml_says_what_it_needs() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in [&["scope"][..], &["check"], &["requirements", "check"]] {
        let err = super::run(craft().args(cmd).arg(tmp.path()), 2).1;
        assert!(
            err.contains("a product directory holds a craft.toml"),
            "{cmd:?}: {err}"
        );
    }
}
