//! Article 14 clocks: across DST changes and time zones (UTC stored, local shown), leap days,
//! a fix that lands before the 72-hour notification, an incident upgraded from a
//! vulnerability; and the drafts' mandatory fields.

use craft_cra::report::{
    clocks, draft, parse_time, zone, Case, Clock, ProductFacts, Stage, Status, Track, TrackRecord,
};
use jiff::Timestamp;
use std::collections::BTreeMap;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn case(tz: &str, track: Track, aware: &str) -> Case {
    Case {
        id: "case".into(),
        title: "test".into(),
        time_zone: tz.into(),
        vulnerability_id: Some("CVE-2024-36971".into()),
        releases: vec!["2.1.0".into()],
        tracks: BTreeMap::from([(
            track,
            TrackRecord {
                aware_at: parse_time(aware, &zone(tz).unwrap()).unwrap().to_string(),
                corrective_available_at: None,
                sent: BTreeMap::new(),
            },
        )]),
        fields: BTreeMap::new(),
        users_informed_at: None,
        history: Vec::new(),
    }
}

fn clock(c: &Case, track: Track, stage: Stage, now: &str) -> Clock {
    clocks(c, t(now))
        .unwrap()
        .into_iter()
        .find(|k| k.track == track && k.stage == stage)
        .unwrap()
}

#[test]
fn hours_are_elapsed_time_across_the_spring_dst_change() {
    // Berlin, Saturday 27 March 2027 12:00 CET (+01:00); the clocks go forward that night.
    let c = case("Europe/Berlin", Track::Vulnerability, "2027-03-27 12:00");
    assert_eq!(
        c.tracks[&Track::Vulnerability].aware_at,
        "2027-03-27T11:00:00Z"
    );
    let ew = clock(
        &c,
        Track::Vulnerability,
        Stage::EarlyWarning,
        "2027-03-27T12:00:00Z",
    );
    // 24 hours later is 13:00 local: the wall clock moved, the deadline did not.
    assert_eq!(ew.due.as_deref(), Some("2027-03-28T11:00:00Z"));
    assert_eq!(
        ew.due_local.as_deref(),
        Some("2027-03-28 13:00 CEST (+02:00)")
    );
    assert_eq!(ew.status, Status::Due);
    assert_eq!(ew.seconds_left, Some(23 * 3600));
    let n = clock(
        &c,
        Track::Vulnerability,
        Stage::Notification,
        "2027-03-27T12:00:00Z",
    );
    assert_eq!(n.due.as_deref(), Some("2027-03-30T11:00:00Z"));
    let f = clock(
        &c,
        Track::Vulnerability,
        Stage::FinalReport,
        "2027-03-27T12:00:00Z",
    );
    assert_eq!((f.status, f.due), (Status::Waiting, None));
}

#[test]
fn hours_are_elapsed_time_across_the_autumn_dst_change() {
    let c = case(
        "Europe/Berlin",
        Track::Incident,
        "2026-10-24T12:00:00+02:00",
    );
    let ew = clock(
        &c,
        Track::Incident,
        Stage::EarlyWarning,
        "2026-10-24T10:00:00Z",
    );
    assert_eq!(ew.due.as_deref(), Some("2026-10-25T10:00:00Z"));
    assert_eq!(
        ew.due_local.as_deref(),
        Some("2026-10-25 11:00 CET (+01:00)")
    );
}

#[test]
fn time_zones_change_the_display_not_the_instant() {
    let berlin = case(
        "Europe/Berlin",
        Track::Vulnerability,
        "2026-11-01T15:00:00+01:00",
    );
    let ny = case("America/New_York", Track::Vulnerability, "2026-11-01 09:00");
    let utc = case("UTC", Track::Vulnerability, "2026-11-01T14:00:00Z");
    for c in [&berlin, &ny, &utc] {
        assert_eq!(
            c.tracks[&Track::Vulnerability].aware_at,
            "2026-11-01T14:00:00Z"
        );
    }
    let now = "2026-11-01T14:00:00Z";
    let due = |c: &Case| clock(c, Track::Vulnerability, Stage::EarlyWarning, now).due_local;
    assert_eq!(
        due(&berlin).as_deref(),
        Some("2026-11-02 15:00 CET (+01:00)")
    );
    assert_eq!(due(&ny).as_deref(), Some("2026-11-02 09:00 EST (-05:00)"));
    assert_eq!(due(&utc).as_deref(), Some("2026-11-02 14:00 UTC (+00:00)"));
}

#[test]
fn local_times_that_do_not_exist_or_repeat_are_refused() {
    let berlin = zone("Europe/Berlin").unwrap();
    let gap = parse_time("2026-03-29 02:30", &berlin)
        .unwrap_err()
        .to_string();
    assert!(gap.contains("does not exist"), "{gap}");
    let fold = parse_time("2026-10-25 02:30", &berlin)
        .unwrap_err()
        .to_string();
    assert!(fold.contains("occurs twice"), "{fold}");
    assert!(fold.contains("+02:00") && fold.contains("+01:00"), "{fold}");
    assert!(parse_time("yesterday", &berlin).is_err());
    assert!(parse_time("2026-02-30 10:00", &berlin).is_err());
    assert!(zone("Europe/Atlantis").is_err());
}

#[test]
fn the_incident_final_report_is_one_calendar_month_after_the_notification() {
    let mut c = case("UTC", Track::Incident, "2028-01-27T09:00:00Z");
    let now = "2028-01-28T00:00:00Z";
    // Before the notification is sent, the month runs from its deadline, provisionally.
    let f = clock(&c, Track::Incident, Stage::FinalReport, now);
    // The notification is due 2028-01-30; a month later is 30 February, which does not
    // exist: the month's last day.
    assert!(f.provisional);
    assert_eq!(f.due.as_deref(), Some("2028-02-29T09:00:00Z"));
    // Sent on 29 January of a leap year: due on 29 February.
    let r = c.tracks.get_mut(&Track::Incident).unwrap();
    r.sent
        .insert(Stage::Notification, "2028-01-29T09:00:00Z".into());
    let f = clock(&c, Track::Incident, Stage::FinalReport, now);
    assert!(!f.provisional);
    assert_eq!(f.due.as_deref(), Some("2028-02-29T09:00:00Z"));
    // 31 January in a common year: 28 February.
    let mut c = case("UTC", Track::Incident, "2027-01-30T09:00:00Z");
    let r = c.tracks.get_mut(&Track::Incident).unwrap();
    r.sent
        .insert(Stage::Notification, "2027-01-31T09:00:00Z".into());
    let f = clock(&c, Track::Incident, Stage::FinalReport, now);
    assert_eq!(f.due.as_deref(), Some("2027-02-28T09:00:00Z"));
    // A month that crosses the spring change keeps the local time: 10:00 CET to 10:00 CEST.
    let mut c = case("Europe/Berlin", Track::Incident, "2026-03-09 10:00");
    let r = c.tracks.get_mut(&Track::Incident).unwrap();
    r.sent
        .insert(Stage::Notification, "2026-03-10T09:00:00Z".into());
    let f = clock(&c, Track::Incident, Stage::FinalReport, now);
    assert_eq!(f.due.as_deref(), Some("2026-04-10T08:00:00Z"));
    assert_eq!(
        f.due_local.as_deref(),
        Some("2026-04-10 10:00 CEST (+02:00)")
    );
}

#[test]
fn a_fix_before_the_72_hour_notification_starts_the_14_days_but_keeps_the_notification() {
    let mut c = case("UTC", Track::Vulnerability, "2026-11-01T08:00:00Z");
    let r = c.tracks.get_mut(&Track::Vulnerability).unwrap();
    r.corrective_available_at = Some("2026-11-01T20:00:00Z".into());
    r.sent
        .insert(Stage::EarlyWarning, "2026-11-01T18:00:00Z".into());
    let now = "2026-11-02T08:00:00Z";
    let n = clock(&c, Track::Vulnerability, Stage::Notification, now);
    assert_eq!(
        (n.status, n.due.as_deref()),
        (Status::Due, Some("2026-11-04T08:00:00Z"))
    );
    let f = clock(&c, Track::Vulnerability, Stage::FinalReport, now);
    assert_eq!(
        (f.status, f.due.as_deref()),
        (Status::Due, Some("2026-11-15T20:00:00Z"))
    );
    let ew = clock(&c, Track::Vulnerability, Stage::EarlyWarning, now);
    assert_eq!(ew.status, Status::Sent);
    // 14 calendar days across the spring change in Berlin: 335 hours, 10:00 local kept.
    let mut c = case("Europe/Berlin", Track::Vulnerability, "2026-03-19 10:00");
    let r = c.tracks.get_mut(&Track::Vulnerability).unwrap();
    r.corrective_available_at = Some("2026-03-20T09:00:00Z".into());
    let f = clock(&c, Track::Vulnerability, Stage::FinalReport, now);
    assert_eq!(f.due.as_deref(), Some("2026-04-03T08:00:00Z"));
}

#[test]
fn late_and_overdue_submissions_are_named() {
    let mut c = case("UTC", Track::Vulnerability, "2026-11-01T08:00:00Z");
    let r = c.tracks.get_mut(&Track::Vulnerability).unwrap();
    r.sent
        .insert(Stage::EarlyWarning, "2026-11-02T09:00:00Z".into());
    let now = "2026-11-05T00:00:00Z";
    assert_eq!(
        clock(&c, Track::Vulnerability, Stage::EarlyWarning, now).status,
        Status::SentLate
    );
    let n = clock(&c, Track::Vulnerability, Stage::Notification, now);
    assert_eq!(n.status, Status::Overdue);
    assert_eq!(n.seconds_left, Some(-16 * 3600));
}

#[test]
fn an_incident_upgraded_from_a_vulnerability_runs_both_clocks() {
    let mut c = case("UTC", Track::Vulnerability, "2026-11-01T08:00:00Z");
    c.tracks.insert(
        Track::Incident,
        TrackRecord {
            aware_at: "2026-11-03T12:00:00Z".into(),
            corrective_available_at: None,
            sent: BTreeMap::new(),
        },
    );
    let all = clocks(&c, t("2026-11-03T13:00:00Z")).unwrap();
    assert_eq!(all.len(), 6);
    let due = |track, stage| {
        all.iter()
            .find(|k| k.track == track && k.stage == stage)
            .unwrap()
            .due
            .clone()
    };
    assert_eq!(
        due(Track::Vulnerability, Stage::EarlyWarning).as_deref(),
        Some("2026-11-02T08:00:00Z")
    );
    assert_eq!(
        due(Track::Incident, Stage::EarlyWarning).as_deref(),
        Some("2026-11-04T12:00:00Z")
    );
    assert_eq!(
        due(Track::Incident, Stage::Notification).as_deref(),
        Some("2026-11-06T12:00:00Z")
    );
}

#[test]
fn impossible_records_are_refused() {
    let mut c = case("UTC", Track::Vulnerability, "2026-11-01T08:00:00Z");
    let r = c.tracks.get_mut(&Track::Vulnerability).unwrap();
    r.sent
        .insert(Stage::EarlyWarning, "2026-10-31T08:00:00Z".into());
    assert!(clocks(&c, t("2026-11-01T09:00:00Z"))
        .unwrap_err()
        .to_string()
        .contains("before awareness"));
    let mut c = case("UTC", Track::Vulnerability, "2026-11-01T08:00:00Z");
    c.time_zone = "Mars/Olympus".into();
    assert!(c.validate().is_err());
    c.time_zone = "UTC".into();
    c.tracks.clear();
    assert!(c.validate().is_err());
}

#[test]
fn drafts_fill_what_craft_knows_and_name_the_missing_mandatory_fields() {
    let mut c = case("Europe/Berlin", Track::Vulnerability, "2026-11-01 09:00");
    let facts = ProductFacts {
        manufacturer: Some("Acme Devices GmbH".into()),
        product: "Acme industrial gateway AGW-200 2.1.0".into(),
        class: Some("important-class-i".into()),
        category: Some("Annex III, Class I, point 12".into()),
        member_states: vec!["DE".into(), "FR".into()],
    };
    let now = t("2026-11-01T09:00:00Z");
    let ew = draft(&c, Track::Vulnerability, Stage::EarlyWarning, &facts, now).unwrap();
    assert!(ew.missing.is_empty(), "{:?}", ew.missing);
    let get = |d: &craft_cra::report::Draft, id: &str| {
        d.fields.iter().find(|f| f.id == id).unwrap().value.clone()
    };
    assert_eq!(get(&ew, "member-states").as_deref(), Some("DE, FR"));
    assert_eq!(get(&ew, "cve-id").as_deref(), Some("CVE-2024-36971"));
    let n = draft(&c, Track::Vulnerability, Stage::Notification, &facts, now).unwrap();
    assert_eq!(
        n.missing,
        [
            "nature-of-vulnerability",
            "nature-of-exploit",
            "measures-taken",
            "user-measures"
        ]
    );
    c.fields.insert(
        "nature-of-vulnerability".into(),
        "use-after-free in the kernel".into(),
    );
    let n = draft(&c, Track::Vulnerability, Stage::Notification, &facts, now).unwrap();
    assert_eq!(n.missing.len(), 3);
    let f = draft(&c, Track::Vulnerability, Stage::FinalReport, &facts, now).unwrap();
    assert!(f.missing.contains(&"corrective-measure-date".to_string()));
    assert!(f.missing.contains(&"update-details".to_string()));
    // An incident draft asks whether malice is suspected, from the first stage.
    assert!(draft(&c, Track::Incident, Stage::EarlyWarning, &facts, now).is_err());
    let i = case("UTC", Track::Incident, "2026-11-01T09:00:00Z");
    let ew = draft(&i, Track::Incident, Stage::EarlyWarning, &facts, now).unwrap();
    assert_eq!(ew.missing, ["suspected-malicious"]);
}

#[test]
fn the_article_14_data_is_complete() {
    use craft_cra::report::{fields, stage_rules};
    assert_eq!(stage_rules().len(), 6);
    for f in fields() {
        for s in Stage::ALL {
            assert!(f.stages.contains_key(s.id()), "{} {}", f.id, s.id());
        }
        assert!(
            ["vulnerability", "incident", "both"].contains(&f.track.as_str()),
            "{}",
            f.id
        );
    }
}

#[test]
fn hostile_case_files_are_errors_not_panics() {
    let now = t("2026-11-29T00:00:00Z");
    for text in [
        "",
        "{}",
        r#"{"id":"x","title":"t","time-zone":"UTC","tracks":{}}"#,
        r#"{"id":"x","title":"t","time-zone":"Nowhere/City","tracks":{"incident":{"aware-at":"2026-01-01T00:00:00Z"}}}"#,
        r#"{"id":"x","title":"t","time-zone":"UTC","tracks":{"incident":{"aware-at":"yesterday"}}}"#,
        r#"{"id":"x","title":"t","time-zone":"UTC","tracks":{"incident":{"aware-at":"9999-12-31T23:59:59Z"}}}"#,
        r#"{"id":"x","title":"t","time-zone":"UTC","tracks":{"vulnerability":{"aware-at":"-009999-01-01T00:00:00Z","corrective-available-at":"9999-12-31T00:00:00Z"}}}"#,
        r#"{"id":"x","title":"t","time-zone":"UTC","tracks":{"incident":{"aware-at":"2026-01-01T00:00:00Z","corrective-available-at":"2026-01-02T00:00:00Z"}}}"#,
        r#"{"id":"x","title":"t","time-zone":"UTC","tracks":{"meteor":{"aware-at":"2026-01-01T00:00:00Z"}}}"#,
    ] {
        let Ok(case) = serde_json::from_str::<Case>(text) else {
            continue;
        };
        if case.validate().is_ok() {
            // Deadlines beyond the calendar's end are errors, not panics.
            let _ = clocks(&case, now);
        }
    }
    // Near the end of time, a deadline that does not exist is an error.
    let c: Case = serde_json::from_str(
        r#"{"id":"x","title":"t","time-zone":"UTC","tracks":{"incident":{"aware-at":"9999-12-31T23:59:59Z"}}}"#,
    )
    .unwrap();
    assert!(clocks(&c, now).is_err());
}

#[test]
fn a_later_submission_covers_an_earlier_one_not_sent() {
    // The notification went out before the early warning's deadline and carried it
    // ("unless already provided").
    let mut c = case("UTC", Track::Vulnerability, "2026-11-01T08:00:00Z");
    let r = c.tracks.get_mut(&Track::Vulnerability).unwrap();
    r.sent
        .insert(Stage::Notification, "2026-11-01T19:00:00Z".into());
    let now = "2026-11-05T00:00:00Z";
    assert_eq!(
        clock(&c, Track::Vulnerability, Stage::EarlyWarning, now).status,
        Status::Covered
    );
    assert_eq!(
        clock(&c, Track::Vulnerability, Stage::Notification, now).status,
        Status::Sent
    );
}

#[test]
fn awareness_before_article_14_applies_requires_nothing() {
    // Article 14 applies from 11 September 2026 (Art. 71(2)); 10 September is before.
    let c = case("UTC", Track::Vulnerability, "2026-09-10T23:00:00Z");
    let k = clock(
        &c,
        Track::Vulnerability,
        Stage::EarlyWarning,
        "2026-11-01T00:00:00Z",
    );
    assert_eq!(k.status, Status::NotRequired);
    let c = case("UTC", Track::Vulnerability, "2026-09-11T00:00:00Z");
    let k = clock(
        &c,
        Track::Vulnerability,
        Stage::EarlyWarning,
        "2026-11-01T00:00:00Z",
    );
    assert_eq!(k.status, Status::Overdue);
}

#[test]
fn a_measure_available_before_awareness_counts_from_awareness() {
    let mut c = case("UTC", Track::Vulnerability, "2026-11-01T08:00:00Z");
    let r = c.tracks.get_mut(&Track::Vulnerability).unwrap();
    r.corrective_available_at = Some("2024-08-07T00:00:00Z".into());
    let f = clock(
        &c,
        Track::Vulnerability,
        Stage::FinalReport,
        "2026-11-02T00:00:00Z",
    );
    assert_eq!(f.due.as_deref(), Some("2026-11-15T08:00:00Z"));
}

#[test]
fn a_day_without_a_time_and_awareness_in_the_future_are_refused() {
    let utc = zone("UTC").unwrap();
    let e = parse_time("2026-12-01", &utc).unwrap_err().to_string();
    assert!(e.contains("time of day"), "{e}");
    let c = case("UTC", Track::Vulnerability, "2026-11-01T08:00:00Z");
    let e = clocks(&c, t("2026-10-01T00:00:00Z"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("after now"), "{e}");
    // An incident upgraded from a vulnerability is not known before it.
    let mut c = case("UTC", Track::Vulnerability, "2026-11-01T08:00:00Z");
    c.tracks.insert(
        Track::Incident,
        TrackRecord {
            aware_at: "2026-10-01T00:00:00Z".into(),
            corrective_available_at: None,
            sent: BTreeMap::new(),
        },
    );
    assert!(c.validate().is_err());
}
