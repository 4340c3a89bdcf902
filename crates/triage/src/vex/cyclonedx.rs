//! CycloneDX VEX (1.4–1.6 read, 1.6 written): `vulnerabilities[]` with `analysis` and
//! `affects`. A standalone VEX lists the products as `components` and refers to them by
//! `bom-ref`; linked to an SBOM it refers to the SBOM's components by BOM-Link
//! (`urn:cdx:<serial>/<version>#<bom-ref>`).
//!
//! CycloneDX names statuses and justifications otherwise than OpenVEX and has more of them
//! (nine justifications, `false_positive`, `resolved_with_pedigree`); the mapping is
//! below, and what the model cannot say is kept in [`Statement::extra`] as
//! `cyclonedx:state`, `cyclonedx:justification`, `cyclonedx:response`,
//! `cyclonedx:versions`. craft's own OpenVEX justification travels in the property
//! `craft:vex:justification`, its notes in `craft:vex:status_notes`, so OpenVEX →
//! CycloneDX → OpenVEX keeps every statement exactly.

use super::{source_of, uuid8, Document, Product, Statement, VexError};
use crate::{Justification, Status};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The SBOM a linked VEX refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BomLink {
    /// Its `serialNumber` (`urn:uuid:…`).
    pub serial: String,
    /// Its `version`.
    pub version: u64,
}

fn state(s: Status) -> &'static str {
    match s {
        Status::Affected => "exploitable",
        Status::NotAffected => "not_affected",
        Status::UnderInvestigation => "in_triage",
        Status::Fixed => "resolved",
    }
}

fn status_of(state: &str) -> Option<Status> {
    Some(match state {
        "exploitable" => Status::Affected,
        "not_affected" | "false_positive" => Status::NotAffected,
        "in_triage" => Status::UnderInvestigation,
        "resolved" | "resolved_with_pedigree" => Status::Fixed,
        _ => return None,
    })
}

fn cdx_justification(j: Justification) -> &'static str {
    match j {
        Justification::ComponentNotPresent | Justification::VulnerableCodeNotPresent => {
            "code_not_present"
        }
        Justification::VulnerableCodeNotInExecutePath => "code_not_reachable",
        Justification::VulnerableCodeCannotBeControlledByAdversary => "requires_environment",
        Justification::InlineMitigationsAlreadyExist => "protected_by_mitigating_control",
    }
}

fn justification_of(j: &str) -> Option<Justification> {
    Some(match j {
        "code_not_present" => Justification::VulnerableCodeNotPresent,
        "code_not_reachable" | "requires_configuration" => {
            Justification::VulnerableCodeNotInExecutePath
        }
        "requires_dependency" => Justification::ComponentNotPresent,
        "requires_environment" => Justification::VulnerableCodeCannotBeControlledByAdversary,
        "protected_by_compiler"
        | "protected_at_runtime"
        | "protected_at_perimeter"
        | "protected_by_mitigating_control" => Justification::InlineMitigationsAlreadyExist,
        _ => return None,
    })
}

/// The document as a CycloneDX 1.6 VEX; with `link`, products are referred to in that SBOM
/// by BOM-Link, else they are listed as the VEX's own components.
pub fn write(doc: &Document, link: Option<&BomLink>) -> Value {
    let mut components: BTreeMap<String, Value> = BTreeMap::new();
    let mut vulns = Vec::new();
    for s in &doc.statements {
        let affects: Vec<Value> = s
            .products
            .iter()
            .map(|p| {
                let r = if p.id.starts_with("urn:cdx:") {
                    p.id.clone()
                } else if let Some(l) = link {
                    format!(
                        "{}/{}#{}",
                        l.serial.replacen("urn:uuid:", "urn:cdx:", 1),
                        l.version,
                        p.id
                    )
                } else {
                    components
                        .entry(p.id.clone())
                        .or_insert_with(|| component(p));
                    p.id.clone()
                };
                let mut a = Map::new();
                a.insert("ref".into(), json!(r));
                if let Some(v) = s.extra.get(&format!("cyclonedx:versions:{}", p.id)) {
                    if let Ok(v) = serde_json::from_str::<Value>(v) {
                        a.insert("versions".into(), v);
                    }
                }
                Value::Object(a)
            })
            .collect();
        let mut analysis = Map::new();
        let kept_state = s
            .extra
            .get("cyclonedx:state")
            .filter(|k| status_of(k) == Some(s.status));
        let no_analysis = s
            .extra
            .get("cyclonedx:analysis")
            .is_some_and(|a| a == "none");
        analysis.insert(
            "state".into(),
            json!(kept_state.map_or(state(s.status), String::as_str)),
        );
        let kept_j = s
            .extra
            .get("cyclonedx:justification")
            .filter(|k| justification_of(k) == s.justification);
        match (kept_j, s.justification) {
            (Some(k), _) => {
                analysis.insert("justification".into(), json!(k));
            }
            (None, Some(j)) => {
                analysis.insert("justification".into(), json!(cdx_justification(j)));
            }
            (None, None) => {}
        }
        if let Some(r) = s.extra.get("cyclonedx:response") {
            analysis.insert("response".into(), json!(r.split(',').collect::<Vec<_>>()));
        }
        if let Some(i) = &s.impact {
            analysis.insert("detail".into(), json!(i));
        }
        let mut v = Map::new();
        v.insert("id".into(), json!(s.vulnerability));
        if !s.aliases.is_empty() {
            let refs: Vec<Value> = s
                .aliases
                .iter()
                .map(|a| json!({"id": a, "source": {"name": source_of(a)}}))
                .collect();
            v.insert("references".into(), Value::Array(refs));
        }
        if let Some(a) = &s.action {
            v.insert("recommendation".into(), json!(a));
        }
        if !no_analysis {
            v.insert("analysis".into(), Value::Object(analysis));
        }
        v.insert("affects".into(), Value::Array(affects));
        let mut props = Vec::new();
        if let Some(j) = s.justification {
            props.push(json!({"name": "craft:vex:justification", "value": j.name()}));
        }
        if let Some(n) = &s.notes {
            props.push(json!({"name": "craft:vex:status_notes", "value": n}));
        }
        if !props.is_empty() {
            v.insert("properties".into(), Value::Array(props));
        }
        vulns.push(Value::Object(v));
    }
    let serial = match &doc.id {
        Some(id) if is_uuid_urn(id) => id.clone(),
        _ => format!(
            "urn:uuid:{}",
            uuid8(&Sha256::digest(
                serde_json::to_vec(&vulns).unwrap_or_default()
            ))
        ),
    };
    let mut metadata = Map::new();
    if let Some(t) = &doc.timestamp {
        metadata.insert("timestamp".into(), json!(t));
    }
    metadata.insert(
        "tools".into(),
        json!({"components": [{"type": "application", "name": "craft", "version": env!("CARGO_PKG_VERSION")}]}),
    );
    if let Some(a) = &doc.author {
        metadata.insert("authors".into(), json!([{"name": a}]));
    }
    let mut props = Vec::new();
    if let Some(id) = doc.id.as_ref().filter(|id| !is_uuid_urn(id)) {
        props.push(json!({"name": "craft:vex:id", "value": id}));
    }
    if !props.is_empty() {
        metadata.insert("properties".into(), Value::Array(props));
    }
    let mut d = Map::new();
    d.insert("bomFormat".into(), json!("CycloneDX"));
    d.insert("specVersion".into(), json!("1.6"));
    d.insert("serialNumber".into(), json!(serial));
    d.insert("version".into(), json!(1));
    d.insert("metadata".into(), Value::Object(metadata));
    if !components.is_empty() {
        d.insert(
            "components".into(),
            Value::Array(components.into_values().collect()),
        );
    }
    d.insert("vulnerabilities".into(), Value::Array(vulns));
    Value::Object(d)
}

fn is_uuid_urn(id: &str) -> bool {
    id.strip_prefix("urn:uuid:").is_some_and(|u| {
        u.len() == 36
            && u.bytes().enumerate().all(|(i, b)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    b == b'-'
                } else {
                    b.is_ascii_hexdigit()
                }
            })
    })
}

/// A component for a product of a standalone VEX.
fn component(p: &Product) -> Value {
    let name = p.name();
    let mut c = Map::new();
    c.insert("type".into(), json!("library"));
    c.insert("bom-ref".into(), json!(p.id));
    c.insert("name".into(), json!(name));
    if let Some(u) = &p.purl {
        c.insert("purl".into(), json!(u));
    }
    if let Some(x) = &p.cpe23 {
        c.insert("cpe".into(), json!(x));
    }
    Value::Object(c)
}

/// Read the `vulnerabilities` of a CycloneDX document (1.4–1.6) as VEX statements.
pub fn read(v: &Value) -> Result<Document, VexError> {
    if v.get("bomFormat").and_then(Value::as_str) != Some("CycloneDX") {
        return Err(VexError::at("/bomFormat", "not a CycloneDX document"));
    }
    // Components by bom-ref, for their purl and CPE (nested components too).
    let mut by_ref: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    let mut stack: Vec<&Value> = v
        .get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    if let Some(c) = v.pointer("/metadata/component") {
        stack.push(c);
    }
    while let Some(c) = stack.pop() {
        if let Some(r) = c.get("bom-ref").and_then(Value::as_str) {
            let s = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_string);
            by_ref.insert(r.to_string(), (s("purl"), s("cpe")));
        }
        stack.extend(
            c.get("components")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    let prop = |o: &Value, name: &str| -> Option<String> {
        o.get("properties")?
            .as_array()?
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))?
            .get("value")?
            .as_str()
            .map(str::to_string)
    };
    let list = v.get("vulnerabilities").and_then(Value::as_array);
    let mut statements = Vec::new();
    for (i, vu) in list.into_iter().flatten().enumerate() {
        let at = format!("/vulnerabilities/{i}");
        let id = vu
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| VexError::at(format!("{at}/id"), "missing"))?
            .to_string();
        let mut extra = BTreeMap::new();
        let analysis = vu.get("analysis");
        let text = |k: &str| {
            analysis
                .and_then(|a| a.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let status = match text("state") {
            Some(st) => {
                let status = status_of(&st).ok_or_else(|| {
                    VexError::at(
                        format!("{at}/analysis/state"),
                        format!("unknown state `{st}`"),
                    )
                })?;
                if st != state(status) {
                    extra.insert("cyclonedx:state".to_string(), st);
                }
                status
            }
            // A vulnerability without an analysis (a VDR) is not yet assessed.
            None => {
                extra.insert("cyclonedx:analysis".to_string(), "none".to_string());
                Status::UnderInvestigation
            }
        };
        let stated_j = text("justification");
        let justification = match (prop(vu, "craft:vex:justification"), &stated_j) {
            (Some(p), _) => Justification::from_name(&p),
            (None, Some(j)) => justification_of(j),
            (None, None) => None,
        };
        if let Some(j) = stated_j {
            if justification.map(cdx_justification) != Some(j.as_str()) {
                extra.insert("cyclonedx:justification".to_string(), j);
            }
        }
        if let Some(r) = analysis
            .and_then(|a| a.get("response"))
            .and_then(Value::as_array)
        {
            let r: Vec<&str> = r.iter().filter_map(Value::as_str).collect();
            if !r.is_empty() {
                extra.insert("cyclonedx:response".to_string(), r.join(","));
            }
        }
        let mut products = Vec::new();
        for (k, a) in vu
            .get("affects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let r = a
                .get("ref")
                .and_then(Value::as_str)
                .ok_or_else(|| VexError::at(format!("{at}/affects/{k}/ref"), "missing"))?;
            let local = r.rsplit_once('#').map_or(r, |(_, f)| f);
            let (purl, cpe23) = by_ref.get(local).cloned().unwrap_or_default();
            if let Some(vs) = a.get("versions") {
                extra.insert(format!("cyclonedx:versions:{r}"), vs.to_string());
            }
            products.push(Product {
                id: r.to_string(),
                purl,
                cpe23,
            });
        }
        let aliases = vu
            .get("references")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_string))
            .filter(|a| *a != id)
            .collect();
        statements.push(Statement {
            vulnerability: id,
            aliases,
            products,
            status,
            justification,
            impact: text("detail"),
            action: vu
                .get("recommendation")
                .and_then(Value::as_str)
                .map(str::to_string),
            notes: prop(vu, "craft:vex:status_notes"),
            extra,
        });
    }
    let author = v
        .pointer("/metadata/authors/0/name")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Document {
        id: prop(v.get("metadata").unwrap_or(&Value::Null), "craft:vex:id").or_else(|| {
            v.get("serialNumber")
                .and_then(Value::as_str)
                .map(str::to_string)
        }),
        author,
        timestamp: v
            .pointer("/metadata/timestamp")
            .and_then(Value::as_str)
            .map(str::to_string),
        statements,
    })
}
