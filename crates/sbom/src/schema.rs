//! Validation against the official JSON schemas, bundled in the binary.
//!
//! The schemas under `crates/sbom/schemas/` are the upstream files, unmodified (sources in
//! `crates/sbom/schemas/SOURCES.md`). They are compiled once per process, on first use, with
//! every cross-schema `$ref` (CycloneDX → `spdx.schema.json`, `jsf-0.82.schema.json`) served
//! from the bundle: **nothing is ever fetched** (the `jsonschema` crate is built without its
//! HTTP and file resolvers).
//!
//! Documents read from XML or tag-value are validated in their lowered JSON form, so one
//! schema per format version serves every encoding; pointers in findings then refer to that
//! JSON form.

use crate::dom::{self, Dom};
use crate::{Diagnostic, Location, Severity};
use jsonschema::json::Json;
use jsonschema::Validator;
use serde_json::Value;
use std::sync::OnceLock;

/// A bundled official schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SchemaId {
    /// CycloneDX 1.2 JSON schema.
    CycloneDx12,
    /// CycloneDX 1.3 JSON schema.
    CycloneDx13,
    /// CycloneDX 1.4 JSON schema.
    CycloneDx14,
    /// CycloneDX 1.5 JSON schema.
    CycloneDx15,
    /// CycloneDX 1.6 JSON schema.
    CycloneDx16,
    /// CycloneDX 1.7 JSON schema.
    CycloneDx17,
    /// SPDX 2.2 JSON schema.
    Spdx22,
    /// SPDX 2.3 JSON schema.
    Spdx23,
    /// SPDX 3.0.0 JSON-LD schema.
    Spdx300,
    /// SPDX 3.0.1 JSON-LD schema.
    Spdx301,
}

const CDX_SPDX: &str = include_str!("../schemas/spdx.schema.json");
const CDX_JSF: &str = include_str!("../schemas/jsf-0.82.schema.json");
const CDX_CRYPTO: &str = include_str!("../schemas/cryptography-defs.schema.json");

impl SchemaId {
    /// Every bundled schema.
    pub const ALL: [SchemaId; 10] = [
        SchemaId::CycloneDx12,
        SchemaId::CycloneDx13,
        SchemaId::CycloneDx14,
        SchemaId::CycloneDx15,
        SchemaId::CycloneDx16,
        SchemaId::CycloneDx17,
        SchemaId::Spdx22,
        SchemaId::Spdx23,
        SchemaId::Spdx300,
        SchemaId::Spdx301,
    ];

    /// A short human name, e.g. `CycloneDX 1.6`.
    pub fn name(self) -> &'static str {
        match self {
            SchemaId::CycloneDx12 => "CycloneDX 1.2",
            SchemaId::CycloneDx13 => "CycloneDX 1.3",
            SchemaId::CycloneDx14 => "CycloneDX 1.4",
            SchemaId::CycloneDx15 => "CycloneDX 1.5",
            SchemaId::CycloneDx16 => "CycloneDX 1.6",
            SchemaId::CycloneDx17 => "CycloneDX 1.7",
            SchemaId::Spdx22 => "SPDX 2.2",
            SchemaId::Spdx23 => "SPDX 2.3",
            SchemaId::Spdx300 => "SPDX 3.0.0",
            SchemaId::Spdx301 => "SPDX 3.0.1",
        }
    }

    fn text(self) -> &'static str {
        match self {
            SchemaId::CycloneDx12 => include_str!("../schemas/bom-1.2.schema.json"),
            SchemaId::CycloneDx13 => include_str!("../schemas/bom-1.3.schema.json"),
            SchemaId::CycloneDx14 => include_str!("../schemas/bom-1.4.schema.json"),
            SchemaId::CycloneDx15 => include_str!("../schemas/bom-1.5.schema.json"),
            SchemaId::CycloneDx16 => include_str!("../schemas/bom-1.6.schema.json"),
            SchemaId::CycloneDx17 => include_str!("../schemas/bom-1.7.schema.json"),
            SchemaId::Spdx22 => include_str!("../schemas/spdx-2.2.schema.json"),
            SchemaId::Spdx23 => include_str!("../schemas/spdx-2.3.schema.json"),
            SchemaId::Spdx300 => include_str!("../schemas/spdx-3.0.0.schema.json"),
            SchemaId::Spdx301 => include_str!("../schemas/spdx-3.0.1.schema.json"),
        }
    }

    fn is_cyclonedx(self) -> bool {
        matches!(
            self,
            SchemaId::CycloneDx12
                | SchemaId::CycloneDx13
                | SchemaId::CycloneDx14
                | SchemaId::CycloneDx15
                | SchemaId::CycloneDx16
                | SchemaId::CycloneDx17
        )
    }

    /// The schema a CycloneDX JSON document declares by `specVersion`.
    pub fn for_cyclonedx(v: &dom::Value<'_>) -> Option<SchemaId> {
        Some(match v.get("specVersion")?.as_str()? {
            "1.2" => SchemaId::CycloneDx12,
            "1.3" => SchemaId::CycloneDx13,
            "1.4" => SchemaId::CycloneDx14,
            "1.5" => SchemaId::CycloneDx15,
            "1.6" => SchemaId::CycloneDx16,
            "1.7" => SchemaId::CycloneDx17,
            _ => return None,
        })
    }

    /// The schema an SPDX 2 JSON document declares by `spdxVersion`.
    pub fn for_spdx2(v: &dom::Value<'_>) -> Option<SchemaId> {
        Some(match v.get("spdxVersion")?.as_str()?.trim() {
            "SPDX-2.2" => SchemaId::Spdx22,
            "SPDX-2.3" => SchemaId::Spdx23,
            _ => return None,
        })
    }

    /// The schema an SPDX 3 JSON-LD document declares by its `@context`.
    pub fn for_spdx3(v: &dom::Value<'_>) -> Option<SchemaId> {
        let ctx = match v.get("@context")? {
            dom::Value::String(s) => s,
            dom::Value::Array(a) => a.iter().find_map(dom::Value::as_str)?,
            _ => return None,
        };
        if ctx.contains("/3.0.1/") {
            Some(SchemaId::Spdx301)
        } else if ctx.contains("/3.0.0/") {
            Some(SchemaId::Spdx300)
        } else {
            None
        }
    }

    /// The compiled validator for `serde_json::Value` documents (compiled on first use, then
    /// shared).
    pub fn validator(self) -> &'static Validator {
        static CELLS: [OnceLock<Validator>; 10] = [const { OnceLock::new() }; 10];
        CELLS[self.slot()].get_or_init(|| compile(self))
    }

    /// The compiled validator for documents read into a [`dom::Value`].
    pub fn dom_validator(self) -> &'static Validator<Dom> {
        static CELLS: [OnceLock<Validator<Dom>>; 10] = [const { OnceLock::new() }; 10];
        CELLS[self.slot()].get_or_init(|| compile(self))
    }

    fn slot(self) -> usize {
        SchemaId::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// The licence ids CycloneDX's `spdx.schema.json` enumerates (what `license.id` accepts).
pub fn cyclonedx_license_ids() -> &'static std::collections::HashSet<String> {
    static IDS: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    IDS.get_or_init(|| {
        let v: Value = serde_json::from_str(CDX_SPDX).unwrap_or_default();
        v.get("enum")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Compile a bundled schema. The bundle is fixed at build time and covered by tests, so a
/// failure here is a build defect, not an input error.
fn compile<F: Json>(id: SchemaId) -> Validator<F> {
    let parse = |t: &str| -> Value {
        serde_json::from_str(t).unwrap_or_else(|e| panic!("bundled schema is not JSON: {e}"))
    };
    let schema = parse(id.text());
    let mut opts = jsonschema::options_for::<F>();
    let registry;
    if id.is_cyclonedx() {
        registry = jsonschema::Registry::new()
            .add(
                "http://cyclonedx.org/schema/spdx.schema.json",
                parse(CDX_SPDX),
            )
            .and_then(|r| {
                r.add(
                    "http://cyclonedx.org/schema/jsf-0.82.schema.json",
                    parse(CDX_JSF),
                )
            })
            .and_then(|r| {
                r.add(
                    "http://cyclonedx.org/schema/cryptography-defs.schema.json",
                    parse(CDX_CRYPTO),
                )
            })
            .and_then(|r| r.prepare())
            .unwrap_or_else(|e| panic!("bundled CycloneDX schemas do not register: {e}"));
        opts = opts.with_registry(&registry);
    }
    opts.build(&schema)
        .unwrap_or_else(|e| panic!("bundled schema {} does not compile: {e}", id.name()))
}

/// Most schema findings reported per document; the rest are counted in one summary finding.
pub const MAX_FINDINGS: usize = 200;

/// Validate `doc` against `id`; every violation is an `error` finding with code
/// `schema-invalid` and the JSON Pointer of the offending value.
pub fn validate(id: SchemaId, doc: &Value) -> Vec<Diagnostic> {
    findings(id, id.validator(), doc)
}

/// [`validate`] for a document read into a [`dom::Value`] (what the readers produce).
pub fn validate_dom(id: SchemaId, doc: &dom::Value<'_>) -> Vec<Diagnostic> {
    findings(id, id.dom_validator(), doc)
}

fn findings<'i, F: Json>(
    id: SchemaId,
    validator: &'i Validator<F>,
    doc: F::Node<'i>,
) -> Vec<Diagnostic> {
    if validator.is_valid(doc.clone()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut extra = 0usize;
    for err in validator.iter_errors(doc) {
        if out.len() >= MAX_FINDINGS {
            extra += 1;
            continue;
        }
        let mut msg = err.to_string();
        if msg.len() > 300 {
            let cut = (0..=300)
                .rev()
                .find(|i| msg.is_char_boundary(*i))
                .unwrap_or(0);
            msg.truncate(cut);
            msg.push('…');
        }
        out.push(Diagnostic::new(
            "schema-invalid",
            Severity::Error,
            format!("{msg} (schema {}, at {})", id.name(), err.schema_path()),
            Location::pointer(err.instance_path().to_string()),
        ));
    }
    if extra > 0 {
        out.push(Diagnostic::new(
            "schema-invalid",
            Severity::Error,
            format!("{extra} further schema violation(s) not listed"),
            Location::default(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_schema_compiles() {
        for id in SchemaId::ALL {
            let _ = id.validator();
        }
    }

    #[test]
    fn cyclonedx_license_ref_resolves_offline() {
        let doc = serde_json::json!({
            "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "components": [{"type": "library", "name": "x",
                "licenses": [{"license": {"id": "not-an-spdx-id"}}]}]
        });
        let findings = validate(SchemaId::CycloneDx16, &doc);
        assert!(!findings.is_empty());
        assert!(findings[0]
            .location
            .pointer
            .as_deref()
            .unwrap_or_default()
            .starts_with("/components/0/licenses"));
    }
}
