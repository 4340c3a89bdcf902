//! `craft advisory`: the disclosure documents of a product — RFC 9116 security.txt and the
//! coordinated vulnerability disclosure policy (Annex I Part II (5)-(6)).

use crate::{output, Ctx};
use anyhow::Context;
use clap::{Args, Subcommand};
use craft_cra::disclosure::{self, PolicyFacts, SecurityTxt};
use craft_product::ProductDir;
use std::path::PathBuf;

/// `craft advisory …`.
#[derive(Debug, Subcommand)]
pub enum AdvisoryCommand {
    /// Write an RFC 9116 security.txt from craft.toml's contact data (checked before it is
    /// written; sign it before serving it).
    SecurityTxt(SecurityTxtArgs),
    /// Write a coordinated vulnerability disclosure policy draft from craft.toml.
    CvdPolicy(PolicyArgs),
    /// Check a security.txt against RFC 9116 (exit 1 when it fails).
    CheckSecurityTxt(CheckTxtArgs),
    /// Write a CSAF 2.0 security advisory for one vulnerability of the product, from the
    /// check's findings, the fixed release and its Article 14 case (valid by the strict
    /// schema and the mandatory tests, or not written).
    Csaf(CsafArgs),
    /// Publish CSAF documents in a provider directory (CSAF 2.0 section 7: provider-metadata.json,
    /// one folder per year, index.txt, changes.csv, SHA-256 and SHA-512 files), replacing
    /// it atomically; documents already there are kept unless a new one has their id.
    Publish(PublishArgs),
    /// Check a provider directory against CSAF 2.0 section 7.1 (exit 1 when one fails).
    CheckProvider(CheckProviderArgs),
}

/// `craft advisory publish`.
#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  craft advisory publish --to www/.well-known/csaf --base-url https://acme.example/.well-known/csaf \\
        acme-2026-004.json")]
pub struct PublishArgs {
    /// The provider directory (served at --base-url).
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
    /// Where it is served: https://…/.well-known/csaf (CSAF 7.1.9).
    #[arg(long, value_name = "URL")]
    base_url: String,
    /// The CSAF documents to add.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// `craft advisory check-provider`.
#[derive(Debug, Args)]
pub struct CheckProviderArgs {
    /// The provider directory.
    dir: PathBuf,
    /// Where it is served (the URLs in its metadata start with it).
    #[arg(long, value_name = "URL")]
    base_url: String,
}

/// `craft advisory csaf`.
#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  craft advisory csaf examples/gateway --vuln CVE-2024-36971 --id ACME-2026-004 \\
        --fixed-in 2.1.1 --fix-url https://acme.example/downloads/agw-200/2.1.1 -o acme-2026-004.json

Exit codes: 0 written; 2 the document would not be valid (the failed tests are listed), the
vulnerability is in no release, or a file is invalid.")]
pub struct CsafArgs {
    /// The product directory.
    #[arg(default_value = ".")]
    product: PathBuf,
    /// The vulnerability (CVE or another id of the findings).
    #[arg(long, value_name = "ID")]
    vuln: String,
    /// The advisory's tracking id (e.g. ACME-2026-004).
    #[arg(long)]
    id: String,
    /// The release that fixes it (may be one craft.toml does not list yet).
    #[arg(long, value_name = "VERSION")]
    fixed_in: Option<String>,
    /// Where users get the fix.
    #[arg(long, value_name = "URL")]
    fix_url: Option<String>,
    /// The publisher's namespace (default: [manufacturer] website).
    #[arg(long, value_name = "URL")]
    namespace: Option<String>,
    /// The advisory this one updates (same --id): its first release date and history are
    /// kept and its version raised.
    #[arg(long, value_name = "FILE")]
    previous: Option<PathBuf>,
    /// What changed, for the revision history of an update.
    #[arg(long, value_name = "TEXT", requires = "previous")]
    revision: Option<String>,
    /// TLP label: WHITE (public), GREEN, AMBER or RED.
    #[arg(long, default_value = "WHITE", value_parser = ["WHITE", "GREEN", "AMBER", "RED"])]
    tlp: String,
    /// Vulnerability database directory (overrides craft.toml's [vulndb]).
    #[arg(long, value_name = "DIR")]
    db: Option<PathBuf>,
    /// Output file ("-" for stdout).
    #[arg(long, short = 'o', default_value = "-")]
    output: PathBuf,
}

/// `craft advisory security-txt`.
#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  craft advisory security-txt examples/gateway --expires 2027-06-30T00:00:00Z \\
        --policy https://acme.example/security/cvd --canonical https://acme.example/.well-known/security.txt \\
        -o examples/gateway/security/security.txt")]
pub struct SecurityTxtArgs {
    /// The product directory.
    #[arg(default_value = ".")]
    product: PathBuf,
    /// When it expires (RFC 3339; less than a year ahead).
    #[arg(long, value_name = "TIME")]
    expires: String,
    /// The CVD policy's URL.
    #[arg(long, value_name = "URL")]
    policy: Option<String>,
    /// Where the file will be served.
    #[arg(long, value_name = "URL")]
    canonical: Option<String>,
    /// The CSAF provider-metadata.json URL.
    #[arg(long, value_name = "URL")]
    csaf: Option<String>,
    /// The OpenPGP key URL.
    #[arg(long, value_name = "URL")]
    encryption: Option<String>,
    /// Preferred languages.
    #[arg(long, default_value = "en")]
    languages: String,
    /// Output file ("-" for stdout).
    #[arg(long, short = 'o', default_value = "-")]
    output: PathBuf,
}

/// `craft advisory cvd-policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// The product directory.
    #[arg(default_value = ".")]
    product: PathBuf,
    /// Output file ("-" for stdout).
    #[arg(long, short = 'o', default_value = "-")]
    output: PathBuf,
}

/// `craft advisory check-security-txt`.
#[derive(Debug, Args)]
pub struct CheckTxtArgs {
    /// The file.
    file: PathBuf,
}

/// Run `craft advisory …`.
pub fn run(cmd: AdvisoryCommand, ctx: Ctx) -> anyhow::Result<u8> {
    match cmd {
        AdvisoryCommand::SecurityTxt(a) => security_txt(a),
        AdvisoryCommand::CvdPolicy(a) => policy(a),
        AdvisoryCommand::CheckSecurityTxt(a) => check_txt(a, ctx),
        AdvisoryCommand::Csaf(a) => csaf(a, ctx),
        AdvisoryCommand::Publish(a) => publish(a, ctx),
        AdvisoryCommand::CheckProvider(a) => check_provider(a, ctx),
    }
}

/// The problems that make `doc` invalid CSAF 2.0 (strict schema and mandatory tests).
fn csaf_problems(doc: &serde_json::Value) -> Vec<String> {
    craft_triage::vex::csaf::validate(doc.clone())
        .iter()
        .map(|f| format!("{} {}: {}", f.test, f.pointer, f.message))
        .collect()
}

/// Every `*.json` under `dir`, recursively, sorted.
fn json_files(dir: &std::path::Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries: Vec<_> = fs_err::read_dir(dir)?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        let t = e.file_type()?;
        if t.is_dir() {
            json_files(&p, out)?;
        } else if t.is_file() && p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    Ok(())
}

fn read_json(p: &std::path::Path) -> anyhow::Result<serde_json::Value> {
    let bytes = fs_err::read(p)?;
    serde_json::from_slice(&bytes).with_context(|| format!("`{}` is not JSON", p.display()))
}

fn publish(a: PublishArgs, ctx: Ctx) -> anyhow::Result<u8> {
    anyhow::ensure!(
        a.base_url.starts_with("https://")
            && a.base_url
                .trim_end_matches('/')
                .ends_with("/.well-known/csaf"),
        "--base-url must be https://…/.well-known/csaf (CSAF 7.1.3, 7.1.9)"
    );
    let mut docs: Vec<serde_json::Value> = Vec::new();
    let mut replaced: Vec<String> = Vec::new();
    let white = a.to.join("white");
    if white.is_dir() {
        let mut old = Vec::new();
        json_files(&white, &mut old)?;
        for p in old {
            docs.push(read_json(&p)?);
        }
    }
    let id = |d: &serde_json::Value| {
        d.pointer("/document/tracking/id")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    for f in &a.files {
        let doc = read_json(f)?;
        let problems = csaf_problems(&doc);
        anyhow::ensure!(
            problems.is_empty(),
            "`{}` is not valid CSAF 2.0: {}",
            f.display(),
            problems.join("; ")
        );
        let new_id = id(&doc);
        if let Some(at) = docs.iter().position(|d| id(d) == new_id) {
            // An update replaces a published advisory only as its next version, with the
            // same first release date (its URL and year folder stay).
            let field = |d: &serde_json::Value, p: &str| {
                d.pointer(p)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let version = |d: &serde_json::Value| {
                field(d, "/document/tracking/version")
                    .parse::<u64>()
                    .unwrap_or(0)
            };
            let old = &docs[at];
            anyhow::ensure!(
                version(&doc) > version(old),
                "`{}` has version {} of {new_id}, and version {} is published: an update needs \
                 a higher version (`craft advisory csaf --previous`)",
                f.display(),
                field(&doc, "/document/tracking/version"),
                field(old, "/document/tracking/version")
            );
            anyhow::ensure!(
                field(&doc, "/document/tracking/initial_release_date")
                    == field(old, "/document/tracking/initial_release_date"),
                "`{}` changes the initial release date of {new_id}: an update keeps it",
                f.display()
            );
            if !ctx.quiet {
                anstream::eprintln!(
                    "updating {new_id} to version {}",
                    field(&doc, "/document/tracking/version")
                );
            }
            replaced.push(craft_cra::disclosure::csaf_file_name(&new_id));
            docs.remove(at);
        }
        docs.push(doc);
    }
    let publisher = docs
        .last()
        .and_then(|d| d.pointer("/document/publisher"))
        .cloned()
        .context("no document to publish")?;
    let files = craft_cra::provider::files(&docs, &a.base_url, &publisher, &output::now_rfc3339())
        .map_err(|e| anyhow::anyhow!(e))?;
    // Build the whole directory beside the old one, then put it in place with two renames
    // (between them the directory is briefly absent; a file is never half written).
    let parent = match a.to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs_err::create_dir_all(&parent)?;
    let tmp = tempfile::Builder::new()
        .prefix(".csaf-new-")
        .tempdir_in(&parent)?;
    for (rel, bytes) in &files {
        let p = tmp.path().join(rel);
        if let Some(d) = p.parent() {
            fs_err::create_dir_all(d)?;
        }
        fs_err::write(&p, bytes)?;
    }
    // What craft did not write (OpenPGP keys and signatures, ROLIE feeds, other files) is
    // kept, except the signatures of documents this run replaced: they no longer match.
    if a.to.is_dir() {
        let ours: std::collections::BTreeSet<&str> =
            files.iter().map(|(r, _)| r.as_str()).collect();
        let mut stale = Vec::new();
        keep_others(&a.to, &a.to, tmp.path(), &ours, &replaced, &mut stale)?;
        if !stale.is_empty() && !ctx.quiet {
            anstream::eprintln!(
                "dropped {} signature(s) of replaced documents; sign the new versions: {}",
                stale.len(),
                stale.join(", ")
            );
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs_err::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))?;
    }
    if a.to.exists() {
        let old = parent.join(format!(".csaf-old-{}", std::process::id()));
        fs_err::rename(&a.to, &old)?;
        if let Err(e) = fs_err::rename(tmp.path(), &a.to) {
            // Put the old directory back; the staged one is removed with `tmp`.
            let _ = fs_err::rename(&old, &a.to);
            return Err(e.into());
        }
        let _ = tmp.keep();
        if let Err(e) = fs_err::remove_dir_all(&old) {
            anstream::eprintln!(
                "warning: the previous directory stays at `{}`: {e}",
                old.display()
            );
        }
    } else {
        fs_err::rename(tmp.path(), &a.to)?;
        let _ = tmp.keep();
    }
    if !ctx.quiet {
        anstream::eprintln!(
            "published {} documents in `{}` ({} files)",
            docs.len(),
            a.to.display(),
            files.len()
        );
    }
    Ok(0)
}

/// Copy every file under `dir` (walking from `root`) that craft does not write (`ours`,
/// paths relative to `root`) into `to`, except `.asc` signatures of `replaced` documents.
fn keep_others(
    root: &std::path::Path,
    dir: &std::path::Path,
    to: &std::path::Path,
    ours: &std::collections::BTreeSet<&str>,
    replaced: &[String],
    stale: &mut Vec<String>,
) -> anyhow::Result<()> {
    for e in fs_err::read_dir(dir)?.filter_map(Result::ok) {
        let p = e.path();
        let rel = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        let t = e.file_type()?;
        if t.is_dir() {
            keep_others(root, &p, to, ours, replaced, stale)?;
        } else if t.is_file() && !ours.contains(rel.as_str()) {
            let published = rel.starts_with("white/")
                && (rel.ends_with(".json")
                    || rel.ends_with(".json.sha256")
                    || rel.ends_with(".json.sha512"));
            if published {
                continue;
            }
            let name = rel.rsplit('/').next().unwrap_or_default();
            if replaced.iter().any(|r| name == format!("{r}.asc")) {
                stale.push(rel);
                continue;
            }
            let dest = to.join(&rel);
            if let Some(d) = dest.parent() {
                fs_err::create_dir_all(d)?;
            }
            fs_err::copy(&p, &dest)?;
        }
    }
    Ok(())
}

fn check_provider(a: CheckProviderArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let base = a.base_url.trim_end_matches('/').to_string();
    let root = a.dir.clone();
    let mut fetch = |url: &str| -> Result<craft_cra::provider::Response, String> {
        let rel = url
            .strip_prefix(&base)
            .ok_or_else(|| format!("{url} is outside {base}"))?
            .trim_start_matches('/');
        if rel.split('/').any(|c| c == "..") {
            return Err(format!("{url}: `..` in the path"));
        }
        match fs_err::read(root.join(rel)) {
            Ok(body) => Ok(craft_cra::provider::Response { status: 200, body }),
            Err(_) => Ok(craft_cra::provider::Response {
                status: 404,
                body: Vec::new(),
            }),
        }
    };
    let results = craft_cra::provider::check(
        &format!("{base}/{}", craft_cra::provider::METADATA),
        &mut fetch,
        &csaf_problems,
        false,
    );
    let failed = results.iter().any(|r| r.ok == Some(false));
    match ctx.format {
        crate::Format::Json => output::json(&results)?,
        crate::Format::Human => {
            for r in &results {
                let mark = match r.ok {
                    Some(true) => "ok  ",
                    Some(false) => "FAIL",
                    None => "n/a ",
                };
                println!("{mark} {} {}: {}", r.id, r.title, r.detail);
            }
        }
    }
    Ok(u8::from(failed))
}

fn csaf(a: CsafArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.product)?;
    let report = crate::check::check_product(&product, a.db.as_deref(), Vec::new(), None, ctx)?;
    let doc = craft_product::advisory::security_advisory(
        &product,
        &report,
        &craft_product::advisory::AdvisoryInput {
            vulnerability: a.vuln.clone(),
            id: a.id.clone(),
            fixed_in: a.fixed_in.clone(),
            fix_url: a.fix_url.clone(),
            namespace: a.namespace.clone(),
            now: output::now_rfc3339(),
            tlp: a.tlp.clone(),
            previous: a.previous.as_deref().map(read_json).transpose()?,
            revision: a.revision.clone(),
        },
    )?;
    let failed = craft_triage::vex::csaf::validate(doc.clone());
    if !failed.is_empty() {
        let list: Vec<String> = failed
            .iter()
            .map(|f| format!("{} {}: {}", f.test, f.pointer, f.message))
            .collect();
        anyhow::bail!(
            "the advisory would not be valid CSAF 2.0 ({} problems): {}",
            list.len(),
            list.join("; ")
        );
    }
    let mut bytes = serde_json::to_vec_pretty(&doc)?;
    bytes.push(b'\n');
    output::write_atomic(&a.output, &bytes)?;
    if !ctx.quiet && a.output.as_os_str() != "-" {
        anstream::eprintln!(
            "wrote `{}` ({}; CSAF file name {})",
            a.output.display(),
            a.id,
            craft_cra::disclosure::csaf_file_name(&a.id)
        );
    }
    Ok(0)
}

fn contact_uri(c: &str) -> String {
    if c.contains('@') && !c.contains(':') {
        format!("mailto:{c}")
    } else {
        c.to_string()
    }
}

fn security_txt(a: SecurityTxtArgs) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.product)?;
    let m = product
        .manifest
        .manufacturer
        .as_ref()
        .context("craft.toml has no [manufacturer]: a security.txt needs its contact-point")?;
    let point = m.contact_point.as_deref().context(
        "[manufacturer] has no contact-point (the single point of contact, Art. 13(17))",
    )?;
    let mut contacts = vec![contact_uri(point)];
    if let Some(e) = m.email.as_deref().filter(|e| !point.contains(e)) {
        contacts.push(contact_uri(e));
    }
    let text = disclosure::security_txt(&SecurityTxt {
        contacts,
        expires: a.expires.clone(),
        policy: a.policy,
        canonical: a.canonical,
        csaf: a.csaf,
        encryption: a.encryption,
        languages: Some(a.languages),
    });
    disclosure::check_security_txt(&text, &output::now_rfc3339())
        .map_err(|e| anyhow::anyhow!("the security.txt would not be valid: {e}"))?;
    output::write_atomic(&a.output, text.as_bytes())?;
    Ok(0)
}

fn policy(a: PolicyArgs) -> anyhow::Result<u8> {
    let product = ProductDir::open(&a.product)?;
    let m = &product.manifest;
    let man = m.manufacturer.as_ref();
    let contact = man
        .and_then(|x| x.contact_point.clone().or_else(|| x.email.clone()))
        .context("[manufacturer] has no contact-point or email to receive reports")?;
    let mut name = m.product.name.clone();
    if let Some(model) = &m.product.model {
        name.push_str(&format!(" ({model})"));
    }
    let text = disclosure::cvd_policy(&PolicyFacts {
        manufacturer: m
            .manufacturer_name()
            .unwrap_or("[manufacturer]")
            .to_string(),
        products: vec![name],
        contact,
        member_state: man.and_then(|x| x.main_establishment.clone()),
        support_end: m.product.support_end.map(|d| d.to_string()),
    });
    output::write_atomic(&a.output, text.as_bytes())?;
    Ok(0)
}

fn check_txt(a: CheckTxtArgs, ctx: Ctx) -> anyhow::Result<u8> {
    let text = fs_err::read_to_string(&a.file)?;
    let result = disclosure::check_security_txt(&text, &output::now_rfc3339());
    match ctx.format {
        crate::Format::Json => output::json(&serde_json::json!({
            "file": a.file.display().to_string(),
            "valid": result.is_ok(),
            "problem": result.as_ref().err(),
        }))?,
        crate::Format::Human => match &result {
            Ok(()) => println!("{}: valid RFC 9116", a.file.display()),
            Err(e) => println!("{}: {e}", a.file.display()),
        },
    }
    Ok(u8::from(result.is_err()))
}
