//! Article 14 reporting: the cases of actively exploited vulnerabilities and severe
//! incidents, their clocks, and drafts of each submission.
//!
//! A [`Case`] is what `reports/<id>.json` in the product directory holds: when the
//! manufacturer became aware (per track: the vulnerability of Art. 14(1)-(2), the incident
//! of Art. 14(3)-(5), or both when an incident is upgraded from a vulnerability), what was
//! submitted when, when a corrective measure became available, the submission fields, and
//! the history of every change. Times are stored in UTC and shown in the case's IANA time
//! zone. [`clocks`] computes every deadline from the stage rules in `data/article14.toml`:
//! 24 and 72 hours are elapsed time (a DST change does not move them); 14 days and one month
//! are calendar days and months in the case's time zone. [`draft`] fills a stage's fields
//! and names the mandatory ones still missing.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp, Zoned};

/// Which obligation a track is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Track {
    /// An actively exploited vulnerability (Art. 14(1)-(2)).
    Vulnerability,
    /// A severe incident having an impact on the security of the product (Art. 14(3)-(5)).
    Incident,
}

impl Track {
    /// Its id.
    pub fn id(self) -> &'static str {
        match self {
            Track::Vulnerability => "vulnerability",
            Track::Incident => "incident",
        }
    }
}

/// A submission stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// The early warning (24 hours).
    EarlyWarning,
    /// The notification (72 hours).
    Notification,
    /// The final report.
    FinalReport,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 3] = [Stage::EarlyWarning, Stage::Notification, Stage::FinalReport];

    /// Its id.
    pub fn id(self) -> &'static str {
        match self {
            Stage::EarlyWarning => "early-warning",
            Stage::Notification => "notification",
            Stage::FinalReport => "final-report",
        }
    }

    /// Parse an id.
    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.id() == s)
    }
}

/// What a calendar deadline counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum From {
    /// Awareness (the default).
    Awareness,
    /// The corrective or mitigating measure's availability.
    CorrectiveMeasure,
    /// The notification's submission.
    Notification,
}

/// A stage rule (`data/article14.toml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StageRule {
    /// The track.
    pub track: Track,
    /// The stage.
    pub stage: Stage,
    /// Elapsed hours.
    #[serde(default)]
    pub hours: Option<i64>,
    /// Calendar days.
    #[serde(default)]
    pub days: Option<i64>,
    /// Calendar months.
    #[serde(default)]
    pub months: Option<i64>,
    /// What it counts from.
    #[serde(default = "awareness")]
    pub from: From,
    /// The rule in words.
    pub rule: String,
    /// Where the law sets it.
    pub reference: String,
}

fn awareness() -> From {
    From::Awareness
}

/// What a field requires at a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Need {
    /// Mandatory.
    X,
    /// Carried forward.
    C,
    /// Optional.
    O,
    /// Mandatory if available.
    I,
}

/// A submission field.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Its id (the key in a case's `fields`).
    pub id: String,
    /// What it holds.
    pub label: String,
    /// `vulnerability`, `incident` or `both`.
    pub track: String,
    /// What each stage requires.
    pub stages: BTreeMap<String, Need>,
    /// craft fills it from the product and the case.
    #[serde(default)]
    pub auto: bool,
    /// Where the law (or the platform) asks it.
    pub reference: String,
}

impl Field {
    fn for_track(&self, t: Track) -> bool {
        match t {
            Track::Vulnerability => self.track != "incident",
            Track::Incident => self.track != "vulnerability",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rules {
    stage: Vec<StageRule>,
    field: Vec<Field>,
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    // Part of the source; checked by the tests.
    toml::from_str(include_str!("../data/article14.toml")).expect("article14.toml is valid")
});

/// The stage rules.
pub fn stage_rules() -> &'static [StageRule] {
    &RULES.stage
}

/// The submission fields.
pub fn fields() -> &'static [Field] {
    &RULES.field
}

/// One track of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TrackRecord {
    /// When the manufacturer became aware (RFC 3339, UTC).
    pub aware_at: String,
    /// For a vulnerability: when a corrective or mitigating measure became available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrective_available_at: Option<String>,
    /// What was submitted when, by stage id.
    #[serde(default)]
    pub sent: BTreeMap<Stage, String>,
}

/// One change to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// When it was recorded (RFC 3339, UTC).
    pub at: String,
    /// Who recorded it.
    pub by: String,
    /// What changed.
    pub what: String,
}

/// An Article 14 case (`reports/<id>.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Case {
    /// Its id (the file name without `.json`).
    pub id: String,
    /// A short title.
    pub title: String,
    /// The IANA time zone its times are shown and its calendar deadlines counted in.
    pub time_zone: String,
    /// The vulnerability (CVE or other id), for a vulnerability case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability_id: Option<String>,
    /// The releases concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub releases: Vec<String>,
    /// The tracks: `vulnerability`, `incident`, or both (an incident upgraded from a
    /// vulnerability keeps the vulnerability's clocks).
    pub tracks: BTreeMap<Track, TrackRecord>,
    /// The submission fields filled in, by field id.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// When users were informed (Art. 14(8)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_informed_at: Option<String>,
    /// Every change, oldest first.
    #[serde(default)]
    pub history: Vec<Event>,
}

/// Why a case or a time is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// A time cannot be read.
    #[error("`{text}` is not a time: {why}")]
    Time {
        /// The text.
        text: String,
        /// Why.
        why: String,
    },
    /// The time zone is unknown.
    #[error("`{0}` is not an IANA time zone (e.g. Europe/Berlin, UTC)")]
    Zone(String),
    /// The case contradicts itself.
    #[error("{0}")]
    Invalid(String),
}

/// The time zone `name`.
///
/// # Errors
/// It is not in the bundled IANA database.
pub fn zone(name: &str) -> Result<TimeZone, CaseError> {
    TimeZone::get(name).map_err(|_| CaseError::Zone(name.to_string()))
}

/// Parse a time: RFC 3339 with an offset (`2026-03-28T23:30:00+01:00`, `…Z`), or a local
/// time (`2026-03-28 23:30`, `2026-03-28T23:30:15`) in `tz`. A local time that does not
/// exist (skipped by a DST change) or exists twice (repeated) is an error naming both
/// readings, never a guess.
///
/// # Errors
/// The text is not a time, or is not unambiguous in `tz`.
pub fn parse_time(text: &str, tz: &TimeZone) -> Result<Timestamp, CaseError> {
    let t = text.trim();
    let err = |why: String| CaseError::Time {
        text: text.to_string(),
        why,
    };
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    if !t.contains(':') {
        return Err(err(
            "give the time of day too (2026-03-28 23:30): the clocks run in hours".into(),
        ));
    }
    let civil: jiff::civil::DateTime = t.replacen(' ', "T", 1).parse().map_err(|_| {
        err(
            "write RFC 3339 with an offset (2026-03-28T23:30:00+01:00) or a local time \
             (2026-03-28 23:30) in the case's time zone"
                .into(),
        )
    })?;
    let amb = tz.to_ambiguous_zoned(civil);
    let what = match amb.offset() {
        jiff::tz::AmbiguousOffset::Unambiguous { .. } => None,
        jiff::tz::AmbiguousOffset::Gap { .. } => Some("does not exist (skipped by a DST change)"),
        jiff::tz::AmbiguousOffset::Fold { .. } => Some("occurs twice (repeated by a DST change)"),
    };
    if let Some(what) = what {
        let early = amb.clone().earlier().map_err(|e| err(e.to_string()))?;
        let late = amb.later().map_err(|e| err(e.to_string()))?;
        return Err(err(format!(
            "{civil} {what} in {}: write the offset, e.g. {} or {}",
            tz.iana_name().unwrap_or("the time zone"),
            early.strftime("%Y-%m-%dT%H:%M:%S%:z"),
            late.strftime("%Y-%m-%dT%H:%M:%S%:z")
        )));
    }
    amb.unambiguous()
        .map(|z| z.timestamp())
        .map_err(|e| err(e.to_string()))
}

/// The status of one deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Submitted on time.
    Sent,
    /// Submitted after the deadline.
    SentLate,
    /// Not submitted; the deadline is ahead.
    Due,
    /// Not submitted; the deadline has passed.
    Overdue,
    /// The deadline cannot run yet (no corrective measure is available).
    Waiting,
    /// Not sent, but a later stage was: it carried this one's contents ("unless already
    /// provided", Art. 14(2)(b)-(c), 14(4)(b)-(c)).
    Covered,
    /// Not required: awareness came before Article 14 applied (Art. 71(2); FAQ 5.3); a
    /// voluntary report (Art. 15) remains possible.
    NotRequired,
}

/// One deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// The track.
    pub track: Track,
    /// The stage.
    pub stage: Stage,
    /// The deadline (UTC), when it runs.
    pub due: Option<String>,
    /// The deadline in the case's time zone.
    pub due_local: Option<String>,
    /// When it was submitted (UTC).
    pub sent_at: Option<String>,
    /// Where it stands now.
    pub status: Status,
    /// Counted from the notification's deadline because the notification is not yet sent:
    /// it moves when it is.
    pub provisional: bool,
    /// The rule.
    pub rule: String,
    /// Where the law sets it.
    pub reference: String,
    /// Seconds until the deadline (negative when past), for sorting and display.
    pub seconds_left: Option<i64>,
}

fn ts(text: &str, what: &str) -> Result<Timestamp, CaseError> {
    text.parse::<Timestamp>().map_err(|e| CaseError::Time {
        text: text.to_string(),
        why: format!("{what}: {e}"),
    })
}

/// `t` shown in `tz`: `2026-03-29 13:00 CEST (+02:00)`.
pub fn local(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M %Z (%:z)")
        .to_string()
}

impl Case {
    /// Check the case: its time zone, every time, at least one track, no submission before
    /// its awareness, an incident upgraded from a vulnerability not aware before it.
    ///
    /// # Errors
    /// The first problem found.
    pub fn validate(&self) -> Result<TimeZone, CaseError> {
        let tz = zone(&self.time_zone)?;
        if self.tracks.is_empty() {
            return Err(CaseError::Invalid(format!(
                "case {} has no track (vulnerability or incident)",
                self.id
            )));
        }
        for (track, r) in &self.tracks {
            let aware = ts(&r.aware_at, "aware-at")?;
            if let Some(c) = &r.corrective_available_at {
                ts(c, "corrective-available-at")?;
                if *track == Track::Incident {
                    return Err(CaseError::Invalid(
                        "a corrective-measure date belongs to the vulnerability track".into(),
                    ));
                }
            }
            for (stage, at) in &r.sent {
                let at = ts(at, stage.id())?;
                if at < aware {
                    return Err(CaseError::Invalid(format!(
                        "the {} {} is recorded as sent at {at}, before awareness at {aware}",
                        track.id(),
                        stage.id()
                    )));
                }
            }
        }
        if let (Some(v), Some(i)) = (
            self.tracks.get(&Track::Vulnerability),
            self.tracks.get(&Track::Incident),
        ) {
            if ts(&i.aware_at, "aware-at")? < ts(&v.aware_at, "aware-at")? {
                return Err(CaseError::Invalid(
                    "the incident's awareness is before the vulnerability's: an incident \
                     upgraded from a vulnerability is known no earlier than it"
                        .into(),
                ));
            }
        }
        Ok(tz)
    }

    /// The time the manufacturer became aware on `track`.
    pub fn aware_at(&self, track: Track) -> Option<&str> {
        self.tracks.get(&track).map(|r| r.aware_at.as_str())
    }
}

/// Every deadline of `case` as of `now`, in track and stage order.
///
/// # Errors
/// The case is not valid ([`Case::validate`]).
pub fn clocks(case: &Case, now: Timestamp) -> Result<Vec<Clock>, CaseError> {
    let tz = case.validate()?;
    let applies_from = crate::catalogue::catalogue()
        .article_14
        .map_or(0, |d| d.first_day() * 86_400);
    let mut out = Vec::new();
    for (track, record) in &case.tracks {
        let aware = ts(&record.aware_at, "aware-at")?;
        if aware > now {
            return Err(CaseError::Invalid(format!(
                "the {} track's awareness {aware} is after now ({now})",
                track.id()
            )));
        }
        let before_article_14 = aware.as_second() < applies_from;
        for rule in stage_rules().iter().filter(|r| r.track == *track) {
            let sent_at = record
                .sent
                .get(&rule.stage)
                .map(|s| ts(s, rule.stage.id()))
                .transpose()?;
            let (base, provisional) = match rule.from {
                From::Awareness => (Some(aware), false),
                // A measure available before awareness (an upstream fix of a KEV entry)
                // starts the 14 days at awareness.
                From::CorrectiveMeasure => (
                    record
                        .corrective_available_at
                        .as_deref()
                        .map(|c| ts(c, "corrective-available-at"))
                        .transpose()?
                        .map(|c| c.max(aware)),
                    false,
                ),
                From::Notification => match record.sent.get(&Stage::Notification) {
                    Some(s) => (Some(ts(s, "notification")?), false),
                    // Not sent yet: count from its own deadline, and say so.
                    None => (Some(add_hours(aware, 72)?), true),
                },
            };
            let due = match base {
                None => None,
                Some(b) => Some(deadline(b, rule, &tz)?),
            };
            let later_sent = Stage::ALL
                .iter()
                .skip_while(|s| **s != rule.stage)
                .skip(1)
                .any(|s| record.sent.contains_key(s));
            let status = match (due, sent_at) {
                (_, Some(s)) if due.is_some_and(|d| s > d) => Status::SentLate,
                (_, Some(_)) => Status::Sent,
                (_, None) if before_article_14 => Status::NotRequired,
                (_, None) if later_sent => Status::Covered,
                (None, None) => Status::Waiting,
                (Some(d), None) if d < now => Status::Overdue,
                (Some(_), None) => Status::Due,
            };
            out.push(Clock {
                track: *track,
                stage: rule.stage,
                due: due.map(|d| d.to_string()),
                due_local: due.map(|d| local(d, &tz)),
                sent_at: sent_at.map(|s| s.to_string()),
                status,
                provisional: provisional && sent_at.is_none(),
                rule: rule.rule.clone(),
                reference: rule.reference.clone(),
                seconds_left: due.map(|d| d.as_second() - now.as_second()),
            });
        }
    }
    Ok(out)
}

/// The clock to act on next: the overdue or due one with the least time left, else one
/// waiting for a corrective measure; none when everything was sent.
pub fn next(clocks: &[Clock]) -> Option<&Clock> {
    clocks
        .iter()
        .filter(|k| matches!(k.status, Status::Due | Status::Overdue))
        .min_by_key(|k| k.seconds_left)
        .or_else(|| clocks.iter().find(|k| k.status == Status::Waiting))
}

fn add_hours(t: Timestamp, hours: i64) -> Result<Timestamp, CaseError> {
    t.checked_add(SignedDuration::from_hours(hours))
        .map_err(|e| CaseError::Invalid(format!("{t} + {hours} h: {e}")))
}

fn deadline(base: Timestamp, rule: &StageRule, tz: &TimeZone) -> Result<Timestamp, CaseError> {
    if let Some(h) = rule.hours {
        return add_hours(base, h);
    }
    // Calendar arithmetic in the case's zone: 14 days after 10:00 on the day before a DST
    // change is 10:00 local, 14 days on; one month after 31 January is 28 (29) February.
    let span = Span::new()
        .days(rule.days.unwrap_or(0))
        .months(rule.months.unwrap_or(0));
    let z: Zoned = base.to_zoned(tz.clone());
    z.checked_add(span)
        .map(|z| z.timestamp())
        .map_err(|e| CaseError::Invalid(format!("{base} + {span}: {e}")))
}

/// What craft knows of the product, for the automatic fields.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProductFacts {
    /// Manufacturer name.
    pub manufacturer: Option<String>,
    /// Product name, model and releases.
    pub product: String,
    /// Class (`important-class-i`...), when the scope is decided.
    pub class: Option<String>,
    /// Annex entries that decided it.
    pub category: Option<String>,
    /// Member States where it is made available.
    pub member_states: Vec<String>,
}

/// One field of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftField {
    /// The field id.
    pub id: String,
    /// What it holds.
    pub label: String,
    /// What the stage requires (`X`, `C`, `O`, `I`).
    pub need: Need,
    /// The value, when known.
    pub value: Option<String>,
    /// Where it is asked.
    pub reference: String,
}

/// A draft submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// The case.
    pub case: String,
    /// The track.
    pub track: Track,
    /// The stage.
    pub stage: Stage,
    /// Its deadline, when it runs.
    pub due: Option<String>,
    /// The fields, in the platform's order.
    pub fields: Vec<DraftField>,
    /// The mandatory fields (`X`, and `C` never given before) still empty.
    pub missing: Vec<String>,
}

/// The draft of `stage` on `track` of `case`.
///
/// # Errors
/// The case is not valid, or has no such track.
pub fn draft(
    case: &Case,
    track: Track,
    stage: Stage,
    facts: &ProductFacts,
    now: Timestamp,
) -> Result<Draft, CaseError> {
    let record = case.tracks.get(&track).ok_or_else(|| {
        CaseError::Invalid(format!("case {} has no {} track", case.id, track.id()))
    })?;
    let clock = clocks(case, now)?
        .into_iter()
        .find(|c| c.track == track && c.stage == stage);
    let mut fields = Vec::new();
    let mut missing = Vec::new();
    for f in fields_for(track) {
        let need = f.stages.get(stage.id()).copied().unwrap_or(Need::O);
        let value = match f.id.as_str() {
            "notification-type" => Some(
                match track {
                    Track::Vulnerability => "actively exploited vulnerability",
                    Track::Incident => {
                        "severe incident having an impact on the security of the product"
                    }
                }
                .to_string(),
            ),
            "notification-stage" => Some(stage.id().to_string()),
            "manufacturer" => facts.manufacturer.clone(),
            "product" => Some(facts.product.clone()),
            "product-class" => facts.class.clone(),
            "product-category" => facts.category.clone(),
            "member-states" => {
                (!facts.member_states.is_empty()).then(|| facts.member_states.join(", "))
            }
            "title" => Some(case.title.clone()),
            "cve-id" => case.vulnerability_id.clone(),
            "corrective-measure-date" => record.corrective_available_at.clone(),
            id => case.fields.get(id).cloned(),
        }
        .filter(|v| !v.trim().is_empty());
        // A carried-forward field is mandatory when it was mandatory before.
        let mandatory = match need {
            Need::X => true,
            Need::C => Stage::ALL
                .iter()
                .take_while(|s| **s != stage)
                .any(|s| f.stages.get(s.id()) == Some(&Need::X)),
            Need::O | Need::I => false,
        };
        if mandatory && value.is_none() {
            missing.push(f.id.clone());
        }
        fields.push(DraftField {
            id: f.id.clone(),
            label: f.label.clone(),
            need,
            value,
            reference: f.reference.clone(),
        });
    }
    Ok(Draft {
        case: case.id.clone(),
        track,
        stage,
        due: clock.and_then(|c| c.due_local),
        fields,
        missing,
    })
}

/// The fields of `track`.
pub fn fields_for(track: Track) -> impl Iterator<Item = &'static Field> {
    fields().iter().filter(move |f| f.for_track(track))
}

/// `draft` as Markdown, ready to paste field by field into the reporting platform.
pub fn draft_markdown(d: &Draft) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Article 14 {} — {} ({})\n",
        d.stage.id(),
        d.case,
        match d.track {
            Track::Vulnerability => "actively exploited vulnerability",
            Track::Incident => "severe incident",
        }
    );
    if let Some(due) = &d.due {
        let _ = writeln!(s, "Due: {due}\n");
    }
    let _ = writeln!(s, "| Field | Need | Value | Basis |\n|---|---|---|---|");
    for f in &d.fields {
        let _ = writeln!(
            s,
            "| {} | {:?} | {} | {} |",
            f.label,
            f.need,
            f.value
                .as_deref()
                .unwrap_or("—")
                .replace('\n', " ")
                .replace('|', "\\|"),
            f.reference
        );
    }
    if !d.missing.is_empty() {
        let _ = writeln!(
            s,
            "\nMissing mandatory fields: {} (`craft report set CASE FIELD=VALUE`)",
            d.missing.join(", ")
        );
    }
    s
}

/// The information to users (Art. 14(8)) as Markdown, from the case's fields.
pub fn users_markdown(case: &Case, facts: &ProductFacts) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "# Security information: {}\n", case.title);
    let _ = writeln!(s, "Product: {}", facts.product);
    if let Some(m) = &facts.manufacturer {
        let _ = writeln!(s, "Manufacturer: {m}");
    }
    if let Some(v) = &case.vulnerability_id {
        let _ = writeln!(s, "Vulnerability: {v}");
    }
    if !case.releases.is_empty() {
        let _ = writeln!(s, "Affected releases: {}", case.releases.join(", "));
    }
    let get = |k: &str| case.fields.get(k).map(String::as_str);
    let _ = writeln!(s);
    if let Some(n) = get("nature-of-vulnerability").or(get("nature-of-incident")) {
        let _ = writeln!(s, "## What happened\n\n{n}\n");
    }
    let _ = writeln!(
        s,
        "## What you should do\n\n{}\n",
        get("user-measures").unwrap_or("(to be completed: the measures users can take)")
    );
    if let Some(u) = get("update-details") {
        let _ = writeln!(s, "## The fix\n\n{u}\n");
    }
    let _ = writeln!(
        s,
        "This information is provided under Article 14(8) of Regulation (EU) 2024/2847; a \
         machine-readable advisory (CSAF) follows where appropriate."
    );
    s
}
