//! CycloneDX 1.6 vulnerability disclosure report (VDR): the findings of one SBOM as a BOM
//! whose `vulnerabilities[]` name the affected components. Each vulnerability carries its
//! aliases (`references`), the deciding source, CVSS ratings (score computed from the
//! vector), CWE ids, the fixed versions as the recommendation, KEV / EPSS / priority as
//! properties, and `affects[]` with the component's version and status (`affected`, or
//! `unknown` for undecided findings). When the SBOM is a CycloneDX document with a serial
//! number, each `affects[].ref` is a BOM-Link into it (`urn:cdx:<serial>/<version>#<bom-ref>`);
//! otherwise the affected components are included in the VDR and referenced locally.

use crate::{Finding, ScanReport};
use craft_model::Sbom;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn severity(score: f64) -> &'static str {
    match score {
        s if s >= 9.0 => "critical",
        s if s >= 7.0 => "high",
        s if s >= 4.0 => "medium",
        s if s > 0.0 => "low",
        _ => "none",
    }
}

fn rating(c: &crate::priority::Cvss, method: &str) -> Value {
    json!({
        "source": {"name": c.by},
        "score": c.score,
        "severity": severity(c.score),
        "method": method,
        "vector": c.vector,
    })
}

/// The BOM-Link prefix of a CycloneDX SBOM (`urn:cdx:<uuid>/<version>`), when it has a serial
/// number.
fn bom_link(sbom: &Sbom) -> Option<String> {
    let serial = sbom.document.namespace.as_deref()?;
    let uuid = serial.strip_prefix("urn:uuid:")?;
    Some(format!(
        "urn:cdx:{uuid}/{}",
        sbom.document.revision.unwrap_or(1)
    ))
}

/// The VDR of one scan, at `timestamp` (RFC 3339).
pub fn vdr(sbom: &Sbom, report: &ScanReport, timestamp: &str) -> Value {
    let link = bom_link(sbom);
    let mut by_vuln: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_vuln.entry(f.id.as_str()).or_default().push(f);
    }
    let mut components: BTreeMap<&str, Value> = BTreeMap::new();
    let mut vulnerabilities = Vec::new();
    for (id, findings) in by_vuln {
        let f = findings[0];
        let mut ratings = Vec::new();
        if let Some(c) = &f.cvss4 {
            ratings.push(rating(c, "CVSSv4"));
        }
        if let Some(c) = &f.cvss3 {
            let method = if c.vector.starts_with("CVSS:3.0") {
                "CVSSv3"
            } else {
                "CVSSv31"
            };
            ratings.push(rating(c, method));
        }
        let cwes: Vec<u64> = f
            .cwes
            .iter()
            .filter_map(|c| c.strip_prefix("CWE-")?.parse().ok())
            .collect();
        let mut fixed: Vec<&str> = findings
            .iter()
            .flat_map(|f| f.fixed.iter().map(String::as_str))
            .collect();
        fixed.sort_unstable();
        fixed.dedup();
        let affects: Vec<Value> = findings
            .iter()
            .map(|f| {
                let reference = match &link {
                    Some(l) => format!("{l}#{}", f.component),
                    None => {
                        components
                            .entry(f.component.as_str())
                            .or_insert_with(|| component_of(sbom, f));
                        f.component.clone()
                    }
                };
                json!({
                    "ref": reference,
                    "versions": [{
                        "version": f.component_version.as_deref().unwrap_or(&f.identity.version),
                        "status": f.status.name(),
                    }],
                })
            })
            .collect();
        let mut properties = vec![
            json!({"name": "craft:priority", "value": f.priority.label}),
            json!({"name": "craft:priority:reason", "value": f.priority.why}),
            json!({"name": "craft:decided-by", "value": format!("{} {}", f.decided_by.source, f.decided_by.id)}),
        ];
        if let Some(k) = &f.kev {
            properties.push(json!({"name": "cisa:kev:dateAdded", "value": k.date_added}));
            if let Some(d) = &k.due_date {
                properties.push(json!({"name": "cisa:kev:dueDate", "value": d}));
            }
        }
        if let Some(e) = &f.epss {
            properties.push(json!({"name": "first:epss:score", "value": format!("{}", e.score)}));
            properties.push(
                json!({"name": "first:epss:percentile", "value": format!("{}", e.percentile)}),
            );
        }
        let mut v = json!({
            "bom-ref": format!("vuln:{id}"),
            "id": id,
            "source": {"name": f.decided_by.source.name()},
            "references": f.aliases.iter().map(|a| json!({"id": a, "source": {"name": a.split('-').next().unwrap_or(a)}})).collect::<Vec<_>>(),
            "ratings": ratings,
            "cwes": cwes,
            "affects": affects,
            "properties": properties,
        });
        if let Some(s) = &f.summary {
            v["description"] = json!(s);
        }
        if !fixed.is_empty() {
            v["recommendation"] =
                json!(format!("Upgrade to a fixed version: {}", fixed.join(", ")));
        }
        vulnerabilities.push(v);
    }
    let mut bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {"components": [{"type": "application", "name": "craft", "version": env!("CARGO_PKG_VERSION")}]},
        },
        "vulnerabilities": vulnerabilities,
    });
    if let Some(l) = &link {
        bom["metadata"]["properties"] = json!([{"name": "craft:sbom", "value": l}]);
    } else {
        bom["components"] = Value::Array(components.into_values().collect());
    }
    bom
}

fn component_of(sbom: &Sbom, f: &Finding) -> Value {
    let c = sbom.component(&f.component);
    let mut v = json!({
        "type": "library",
        "bom-ref": f.component,
        "name": f.component_name,
    });
    if let Some(ver) = &f.component_version {
        v["version"] = json!(ver);
    }
    if let Some(c) = c {
        if let Some(p) = c.purls.first() {
            v["purl"] = json!(p);
        }
        if let Some(cpe) = c.cpes.first() {
            v["cpe"] = json!(cpe);
        }
    }
    v
}
