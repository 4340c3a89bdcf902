//! Gaps: what the CRA asks of the product that its directory does not show yet.
//!
//! Each kind of gap is a row of [`CATALOGUE`] with its legal reference and how to close it;
//! the checks below only decide which rows apply and with which numbers. Severities: an
//! *error* fails `craft check` (an SBOM that cannot be read, a known-exploited vulnerability
//! in a supported release, an undeclared support period); a *warning* is a compliance risk to
//! handle; *info* is work the later parts of craft will take on (scope, triage, risk
//! assessment, requirements evidence).

use crate::check::{CheckContext, ReleaseReport};
use crate::manifest::ProductDir;
use craft_sbom::Severity;
use serde::Serialize;

/// The code of a kind of gap (its row in [`CATALOGUE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GapCode {
    /// `sbom-unreadable`.
    SbomUnreadable,
    /// `known-exploited`.
    KnownExploited,
    /// `support-end-undeclared`.
    SupportEndUndeclared,
    /// `support-period-short`.
    SupportPeriodShort,
    /// `support-ended`.
    SupportEnded,
    /// `critical-affected`.
    CriticalAffected,
    /// `findings-untriaged`.
    FindingsUntriaged,
    /// `findings-undecided`.
    FindingsUndecided,
    /// `components-unidentified`.
    ComponentsUnidentified,
    /// `sbom-quality`.
    SbomQuality,
    /// `vulndb-stale`.
    VulndbStale,
    /// `scope-not-assessed`.
    ScopeNotAssessed,
    /// `risk-assessment-missing`.
    RiskAssessmentMissing,
    /// `requirements-evidence-missing`.
    RequirementsEvidenceMissing,
    /// `triage-rule-expired`.
    TriageRuleExpired,
    /// `triage-decision-reopened`.
    TriageDecisionReopened,
    /// `vex-unreadable`.
    VexUnreadable,
    /// `vex-statements-unmatched`.
    VexStatementsUnmatched,
    /// `article-14-probable`.
    #[serde(rename = "article-14-probable")]
    Article14Probable,
    /// `article-14-overdue`.
    #[serde(rename = "article-14-overdue")]
    Article14Overdue,
    /// `risk-model-invalid`.
    RiskModelInvalid,
    /// `risk-unmitigated`.
    RiskUnmitigated,
    /// `risk-acceptance-expired`.
    RiskAcceptanceExpired,
    /// `risk-threats-open`.
    RiskThreatsOpen,
}

impl GapCode {
    /// The code as text.
    pub fn name(self) -> &'static str {
        self.kind().code
    }

    /// Its row of the catalogue.
    pub fn kind(self) -> &'static GapKind {
        // CATALOGUE lists the codes in declaration order (a test checks).
        &CATALOGUE[self as usize]
    }
}

/// One kind of gap.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GapKind {
    /// Stable code.
    pub code: &'static str,
    /// The same, as the enum.
    #[serde(skip)]
    pub id: GapCode,
    /// How serious.
    pub severity: Severity,
    /// The provisions it concerns (CRA, Regulation (EU) 2024/2847).
    pub reference: &'static str,
    /// How to close it.
    pub next: &'static str,
}

/// Every kind of gap `craft check` reports.
pub const CATALOGUE: &[GapKind] = &[
    GapKind {
        code: "sbom-unreadable",
        id: GapCode::SbomUnreadable,
        severity: Severity::Error,
        reference: "Annex I Part II (1)",
        next: "fix the file or its path in craft.toml; `craft sbom check FILE` shows why",
    },
    GapKind {
        code: "known-exploited",
        id: GapCode::KnownExploited,
        severity: Severity::Error,
        reference: "Annex I Part I (2)(a); Annex I Part II (2); Art. 14(1)-(2)",
        next: "fix or mitigate now; if it is exploited in this product, the early warning \
               is due within 24 hours of awareness (ENISA Single Reporting Platform)",
    },
    GapKind {
        code: "support-end-undeclared",
        id: GapCode::SupportEndUndeclared,
        severity: Severity::Error,
        reference: "Art. 13(8), 13(19)",
        next: "declare `support-end` (at least month and year) under [product] in craft.toml",
    },
    GapKind {
        code: "support-period-short",
        id: GapCode::SupportPeriodShort,
        severity: Severity::Warning,
        reference: "Art. 13(8)",
        next: "extend `support-end` to five years after placing on the market, or state \
               `support-period-reason` (expected time in use below five years)",
    },
    GapKind {
        code: "support-ended",
        id: GapCode::SupportEnded,
        severity: Severity::Info,
        reference: "Art. 13(8), 13(9), 13(19)",
        next: "the support period is over: users must have been told; security updates \
               issued stay available for 10 years (Art. 13(9))",
    },
    GapKind {
        code: "critical-affected",
        id: GapCode::CriticalAffected,
        severity: Severity::Warning,
        reference: "Annex I Part I (2)(a); Annex I Part II (2)",
        next: "remediate without delay, or record why the vulnerability is not exploitable \
               in this product (`craft triage set`, or a rule in triage.toml)",
    },
    GapKind {
        code: "findings-untriaged",
        id: GapCode::FindingsUntriaged,
        severity: Severity::Info,
        reference: "Annex I Part II (1)-(2)",
        next: "record a decision per finding with its evidence: `craft triage set`, or a rule \
               in triage.toml",
    },
    GapKind {
        code: "findings-undecided",
        id: GapCode::FindingsUndecided,
        severity: Severity::Warning,
        reference: "Annex I Part II (1)",
        next: "`craft scan --all` lists them with the reason (a version no scheme reads, \
               a range only a commit or prose states)",
    },
    GapKind {
        code: "components-unidentified",
        id: GapCode::ComponentsUnidentified,
        severity: Severity::Warning,
        reference: "Annex I Part II (1)",
        next: "give these components a purl or CPE in the SBOM (`craft --format json scan` \
               lists them)",
    },
    GapKind {
        code: "sbom-quality",
        id: GapCode::SbomQuality,
        severity: Severity::Warning,
        reference: "Annex I Part II (1); BSI TR-03183-2",
        next: "`craft sbom check FILE` lists each failed rule per component",
    },
    GapKind {
        code: "vulndb-stale",
        id: GapCode::VulndbStale,
        severity: Severity::Warning,
        reference: "Annex I Part II (1)-(3)",
        next: "`craft db update` (or import a fresh bundle) before relying on the findings",
    },
    GapKind {
        code: "scope-not-assessed",
        id: GapCode::ScopeNotAssessed,
        severity: Severity::Info,
        reference: "Art. 2, 6-8, 32; Annex III, IV",
        next: "`craft scope DIR` decides CRA applicability, product class and conformity \
               routes from craft.toml and the answers in scope.toml (`--interactive` asks)",
    },
    GapKind {
        code: "risk-assessment-missing",
        id: GapCode::RiskAssessmentMissing,
        severity: Severity::Info,
        reference: "Art. 13(2)-(4)",
        next: "a cybersecurity risk assessment in threat-model.toml (docs/risk.md; \
               `craft risk check` judges it)",
    },
    GapKind {
        code: "requirements-evidence-missing",
        id: GapCode::RequirementsEvidenceMissing,
        severity: Severity::Info,
        reference: "Annex I; Annex VII",
        next: "per Annex I item: applicable or not, the status and the evidence, in \
               requirements.toml; `craft requirements check` lists what each item lacks",
    },
    GapKind {
        code: "triage-rule-expired",
        id: GapCode::TriageRuleExpired,
        severity: Severity::Error,
        reference: "Annex I Part II (1)-(2)",
        next: "review the rule: renew its `expires` with a fresh reason, or delete it so its \
               findings are handled again",
    },
    GapKind {
        code: "triage-decision-reopened",
        id: GapCode::TriageDecisionReopened,
        severity: Severity::Warning,
        reference: "Annex I Part II (1)-(2)",
        next: "the facts a decision was taken on changed (the component's version, the \
               vulnerability data's range): review it and record it again with `craft triage set`",
    },
    GapKind {
        code: "vex-unreadable",
        id: GapCode::VexUnreadable,
        severity: Severity::Error,
        reference: "Annex I Part II (1)-(2)",
        next: "fix the path in the release's `vex = [...]`, or ask the supplier for a valid \
               document (`craft vex validate` / `craft vex show` say what is wrong)",
    },
    GapKind {
        code: "vex-statements-unmatched",
        id: GapCode::VexStatementsUnmatched,
        severity: Severity::Info,
        reference: "Annex I Part II (1)-(2)",
        next: "a statement about a product or vulnerability this release does not have: check \
               the product identifiers (purl, CPE, version) against the SBOM",
    },
    GapKind {
        code: "article-14-probable",
        id: GapCode::Article14Probable,
        severity: Severity::Warning,
        reference: "Art. 14(1)-(2); Art. 3(42)",
        next: "if it is actively exploited in this product (reliable evidence of malicious \
               exploitation), open the case now: `craft report open --vuln ID --aware-at TIME`; \
               the early warning is due 24 hours after you became aware",
    },
    GapKind {
        code: "article-14-overdue",
        id: GapCode::Article14Overdue,
        severity: Severity::Error,
        reference: "Art. 14(2), 14(4); Art. 64(2)",
        next: "submit it through the single reporting platform now and record it \
               (`craft report sent CASE --stage STAGE --at TIME`)",
    },
    GapKind {
        code: "risk-model-invalid",
        id: GapCode::RiskModelInvalid,
        severity: Severity::Error,
        reference: "Art. 13(2)-(3)",
        next: "`craft risk check DIR` lists every problem of threat-model.toml with its line \
               and column",
    },
    GapKind {
        code: "risk-unmitigated",
        id: GapCode::RiskUnmitigated,
        severity: Severity::Error,
        reference: "Art. 13(2)-(3); Annex I Part I (1)",
        next: "implement countermeasures that bring the residual risk within the threshold, \
               or retain or share the risk with a reason (`craft risk check` shows each path)",
    },
    GapKind {
        code: "risk-acceptance-expired",
        id: GapCode::RiskAcceptanceExpired,
        severity: Severity::Error,
        reference: "Art. 13(3)",
        next: "review the retained or shared risk and record a new decision with a new \
               `expires` date",
    },
    GapKind {
        code: "risk-threats-open",
        id: GapCode::RiskThreatsOpen,
        severity: Severity::Error,
        reference: "Art. 13(2)-(3); Annex I Part I (2)",
        next: "`craft risk check DIR` explains each candidate threat: fix the design, or \
               suppress the rule for the element with a reason (`craft risk rules` documents \
               them)",
    },
];

/// A gap found in a product.
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    /// Its kind's code.
    pub code: &'static str,
    /// How serious.
    pub severity: Severity,
    /// The release it concerns, when one.
    pub release: Option<String>,
    /// What is missing, with the numbers.
    pub message: String,
    /// The provisions it concerns.
    pub reference: &'static str,
    /// How to close it.
    pub next: &'static str,
}

/// Days after which the newest record of the database makes it stale.
pub const STALE_AFTER_DAYS: i64 = 7;

fn gap(code: GapCode, release: Option<&str>, message: String) -> Gap {
    let kind = code.kind();
    Gap {
        code: kind.code,
        severity: kind.severity,
        release: release.map(str::to_string),
        message,
        reference: kind.reference,
        next: kind.next,
    }
}

/// The releases whose support period is shorter than five years from their first unit
/// placed under the CRA without `support-period-reason`, each with the message.
fn short_support(product: &ProductDir) -> Vec<(String, String)> {
    let m = &product.manifest;
    let mut out = Vec::new();
    let Some(end) = m.product.support_end else {
        return out;
    };
    if m.product.support_period_reason.is_none() {
        for r in &m.releases {
            let Some(placed) = r.placed_on_market else {
                continue;
            };
            // Five years from the first unit placed under the CRA (units placed
            // from full application need the support period, FAQ 4.5.3): placed
            // 2028-11-20, supported to 2033-11-19 inclusive at least.
            let from = match craft_cra::catalogue::catalogue().full_application {
                Some(f) if placed.first_day() < f.first_day() => f,
                _ => placed,
            };
            let minimum = from.plus_years(5);
            if end.last_day() < minimum.first_day() - 1 {
                let placed_text = if from == placed {
                    format!("placed on the market {placed}")
                } else {
                    format!("first placed {placed}, its units placed from {from} under the CRA")
                };
                out.push((
                    r.version.clone(),
                    format!(
                        "{placed_text}, supported until {end}: less than five years \
                                 (the day before {minimum} at least)"
                    ),
                ));
            }
        }
    }
    out
}

/// What is wrong with the declared support period, if anything (for `craft:support-period`).
pub(crate) fn support_problem(product: &ProductDir) -> Option<String> {
    if product.manifest.product.support_end.is_none() {
        return Some("no support-end declared".into());
    }
    let short = short_support(product);
    (!short.is_empty()).then(|| {
        short
            .iter()
            .map(|(v, m)| format!("release {v}: {m}"))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// `n` and the noun phrase in the number it needs.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The gaps of a checked product, worst first.
pub fn gaps(
    product: &ProductDir,
    releases: &[ReleaseReport],
    requirements: Option<&crate::requirements::RequirementsReport>,
    risk: Option<&crate::risk::RiskReport>,
    ctx: &CheckContext,
) -> Vec<Gap> {
    let m = &product.manifest;
    let mut out = Vec::new();
    let now: Option<jiff::Timestamp> = ctx.checked_at.parse().ok();
    let zone = m
        .manufacturer
        .as_ref()
        .and_then(|x| x.time_zone.as_deref())
        .and_then(|z| craft_cra::report::zone(z).ok());
    let relief = match (
        m.product.steward,
        m.manufacturer.as_ref().and_then(|x| x.size),
    ) {
        (true, _) => {
            " (administrative fines do not apply to stewards, Art. 64(10)(b); the duty remains)"
        }
        (false, Some(craft_cra::scope::Size::Micro | craft_cra::scope::Size::Small)) => {
            " (a micro or small enterprise is not fined for a missed 24-hour early warning, \
             Art. 64(10)(a); the duty remains)"
        }
        _ => "",
    };
    if let Some(now) = now {
        for case in &product.cases {
            let clocks = match craft_cra::report::clocks(case, now) {
                Ok(c) => c,
                Err(e) => {
                    out.push(gap(
                        GapCode::Article14Overdue,
                        None,
                        format!("case {}: its clocks cannot be computed: {e}", case.id),
                    ));
                    continue;
                }
            };
            for k in clocks
                .iter()
                .filter(|k| k.status == craft_cra::report::Status::Overdue)
            {
                out.push(gap(
                    GapCode::Article14Overdue,
                    None,
                    format!(
                        "case {}: the {} {} was due {} and is not recorded as sent ({}){}",
                        case.id,
                        k.track.id(),
                        k.stage.id(),
                        k.due_local.as_deref().unwrap_or("?"),
                        k.reference,
                        if k.stage == craft_cra::report::Stage::EarlyWarning || m.product.steward {
                            relief
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
    }
    match m.product.support_end {
        None => out.push(gap(
            GapCode::SupportEndUndeclared,
            None,
            "the product declares no end of its support period".into(),
        )),
        Some(end) => {
            if ctx.today.first_day() > end.last_day() {
                out.push(gap(
                    GapCode::SupportEnded,
                    None,
                    format!("the support period ended {end}"),
                ));
            }
            for (version, message) in short_support(product) {
                out.push(gap(GapCode::SupportPeriodShort, Some(&version), message));
            }
        }
    }
    for r in releases {
        let v = Some(r.version.as_str());
        for s in &r.sboms {
            if let Some(why) = &s.unreadable {
                out.push(gap(
                    GapCode::SbomUnreadable,
                    v,
                    format!("`{}` cannot be read: {why}", s.path),
                ));
            } else if s.errors > 0 {
                out.push(gap(
                    GapCode::SbomQuality,
                    v,
                    format!(
                        "`{}`: {} errors, {} warnings ({} rules failed)",
                        s.path,
                        s.errors,
                        s.warnings,
                        s.failed_rules.len()
                    ),
                ));
            }
        }
        // Article 14 covers every product on the market, supported or not (Art. 69(3)).
        let kev: std::collections::BTreeSet<&str> = r
            .findings
            .iter()
            .filter(|f| {
                f.finding.status == craft_scan::FindingStatus::Affected
                    && !f.dismissed()
                    && f.finding.kev.is_some()
            })
            .filter(|f| {
                !product.cases.iter().any(|c| {
                    c.vulnerability_id.as_deref().is_some_and(|id| {
                        id.eq_ignore_ascii_case(&f.finding.id)
                            || f.finding.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
                    })
                })
            })
            .map(|f| f.finding.id.as_str())
            .collect();
        for id in kev {
            let due = now
                .and_then(|t| t.checked_add(jiff::SignedDuration::from_hours(24)).ok())
                .map_or_else(String::new, |d| match &zone {
                    Some(tz) => format!(" (by {} if that is now)", craft_cra::report::local(d, tz)),
                    None => format!(" (by {d} if that is now)"),
                });
            out.push(gap(
                GapCode::Article14Probable,
                v,
                format!(
                    "{id} is in CISA's known-exploited catalogue and affects this release, and \
                     no Article 14 case names it: if it is actively exploited in this product, \
                     the early warning is due 24 hours after you became aware{due}"
                ),
            ));
        }
        if !r.supported {
            continue;
        }
        if r.kev > 0 {
            out.push(gap(
                GapCode::KnownExploited,
                v,
                format!(
                    "{} in CISA's known-exploited catalogue",
                    count(r.kev, "affected finding is", "affected findings are")
                ),
            ));
        }
        let critical = r
            .findings
            .iter()
            .filter(|f| {
                f.finding.status == craft_scan::FindingStatus::Affected
                    && !f.dismissed()
                    && f.finding.kev.is_none()
                    && f.finding.cvss_score().is_some_and(|s| s >= 9.0)
            })
            .count();
        if critical > 0 {
            out.push(gap(
                GapCode::CriticalAffected,
                v,
                format!(
                    "{} rated critical (CVSS >= 9.0)",
                    count(critical, "affected finding", "affected findings")
                ),
            ));
        }
        if r.unknown > 0 {
            out.push(gap(
                GapCode::FindingsUndecided,
                v,
                format!(
                    "{} craft could not decide",
                    count(r.unknown, "finding", "findings")
                ),
            ));
        }
        let unidentified = r.components.saturating_sub(r.identified);
        if unidentified > 0 {
            out.push(gap(
                GapCode::ComponentsUnidentified,
                v,
                format!(
                    "{unidentified} of {} components have no identity to match (no purl, \
                     CPE or known name)",
                    r.components
                ),
            ));
        }
        for x in &r.vex {
            if let Some(why) = &x.unreadable {
                out.push(gap(
                    GapCode::VexUnreadable,
                    v,
                    format!("`{}`: {why}", x.file),
                ));
            } else if let Some(first) = x.unmatched.first() {
                out.push(gap(
                    GapCode::VexStatementsUnmatched,
                    v,
                    format!(
                        "`{}`: {} of {} cover no finding (e.g. {} for {})",
                        x.file,
                        count(x.unmatched.len(), "statement", "statements"),
                        x.statements,
                        first.vulnerability,
                        first.products.join(", ")
                    ),
                ));
            }
        }
        let reopened: Vec<&crate::check::ReleaseFinding> =
            r.findings.iter().filter(|f| f.reopened.is_some()).collect();
        if let Some(first) = reopened.first() {
            out.push(gap(
                GapCode::TriageDecisionReopened,
                v,
                format!(
                    "{} re-opened (e.g. {} in {}: {})",
                    count(reopened.len(), "decision", "decisions"),
                    first.finding.id,
                    first.finding.component_name,
                    first.reopened.as_deref().unwrap_or_default()
                ),
            ));
        }
        if r.untriaged > 0 {
            out.push(gap(
                GapCode::FindingsUntriaged,
                v,
                format!(
                    "{} no recorded decision",
                    count(
                        r.untriaged,
                        "affected finding has",
                        "affected findings have"
                    )
                ),
            ));
        }
    }
    if let Some(rules) = &product.rules {
        for (line, rule) in rules.expired(&ctx.today.to_string()) {
            out.push(gap(
                GapCode::TriageRuleExpired,
                None,
                format!(
                    "rule `{}` ({}:{line}) expired on {}: it decides nothing any more",
                    rule.id,
                    rules.file,
                    rule.expires.as_deref().unwrap_or("?")
                ),
            ));
        }
    }
    let newest = ctx
        .database
        .newest_record
        .as_deref()
        .and_then(|d| d.get(..10))
        .and_then(crate::date::Date::parse);
    match newest {
        Some(d) if ctx.today.first_day() - d.first_day() > STALE_AFTER_DAYS => out.push(gap(
            GapCode::VulndbStale,
            None,
            format!(
                "the newest vulnerability record in `{}` is from {d}",
                ctx.database.dir
            ),
        )),
        Some(_) => {}
        None => out.push(gap(
            GapCode::VulndbStale,
            None,
            format!(
                "the database `{}` states no record dates (empty?)",
                ctx.database.dir
            ),
        )),
    }
    match requirements {
        None => out.push(gap(
            GapCode::RequirementsEvidenceMissing,
            None,
            "no Annex I requirement has its evidence recorded (requirements.toml absent)".into(),
        )),
        Some(r) => {
            if r.open > 0 {
                let open: Vec<String> = r
                    .items
                    .iter()
                    .filter(|i| !i.outcome.closed())
                    .map(|i| {
                        format!(
                            "{} {}",
                            i.reference.trim_start_matches("Annex I "),
                            serde_json::to_value(i.outcome)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_default()
                        )
                    })
                    .collect();
                out.push(gap(
                    GapCode::RequirementsEvidenceMissing,
                    None,
                    format!(
                        "{} of {} Annex I items open: {}",
                        r.open,
                        r.items.len(),
                        open.join(", ")
                    ),
                ));
            }
        }
    }
    match &product.scope_answers {
        None => out.push(gap(
            GapCode::ScopeNotAssessed,
            None,
            "CRA scope and product class are not assessed (scope.toml absent)".into(),
        )),
        Some(answers) => {
            if let Err(problems) =
                craft_cra::scope::decide(&product.scope_input(answers.clone(), ctx.today))
            {
                out.push(gap(
                    GapCode::ScopeNotAssessed,
                    None,
                    format!(
                        "scope.toml does not decide the scope: {}{}",
                        problems[0].message,
                        match problems.len() {
                            1 => String::new(),
                            n => format!(" (and {} more problems)", n - 1),
                        }
                    ),
                ));
            }
        }
    }
    for (file, code, what) in [(
        "threat-model.toml",
        GapCode::RiskAssessmentMissing,
        "no cybersecurity risk assessment",
    )] {
        if !product.dir.join(file).exists() {
            out.push(gap(code, None, format!("{what} ({file} absent)")));
        }
    }
    if let Some(r) = risk {
        out.extend(risk_gaps(r));
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.release.cmp(&b.release))
    });
    out
}

/// The gaps of the risk assessment: an invalid model, paths unmitigated or with expired
/// acceptances, open candidate threats at error level.
fn risk_gaps(r: &crate::risk::RiskReport) -> Vec<Gap> {
    let mut out = Vec::new();
    if let Some(first) = r.errors.first() {
        out.push(gap(
            GapCode::RiskModelInvalid,
            None,
            format!(
                "{}{}",
                first,
                match r.errors.len() {
                    1 => String::new(),
                    n => format!(" (and {} more problems)", n - 1),
                }
            ),
        ));
        return out;
    }
    let ids = |rule: &str| -> Vec<&str> {
        r.open
            .iter()
            .filter(|c| c.rule == rule)
            .map(|c| c.element.as_str())
            .collect()
    };
    let unmitigated = ids("risk-unmitigated");
    if !unmitigated.is_empty() {
        out.push(gap(
            GapCode::RiskUnmitigated,
            None,
            format!(
                "{} above the threshold after countermeasures: {}",
                count(unmitigated.len(), "attack path", "attack paths"),
                unmitigated.join(", ")
            ),
        ));
    }
    let expired = ids("risk-acceptance-expired");
    if !expired.is_empty() {
        out.push(gap(
            GapCode::RiskAcceptanceExpired,
            None,
            format!(
                "{} expired: {}",
                count(expired.len(), "risk acceptance", "risk acceptances"),
                expired.join(", ")
            ),
        ));
    }
    let open: Vec<String> = r
        .open
        .iter()
        .filter(|c| {
            c.level == craft_cra::threat::Level::Error
                && !matches!(c.rule, "risk-unmitigated" | "risk-acceptance-expired")
        })
        .map(|c| format!("{} on `{}`", c.rule, c.element))
        .collect();
    if !open.is_empty() {
        out.push(gap(
            GapCode::RiskThreatsOpen,
            None,
            format!(
                "{}: {}",
                count(
                    open.len(),
                    "candidate threat open",
                    "candidate threats open"
                ),
                open.join(", ")
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::DatabaseInfo;
    use crate::date::Date;
    use crate::manifest::{parse, ProductDir};
    use std::path::{Path, PathBuf};

    fn codes(support_end: Option<&str>, placed: &str) -> Vec<&'static str> {
        let end = support_end.map_or_else(String::new, |e| format!("support-end = \"{e}\"\n"));
        let text = format!(
            "[product]\nname = \"x\"\n{end}\n[[release]]\nversion = \"1\"\n\
             placed-on-market = {placed}\nsboms = [\"a.json\"]\n"
        );
        let product = ProductDir {
            dir: PathBuf::from("/nonexistent"),
            manifest: parse(&text, Path::new("craft.toml")).unwrap(),
            rules: None,
            decisions: Default::default(),
            scope_answers: None,
            cases: Vec::new(),
            requirements: None,
            threat: None,
        };
        let ctx = CheckContext {
            today: Date::parse("2026-11-28").unwrap(),
            checked_at: String::new(),
            database: DatabaseInfo {
                dir: String::new(),
                vulnerabilities: 0,
                newest_record: Some("2026-11-27T00:00:00Z".to_string()),
            },
            fail_on: Vec::new(),
        };
        gaps(&product, &[], None, None, &ctx)
            .iter()
            .map(|g| g.code)
            .collect()
    }

    #[test]
    fn the_support_period_is_five_years_from_the_first_unit_under_the_cra() {
        let short = "support-period-short";
        assert!(!codes(Some("2033-11-19"), "2028-11-20").contains(&short));
        assert!(codes(Some("2033-11-18"), "2028-11-20").contains(&short));
        // A month means its last day.
        assert!(!codes(Some("2033-11"), "2028-11-20").contains(&short));
        assert!(codes(Some("2033-10"), "2028-11-20").contains(&short));
        // Placed before full application: its units from 2027-12-11 need the five years.
        assert!(!codes(Some("2032-12-10"), "2026-11-20").contains(&short));
        assert!(codes(Some("2032-12-09"), "2026-11-20").contains(&short));
        let none = codes(None, "2026-11-20");
        assert_eq!(none[0], "support-end-undeclared");
        assert!(codes(Some("2026-10"), "2021-01-01").contains(&"support-ended"));
        // Fresh data is not stale.
        assert!(!none.contains(&"vulndb-stale"));
    }

    #[test]
    fn the_catalogue_is_in_code_order_and_complete() {
        for (i, k) in CATALOGUE.iter().enumerate() {
            assert_eq!(k.id as usize, i, "{}", k.code);
            assert_eq!(k.id.name(), k.code);
            assert_eq!(
                serde_json::to_value(k.id).unwrap(),
                serde_json::json!(k.code)
            );
            assert!(!k.reference.is_empty() && !k.next.is_empty(), "{}", k.code);
        }
    }
}
