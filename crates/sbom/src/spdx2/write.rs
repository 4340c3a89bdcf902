//! SPDX 2.3 JSON writer.
//!
//! Mapping choices (each loss is reported as a [`Dropped`]):
//! - every component is written as a package, files too (`primaryPackagePurpose: FILE`):
//!   an SPDX file element requires a SHA-1 checksum that converted data often lacks;
//! - SPDXIDs must match `SPDXRef-[A-Za-z0-9.-]+`: other ids are rewritten (deterministically,
//!   unique within the document) and the original id is kept in the package `comment`;
//! - a licence that is not a valid SPDX expression becomes a `LicenseRef-` with the
//!   original text in `hasExtractedLicensingInfos`;
//! - the document's subjects get `DESCRIBES`; a component whose dependencies are stated but
//!   empty gets `DEPENDS_ON NONE`.

use crate::convert::{name_uuid, Dropped, Written};
use crate::spdx2::kind_purpose;
use craft_model::{Component, License, Party, PartyKind, RelationshipKind, Sbom};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Write `sbom` as SPDX 2.3 JSON.
pub fn write(sbom: &Sbom) -> Written {
    let doc = &sbom.document;
    let mut dropped = Vec::new();
    let mut root = Map::new();
    root.insert("spdxVersion".into(), json!("SPDX-2.3"));
    root.insert("dataLicense".into(), json!("CC0-1.0"));
    root.insert("SPDXID".into(), json!("SPDXRef-DOCUMENT"));
    let name = doc
        .name
        .clone()
        .or_else(|| {
            doc.subjects
                .first()
                .and_then(|s| sbom.component(s))
                .map(|c| c.name.clone())
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "sbom".into());
    root.insert("name".into(), json!(name));
    let namespace = match doc.namespace.as_deref() {
        Some(ns) if ns.contains("://") && !ns.contains('#') => ns.to_string(),
        Some(ns) => format!(
            "https://spdx.org/spdxdocs/{}-{}",
            slug(&name),
            name_uuid(ns)
        ),
        None => format!(
            "https://spdx.org/spdxdocs/{}-{}",
            slug(&name),
            name_uuid(&format!("{name}{:?}", doc.created))
        ),
    };
    root.insert("documentNamespace".into(), json!(namespace));
    let mut creators: Vec<String> = doc.authors.iter().map(party).collect();
    for t in &doc.tools {
        creators.push(match &t.version {
            Some(v) => format!("Tool: {}-{v}", t.name),
            None => format!("Tool: {}", t.name),
        });
    }
    creators.push(format!("Tool: craft-{}", env!("CARGO_PKG_VERSION")));
    let created = doc
        .created
        .clone()
        .filter(|t| crate::check::is_rfc3339(t))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    if doc.created.as_deref() != Some(created.as_str()) {
        dropped.push(Dropped {
            component: None,
            field: "document.created".into(),
            reason: format!(
                "{:?} is missing or not RFC 3339; SPDX requires one, the epoch was written",
                doc.created
            ),
        });
    }
    let mut ci = Map::new();
    ci.insert("created".into(), json!(created));
    ci.insert("creators".into(), json!(creators));
    if let Some(c) = &doc.comment {
        ci.insert("comment".into(), json!(c));
    }
    root.insert("creationInfo".into(), Value::Object(ci));

    // SPDXIDs.
    let mut spdx_ids: HashMap<&str, String> = HashMap::new();
    let mut used: HashSet<String> = HashSet::from(["SPDXRef-DOCUMENT".to_string()]);
    // Per clashing id, the next suffix to try: the ones below are taken (trying from 1 each
    // time was quadratic when many ids sanitise to the same one).
    let mut next: HashMap<String, usize> = HashMap::new();
    for c in &sbom.components {
        let mut id = if is_spdx_id(&c.id) {
            c.id.clone()
        } else {
            format!("SPDXRef-{}", sanitize(&c.id))
        };
        if used.contains(&id) {
            let base = id.clone();
            let n = next.entry(base.clone()).or_insert(1);
            while used.contains(&id) {
                id = format!("{base}-{n}");
                *n += 1;
            }
        }
        used.insert(id.clone());
        spdx_ids.insert(c.id.as_str(), id);
    }

    let mut extracted: BTreeMap<String, String> = BTreeMap::new();
    let packages: Vec<Value> = sbom
        .components
        .iter()
        .map(|c| package(c, &spdx_ids, &mut extracted, &mut dropped))
        .collect();
    root.insert("packages".into(), Value::Array(packages));
    if !extracted.is_empty() {
        let infos: Vec<Value> = extracted
            .into_iter()
            .map(|(id, text)| json!({"licenseId": id, "extractedText": text, "name": text}))
            .collect();
        root.insert("hasExtractedLicensingInfos".into(), Value::Array(infos));
    }

    let mut rels = Vec::new();
    for s in &doc.subjects {
        match spdx_ids.get(s.as_str()) {
            Some(id) => rels.push(rel("SPDXRef-DOCUMENT", "DESCRIBES", id)),
            None => dropped.push(Dropped {
                component: None,
                field: "document.subjects".into(),
                reason: format!("{s:?} is not a component of the document"),
            }),
        }
    }
    let mut with_deps = HashSet::new();
    for r in &sbom.relationships {
        let (Some(from), Some(to)) = (spdx_ids.get(r.from.as_str()), spdx_ids.get(r.to.as_str()))
        else {
            dropped.push(Dropped {
                component: Some(r.from.clone()),
                field: "relationships".into(),
                reason: format!("{:?} -> {:?}: an end is not a component", r.from, r.to),
            });
            continue;
        };
        if r.kind.is_dependency() {
            with_deps.insert(r.from.as_str());
        }
        let (a, t, b) = match &r.kind {
            RelationshipKind::DependsOn => (from, "DEPENDS_ON", to),
            RelationshipKind::BuildDependsOn => (to, "BUILD_DEPENDENCY_OF", from),
            RelationshipKind::DevDependsOn => (to, "DEV_DEPENDENCY_OF", from),
            RelationshipKind::OptionalDependsOn => (to, "OPTIONAL_DEPENDENCY_OF", from),
            RelationshipKind::Contains => (from, "CONTAINS", to),
            RelationshipKind::GeneratedFrom => (from, "GENERATED_FROM", to),
            RelationshipKind::StaticLink => (from, "STATIC_LINK", to),
            RelationshipKind::DynamicLink => (from, "DYNAMIC_LINK", to),
            RelationshipKind::Describes => (from, "DESCRIBES", to),
            RelationshipKind::Other(name) if SPDX_RELATIONSHIPS.contains(&name.as_str()) => {
                (from, name.as_str(), to)
            }
            RelationshipKind::Other(name) => {
                let mut v = rel(from, "OTHER", to);
                if let Some(o) = v.as_object_mut() {
                    o.insert("comment".into(), json!(name));
                }
                rels.push(v);
                continue;
            }
        };
        rels.push(rel(a, t, b));
    }
    for id in &sbom.dependencies_stated {
        if !with_deps.contains(id.as_str()) {
            if let Some(sid) = spdx_ids.get(id.as_str()) {
                rels.push(rel(sid, "DEPENDS_ON", "NONE"));
            }
        }
    }
    root.insert("relationships".into(), Value::Array(rels));
    Written {
        value: Value::Object(root),
        dropped,
    }
}

fn rel(a: &str, t: &str, b: &str) -> Value {
    json!({"spdxElementId": a, "relationshipType": t, "relatedSpdxElement": b})
}

fn is_spdx_id(s: &str) -> bool {
    s.strip_prefix("SPDXRef-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    })
}

/// Replace every character SPDX ids do not allow with `-`.
fn sanitize(s: &str) -> String {
    let out = crate::spdx2::id_chars(s);
    if out.is_empty() {
        "x".into()
    } else {
        out
    }
}

fn slug(s: &str) -> String {
    sanitize(s).chars().take(64).collect()
}

fn party(p: &Party) -> String {
    let kind = match p.kind {
        PartyKind::Organization => "Organization",
        PartyKind::Person => "Person",
    };
    // Parentheses inside the name would break the `Name (email)` form.
    let name: String = p
        .name
        .chars()
        .map(|c| if c == '(' || c == ')' { ' ' } else { c })
        .collect();
    match &p.email {
        Some(e) => format!("{kind}: {} ({e})", name.trim()),
        None => format!("{kind}: {}", name.trim()),
    }
}

fn package(
    c: &Component,
    ids: &HashMap<&str, String>,
    extracted: &mut BTreeMap<String, String>,
    dropped: &mut Vec<Dropped>,
) -> Value {
    let mut o = Map::new();
    let drop = |dropped: &mut Vec<Dropped>, field: &str, reason: String| {
        dropped.push(Dropped {
            component: Some(c.id.clone()),
            field: field.into(),
            reason,
        })
    };
    let sid = ids.get(c.id.as_str()).cloned().unwrap_or_default();
    o.insert("name".into(), json!(c.name));
    o.insert("SPDXID".into(), json!(sid));
    if sid != c.id {
        o.insert("comment".into(), json!(format!("original id: {}", c.id)));
    }
    if let Some(v) = &c.version {
        o.insert("versionInfo".into(), json!(v));
    }
    if let Some(f) = &c.file_name {
        o.insert("packageFileName".into(), json!(f));
    }
    o.insert(
        "supplier".into(),
        json!(c.supplier.as_ref().map_or("NOASSERTION".into(), party)),
    );
    if let Some(p) = &c.originator {
        o.insert("originator".into(), json!(party(p)));
    }
    o.insert(
        "downloadLocation".into(),
        json!(c.download_location.as_deref().unwrap_or("NOASSERTION")),
    );
    o.insert("filesAnalyzed".into(), json!(false));
    let mut sums = Vec::new();
    for h in &c.hashes {
        let name = h.alg.spdx2_name();
        let valid = SPDX_ALGS.contains(&name)
            && h.alg.hex_len().is_some_and(|n| n == h.value.len())
            && h.value.bytes().all(|b| b.is_ascii_hexdigit());
        if valid {
            sums.push(json!({"algorithm": name, "checksumValue": h.value}));
        } else {
            drop(
                dropped,
                "hashes",
                format!("{name} {:?} has no valid SPDX form", h.value),
            );
        }
    }
    if !sums.is_empty() {
        o.insert("checksums".into(), Value::Array(sums));
    }
    if let Some(h) = c.external_refs.iter().find(|r| r.kind == "website") {
        o.insert("homepage".into(), json!(h.url));
    }
    let mut lic = |l: Option<&License>| -> String {
        match l {
            None => "NOASSERTION".into(),
            Some(License::Expression {
                expression,
                valid: true,
            }) => expression.clone(),
            Some(other) => {
                let id = format!("LicenseRef-{}", sanitize(other.text()));
                extracted.insert(id.clone(), other.text().to_string());
                id
            }
        }
    };
    o.insert(
        "licenseConcluded".into(),
        json!(lic(c.license_concluded.as_ref())),
    );
    o.insert(
        "licenseDeclared".into(),
        json!(lic(c.license_declared.as_ref())),
    );
    o.insert(
        "copyrightText".into(),
        json!(c.copyright.as_deref().unwrap_or("NOASSERTION")),
    );
    if let Some(d) = &c.description {
        o.insert("description".into(), json!(d));
    }
    let mut refs = Vec::new();
    for p in &c.purls {
        refs.push(json!({"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": p}));
    }
    for cpe in &c.cpes {
        let t = if cpe.starts_with("cpe:2.3:") {
            "cpe23Type"
        } else {
            "cpe22Type"
        };
        refs.push(
            json!({"referenceCategory": "SECURITY", "referenceType": t, "referenceLocator": cpe}),
        );
    }
    for x in &c.other_ids {
        refs.push(json!({"referenceCategory": "PERSISTENT-ID", "referenceType": x.scheme, "referenceLocator": x.value}));
    }
    for r in &c.external_refs {
        if r.kind == "website" && o.get("homepage").and_then(Value::as_str) == Some(&r.url) {
            continue;
        }
        if r.kind == "distribution" && c.download_location.as_deref() == Some(&r.url) {
            continue;
        }
        let (cat, t) = match r.kind.as_str() {
            "advisories" => ("SECURITY", "advisory"),
            "security-contact" => ("SECURITY", "url"),
            other => ("OTHER", other),
        };
        let mut e =
            json!({"referenceCategory": cat, "referenceType": t, "referenceLocator": r.url});
        if let (Some(cm), Some(obj)) = (&r.comment, e.as_object_mut()) {
            obj.insert("comment".into(), json!(cm));
        }
        refs.push(e);
    }
    if !refs.is_empty() {
        o.insert("externalRefs".into(), Value::Array(refs));
    }
    o.insert("primaryPackagePurpose".into(), json!(kind_purpose(&c.kind)));
    if let Some(g) = &c.group {
        drop(
            dropped,
            "group",
            format!("{g:?}: SPDX 2 packages have no group"),
        );
    }
    for p in &c.properties {
        drop(
            dropped,
            "properties",
            format!("{}={:?}: SPDX 2 has no package properties", p.name, p.value),
        );
    }
    Value::Object(o)
}

const SPDX_ALGS: &[&str] = &[
    "SHA1",
    "BLAKE3",
    "SHA3-384",
    "SHA256",
    "SHA384",
    "BLAKE2b-512",
    "BLAKE2b-256",
    "SHA3-512",
    "MD2",
    "ADLER32",
    "MD4",
    "SHA3-256",
    "BLAKE2b-384",
    "SHA512",
    "MD6",
    "MD5",
    "SHA224",
];

const SPDX_RELATIONSHIPS: &[&str] = &[
    "VARIANT_OF",
    "COPY_OF",
    "PATCH_FOR",
    "TEST_DEPENDENCY_OF",
    "CONTAINED_BY",
    "DATA_FILE_OF",
    "OPTIONAL_COMPONENT_OF",
    "ANCESTOR_OF",
    "GENERATES",
    "CONTAINS",
    "OPTIONAL_DEPENDENCY_OF",
    "FILE_ADDED",
    "REQUIREMENT_DESCRIPTION_FOR",
    "DEV_DEPENDENCY_OF",
    "DEPENDENCY_OF",
    "BUILD_DEPENDENCY_OF",
    "DESCRIBES",
    "PREREQUISITE_FOR",
    "HAS_PREREQUISITE",
    "PROVIDED_DEPENDENCY_OF",
    "DYNAMIC_LINK",
    "DESCRIBED_BY",
    "METAFILE_OF",
    "DEPENDENCY_MANIFEST_OF",
    "PATCH_APPLIED",
    "RUNTIME_DEPENDENCY_OF",
    "TEST_OF",
    "TEST_TOOL_OF",
    "DEPENDS_ON",
    "SPECIFICATION_FOR",
    "FILE_MODIFIED",
    "DISTRIBUTION_ARTIFACT_OF",
    "AMENDS",
    "DOCUMENTATION_OF",
    "GENERATED_FROM",
    "STATIC_LINK",
    "OTHER",
    "BUILD_TOOL_OF",
    "TEST_CASE_OF",
    "PACKAGE_OF",
    "DESCENDANT_OF",
    "FILE_DELETED",
    "EXPANDED_FROM_ARCHIVE",
    "DEV_TOOL_OF",
    "EXAMPLE_OF",
];
