//! `craft requirements` and `craft advisory`: the example's Annex I evidence judged, a new
//! requirements.toml written, the disclosure documents written and checked, bad files refused.

use super::{craft, edit, run};
use crate::check::example;

#[test]
fn the_example_requirements_are_judged_item_by_item() {
    let (_tmp, dir) = example();
    let v = run(
        craft()
            .args(["--quiet", "--format", "json", "requirements", "check"])
            .arg(&dir),
        1,
    )
    .0;
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 22);
    let item = |id: &str| items.iter().find(|i| i["id"] == id).unwrap();
    // (2)(a): craft's scan finds the KEV findings the maker declared not met.
    let a = item("p1-2a");
    assert_eq!(a["outcome"], "not-met");
    let kev = a["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"] == "craft:no-known-exploitable")
        .unwrap();
    assert_eq!(kev["verified"], false);
    assert!(kev["detail"].as_str().unwrap().contains("KEV"), "{kev}");
    // Part II (5): the CVD policy file exists and is checked.
    let cvd = item("p2-5");
    assert_eq!(cvd["outcome"], "met");
    assert!(cvd["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["verified"] == true));
    // Part II (1) is declared partial: craft names the SBOM its schema refuses.
    let sbom = item("p2-1");
    assert!(
        sbom["problems"].to_string().contains("app.cdx.xml"),
        "{sbom}"
    );
    assert_eq!(
        v["closed"].as_u64().unwrap() + v["open"].as_u64().unwrap(),
        22
    );
    // Claiming (2)(a) met is contradicted by craft's own check.
    let file = dir.join("requirements.toml");
    edit(&file, "status = \"not-met\"", "status = \"met\"");
    let v = run(
        craft()
            .args(["--quiet", "--format", "json", "requirements", "check"])
            .arg(&dir),
        1,
    )
    .0;
    let a = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "p1-2a")
        .unwrap()
        .clone();
    assert_eq!(a["outcome"], "contradicted");
    // An unknown item id is an error with its line and the nearest ids.
    std::fs::write(&file, "[requirement.p1-2z]\nstatus = \"met\"\n").unwrap();
    let err = run(craft().args(["requirements", "check"]).arg(&dir), 2).1;
    assert!(
        err.contains("requirements.toml:1:") && err.contains("not an Annex I item"),
        "{err}"
    );
    // Without the file, init writes one with all 22 items, and never replaces it.
    std::fs::remove_file(&file).unwrap();
    craft()
        .args(["--quiet", "requirements", "init"])
        .arg(&dir)
        .assert()
        .code(0);
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written.matches("[requirement.").count(), 22);
    assert!(written.contains("craft:no-known-exploitable"));
    craft()
        .args(["requirements", "init"])
        .arg(&dir)
        .assert()
        .code(2);
    craft()
        .args(["--quiet", "requirements", "check"])
        .arg(&dir)
        .assert()
        .code(1);
}

#[test]
fn the_catalogue_lists_items_and_topics() {
    let v = run(
        craft().args(["--format", "json", "requirements", "topics"]),
        0,
    )
    .0;
    assert_eq!(v.as_array().unwrap().len(), 15);
    assert_eq!(v[3]["name"], "Integrity (secure boot)");
    assert!(v[3]["items"].to_string().contains("Annex I Part I (2)(f)"));
}

#[test]
fn disclosure_documents_are_written_from_craft_toml_and_checked() {
    let (_tmp, dir) = example();
    let txt = dir.join("security/new.txt");
    craft()
        .args(["advisory", "security-txt"])
        .arg(&dir)
        .args(["--expires", "2099-01-01T00:00:00Z", "-o"])
        .arg(&txt)
        .assert()
        .code(2);
    assert!(!txt.exists(), "an invalid security.txt is never written");
    let expires = {
        let in_half_a_year = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 180 * 86_400;
        jiff::Timestamp::from_second(in_half_a_year as i64)
            .unwrap()
            .to_string()
    };
    craft()
        .args(["advisory", "security-txt"])
        .arg(&dir)
        .args([
            "--expires",
            &expires,
            "--policy",
            "https://acme.example/cvd",
            "-o",
        ])
        .arg(&txt)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&txt).unwrap();
    assert!(
        text.contains("Contact: mailto:psirt@acme.example"),
        "{text}"
    );
    craft()
        .args(["advisory", "check-security-txt"])
        .arg(&txt)
        .assert()
        .code(0);
    std::fs::write(&txt, text.replace("Contact:", "Kontakt:")).unwrap();
    craft()
        .args(["advisory", "check-security-txt"])
        .arg(&txt)
        .assert()
        .code(1);
    let md = dir.join("security/policy.md");
    craft()
        .args(["advisory", "cvd-policy"])
        .arg(&dir)
        .arg("-o")
        .arg(&md)
        .assert()
        .code(0);
    let policy = std::fs::read_to_string(&md).unwrap();
    assert!(policy.contains("Acme Devices GmbH") && policy.contains("psirt@acme.example"));
    assert!(
        policy.contains("Article 14") && policy.contains("2033-12"),
        "{policy}"
    );
}
