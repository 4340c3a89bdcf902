//! `craft report`: an Article 14 case from opening to the final report, the clocks as the
//! CLI shows them, and bad input refused with a clear message.

use super::craft;
use crate::check::example;
use serde_json::Value;
use std::path::Path;

/// `craft --format json report ARGS… -C DIR --now NOW`, expecting `code`.
fn report(dir: &Path, now: &str, args: &[&str], code: i32) -> (Value, String) {
    let out = craft()
        .env("CRAFT_USER", "tester")
        .args(["--quiet", "--format", "json", "report"])
        .args(args)
        .arg("-C")
        .arg(dir)
        .args(["--now", now])
        .assert()
        .code(code)
        .get_output()
        .clone();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (v, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn status(v: &Value, stage: &str) -> (String, String) {
    let k = v["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["stage"] == stage)
        .unwrap();
    (
        k["status"].as_str().unwrap().to_string(),
        k["due"].as_str().unwrap_or("-").to_string(),
    )
}

#[test]
fn a_vulnerability_case_from_awareness_to_the_final_report() {
    let (_tmp, dir) = example();
    std::fs::remove_dir_all(dir.join("reports")).unwrap();
    // Aware on Saturday 27 March 2027, 12:00 in Berlin; the clocks go forward that night.
    let (v, _) = report(
        &dir,
        "2027-03-27T11:30:00Z",
        &[
            "open",
            "--vuln",
            "CVE-2024-1086",
            "--aware-at",
            "2027-03-27 12:00",
            "--release",
            "2.1.0",
        ],
        0,
    );
    assert_eq!(
        v["case"]["tracks"]["vulnerability"]["aware-at"],
        "2027-03-27T11:00:00Z"
    );
    assert_eq!(
        status(&v, "early-warning"),
        ("due".into(), "2027-03-28T11:00:00Z".into())
    );
    let ew = &v["clocks"][0];
    assert_eq!(ew["due_local"], "2027-03-28 13:00 CEST (+02:00)");
    assert_eq!(status(&v, "final-report").0, "waiting");
    // Nothing sent after the early warning's deadline: the list says so and exits 1.
    let (v, _) = report(&dir, "2027-03-28T12:00:00Z", &["list"], 1);
    assert_eq!(v[0]["next"]["status"], "overdue");
    // The early warning, sent in time; the fields for the notification; a fix before 72 h.
    report(
        &dir,
        "2027-03-27T16:00:00Z",
        &[
            "sent",
            "CVE-2024-1086",
            "--stage",
            "early-warning",
            "--at",
            "2027-03-27 17:00",
        ],
        0,
    );
    let (d, _) = report(&dir, "2027-03-28T08:00:00Z", &["draft", "CVE-2024-1086"], 1);
    assert_eq!(d["stage"], "notification");
    assert_eq!(
        d["missing"],
        serde_json::json!([
            "nature-of-vulnerability",
            "nature-of-exploit",
            "measures-taken",
            "user-measures"
        ])
    );
    report(
        &dir,
        "2027-03-28T08:00:00Z",
        &[
            "set",
            "CVE-2024-1086",
            "nature-of-vulnerability=use-after-free in netfilter",
            "nature-of-exploit=local privilege escalation",
            "measures-taken=patched kernel in test",
            "user-measures=restrict shell access",
        ],
        0,
    );
    let (d, _) = report(&dir, "2027-03-28T08:00:00Z", &["draft", "CVE-2024-1086"], 0);
    assert_eq!(d["missing"], serde_json::json!([]));
    let (v, _) = report(
        &dir,
        "2027-03-29T10:00:00Z",
        &["fixed", "CVE-2024-1086", "--at", "2027-03-29 09:00"],
        0,
    );
    // 14 calendar days in Berlin: 12 April, 09:00 CEST.
    assert_eq!(
        status(&v, "final-report"),
        ("due".into(), "2027-04-12T07:00:00Z".into())
    );
    assert_eq!(
        status(&v, "notification"),
        ("due".into(), "2027-03-30T11:00:00Z".into())
    );
    let (v, _) = report(&dir, "2027-03-30T12:00:00Z", &["show", "CVE-2024-1086"], 1);
    assert_eq!(status(&v, "notification").0, "overdue");
    report(
        &dir,
        "2027-03-30T12:30:00Z",
        &[
            "sent",
            "CVE-2024-1086",
            "--stage",
            "notification",
            "--at",
            "2027-03-30T12:15:00Z",
        ],
        0,
    );
    let (v, _) = report(&dir, "2027-03-30T13:00:00Z", &["show", "CVE-2024-1086"], 0);
    assert_eq!(status(&v, "notification").0, "sent-late");
    // Every change is in the history, with who and when.
    let history = v["case"]["history"].as_array().unwrap();
    assert_eq!(history.len(), 5);
    // Set records the values; the history is stamped with the real clock, not --now.
    let set = history[2]["what"].as_str().unwrap();
    assert!(
        set.contains("user-measures = \"restrict shell access\""),
        "{set}"
    );
    assert!(
        !history[0]["at"].as_str().unwrap().starts_with("2027-03"),
        "{history:?}"
    );
    assert!(history.iter().all(|e| e["by"] == "tester"));
    // The check shows the case with its next clock; the vulnerability is no longer a
    // probable case without one.
    let out = craft()
        .args(["--quiet", "--format", "json", "check", "--no-save"])
        .arg(&dir)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let c: Value = serde_json::from_slice(&out).unwrap();
    let ids: Vec<&str> = c["product"]["article14"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["CVE-2024-1086"]);
    assert!(!c["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["code"] == "article-14-probable"
            && g["message"].as_str().unwrap().contains("CVE-2024-1086")));
}

#[test]
fn an_incident_upgraded_from_a_vulnerability_gets_its_own_clocks() {
    let (_tmp, dir) = example();
    let now = "2026-11-29T12:00:00Z";
    let (v, _) = report(
        &dir,
        now,
        &[
            "upgrade",
            "CVE-2024-36971",
            "--aware-at",
            "2026-11-29 10:00",
        ],
        0,
    );
    let incident: Vec<&Value> = v["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["track"] == "incident")
        .collect();
    assert_eq!(incident.len(), 3);
    assert_eq!(incident[0]["due"], "2026-11-30T09:00:00Z");
    assert_eq!(incident[2]["provisional"], true);
    // With two tracks, a submission must say which.
    let (_, err) = report(
        &dir,
        now,
        &[
            "sent",
            "CVE-2024-36971",
            "--stage",
            "early-warning",
            "--at",
            "2026-11-29 11:00",
        ],
        2,
    );
    assert!(err.contains("--track"), "{err}");
    report(
        &dir,
        now,
        &[
            "sent",
            "CVE-2024-36971",
            "--track",
            "incident",
            "--stage",
            "early-warning",
            "--at",
            "2026-11-29 11:00",
        ],
        0,
    );
    let (d, _) = report(
        &dir,
        now,
        &[
            "draft",
            "CVE-2024-36971",
            "--track",
            "incident",
            "--stage",
            "early-warning",
        ],
        1,
    );
    assert_eq!(d["missing"], serde_json::json!(["suspected-malicious"]));
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let (_tmp, dir) = example();
    let now = "2026-11-29T12:00:00Z";
    let open = |args: &[&str]| {
        let mut a = vec!["open", "--vuln", "CVE-2024-1086"];
        a.extend_from_slice(args);
        report(&dir, now, &a, 2).1
    };
    let e = open(&["--aware-at", "2026-10-25 02:30"]);
    assert!(e.contains("occurs twice") && e.contains("+01:00"), "{e}");
    let e = open(&["--aware-at", "2026-03-29 02:30"]);
    assert!(e.contains("does not exist"), "{e}");
    let e = open(&["--aware-at", "2026-12-01 10:00"]);
    assert!(e.contains("in the future"), "{e}");
    let e = open(&["--aware-at", "soon"]);
    assert!(e.contains("not a time"), "{e}");
    let e = open(&["--aware-at", "2026-11-29 10:00", "--tz", "Europe/Atlantis"]);
    assert!(e.contains("IANA"), "{e}");
    let e = open(&["--aware-at", "2026-11-29 10:00", "--release", "9.9"]);
    assert!(e.contains("no release 9.9"), "{e}");
    let e = report(
        &dir,
        now,
        &[
            "open",
            "--vuln",
            "CVE-2024-36971",
            "--aware-at",
            "2026-11-29 10:00",
        ],
        2,
    )
    .1;
    assert!(e.contains("exists already"), "{e}");
    let e = report(&dir, now, &["set", "CVE-2024-36971", "nature-of-vuln=x"], 2).1;
    assert!(
        e.contains("did you mean") && e.contains("nature-of-vulnerability"),
        "{e}"
    );
    let e = report(&dir, now, &["set", "CVE-2024-36971", "title=x"], 2).1;
    assert!(e.contains("not a field"), "{e}");
    let e = open(&["--aware-at", "2026-11-29"]);
    assert!(e.contains("time of day"), "{e}");
    // Ids are compared without case: a second case for the same CVE is refused.
    let e = report(
        &dir,
        now,
        &[
            "open",
            "--vuln",
            "cve-2024-36971",
            "--aware-at",
            "2026-11-29 10:00",
        ],
        2,
    )
    .1;
    assert!(e.contains("exists already"), "{e}");
    let e = report(&dir, now, &["set", "CVE-2024-36971", "title-x=\u{1}"], 2).1;
    assert!(e.contains("not a field"), "{e}");
    let e = report(
        &dir,
        now,
        &["set", "CVE-2024-36971", "sensitivity=a\u{1}b"],
        2,
    )
    .1;
    assert!(e.contains("control characters"), "{e}");
    let big = format!("sensitivity={}", "x".repeat(20_000));
    let e = report(&dir, now, &["set", "CVE-2024-36971", &big], 2).1;
    assert!(e.contains("at most"), "{e}");
    let e = report(&dir, "2026-11-29 12:00", &["list"], 2).1;
    assert!(e.contains("--now"), "{e}");
    let e = report(&dir, now, &["show", "CVE-0000-0001"], 2).1;
    assert!(
        e.contains("no case `CVE-0000-0001`") && e.contains("CVE-2024-36971"),
        "{e}"
    );
    // Without a time zone anywhere, craft asks rather than assuming UTC.
    let manifest = dir.join("craft.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("time-zone = \"Europe/Berlin\"\n", ""),
    )
    .unwrap();
    let e = open(&["--aware-at", "2026-11-29 10:00"]);
    assert!(e.contains("which time zone"), "{e}");
    // A broken case file stops every command that reads the product, naming the place.
    let case = dir.join("reports/CVE-2024-36971.json");
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, text.replacen("\"aware-at\"", "\"aware_at\"", 1)).unwrap();
    let e = report(&dir, now, &["list"], 2).1;
    assert!(
        e.contains("CVE-2024-36971.json:") && e.contains("aware_at"),
        "{e}"
    );
    std::fs::write(
        &case,
        text.replace("2026-11-21T15:10:00Z", "2026-11-20T15:10:00Z"),
    )
    .unwrap();
    let e = report(&dir, now, &["list"], 2).1;
    assert!(e.contains("before awareness"), "{e}");
}
