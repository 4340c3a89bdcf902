//! `craft requirements`: the Annex I catalogue, and the product's evidence judged item by
//! item.

use crate::{output, Ctx, Format};
use clap::{Args, Subcommand};
use craft_cra::requirements::{catalogue, Outcome};
use craft_product::ProductDir;
use std::path::PathBuf;

/// `craft requirements …`.
#[derive(Debug, Subcommand)]
pub enum RequirementsCommand {
    /// The Annex I items: reference, requirement, topics, EN 18031 mechanisms (inference),
    /// and the evidence craft checks itself.
    List,
    /// The 15 practitioner topics and the provisions that carry them.
    Topics,
    /// Judge the product's requirements.toml: every item's outcome, its evidence verified
    /// where craft can, and the gap list (runs the product check for craft's own evidence).
    Check(CheckArgs),
    /// Write a requirements.toml with every item, for the maker to fill in (never replaces one).
    Init(InitArgs),
}

/// `craft requirements check`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft requirements check examples/gateway
  craft --format json requirements check . > annex-i.json

Exit codes: 0 every item met or justified not applicable; 1 items open (not assessed,
contradicted by craft's own checks, without evidence, not met, partial or planned); 2 a file
is invalid.")]
pub struct CheckArgs {
    /// The product directory (holding craft.toml and requirements.toml).
    #[arg(default_value = ".")]
    product: PathBuf,
    /// Vulnerability database directory (overrides craft.toml's [vulndb]).
    #[arg(long, value_name = "DIR")]
    db: Option<PathBuf>,
}

/// `craft requirements init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The product directory.
    #[arg(default_value = ".")]
    product: PathBuf,
}

/// Run `craft requirements …`.
pub fn run(cmd: RequirementsCommand, ctx: Ctx) -> anyhow::Result<u8> {
    match cmd {
        RequirementsCommand::List => list(ctx),
        RequirementsCommand::Topics => topics(ctx),
        RequirementsCommand::Check(a) => check(a, ctx),
        RequirementsCommand::Init(a) => init(a, ctx),
    }
}

fn list(ctx: Ctx) -> anyhow::Result<u8> {
    let c = catalogue();
    if ctx.format == Format::Json {
        output::json(c)?;
        return Ok(0);
    }
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header([
        "id",
        "reference",
        "requirement",
        "topics",
        "EN 18031 (inference)",
        "craft checks",
    ]);
    for i in &c.items {
        t.add_row([
            i.id.clone(),
            i.reference.clone(),
            i.text.clone(),
            i.topics
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            i.en18031.join(", "),
            i.craft.join(", "),
        ]);
    }
    println!("{t}");
    println!(
        "EN 18031 mechanisms are related by inference: no official mapping exists (UNCONFIRMED)."
    );
    Ok(0)
}

fn topics(ctx: Ctx) -> anyhow::Result<u8> {
    let c = catalogue();
    let rows: Vec<(u8, &str, &str, Vec<&str>)> = c
        .topics
        .iter()
        .map(|t| {
            let items: Vec<&str> = c
                .items
                .iter()
                .filter(|i| i.topics.contains(&t.id))
                .map(|i| i.reference.as_str())
                .collect();
            (t.id, t.name.as_str(), t.references.as_str(), items)
        })
        .collect();
    if ctx.format == Format::Json {
        output::json(
            &rows
                .iter()
                .map(|(id, name, refs, items)| {
                    serde_json::json!({"id": id, "name": name, "references": refs, "items": items})
                })
                .collect::<Vec<_>>(),
        )?;
        return Ok(0);
    }
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(["#", "topic", "Annex I items", "provisions"]);
    for (id, name, refs, items) in rows {
        t.add_row([
            id.to_string(),
            name.to_string(),
            items.join("; "),
            refs.to_string(),
        ]);
    }
    println!("{t}");
    Ok(0)
}

fn check(a: CheckArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.product)?;
    anyhow::ensure!(
        product.requirements.is_some(),
        "`{}` has no requirements.toml (`craft requirements init {}` writes one to fill in)",
        product.dir.display(),
        a.product.display()
    );
    let report = crate::check::check_product(&product, a.db.as_deref(), Vec::new(), None, ctx)?;
    let Some(r) = report.requirements else {
        anyhow::bail!("no requirements were judged");
    };
    match ctx.format {
        Format::Json => output::json(&r)?,
        Format::Human => {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            t.set_header(["item", "outcome", "evidence", "what is open"]);
            for i in &r.items {
                let ev = |v: Option<bool>| i.evidence.iter().filter(|e| e.verified == v).count();
                t.add_row([
                    i.reference.trim_start_matches("Annex I ").to_string(),
                    outcome(i.outcome).to_string(),
                    format!(
                        "{} verified, {} failed, {} recorded",
                        ev(Some(true)),
                        ev(Some(false)),
                        ev(None)
                    ),
                    i.problems.join("; "),
                ]);
            }
            println!("{t}");
            println!(
                "{} of {} Annex I items closed (met, or justified not applicable); {} open",
                r.closed,
                r.items.len(),
                r.open
            );
        }
    }
    Ok(u8::from(r.open > 0))
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Met => "met",
        Outcome::Partial => "partial",
        Outcome::NotMet => "NOT MET",
        Outcome::Planned => "planned",
        Outcome::NotApplicable => "not applicable",
        Outcome::NotAssessed => "not assessed",
        Outcome::Contradicted => "CONTRADICTED",
        Outcome::Unsupported => "no evidence",
        Outcome::Unverified => "met, unverified",
        Outcome::Invalid => "INVALID",
    }
}

fn init(a: InitArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.product)?;
    let file = product
        .dir
        .join(craft_product::requirements::REQUIREMENTS_FILE);
    let mut text = String::from(
        "# requirements.toml: the Annex I essential requirements, one entry per item (Art. 13(2)-(4),\n\
         # Annex VII point 3). Per item: applicable (default true; false needs a justification and\n\
         # is allowed only for Part I (2)(a)-(m)), status (met, partial, not-met, planned) and\n\
         # evidence: file:PATH (in this directory), url:URL, craft:CHECK (craft verifies it), or\n\
         # countermeasure:ID (threat-model.toml). `craft requirements check` judges them.\n",
    );
    for i in &catalogue().items {
        text.push_str(&format!(
            "\n# {}: {}\n[requirement.{}]\n",
            i.reference, i.text, i.id
        ));
        if !i.en18031.is_empty() {
            text.push_str(&format!(
                "# EN 18031 (inference): {}\n",
                i.en18031.join(", ")
            ));
        }
        let craft: Vec<String> = i.craft.iter().map(|c| format!("\"craft:{c}\"")).collect();
        text.push_str(&format!(
            "# status = \"met\"\nevidence = [{}]\n",
            craft.join(", ")
        ));
    }
    output::write_new(&file, text.as_bytes())?;
    if !ctx.quiet {
        anstream::eprintln!(
            "wrote `{}`: fill in each item's status and evidence",
            file.display()
        );
    }
    Ok(0)
}
