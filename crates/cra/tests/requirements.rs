//! The Annex I catalogue and the judgement of a requirements.toml: evidence craft can check
//! is checked, and every way an entry can fall short has its outcome and message.

use craft_cra::requirements::{catalogue, evaluate, Entry, Outcome, RequirementsFile, Verdict};
use std::collections::BTreeMap;

#[test]
fn the_catalogue_has_every_annex_i_item_and_topic() {
    let c = catalogue();
    let refs: Vec<&str> = c.items.iter().map(|i| i.reference.as_str()).collect();
    // Part I (1), (2)(a)-(m), Part II (1)-(8).
    assert_eq!(refs.len(), 1 + 13 + 8);
    assert_eq!(refs[0], "Annex I Part I (1)");
    assert_eq!(refs[13], "Annex I Part I (2)(m)");
    assert_eq!(refs[21], "Annex I Part II (8)");
    // Only Part I (2) may be found not applicable (Annex I Part I (2) chapeau, Art. 13(4)).
    for i in &c.items {
        assert_eq!(
            i.may_not_apply,
            i.reference.starts_with("Annex I Part I (2)"),
            "{}",
            i.id
        );
        for check in &i.craft {
            assert!(c.checks.iter().any(|k| &k.id == check), "{}: {check}", i.id);
        }
    }
    // Every one of the 15 topics lands on at least one item, and no item names another.
    let ids: Vec<u8> = c.topics.iter().map(|t| t.id).collect();
    assert_eq!(ids, (1..=15).collect::<Vec<u8>>());
    for t in 1..=15u8 {
        assert!(c.items.iter().any(|i| i.topics.contains(&t)), "topic {t}");
    }
    assert!(c
        .items
        .iter()
        .all(|i| i.topics.iter().all(|t| (1..=15).contains(t))));
}

fn verdicts(pass: bool) -> BTreeMap<String, Verdict> {
    catalogue()
        .checks
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                Verdict {
                    holds: pass,
                    detail: format!("{} {}", c.id, if pass { "holds" } else { "fails" }),
                },
            )
        })
        .collect()
}

fn outcome(id: &str, entry: Entry, pass: bool) -> (Outcome, Vec<String>) {
    let file = RequirementsFile {
        requirement: BTreeMap::from([(id.to_string(), entry)]),
    };
    let exists = |p: &str| p == "docs/test-report.pdf";
    let r = evaluate(&file, &verdicts(pass), &exists, None, &[]);
    let item = r.into_iter().find(|i| i.id == id).unwrap();
    (item.outcome, item.problems)
}

fn entry(status: &str, evidence: &[&str]) -> Entry {
    Entry {
        applicable: true,
        status: toml::from_str::<BTreeMap<String, craft_cra::requirements::Declared>>(&format!(
            "s = \"{status}\""
        ))
        .ok()
        .map(|m| m["s"]),
        evidence: evidence.iter().map(|s| s.to_string()).collect(),
        ..Entry::default()
    }
}

#[test]
fn every_item_without_an_entry_is_not_assessed() {
    let r = evaluate(
        &RequirementsFile::default(),
        &verdicts(true),
        &|_| false,
        None,
        &[],
    );
    assert_eq!(r.len(), 22);
    assert!(r.iter().all(|i| i.outcome == Outcome::NotAssessed));
}

#[test]
fn met_with_verified_evidence_is_met() {
    let (o, p) = outcome("p1-2b", entry("met", &["file:docs/test-report.pdf"]), true);
    assert_eq!(o, Outcome::Met, "{p:?}");
    // Recorded evidence alone (a URL, a countermeasure) is the maker's word: not closed.
    let (o, p) = outcome(
        "p1-2b",
        entry(
            "met",
            &["url:https://acme.example/report", "countermeasure:x"],
        ),
        true,
    );
    assert_eq!(o, Outcome::Unverified);
    assert!(p[0].contains("no evidence craft can verify"), "{p:?}");
    assert!(!o.closed());
}

#[test]
fn craft_checks_run_whatever_the_entry_says_and_contradict_a_claimed_met() {
    // p2-1 carries craft:sbom in the catalogue: it is checked though the entry omits it.
    let (o, p) = outcome("p2-1", entry("met", &["file:docs/test-report.pdf"]), false);
    assert_eq!(o, Outcome::Contradicted);
    assert!(
        p[0].contains("declared met, but craft:sbom: sbom fails"),
        "{p:?}"
    );
    // A missing file contradicts too.
    let (o, p) = outcome("p1-2b", entry("met", &["file:docs/missing.pdf"]), true);
    assert_eq!(o, Outcome::Contradicted);
    assert!(p[0].contains("no such file"), "{p:?}");
    // A declared partial says what craft found.
    let (o, p) = outcome("p1-2a", entry("partial", &[]), false);
    assert_eq!(o, Outcome::Partial);
    assert!(
        p.iter()
            .any(|x| x.contains("craft finds craft:no-known-exploitable")),
        "{p:?}"
    );
}

#[test]
fn met_without_any_evidence_is_unsupported() {
    let (o, p) = outcome("p1-2g", entry("met", &[]), true);
    assert_eq!(o, Outcome::Unsupported);
    assert!(p[0].contains("without evidence"));
}

#[test]
fn not_applicable_needs_a_justification_and_a_part_i_2_item() {
    let na = |j: Option<&str>| Entry {
        applicable: false,
        justification: j.map(str::to_string),
        ..Entry::default()
    };
    assert_eq!(outcome("p1-2l", na(None), true).0, Outcome::Invalid);
    assert_eq!(outcome("p1-2l", na(Some("  ")), true).0, Outcome::Invalid);
    assert_eq!(
        outcome(
            "p1-2l",
            na(Some("no internal activity to record: a passive sensor")),
            true
        )
        .0,
        Outcome::NotApplicable
    );
    let (o, p) = outcome("p2-5", na(Some("we have no users")), true);
    assert_eq!(o, Outcome::Invalid);
    assert!(p[0].contains("always applies"), "{p:?}");
}

#[test]
fn unknown_evidence_is_invalid_and_a_missing_status_is_not_assessed() {
    let (o, p) = outcome("p1-2b", entry("met", &["photo:door.jpg"]), true);
    assert_eq!(o, Outcome::Invalid);
    assert!(p[0].contains("write file:PATH"), "{p:?}");
    let (o, p) = outcome("p1-2b", entry("met", &["craft:telepathy"]), true);
    assert_eq!(o, Outcome::Invalid);
    assert!(p[0].contains("no check `telepathy`"), "{p:?}");
    let e = Entry {
        applicable: true,
        evidence: vec!["url:https://x.example".into()],
        ..Entry::default()
    };
    assert_eq!(outcome("p1-2b", e, true).0, Outcome::NotAssessed);
}
