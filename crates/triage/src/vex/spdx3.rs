//! SPDX 3.0 VEX (read): the `security_Vex*VulnAssessmentRelationship` elements of an SPDX 3
//! JSON-LD document — what Yocto's `create-spdx` writes beside the image's packages.
//!
//! Each relationship goes `from` a `security_Vulnerability` `to` the packages it assesses;
//! its type is the status (`…VexAffected…`, `…VexNotAffected…`, `…VexFixed…`,
//! `…VexUnderInvestigation…`). `security_justificationType` (camelCase in SPDX 3:
//! `vulnerableCodeNotPresent`), `security_impactStatement`, `security_actionStatement` and
//! `security_statusNotes` map onto the model; the vulnerability's name is its `cve` (or other)
//! external identifier, the package's identity its `software_packageUrl` and `purl`/`cpe23`
//! external identifiers. A relationship naming an element the document does not hold, or an
//! unknown justification, is an error naming the element; a relationship with a
//! `security_withdrawnTime` is left out; one statement per relationship,
//! in document order, a statement identical to an earlier one left out (Yocto repeats one
//! per binary package of a recipe, which share the recipe's CPE).

use super::{Document, Product, Statement, VexError};
use crate::{Justification, Status};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Whether `v` looks like an SPDX 3 JSON-LD document (its `@context` names spdx.org's 3.x).
pub fn is_spdx3(v: &Value) -> bool {
    let ctx = |c: &Value| c.as_str().is_some_and(|s| s.contains("spdx.org/rdf/3"));
    match v.get("@context") {
        Some(Value::Array(a)) => a.iter().any(ctx),
        Some(c) => ctx(c),
        None => false,
    }
}

fn status_of(kind: &str) -> Option<Status> {
    Some(match kind {
        "security_VexAffectedVulnAssessmentRelationship"
        | "VexAffectedVulnAssessmentRelationship" => Status::Affected,
        "security_VexNotAffectedVulnAssessmentRelationship"
        | "VexNotAffectedVulnAssessmentRelationship" => Status::NotAffected,
        "security_VexFixedVulnAssessmentRelationship" | "VexFixedVulnAssessmentRelationship" => {
            Status::Fixed
        }
        "security_VexUnderInvestigationVulnAssessmentRelationship"
        | "VexUnderInvestigationVulnAssessmentRelationship" => Status::UnderInvestigation,
        _ => return None,
    })
}

fn justification_of(j: &str) -> Option<Justification> {
    // SPDX 3 names them in camelCase (`vulnerableCodeNotPresent`); some writers use the
    // full IRI or OpenVEX's snake_case.
    let j = j.rsplit(['/', '#']).next().unwrap_or(j);
    Some(match j {
        "componentNotPresent" | "component_not_present" => Justification::ComponentNotPresent,
        "vulnerableCodeNotPresent" | "vulnerable_code_not_present" => {
            Justification::VulnerableCodeNotPresent
        }
        "vulnerableCodeNotInExecutePath" | "vulnerable_code_not_in_execute_path" => {
            Justification::VulnerableCodeNotInExecutePath
        }
        "vulnerableCodeCannotBeControlledByAdversary"
        | "vulnerable_code_cannot_be_controlled_by_adversary" => {
            Justification::VulnerableCodeCannotBeControlledByAdversary
        }
        "inlineMitigationsAlreadyExist" | "inline_mitigations_already_exist" => {
            Justification::InlineMitigationsAlreadyExist
        }
        _ => return None,
    })
}

/// The external identifiers of an element of `kind` (`cve`, `purl`, `cpe23`, …).
fn external<'a>(e: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    e.get("externalIdentifier")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(move |x| x.get("externalIdentifierType").and_then(Value::as_str) == Some(kind))
        .filter_map(|x| x.get("identifier").and_then(Value::as_str))
}

/// The last path segment of an IRI (`…/vulnerability/CVE-2024-1` → `CVE-2024-1`).
fn tail(iri: &str) -> &str {
    iri.rsplit(['/', '#'])
        .find(|s| !s.is_empty())
        .unwrap_or(iri)
}

/// Read the VEX relationships of an SPDX 3 JSON-LD document.
///
/// # Errors
/// Not an SPDX 3 graph; a VEX relationship without `from`/`to`, naming an element the
/// document does not hold, or with an unknown justification.
pub fn read(v: &Value) -> Result<Document, VexError> {
    if !is_spdx3(v) {
        return Err(VexError::at(
            "/@context",
            "not an SPDX 3 JSON-LD document (no spdx.org/rdf/3 context)",
        ));
    }
    let graph = v
        .get("@graph")
        .and_then(Value::as_array)
        .ok_or_else(|| VexError::at("/@graph", "missing or not an array"))?;
    fn id_of(e: &Value) -> Option<&str> {
        e.get("spdxId")
            .or_else(|| e.get("@id"))
            .and_then(Value::as_str)
    }
    fn kind(e: &Value) -> &str {
        e.get("type")
            .or_else(|| e.get("@type"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }
    let by_id: HashMap<&str, &Value> = graph.iter().filter_map(|e| Some((id_of(e)?, e))).collect();
    let mut statements = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut timestamps: Vec<&str> = Vec::new();
    for (i, e) in graph.iter().enumerate() {
        let Some(status) = status_of(kind(e)) else {
            continue;
        };
        // A withdrawn assessment says nothing any more.
        if e.get("security_withdrawnTime").is_some() {
            continue;
        }
        let at = format!("/@graph/{i}");
        let text = |k: &str| {
            e.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
        };
        let from = e
            .get("from")
            .and_then(Value::as_str)
            .ok_or_else(|| VexError::at(format!("{at}/from"), "missing or not a string"))?;
        let vuln = by_id.get(from).ok_or_else(|| {
            VexError::at(
                format!("{at}/from"),
                format!("`{from}` is not an element of this document"),
            )
        })?;
        let mut names: Vec<String> = external(vuln, "cve")
            .chain(external(vuln, "securityOther"))
            .map(str::to_string)
            .collect();
        if let Some(n) = vuln.get("name").and_then(Value::as_str) {
            names.push(n.to_string());
        }
        names.dedup();
        if names.is_empty() {
            names.push(tail(from).to_string());
        }
        let vulnerability = names.remove(0);
        let to: Vec<&str> = match e.get("to") {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(s)) => vec![s.as_str()],
            _ => Vec::new(),
        };
        if to.is_empty() {
            return Err(VexError::at(format!("{at}/to"), "names no element"));
        }
        let mut products = Vec::new();
        for t in to {
            let p = by_id.get(t).ok_or_else(|| {
                VexError::at(
                    format!("{at}/to"),
                    format!("`{t}` is not an element of this document"),
                )
            })?;
            let purl = p
                .get("software_packageUrl")
                .and_then(Value::as_str)
                .or_else(|| external(p, "packageUrl").next())
                .or_else(|| external(p, "purl").next())
                .map(str::to_string);
            let cpe = external(p, "cpe23").next().map(str::to_string);
            products.push(Product::new(purl, cpe, t));
        }
        let justification = match text("security_justificationType") {
            Some(j) => Some(justification_of(&j).ok_or_else(|| {
                VexError::at(
                    format!("{at}/security_justificationType"),
                    format!("unknown justification `{j}`"),
                )
            })?),
            None => None,
        };
        // "Does not affect" without a justification is how Yocto writes `upstream-wontfix`,
        // `disputed` and `ignored` (the code may well be there): left for a person.
        let (status, notes) = if status == Status::NotAffected && justification.is_none() {
            (
                Status::UnderInvestigation,
                Some(format!(
                    "stated not affected without a justification{}",
                    text("security_impactStatement").map_or_else(String::new, |i| format!(": {i}"))
                )),
            )
        } else {
            (status, text("security_statusNotes"))
        };
        if let Some(c) = e
            .get("creationInfo")
            .and_then(Value::as_str)
            .and_then(|c| by_id.get(c))
            .and_then(|c| c.get("created"))
            .and_then(Value::as_str)
        {
            timestamps.push(c);
        }
        let statement = Statement {
            vulnerability,
            aliases: names,
            products,
            status,
            justification,
            impact: text("security_impactStatement").filter(|_| status == Status::NotAffected),
            action: text("security_actionStatement"),
            notes,
            extra: BTreeMap::new(),
        };
        // Yocto states the same thing once per binary package of a recipe (busybox-hwclock,
        // busybox-udhcpc: one CPE): a statement already made is not repeated.
        if seen.insert(statement.clone()) {
            statements.push(statement);
        }
    }
    let document = graph.iter().find(|e| kind(e).ends_with("SpdxDocument"));
    Ok(Document {
        id: document.and_then(id_of).map(str::to_string),
        author: None,
        timestamp: timestamps.iter().max().map(|t| (*t).to_string()),
        statements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(rels: Value) -> Value {
        let mut graph = vec![
            json!({"type": "CreationInfo", "@id": "_:c", "created": "2026-01-02T03:04:05Z"}),
            json!({"type": "security_Vulnerability", "spdxId": "urn:x/vulnerability/CVE-2024-1",
                   "externalIdentifier": [{"type": "ExternalIdentifier",
                     "externalIdentifierType": "cve", "identifier": "CVE-2024-1"}]}),
            json!({"type": "software_Package", "spdxId": "urn:x/package/busybox",
                   "name": "busybox", "software_packageVersion": "1.36.1",
                   "externalIdentifier": [{"type": "ExternalIdentifier",
                     "externalIdentifierType": "cpe23",
                     "identifier": "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*"}]}),
        ];
        graph.extend(rels.as_array().unwrap().iter().cloned());
        json!({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph})
    }

    #[test]
    fn relationships_become_statements() {
        let v = doc(json!([
            {"type": "security_VexNotAffectedVulnAssessmentRelationship", "spdxId": "urn:x/vex/1",
             "creationInfo": "_:c", "from": "urn:x/vulnerability/CVE-2024-1",
             "relationshipType": "doesNotAffect", "to": ["urn:x/package/busybox"],
             "security_justificationType": "vulnerableCodeNotPresent",
             "security_impactStatement": "The applet is not built."},
            {"type": "security_VexAffectedVulnAssessmentRelationship", "spdxId": "urn:x/vex/2",
             "from": "urn:x/vulnerability/CVE-2024-1", "relationshipType": "affects",
             "to": ["urn:x/package/busybox"], "security_actionStatement": "Update."}
        ]));
        let d = read(&v).unwrap();
        assert_eq!(d.timestamp.as_deref(), Some("2026-01-02T03:04:05Z"));
        assert_eq!(d.statements.len(), 2);
        let s = &d.statements[0];
        assert_eq!(s.vulnerability, "CVE-2024-1");
        assert_eq!(
            (s.status, s.justification),
            (
                Status::NotAffected,
                Some(Justification::VulnerableCodeNotPresent)
            )
        );
        assert_eq!(s.impact.as_deref(), Some("The applet is not built."));
        assert_eq!(
            s.products[0].cpe23.as_deref(),
            Some("cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*")
        );
        assert_eq!(d.statements[1].status, Status::Affected);
        assert_eq!(d.statements[1].action.as_deref(), Some("Update."));
    }

    #[test]
    fn dangling_references_and_unknown_justifications_are_errors() {
        for (rel, at, why) in [
            (
                json!({"type": "security_VexFixedVulnAssessmentRelationship",
                       "from": "urn:x/nope", "to": ["urn:x/package/busybox"]}),
                "/@graph/3/from",
                "not an element",
            ),
            (
                json!({"type": "security_VexFixedVulnAssessmentRelationship",
                       "from": "urn:x/vulnerability/CVE-2024-1", "to": ["urn:x/nope"]}),
                "/@graph/3/to",
                "not an element",
            ),
            (
                json!({"type": "security_VexFixedVulnAssessmentRelationship",
                       "from": "urn:x/vulnerability/CVE-2024-1", "to": []}),
                "/@graph/3/to",
                "names no element",
            ),
            (
                json!({"type": "security_VexNotAffectedVulnAssessmentRelationship",
                       "from": "urn:x/vulnerability/CVE-2024-1", "to": ["urn:x/package/busybox"],
                       "security_justificationType": "becauseISaySo"}),
                "/@graph/3/security_justificationType",
                "unknown justification",
            ),
        ] {
            let e = read(&doc(json!([rel]))).unwrap_err();
            assert_eq!(e.pointer, at);
            assert!(e.message.contains(why), "{e}");
        }
        assert!(read(&json!({"@context": "https://openvex.dev/ns/v0.2.0"})).is_err());
        assert!(
            read(&json!({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"})).is_err()
        );
    }
}
