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
    }
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
