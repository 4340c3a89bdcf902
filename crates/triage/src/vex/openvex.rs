//! OpenVEX 0.2.0 (<https://github.com/openvex/spec>): read and write.

use super::{Document, Product, Statement, VexError};
use crate::{Justification, Status};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The context IRI of OpenVEX 0.2.0.
pub const CONTEXT: &str = "https://openvex.dev/ns/v0.2.0";

/// The document as OpenVEX 0.2.0. A `not_affected` statement with neither justification
/// nor impact statement (possible in CycloneDX) gets an impact statement saying so, as
/// OpenVEX requires one; an `affected` one without an action gets one saying none was
/// stated.
pub fn write(doc: &Document) -> Value {
    let statements: Vec<Value> = doc.statements.iter().map(statement).collect();
    let mut d = Map::new();
    d.insert("@context".into(), json!(CONTEXT));
    d.insert(
        "@id".into(),
        json!(doc.id.as_deref().map_or_else(
            || UNIDENTIFIED.to_string(),
            |id| if id == UNIDENTIFIED {
                id.to_string()
            } else {
                iri_under(DOC, id)
            }
        )),
    );
    d.insert(
        "author".into(),
        json!(doc.author.clone().unwrap_or_else(|| "unspecified".into())),
    );
    d.insert(
        "timestamp".into(),
        json!(doc
            .timestamp
            .clone()
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())),
    );
    d.insert("version".into(), json!(1));
    d.insert(
        "tooling".into(),
        json!(format!("craft {}", env!("CARGO_PKG_VERSION"))),
    );
    d.insert("statements".into(), Value::Array(statements));
    Value::Object(d)
}

fn statement(s: &Statement) -> Value {
    let mut vuln = Map::new();
    vuln.insert("name".into(), json!(s.vulnerability));
    if !s.aliases.is_empty() {
        vuln.insert("aliases".into(), json!(s.aliases));
    }
    let products: Vec<Value> = s
        .products
        .iter()
        .map(|p| {
            let mut ids = Map::new();
            if let Some(x) = &p.purl {
                ids.insert("purl".into(), json!(x));
            }
            if let Some(x) = &p.cpe23 {
                ids.insert("cpe23".into(), json!(x));
            }
            let mut o = Map::new();
            o.insert("@id".into(), json!(iri(&p.id)));
            if !ids.is_empty() {
                o.insert("identifiers".into(), Value::Object(ids));
            }
            Value::Object(o)
        })
        .collect();
    let mut st = Map::new();
    st.insert("vulnerability".into(), Value::Object(vuln));
    st.insert("products".into(), Value::Array(products));
    st.insert("status".into(), json!(s.status.name()));
    let mut notes = s.notes.clone();
    // What only another dialect can say travels at the end of the notes, as one line
    // `craft-extra: {json}`, so that it comes back when the document is read again.
    if !s.extra.is_empty() {
        let kept = format!(
            "{EXTRA}{}",
            serde_json::to_string(&s.extra).unwrap_or_default()
        );
        notes = Some(match notes {
            Some(n) => format!("{n}\n{kept}"),
            None => kept,
        });
    }
    if let Some(n) = notes {
        st.insert("status_notes".into(), json!(n));
    }
    if let Some(j) = s.justification {
        st.insert("justification".into(), json!(j.name()));
    }
    if let Some(i) = &s.impact {
        st.insert("impact_statement".into(), json!(i));
    } else if s.status == Status::NotAffected && s.justification.is_none() {
        st.insert(
            "impact_statement".into(),
            json!("No justification was stated by the source document."),
        );
    }
    match &s.action {
        Some(a) => {
            st.insert("action_statement".into(), json!(a));
        }
        None if s.status == Status::Affected => {
            st.insert(
                "action_statement".into(),
                json!("No action was stated by the source document."),
            );
        }
        None => {}
    }
    Value::Object(st)
}

/// Read an OpenVEX document (0.2.0; 0.0.x documents, which name products as strings, too).
pub fn read(v: &Value) -> Result<Document, VexError> {
    let ctx = v.get("@context").and_then(Value::as_str).unwrap_or("");
    if !ctx.starts_with("https://openvex.dev/ns") {
        return Err(VexError::at(
            "/@context",
            "not an OpenVEX document (no openvex.dev context)",
        ));
    }
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let list = v
        .get("statements")
        .and_then(Value::as_array)
        .ok_or_else(|| VexError::at("/statements", "missing or not an array"))?;
    let mut statements = Vec::with_capacity(list.len());
    for (i, st) in list.iter().enumerate() {
        statements.push(read_statement(st, &format!("/statements/{i}"))?);
    }
    Ok(Document {
        id: s("@id").map(|i| {
            if i == UNIDENTIFIED {
                i
            } else {
                from_iri_under(DOC, &i)
            }
        }),
        author: s("author"),
        timestamp: s("timestamp"),
        statements,
    })
}

fn read_statement(st: &Value, at: &str) -> Result<Statement, VexError> {
    let text = |k: &str| st.get(k).and_then(Value::as_str).map(str::to_string);
    let vuln = st
        .get("vulnerability")
        .ok_or_else(|| VexError::at(format!("{at}/vulnerability"), "missing"))?;
    // 0.0.x: `"vulnerability": "CVE-…"`; 0.2.0: `{"name": …, "aliases": […]}`.
    let (name, aliases) = match vuln {
        Value::String(n) => (n.clone(), Vec::new()),
        Value::Object(_) => (
            vuln.get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| VexError::at(format!("{at}/vulnerability/name"), "missing"))?
                .to_string(),
            vuln.get("aliases")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect(),
        ),
        _ => {
            return Err(VexError::at(
                format!("{at}/vulnerability"),
                "neither a name nor an object",
            ))
        }
    };
    let status_name =
        text("status").ok_or_else(|| VexError::at(format!("{at}/status"), "missing"))?;
    let status = Status::from_name(&status_name).ok_or_else(|| {
        VexError::at(
            format!("{at}/status"),
            format!("unknown status `{status_name}`"),
        )
    })?;
    let justification = match text("justification") {
        Some(j) => Some(Justification::from_name(&j).ok_or_else(|| {
            VexError::at(
                format!("{at}/justification"),
                format!("unknown justification `{j}`"),
            )
        })?),
        None => None,
    };
    let mut products = Vec::new();
    for (k, p) in st
        .get("products")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        products.push(match p {
            Value::String(id) => Product {
                id: from_iri(id),
                purl: id.starts_with("pkg:").then(|| id.clone()),
                cpe23: id.starts_with("cpe:2.3:").then(|| id.clone()),
            },
            Value::Object(_) => {
                let ids = p.get("identifiers");
                let idv = |k: &str| {
                    ids.and_then(|i| i.get(k))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                };
                let (purl, cpe23) = (idv("purl"), idv("cpe23"));
                let id = p
                    .get("@id")
                    .and_then(Value::as_str)
                    .map(from_iri)
                    .or_else(|| purl.clone())
                    .or_else(|| cpe23.clone())
                    .ok_or_else(|| {
                        VexError::at(format!("{at}/products/{k}"), "neither @id nor identifiers")
                    })?;
                Product { id, purl, cpe23 }
            }
            _ => return Err(VexError::at(format!("{at}/products/{k}"), "not a product")),
        });
    }
    let (notes, extra) = split_kept(text("status_notes"));
    let mut impact = text("impact_statement");
    if impact.as_deref() == Some("No justification was stated by the source document.") {
        impact = None;
    }
    let mut action = text("action_statement");
    if action.as_deref() == Some("No action was stated by the source document.") {
        action = None;
    }
    Ok(Statement {
        vulnerability: name,
        aliases,
        products,
        status,
        justification,
        impact,
        action,
        notes,
        extra,
    })
}

/// The prefix that makes an SBOM reference (`bom-ref`, `SPDXID`) an IRI.
const REF: &str = "urn:craft:component:";

/// An identifier as an IRI: purls, CPEs, URNs and URLs as they are; a bare SBOM reference
/// under [`REF`], percent-encoded where an IRI may not hold the character.
fn iri(id: &str) -> String {
    iri_under(REF, id)
}

/// Where a document id that is no IRI (a CSAF tracking id such as `ACME-VEX-2024-01`) goes.
const DOC: &str = "urn:craft:vex:";

/// The `@id` of a document without one.
const UNIDENTIFIED: &str = "urn:craft:vex:unidentified";

/// `id` itself when it is an IRI, else `id` under `prefix`, percent-encoded where an IRI may
/// not hold the character.
fn iri_under(prefix: &str, id: &str) -> String {
    let scheme = id.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    // An id already under `prefix` is put under it once more, so reading gives it back.
    if scheme
        && !id.starts_with(prefix)
        && !id.contains(|c: char| c.is_whitespace() || "<>\"{}|\\^`".contains(c))
    {
        return id.to_string();
    }
    let mut out = String::from(prefix);
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c) || !c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The identifier an IRI written by [`iri`] stands for.
fn from_iri(iri: &str) -> String {
    from_iri_under(REF, iri)
}

/// The identifier an IRI written by [`iri_under`] with `prefix` stands for.
fn from_iri_under(prefix: &str, iri: &str) -> String {
    let Some(rest) = iri.strip_prefix(prefix) else {
        return iri.to_string();
    };
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = rest
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The line [`write`] appends to the notes for the dialect-specific values.
const EXTRA: &str = "craft-extra: ";

/// Notes and the values of the `craft-extra:` line [`write`] appends.
fn split_kept(notes: Option<String>) -> (Option<String>, BTreeMap<String, String>) {
    let Some(n) = notes else {
        return (None, BTreeMap::new());
    };
    let (rest, line) = match n.rfind(&format!("\n{EXTRA}")) {
        Some(p) => (Some(&n[..p]), &n[p + 1..]),
        None if n.starts_with(EXTRA) => (None, n.as_str()),
        None => return (Some(n), BTreeMap::new()),
    };
    match serde_json::from_str::<BTreeMap<String, String>>(&line[EXTRA.len()..]) {
        Ok(extra) => (rest.map(str::to_string), extra),
        Err(_) => (Some(n), BTreeMap::new()),
    }
}
