//! `craft requirements`: the Annex I catalogue as data, and the evaluation of a product's
//! `requirements.toml` against it.
//!
//! The catalogue (`data/annex-i.toml`) holds the 22 items of Annex I (Part I (1), (2)(a)-(m),
//! Part II (1)-(8)), the 15 practitioner topics mapped onto them, the EN 18031 mechanisms
//! related to each (an inference, marked so), and the evidence craft verifies itself. A
//! product's `requirements.toml` records, per item, whether it applies (a justification when
//! not, Art. 13(4)), its status and its evidence. [`evaluate`] judges every item: evidence
//! craft can check is checked (never just ticked), a declared "met" that craft's own check
//! contradicts is named, and every item not assessed is a gap.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One item of Annex I.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Item {
    /// Stable id (`p1-2a`).
    pub id: String,
    /// `Annex I Part I (2)(a)`.
    pub reference: String,
    /// The requirement, paraphrased.
    pub text: String,
    /// The practitioner topics (1-15) that map onto it.
    pub topics: Vec<u8>,
    /// Related EN 18031 mechanisms (inference, UNCONFIRMED).
    #[serde(default)]
    pub en18031: Vec<String>,
    /// It may be found not applicable on the basis of the risk assessment.
    #[serde(default)]
    pub may_not_apply: bool,
    /// The checks craft runs for it.
    #[serde(default)]
    pub craft: Vec<String>,
}

/// A practitioner topic.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// 1-15.
    pub id: u8,
    /// Its name.
    pub name: String,
    /// The provisions that carry it.
    pub references: String,
}

/// Evidence craft verifies itself.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Its id (`craft:<id>` in requirements.toml).
    pub id: String,
    /// What it verifies.
    pub text: String,
}

/// The catalogue.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// The Annex I items, in the annex's order.
    #[serde(rename = "item")]
    pub items: Vec<Item>,
    /// The 15 topics.
    #[serde(rename = "topic")]
    pub topics: Vec<Topic>,
    /// The checks.
    #[serde(rename = "check")]
    pub checks: Vec<Check>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    // Part of the source; checked by the tests.
    toml::from_str(include_str!("../data/annex-i.toml")).expect("annex-i.toml is valid")
});

/// The Annex I catalogue craft ships.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

impl Catalogue {
    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// A status a product declares for an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Declared {
    /// Met.
    Met,
    /// Partly met.
    Partial,
    /// Not met.
    NotMet,
    /// Planned.
    Planned,
}

/// One item as `requirements.toml` records it (`[requirement.p1-2a]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Entry {
    /// Whether it applies (default: yes).
    #[serde(default = "yes")]
    pub applicable: bool,
    /// Why it does not apply (required then, Art. 13(4)).
    #[serde(default)]
    pub justification: Option<String>,
    /// The status.
    #[serde(default)]
    pub status: Option<Declared>,
    /// The evidence: `file:PATH`, `url:URL`, `craft:CHECK`, `countermeasure:ID`.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Free notes.
    #[serde(default)]
    pub note: Option<String>,
}

fn declared_name(d: Declared) -> &'static str {
    match d {
        Declared::Met => "met",
        Declared::Partial => "partial",
        Declared::NotMet => "not met",
        Declared::Planned => "planned",
    }
}

fn yes() -> bool {
    true
}

/// `requirements.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementsFile {
    /// The items, by id.
    #[serde(default)]
    pub requirement: BTreeMap<String, Entry>,
}

/// The result of one check craft ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// It holds.
    pub holds: bool,
    /// What craft found.
    pub detail: String,
}

/// One piece of evidence, judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// As written (`file:…`), or `craft:<check>` for craft's own.
    pub text: String,
    /// `true` verified, `false` refuted or missing, `None` recorded but not verifiable
    /// offline (a URL; a countermeasure without a valid threat model).
    pub verified: Option<bool>,
    /// What craft found.
    pub detail: String,
}

/// The outcome of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Met, with evidence, and nothing craft checked contradicts it.
    Met,
    /// Declared partly met.
    Partial,
    /// Declared not met.
    NotMet,
    /// Declared planned.
    Planned,
    /// Not applicable, with the justification.
    NotApplicable,
    /// No entry, or no status.
    NotAssessed,
    /// Declared met, but craft's own check or a missing file says otherwise.
    Contradicted,
    /// Declared met with no evidence at all.
    Unsupported,
    /// Declared met with evidence craft cannot verify (URLs; countermeasures without a
    /// valid threat model): open.
    Unverified,
    /// The entry is not valid (not applicable without a justification, or for an item that
    /// always applies; unknown evidence kinds).
    Invalid,
}

impl Outcome {
    /// Whether the item is closed (met or justified not applicable).
    pub fn closed(self) -> bool {
        matches!(self, Outcome::Met | Outcome::NotApplicable)
    }
}

/// One item, judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemResult {
    /// The item id.
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// The requirement.
    pub text: String,
    /// The outcome.
    pub outcome: Outcome,
    /// The declared status.
    pub declared: Option<Declared>,
    /// Every piece of evidence, the product's and craft's own checks.
    pub evidence: Vec<Evidence>,
    /// What is wrong, when something is.
    pub problems: Vec<String>,
}

/// Judge every Annex I item: `file` is the product's `requirements.toml`, `verdicts` the
/// results of craft's checks by id, `exists` whether a path (relative to the product
/// directory) names a non-empty file.
///
/// `model` is the product's valid threat model, if it has one: a `countermeasure:ID`
/// evidence is verified against it (the countermeasure exists, is implemented, names the
/// item among those it serves, its `file:` evidence exists, and no live finding voids it:
/// `voided`), and every such countermeasure that names an item counts as evidence for it.
pub fn evaluate(
    file: &RequirementsFile,
    verdicts: &BTreeMap<String, Verdict>,
    exists: &dyn Fn(&str) -> bool,
    model: Option<&crate::threat::model::Model>,
    voided: &[String],
) -> Vec<ItemResult> {
    let cm = model.map(|m| Countermeasures {
        model: m,
        voided,
        exists,
    });
    catalogue()
        .items
        .iter()
        .map(|item| {
            judge(
                item,
                file.requirement.get(&item.id),
                verdicts,
                exists,
                cm.as_ref(),
            )
        })
        .collect()
}

/// What a countermeasure is judged against: the model, the countermeasures live findings
/// void, and the product's files.
struct Countermeasures<'a> {
    model: &'a crate::threat::model::Model,
    voided: &'a [String],
    exists: &'a dyn Fn(&str) -> bool,
}

/// A countermeasure of the threat model as evidence for `item`.
fn countermeasure_evidence(cm: &Countermeasures<'_>, id: &str, item: &str) -> (bool, String) {
    use crate::threat::model::CmStatus;
    let (model, exists) = (cm.model, cm.exists);
    let Some(c) = model.countermeasures.iter().find(|c| c.id == id) else {
        return (false, format!("no countermeasure `{id}` in {}", model.file));
    };
    let place = format!("{}:{}", model.file, c.at.line);
    if c.status != CmStatus::Implemented {
        return (false, format!("planned, not implemented ({place})"));
    }
    if !c.annex_i.iter().any(|a| a == item) {
        return (
            false,
            format!(
                "does not name {item} among the items it serves (annex-i = [{}], {place})",
                c.annex_i.join(", ")
            ),
        );
    }
    if cm.voided.iter().any(|v| v == id) {
        return (
            false,
            format!(
                "voided: a live finding affects a component that enforces it ({place}; \
                 `craft risk check` names it)"
            ),
        );
    }
    // Its own evidence files must be there.
    let missing: Vec<&str> = c
        .evidence
        .iter()
        .filter_map(|e| e.strip_prefix("file:"))
        .map(str::trim)
        .filter(|f| f.is_empty() || !exists(f))
        .collect();
    if !missing.is_empty() {
        return (
            false,
            format!(
                "its evidence is missing or empty: {} ({place})",
                missing.join(", ")
            ),
        );
    }
    (true, format!("implemented ({place}): {}", c.name))
}

fn judge(
    item: &Item,
    entry: Option<&Entry>,
    verdicts: &BTreeMap<String, Verdict>,
    exists: &dyn Fn(&str) -> bool,
    cm: Option<&Countermeasures<'_>>,
) -> ItemResult {
    let mut problems = Vec::new();
    let mut evidence = Vec::new();
    // craft's own checks for the item run whatever the entry says.
    let mut own: Vec<&str> = item.craft.iter().map(String::as_str).collect();
    if let Some(e) = entry {
        for text in &e.evidence {
            let (kind, value) = text.split_once(':').unwrap_or(("", text.as_str()));
            let value = value.trim();
            match kind {
                "file" => {
                    let ok = !value.is_empty() && exists(value);
                    if !ok {
                        problems.push(format!("evidence `{text}`: no such file (or it is empty)"));
                    }
                    evidence.push(Evidence {
                        text: text.clone(),
                        verified: Some(ok),
                        detail: if ok { "present" } else { "missing" }.into(),
                    });
                }
                "url" => evidence.push(Evidence {
                    text: text.clone(),
                    verified: None,
                    detail: "recorded; craft does not fetch it (offline)".into(),
                }),
                "countermeasure" => match cm {
                    None => evidence.push(Evidence {
                        text: text.clone(),
                        verified: None,
                        detail: "recorded; no valid threat-model.toml to verify it against".into(),
                    }),
                    Some(m) => {
                        let (ok, detail) = countermeasure_evidence(m, value, &item.id);
                        if !ok {
                            problems.push(format!("evidence `{text}`: {detail}"));
                        }
                        evidence.push(Evidence {
                            text: text.clone(),
                            verified: Some(ok),
                            detail,
                        });
                    }
                },
                "craft" => {
                    if verdicts.contains_key(value) {
                        if !own.contains(&value) {
                            own.push(value);
                        }
                    } else {
                        problems.push(format!(
                            "evidence `{text}`: craft has no check `{value}` (checks: {})",
                            catalogue()
                                .checks
                                .iter()
                                .map(|c| c.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
                _ => problems.push(format!(
                    "evidence `{text}`: write file:PATH, url:URL, craft:CHECK or \
                     countermeasure:ID"
                )),
            }
        }
    }
    // The threat model's implemented countermeasures that name the item count as evidence
    // without being listed.
    if let Some(m) = cm {
        for c in &m.model.countermeasures {
            let text = format!("countermeasure:{}", c.id);
            if c.annex_i.contains(&item.id) && !evidence.iter().any(|e| e.text == text) {
                let (ok, detail) = countermeasure_evidence(m, &c.id, &item.id);
                if ok {
                    evidence.push(Evidence {
                        text,
                        verified: Some(true),
                        detail,
                    });
                }
            }
        }
    }
    let mut refuted = Vec::new();
    for id in own {
        if let Some(v) = verdicts.get(id) {
            if !v.holds {
                refuted.push(format!("craft:{id}: {}", v.detail));
            }
            evidence.push(Evidence {
                text: format!("craft:{id}"),
                verified: Some(v.holds),
                detail: v.detail.clone(),
            });
        }
    }
    let declared = entry.and_then(|e| e.status);
    let invalid_evidence = problems
        .iter()
        .any(|p| p.contains("write file:") || p.contains("has no check"));
    let outcome = match entry {
        None => {
            problems.push("not assessed: no entry in requirements.toml".into());
            Outcome::NotAssessed
        }
        Some(e) if !e.applicable => {
            let justified = e
                .justification
                .as_deref()
                .is_some_and(|j| !j.trim().is_empty());
            if !item.may_not_apply {
                problems.push(format!(
                    "{} always applies: only Part I (2)(a)-(m) may be found not applicable",
                    item.reference
                ));
                Outcome::Invalid
            } else if !justified {
                problems.push(
                    "not applicable without a justification (Art. 13(4) requires one in the \
                     technical documentation)"
                        .into(),
                );
                Outcome::Invalid
            } else {
                // Still say what craft's own checks found: an auditor will ask.
                problems.extend(refuted.iter().map(|r| format!("craft finds {r}")));
                Outcome::NotApplicable
            }
        }
        Some(_) if invalid_evidence => Outcome::Invalid,
        Some(_) => match declared {
            None => {
                problems.push("no status: write status = met, partial, not-met or planned".into());
                Outcome::NotAssessed
            }
            Some(Declared::Met)
                if !refuted.is_empty() || evidence.iter().any(|e| e.verified == Some(false)) =>
            {
                problems.extend(refuted.iter().map(|r| format!("declared met, but {r}")));
                Outcome::Contradicted
            }
            Some(Declared::Met) if evidence.is_empty() => {
                problems.push("declared met without evidence".into());
                Outcome::Unsupported
            }
            // Met on the maker's word alone (URLs; countermeasures without a valid threat
            // model): recorded, not closed.
            Some(Declared::Met) if !evidence.iter().any(|e| e.verified == Some(true)) => {
                problems.push(
                    "declared met, but no evidence craft can verify: add a file: (a test \
                     report or document in the repository) or a craft: check"
                        .into(),
                );
                Outcome::Unverified
            }
            Some(Declared::Met) => Outcome::Met,
            Some(other) => {
                let note = entry
                    .and_then(|e| e.note.as_deref())
                    .map_or_else(String::new, |n| format!(": {n}"));
                problems.push(format!("declared {}{note}", declared_name(other)));
                problems.extend(refuted.iter().map(|r| format!("craft finds {r}")));
                match other {
                    Declared::Partial => Outcome::Partial,
                    Declared::NotMet => Outcome::NotMet,
                    _ => Outcome::Planned,
                }
            }
        },
    };
    ItemResult {
        id: item.id.clone(),
        reference: item.reference.clone(),
        text: item.text.clone(),
        outcome,
        declared,
        evidence,
        problems,
    }
}
