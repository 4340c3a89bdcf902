//! CycloneDX 1.6 JSON writer.
//!
//! Mapping choices (each loss is reported as a [`Dropped`]):
//! - the first document subject becomes `metadata.component`; other components go to
//!   `components`, nested under their container when the `contains` edges form a tree;
//! - every dependency-type edge becomes `dependencies[].dependsOn` (CycloneDX has one kind
//!   of dependency: build/dev/optional/link distinctions are reported as dropped);
//! - licences: a licence that is a single SPDX id is written as `license.id` with its
//!   `acknowledgement`; a compound expression as `expression` (CycloneDX allows only one
//!   expression per component, so a second compound expression is dropped); an invalid
//!   expression or a named licence as `license.name`;
//! - one `purl` and one `cpe` per component; further ones go to `evidence.identity`.

use crate::convert::{name_uuid, Dropped, Written};
use crate::cyclonedx::{bsi, kind_name};
use craft_model::{Component, License, Party, PartyKind, RelationshipKind, Sbom};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Deepest nesting of components written; deeper containment is cut into separate trees.
/// It keeps the writer's recursion bounded and the document within the nesting that JSON
/// readers accept (serde_json: 128 levels, two per component level).
pub const MAX_NESTING: usize = 32;

/// Write `sbom` as CycloneDX 1.6 JSON.
pub fn write(sbom: &Sbom) -> Written {
    let mut w = Writer {
        dropped: Vec::new(),
    };
    let doc = &sbom.document;
    let mut root = Map::new();
    root.insert(
        "$schema".into(),
        json!("http://cyclonedx.org/schema/bom-1.6.schema.json"),
    );
    root.insert("bomFormat".into(), json!("CycloneDX"));
    root.insert("specVersion".into(), json!("1.6"));
    let serial = match doc.namespace.as_deref() {
        Some(ns) if is_urn_uuid(ns) => ns.to_string(),
        Some(ns) => format!("urn:uuid:{}", name_uuid(ns)),
        None => format!(
            "urn:uuid:{}",
            name_uuid(&format!("{:?}{:?}", doc.name, doc.created))
        ),
    };
    root.insert("serialNumber".into(), json!(serial));
    root.insert("version".into(), json!(doc.revision.unwrap_or(1).max(1)));

    let mut meta = Map::new();
    if let Some(t) = &doc.created {
        if crate::check::is_rfc3339(t) {
            meta.insert("timestamp".into(), json!(t));
        } else {
            w.drop(
                None,
                "document.created",
                format!("{t:?} is not an RFC 3339 date-time"),
            );
        }
    }
    let mut tools: Vec<Value> = doc
        .tools
        .iter()
        .map(|t| {
            let mut o = Map::new();
            o.insert("type".into(), json!("application"));
            if let Some(v) = &t.vendor {
                o.insert("group".into(), json!(v));
            }
            o.insert("name".into(), json!(t.name));
            if let Some(v) = &t.version {
                o.insert("version".into(), json!(v));
            }
            Value::Object(o)
        })
        .collect();
    tools.push(
        json!({"type": "application", "name": "craft", "version": env!("CARGO_PKG_VERSION")}),
    );
    // The schema wants unique items.
    let mut seen = HashSet::new();
    tools.retain(|t| seen.insert(t.to_string()));
    meta.insert("tools".into(), json!({ "components": tools }));
    let persons: Vec<Value> = doc
        .authors
        .iter()
        .filter(|p| p.kind == PartyKind::Person)
        .map(contact)
        .collect();
    if !persons.is_empty() {
        meta.insert("authors".into(), Value::Array(persons));
    }
    let mut orgs = doc
        .authors
        .iter()
        .filter(|p| p.kind == PartyKind::Organization);
    if let Some(o) = orgs.next() {
        meta.insert("manufacturer".into(), entity(o));
    }
    for o in orgs {
        w.drop(
            None,
            "document.authors",
            format!(
                "organisation {:?}: CycloneDX has one metadata.manufacturer",
                o.name
            ),
        );
    }

    // Containment tree: a child with exactly one container nests under it.
    let ids: HashSet<&str> = sbom.components.iter().map(|c| c.id.as_str()).collect();
    let mut parents: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in &sbom.relationships {
        if r.kind == RelationshipKind::Contains
            && ids.contains(r.from.as_str())
            && ids.contains(r.to.as_str())
            && r.from != r.to
        {
            parents
                .entry(r.to.as_str())
                .or_default()
                .push(r.from.as_str());
        }
    }
    let subject = doc
        .subjects
        .iter()
        .find(|s| ids.contains(s.as_str()))
        .map(String::as_str);
    let mut parent_of: HashMap<&str, &str> = HashMap::new();
    for (child, ps) in &parents {
        if ps.len() == 1 && Some(*child) != subject {
            parent_of.insert(child, ps[0]);
        }
    }
    // Break cycles: walk up from each node until a node an earlier walk saw; reaching a
    // node of the same walk closes a cycle, and that node loses its parent. Every node is
    // walked over once (walking to the root from each was quadratic on long chains).
    let mut keys: Vec<&str> = parent_of.keys().copied().collect();
    keys.sort_unstable();
    let mut walked: HashMap<&str, usize> = HashMap::new();
    for (walk, start) in keys.into_iter().enumerate() {
        let mut cur = start;
        loop {
            if let Some(&w) = walked.get(cur) {
                if w == walk {
                    parent_of.remove(cur);
                }
                break;
            }
            walked.insert(cur, walk);
            match parent_of.get(cur) {
                Some(p) => cur = *p,
                None => break,
            }
        }
    }
    // Cut deep trees: a node at a depth that is a multiple of MAX_NESTING + 1 starts a new
    // tree at the top level. Depths are found walking up to the first node of known depth.
    let mut depth: HashMap<&str, usize> = HashMap::new();
    let mut cut: HashSet<(&str, &str)> = HashSet::new();
    let mut nodes: Vec<&str> = parent_of.keys().copied().collect();
    nodes.sort_unstable();
    for start in nodes {
        let mut path = Vec::new();
        let mut cur = start;
        let mut d = loop {
            if let Some(&d) = depth.get(cur) {
                break d;
            }
            match parent_of.get(cur) {
                Some(p) => {
                    path.push(cur);
                    cur = *p;
                }
                None => break 0,
            }
        };
        for node in path.into_iter().rev() {
            d += 1;
            if d % (MAX_NESTING + 1) == 0 {
                if let Some(p) = parent_of.remove(node) {
                    cut.insert((p, node));
                }
                d = 0;
            }
            depth.insert(node, d);
        }
    }
    let mut children: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let index = sbom.index_by_id();
    for (i, c) in sbom.components.iter().enumerate() {
        if let Some(p) = parent_of.get(c.id.as_str()) {
            children.entry(p).or_default().push(i);
        }
    }
    let nested_edges: HashSet<(&str, &str)> = parent_of.iter().map(|(c, p)| (*p, *c)).collect();

    if let Some(s) = subject.and_then(|s| index.get(s)) {
        let c = &sbom.components[*s];
        meta.insert("component".into(), w.component(c, sbom, &children));
    }
    for s in doc.subjects.iter().skip(1) {
        w.drop(
            None,
            "document.subjects",
            format!("{s:?}: CycloneDX has one metadata.component"),
        );
    }
    root.insert("metadata".into(), Value::Object(meta));

    let top: Vec<Value> = sbom
        .components
        .iter()
        .filter(|c| Some(c.id.as_str()) != subject && !parent_of.contains_key(c.id.as_str()))
        .map(|c| w.component(c, sbom, &children))
        .collect();
    root.insert("components".into(), Value::Array(top));

    // Dependencies.
    let mut deps: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    // Edges written (a set: a `contains` per edge was quadratic in a component's fan-out).
    let mut written: HashSet<(&str, &str)> = HashSet::new();
    for id in &sbom.dependencies_stated {
        if ids.contains(id.as_str()) {
            deps.entry(id.as_str()).or_default();
        }
    }
    for r in &sbom.relationships {
        let known = ids.contains(r.from.as_str()) && ids.contains(r.to.as_str());
        match &r.kind {
            k if k.is_dependency() && known => {
                let list = deps.entry(r.from.as_str()).or_default();
                if written.insert((r.from.as_str(), r.to.as_str())) {
                    list.push(r.to.as_str());
                }
                if *k != RelationshipKind::DependsOn {
                    w.drop(
                        Some(&r.from),
                        "relationships",
                        format!(
                            "{:?} -> {:?} is written as a plain dependency ({k:?} has no CycloneDX form)",
                            r.from, r.to
                        ),
                    );
                }
            }
            RelationshipKind::Contains
                if nested_edges.contains(&(r.from.as_str(), r.to.as_str())) => {}
            RelationshipKind::Contains if cut.contains(&(r.from.as_str(), r.to.as_str())) => w
                .drop(
                    Some(&r.from),
                    "relationships",
                    format!(
                        "{:?} contains {:?}: components nested more than {MAX_NESTING} levels \
                         deep are written at the top level",
                        r.from, r.to
                    ),
                ),
            RelationshipKind::Describes => {}
            k => w.drop(
                Some(&r.from),
                "relationships",
                format!("{:?} {k:?} {:?} has no CycloneDX form", r.from, r.to),
            ),
        }
    }
    if !deps.is_empty() {
        let list: Vec<Value> = deps
            .into_iter()
            .map(|(from, to)| json!({"ref": from, "dependsOn": to}))
            .collect();
        root.insert("dependencies".into(), Value::Array(list));
    }
    Written {
        value: Value::Object(root),
        dropped: w.dropped,
    }
}

fn is_urn_uuid(s: &str) -> bool {
    let Some(u) = s.strip_prefix("urn:uuid:") else {
        return false;
    };
    let b = u.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `organizationalEntity`.
fn entity(p: &Party) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(p.name));
    if let Some(u) = &p.url {
        o.insert("url".into(), json!([iri(u)]));
    }
    if let Some(e) = p.email.as_deref().filter(|e| is_email(e)) {
        o.insert("contact".into(), json!([{ "email": e }]));
    }
    Value::Object(o)
}

/// `organizationalContact`.
fn contact(p: &Party) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(p.name));
    if let Some(e) = p.email.as_deref().filter(|e| is_email(e)) {
        o.insert("email".into(), json!(e));
    }
    Value::Object(o)
}

/// A plausible e-mail address (what the schema's `idn-email` format accepts, roughly):
/// one `@` with text on both sides and no spaces. Others are not written.
fn is_email(e: &str) -> bool {
    match e.split_once('@') {
        Some((l, d)) => {
            !l.is_empty() && !d.is_empty() && !d.contains('@') && !e.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Percent-encode the characters an IRI reference may not contain (RFC 3987: space,
/// `"<>\^`{|}` and controls), so that real-world URLs such as Maven's
/// `${project.artifactId}` placeholders validate as `iri-reference`.
///
/// A reference without a scheme whose first segment holds a `:` is not a valid relative
/// reference either: scp-style git locations (`git@github.com:org/repo.git`) become the
/// equivalent `ssh://git@github.com/org/repo.git`, other colons are percent-encoded.
pub(crate) fn iri(u: &str) -> String {
    let u = u.trim();
    let has_scheme = u.split_once(':').is_some_and(|(s, _)| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    let first_segment = u.split(['/', '?', '#']).next().unwrap_or("");
    let rewritten;
    let u = if !has_scheme && first_segment.contains(':') {
        rewritten = match first_segment.split_once(':') {
            Some((host, rest))
                if !host.is_empty()
                    && !host.contains(char::is_whitespace)
                    && (rest.is_empty() || !rest.contains(':')) =>
            {
                format!("ssh://{host}/{}", &u[host.len() + 1..])
            }
            _ => u.replace(':', "%3A"),
        };
        rewritten.as_str()
    } else {
        u
    };
    let mut out = String::with_capacity(u.len());
    for ch in u.chars() {
        if ch.is_control() || " \"<>\\^`{|}".contains(ch) {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(ch);
        }
    }
    out
}

struct Writer {
    dropped: Vec<Dropped>,
}

impl Writer {
    fn drop(&mut self, component: Option<&str>, field: &str, reason: String) {
        self.dropped.push(Dropped {
            component: component.map(str::to_string),
            field: field.to_string(),
            reason,
        });
    }

    fn component(
        &mut self,
        c: &Component,
        sbom: &Sbom,
        children: &BTreeMap<&str, Vec<usize>>,
    ) -> Value {
        let id = Some(c.id.as_str());
        let mut o = Map::new();
        o.insert("type".into(), json!(kind_name(&c.kind)));
        o.insert("bom-ref".into(), json!(c.id));
        if let Some(s) = &c.supplier {
            o.insert("supplier".into(), entity(s));
        }
        match &c.originator {
            Some(p) if p.kind == PartyKind::Organization => {
                o.insert("manufacturer".into(), entity(p));
            }
            Some(p) => {
                o.insert("authors".into(), json!([contact(p)]));
            }
            None => {}
        }
        if let Some(g) = &c.group {
            o.insert("group".into(), json!(g));
        }
        o.insert("name".into(), json!(c.name));
        if let Some(v) = &c.version {
            o.insert("version".into(), json!(v));
        }
        if let Some(d) = &c.description {
            o.insert("description".into(), json!(d));
        }
        let mut hashes = Vec::new();
        for h in &c.hashes {
            let ok_len = h.alg.hex_len().is_some_and(|n| n == h.value.len())
                && h.value.bytes().all(|b| b.is_ascii_hexdigit());
            if matches!(
                h.alg,
                craft_model::HashAlg::Other(_) | craft_model::HashAlg::Sha224
            ) {
                self.drop(
                    id,
                    "hashes",
                    format!("{} has no CycloneDX form", h.alg.cyclonedx_name()),
                );
            } else if !ok_len {
                self.drop(
                    id,
                    "hashes",
                    format!(
                        "{} value {:?} is not a valid digest",
                        h.alg.cyclonedx_name(),
                        h.value
                    ),
                );
            } else {
                hashes.push(json!({"alg": h.alg.cyclonedx_name(), "content": h.value}));
            }
        }
        if !hashes.is_empty() {
            o.insert("hashes".into(), Value::Array(hashes));
        }
        if let Some(l) = self.licenses(c) {
            o.insert("licenses".into(), l);
        }
        if let Some(cr) = &c.copyright {
            o.insert("copyright".into(), json!(cr));
        }
        if let Some(cpe) = c.cpes.first() {
            o.insert("cpe".into(), json!(cpe));
        }
        if let Some(p) = c.purls.first() {
            o.insert("purl".into(), json!(p));
        }
        // Further CPEs and purls (syft lists many candidate CPEs) go to
        // `evidence.identity`, the 1.6 place for identities beyond the primary one.
        let extra: Vec<Value> = c
            .cpes
            .iter()
            .skip(1)
            .map(|v| json!({"field": "cpe", "concludedValue": v}))
            .chain(
                c.purls
                    .iter()
                    .skip(1)
                    .map(|v| json!({"field": "purl", "concludedValue": v})),
            )
            .collect();
        if !extra.is_empty() {
            o.insert("evidence".into(), json!({ "identity": extra }));
        }
        let mut gitoid = Vec::new();
        let mut swh = Vec::new();
        for x in &c.other_ids {
            match x.scheme.as_str() {
                "swid" if !o.contains_key("swid") => {
                    o.insert("swid".into(), json!({"tagId": x.value, "name": c.name}));
                }
                "gitoid" => gitoid.push(json!(x.value)),
                "swh" => swh.push(json!(x.value)),
                other => self.drop(
                    id,
                    "other_ids",
                    format!("{other}:{} has no CycloneDX form", x.value),
                ),
            }
        }
        if !gitoid.is_empty() {
            o.insert("omniborId".into(), Value::Array(gitoid));
        }
        if !swh.is_empty() {
            o.insert("swhid".into(), Value::Array(swh));
        }
        let mut refs: Vec<Value> = c
            .external_refs
            .iter()
            .map(|r| {
                let kind = if KNOWN_REF_TYPES.contains(&r.kind.as_str()) {
                    r.kind.as_str()
                } else {
                    "other"
                };
                let mut e = Map::new();
                e.insert("url".into(), json!(iri(&r.url)));
                if let Some(cm) = &r.comment {
                    e.insert("comment".into(), json!(cm));
                } else if kind != r.kind {
                    e.insert("comment".into(), json!(r.kind));
                }
                e.insert("type".into(), json!(kind));
                Value::Object(e)
            })
            .collect();
        if let Some(dl) = &c.download_location {
            if !c
                .external_refs
                .iter()
                .any(|r| r.kind == "distribution" && &r.url == dl)
            {
                refs.push(json!({"url": iri(dl), "type": "distribution"}));
            }
        }
        if !refs.is_empty() {
            o.insert("externalReferences".into(), Value::Array(refs));
        }
        let mut props: Vec<Value> = c
            .properties
            .iter()
            .map(|p| json!({"name": p.name, "value": p.value}))
            .collect();
        if let Some(f) = &c.file_name {
            let is_name_of_file = c.kind == craft_model::ComponentKind::File && *f == c.name;
            if c.property(bsi::FILENAME).is_none() && !is_name_of_file {
                props.push(json!({"name": bsi::FILENAME, "value": f}));
            }
        }
        if !props.is_empty() {
            o.insert("properties".into(), Value::Array(props));
        }
        if let Some(kids) = children.get(c.id.as_str()) {
            let nested: Vec<Value> = kids
                .iter()
                .map(|i| self.component(&sbom.components[*i], sbom, children))
                .collect();
            o.insert("components".into(), Value::Array(nested));
        }
        Value::Object(o)
    }

    fn licenses(&mut self, c: &Component) -> Option<Value> {
        let id = Some(c.id.as_str());
        let mut items: Vec<(&License, &str)> = Vec::new();
        for (l, ack) in [
            (c.license_declared.as_ref(), "declared"),
            (c.license_concluded.as_ref(), "concluded"),
        ] {
            match l {
                Some(l) if l.text() == "NONE" => self.drop(
                    id,
                    &format!("license_{ack}"),
                    "NONE (no licence) has no CycloneDX form".into(),
                ),
                Some(l) if !l.is_no_assertion() => items.push((l, ack)),
                _ => {}
            }
        }
        if items.is_empty() {
            return None;
        }
        let compound = |l: &License| match l {
            License::Expression {
                expression,
                valid: true,
            } => !crate::schema::cyclonedx_license_ids().contains(expression.as_str()),
            _ => false,
        };
        // One compound expression: the expression form (no other entries allowed).
        if let Some((l, ack)) = items.iter().find(|(l, _)| compound(l)) {
            for (other, oack) in &items {
                if !std::ptr::eq(*other, *l) && other.text() != l.text() {
                    self.drop(
                        id,
                        &format!("license_{oack}"),
                        format!(
                            "{:?}: CycloneDX holds one licence expression per component",
                            other.text()
                        ),
                    );
                }
            }
            return Some(json!([{"expression": l.text(), "acknowledgement": ack}]));
        }
        let list: Vec<Value> = items
            .iter()
            .map(|(l, ack)| match l {
                License::Expression {
                    expression,
                    valid: true,
                } => {
                    json!({"license": {"id": expression, "acknowledgement": ack}})
                }
                other => json!({"license": {"name": other.text(), "acknowledgement": ack}}),
            })
            .collect();
        Some(Value::Array(list))
    }
}

/// External reference types of CycloneDX 1.6.
const KNOWN_REF_TYPES: &[&str] = &[
    "vcs",
    "issue-tracker",
    "website",
    "advisories",
    "bom",
    "mailing-list",
    "social",
    "chat",
    "documentation",
    "support",
    "source-distribution",
    "distribution",
    "distribution-intake",
    "license",
    "build-meta",
    "build-system",
    "release-notes",
    "security-contact",
    "model-card",
    "log",
    "configuration",
    "evidence",
    "formulation",
    "attestation",
    "threat-model",
    "adversary-model",
    "risk-assessment",
    "vulnerability-assertion",
    "exploitability-statement",
    "pentest-report",
    "static-analysis-report",
    "dynamic-analysis-report",
    "runtime-analysis-report",
    "component-analysis-report",
    "maturity-report",
    "certification-report",
    "codified-infrastructure",
    "quality-metrics",
    "poam",
    "electronic-signature",
    "digital-signature",
    "rfc-9116",
    "other",
];
