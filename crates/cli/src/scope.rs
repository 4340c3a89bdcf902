//! `craft scope PRODUCT_DIR`: does the CRA apply, in which class, by which routes, with
//! which obligations and dates.

use crate::{output, Ctx, Format};
use anyhow::Context;
use clap::{Args, ValueEnum};
use craft_cra::catalogue::catalogue;
use craft_cra::scope::{self, Answers, Kind, Question};
use craft_product::scope::SCOPE_FILE;
use craft_product::{Date, ProductDir};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

/// Decide the product's CRA scope: applicability, class, conformity routes, obligations,
/// timeline.
///
/// Reads the description in craft.toml ([product] kind, functions, integrates, interfaces,
/// foss, steward; [manufacturer]; [[standard]]; the releases' market dates; support-end)
/// and the answers in scope.toml beside it, and prints whether the CRA applies (Art. 2),
/// the class with the Annex III/IV entry that decided it (Art. 7, 8), the conformity-
/// assessment procedures allowed (Art. 32), the obligations that follow and the dated
/// timeline, each with its legal reference. What craft cannot infer it asks: with
/// --interactive on a terminal, writing the answers to scope.toml; otherwise it lists the
/// open questions and the keys that answer them, and decides nothing.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  craft scope examples/gateway
  craft scope . --interactive                 # ask what scope.toml does not answer
  craft scope . --markdown docs/cra-scope.md  # the summary for the technical documentation
  craft --format json scope products/gateway
  craft scope --list functions                # the function ids [product] functions takes

Exit codes: 0 decided; 1 decided, but the description lacks what the law requires (a
support period end, market dates, a contact, the reason for a short support period); 2
undecided (an unanswered question, a contradiction, an unknown id) or a file is invalid.")]
pub struct ScopeArgs {
    /// The product directory (holding craft.toml), or the craft.toml file itself.
    #[arg(default_value = ".")]
    product: PathBuf,
    /// Ask the open questions on the terminal and save the answers in scope.toml.
    #[arg(long)]
    interactive: bool,
    /// Also write the summary as Markdown to this file ("-" for stdout).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Judge what is past and what is due as of this day (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = output::parse_day)]
    today: Option<Date>,
    /// List the ids craft knows instead (functions, interfaces, categories, exclusions).
    #[arg(long, value_name = "WHAT")]
    list: Option<List>,
}

/// What `--list` lists.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum List {
    /// Function ids, with the annex entry each puts a product in.
    Functions,
    /// Interface ids.
    Interfaces,
    /// The Annex III and IV categories.
    Categories,
    /// The Art. 2 exclusions.
    Exclusions,
}

/// Run `craft scope`.
pub fn run(args: ScopeArgs, ctx: Ctx) -> anyhow::Result<u8> {
    if let Some(what) = args.list {
        list(what, ctx)?;
        return Ok(0);
    }
    let product = ProductDir::open(&args.product)?;
    let mut answers = product.scope_answers.clone().unwrap_or_default();
    let today = args.today.unwrap_or_else(output::today);
    if args.interactive {
        let open = scope::unanswered(&product.scope_input(answers.clone(), today));
        if !open.is_empty() {
            anyhow::ensure!(
                std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
                "--interactive asks on a terminal, and stdin or stderr is not one; answer in \
                 `{}` instead ({} open question{})",
                product.dir.join(SCOPE_FILE).display(),
                open.len(),
                if open.len() == 1 { "" } else { "s" }
            );
            let stdin = std::io::stdin();
            ask(
                &open,
                &mut answers,
                &mut stdin.lock(),
                &mut std::io::stderr(),
            )?;
            let file = product.dir.join(SCOPE_FILE);
            output::write_atomic(&file, scope::answers_toml(&answers).as_bytes())?;
            if !ctx.quiet {
                anstream::eprintln!("saved the answers in `{}`", file.display());
            }
        }
    }
    let name = product.manifest.product.name.clone();
    match scope::decide(&product.scope_input(answers, today)) {
        Err(problems) => {
            match ctx.format {
                Format::Json => output::json(&serde_json::json!({
                    "product": name,
                    "decided": false,
                    "problems": problems,
                }))?,
                Format::Human => {
                    use owo_colors::OwoColorize;
                    anstream::eprintln!(
                        "{} craft cannot decide the scope of {name}: {} problem{}",
                        "error:".red().bold(),
                        problems.len(),
                        if problems.len() == 1 { "" } else { "s" }
                    );
                    for p in &problems {
                        anstream::eprintln!("  - [{}] {} ({})", p.code, p.message, p.reference);
                    }
                    if problems.iter().any(|p| p.code == "unanswered") {
                        anstream::eprintln!(
                            "answer in `{}`, or run `craft scope --interactive`",
                            product.dir.join(SCOPE_FILE).display()
                        );
                    }
                }
            }
            Ok(2)
        }
        Ok(decided) => {
            let md = scope::markdown(&name, &decided);
            if let Some(path) = &args.markdown {
                output::write_atomic(path, md.as_bytes())?;
            }
            match ctx.format {
                Format::Json => output::json(&serde_json::json!({
                    "product": name,
                    "decided": true,
                    "scope": decided,
                }))?,
                Format::Human if args.markdown.as_deref() == Some(std::path::Path::new("-")) => {}
                Format::Human => println!("{}", md.trim_end()),
            }
            Ok(u8::from(!decided.problems.is_empty()))
        }
    }
}

/// Ask each open question on `out`, reading the answers from `input`, into `answers`.
fn ask(
    open: &[Question],
    answers: &mut Answers,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut exclusions: Option<Vec<String>> = None;
    for q in open {
        let prompt = format!("{} [{}]", q.text, q.reference);
        if q.id == "kind" {
            let hw = choose(&prompt, &["hardware", "software"], input, out)? == 0;
            answers.kind = Some(if hw { Kind::Hardware } else { Kind::Software });
        } else if q.id == "commercial" {
            answers.commercial = Some(yes(&prompt, input, out)?);
        } else if q.id == "data-connection" {
            answers.data_connection = Some(yes(&prompt, input, out)?);
        } else if let Some(id) = q.id.strip_prefix("exclusions.") {
            let list = exclusions.get_or_insert_with(Vec::new);
            if yes(&prompt, input, out)? {
                let exception = catalogue().exceptions.iter().find(|x| x.excepts == id);
                match exception {
                    Some(x)
                        if yes(&format!("Is it {}? [{}]", x.text, x.reference), input, out)? =>
                    {
                        list.push(x.id.clone());
                    }
                    _ => list.push(id.to_string()),
                }
            }
        }
    }
    if exclusions.is_some() {
        answers.exclusions = exclusions;
    }
    Ok(())
}

fn yes(prompt: &str, input: &mut dyn BufRead, out: &mut dyn Write) -> anyhow::Result<bool> {
    Ok(choose(prompt, &["yes", "no"], input, out)? == 0)
}

/// Ask until the answer is one of `options` (or its first letter); the end of input is an
/// error, never a default.
fn choose(
    prompt: &str,
    options: &[&str],
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<usize> {
    loop {
        write!(out, "{prompt}\n  ({}) > ", options.join("/")).context("cannot prompt")?;
        out.flush().context("cannot prompt")?;
        let mut line = String::new();
        let n = input
            .read_line(&mut line)
            .context("cannot read the answer")?;
        anyhow::ensure!(n > 0, "no answer (end of input): nothing was saved");
        let a = line.trim().to_ascii_lowercase();
        let hit = options.iter().position(|o| *o == a).or_else(|| {
            options
                .iter()
                .position(|o| !a.is_empty() && o.starts_with(&a))
        });
        match hit {
            Some(i) => return Ok(i),
            None => writeln!(out, "  please answer {}", options.join(" or "))
                .context("cannot prompt")?,
        }
    }
}

fn list(what: List, ctx: Ctx) -> anyhow::Result<()> {
    let cat = catalogue();
    let rows: Vec<(String, String, String)> = match what {
        List::Functions => cat
            .functions
            .iter()
            .map(|(id, text)| {
                let at = cat
                    .category_of(id)
                    .map_or_else(|| "does not classify".to_string(), |c| c.reference.clone());
                (id.clone(), text.clone(), at)
            })
            .collect(),
        List::Interfaces => cat
            .interfaces
            .iter()
            .map(|(id, i)| {
                let radio = if i.radio { "radio (RED)" } else { "" };
                (id.clone(), i.text.clone(), radio.to_string())
            })
            .collect(),
        List::Categories => cat
            .categories
            .iter()
            .map(|c| (c.id.clone(), c.title.clone(), c.reference.clone()))
            .collect(),
        List::Exclusions => cat
            .exclusions
            .iter()
            .map(|e| (e.id.clone(), e.text.clone(), e.reference.clone()))
            .chain(
                cat.exceptions
                    .iter()
                    .map(|e| (e.id.clone(), e.text.clone(), e.reference.clone())),
            )
            .collect(),
    };
    match ctx.format {
        Format::Json => output::json(
            &rows
                .iter()
                .map(|(id, text, reference)| {
                    serde_json::json!({"id": id, "text": text, "reference": reference})
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Human => {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::NOTHING);
            t.set_header(["id", "what", "reference"]);
            for (id, text, reference) in rows {
                t.add_row([id, text, reference]);
            }
            println!("{t}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_fills_the_answers_and_retries_on_nonsense() {
        let open = scope::unanswered(&scope::Input::default());
        let mut answers = Answers::default();
        // kind, commercial, data-connection, then the eight exclusions: only L-category,
        // and it is an e-bike designed to pedal.
        let typed = "maybe\nh\ny\nyes\nn\nn\nn\nn\nn\ny\ny\nn\nn\n";
        let mut out = Vec::new();
        ask(&open, &mut answers, &mut typed.as_bytes(), &mut out).unwrap();
        assert_eq!(answers.kind, Some(Kind::Hardware));
        assert_eq!(answers.commercial, Some(true));
        assert_eq!(answers.data_connection, Some(true));
        assert_eq!(answers.exclusions, Some(vec!["l1e-pedal".to_string()]));
        let shown = String::from_utf8(out).unwrap();
        assert!(
            shown.contains("please answer hardware or software"),
            "{shown}"
        );
        assert!(shown.contains("Art. 2(2)(a)"), "{shown}");
        // Saved and read back, the answers are the same.
        let text = scope::answers_toml(&answers);
        let back =
            craft_product::scope::parse_answers(&text, std::path::Path::new("scope.toml")).unwrap();
        assert_eq!(back, answers);
    }

    #[test]
    fn the_end_of_input_is_an_error_not_a_default() {
        let open = scope::unanswered(&scope::Input::default());
        let mut answers = Answers::default();
        let e = ask(&open, &mut answers, &mut "h\n".as_bytes(), &mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("end of input"), "{e}");
    }
}
