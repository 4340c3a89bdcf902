//! `craft report`: Article 14 cases — open one, record what happened, see the clocks, draft
//! each submission and the information to users.

use crate::{output, Ctx, Format};
use anyhow::Context;
use clap::{Args, Subcommand};
use craft_cra::report::{self, Case, Clock, Stage, Status, Track, TrackRecord};
use craft_product::{Date, ProductDir};
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `craft report …`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Open a case: an actively exploited vulnerability (--vuln) or a severe incident
    /// (--incident), from the time you became aware.
    Open(OpenArgs),
    /// Every case with its next deadline.
    List(ProductArg),
    /// One case: every clock (UTC and local) and what each submission still lacks.
    Show(CaseArgs),
    /// Fill submission fields: FIELD=VALUE (`craft report fields` lists them).
    Set(SetArgs),
    /// Record that a stage was submitted to the single reporting platform.
    Sent(SentArgs),
    /// Record when a corrective or mitigating measure became available (starts the
    /// vulnerability's 14-day final-report clock).
    Fixed(AtArgs),
    /// Upgrade a vulnerability case to a severe incident too (its own clocks from --aware-at).
    Upgrade(AtArgs),
    /// Record when users were informed (Art. 14(8)).
    Informed(AtArgs),
    /// Draft a submission (JSON with --format json, else Markdown), or with --users the
    /// information to users.
    Draft(DraftArgs),
    /// The submission fields, what each stage requires, and where the law asks them.
    Fields,
}

/// The product directory.
#[derive(Debug, Args)]
pub struct ProductArg {
    /// The product directory (holding craft.toml).
    #[arg(long, short = 'C', default_value = ".")]
    product: PathBuf,
    /// Judge what is due as of this time (default: now).
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

/// `craft report open`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft report open -C examples/gateway --vuln CVE-2024-3094 --aware-at '2026-11-29 09:30'
  craft report open --incident 'Update server compromised' --aware-at 2026-11-29T08:00:00Z \\
        --tz Europe/Berlin --release 2.1.0

Times: RFC 3339 with an offset, or a local time in the case's time zone (--tz, else
[manufacturer] time-zone in craft.toml). A local time skipped or repeated by a DST change
is refused: give the offset.")]
pub struct OpenArgs {
    #[command(flatten)]
    product: ProductArg,
    /// The actively exploited vulnerability (CVE id or other).
    #[arg(
        long,
        value_name = "ID",
        conflicts_with = "incident",
        required_unless_present = "incident"
    )]
    vuln: Option<String>,
    /// A severe incident, by its title.
    #[arg(long, value_name = "TITLE")]
    incident: Option<String>,
    /// When you became aware (starts the 24 h and 72 h clocks).
    #[arg(long, value_name = "TIME")]
    aware_at: String,
    /// The IANA time zone to show and count the case in.
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,
    /// The case's title (default: the vulnerability id or the incident title).
    #[arg(long)]
    title: Option<String>,
    /// Releases concerned (repeatable).
    #[arg(long, value_name = "VERSION")]
    release: Vec<String>,
    /// The case id (default: the vulnerability id, or incident-YYYY-MM-DD[-N]).
    #[arg(long)]
    id: Option<String>,
    /// Who records it (else $CRAFT_USER, else $USER).
    #[arg(long)]
    by: Option<String>,
}

/// A case.
#[derive(Debug, Args)]
pub struct CaseArgs {
    #[command(flatten)]
    product: ProductArg,
    /// The case id (`craft report list`).
    case: String,
}

/// `craft report set`.
#[derive(Debug, Args)]
pub struct SetArgs {
    #[command(flatten)]
    case: CaseArgs,
    /// FIELD=VALUE pairs.
    #[arg(required = true, value_name = "FIELD=VALUE")]
    values: Vec<String>,
    /// Who records it.
    #[arg(long)]
    by: Option<String>,
}

/// `craft report sent`.
#[derive(Debug, Args)]
pub struct SentArgs {
    #[command(flatten)]
    case: CaseArgs,
    /// The stage: early-warning, notification or final-report.
    #[arg(long, value_parser = stage_parser())]
    stage: Stage,
    /// The track, when the case has both (vulnerability or incident).
    #[arg(long, value_parser = track_parser())]
    track: Option<Track>,
    /// When it was submitted.
    #[arg(long, value_name = "TIME")]
    at: String,
    /// Who records it.
    #[arg(long)]
    by: Option<String>,
}

/// A dated event on a case.
#[derive(Debug, Args)]
pub struct AtArgs {
    #[command(flatten)]
    case: CaseArgs,
    /// When (for `upgrade`: when you became aware of the incident).
    #[arg(long, visible_alias = "aware-at", value_name = "TIME")]
    at: String,
    /// Who records it.
    #[arg(long)]
    by: Option<String>,
}

/// `craft report draft`.
#[derive(Debug, Args)]
pub struct DraftArgs {
    #[command(flatten)]
    case: CaseArgs,
    /// The stage to draft (default: the next one not sent).
    #[arg(long, value_parser = stage_parser())]
    stage: Option<Stage>,
    /// The track, when the case has both.
    #[arg(long, value_parser = track_parser())]
    track: Option<Track>,
    /// Draft the information to users (Art. 14(8)) instead.
    #[arg(long)]
    users: bool,
    /// Write the draft to this file (atomically) as well.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

fn stage_parser() -> impl clap::builder::TypedValueParser<Value = Stage> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["early-warning", "notification", "final-report"])
        .map(|s| Stage::parse(&s).unwrap_or(Stage::EarlyWarning))
}

fn track_parser() -> impl clap::builder::TypedValueParser<Value = Track> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["vulnerability", "incident"]).map(|s| {
        if s == "incident" {
            Track::Incident
        } else {
            Track::Vulnerability
        }
    })
}

/// Run `craft report …`.
pub fn run(cmd: ReportCommand, ctx: Ctx) -> anyhow::Result<u8> {
    match cmd {
        ReportCommand::Open(a) => open(a, ctx),
        ReportCommand::List(p) => list(&p, ctx),
        ReportCommand::Show(a) => show(&a, ctx),
        ReportCommand::Set(a) => set(a, ctx),
        ReportCommand::Sent(a) => sent(a, ctx),
        ReportCommand::Fixed(a) => dated(a, ctx, Dated::Fixed),
        ReportCommand::Upgrade(a) => dated(a, ctx, Dated::Upgrade),
        ReportCommand::Informed(a) => dated(a, ctx, Dated::Informed),
        ReportCommand::Draft(a) => draft(a, ctx),
        ReportCommand::Fields => fields(ctx),
    }
}

fn now(p: &ProductArg) -> anyhow::Result<Timestamp> {
    match &p.now {
        None => Ok(Timestamp::now()),
        Some(t) => t
            .parse::<Timestamp>()
            .with_context(|| format!("--now `{t}`: write RFC 3339 with an offset (…Z or +01:00)")),
    }
}

/// The largest value of one field (a field is a paragraph, not a document).
const MAX_FIELD: usize = 16 * 1024;

fn save(product: &ProductDir, case: &Case, new: bool) -> anyhow::Result<()> {
    case.validate()?;
    let file = product.case_file(&case.id);
    if let Some(dir) = file.parent() {
        fs_err::create_dir_all(dir)?;
    }
    let mut bytes = serde_json::to_vec_pretty(case).context("cannot serialise the case")?;
    bytes.push(b'\n');
    anyhow::ensure!(
        bytes.len() as u64 <= craft_product::reports::MAX_BYTES,
        "the case would be {} bytes; a case is at most {} (craft would refuse to read it)",
        bytes.len(),
        craft_product::reports::MAX_BYTES
    );
    if new {
        output::write_new(&file, &bytes)
    } else {
        output::write_atomic(&file, &bytes)
    }
}

fn find(product: &ProductDir, id: &str) -> anyhow::Result<Case> {
    product
        .cases
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(id))
        .cloned()
        .with_context(|| {
            let known: Vec<&str> = product.cases.iter().map(|c| c.id.as_str()).collect();
            format!(
                "no case `{id}` in `{}` (cases: {})",
                product
                    .dir
                    .join(craft_product::reports::REPORTS_DIR)
                    .display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )
        })
}

/// Append to the case's history, stamped with the real clock (never `--now`: the history is
/// the audit trail).
fn record(case: &mut Case, by: Option<String>, what: String) -> anyhow::Result<()> {
    case.history.push(report::Event {
        at: Timestamp::now().to_string(),
        by: crate::decide::who(by)?,
        what,
    });
    Ok(())
}

fn open(a: OpenArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.product.product)?;
    let tz_name =
        a.tz.clone()
            .or_else(|| {
                product
                    .manifest
                    .manufacturer
                    .as_ref()
                    .and_then(|m| m.time_zone.clone())
            })
            .context(
                "which time zone? give --tz (e.g. Europe/Berlin) or [manufacturer] time-zone in \
             craft.toml: the one-month and 14-day deadlines are calendar days there",
            )?;
    let tz = report::zone(&tz_name)?;
    let aware = report::parse_time(&a.aware_at, &tz).context("--aware-at")?;
    let now = now(&a.product)?;
    anyhow::ensure!(
        aware <= now,
        "--aware-at {aware} is in the future (now {now}): record awareness when it happens"
    );
    for v in &a.release {
        anyhow::ensure!(
            product.manifest.releases.iter().any(|r| &r.version == v),
            "`{}` declares no release {v} (it has: {})",
            a.product.product.display(),
            crate::decide::releases(&product)
        );
    }
    let (track, title) = match (&a.vuln, &a.incident) {
        (Some(v), None) => (Track::Vulnerability, v.clone()),
        (None, Some(t)) => (Track::Incident, t.clone()),
        _ => anyhow::bail!("give --vuln ID or --incident TITLE"),
    };
    let id = match (&a.id, &a.vuln) {
        (Some(id), _) => id.clone(),
        (None, Some(v)) => v.clone(),
        (None, None) => {
            let day = aware.to_zoned(tz.clone()).strftime("%Y-%m-%d").to_string();
            let base = format!("incident-{day}");
            let mut id = base.clone();
            let mut n = 2;
            while product.cases.iter().any(|c| c.id == id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        }
    };
    anyhow::ensure!(
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !id.starts_with('.'),
        "`{id}` cannot name a case file: use letters, digits, '-', '_' and '.'"
    );
    if let Some(c) = product
        .cases
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(&id))
    {
        anyhow::bail!(
            "case `{}` exists already (`craft report show {}`)",
            c.id,
            c.id
        );
    }
    let mut case = Case {
        id: id.clone(),
        title: a.title.clone().unwrap_or(title),
        time_zone: tz_name,
        vulnerability_id: a.vuln.clone(),
        releases: a.release.clone(),
        tracks: BTreeMap::from([(
            track,
            TrackRecord {
                aware_at: aware.to_string(),
                corrective_available_at: None,
                sent: BTreeMap::new(),
            },
        )]),
        fields: BTreeMap::new(),
        users_informed_at: None,
        history: Vec::new(),
    };
    record(&mut case, a.by, format!("opened; aware at {aware}"))?;
    save(&product, &case, true)?;
    let applies_from = craft_cra::catalogue::catalogue()
        .article_14
        .map_or(0, |d| d.first_day() * 86_400);
    if aware.as_second() < applies_from {
        anstream::eprintln!(
            "note: Article 14 applies from 11 September 2026 (Art. 71(2)); awareness before \
             that is not reportable under it (FAQ 5.3), though Art. 15 allows voluntary reports"
        );
    }
    print_case(&case, now, ctx)?;
    Ok(0)
}

fn list(p: &ProductArg, ctx: Ctx) -> anyhow::Result<u8> {
    let product = ProductDir::open(&p.product)?;
    let now = now(p)?;
    let mut rows = Vec::new();
    for c in &product.cases {
        let clocks = report::clocks(c, now)?;
        let next = report::next(&clocks).cloned();
        rows.push((c, next, clocks));
    }
    match ctx.format {
        Format::Json => output::json(
            &rows
                .iter()
                .map(|(c, next, clocks)| {
                    serde_json::json!({"id": c.id, "title": c.title, "next": next,
                        "overdue": clocks.iter().filter(|k| k.status == Status::Overdue).count()})
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Human => {
            if rows.is_empty() {
                println!("no Article 14 case (`craft report open` starts one)");
            }
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            t.set_header(["case", "title", "next", "due", "status"]);
            for (c, next, _) in &rows {
                let (stage, due, status) = match next {
                    Some(k) => (
                        format!("{} {}", k.track.id(), k.stage.id()),
                        k.due_local.clone().unwrap_or_else(|| "-".into()),
                        status_text(k),
                    ),
                    None => ("-".into(), "-".into(), "all sent".into()),
                };
                t.add_row([c.id.clone(), c.title.clone(), stage, due, status]);
            }
            if !rows.is_empty() {
                println!("{t}");
            }
        }
    }
    Ok(u8::from(rows.iter().any(|(_, _, k)| {
        k.iter().any(|x| x.status == Status::Overdue)
    })))
}

/// A clock's status in words (`due in 2 d 3 h`, `OVERDUE by 5 h 10 min`).
pub(crate) fn status_text(k: &Clock) -> String {
    let left = |s: i64| {
        let h = s.abs() / 3600;
        if h >= 48 {
            format!("{} d {} h", h / 24, h % 24)
        } else {
            format!("{h} h {} min", (s.abs() % 3600) / 60)
        }
    };
    match (k.status, k.seconds_left) {
        (Status::Overdue, Some(s)) => format!("OVERDUE by {}", left(s)),
        (Status::Due, Some(s)) => format!(
            "due in {}{}",
            left(s),
            if k.provisional { " (provisional)" } else { "" }
        ),
        (Status::Waiting, _) => "waits for a corrective or mitigating measure".into(),
        (Status::Covered, _) => "covered by a later submission".into(),
        (Status::NotRequired, _) => "not required (aware before 11 Sep 2026)".into(),
        (Status::Sent, _) => "sent".into(),
        (Status::SentLate, _) => "sent late".into(),
        _ => "-".into(),
    }
}

fn show(a: &CaseArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.product.product)?;
    let case = find(&product, &a.case)?;
    let now = now(&a.product)?;
    print_case(&case, now, ctx)?;
    let overdue = report::clocks(&case, now)?
        .iter()
        .any(|k| k.status == Status::Overdue);
    Ok(u8::from(overdue))
}

fn print_case(case: &Case, now: Timestamp, ctx: Ctx) -> anyhow::Result<()> {
    let clocks = report::clocks(case, now)?;
    match ctx.format {
        Format::Json => output::json(&serde_json::json!({"case": case, "clocks": clocks}))?,
        Format::Human => {
            use owo_colors::OwoColorize;
            println!("{} {}: {}", "case".bold(), case.id.bold(), case.title);
            for (t, r) in &case.tracks {
                let tz = report::zone(&case.time_zone)?;
                let aware: Timestamp = r.aware_at.parse()?;
                println!(
                    "{} track: aware at {} ({})",
                    t.id(),
                    report::local(aware, &tz),
                    r.aware_at
                );
            }
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            t.set_header([
                "track",
                "stage",
                "due (local)",
                "due (UTC)",
                "status",
                "rule",
            ]);
            for k in &clocks {
                t.add_row([
                    k.track.id().to_string(),
                    k.stage.id().to_string(),
                    k.due_local.clone().unwrap_or_else(|| "-".into()),
                    k.due.clone().unwrap_or_else(|| "-".into()),
                    status_text(k),
                    format!("{} ({})", k.rule, k.reference),
                ]);
            }
            println!("{t}");
        }
    }
    Ok(())
}

fn set(a: SetArgs, _ctx: Ctx) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.case.product.product)?;
    let mut case = find(&product, &a.case.case)?;
    let now = now(&a.case.product)?;
    let known: Vec<&str> = report::fields()
        .iter()
        .filter(|f| !f.auto)
        .map(|f| f.id.as_str())
        .collect();
    let mut changed = Vec::new();
    for pair in &a.values {
        let (k, v) = pair
            .split_once('=')
            .with_context(|| format!("`{pair}` is not FIELD=VALUE"))?;
        let k = k.trim();
        anyhow::ensure!(
            known.contains(&k),
            "`{k}` is not a field craft asks for{} (`craft report fields`; the automatic \
             ones come from craft.toml and the case)",
            match craft_cra::catalogue::suggest(k, known.iter().copied()).as_slice() {
                [] => String::new(),
                s => format!("; did you mean {}?", s.join(", ")),
            }
        );
        anyhow::ensure!(
            !v.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{k}: the value holds control characters"
        );
        anyhow::ensure!(
            v.len() <= MAX_FIELD,
            "{k}: {} bytes; a field is at most {MAX_FIELD}",
            v.len()
        );
        let was = if v.trim().is_empty() {
            case.fields.remove(k)
        } else {
            case.fields.insert(k.to_string(), v.to_string())
        };
        changed.push(match was {
            Some(w) => format!("{k} = {v:?} (was {w:?})"),
            None => format!("{k} = {v:?}"),
        });
    }
    let _ = now;
    record(&mut case, a.by, format!("set {}", changed.join("; ")))?;
    save(&product, &case, false)?;
    Ok(0)
}

fn track_of(case: &Case, track: Option<Track>) -> anyhow::Result<Track> {
    match track {
        Some(t) => {
            anyhow::ensure!(
                case.tracks.contains_key(&t),
                "case {} has no {} track",
                case.id,
                t.id()
            );
            Ok(t)
        }
        None if case.tracks.len() == 1 => {
            Ok(*case.tracks.keys().next().unwrap_or(&Track::Vulnerability))
        }
        None => anyhow::bail!(
            "case {} has a vulnerability and an incident track: say which with --track",
            case.id
        ),
    }
}

fn sent(a: SentArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.case.product.product)?;
    let mut case = find(&product, &a.case.case)?;
    let now = now(&a.case.product)?;
    let at = past_time(&case, &a.at, now)?;
    let track = track_of(&case, a.track)?;
    let stage = a.stage;
    let r = case.tracks.get_mut(&track).context("no such track")?;
    if let Some(before) = Stage::ALL
        .iter()
        .take_while(|s| **s != stage)
        .find(|s| !r.sent.contains_key(s))
    {
        // The law lets a later stage carry an earlier one ("unless already provided"), but
        // an out-of-order record is more often a typo: say so.
        anstream::eprintln!(
            "note: the {} is not recorded as sent; the {} will stand for it only if it \
             carries its contents",
            before.id(),
            stage.id()
        );
    }
    if let Some(prev) = r.sent.insert(stage, at.to_string()) {
        anstream::eprintln!("note: replaces the earlier record {prev}");
    }
    record(
        &mut case,
        a.by,
        format!("{} {} sent at {at}", track.id(), stage.id()),
    )?;
    save(&product, &case, false)?;
    print_case(&case, now, ctx)?;
    Ok(0)
}

/// `--at TEXT` read in the case's time zone; a time after `now` is refused.
fn past_time(case: &Case, text: &str, now: Timestamp) -> anyhow::Result<Timestamp> {
    let tz = report::zone(&case.time_zone)?;
    let at = report::parse_time(text, &tz).context("--at")?;
    anyhow::ensure!(at <= now, "--at {at} is in the future (now {now})");
    Ok(at)
}

enum Dated {
    Fixed,
    Upgrade,
    Informed,
}

fn dated(a: AtArgs, ctx: Ctx, what: Dated) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.case.product.product)?;
    let mut case = find(&product, &a.case.case)?;
    let now = now(&a.case.product)?;
    let at = past_time(&case, &a.at, now)?;
    let text = match what {
        Dated::Fixed => {
            let r = case.tracks.get_mut(&Track::Vulnerability).context(
                "a corrective measure dates the vulnerability track; this case has none",
            )?;
            let aware = r.aware_at.parse::<Timestamp>()?;
            if at < aware {
                anstream::eprintln!(
                    "note: the measure was available before you became aware ({aware}): the \
                     final report's 14 days count from awareness"
                );
            }
            r.corrective_available_at = Some(at.to_string());
            format!("corrective or mitigating measure available at {at}")
        }
        Dated::Upgrade => {
            anyhow::ensure!(
                !case.tracks.contains_key(&Track::Incident),
                "case {} is an incident already",
                case.id
            );
            case.tracks.insert(
                Track::Incident,
                TrackRecord {
                    aware_at: at.to_string(),
                    corrective_available_at: None,
                    sent: BTreeMap::new(),
                },
            );
            format!("upgraded to a severe incident; aware of the incident at {at}")
        }
        Dated::Informed => {
            let first = case
                .tracks
                .values()
                .filter_map(|r| r.aware_at.parse::<Timestamp>().ok())
                .min();
            if let Some(f) = first.filter(|f| at < *f) {
                anyhow::bail!("--at {at} is before awareness ({f})");
            }
            case.users_informed_at = Some(at.to_string());
            format!("users informed at {at}")
        }
    };
    record(&mut case, a.by, text)?;
    save(&product, &case, false)?;
    print_case(&case, now, ctx)?;
    Ok(0)
}

fn draft(a: DraftArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.case.product.product)?;
    let case = find(&product, &a.case.case)?;
    let now = now(&a.case.product)?;
    let today = Date::from_unix(now.as_second());
    let facts = product.report_facts(&case.releases, today);
    if a.users {
        let md = report::users_markdown(&case, &facts);
        if let Some(f) = &a.output {
            output::write_atomic(f, md.as_bytes())?;
        }
        match ctx.format {
            Format::Json => output::json(&serde_json::json!({"case": case.id, "markdown": md}))?,
            Format::Human => println!("{}", md.trim_end()),
        }
        return Ok(0);
    }
    let track = track_of(&case, a.track)?;
    let stage = match a.stage {
        Some(s) => s,
        None => Stage::ALL
            .into_iter()
            .find(|s| !case.tracks[&track].sent.contains_key(s))
            .unwrap_or(Stage::FinalReport),
    };
    let d = report::draft(&case, track, stage, &facts, now)?;
    let text = match ctx.format {
        Format::Json => {
            let mut v = serde_json::to_string_pretty(&d)?;
            v.push('\n');
            v
        }
        Format::Human => report::draft_markdown(&d),
    };
    match &a.output {
        Some(f) if f.as_os_str() == "-" => output::write_atomic(f, text.as_bytes())?,
        Some(f) => {
            output::write_atomic(f, text.as_bytes())?;
            print!("{text}");
        }
        None => print!("{text}"),
    }
    Ok(u8::from(!d.missing.is_empty()))
}

fn fields(ctx: Ctx) -> anyhow::Result<u8> {
    match ctx.format {
        Format::Json => output::json(&report::fields())?,
        Format::Human => {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::NOTHING);
            t.set_header(["field", "track", "24h", "72h", "final", "what", "basis"]);
            for f in report::fields() {
                let need = |s: &str| {
                    f.stages
                        .get(s)
                        .map_or("-".to_string(), |n| format!("{n:?}"))
                };
                t.add_row([
                    format!("{}{}", f.id, if f.auto { " (auto)" } else { "" }),
                    f.track.clone(),
                    need("early-warning"),
                    need("notification"),
                    need("final-report"),
                    f.label.clone(),
                    f.reference.clone(),
                ]);
            }
            println!("{t}");
            println!("X mandatory, C carried forward, O optional, I mandatory if available");
        }
    }
    Ok(0)
}
