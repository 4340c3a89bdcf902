//! The threat model: arithmetic of paths and trees, countermeasures before and after, every
//! rule on a model built to trigger it and on its fixed counterpart, the vulnerability link,
//! model errors all at once with their places, and the diagrams.

use craft_cra::risk::{bundled, Feasibility};
use craft_cra::threat::model::{parse, Model};
use craft_cra::threat::{self, render, Assessment, PathStatus, VulnFinding};
use craft_cra::Date;

fn today() -> Date {
    Date::parse("2026-11-29").unwrap()
}

fn model(text: &str) -> Model {
    match parse("threat-model.toml", text, bundled()) {
        Ok(m) => m,
        Err(e) => panic!("model errors:\n{e}"),
    }
}

fn assess(text: &str, findings: &[VulnFinding]) -> Assessment {
    threat::assess(&model(text), bundled(), findings, today())
}

/// A small, clean device: one network interface with authentication and rate limits, one
/// asset, one path mitigated to the threshold 4. Every rule is silent on it (checked
/// below).
const BASE: &str = r#"
[settings]
threshold = 4

[[asset]]
id = "fw"
name = "Firmware"
properties = ["integrity"]
impact = { operational = "severe" }

[[boundary]]
id = "device"
name = "Device"

[[boundary]]
id = "cloud"
name = "Cloud"

[[component]]
id = "agent"
name = "Agent"
sbom = ["gw-agent", "pkg:cargo/rumqttc*"]
boundary = "device"

[[component]]
id = "backend"
name = "Backend"
boundary = "cloud"

[[interface]]
id = "wan"
name = "WAN"
kind = "ethernet"
exposure = "network"
reaches = ["agent"]
authentication = "certificate"

[[countermeasure]]
id = "limits"
name = "Rate limits"
kind = "rate-limiting"
protects = ["wan"]
annex-i = ["p1-2h"]

[[countermeasure]]
id = "hardening"
name = "Hardening"
kind = "least-privilege"
raises = { expertise = "expert", knowledge = "confidential" }
annex-i = ["p1-2k"]

[[step]]
id = "exploit"
text = "Exploit the agent"
component = "agent"
rating = { elapsed-time = "one-week", expertise = "proficient", knowledge = "public", window = "unlimited", equipment = "standard" }
countermeasures = ["hardening"]

[[path]]
id = "AP-1"
title = "Agent exploited"
entry = "wan"
asset = "fw"
property = "integrity"
steps = ["exploit"]
"#;

/// Panics unless `svg` is well-formed XML.
fn well_formed(svg: &str) {
    let mut reader = quick_xml::Reader::from_str(svg);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}\n{svg}"),
        }
    }
}

fn rules_fired(a: &Assessment) -> Vec<&'static str> {
    let mut r: Vec<&'static str> = a
        .candidates
        .iter()
        .filter(|c| c.suppressed.is_none())
        .map(|c| c.rule)
        .collect();
    r.sort_unstable();
    r.dedup();
    r
}

#[test]
fn the_base_model_is_clean() {
    let a = assess(BASE, &[]);
    assert_eq!(rules_fired(&a), Vec::<&str>::new(), "{:#?}", a.candidates);
    assert!(!a.failed());
}

#[test]
fn countermeasures_lower_feasibility_and_residual_risk() {
    assert_eq!(assess(BASE, &[]).paths[0].status, PathStatus::Mitigated);
    let strict = BASE.replace("threshold = 4", "threshold = 3");
    let a = assess(&strict, &[]);
    let p = &a.paths[0];
    // Table G.6 values: one-week 1 + proficient 3 + public 0 + unlimited 0 + standard 0 = 4:
    // High (G.7, 0-13); severe × high = 5 (H.8).
    assert_eq!(p.initial.potential, 4);
    assert_eq!(p.initial.feasibility, Feasibility::High);
    assert_eq!(p.initial.risk, 5);
    // Hardening raises expertise to expert (6) and knowledge to confidential (7):
    // 1 + 6 + 7 + 0 + 0 = 14, Medium; severe × medium = 4.
    assert_eq!(p.residual.potential, 14);
    assert_eq!(p.residual.feasibility, Feasibility::Medium);
    assert_eq!(p.residual.risk, 4);
    assert_eq!(p.countermeasures, ["hardening"]);
    // Still above the threshold 3, treatment reduce: unmitigated, and the check fails.
    assert_eq!(p.status, PathStatus::Unmitigated);
    assert!(a.failed());
    assert!(a.candidates.iter().any(|c| c.rule == "risk-unmitigated"));
    // A planned countermeasure counts for the target only.
    let planned = strict
        .replace(
            "annex-i = [\"p1-2k\"]",
            "annex-i = [\"p1-2k\"]\n\n[[countermeasure]]\nid = \"sandbox\"\nname = \"Sandbox\"\n\
         kind = \"least-privilege\"\nstatus = \"planned\"\nraises = { equipment = \"bespoke\" }",
        )
        .replace(
            "countermeasures = [\"hardening\"]",
            "countermeasures = [\"hardening\", \"sandbox\"]",
        );
    let a = assess(&planned, &[]);
    let p = &a.paths[0];
    assert_eq!(p.residual.potential, 14);
    // + bespoke equipment 7 = 21: Low; severe × low = 3, within the threshold.
    assert_eq!(p.target.potential, 21);
    assert_eq!(p.target.risk, 3);
    assert_eq!(p.planned, ["sandbox"]);
    assert_eq!(p.status, PathStatus::Unmitigated);
    let message = &a
        .candidates
        .iter()
        .find(|c| c.rule == "risk-unmitigated")
        .unwrap()
        .message;
    assert!(message.contains("planned countermeasures (sandbox) would bring it to 3"));
    // Implemented, the path is mitigated and the check passes.
    let done = planned.replace("status = \"planned\"\n", "");
    let a = assess(&done, &[]);
    assert_eq!(a.paths[0].status, PathStatus::Mitigated);
    assert_eq!(a.paths[0].residual.risk, 3);
    assert!(!a.failed());
}

#[test]
fn the_headlamp_path_of_annex_h_through_the_model() {
    // ISO/SAE 21434 Annex H, Table H.7 path 1 (as the research notes collect it): one
    // week, multiple experts, confidential, unlimited, specialized = 1+8+7+0+4 = 20: Low.
    let text = BASE.replace(
        "rating = { elapsed-time = \"one-week\", expertise = \"proficient\", knowledge = \"public\", window = \"unlimited\", equipment = \"standard\" }",
        "rating = { elapsed-time = \"one-week\", expertise = \"multiple-experts\", knowledge = \"confidential\", window = \"unlimited\", equipment = \"specialized\" }",
    );
    let a = assess(&text, &[]);
    assert_eq!(a.paths[0].initial.potential, 20);
    assert_eq!(a.paths[0].initial.feasibility, Feasibility::Low);
    // Severe × Low = 3 (Table H.8).
    assert_eq!(a.paths[0].initial.risk, 3);
    assert_eq!(a.paths[0].status, PathStatus::Acceptable);
}

const TREE: &str = r#"
[[step]]
id = "hard"
text = "Hard way"
rating = { elapsed-time = "more", expertise = "expert", knowledge = "public", window = "unlimited", equipment = "bespoke" }

[[step]]
id = "easy"
text = "Easy way"
rating = { elapsed-time = "one-day", expertise = "layman", knowledge = "restricted", window = "easy", equipment = "standard" }

[[step]]
id = "then"
text = "Then"
rating = { elapsed-time = "one-month", expertise = "layman", knowledge = "public", window = "unlimited", equipment = "specialized" }

[[tree]]
id = "either"
gate = "or"
children = ["hard", "easy"]

[[tree]]
id = "both"
gate = "and"
children = ["hard", "easy"]

[[path]]
id = "AP-or"
title = "Or"
entry = "wan"
asset = "fw"
property = "integrity"
steps = ["either", "then"]

[[path]]
id = "AP-and"
title = "And"
entry = "wan"
asset = "fw"
property = "integrity"
steps = ["both"]
"#;

#[test]
fn or_takes_the_easiest_branch_and_takes_the_hardest_level_per_factor() {
    let a = assess(&format!("{BASE}{TREE}"), &[]);
    let or = a.paths.iter().find(|p| p.id == "AP-or").unwrap();
    // OR: easy (0+0+3+1+0 = 4) beats hard (19+6+0+0+7 = 32); then AND with "then"
    // (4+0+0+0+4): per factor the hardest: one-month 4, layman 0, restricted 3, easy 1,
    // specialized 4 = 12.
    assert_eq!(or.initial.potential, 12);
    assert_eq!(or.initial.levels["elapsed-time"], "one-month");
    assert_eq!(or.initial.levels["knowledge"], "restricted");
    assert_eq!(or.initial.feasibility, Feasibility::High);
    let and = a.paths.iter().find(|p| p.id == "AP-and").unwrap();
    // AND: more 19, expert 6, restricted 3, easy 1, bespoke 7 = 36: Very low.
    assert_eq!(and.initial.potential, 36);
    assert_eq!(and.initial.feasibility, Feasibility::VeryLow);
}

/// Each rule: a model that triggers it, and its fixed counterpart.
#[test]
fn every_rule_fires_on_its_model_and_stays_silent_on_the_fix() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "risk-unauthenticated-service",
            "authentication = \"certificate\"",
            "authentication = \"none\"",
        ),
        (
            "risk-no-rate-limit",
            "protects = [\"wan\"]\nannex-i = [\"p1-2h\"]",
            "protects = [\"backend\"]\nannex-i = [\"p1-2h\"]",
        ),
    ];
    for (rule, fixed, broken) in cases {
        assert!(BASE.contains(fixed), "{rule}");
        let a = assess(&BASE.replace(fixed, broken), &[]);
        assert_eq!(rules_fired(&a), [*rule], "{rule} on its model");
        assert!(!rules_fired(&assess(BASE, &[])).contains(rule));
    }
    // Rules that need more model: (rule, broken addition, fixed addition).
    let extra: &[(&str, &str, &str)] = &[
        (
            "risk-debug-interface",
            "[[interface]]\nid = \"uart\"\nname = \"UART\"\nkind = \"uart\"\nexposure = \"physical\"\n",
            "[[interface]]\nid = \"uart\"\nname = \"UART\"\nkind = \"uart\"\nexposure = \"physical\"\n\
             [[countermeasure]]\nid = \"fuse\"\nname = \"Fused\"\nkind = \"debug-disabled\"\nprotects = [\"uart\"]\n",
        ),
        (
            "risk-unsigned-update",
            "[[interface]]\nid = \"upd\"\nname = \"Update\"\nkind = \"update\"\nexposure = \"physical\"\n\
             [[countermeasure]]\nid = \"ar\"\nname = \"AR\"\nkind = \"rollback-protection\"\nprotects = [\"upd\"]\n",
            "[[interface]]\nid = \"upd\"\nname = \"Update\"\nkind = \"update\"\nexposure = \"physical\"\n\
             [[countermeasure]]\nid = \"ar\"\nname = \"AR\"\nkind = \"rollback-protection\"\nprotects = [\"upd\"]\n\
             [[countermeasure]]\nid = \"sig\"\nname = \"Signed\"\nkind = \"signed-updates\"\nprotects = [\"upd\"]\n",
        ),
        (
            "risk-no-rollback-protection",
            "[[interface]]\nid = \"upd\"\nname = \"Update\"\nkind = \"update\"\nexposure = \"physical\"\n\
             [[countermeasure]]\nid = \"sig\"\nname = \"Signed\"\nkind = \"signed-updates\"\nprotects = [\"upd\"]\n",
            "[[interface]]\nid = \"upd\"\nname = \"Update\"\nkind = \"update\"\nexposure = \"physical\"\n\
             [[countermeasure]]\nid = \"sig\"\nname = \"Signed\"\nkind = \"signed-updates\"\nprotects = [\"upd\"]\n\
             [[countermeasure]]\nid = \"ar\"\nname = \"AR\"\nkind = \"rollback-protection\"\nprotects = [\"upd\"]\n",
        ),
        (
            "risk-default-credentials",
            "[[interface]]\nid = \"ui\"\nname = \"UI\"\nkind = \"web-ui\"\nexposure = \"physical\"\ncredentials = \"default\"\n",
            "[[interface]]\nid = \"ui\"\nname = \"UI\"\nkind = \"web-ui\"\nexposure = \"physical\"\ncredentials = \"unique\"\n",
        ),
        (
            "risk-plaintext-flow",
            "[[flow]]\nid = \"up\"\nfrom = \"agent\"\nto = \"backend\"\nencrypted = false\n",
            "[[flow]]\nid = \"up\"\nfrom = \"agent\"\nto = \"backend\"\nencrypted = true\n",
        ),
        (
            "risk-secret-on-removable-media",
            "[[interface]]\nid = \"sd\"\nname = \"SD\"\nkind = \"sd-card\"\nexposure = \"physical\"\n\
             [[asset]]\nid = \"key\"\nname = \"Key\"\nproperties = [\"confidentiality\"]\nimpact = { financial = \"major\" }\nsecret = true\nstored-on = [\"sd\"]\n",
            "[[interface]]\nid = \"sd\"\nname = \"SD\"\nkind = \"sd-card\"\nexposure = \"physical\"\n\
             [[asset]]\nid = \"key\"\nname = \"Key\"\nproperties = [\"confidentiality\"]\nimpact = { financial = \"major\" }\nsecret = true\nstored-on = [\"sd\"]\n\
             [[countermeasure]]\nid = \"enc\"\nname = \"Encrypted\"\nkind = \"encryption\"\nprotects = [\"key\"]\n",
        ),
    ];
    // Paths so the consistency rules stay quiet about the added interfaces and assets.
    let covering = |added: &str| -> String {
        let mut more = String::new();
        for line in added.lines() {
            if let Some(id) = line.strip_prefix("id = \"") {
                let id = id.trim_end_matches('"');
                if added.contains(&format!("[[interface]]\nid = \"{id}\"")) {
                    more.push_str(&format!(
                        "[[path]]\nid = \"P-{id}\"\ntitle = \"x\"\nentry = \"{id}\"\nasset = \"fw\"\n\
                         property = \"integrity\"\nsteps = [\"exploit\"]\n"
                    ));
                }
                if added.contains(&format!("[[asset]]\nid = \"{id}\"")) {
                    more.push_str(&format!(
                        "[[path]]\nid = \"P-{id}\"\ntitle = \"x\"\nentry = \"wan\"\nasset = \"{id}\"\n\
                         property = \"confidentiality\"\nsteps = [\"exploit\"]\n"
                    ));
                }
            }
        }
        more
    };
    for (rule, broken, fixed) in extra {
        let base_without_unmitigated = BASE.replace(
            "impact = { operational = \"severe\" }",
            "impact = { operational = \"moderate\" }",
        );
        let b = format!("{base_without_unmitigated}\n{broken}\n{}", covering(broken));
        let fired = rules_fired(&assess(&b, &[]));
        assert!(fired.contains(rule), "{rule} does not fire: {fired:?}");
        assert_eq!(fired.len(), 1, "{rule}: other rules fire too: {fired:?}");
        let f = format!("{base_without_unmitigated}\n{fixed}\n{}", covering(fixed));
        let fired = rules_fired(&assess(&f, &[]));
        assert!(
            fired.is_empty(),
            "{rule}: fixed model still fires {fired:?}"
        );
    }
    // The consistency rules: an interface and an asset nothing attacks.
    let a = assess(
        &format!(
            "{BASE}\n[[interface]]\nid = \"usb\"\nname = \"USB\"\nkind = \"usb\"\nexposure = \"physical\"\n\
             [[asset]]\nid = \"logs\"\nname = \"Logs\"\nproperties = [\"privacy\"]\nimpact = {{ privacy = \"moderate\" }}\n"
        ),
        &[],
    );
    let fired = rules_fired(&a);
    assert!(fired.contains(&"risk-interface-without-path"));
    assert!(fired.contains(&"risk-asset-without-path"));
}

#[test]
fn a_suppression_needs_a_reason_and_silences_one_element_until_it_expires() {
    let broken = BASE.replace(
        "authentication = \"certificate\"",
        "authentication = \"none\"",
    );
    let with = |s: &str| format!("{broken}\n[[suppress]]\n{s}");
    let a = assess(
        &with("rule = \"risk-unauthenticated-service\"\nelement = \"wan\"\nreason = \"discovery only\"\n"),
        &[],
    );
    assert!(rules_fired(&a).is_empty());
    assert_eq!(a.summary.suppressed, 1);
    let c = a
        .candidates
        .iter()
        .find(|c| c.suppressed.is_some())
        .unwrap();
    assert_eq!(c.suppressed.as_deref(), Some("discovery only"));
    // Expired: the rule fires again, saying so.
    let a = assess(
        &with("rule = \"risk-unauthenticated-service\"\nreason = \"x\"\nexpires = 2026-01-31\n"),
        &[],
    );
    let c = a
        .candidates
        .iter()
        .find(|c| c.rule == "risk-unauthenticated-service")
        .unwrap();
    assert!(c.suppressed.is_none());
    assert!(c.message.contains("its suppression expired on 2026-01-31"));
    // Without a reason, or for a rule that may not be suppressed: model errors.
    let e = parse(
        "t.toml",
        &with("rule = \"risk-unauthenticated-service\"\n"),
        bundled(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("needs a `reason`"), "{e}");
    let e = parse(
        "t.toml",
        &with("rule = \"risk-unmitigated\"\nreason = \"no\"\n"),
        bundled(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("cannot be suppressed"), "{e}");
}

#[test]
fn retained_risks_need_a_reason_and_fail_once_their_acceptance_expires() {
    let retained = BASE.replace("threshold = 4", "threshold = 3").replace(
        "steps = [\"exploit\"]",
        "steps = [\"exploit\"]\ntreatment = \"retain\"\nreason = \"legacy units\"\nexpires = 2027-06-30",
    );
    let a = assess(&retained, &[]);
    assert_eq!(a.paths[0].status, PathStatus::Accepted);
    assert!(!a.failed());
    let late = threat::assess(
        &model(&retained),
        bundled(),
        &[],
        Date::parse("2027-07-01").unwrap(),
    );
    assert_eq!(late.paths[0].status, PathStatus::Expired);
    assert!(late.failed());
    assert!(late
        .candidates
        .iter()
        .any(|c| c.rule == "risk-acceptance-expired"));
    // The last day itself still holds.
    let last = threat::assess(
        &model(&retained),
        bundled(),
        &[],
        Date::parse("2027-06-30").unwrap(),
    );
    assert_eq!(last.paths[0].status, PathStatus::Accepted);
    let e = parse(
        "t.toml",
        &BASE.replace(
            "steps = [\"exploit\"]",
            "steps = [\"exploit\"]\ntreatment = \"retain\"",
        ),
        bundled(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("give the `reason`"), "{e}");
}

fn finding(id: &str, component: &str, kev: bool, score: f64) -> VulnFinding {
    VulnFinding {
        id: id.into(),
        component: component.into(),
        ids: vec![format!("pkg:cargo/{component}@1.0.0")],
        known_exploited: kev,
        score: Some(score),
    }
}

#[test]
fn a_new_cve_on_an_exposed_component_raises_its_paths() {
    let moderate = BASE.replace(
        "impact = { operational = \"severe\" }",
        "impact = { operational = \"moderate\" }",
    );
    let before = assess(&moderate, &[]);
    assert_eq!(before.paths[0].residual.potential, 14);
    assert!(!before.failed());
    // A known-exploited CVE in the agent (matched by name): the step's own factors are
    // capped at one-day / layman / public / standard (the tables' [[exploit]] row), then
    // the hardening raises expertise and knowledge again: 0+6+7+0+0 = 13, High (was 14,
    // Medium). Moderate × high = 3.
    let kev = [finding("CVE-2099-0001", "gw-agent", true, 9.8)];
    let after = assess(&moderate, &kev);
    let p = &after.paths[0];
    assert_eq!(p.vulnerabilities, ["CVE-2099-0001"]);
    assert_eq!(p.residual.potential, 13);
    assert_eq!(p.residual.feasibility, Feasibility::High);
    assert_eq!(p.residual.levels["elapsed-time"], "one-day");
    assert!(p.voided.is_empty());
    // Within the threshold, but the rule fires (error: known exploited and exposed).
    let c = after
        .candidates
        .iter()
        .find(|c| c.rule == "risk-exploitable-vulnerability")
        .unwrap();
    assert!(
        c.message.contains("CVE-2099-0001") && c.message.contains("paths raised: AP-1"),
        "{}",
        c.message
    );
    assert!(after.failed());
    assert_eq!(after.summary.raised_paths, 1);
    // When the agent enforces the hardening itself (`by`), the vulnerability voids it: 0.
    let enforced = moderate.replace(
        "raises = { expertise = \"expert\", knowledge = \"confidential\" }",
        "raises = { expertise = \"expert\", knowledge = \"confidential\" }\nby = [\"agent\"]",
    );
    let a = assess(&enforced, &kev);
    assert_eq!(a.paths[0].residual.potential, 0);
    assert_eq!(a.paths[0].voided, ["hardening"]);
    // A high (CVSS 7.5) finding, matched by a purl glob, voids it too: the step keeps its
    // own rating, one-week / proficient: 1+3+0+0+0 = 4.
    let high = [VulnFinding {
        id: "CVE-2099-0002".into(),
        component: "rumqttc".into(),
        ids: vec!["pkg:cargo/rumqttc@0.24.0".into()],
        known_exploited: false,
        score: Some(7.5),
    }];
    let a = assess(&enforced, &high);
    assert_eq!(a.paths[0].residual.potential, 4);
    assert_eq!(a.paths[0].vulnerabilities, ["CVE-2099-0002"]);
    // The initial rating never changes: it is the design's, before countermeasures.
    assert_eq!(a.paths[0].initial.potential, 4);
    // A low finding raises nothing; a finding on another component neither.
    let a = assess(
        &moderate,
        &[finding("CVE-2099-0003", "gw-agent", false, 5.0)],
    );
    assert_eq!(a.paths[0].residual.potential, 14);
    assert!(!a.paths[0].raised);
    assert!(rules_fired(&a).is_empty(), "{:?}", rules_fired(&a));
    let a = assess(&moderate, &[finding("CVE-2099-0004", "busybox", true, 9.8)]);
    assert_eq!(a.paths[0].residual.potential, 14);
    assert_eq!(a.summary.linked_findings, 0);
    assert!(rules_fired(&a).is_empty());
}

#[test]
fn a_component_no_entry_point_reaches_is_shown_unreachable() {
    let text = format!(
        "{BASE}\n[[component]]\nid = \"tools\"\nname = \"Factory tools\"\nsbom = [\"python3\"]\n\
         boundary = \"device\"\n"
    );
    let m = model(&text);
    let un = threat::unreachable_components(&m);
    let idx = |id: &str| m.components.iter().position(|c| c.id == id).unwrap();
    assert!(un[idx("tools")]);
    assert!(!un[idx("agent")]);
    // The backend is reached from no interface either (nothing connects it).
    assert!(un[idx("backend")]);
    let a = threat::assess(
        &m,
        bundled(),
        &[finding("CVE-2099-0005", "python3", true, 9.8)],
        today(),
    );
    assert_eq!(a.unreachable.len(), 1);
    assert_eq!(a.unreachable[0].component, "tools");
    // Not exposed: the vulnerability rule does not fire for it.
    assert!(!rules_fired(&a).contains(&"risk-exploitable-vulnerability"));
    // A data flow from the agent connects it: reachable (flows count both ways).
    let flowing = format!(
        "{text}\n[[flow]]\nid = \"f\"\nfrom = \"tools\"\nto = \"agent\"\nencrypted = true\n"
    );
    let m = model(&flowing);
    assert!(!threat::unreachable_components(&m)[idx("tools")]);
}

#[test]
fn model_errors_come_all_at_once_with_their_places() {
    let text = r#"[[asset]]
id = "fw"
name = "Firmware"
properties = ["integrity"]

[[interface]]
id = "wan"
name = "WAN"
kind = "ethernet"
exposure = "network"
reaches = ["agnet"]

[[step]]
id = "a"
text = "A"
rating = { elapsed-time = "one-week", expertise = "guru", knowledge = "public", window = "unlimited" }

[[tree]]
id = "t1"
gate = "or"
children = ["t2", "a"]

[[tree]]
id = "t2"
gate = "and"
children = ["t1"]

[[path]]
id = "P"
title = "P"
entry = "lan"
asset = "fw"
property = "confidentiality"
steps = ["t1", "nothing"]
"#;
    let errors = parse("threat-model.toml", text, bundled()).unwrap_err().0;
    let show: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let has = |needle: &str, line: usize| {
        assert!(
            errors.iter().any(|e| e.message.contains(needle)
                && e.line == line
                && e.file == "threat-model.toml"),
            "no `{needle}` at line {line}: {show:#?}"
        );
    };
    has("asset `fw` has no impact rating", 2);
    has("unknown component `agnet`", 11);
    has("`guru` is not a level of expertise", 16);
    has("equipment (Equipment) is not rated", 16);
    has("attack tree cycle: t1 → t2 → t1", 19);
    has("unknown interface `lan`", 31);
    has("a property the asset does not list", 32);
    has("unknown step or tree `nothing`", 34);
    assert_eq!(errors.len(), 8, "{show:#?}");
    // Sorted by place, and the column is right: `reaches = ["agnet"]` has the id at 12.
    assert!(errors
        .windows(2)
        .all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column)));
    let e = errors.iter().find(|e| e.message.contains("agnet")).unwrap();
    assert_eq!(e.column, 12);
    // A syntax error stops at once, with its place.
    let e = parse("t.toml", "[[asset]\nid = 1", bundled())
        .unwrap_err()
        .0;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 1);
    // Unknown keys are errors too (a typo must not drop a countermeasure silently).
    let e = parse(
        "t.toml",
        &BASE.replace(
            "kind = \"rate-limiting\"",
            "kind = \"rate-limiting\"\nprotect = [\"wan\"]",
        ),
        bundled(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown field `protect`"), "{e}");
}

#[test]
fn hostile_models_do_not_panic() {
    let texts = [
        String::new(),
        "[[tree]]\nid = \"t\"\ngate = \"or\"\nchildren = [\"t\"]\n".to_string(),
        // A deep chain of gates: no recursion to overflow.
        (0..5000)
            .map(|i| format!("[[tree]]\nid = \"t{i}\"\ngate = \"and\"\nchildren = [\"t{}\"]\n", i + 1))
            .collect::<String>()
            + "[[step]]\nid = \"t5000\"\ntext = \"x\"\nrating = { elapsed-time = \"one-day\", expertise = \"layman\", knowledge = \"public\", window = \"easy\", equipment = \"standard\" }\n",
        "[settings]\nthreshold = 9\n".to_string(),
        "[[suppress]]\nrule = \"nope\"\nreason = \"\"\n".to_string(),
    ];
    for t in &texts {
        if let Ok(m) = parse("t.toml", t, bundled()) {
            let a = threat::assess(&m, bundled(), &[], today());
            let _ = render::svg(&m, &a, bundled(), &[]);
            let _ = render::mermaid(&m, &a, bundled(), &[]);
        }
    }
    // The self-referencing gate is a cycle; the threshold out of range an error.
    assert!(parse("t.toml", &texts[1], bundled())
        .unwrap_err()
        .to_string()
        .contains("cycle"));
    assert!(parse("t.toml", &texts[3], bundled())
        .unwrap_err()
        .to_string()
        .contains("threshold"));
}

#[test]
fn the_diagrams_render() {
    let m = model(&format!("{BASE}{TREE}"));
    let a = threat::assess(&m, bundled(), &[], today());
    let svg = render::svg(&m, &a, bundled(), &[]);
    // Well-formed XML, an <svg> root, one box per node.
    let mut reader = quick_xml::Reader::from_str(&svg);
    let mut rects = 0;
    let mut root = None;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e)) => {
                let qname = e.name();
                let name: &str = qname.as_ref();
                root.get_or_insert_with(|| name.to_string());
            }
            Ok(quick_xml::events::Event::Empty(e)) if AsRef::<str>::as_ref(&e.name()) == "rect" => {
                rects += 1
            }
            Ok(_) => {}
            Err(e) => panic!("SVG not well-formed: {e}\n{svg}"),
        }
    }
    assert_eq!(root.as_deref(), Some("svg"));
    // AP-1: path + step; AP-or: path, or-gate, 2 steps, then; AP-and: path, gate, 2 steps.
    assert_eq!(rects, 2 + 5 + 4);
    let heat = render::heatmap(&a, bundled());
    well_formed(&heat);
    assert_eq!(heat.matches("<rect").count(), 32);
    // The Mermaid text, as a snapshot.
    let only = vec!["AP-or".to_string()];
    assert_eq!(
        render::mermaid(&m, &a, bundled(), &only),
        r#"flowchart TD
  n0[["AP-or: Or<br/>integrity of fw · from wan<br/>risk 5 → 5 (unmitigated)"]]
  n1{{"either [OR]"}}
  n2["hard: Hard way<br/>feasibility very low (32)"]
  n3["easy: Easy way<br/>feasibility high (4)"]
  n4["then: Then<br/>feasibility high (8)"]
  n0 --> n1
  n0 --> n4
  n1 -.->|or| n2
  n1 -.->|or| n3
"#
    );
    let dot = render::dot(&m, &a, bundled(), &only);
    assert!(dot.starts_with("digraph attack_trees {") && dot.ends_with("}\n"));
    assert!(dot.contains("n1 -> n2 [style=dashed, label=\"or\"];"));
}

#[test]
fn the_register_csv_quotes_and_neutralises_formulas() {
    let text = BASE.replace(
        "title = \"Agent exploited\"",
        "title = \"=HYPERLINK(\\\"x\\\"), then\"",
    );
    let a = assess(&text, &[]);
    let csv = render::register_csv(&a);
    let mut lines = csv.split("\r\n");
    assert!(lines
        .next()
        .unwrap()
        .starts_with("id,title,entry,exposure,asset"));
    let row = lines.next().unwrap();
    assert!(row.starts_with("AP-1,\"'=HYPERLINK(\"\"x\"\"), then\",wan,network,fw,integrity,severe,4,high,5,14,medium,4,4,hardening,,,reduce,mitigated,,"), "{row}");
}

#[test]
fn the_example_products_model_is_realistic_and_valid() {
    let text = include_str!("../../../examples/gateway/threat-model.toml");
    let m = model(text);
    assert!(m.assets.len() >= 8, "{} assets", m.assets.len());
    assert!(
        m.interfaces.len() >= 10,
        "{} interfaces",
        m.interfaces.len()
    );
    assert!(m.paths.len() >= 25, "{} paths", m.paths.len());
    let a = threat::assess(&m, bundled(), &[], today());
    // Without findings: one path waits for its planned countermeasure, two risks are
    // shared and one retained with reasons, the rules are silent apart from the two
    // suppressions.
    let unmitigated: Vec<&str> = a
        .paths
        .iter()
        .filter(|p| p.status == PathStatus::Unmitigated)
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(unmitigated, ["AP-20"]);
    assert_eq!(a.summary.by_status.get("accepted"), Some(&3));
    assert_eq!(a.summary.suppressed, 2);
    let open: Vec<&str> = a
        .candidates
        .iter()
        .filter(|c| c.suppressed.is_none())
        .map(|c| c.rule)
        .collect();
    assert_eq!(open, ["risk-unmitigated"], "{:#?}", a.candidates);
    // The Annex I items an implemented countermeasure serves ((2)(l) monitoring is only
    // planned).
    let covered: Vec<&str> = a
        .coverage
        .iter()
        .filter(|c| !c.implemented.is_empty())
        .map(|c| c.item.as_str())
        .collect();
    assert_eq!(
        covered,
        ["p1-2b", "p1-2c", "p1-2d", "p1-2e", "p1-2f", "p1-2h", "p1-2j", "p1-2k", "p2-7"]
    );
    let l = a.coverage.iter().find(|c| c.item == "p1-2l").unwrap();
    assert_eq!(l.planned, ["remote-syslog"]);
}

#[test]
fn a_path_is_judged_on_its_residual_rating() {
    // Physical access only, moderate impact: initial within the threshold 3 (very low × …).
    let text = BASE
        .replace("threshold = 4", "threshold = 2")
        .replace("exposure = \"network\"", "exposure = \"physical\"")
        .replace(
            "impact = { operational = \"severe\" }",
            "impact = { operational = \"moderate\" }",
        )
        .replace("window = \"unlimited\"", "window = \"difficult\"");
    let a = assess(&text, &[]);
    // 1+3+0+10+0 = 14: medium; moderate × medium = 2.
    assert_eq!(a.paths[0].initial.risk, 2);
    assert_eq!(a.paths[0].status, PathStatus::Acceptable);
    assert!(a.objectives.is_empty());
    // A known-exploited CVE lifts it (caps, and the hardening still holds: 0+6+7+10+0 = 23
    // low … with `by` it is void: 0+0+0+10+0 = 10, high; moderate × high = 3 > 2).
    let enforced = text.replace(
        "raises = { expertise = \"expert\", knowledge = \"confidential\" }",
        "raises = { expertise = \"expert\", knowledge = \"confidential\" }\nby = [\"agent\"]",
    );
    let a = assess(
        &enforced,
        &[finding("CVE-2099-0009", "gw-agent", true, 9.8)],
    );
    assert_eq!(a.paths[0].initial.risk, 2);
    assert_eq!(a.paths[0].residual.risk, 3);
    assert_eq!(a.paths[0].status, PathStatus::Unmitigated);
    assert!(a.failed());
    // It gets an objective: it is above the threshold now.
    assert_eq!(a.objectives.len(), 1);
    assert!(!a.objectives[0].met);
}

#[test]
fn reachability_passes_through_attacked_components_and_flows() {
    let text = format!(
        "{BASE}\n[[component]]\nid = \"updater\"\nname = \"Updater\"\n\
         [[component]]\nid = \"helper\"\nname = \"Helper\"\nsbom = [\"helperd\"]\n\
         [[step]]\nid = \"hit-updater\"\ntext = \"x\"\ncomponent = \"updater\"\n\
         rating = {{ elapsed-time = \"one-day\", expertise = \"layman\", knowledge = \"public\", window = \"easy\", equipment = \"standard\" }}\n\
         [[path]]\nid = \"AP-u\"\ntitle = \"u\"\nentry = \"wan\"\nasset = \"fw\"\nproperty = \"integrity\"\nsteps = [\"hit-updater\"]\n\
         [[flow]]\nid = \"uh\"\nfrom = \"updater\"\nto = \"helper\"\nencrypted = true\n"
    );
    let m = model(&text);
    let un = threat::unreachable_components(&m);
    let idx = |id: &str| m.components.iter().position(|c| c.id == id).unwrap();
    assert!(!un[idx("updater")], "a step attacks it");
    assert!(
        !un[idx("helper")],
        "a flow from an attacked component reaches it"
    );
    // Exposure through flows: a component the network reaches only by a flow is exposed
    // to the network; a CVSS 9.8 finding on it is an error (severe × high = 5 > 4).
    let flowing = format!(
        "{BASE}\n[[component]]\nid = \"db\"\nname = \"DB\"\nsbom = [\"dbd\"]\n\
         [[flow]]\nid = \"q\"\nfrom = \"agent\"\nto = \"db\"\nencrypted = true\n\
         [[step]]\nid = \"hit-db\"\ntext = \"x\"\ncomponent = \"db\"\n\
         rating = {{ elapsed-time = \"more\", expertise = \"multiple-experts\", knowledge = \"strictly-confidential\", window = \"difficult\", equipment = \"multiple-bespoke\" }}\n\
         [[path]]\nid = \"AP-db\"\ntitle = \"db\"\nentry = \"wan\"\nasset = \"fw\"\nproperty = \"integrity\"\nsteps = [\"hit-db\"]\n"
    );
    let a = assess(&flowing, &[finding("CVE-2099-0010", "dbd", false, 9.8)]);
    let c = a
        .candidates
        .iter()
        .find(|c| c.rule == "risk-exploitable-vulnerability")
        .expect("fires for the flow-reached component");
    assert_eq!(c.element, "db");
    assert_eq!(c.feasibility, Feasibility::High);
    assert_eq!(c.level, threat::Level::Error);
}

#[test]
fn ids_are_plain_and_text_is_escaped_in_every_output() {
    let e = parse(
        "t.toml",
        &BASE.replace("id = \"agent\"", "id = \"ag|ent`\""),
        bundled(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("use letters, digits"), "{e}");
    // Titles may hold anything: U+FFFF (not allowed in XML), Mermaid entity codes, pipes.
    let text = BASE.replace(
        "title = \"Agent exploited\"",
        "title = \"A \\uFFFF #lt;img src=x onerror=alert(1)#gt; | <b>&\"",
    );
    let m = model(&text);
    let a = threat::assess(&m, bundled(), &[], today());
    let svg = render::svg(&m, &a, bundled(), &[]);
    well_formed(&svg);
    assert!(!svg.contains('\u{FFFF}'));
    let mermaid = render::mermaid(&m, &a, bundled(), &[]);
    assert!(
        mermaid.contains("#35;lt;img src=x onerror=alert(1)#35;gt;"),
        "{mermaid}"
    );
    assert!(!mermaid.contains("<b>"));
    let md = render::chapter(&m, &a, bundled(), "p");
    assert!(
        md.contains("\\| #lt;b#gt;") || md.contains("\\| <b>&"),
        "{md}"
    );
}

#[test]
fn an_acceptance_needs_a_review_date() {
    let e = parse(
        "t.toml",
        &BASE.replace(
            "steps = [\"exploit\"]",
            "steps = [\"exploit\"]\ntreatment = \"share\"\nreason = \"insured\"",
        ),
        bundled(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("`expires = YYYY-MM-DD`"), "{e}");
}

#[test]
fn a_first_model_parses_whatever_the_names() {
    let names: Vec<String> = [
        "dropbear",
        "a\"b",
        "x\\y",
        "line\nbreak",
        "firmware",
        "device",
        "---",
        "",
        "é-lib",
        "a b",
        "A B",
        "-lead",
        "credentials",
        "tab\tname",
        "\u{7f}",
        "ws",
        "ws",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let interfaces: Vec<String> = [
        "ethernet",
        "update-channel",
        "serial",
        "debug",
        "mystery",
        "firmware",
        "device",
        "User Data",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let text = threat::skeleton::skeleton("Acme \"X\"\n[[asset]]", &interfaces, &names);
    let m = model(&text);
    // One component per distinct name; the empty name is left out (as a pattern it would
    // match everything).
    assert_eq!(m.components.len(), 15);
    assert_eq!(m.interfaces.len(), 8);
    assert_eq!(m.assets.len(), 4, "the product name cannot inject TOML");
    // Interfaces that reach nothing yet: nothing may be claimed unreachable.
    assert!(!threat::states_reachability(&m));
    assert!(threat::unreachable_components(&m).iter().all(|u| !u));
    let a = threat::assess(&m, bundled(), &[], today());
    let fired = rules_fired(&a);
    for rule in [
        "risk-unsigned-update",
        "risk-debug-interface",
        "risk-interface-without-path",
        "risk-asset-without-path",
    ] {
        assert!(fired.contains(&rule), "{rule}: {fired:?}");
    }
}

#[test]
fn an_enforcer_is_reachable_and_a_voided_countermeasure_is_reported_off_path_too() {
    let text = format!(
        "{BASE}\n[[component]]\nid = \"verifier\"\nname = \"Verifier\"\nsbom = [\"verifierd\"]\n\
         [[countermeasure]]\nid = \"sig\"\nname = \"Signature check\"\nkind = \"signed-updates\"\n\
         raises = {{ knowledge = \"strictly-confidential\" }}\nby = [\"verifier\"]\n\
         [[component]]\nid = \"logger\"\nname = \"Logger\"\nsbom = [\"loggerd\"]\n\
         [[countermeasure]]\nid = \"audit\"\nname = \"Audit log\"\nkind = \"monitoring\"\n\
         protects = [\"fw\"]\nby = [\"logger\"]\n"
    )
    .replace(
        "countermeasures = [\"hardening\"]",
        "countermeasures = [\"hardening\", \"sig\"]",
    );
    let m = model(&text);
    let un = threat::unreachable_components(&m);
    let idx = |id: &str| m.components.iter().position(|c| c.id == id).unwrap();
    // The verifier enforces a countermeasure on a step: it handles the attacker's input.
    assert!(!un[idx("verifier")]);
    // The logger enforces one on no step, and nothing else reaches it.
    assert!(un[idx("logger")]);
    let a = threat::assess(
        &m,
        bundled(),
        &[
            finding("CVE-2099-0011", "verifierd", true, 9.8),
            finding("CVE-2099-0012", "loggerd", true, 9.8),
        ],
        today(),
    );
    assert_eq!(a.paths[0].voided, ["sig"]);
    // Voided wherever it is: on a path or not.
    assert_eq!(a.voided, ["sig", "audit"]);
    assert_eq!(a.unreachable.len(), 1);
    assert_eq!(a.unreachable[0].component, "logger");
}
