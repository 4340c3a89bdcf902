//! `craft scope`: does the CRA apply, in which class, by which conformity routes, with which
//! obligations and dates.
//!
//! The input is what the product description (`craft.toml`) declares — its kind, core
//! functions, interfaces, releases, support period, standards applied — plus the answers
//! to what craft cannot infer, kept in `scope.toml` ([`Answers`]). [`decide`] returns the
//! [`Scope`], or every [`Problem`] that keeps it from deciding: an unanswered question, an
//! unknown id, two statements that contradict each other. It never fills a gap with a
//! default: a product with no answer on commercial supply is not "in scope by default".
//!
//! Classification follows the core functionality (Art. 7(1); FAQ 3.2-3.4): the categories
//! of the declared `functions` decide, the highest class wins, and every deciding annex
//! entry is cited. A component the product merely integrates (`integrates`, e.g. an
//! operating system inside a door lock) is named but does not by itself raise the class.

use crate::catalogue::{catalogue, suggest, Bearer, Class, Concerns, When};
use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Whether the product is hardware or software.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A hardware product with its software (or a hardware component).
    Hardware,
    /// A software product (or a software component placed on the market separately).
    Software,
}

/// The size of the manufacturer (Commission Recommendation 2003/361/EC), for Art. 64(10)(a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Size {
    /// Fewer than 10 persons and at most EUR 2 million turnover or balance sheet.
    Micro,
    /// Fewer than 50 persons and at most EUR 10 million.
    Small,
    /// Fewer than 250 persons and at most EUR 50 million turnover or EUR 43 million balance.
    Medium,
    /// Larger.
    Large,
}

/// What kind of document a declared standard is (Art. 27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StandardKind {
    /// A harmonised standard cited in the Official Journal.
    HarmonisedStandard,
    /// A common specification adopted by implementing act.
    CommonSpecification,
    /// A European cybersecurity certification scheme.
    CertificationScheme,
    /// Another standard or specification (gives no presumption of conformity).
    Other,
}

/// How much of a standard was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applied {
    /// In full.
    Full,
    /// In part.
    Partial,
}

/// An assurance level of a certification scheme (Regulation (EU) 2019/881 Art. 52).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// 'basic'.
    Basic,
    /// 'substantial'.
    Substantial,
    /// 'high'.
    High,
}

/// A harmonised standard, common specification or certification scheme the product applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Standard {
    /// Its designation (`EN 18031-1:2024`, `EUCC`).
    pub id: String,
    /// What kind of document it is.
    pub kind: StandardKind,
    /// The Union act it is harmonised under or gives presumption for: `cra`, `red`, ...
    pub under: String,
    /// Applied in full or in part.
    pub applied: Applied,
    /// For a certification scheme: the assurance level of the certificate.
    #[serde(default)]
    pub level: Option<Level>,
    /// For a certificate: its identification.
    #[serde(default)]
    pub certificate: Option<String>,
    /// The documents applied in full, with this one, cover every essential requirement of
    /// Annex I Parts I and II (Art. 32(2) asks for that before Module A).
    #[serde(default)]
    pub covers_all: bool,
}

/// The answers `scope.toml` holds: what craft cannot infer from the product description.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Answers {
    /// Hardware or software, when `craft.toml` does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    /// Supplied in the course of a commercial activity (Art. 2(1), 3(22); recitals 15-20):
    /// sold, monetised, or supplied by a business, not only for own use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commercial: Option<bool>,
    /// Has a direct or indirect, logical or physical data connection (Art. 2(1)), when
    /// `craft.toml` declares no interfaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_connection: Option<bool>,
    /// The Art. 2 exclusions (and exceptions, such as `l1e-pedal`) that apply: `[]` when
    /// none does. Absent means not yet answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusions: Option<Vec<String>>,
}

/// One release as placed on the market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseDate {
    /// The product version.
    pub version: String,
    /// When it was (or will be) first placed on the market.
    pub placed_on_market: Option<Date>,
}

/// The product description, as `craft.toml` declares it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Hardware or software.
    pub kind: Option<Kind>,
    /// Core functions (ids of the function vocabulary).
    pub functions: Vec<String>,
    /// Functions of components it integrates, which do not classify it by themselves.
    pub integrates: Vec<String>,
    /// Interfaces (ids).
    pub interfaces: Vec<String>,
    /// Free and open-source software (Art. 3(48)).
    pub foss: bool,
    /// The maker is an open-source software steward (Art. 3(14), Art. 24), not a
    /// manufacturer.
    pub steward: bool,
    /// The technical documentation is public (Art. 32(5)).
    pub documentation_public: bool,
    /// Standards and schemes applied.
    pub standards: Vec<Standard>,
    /// Releases and their market dates.
    pub releases: Vec<ReleaseDate>,
    /// End of the support period.
    pub support_end: Option<Date>,
    /// Why the support period is shorter than five years, when it is.
    pub support_period_reason: Option<String>,
    /// The manufacturer's size.
    pub size: Option<Size>,
    /// The manufacturer has a contact address and a single point of contact.
    pub has_contact: bool,
    /// The answers.
    pub answers: Answers,
    /// Today (for what is past and what is due).
    pub today: Option<Date>,
}

/// A problem with the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable code (`unanswered`, `unknown-function`, `contradiction`,
    /// `support-period-short`...).
    pub code: String,
    /// What is wrong and what to write instead.
    pub message: String,
    /// The legal reference the problem concerns.
    pub reference: String,
    /// For `unanswered`: the question's id (the key in `scope.toml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

impl Problem {
    fn new(code: &str, message: String, reference: &str) -> Problem {
        Problem {
            code: code.into(),
            message,
            reference: reference.into(),
            question: None,
        }
    }
}

/// A question craft asks when the description does not answer it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Its key in `scope.toml` (`commercial`, `exclusions`, `kind`, ...), or for one
    /// exclusion `exclusions.<id>`.
    pub id: String,
    /// The question.
    pub text: String,
    /// Where the law asks it.
    pub reference: String,
}

/// The questions [`decide`] needs answered and the input does not answer.
pub fn unanswered(input: &Input) -> Vec<Question> {
    let mut out = Vec::new();
    if input.kind.is_none() && input.answers.kind.is_none() {
        out.push(Question {
            id: "kind".into(),
            text: "Is the product hardware (a device with its software) or software?".into(),
            reference: "Art. 3(1)".into(),
        });
    }
    // A steward supports FOSS intended for commercial activities without supplying it
    // commercially itself (Art. 3(14)): the commercial-supply test is not its test.
    if input.answers.commercial.is_none() && !input.steward {
        out.push(Question {
            id: "commercial".into(),
            text: "Is the product made available on the EU market in the course of a \
                   commercial activity (sold, monetised, or supplied by a business; not only \
                   for own use or as non-monetised open source)?"
                .into(),
            reference: "Art. 2(1), 3(22); recitals 15-20".into(),
        });
    }
    if input.interfaces.is_empty() && input.answers.data_connection.is_none() {
        out.push(Question {
            id: "data-connection".into(),
            text: "Does the product's intended purpose or reasonably foreseeable use include a \
                   direct or indirect, logical or physical data connection to a device or \
                   network?"
                .into(),
            reference: "Art. 2(1); Art. 3(8)-(10)".into(),
        });
    }
    if input.answers.exclusions.is_none() {
        for e in &catalogue().exclusions {
            out.push(Question {
                id: format!("exclusions.{}", e.id),
                text: e.question.clone(),
                reference: e.reference.clone(),
            });
        }
    }
    out
}

/// Whether the CRA applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applicability {
    /// It applies.
    pub applies: bool,
    /// As what: `manufacturer` or `steward` (when it applies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Bearer>,
    /// Why, each reason with its reference.
    pub reasons: Vec<Reason>,
}

/// A reason, with its legal reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The statement.
    pub text: String,
    /// Where the law says so.
    pub reference: String,
}

/// An annex entry a function put the product in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deciding {
    /// The function id declared.
    pub function: String,
    /// The category id.
    pub category: String,
    /// Its class.
    pub class: Class,
    /// Where the law lists it.
    pub reference: String,
    /// The regulation's words.
    pub title: String,
}

/// The classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// The class.
    pub class: Class,
    /// The annex entries the core functions fall in (empty for default).
    pub deciding: Vec<Deciding>,
    /// Annex entries of integrated components, which do not classify the product (Art. 7(1)).
    pub integrated: Vec<Deciding>,
    /// The rule that decided, in words.
    pub rule: Reason,
}

/// A conformity-assessment route and whether the product may use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteResult {
    /// The route id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Allowed for this product.
    pub allowed: bool,
    /// Why (or why not), with the reference.
    pub why: Reason,
    /// It needs a notified body.
    pub notified_body: bool,
}

/// An obligation that applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObligationResult {
    /// The obligation id.
    pub id: String,
    /// What it asks.
    pub text: String,
    /// Where the law says so.
    pub reference: String,
}

/// A dated milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    /// The day (or month).
    pub date: Date,
    /// What happens.
    pub event: String,
    /// Where the law says so.
    pub reference: String,
    /// Before today.
    pub past: bool,
}

/// The result of `craft scope`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// Whether the CRA applies.
    pub applicability: Applicability,
    /// The class (also shown when the CRA does not apply, for information).
    pub classification: Classification,
    /// The routes of Art. 32 (empty when the CRA does not apply or for a steward).
    pub routes: Vec<RouteResult>,
    /// The obligations that follow.
    pub obligations: Vec<ObligationResult>,
    /// The dates, in order.
    pub timeline: Vec<Milestone>,
    /// What the description lacks that the law requires (the decision stands).
    pub problems: Vec<Problem>,
    /// What was inferred from the description rather than answered.
    pub inferred: Vec<Reason>,
}

/// Decide the scope of a product.
///
/// # Errors
/// Every problem that keeps craft from deciding, all at once: unanswered questions
/// (code `unanswered`, with the question id), unknown function, interface or exclusion
/// ids (with the nearest known ids), and statements that contradict each other.
pub fn decide(input: &Input) -> Result<Scope, Vec<Problem>> {
    let cat = catalogue();
    let mut fatal = Vec::new();
    check_ids(input, &mut fatal);
    let kind = match (input.kind, input.answers.kind) {
        (Some(a), Some(b)) if a != b => {
            fatal.push(Problem::new(
                "contradiction",
                format!(
                    "craft.toml says the product is {} but scope.toml answers kind = {}",
                    kind_name(a),
                    kind_name(b)
                ),
                "Art. 3(1)",
            ));
            None
        }
        (a, b) => a.or(b),
    };
    contradictions(input, kind, &mut fatal);
    for q in unanswered(input) {
        fatal.push(Problem {
            code: "unanswered".into(),
            message: format!("{} (answer `{}` in scope.toml)", q.text, q.id),
            reference: q.reference,
            question: Some(q.id),
        });
    }
    if !fatal.is_empty() {
        return Err(fatal);
    }

    let mut inferred = Vec::new();
    let exclusions = input.answers.exclusions.clone().unwrap_or_default();
    let commercial = input.answers.commercial == Some(true) || input.steward;
    let data_connection = if input.interfaces.is_empty() {
        input.answers.data_connection == Some(true)
    } else {
        inferred.push(Reason {
            text: format!(
                "a data connection, from the declared interfaces ({})",
                input.interfaces.join(", ")
            ),
            reference: "Art. 2(1); Art. 3(8)-(10)".into(),
        });
        true
    };
    let radio: Vec<&str> = input
        .interfaces
        .iter()
        .filter(|i| cat.interfaces.get(i.as_str()).is_some_and(|x| x.radio))
        .map(String::as_str)
        .collect();
    // Delegated Regulation (EU) 2022/30 Art. 1: internet-connected radio equipment (d, e, f),
    // and radio equipment for childcare, toys and wearables (e); only for units placed
    // before the CRA takes over (FAQ 2.6.1).
    let internet = input
        .interfaces
        .iter()
        .any(|i| cat.interfaces.get(i.as_str()).is_some_and(|x| x.internet));
    let personal = input.functions.iter().any(|f| {
        matches!(
            f.as_str(),
            "connected-toy"
                | "connected-toy-social"
                | "connected-toy-location"
                | "child-wearable"
                | "health-monitoring-wearable"
                | "wearable"
                | "baby-monitor"
        )
    });
    let full = cat.full_application.map_or(i64::MAX, Date::first_day);
    let before_handover = input.releases.is_empty()
        || input
            .releases
            .iter()
            .any(|r| r.placed_on_market.is_none_or(|d| d.first_day() < full));
    let red = !radio.is_empty() && (internet || personal) && before_handover;

    let mut reasons = Vec::new();
    let mut applies = true;
    if input.steward {
        reasons.push(Reason {
            text: "free and open-source software intended for commercial activities, whose \
                   development a steward supports"
                .into(),
            reference: "Art. 3(14); Art. 24".into(),
        });
    } else if commercial {
        reasons.push(Reason {
            text: "made available on the market in the course of a commercial activity".into(),
            reference: "Art. 2(1); Art. 3(22); recital 15".into(),
        });
    } else {
        applies = false;
        reasons.push(Reason {
            text: if input.foss {
                "free and open-source software not supplied in the course of a commercial \
                 activity is not made available on the market"
                    .into()
            } else {
                "not made available on the market in the course of a commercial activity \
                 (own use, or non-commercial supply)"
                    .into()
            },
            reference: if input.foss {
                "Art. 2(1); recitals 18-20".into()
            } else {
                "Art. 2(1); recital 15; FAQ 1.5".into()
            },
        });
    }
    if data_connection {
        reasons.push(Reason {
            text: "its intended purpose includes a data connection to a device or network".into(),
            reference: "Art. 2(1)".into(),
        });
    } else {
        applies = false;
        reasons.push(Reason {
            text: "no logical or physical data connection to a device or network".into(),
            reference: "Art. 2(1); FAQ 1.3".into(),
        });
    }
    for id in &exclusions {
        if let Some(e) = cat.exclusion(id) {
            applies = false;
            reasons.push(Reason {
                text: format!("excluded: {}", e.text),
                reference: e.reference.clone(),
            });
        } else if let Some(x) = cat.exception(id) {
            reasons.push(Reason {
                text: format!("not excluded: {}", x.text),
                reference: x.reference.clone(),
            });
        }
    }
    if exclusions.iter().all(|id| cat.exception(id).is_some()) {
        reasons.push(Reason {
            text: "none of the exclusions of Art. 2(2)-(7) applies".into(),
            reference: "Art. 2(2)-(7)".into(),
        });
    }
    let role = applies.then_some(if input.steward {
        reasons.push(Reason {
            text: "the maker is an open-source software steward, not a manufacturer: the \
                   light-touch regime of Art. 24 applies"
                .into(),
            reference: "Art. 3(14); Art. 24".into(),
        });
        Bearer::Steward
    } else {
        Bearer::Manufacturer
    });

    // The class follows the core functions: a product in scope that declares none is
    // refused, never "default" (an excluded product needs none).
    if role == Some(Bearer::Manufacturer) && input.functions.is_empty() {
        return Err(vec![Problem::new(
            "functions-undeclared",
            "craft.toml declares no core function: list what the product does in [product] \
             functions (`craft scope --list functions`); a product outside Annex III and IV \
             still says so, e.g. functions = [\"sensor\"]"
                .into(),
            "Art. 7(1); Annex III, IV",
        )]);
    }
    let classification = classify(input);
    let routes = if role == Some(Bearer::Manufacturer) {
        routes(input, classification.class)
    } else {
        Vec::new()
    };
    // Every route the product may take needs a notified body.
    let needs_nb = routes.iter().any(|r| r.allowed)
        && routes.iter().filter(|r| r.allowed).all(|r| r.notified_body);
    let obligations = match role {
        None => Vec::new(),
        Some(bearer) => cat
            .obligations
            .iter()
            .filter(|o| o.bearer == bearer)
            .filter(|o| match o.when {
                When::Always => true,
                When::Radio => red,
                When::NotifiedBody => needs_nb,
                When::MicroSmall => matches!(input.size, Some(Size::Micro | Size::Small)),
            })
            .map(|o| ObligationResult {
                id: o.id.clone(),
                text: o.text.clone(),
                reference: o.reference.clone(),
            })
            .collect(),
    };
    let mut problems = Vec::new();
    let timeline = if applies {
        timeline(
            input,
            red,
            needs_nb,
            role == Some(Bearer::Steward),
            &mut problems,
        )
    } else {
        Vec::new()
    };
    if applies && role == Some(Bearer::Manufacturer) && !input.has_contact {
        problems.push(Problem::new(
            "contact-missing",
            "no contact: declare [manufacturer] with a postal address, an email (or other \
             digital contact) and the single point of contact for vulnerability reports"
                .into(),
            "Art. 13(16)-(17); Annex II points 1-2",
        ));
    }
    if !radio.is_empty() {
        inferred.push(Reason {
            text: format!(
                "radio equipment under Directive 2014/53/EU, from its radio interfaces ({}){}",
                radio.join(", "),
                if red {
                    "; Delegated Regulation (EU) 2022/30 applies to its units placed before 11 \
                     December 2027"
                } else if internet || personal {
                    "; all its units are placed from 11 December 2027, under the CRA instead \
                     of Delegated Regulation (EU) 2022/30"
                } else {
                    "; neither internet-connected nor for childcare, toys or wearables, so \
                     Delegated Regulation (EU) 2022/30 does not apply"
                }
            ),
            reference: "Directive 2014/53/EU Art. 2(1)(1); Delegated Regulation (EU) 2022/30"
                .into(),
        });
    }
    Ok(Scope {
        applicability: Applicability {
            applies,
            role,
            reasons,
        },
        classification,
        routes,
        obligations,
        timeline,
        problems,
        inferred,
    })
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Hardware => "hardware",
        Kind::Software => "software",
    }
}

/// Unknown ids, with suggestions.
fn check_ids(input: &Input, out: &mut Vec<Problem>) {
    let cat = catalogue();
    let functions = || cat.functions.keys().map(String::as_str);
    for (field, list) in [
        ("functions", &input.functions),
        ("integrates", &input.integrates),
    ] {
        for f in list {
            if !cat.functions.contains_key(f) {
                out.push(Problem::new(
                    "unknown-function",
                    format!(
                        "[product] {field}: `{f}` is not a function craft knows{}; `craft scope \
                         --list functions` lists them",
                        did_you_mean(&suggest(f, functions()))
                    ),
                    "Art. 7(1); Annex III, IV",
                ));
            }
        }
    }
    for i in &input.interfaces {
        if !cat.interfaces.contains_key(i) {
            out.push(Problem::new(
                "unknown-interface",
                format!(
                    "[product] interfaces: `{i}` is not an interface craft knows{}; `craft scope \
                     --list interfaces` lists them",
                    did_you_mean(&suggest(i, cat.interfaces.keys().map(String::as_str)))
                ),
                "Art. 2(1); Art. 3(8)-(10)",
            ));
        }
    }
    let known = || {
        cat.exclusions
            .iter()
            .map(|e| e.id.as_str())
            .chain(cat.exceptions.iter().map(|e| e.id.as_str()))
    };
    for e in input.answers.exclusions.iter().flatten() {
        if cat.exclusion(e).is_none() && cat.exception(e).is_none() {
            out.push(Problem::new(
                "unknown-exclusion",
                format!(
                    "scope.toml exclusions: `{e}` is not an exclusion of Art. 2{} (known: {})",
                    did_you_mean(&suggest(e, known())),
                    known().collect::<Vec<_>>().join(", ")
                ),
                "Art. 2(2)-(7)",
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for s in &input.standards {
        if !seen.insert(s.id.as_str()) {
            out.push(Problem::new(
                "contradiction",
                format!("standard `{}` is declared twice", s.id),
                "Art. 27; Annex VII point 5",
            ));
        }
    }
}

fn did_you_mean(s: &[&str]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", s.join(", "))
    }
}

/// Statements that cannot both be true.
fn contradictions(input: &Input, kind: Option<Kind>, out: &mut Vec<Problem>) {
    let cat = catalogue();
    let ex = input.answers.exclusions.as_deref().unwrap_or_default();
    let has = |id: &str| ex.iter().any(|e| e == id);
    if kind == Some(Kind::Software) {
        for f in &input.functions {
            if let Some(c) = cat.category_of(f).filter(|c| c.hardware) {
                out.push(Problem::new(
                    "contradiction",
                    format!(
                        "the product is software, but its function `{f}` is hardware only \
                         ({}: {})",
                        c.reference, c.title
                    ),
                    &c.reference,
                ));
            }
        }
    }
    if input.answers.data_connection == Some(false) && !input.interfaces.is_empty() {
        out.push(Problem::new(
            "contradiction",
            format!(
                "scope.toml answers data-connection = false, but craft.toml declares the \
                 interfaces {} (any interface is a logical or physical connection)",
                input.interfaces.join(", ")
            ),
            "Art. 2(1); Art. 3(8)-(10)",
        ));
    }
    let medical = has("medical-device") || has("in-vitro-diagnostic");
    if medical
        && input
            .functions
            .iter()
            .any(|f| f == "health-monitoring-wearable")
    {
        out.push(Problem::new(
            "contradiction",
            "the function `health-monitoring-wearable` is for wearables to which Regulation \
             (EU) 2017/745 and 2017/746 do not apply, but the answers say one of them applies \
             (a medical device is excluded from the CRA altogether)"
                .into(),
            "Annex III, Class I, point 19; Art. 2(2)(a)-(b)",
        ));
    }
    for x in &cat.exceptions {
        if has(&x.id) && has(&x.excepts) {
            out.push(Problem::new(
                "contradiction",
                format!(
                    "exclusions lists both `{}` and its exception `{}`: the exception means \
                     the exclusion does not apply ({})",
                    x.excepts, x.id, x.text
                ),
                &x.reference,
            ));
        }
    }
    if input.steward && !input.foss {
        out.push(Problem::new(
            "contradiction",
            "steward = true, but the product is not free and open-source software: a steward \
             supports FOSS products (Art. 3(14))"
                .into(),
            "Art. 3(14); Art. 24",
        ));
    }
    if input.answers.commercial == Some(false) {
        let placed: Vec<&str> = input
            .releases
            .iter()
            .filter(|r| r.placed_on_market.is_some())
            .map(|r| r.version.as_str())
            .collect();
        if !placed.is_empty() && !input.steward {
            out.push(Problem::new(
                "contradiction",
                format!(
                    "scope.toml answers commercial = false, but releases {} state a \
                     placed-on-market date (placing on the market is making available in the \
                     course of a commercial activity)",
                    placed.join(", ")
                ),
                "Art. 3(21)-(22)",
            ));
        }
    }
    for f in &input.functions {
        if input.integrates.contains(f) {
            out.push(Problem::new(
                "contradiction",
                format!("`{f}` is declared both as a core function and as integrated"),
                "Art. 7(1)",
            ));
        }
    }
    for s in &input.standards {
        let en18031 =
            s.id.to_ascii_uppercase()
                .replace(' ', "")
                .starts_with("EN18031");
        if en18031 && s.under.eq_ignore_ascii_case("cra") {
            out.push(Problem::new(
                "contradiction",
                format!(
                    "`{}` is declared as harmonised under the CRA, but EN 18031 is harmonised \
                     under the RED (Implementing Decision (EU) 2025/138); write under = \"red\"",
                    s.id
                ),
                "Art. 27(1); FAQ 2.6.1",
            ));
        }
        if s.kind == StandardKind::CertificationScheme && s.level.is_none() {
            out.push(Problem::new(
                "contradiction",
                format!(
                    "certification scheme `{}` states no assurance level (basic, substantial \
                     or high); the routes depend on it",
                    s.id
                ),
                "Art. 27(9); Art. 32(2)-(3)",
            ));
        }
    }
}

fn classify(input: &Input) -> Classification {
    let cat = catalogue();
    let entry = |f: &String| {
        cat.category_of(f).map(|c| Deciding {
            function: f.clone(),
            category: c.id.clone(),
            class: c.class,
            reference: c.reference.clone(),
            title: c.title.clone(),
        })
    };
    let deciding: Vec<Deciding> = input.functions.iter().filter_map(entry).collect();
    let integrated: Vec<Deciding> = input.integrates.iter().filter_map(entry).collect();
    let class = deciding
        .iter()
        .map(|d| d.class)
        .max()
        .unwrap_or(Class::Default);
    let rule = if deciding.is_empty() {
        Reason {
            text: format!(
                "no core function ({}) is listed in Annex III or IV{}",
                if input.functions.is_empty() {
                    "none declared".to_string()
                } else {
                    input.functions.join(", ")
                },
                if integrated.is_empty() {
                    String::new()
                } else {
                    "; integrating a product of those categories does not by itself make the \
                     product important or critical"
                        .into()
                }
            ),
            reference: "Art. 7(1); FAQ 3.2, 3.4".into(),
        }
    } else {
        let top: Vec<&str> = deciding
            .iter()
            .filter(|d| d.class == class)
            .map(|d| d.reference.as_str())
            .collect();
        Reason {
            text: format!(
                "its core functionality falls in {}; the highest class of its core functions \
                 decides",
                top.join(" and ")
            ),
            reference: match class {
                Class::Critical => "Art. 8(1); Annex IV".into(),
                _ => "Art. 7(1); Annex III; Implementing Regulation (EU) 2025/2392".into(),
            },
        }
    };
    Classification {
        class,
        deciding,
        integrated,
        rule,
    }
}

fn routes(input: &Input, class: Class) -> Vec<RouteResult> {
    let cat = catalogue();
    // Art. 32(2): Module A for Class I needs a CRA harmonised standard, common
    // specification, or a certification scheme at 'substantial' or higher, in full.
    // Schemes are European cybersecurity certification schemes (Regulation (EU) 2019/881)
    // whatever `under` says; standards and common specifications count only under the CRA.
    let full: Vec<&Standard> = input
        .standards
        .iter()
        .filter(|s| s.applied == Applied::Full)
        .filter(|s| match s.kind {
            StandardKind::HarmonisedStandard | StandardKind::CommonSpecification => {
                s.under.eq_ignore_ascii_case("cra")
            }
            StandardKind::CertificationScheme => s.level >= Some(Level::Substantial),
            StandardKind::Other => false,
        })
        .collect();
    let covered = full.iter().any(|s| s.covers_all);
    let scheme_ok = input.standards.iter().any(|s| {
        s.kind == StandardKind::CertificationScheme
            && s.applied == Applied::Full
            && s.level >= Some(Level::Substantial)
    });
    let foss_public = input.foss && input.documentation_public;
    let reason = |text: String, reference: &str| Reason {
        text,
        reference: reference.into(),
    };
    cat.routes
        .iter()
        .map(|r| {
            let (allowed, why) = match (class, r.id.as_str()) {
                (_, "art-8-certificate") => (
                    false,
                    reason(
                        if class == Class::Critical {
                            "no delegated act under Art. 8(1) requires a European cybersecurity \
                             certificate for this category (none found; UNCONFIRMED), so the \
                             Art. 32(3) procedures apply"
                                .into()
                        } else {
                            "only for critical products (Annex IV)".into()
                        },
                        "Art. 32(4); Art. 8(1)",
                    ),
                ),
                (Class::Default, "eu-scheme") => (
                    scheme_ok,
                    reason(
                        if scheme_ok {
                            "a certification scheme applied in full is declared".into()
                        } else {
                            "where a scheme is available and applicable (none declared)".into()
                        },
                        "Art. 32(1)(d); Art. 27(9)",
                    ),
                ),
                (Class::Default, _) => (
                    true,
                    reason(
                        "a default product may use any Art. 32(1) procedure".into(),
                        "Art. 32(1)",
                    ),
                ),
                (Class::ImportantClassI | Class::ImportantClassII, _) if foss_public => (
                    r.id != "eu-scheme" || scheme_ok,
                    reason(
                        "free and open-source software whose technical documentation is \
                         public may use any Art. 32(1) procedure"
                            .into(),
                        "Art. 32(5)",
                    ),
                ),
                (Class::ImportantClassI, "module-a") => {
                    if !full.is_empty() && !covered {
                        (
                            false,
                            reason(
                                format!(
                                    "applied in full: {}, but none is declared to cover, with \
                                     the others, every essential requirement (covers-all); \
                                     the requirements not covered need B+C or H",
                                    full.iter()
                                        .map(|s| s.id.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                                "Art. 32(2)",
                            ),
                        )
                    } else if full.is_empty() {
                        (
                            false,
                            reason(
                                "Module A needs, applied in full, harmonised standards or common \
                                 specifications under the CRA, or a certification scheme at \
                                 'substantial' or higher, covering every essential requirement; \
                                 none is declared (no CRA harmonised standard had been cited in \
                                 the Official Journal as of August 2026, UNCONFIRMED)"
                                    .into(),
                                "Art. 32(2)",
                            ),
                        )
                    } else {
                        (
                            true,
                            reason(
                                format!(
                                    "applied in full, covering every essential requirement: {}",
                                    full.iter()
                                        .map(|s| s.id.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                                "Art. 32(2)",
                            ),
                        )
                    }
                }
                (_, "module-a") => (
                    false,
                    reason(
                        "Class II and critical products may not use Module A".into(),
                        "Art. 32(3)-(4)",
                    ),
                ),
                (_, "eu-scheme") => (
                    scheme_ok,
                    reason(
                        if scheme_ok {
                            "a certification scheme at 'substantial' or higher is declared".into()
                        } else {
                            "only a scheme at assurance level 'substantial' or higher, where \
                             one is available and applicable (none declared)"
                                .into()
                        },
                        if class == Class::ImportantClassI {
                            "Art. 32(2); Art. 27(9)"
                        } else {
                            "Art. 32(3)(c); Art. 27(9)"
                        },
                    ),
                ),
                (_, _) => (
                    true,
                    reason(
                        format!("allowed for {}", class.title()),
                        match class {
                            Class::ImportantClassI => "Art. 32(2)",
                            Class::ImportantClassII => "Art. 32(3)",
                            _ => "Art. 32(4)(b), 32(3)",
                        },
                    ),
                ),
            };
            RouteResult {
                id: r.id.clone(),
                name: r.name.clone(),
                allowed,
                why,
                notified_body: r.notified_body,
            }
        })
        .collect()
}

fn timeline(
    input: &Input,
    radio: bool,
    nb: bool,
    steward: bool,
    problems: &mut Vec<Problem>,
) -> Vec<Milestone> {
    let cat = catalogue();
    let full = cat.full_application.map_or(i64::MAX, Date::first_day);
    let today = input.today;
    let past = |d: Date| today.is_some_and(|t| d.last_day() < t.first_day());
    let mut out: Vec<Milestone> = cat
        .dates
        .iter()
        .filter(|d| match d.concerns {
            // A steward has no conformity duties: only the dates of its Art. 24 regime.
            _ if steward => d.steward,
            Concerns::All => true,
            Concerns::Radio => radio,
            Concerns::NotifiedBody => nb,
        })
        .map(|d| Milestone {
            date: d.date,
            event: d.event.clone(),
            reference: d.reference.clone(),
            past: past(d.date),
        })
        .collect();
    if steward {
        return out;
    }
    let placed: Vec<(&str, Date)> = input
        .releases
        .iter()
        .filter_map(|r| r.placed_on_market.map(|d| (r.version.as_str(), d)))
        .collect();
    let undated: Vec<&str> = input
        .releases
        .iter()
        .filter(|r| r.placed_on_market.is_none())
        .map(|r| r.version.as_str())
        .collect();
    if !undated.is_empty() {
        problems.push(Problem::new(
            "market-date-missing",
            format!(
                "release{} {} state{} no placed-on-market date: the dates that follow from \
                 it (documentation retention, update availability, whether Annex I applies to \
                 its units) cannot be computed",
                if undated.len() == 1 { "" } else { "s" },
                undated.join(", "),
                if undated.len() == 1 { "s" } else { "" }
            ),
            "Art. 13(9), 13(13); Art. 69(2)",
        ));
    }
    let support = input.support_end;
    match support {
        None => problems.push(Problem::new(
            "support-end-undeclared",
            "no support period end: declare support-end (at least month and year) in \
             craft.toml [product]"
                .into(),
            "Art. 13(8), 13(19)",
        )),
        Some(end) => {
            out.push(Milestone {
                date: end,
                event: "End of the support period: vulnerability handling per Annex I Part II \
                        ends; notify users where technically feasible"
                    .into(),
                reference: "Art. 13(8), 13(19)".into(),
                past: past(end),
            });
            // Units placed from full application need the support period (FAQ 4.5.3): the
            // five years count from the first unit placed under the CRA.
            let first_under_cra = placed
                .iter()
                .map(|(_, d)| *d)
                .min_by_key(|d| d.first_day())
                .map(|d| match cat.full_application {
                    Some(f) if d.first_day() < f.first_day() => f,
                    _ => d,
                });
            if let Some(first) = first_under_cra {
                let five = first.plus_years(5);
                let short = end.last_day() < five.first_day() - 1;
                let reason = input
                    .support_period_reason
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty());
                if short && reason.is_none() {
                    problems.push(Problem::new(
                        "support-period-short",
                        format!(
                            "the support period ends {end}, less than five years after the \
                             first unit placed on the market under the CRA ({first}); that is allowed \
                             only when the product is expected to be in use for less time - \
                             state why in support-period-reason, or extend support-end to at \
                             least {}",
                            Date::from_unix((five.first_day() - 1) * 86_400)
                        ),
                        "Art. 13(8); FAQ 4.5.2",
                    ));
                }
            }
        }
    }
    for (version, at) in &placed {
        let legacy = at.first_day() < full;
        out.push(Milestone {
            date: *at,
            event: if legacy {
                format!(
                    "Release {version} first placed on the market: units placed before 11 \
                     December 2027 fall under Article 14 reporting only (unless substantially \
                     modified later); units placed from that day need Annex I conformity, the \
                     EU declaration of conformity and CE marking"
                )
            } else {
                format!(
                    "Release {version} first placed on the market: Annex I conformity, the EU \
                     declaration of conformity and CE marking are required"
                )
            },
            reference: if legacy {
                "Art. 69(2)-(3); Art. 71(2)".into()
            } else {
                "Art. 13(12); Art. 71(2)".into()
            },
            past: past(*at),
        });
        // Art. 13(9), (13), (18) run from placing under the CRA: for a release first placed
        // before full application, from its first unit placed on that day at the earliest.
        let from = match cat.full_application {
            Some(f) if legacy => f,
            _ => *at,
        };
        let ten = from.plus_years(10);
        let keep = match support {
            Some(end) if end.last_day() > ten.last_day() => end,
            _ => ten,
        };
        out.push(Milestone {
            date: keep,
            event: format!(
                "Release {version}: keep its technical documentation, EU declaration of \
                 conformity and user information available at least until this date (ten \
                 years after {}, or the end of the support period if later; units placed \
                 later extend it). Each security update stays available ten years from its \
                 own issue, or to the end of the support period if later",
                if legacy {
                    "its first unit placed under the CRA"
                } else {
                    "it was placed on the market"
                }
            ),
            reference: "Art. 13(13), 13(18); Art. 13(9)".into(),
            past: past(keep),
        });
    }
    out.sort_by(|a, b| {
        a.date
            .first_day()
            .cmp(&b.date.first_day())
            .then_with(|| a.event.cmp(&b.event))
    });
    out
}

/// The scope as a Markdown summary (for the technical documentation, Annex VII point 1).
pub fn markdown(product: &str, scope: &Scope) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "# CRA scope: {product}\n");
    let a = &scope.applicability;
    let _ = writeln!(
        s,
        "**The CRA {}.**{}\n",
        if a.applies {
            "applies"
        } else {
            "does not apply"
        },
        match a.role {
            Some(Bearer::Steward) => " The maker is an open-source software steward (Art. 24).",
            _ => "",
        }
    );
    for r in &a.reasons {
        let _ = writeln!(s, "- {} ({})", r.text, r.reference);
    }
    for r in &scope.inferred {
        let _ = writeln!(s, "- inferred: {} ({})", r.text, r.reference);
    }
    let c = &scope.classification;
    let _ = writeln!(s, "\n## Class: {}\n", c.class.title());
    let _ = writeln!(s, "{} ({}).\n", c.rule.text, c.rule.reference);
    for d in &c.deciding {
        let _ = writeln!(s, "- `{}`: {} — \"{}\"", d.function, d.reference, d.title);
    }
    for d in &c.integrated {
        let _ = writeln!(
            s,
            "- integrates `{}` ({}): does not classify the product by itself (Art. 7(1))",
            d.function, d.reference
        );
    }
    if !scope.routes.is_empty() {
        let _ = writeln!(s, "\n## Conformity assessment\n");
        let _ = writeln!(s, "| Procedure | Allowed | Why |\n|---|---|---|");
        for r in &scope.routes {
            let _ = writeln!(
                s,
                "| {} | {} | {} ({}) |",
                r.name,
                if r.allowed { "yes" } else { "no" },
                r.why.text,
                r.why.reference
            );
        }
    }
    if !scope.obligations.is_empty() {
        let _ = writeln!(s, "\n## Obligations\n");
        for o in &scope.obligations {
            let _ = writeln!(s, "- {} ({})", o.text, o.reference);
        }
    }
    if !scope.timeline.is_empty() {
        let _ = writeln!(s, "\n## Timeline\n");
        let _ = writeln!(s, "| Date | | Event | Basis |\n|---|---|---|---|");
        for m in &scope.timeline {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                m.date,
                if m.past { "past" } else { "due" },
                m.event,
                m.reference
            );
        }
    }
    if !scope.problems.is_empty() {
        let _ = writeln!(s, "\n## Problems\n");
        for p in &scope.problems {
            let _ = writeln!(s, "- `{}`: {} ({})", p.code, p.message, p.reference);
        }
    }
    s
}

/// `answers` as the text of a `scope.toml`, each answer with the question it answers.
pub fn answers_toml(answers: &Answers) -> String {
    use std::fmt::Write;
    let mut s = String::from(
        "# scope.toml: answers to the questions `craft scope` cannot infer from craft.toml.\n\
         # Reviewed like code; `craft scope --interactive` asks the open ones and rewrites this file.\n\n",
    );
    if let Some(k) = answers.kind {
        let _ = writeln!(
            s,
            "# Hardware or software (Art. 3(1)).\nkind = \"{}\"\n",
            kind_name(k)
        );
    }
    if let Some(c) = answers.commercial {
        let _ = writeln!(
            s,
            "# Made available on the market in the course of a commercial activity\n\
             # (Art. 2(1), 3(22); recitals 15-20).\ncommercial = {c}\n"
        );
    }
    if let Some(d) = answers.data_connection {
        let _ = writeln!(
            s,
            "# A direct or indirect, logical or physical data connection (Art. 2(1)).\n\
             data-connection = {d}\n"
        );
    }
    if let Some(ex) = &answers.exclusions {
        let _ = writeln!(
            s,
            "# The exclusions of Art. 2(2)-(7) that apply ([] when none does): {}.",
            catalogue()
                .exclusions
                .iter()
                .map(|e| e.id.as_str())
                .chain(catalogue().exceptions.iter().map(|e| e.id.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let list: Vec<String> = ex.iter().map(|e| format!("\"{e}\"")).collect();
        let _ = writeln!(s, "exclusions = [{}]", list.join(", "));
    }
    s
}
