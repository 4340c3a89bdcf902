//! Yocto's cve-check JSON (read): `cve-summary.json` and the per-recipe `*_cve.json` the
//! `cve-check` class writes — the build's own verdict per recipe and CVE, including the
//! patches it applied (`CVE_STATUS`, `CVE:` tags of the recipe's patches).
//!
//! ```json
//! {"version": "1", "package": [{"name": "busybox", "layer": "meta", "version": "1.36.1",
//!   "products": [{"product": "busybox", "cvesInRecord": "Yes"}],
//!   "issue": [{"id": "CVE-2022-28391", "status": "Patched", "detail": "backported-patch",
//!              "description": "…"}]}]}
//! ```
//!
//! Status `Patched` is `fixed`; `Ignored` with detail `not-applicable-config` or
//! `not-applicable-platform` is `not_affected` (`vulnerable_code_not_present`), with
//! `cpe-incorrect` `not_affected` (`component_not_present`), the detail and description
//! the impact statement; `Ignored` otherwise (`upstream-wontfix`: the code is there;
//! `disputed`, `ignored`, no detail) is `under_investigation`, left for a person; `Unpatched`
//! is `affected`; anything else `under_investigation`. The product of each statement is the recipe: `pkg:yocto` purl
//! (`pkg:yocto/meta/busybox@1.36.1`) and a CPE per `products` entry
//! (`cpe:2.3:a:*:busybox:1.36.1:…`, the vendor a wildcard as Yocto's `CVE_PRODUCT` may
//! name none).

use super::{Document, Product, Statement, VexError};
use crate::{Justification, Status};
use serde_json::Value;
use std::collections::BTreeMap;

/// Whether `v` looks like cve-check JSON.
pub fn is_cve_check(v: &Value) -> bool {
    v.get("package").is_some_and(Value::is_array)
        && v.get("version").is_some()
        && v.get("@context").is_none()
}

/// A value as a CPE 2.3 formatted-string field (`\` before characters other than letters,
/// digits, `_`, `-` and `.`).
fn cpe_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Read cve-check JSON.
///
/// # Errors
/// Not cve-check JSON; a package without a name, or an issue without an id or status.
pub fn read(v: &Value) -> Result<Document, VexError> {
    if !is_cve_check(v) {
        return Err(VexError::at(
            "",
            "not Yocto cve-check JSON (no `version` and `package` list)",
        ));
    }
    let packages = v
        .get("package")
        .and_then(Value::as_array)
        .ok_or_else(|| VexError::at("/package", "not an array"))?;
    let mut statements = Vec::new();
    for (pi, p) in packages.iter().enumerate() {
        let at = format!("/package/{pi}");
        let s = |k: &str| p.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
        let name = s("name").ok_or_else(|| VexError::at(format!("{at}/name"), "missing"))?;
        let version = s("version");
        let layer = s("layer").unwrap_or("unknown");
        let purl = format!(
            "pkg:yocto/{layer}/{name}{}",
            version.map_or_else(String::new, |v| format!("@{v}"))
        );
        let cpes: Vec<String> = p
            .get("products")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|x| x.get("product").and_then(Value::as_str))
            .filter(|x| !x.is_empty())
            .map(|product| {
                // `CVE_PRODUCT` may be `vendor:product`.
                let (vendor, product) = product.split_once(':').unwrap_or(("*", product));
                format!(
                    "cpe:2.3:a:{}:{}:{}:*:*:*:*:*:*:*",
                    if vendor == "*" {
                        "*".into()
                    } else {
                        cpe_escape(vendor)
                    },
                    cpe_escape(product),
                    version.map_or_else(|| "*".into(), cpe_escape)
                )
            })
            .collect();
        let mut products = vec![Product::new(Some(purl), cpes.first().cloned(), name)];
        for c in cpes.iter().skip(1) {
            products.push(Product::new(None, Some(c.clone()), c));
        }
        for (ii, issue) in p
            .get("issue")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let at = format!("{at}/issue/{ii}");
            let t = |k: &str| {
                issue
                    .get(k)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            let id = t("id").ok_or_else(|| VexError::at(format!("{at}/id"), "missing"))?;
            let status_name =
                t("status").ok_or_else(|| VexError::at(format!("{at}/status"), "missing"))?;
            let detail = t("detail");
            let (status, justification) = match status_name {
                "Patched" => (Status::Fixed, None),
                // Only the details that say the code is not there dismiss: `upstream-wontfix`
                // (the code is present), `disputed`, `ignored` and no detail (the old
                // CVE_CHECK_IGNORE) leave the finding open for a person to decide.
                "Ignored" => match detail {
                    Some("not-applicable-config" | "not-applicable-platform") => (
                        Status::NotAffected,
                        Some(Justification::VulnerableCodeNotPresent),
                    ),
                    Some("cpe-incorrect") => (
                        Status::NotAffected,
                        Some(Justification::ComponentNotPresent),
                    ),
                    _ => (Status::UnderInvestigation, None),
                },
                "Unpatched" => (Status::Affected, None),
                _ => (Status::UnderInvestigation, None),
            };
            let said = [detail, t("description")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            let impact = (status == Status::NotAffected)
                .then(|| format!("Ignored by the build's cve-check: {said}"));
            let notes = Some(format!(
                "Yocto cve-check: {status_name}{}",
                if said.is_empty() || impact.is_some() {
                    String::new()
                } else {
                    format!(" ({said})")
                }
            ));
            statements.push(Statement {
                vulnerability: id.to_string(),
                aliases: Vec::new(),
                products: products.clone(),
                status,
                justification,
                impact,
                action: (status == Status::Affected).then(|| {
                    "Unpatched in this build: update the recipe or backport the fix.".to_string()
                }),
                notes,
                extra: BTreeMap::new(),
            });
        }
    }
    Ok(Document {
        id: None,
        author: Some("Yocto cve-check".to_string()),
        timestamp: None,
        statements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statuses_and_details_map_onto_vex() {
        let v = json!({"version": "1", "package": [
            {"name": "busybox", "layer": "meta", "version": "1.36.1",
             "products": [{"product": "busybox", "cvesInRecord": "Yes"}],
             "issue": [
                {"id": "CVE-1", "status": "Patched", "detail": "backported-patch"},
                {"id": "CVE-2", "status": "Ignored", "detail": "not-applicable-config",
                 "description": "the applet is not enabled"},
                {"id": "CVE-3", "status": "Ignored"},
                {"id": "CVE-4", "status": "Unpatched"},
                {"id": "CVE-5", "status": "Unknown"}]},
            {"name": "tiff", "version": "4.6.0",
             "products": [{"product": "libtiff:libtiff"}], "issue": []}
        ]});
        let d = read(&v).unwrap();
        let st: Vec<(Status, Option<Justification>)> = d
            .statements
            .iter()
            .map(|s| (s.status, s.justification))
            .collect();
        assert_eq!(
            st,
            vec![
                (Status::Fixed, None),
                (
                    Status::NotAffected,
                    Some(Justification::VulnerableCodeNotPresent)
                ),
                (Status::UnderInvestigation, None),
                (Status::Affected, None),
                (Status::UnderInvestigation, None),
            ]
        );
        let s = &d.statements[1];
        assert_eq!(
            s.impact.as_deref(),
            Some("Ignored by the build's cve-check: not-applicable-config: the applet is not enabled")
        );
        assert_eq!(
            s.products[0].purl.as_deref(),
            Some("pkg:yocto/meta/busybox@1.36.1")
        );
        assert_eq!(
            s.products[0].cpe23.as_deref(),
            Some("cpe:2.3:a:*:busybox:1.36.1:*:*:*:*:*:*:*")
        );
        assert_eq!(d.statements[2].impact, None);
        assert_eq!(
            d.statements[2].notes.as_deref(),
            Some("Yocto cve-check: Ignored")
        );
        for bad in [
            json!({"version": "1", "package": [{"issue": []}]}),
            json!({"version": "1", "package": [{"name": "x", "issue": [{"status": "Patched"}]}]}),
            json!({"version": "1", "package": [{"name": "x", "issue": [{"id": "CVE-1"}]}]}),
            json!({"package": []}),
        ] {
            assert!(read(&bad).is_err(), "{bad}");
        }
    }
}
