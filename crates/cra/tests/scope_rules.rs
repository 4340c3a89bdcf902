//! Conformity routes, obligations, the timeline, and bad input: unanswered questions,
//! contradictions, unknown ids and missing dates each give a clear message.

use crate::product;
use craft_cra::catalogue::Class;
use craft_cra::scope::{
    decide, unanswered, Answers, Applied, Input, Kind, Level, ReleaseDate, Size, Standard,
    StandardKind,
};
use craft_cra::Date;

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn allowed(input: &Input) -> Vec<String> {
    decide(input)
        .unwrap()
        .routes
        .into_iter()
        .filter(|r| r.allowed)
        .map(|r| r.id)
        .collect()
}

fn codes(input: &Input) -> Vec<String> {
    match decide(input) {
        Ok(s) => s.problems.into_iter().map(|p| p.code).collect(),
        Err(p) => p.into_iter().map(|p| p.code).collect(),
    }
}

fn standard(id: &str, kind: StandardKind, under: &str, applied: Applied) -> Standard {
    Standard {
        id: id.into(),
        kind,
        under: under.into(),
        applied,
        level: None,
        certificate: None,
        covers_all: false,
    }
}

#[test]
fn class_i_needs_a_cra_standard_in_full_for_module_a() {
    let mut router = product(Kind::Hardware, &["router"], &["ethernet"]);
    assert_eq!(allowed(&router), ["module-b-c", "module-h"]);
    // EN 18031 is a RED standard: it does not open Module A under the CRA.
    router.standards = vec![standard(
        "EN 18031-1:2024",
        StandardKind::HarmonisedStandard,
        "red",
        Applied::Full,
    )];
    assert_eq!(allowed(&router), ["module-b-c", "module-h"]);
    // A CRA harmonised standard applied only in part does not either (Art. 32(2)).
    router.standards = vec![standard(
        "EN 40000-1-2",
        StandardKind::HarmonisedStandard,
        "cra",
        Applied::Partial,
    )];
    assert_eq!(allowed(&router), ["module-b-c", "module-h"]);
    // In full, but covering only part of Annex I (e.g. vulnerability handling): no.
    router.standards[0].applied = Applied::Full;
    assert_eq!(allowed(&router), ["module-b-c", "module-h"]);
    router.standards[0].covers_all = true;
    assert_eq!(allowed(&router), ["module-a", "module-b-c", "module-h"]);
    // A scheme at 'substantial', in part: neither Module A nor the scheme route.
    let mut s = standard(
        "EUCC",
        StandardKind::CertificationScheme,
        "csa",
        Applied::Partial,
    );
    s.level = Some(Level::Substantial);
    s.covers_all = true;
    router.standards = vec![s.clone()];
    assert_eq!(allowed(&router), ["module-b-c", "module-h"]);
    // In full: Module A and the scheme (whatever act it is declared under).
    s.applied = Applied::Full;
    router.standards = vec![s];
    assert_eq!(
        allowed(&router),
        ["module-a", "module-b-c", "module-h", "eu-scheme"]
    );
}

#[test]
fn foss_with_public_documentation_may_self_assess_class_i_and_ii() {
    let mut os = product(Kind::Software, &["operating-system"], &["update-channel"]);
    os.foss = true;
    assert!(!allowed(&os).contains(&"module-a".to_string()));
    os.documentation_public = true;
    assert!(allowed(&os).contains(&"module-a".to_string()));
    let s = decide(&os).unwrap();
    let a = s.routes.iter().find(|r| r.id == "module-a").unwrap();
    assert_eq!(a.why.reference, "Art. 32(5)");
}

#[test]
fn class_ii_and_critical_need_a_notified_body_or_a_scheme() {
    let fw = product(Kind::Hardware, &["firewall"], &["ethernet"]);
    assert_eq!(allowed(&fw), ["module-b-c", "module-h"]);
    let s = decide(&fw).unwrap();
    assert!(s.obligations.iter().any(|o| o.id == "notified-body"));
    assert!(s
        .timeline
        .iter()
        .any(|m| m.date.to_string() == "2026-06-11"));
    let hsm = product(Kind::Hardware, &["hardware-security-box"], &["ethernet"]);
    let s = decide(&hsm).unwrap();
    assert_eq!(s.classification.class, Class::Critical);
    let art8 = s
        .routes
        .iter()
        .find(|r| r.id == "art-8-certificate")
        .unwrap();
    assert!(!art8.allowed && art8.why.text.contains("UNCONFIRMED"));
    let sensor = product(Kind::Hardware, &["sensor"], &["ethernet"]);
    let s = decide(&sensor).unwrap();
    assert!(!s.obligations.iter().any(|o| o.id == "notified-body"));
    assert!(!s
        .timeline
        .iter()
        .any(|m| m.date.to_string() == "2026-06-11"));
}

#[test]
fn a_steward_gets_the_light_regime_and_no_routes() {
    let mut lib = product(Kind::Software, &["library"], &["api"]);
    lib.foss = true;
    lib.steward = true;
    let s = decide(&lib).unwrap();
    assert!(s.applicability.applies);
    assert!(s.routes.is_empty());
    assert!(s
        .obligations
        .iter()
        .all(|o| o.reference.contains("24") || o.reference.contains("19")));
    assert!(s.obligations.iter().any(|o| o.id == "steward-policy"));
}

#[test]
fn non_commercial_foss_is_outside_the_cra() {
    let mut lib = product(Kind::Software, &["library"], &["api"]);
    lib.foss = true;
    lib.answers.commercial = Some(false);
    let s = decide(&lib).unwrap();
    assert!(!s.applicability.applies);
    assert!(s.applicability.reasons[0]
        .reference
        .contains("recitals 18-20"));
}

#[test]
fn a_product_without_a_data_connection_is_outside() {
    let mut calc = product(Kind::Hardware, &["display"], &[]);
    calc.answers.data_connection = Some(false);
    let s = decide(&calc).unwrap();
    assert!(!s.applicability.applies);
    assert!(s
        .applicability
        .reasons
        .iter()
        .any(|r| r.reference.contains("FAQ 1.3")));
}

#[test]
fn radio_equipment_gets_the_red_dates_and_obligation() {
    let s = decide(&product(Kind::Hardware, &["sensor"], &["wifi"])).unwrap();
    assert!(s.obligations.iter().any(|o| o.id == "red-cybersecurity"));
    for d in ["2025-08-01", "2028-06-11"] {
        assert!(s.timeline.iter().any(|m| m.date.to_string() == d), "{d}");
    }
    let wired = decide(&product(Kind::Hardware, &["sensor"], &["ethernet"])).unwrap();
    assert!(!wired
        .obligations
        .iter()
        .any(|o| o.id == "red-cybersecurity"));
    assert!(!wired
        .timeline
        .iter()
        .any(|m| m.date.to_string() == "2025-08-01"));
}

#[test]
fn micro_enterprises_get_the_early_warning_relief() {
    let mut p = product(Kind::Hardware, &["sensor"], &["ethernet"]);
    p.size = Some(Size::Micro);
    let s = decide(&p).unwrap();
    assert!(s
        .obligations
        .iter()
        .any(|o| o.reference == "Art. 64(10)(a)"));
    p.size = Some(Size::Medium);
    let s = decide(&p).unwrap();
    assert!(!s
        .obligations
        .iter()
        .any(|o| o.reference == "Art. 64(10)(a)"));
}

#[test]
fn the_timeline_follows_the_releases_and_the_support_period() {
    let mut p = product(Kind::Hardware, &["sensor"], &["ethernet"]);
    p.support_end = Some(date("2034-12"));
    p.releases = vec![
        ReleaseDate {
            version: "1.0".into(),
            placed_on_market: Some(date("2026-03-02")),
        },
        // A leap day: ten years later is 28 February.
        ReleaseDate {
            version: "2.0".into(),
            placed_on_market: Some(date("2028-02-29")),
        },
    ];
    assert_eq!(date("2028-02-29").plus_years(10).to_string(), "2038-02-28");
    p.today = Some(date("2026-11-29"));
    let s = decide(&p).unwrap();
    let at = |d: &str| {
        s.timeline
            .iter()
            .filter(|m| m.date.to_string() == d)
            .count()
    };
    // 1.0 was first placed before full application: its retention runs from the first unit
    // placed under the CRA (2027-12-11), ten years later than the support end.
    assert_eq!(at("2037-12-11"), 1);
    // 2.0 on a leap day: ten years later is 28 February.
    assert_eq!(at("2038-02-28"), 1);
    assert_eq!(at("2034-12"), 1);
    let r1 = s
        .timeline
        .iter()
        .find(|m| m.event.starts_with("Release 1.0 first placed"))
        .unwrap();
    assert!(
        r1.past && r1.event.contains("Article 14 reporting only"),
        "{r1:?}"
    );
    let r2 = s
        .timeline
        .iter()
        .find(|m| m.event.starts_with("Release 2.0 first placed"))
        .unwrap();
    assert!(
        !r2.past && r2.event.contains("CE marking are required"),
        "{r2:?}"
    );
    // In order.
    let days: Vec<i64> = s.timeline.iter().map(|m| m.date.first_day()).collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]));
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    // A support period longer than ten years keeps the documentation that long.
    p.support_end = Some(date("2040-06"));
    let s = decide(&p).unwrap();
    assert_eq!(
        s.timeline
            .iter()
            .filter(|m| m.date.to_string() == "2040-06" && m.event.contains("keep"))
            .count(),
        2
    );
}

#[test]
fn missing_dates_are_problems_not_defaults() {
    let mut p = product(Kind::Hardware, &["sensor"], &["ethernet"]);
    p.releases = vec![ReleaseDate {
        version: "1.0".into(),
        placed_on_market: None,
    }];
    let c = codes(&p);
    assert!(c.contains(&"market-date-missing".to_string()), "{c:?}");
    assert!(c.contains(&"support-end-undeclared".to_string()), "{c:?}");
}

#[test]
fn a_short_support_period_needs_the_expected_use_reason() {
    let mut p = product(Kind::Software, &["application"], &["cloud-api"]);
    p.releases = vec![ReleaseDate {
        version: "1.0".into(),
        placed_on_market: Some(date("2028-11-20")),
    }];
    p.support_end = Some(date("2031-12"));
    let s = decide(&p).unwrap();
    let short = s
        .problems
        .iter()
        .find(|x| x.code == "support-period-short")
        .unwrap();
    assert!(short.message.contains("2033-11-19"), "{}", short.message);
    assert_eq!(short.reference, "Art. 13(8); FAQ 4.5.2");
    p.support_period_reason = Some("   ".into());
    assert!(codes(&p).contains(&"support-period-short".to_string()));
    p.support_period_reason = Some("a contact-tracing app for one season".into());
    assert!(!codes(&p).contains(&"support-period-short".to_string()));
    // Exactly five years is enough.
    p.support_period_reason = None;
    p.support_end = Some(date("2033-11-19"));
    assert!(!codes(&p).contains(&"support-period-short".to_string()));
    p.support_end = Some(date("2033-11-18"));
    assert!(codes(&p).contains(&"support-period-short".to_string()));
}

#[test]
fn unanswered_questions_stop_the_decision_and_name_their_keys() {
    let p = Input {
        functions: vec!["sensor".into()],
        ..Input::default()
    };
    let q: Vec<String> = unanswered(&p).into_iter().map(|q| q.id).collect();
    assert_eq!(q[..3], ["kind", "commercial", "data-connection"]);
    assert!(q.contains(&"exclusions.medical-device".to_string()));
    assert_eq!(q.len(), 3 + 8);
    let e = decide(&p).unwrap_err();
    assert!(e
        .iter()
        .all(|p| p.code == "unanswered" && p.question.is_some()));
    assert!(
        e[1].message.contains("answer `commercial` in scope.toml"),
        "{}",
        e[1].message
    );
    // The interfaces answer the data-connection question.
    let mut q = product(Kind::Hardware, &["sensor"], &["ethernet"]);
    q.answers = Answers::default();
    let ids: Vec<String> = unanswered(&q).into_iter().map(|q| q.id).collect();
    assert!(!ids.contains(&"data-connection".to_string()));
    assert!(!ids.contains(&"kind".to_string()));
}

#[test]
fn contradictory_answers_are_refused_each_with_its_reason() {
    let cases: Vec<(Input, &str)> = vec![
        {
            let mut p = product(Kind::Software, &["secure-element"], &["api"]);
            p.kind = Some(Kind::Software);
            (p, "hardware only")
        },
        {
            let mut p = product(Kind::Hardware, &["sensor"], &["wifi"]);
            p.answers.data_connection = Some(false);
            (p, "data-connection = false")
        },
        {
            let mut p = product(
                Kind::Hardware,
                &["health-monitoring-wearable"],
                &["bluetooth"],
            );
            p.answers.exclusions = Some(vec!["medical-device".into()]);
            (p, "2017/745")
        },
        {
            let mut p = product(Kind::Hardware, &["display"], &["bluetooth"]);
            p.answers.exclusions = Some(vec!["l-category-vehicle".into(), "l1e-pedal".into()]);
            (p, "its exception")
        },
        {
            let mut p = product(Kind::Software, &["library"], &["api"]);
            p.steward = true;
            (p, "a steward supports FOSS")
        },
        {
            let mut p = product(Kind::Hardware, &["sensor"], &["ethernet"]);
            p.answers.commercial = Some(false);
            p.releases = vec![ReleaseDate {
                version: "1.0".into(),
                placed_on_market: Some(date("2026-01-01")),
            }];
            (p, "placed-on-market")
        },
        {
            let mut p = product(Kind::Hardware, &["router"], &["ethernet"]);
            p.integrates = vec!["router".into()];
            (p, "both as a core function and as integrated")
        },
        {
            let mut p = product(Kind::Hardware, &["router"], &["ethernet"]);
            p.standards = vec![standard(
                "EN 18031-1:2024",
                StandardKind::HarmonisedStandard,
                "cra",
                Applied::Full,
            )];
            (p, "harmonised under the RED")
        },
        {
            let mut p = product(Kind::Hardware, &["router"], &["ethernet"]);
            p.answers.kind = Some(Kind::Software);
            (p, "answers kind = software")
        },
    ];
    for (input, needle) in cases {
        let e = decide(&input).unwrap_err();
        assert!(
            e.iter()
                .any(|p| p.code == "contradiction" && p.message.contains(needle)),
            "{needle}: {e:#?}"
        );
    }
}

#[test]
fn unknown_ids_are_refused_with_suggestions() {
    let mut p = product(Kind::Hardware, &["routr", "door-lock"], &["wi-fi"]);
    p.answers.exclusions = Some(vec!["medical".into()]);
    let e = decide(&p).unwrap_err();
    let msg = |code: &str| {
        e.iter()
            .filter(|p| p.code == code)
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
    };
    let f = msg("unknown-function");
    assert_eq!(f.len(), 2);
    assert!(f[0].contains("did you mean router"), "{f:?}");
    assert!(f[1].contains("smart-door-lock"), "{f:?}");
    assert!(msg("unknown-interface")[0].contains("wifi"), "{e:?}");
    assert!(
        msg("unknown-exclusion")[0].contains("medical-device"),
        "{e:?}"
    );
}

#[test]
fn no_declared_function_is_a_refusal_not_the_default_class() {
    let p = product(Kind::Hardware, &[], &["ethernet"]);
    let e = decide(&p).unwrap_err();
    assert_eq!(e[0].code, "functions-undeclared");
}

#[test]
fn the_red_applies_to_internet_connected_radio_placed_before_the_handover() {
    let has_red = |p: &Input| {
        decide(p)
            .unwrap()
            .obligations
            .iter()
            .any(|o| o.id == "red-cybersecurity")
    };
    // Bluetooth only, not a toy or wearable: not internet-connected radio equipment.
    assert!(!has_red(&product(
        Kind::Hardware,
        &["sensor"],
        &["bluetooth"]
    )));
    // A Bluetooth toy that talks: childcare/toy radio equipment (Art. 3(3)(e)).
    assert!(has_red(&product(
        Kind::Hardware,
        &["connected-toy-social"],
        &["bluetooth"]
    )));
    let mut wifi = product(Kind::Hardware, &["sensor"], &["wifi"]);
    assert!(has_red(&wifi));
    // Every release placed from 11 December 2027: the CRA, not the RED delegated act.
    wifi.releases = vec![ReleaseDate {
        version: "1".into(),
        placed_on_market: Some(date("2028-01-10")),
    }];
    assert!(!has_red(&wifi));
}

#[test]
fn a_steward_needs_no_commercial_answer_and_has_no_conformity_dates() {
    let mut lib = product(Kind::Software, &["library"], &["api"]);
    lib.foss = true;
    lib.steward = true;
    lib.answers.commercial = None;
    assert!(unanswered(&lib).is_empty());
    let s = decide(&lib).unwrap();
    assert!(s.applicability.applies);
    let days: Vec<String> = s.timeline.iter().map(|m| m.date.to_string()).collect();
    assert_eq!(days, ["2024-12-10", "2026-09-11"]);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
}
