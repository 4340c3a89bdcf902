//! The product's Annex I evidence: `requirements.toml` beside `craft.toml`, judged against
//! the catalogue of `craft_cra::requirements`, with the evidence craft verifies itself taken
//! from the product directory and the check's own results.

use crate::check::{CheckContext, ReleaseReport};
use crate::manifest::{line_col, read_small, ProductDir};
use crate::Error;
use craft_cra::requirements::{self, ItemResult, RequirementsFile, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The evidence file, beside `craft.toml`.
pub const REQUIREMENTS_FILE: &str = "requirements.toml";

/// Read `file` when it exists; every item id must be one of Annex I's.
///
/// # Errors
/// The file cannot be read, is not TOML of the expected shape, or names an unknown item
/// (with line and column and the nearest ids).
pub fn read(file: &Path) -> Result<Option<RequirementsFile>, Error> {
    let Some(text) = read_small(file, "requirements.toml")? else {
        return Ok(None);
    };
    parse(&text, file).map(Some)
}

/// Parse the text of a `requirements.toml` read from `file`.
///
/// # Errors
/// As [`read`].
pub fn parse(text: &str, file: &Path) -> Result<RequirementsFile, Error> {
    let invalid = |line, message| Error::Invalid {
        file: file.to_path_buf(),
        line,
        message,
    };
    let parsed: RequirementsFile = toml::from_str(text).map_err(|e| {
        invalid(
            e.span().map(|s| line_col(text, s.start)),
            e.message().to_string(),
        )
    })?;
    let ids = || {
        requirements::catalogue()
            .items
            .iter()
            .map(|i| i.id.as_str())
    };
    for id in parsed.requirement.keys() {
        if !ids().any(|k| k == id) {
            let near = craft_cra::catalogue::suggest(id, ids());
            return Err(invalid(
                text.find(id.as_str()).map(|at| line_col(text, at)),
                format!(
                    "`{id}` is not an Annex I item{}; the ids are {}",
                    if near.is_empty() {
                        String::new()
                    } else {
                        format!(" (did you mean {}?)", near.join(", "))
                    },
                    ids().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Ok(parsed)
}

/// Every Annex I item judged, and the counts.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementsReport {
    /// The items, in the annex's order.
    pub items: Vec<ItemResult>,
    /// Items met or justified not applicable.
    pub closed: usize,
    /// Items still open (the gap list).
    pub open: usize,
}

/// Judge `requirements.toml` (an empty one when absent) with the check's `releases`.
pub fn evaluate(
    product: &ProductDir,
    file: &RequirementsFile,
    releases: &[ReleaseReport],
    risk: Option<&crate::risk::RiskReport>,
    ctx: &CheckContext,
) -> RequirementsReport {
    let verdicts = verify(product, releases, risk, ctx);
    let dir = product.dir.clone();
    // Inside the product directory only, and not through a link: evidence is part of the
    // reviewed repository.
    let exists = move |p: &str| {
        crate::manifest::confined(&dir, p)
            .is_some_and(|f| std::fs::metadata(f).is_ok_and(|m| m.len() > 0))
    };
    let model = product.threat.as_ref().and_then(|t| t.model.as_ref().ok());
    let voided = risk.map_or(&[][..], |r| r.voided.as_slice());
    let items = requirements::evaluate(file, &verdicts, &exists, model, voided);
    let closed = items.iter().filter(|i| i.outcome.closed()).count();
    RequirementsReport {
        open: items.len() - closed,
        closed,
        items,
    }
}

/// The checks craft runs itself, by id.
pub fn verify(
    product: &ProductDir,
    releases: &[ReleaseReport],
    risk: Option<&crate::risk::RiskReport>,
    ctx: &CheckContext,
) -> BTreeMap<String, Verdict> {
    let m = &product.manifest;
    let mut out = BTreeMap::new();
    let mut put = |id: &str, holds: bool, detail: String| {
        out.insert(id.to_string(), Verdict { holds, detail });
    };
    // sbom: every release's SBOMs read and are valid by their schema.
    let bad: Vec<String> = releases
        .iter()
        .flat_map(|r| r.sboms.iter().map(move |s| (r, s)))
        .filter(|(_, s)| {
            s.unreadable.is_some()
                || s.failed_rules
                    .keys()
                    .any(|k| k == "schema-invalid" || k == "schema-unknown-version")
        })
        .map(|(r, s)| format!("{} `{}`", r.version, s.path))
        .collect();
    put(
        "sbom",
        bad.is_empty() && !releases.is_empty(),
        if bad.is_empty() {
            format!(
                "{} SBOM files over {} releases, each read and valid by its schema",
                releases.iter().map(|r| r.sboms.len()).sum::<usize>(),
                releases.len()
            )
        } else {
            format!("unreadable or schema-invalid: {}", bad.join(", "))
        },
    );
    let supported: Vec<&ReleaseReport> = releases.iter().filter(|r| r.supported).collect();
    let kev: usize = supported.iter().map(|r| r.kev).sum();
    put(
        "no-known-exploitable",
        kev == 0,
        if kev == 0 {
            "no supported release has an affected, undismissed KEV finding".into()
        } else {
            format!(
                "{kev} affected KEV findings in supported releases ({})",
                supported
                    .iter()
                    .filter(|r| r.kev > 0)
                    .map(|r| format!("{}: {}", r.version, r.kev))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    );
    let open: usize = supported.iter().map(|r| r.untriaged + r.unknown).sum();
    put(
        "vex-complete",
        open == 0,
        if open == 0 {
            "every finding of the supported releases has a decision".into()
        } else {
            format!(
                "{open} findings of supported releases have no decision (untriaged or undecided)"
            )
        },
    );
    let support = crate::gaps::support_problem(product);
    put(
        "support-period",
        support.is_none(),
        support.unwrap_or_else(|| "declared, and at least five years (or justified)".into()),
    );
    let contact = m.manufacturer.as_ref().is_some_and(|x| x.has_contact());
    put(
        "contact",
        contact,
        if contact {
            format!(
                "single point of contact {}",
                m.manufacturer
                    .as_ref()
                    .and_then(|x| x.contact_point.clone())
                    .unwrap_or_default()
            )
        } else {
            "[manufacturer] lacks an address, an email or website, or the contact-point".into()
        },
    );
    let file_check = |p: &Option<std::path::PathBuf>, what: &str| match p {
        None => (false, format!("craft.toml [disclosure] names no {what}")),
        Some(p) => {
            let path = product.resolve(p);
            match fs_err::read_to_string(&path) {
                Ok(t) if !t.trim().is_empty() => (true, format!("`{}`", p.display())),
                Ok(_) => (false, format!("`{}` is empty", p.display())),
                Err(_) => (false, format!("`{}` cannot be read", p.display())),
            }
        }
    };
    let (mut ok, mut detail) = file_check(&m.disclosure.policy, "CVD policy (policy = ...)");
    if let Some(text) = m
        .disclosure
        .policy
        .as_ref()
        .filter(|_| ok)
        .and_then(|p| fs_err::read_to_string(product.resolve(p)).ok())
    {
        // The draft craft writes marks what the maker must decide: [3], [90], ... (a
        // Markdown link `[text](url)` is not one).
        let open = text
            .split('[')
            .skip(1)
            .filter(|t| {
                t.split_once(']')
                    .is_some_and(|(inner, after)| !inner.is_empty() && !after.starts_with('('))
            })
            .count();
        let notice = text.contains("Draft written by craft");
        if notice || open > 0 {
            ok = false;
            detail = format!(
                "{detail} is still the draft: {open} bracketed parts to decide{}",
                if notice { ", and its draft notice" } else { "" }
            );
        }
    }
    put("cvd-policy", ok, detail);
    let txt = match &m.disclosure.security_txt {
        None => (
            false,
            "craft.toml [disclosure] names no security-txt (`craft advisory security-txt` writes one)"
                .to_string(),
        ),
        Some(p) => match fs_err::read_to_string(product.resolve(p)) {
            Err(_) => (false, format!("`{}` cannot be read", p.display())),
            Ok(t) => match craft_cra::disclosure::check_security_txt(&t, &ctx.checked_at) {
                Ok(()) => (true, format!("`{}` is valid RFC 9116", p.display())),
                Err(e) => (false, format!("`{}`: {e}", p.display())),
            },
        },
    };
    put("security-txt", txt.0, txt.1);
    // A case whose clocks cannot be computed counts as overdue: nothing shows it is not.
    let overdue = ctx
        .checked_at
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|now| {
            product
                .cases
                .iter()
                .map(|c| match craft_cra::report::clocks(c, now) {
                    Ok(k) => k
                        .iter()
                        .filter(|k| k.status == craft_cra::report::Status::Overdue)
                        .count(),
                    Err(_) => 1,
                })
                .sum::<usize>()
        })
        .unwrap_or(0);
    put(
        "article-14",
        overdue == 0,
        if overdue == 0 {
            format!("{} Article 14 cases, nothing overdue", product.cases.len())
        } else {
            format!("{overdue} Article 14 submissions overdue")
        },
    );
    let (holds, detail) = crate::risk::verdict(product, risk);
    put("risk-assessment", holds, detail);
    let csaf = m.disclosure.csaf.as_ref().map(|d| product.resolve(d));
    let published = csaf
        .as_ref()
        .and_then(|d| fs_err::read_to_string(d.join("white/index.txt")).ok())
        .map_or(0, |t| t.lines().filter(|l| !l.trim().is_empty()).count());
    put(
        "advisories",
        csaf.as_ref()
            .is_some_and(|d| d.join("provider-metadata.json").is_file())
            && published > 0,
        match &csaf {
            None => "craft.toml [disclosure] names no csaf provider directory".into(),
            Some(d) if published > 0 => format!("{published} advisories in `{}`", d.display()),
            Some(d) => format!("`{}` holds no published advisory", d.display()),
        },
    );
    out
}
