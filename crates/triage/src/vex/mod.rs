//! VEX: one format-neutral model ([`Document`], [`Statement`]) and the dialects read and
//! written from it — OpenVEX 0.2.0 ([`openvex`]) and CycloneDX 1.6 VEX ([`cyclonedx`]);
//! CSAF 2.0 VEX ([`csaf`]), which is also validated by its strict schema and the
//! specification's mandatory tests; SPDX 3.0 VEX relationships are read ([`spdx3`]).
//! [`apply`] applies a document to findings.
//!
//! The model is OpenVEX's vocabulary (status, the five justifications, impact and action
//! statements, notes); what a dialect says beyond it is kept in [`Statement::extra`] under
//! the dialect's name (`cyclonedx:state`, `cyclonedx:justification`, …) so a document read
//! and written in the same dialect keeps it. Statements from craft's triage carry their
//! evidence: for `not_affected` the justification and the proof as impact statement, for
//! `affected` the fixed versions as action, and the deciding layer in the notes.

pub mod apply;
pub mod csaf;
pub mod cyclonedx;
pub mod openvex;
pub mod spdx3;
pub mod yocto;

use crate::{Decision, Justification, Status};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A VEX document in no particular dialect.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Document {
    /// The document's identifier (an IRI; a `urn:uuid:` when craft makes it).
    pub id: Option<String>,
    /// Who issued it.
    pub author: Option<String>,
    /// When (RFC 3339).
    pub timestamp: Option<String>,
    /// The statements, in document order.
    pub statements: Vec<Statement>,
}

/// One vulnerability's status for some products.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Statement {
    /// The vulnerability's id.
    pub vulnerability: String,
    /// Its other names.
    pub aliases: Vec<String>,
    /// The products the statement is about.
    pub products: Vec<Product>,
    /// The status.
    pub status: Status,
    /// For `not_affected`: why.
    pub justification: Option<Justification>,
    /// For `not_affected`: the impact statement (craft: the proof).
    pub impact: Option<String>,
    /// For `affected`: what to do.
    pub action: Option<String>,
    /// How the status was determined.
    pub notes: Option<String>,
    /// What a dialect states beyond the model, by `dialect:name`.
    pub extra: BTreeMap<String, String>,
}

/// A product (or component) a statement is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Product {
    /// Its identifier: an IRI (purl, CPE) or the SBOM reference.
    pub id: String,
    /// Its package URL.
    pub purl: Option<String>,
    /// Its CPE 2.3 name.
    pub cpe23: Option<String>,
}

impl Product {
    /// A product named by purl, else CPE, else its SBOM reference.
    pub fn new(purl: Option<String>, cpe23: Option<String>, reference: &str) -> Product {
        let id = purl
            .clone()
            .or_else(|| cpe23.clone())
            .unwrap_or_else(|| reference.to_string());
        Product { id, purl, cpe23 }
    }

    /// A short name for people: the purl's name, else the CPE's product, else the id.
    pub fn name(&self) -> &str {
        self.purl
            .as_deref()
            .and_then(|u| u.split(['@', '?', '#']).next())
            .and_then(|u| u.rsplit('/').next())
            .or_else(|| self.cpe23.as_deref().and_then(|c| c.split(':').nth(4)))
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.id)
    }
}

/// The database an alias comes from, by its prefix.
pub(crate) fn source_of(id: &str) -> &'static str {
    match id.split('-').next().unwrap_or("") {
        "CVE" => "NVD",
        "GHSA" => "GitHub",
        "RUSTSEC" => "RustSec",
        "PYSEC" => "PyPA",
        "GO" => "Go",
        "OSV" => "OSV",
        _ => "other",
    }
}

/// Why a VEX document cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if pointer.is_empty() { String::new() } else { format!("{pointer}: ") })]
pub struct VexError {
    /// Where (a JSON Pointer into the document).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl VexError {
    pub(crate) fn at(pointer: impl Into<String>, message: impl Into<String>) -> VexError {
        VexError {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

/// Read a VEX document of any dialect craft reads, telling which (`openvex`, `cyclonedx`,
/// `csaf`, `spdx3`, `yocto-cve-check`).
///
/// # Errors
/// The document is none of them, or its dialect's reader refuses it.
pub fn read_any(v: &serde_json::Value) -> Result<(&'static str, Document), VexError> {
    if spdx3::is_spdx3(v) {
        Ok(("spdx3", spdx3::read(v)?))
    } else if v.get("@context").is_some() {
        Ok(("openvex", openvex::read(v)?))
    } else if v.get("bomFormat").is_some() {
        Ok(("cyclonedx", cyclonedx::read(v)?))
    } else if v.pointer("/document/csaf_version").is_some() {
        Ok(("csaf", csaf::read(v)?))
    } else if yocto::is_cve_check(v) {
        Ok(("yocto-cve-check", yocto::read(v)?))
    } else {
        Err(VexError::at(
            "",
            "neither OpenVEX (no `@context`), CycloneDX (no `bomFormat`), CSAF (no \
             `document.csaf_version`), SPDX 3 (no spdx.org/rdf/3 `@context`) nor Yocto \
             cve-check JSON (no `package` list)",
        ))
    }
}

/// A statement from a triage decision.
pub fn from_decision(
    vulnerability: &str,
    aliases: &[String],
    product: &Product,
    decision: &Decision,
    fixed: &[String],
) -> Statement {
    let (justification, impact, action) = match decision.status {
        Status::NotAffected => (decision.justification, Some(decision.reason.clone()), None),
        Status::Affected => {
            let action = if fixed.is_empty() {
                "No fixed version is named by the vulnerability data: assess a backport of the upstream fix or a mitigation.".to_string()
            } else {
                format!("Update to a version with the fix: {}.", fixed.join(", "))
            };
            (None, None, Some(action))
        }
        Status::UnderInvestigation | Status::Fixed => (None, None, None),
    };
    Statement {
        vulnerability: vulnerability.to_string(),
        aliases: aliases
            .iter()
            .filter(|a| *a != vulnerability)
            .cloned()
            .collect(),
        products: vec![product.clone()],
        status: decision.status,
        justification,
        impact,
        action,
        notes: Some(format!(
            "craft triage, layer {}: {}",
            decision.layer.name(),
            decision.reason
        )),
        extra: BTreeMap::new(),
    }
}

impl Document {
    /// A document of `statements` by `author` at `timestamp`, its id a UUID derived from
    /// its content (the same statements give the same document).
    pub fn new(author: &str, timestamp: &str, statements: Vec<Statement>) -> Document {
        let digest = Sha256::digest(
            serde_json::to_vec(&(author, timestamp, &statements)).unwrap_or_default(),
        );
        Document {
            id: Some(format!("urn:uuid:{}", uuid8(&digest))),
            author: Some(author.to_string()),
            timestamp: Some(timestamp.to_string()),
            statements,
        }
    }
}

/// A UUID (version 8: custom, RFC 9562) from the first 16 bytes of a digest.
pub(crate) fn uuid8(digest: &[u8]) -> String {
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
