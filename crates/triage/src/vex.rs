//! VEX documents from triage decisions. OpenVEX 0.2.0 now; CycloneDX VEX and CSAF follow.
//!
//! Every statement carries the decision's evidence: for `not_affected` the justification
//! and, as `impact_statement`, the proof (file, Makefile line, `CONFIG_` symbol); for
//! `affected` an `action_statement` (the fixed versions the data names); `status_notes`
//! names the layer that decided. Documents are deterministic: the same decisions, product
//! and time give the same bytes, and the document's `@id` is derived from its content.

use crate::{Decision, Status};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The product a statement is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Its package URL, if it has one.
    pub purl: Option<String>,
    /// Its CPE 2.3 name, if it has one.
    pub cpe23: Option<String>,
    /// Its reference in the SBOM (`bom-ref`, `SPDXID`), used when it has neither.
    pub reference: String,
}

impl Product {
    /// The IRI OpenVEX names it by: the purl, else the CPE, else a URN of the reference.
    fn iri(&self) -> String {
        self.purl
            .clone()
            .or_else(|| self.cpe23.clone())
            .unwrap_or_else(|| format!("urn:craft:component:{}", self.reference))
    }
}

/// One vulnerability decided for one product.
#[derive(Debug, Clone)]
pub struct Statement<'a> {
    /// The vulnerability's id (its CVE when it has one).
    pub vulnerability: &'a str,
    /// Its other names.
    pub aliases: &'a [String],
    /// The product.
    pub product: &'a Product,
    /// The decision.
    pub decision: &'a Decision,
    /// Versions that fix it, for an `affected` statement's action.
    pub fixed: &'a [String],
}

/// An OpenVEX 0.2.0 document.
pub fn openvex(author: &str, timestamp: &str, statements: &[Statement<'_>]) -> Value {
    let list: Vec<Value> = statements.iter().map(|s| openvex_statement(s)).collect();
    let digest =
        Sha256::digest(serde_json::to_vec(&json!([author, timestamp, &list])).unwrap_or_default());
    json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": format!("urn:uuid:{}", uuid8(&digest)),
        "author": author,
        "timestamp": timestamp,
        "version": 1,
        "tooling": format!("craft {}", env!("CARGO_PKG_VERSION")),
        "statements": list,
    })
}

fn openvex_statement(s: &Statement<'_>) -> Value {
    let d = s.decision;
    let mut vuln = Map::new();
    vuln.insert("name".into(), json!(s.vulnerability));
    let aliases: Vec<&String> = s.aliases.iter().filter(|a| *a != s.vulnerability).collect();
    if !aliases.is_empty() {
        vuln.insert("aliases".into(), json!(aliases));
    }
    let mut identifiers = Map::new();
    if let Some(p) = &s.product.purl {
        identifiers.insert("purl".into(), json!(p));
    }
    if let Some(c) = &s.product.cpe23 {
        identifiers.insert("cpe23".into(), json!(c));
    }
    let mut product = Map::new();
    product.insert("@id".into(), json!(s.product.iri()));
    if !identifiers.is_empty() {
        product.insert("identifiers".into(), Value::Object(identifiers));
    }
    let mut st = Map::new();
    st.insert("vulnerability".into(), Value::Object(vuln));
    st.insert("products".into(), json!([Value::Object(product)]));
    st.insert("status".into(), json!(d.status.name()));
    st.insert(
        "status_notes".into(),
        json!(format!(
            "craft triage, layer {}: {}",
            d.layer.name(),
            d.reason
        )),
    );
    match d.status {
        Status::NotAffected => {
            if let Some(j) = d.justification {
                st.insert("justification".into(), json!(j.name()));
            }
            st.insert("impact_statement".into(), json!(d.reason));
        }
        Status::Affected => {
            let action = if s.fixed.is_empty() {
                "No fixed version is named by the vulnerability data: assess a backport of the upstream fix or a mitigation.".to_string()
            } else {
                format!("Update to a version with the fix: {}.", s.fixed.join(", "))
            };
            st.insert("action_statement".into(), json!(action));
        }
        Status::UnderInvestigation | Status::Fixed => {}
    }
    Value::Object(st)
}

/// A UUID (version 8: custom, RFC 9562) from the first 16 bytes of a digest.
fn uuid8(digest: &[u8]) -> String {
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_8_and_the_variant() {
        let u = uuid8(&[0xff; 32]);
        assert_eq!(u, "ffffffff-ffff-8fff-bfff-ffffffffffff");
    }
}
