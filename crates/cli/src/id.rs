//! `craft id …`: read package identifiers (package URLs, CPE names) the way the matcher does.

use crate::{output, Ctx, Format};
use clap::Subcommand;
use craft_version::cpe::{Av, Wfn, ATTRIBUTES};
use craft_version::identity::Table;
use craft_version::purl::Purl;
use serde_json::{json, Value};

/// Parse package identifiers.
#[derive(Debug, Subcommand)]
pub enum IdCommand {
    /// Parse a package URL or a CPE name and print its parts, its canonical form, and the
    /// identities it resolves to (CPE candidates for a purl, package names for a CPE),
    /// each with the reason.
    ///
    /// Exits 0, or 2 with the reason when the identifier is not valid.
    #[command(after_help = "\
Examples:
  craft id parse 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64'
  craft id parse 'cpe:2.3:o:linux:linux_kernel:6.1.55:*:*:*:*:*:*:*'
  craft id parse 'cpe:/a:openssl:openssl:1.0.2k'      # CPE 2.2 URI, bound to 2.3
  craft --format json id parse 'pkg:PYPI/Django_Package@1.11'")]
    Parse {
        /// A package URL (`pkg:…`) or a CPE name (`cpe:2.3:…` or `cpe:/…`).
        id: String,
    },
}

fn av(a: &Av) -> Value {
    match a {
        Av::Any => json!("ANY"),
        Av::Na => json!("NA"),
        Av::Value(v) => json!(v),
    }
}

/// Run a `craft id` command; the exit code on success.
pub fn run(cmd: IdCommand, ctx: Ctx) -> anyhow::Result<u8> {
    let IdCommand::Parse { id } = cmd;
    let table = Table::default();
    let (kind, canonical, parts, resolved) = if id.starts_with("cpe:") {
        let w = Wfn::parse(&id)?;
        let names: Vec<Value> = table
            .package_names(&w)
            .into_iter()
            .map(|n| json!({"package": n, "reason": "named for this vendor and product in the identity table"}))
            .collect();
        let parts: serde_json::Map<String, Value> = ATTRIBUTES
            .iter()
            .zip(&w.attrs)
            .map(|(k, a)| ((*k).to_string(), av(a)))
            .collect();
        ("cpe", w.to_string(), Value::Object(parts), names)
    } else {
        let p = Purl::parse(&id)?;
        let cands: Vec<Value> = table
            .candidates(&p)
            .into_iter()
            .map(|c| json!({"cpe": c.cpe.to_string(), "reason": c.reason}))
            .collect();
        let parts = json!({
            "type": p.ty, "namespace": p.namespace, "name": p.name, "version": p.version,
            "qualifiers": p.qualifiers, "subpath": p.subpath,
        });
        ("purl", p.to_string(), parts, cands)
    };
    match ctx.format {
        Format::Json => {
            output::json(&json!({"kind": kind, "canonical": canonical, "parts": parts}))?
        }
        Format::Human => {
            println!("{kind} {canonical}");
            if let Value::Object(m) = &parts {
                for (k, v) in m {
                    let shown = match v {
                        Value::Null => continue,
                        Value::String(s) => s.clone(),
                        Value::Object(o) if o.is_empty() => continue,
                        other => other.to_string(),
                    };
                    println!("  {k:<11} {shown}");
                }
            }
            for r in &resolved {
                let target = r.get("cpe").or_else(|| r.get("package"));
                println!(
                    "  resolves to {} ({})",
                    target.and_then(Value::as_str).unwrap_or_default(),
                    r["reason"].as_str().unwrap_or_default()
                );
            }
        }
    }
    Ok(0)
}
