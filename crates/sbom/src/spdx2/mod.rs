//! SPDX 2.2 and 2.3: the JSON interpreter, the tag-value lowering ([`tagvalue`]) and the
//! writer ([`write`]).
//!
//! [`from_json`] builds the model from the JSON form. Packages and files both become
//! components (files with kind [`ComponentKind::File`]); snippets are counted and skipped.
//! Relationships are normalised to their forward direction (`B DEPENDENCY_OF A` becomes
//! `A depends-on B`); `DESCRIBES` from the document (and `documentDescribes`) become the
//! document's subjects.

pub mod tagvalue;
pub mod write;

use crate::dom::{Map, Value};
use crate::json::Walker;
use crate::{license, Diagnostic, Location, Severity};
use craft_model::{
    Component, ComponentKind, DocumentInfo, Encoding, ExternalId, ExternalRef, FormatKind, Hash,
    HashAlg, Party, PartyKind, Relationship, RelationshipKind, Sbom, SourceFormat, Tool,
};
use std::collections::HashSet;

/// Interpret a SPDX 2 JSON document given as a `serde_json::Value` (see [`from_dom`]).
pub fn from_json(v: &serde_json::Value) -> Result<(Sbom, Vec<Diagnostic>), (String, String)> {
    let bump = bumpalo::Bump::new();
    from_dom(&Value::from_serde(v, &bump))
}

/// Interpret an SPDX 2 JSON document.
///
/// `Err((pointer, message))` only when the top level is unusable.
///
/// The document is a [`crate::dom::Value`], as the readers parse it.
pub fn from_dom(v: &Value<'_>) -> Result<(Sbom, Vec<Diagnostic>), (String, String)> {
    let Some(root) = v.as_object() else {
        return Err((String::new(), "an SPDX document must be an object".into()));
    };
    let mut w = Walker::default();
    let spec_version = w
        .str(root, "spdxVersion", "")
        .map(|s| s.trim().trim_start_matches("SPDX-").to_string())
        .unwrap_or_else(|| "unknown".into());
    let doc_id = w
        .string(root, "SPDXID", "")
        .unwrap_or_else(|| "SPDXRef-DOCUMENT".into());
    let mut doc = DocumentInfo {
        format: Some(SourceFormat {
            kind: FormatKind::Spdx2,
            spec_version,
            encoding: Encoding::Json,
        }),
        name: w.string(root, "name", ""),
        namespace: w.string(root, "documentNamespace", ""),
        data_license: w.string(root, "dataLicense", ""),
        comment: w.string(root, "comment", ""),
        ..DocumentInfo::default()
    };
    if let Some(ci) = w.object(root, "creationInfo", "") {
        doc.created = w.string(ci, "created", "/creationInfo");
        for creator in w.strings(ci, "creators", "/creationInfo") {
            match parse_actor(&creator) {
                Some(Actor::Tool(t)) => doc.tools.push(t),
                Some(Actor::Party(p)) => doc.authors.push(p),
                None => {}
            }
        }
    }
    doc.subjects = w
        .strings(root, "documentDescribes", "")
        .into_iter()
        .map(|s| s.trim().to_string())
        .collect();
    let mut sbom = Sbom::default();
    let mut ids = HashSet::new();
    let (packages, files) = (w.array(root, "packages", ""), w.array(root, "files", ""));
    sbom.components.reserve(packages.len() + files.len());
    for (i, p) in packages.iter().enumerate() {
        if let Some(c) = package(&mut w, p, &format!("/packages/{i}")) {
            push_unique(&mut w, &mut sbom, &mut ids, c, &format!("/packages/{i}"));
        }
    }
    for (i, f) in files.iter().enumerate() {
        if let Some(c) = file(&mut w, f, &format!("/files/{i}")) {
            push_unique(&mut w, &mut sbom, &mut ids, c, &format!("/files/{i}"));
        }
    }
    let snippets = w.array(root, "snippets", "").len();
    if snippets > 0 {
        w.diags.push(Diagnostic::new(
            "read-snippets-ignored",
            Severity::Info,
            format!("{snippets} snippet(s) are not components and were not read"),
            Location::pointer("/snippets"),
        ));
    }
    // Packages list their files with `hasFiles`: that is containment.
    for (i, p) in w.array(root, "packages", "").iter().enumerate() {
        let Some(p) = p.as_object() else { continue };
        let Some(pid) = p.get("SPDXID").and_then(Value::as_str) else {
            continue;
        };
        for f in w.strings(p, "hasFiles", &format!("/packages/{i}")) {
            sbom.relationships.push(Relationship {
                from: pid.trim().to_string(),
                kind: RelationshipKind::Contains,
                to: f.trim().to_string(),
            });
        }
    }
    // Subjects seen so far (a set: a `contains` per DESCRIBES was quadratic in their number).
    let mut described: HashSet<String> = doc.subjects.iter().cloned().collect();
    for (i, r) in w.array(root, "relationships", "").iter().enumerate() {
        let at = format!("/relationships/{i}");
        let Some(r) = r.as_object() else {
            w.not_object(&at, r);
            continue;
        };
        let (Some(a), Some(t), Some(b)) = (
            w.string(r, "spdxElementId", &at),
            w.string(r, "relationshipType", &at),
            w.string(r, "relatedSpdxElement", &at),
        ) else {
            w.diags.push(Diagnostic::skipped(
                at,
                "relationship without `spdxElementId`, `relationshipType` or \
                 `relatedSpdxElement`; skipped",
            ));
            continue;
        };
        if b == "NONE" || b == "NOASSERTION" {
            // `A DEPENDS_ON NONE` states that A has no dependencies.
            if b == "NONE" && t == "DEPENDS_ON" {
                sbom.dependencies_stated.insert(a);
            }
            continue;
        }
        let rel = relationship(a, &t, b);
        if rel.kind.is_dependency() {
            sbom.dependencies_stated.insert(rel.from.clone());
        }
        if rel.kind == RelationshipKind::Describes && rel.from == doc_id {
            if described.insert(rel.to.clone()) {
                doc.subjects.push(rel.to);
            }
            continue;
        }
        sbom.relationships.push(rel);
    }
    dedup_edges(&mut sbom.relationships);
    sbom.document = doc;
    Ok((sbom, w.diags))
}

fn push_unique(w: &mut Walker, sbom: &mut Sbom, ids: &mut HashSet<String>, c: Component, at: &str) {
    if !ids.insert(c.id.clone()) {
        w.diags.push(Diagnostic::new(
            "duplicate-id",
            Severity::Error,
            format!(
                "SPDXID {:?} is used by an earlier element; this one is skipped",
                c.id
            ),
            Location::pointer(format!("{at}/SPDXID")),
        ));
        return;
    }
    sbom.components.push(c);
}

/// Remove repeated edges, keeping the first occurrence (order is kept).
pub(crate) fn dedup_edges(edges: &mut Vec<Relationship>) {
    let mut seen = HashSet::new();
    edges.retain(|r| seen.insert(r.clone()));
}

fn package(w: &mut Walker, v: &Value<'_>, at: &str) -> Option<Component> {
    let Some(o) = v.as_object() else {
        w.not_object(at, v);
        return None;
    };
    let Some(id) = w.string(o, "SPDXID", at) else {
        w.diags
            .push(Diagnostic::skipped(at, "package without `SPDXID`; skipped"));
        return None;
    };
    let mut c = Component {
        id,
        name: w.string(o, "name", at).unwrap_or_default(),
        version: w.string(o, "versionInfo", at),
        file_name: w.string(o, "packageFileName", at),
        download_location: w
            .string(o, "downloadLocation", at)
            .filter(|s| is_asserted(s)),
        copyright: w.string(o, "copyrightText", at).filter(|s| is_asserted(s)),
        description: w
            .string(o, "description", at)
            .or_else(|| w.string(o, "summary", at)),
        kind: w
            .str(o, "primaryPackagePurpose", at)
            .map(purpose_kind)
            .unwrap_or_default(),
        ..Component::default()
    };
    c.supplier = w.str(o, "supplier", at).and_then(parse_party);
    c.originator = w.str(o, "originator", at).and_then(parse_party);
    c.license_declared = w.str(o, "licenseDeclared", at).map(license::expression);
    c.license_concluded = w.str(o, "licenseConcluded", at).map(license::expression);
    checksums(w, o, at, &mut c.hashes);
    if let Some(h) = w.string(o, "homepage", at).filter(|s| is_asserted(s)) {
        c.external_refs.push(ExternalRef {
            kind: "website".into(),
            url: h,
            comment: None,
        });
    }
    for (i, r) in w.array(o, "externalRefs", at).iter().enumerate() {
        let rat = format!("{at}/externalRefs/{i}");
        let Some(r) = r.as_object() else {
            w.not_object(&rat, r);
            continue;
        };
        let (Some(category), Some(rtype), Some(loc)) = (
            w.string(r, "referenceCategory", &rat),
            w.string(r, "referenceType", &rat),
            w.string(r, "referenceLocator", &rat),
        ) else {
            continue;
        };
        // Some producers (Yocto) write the type as a full IRI.
        let rtype = rtype
            .strip_prefix("http://spdx.org/rdf/references/")
            .map(str::to_string)
            .unwrap_or(rtype);
        match rtype.as_str() {
            "purl" => c.purls.push(loc),
            "cpe23Type" | "cpe22Type" => c.cpes.push(loc),
            "swid" | "gitoid" | "swh" => c.other_ids.push(ExternalId {
                scheme: rtype,
                value: loc,
            }),
            _ => c.external_refs.push(ExternalRef {
                kind: external_ref_kind(&category, &rtype),
                url: loc,
                comment: w.string(r, "comment", &rat),
            }),
        }
    }
    Some(c)
}

fn file(w: &mut Walker, v: &Value<'_>, at: &str) -> Option<Component> {
    let Some(o) = v.as_object() else {
        w.not_object(at, v);
        return None;
    };
    let Some(id) = w.string(o, "SPDXID", at) else {
        w.diags
            .push(Diagnostic::skipped(at, "file without `SPDXID`; skipped"));
        return None;
    };
    let name = w.string(o, "fileName", at).unwrap_or_default();
    let mut c = Component {
        id,
        kind: ComponentKind::File,
        file_name: Some(name.clone()),
        name,
        copyright: w.string(o, "copyrightText", at).filter(|s| is_asserted(s)),
        ..Component::default()
    };
    c.license_concluded = w.str(o, "licenseConcluded", at).map(license::expression);
    checksums(w, o, at, &mut c.hashes);
    Some(c)
}

fn checksums(w: &mut Walker, o: &Map<'_>, at: &str, out: &mut Vec<Hash>) {
    for (i, h) in w.array(o, "checksums", at).iter().enumerate() {
        let hat = format!("{at}/checksums/{i}");
        let Some(h) = h.as_object() else {
            w.not_object(&hat, h);
            continue;
        };
        if let (Some(alg), Some(value)) =
            (w.str(h, "algorithm", &hat), w.str(h, "checksumValue", &hat))
        {
            out.push(Hash {
                alg: HashAlg::parse(alg),
                value: value.trim().to_ascii_lowercase(),
            });
        }
    }
}

/// Replace every character an SPDX id (`SPDXRef-…`, `LicenseRef-…`) may not hold with `-`.
pub(crate) fn id_chars(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Whether an SPDX value asserts something (not `NOASSERTION` / `NONE` / empty).
pub(crate) fn is_asserted(s: &str) -> bool {
    let s = s.trim();
    !(s.is_empty() || s == "NOASSERTION" || s == "NONE")
}

/// A creator or supplier entry: `Tool: name-1.0`, `Organization: X (mail)`, `Person: Y`.
pub(crate) enum Actor {
    Tool(Tool),
    Party(Party),
}

pub(crate) fn parse_actor(s: &str) -> Option<Actor> {
    let (kind, rest) = s.split_once(':')?;
    let rest = rest.trim();
    if !is_asserted(rest) {
        return None;
    }
    match kind.trim() {
        "Tool" => {
            // `name-version` by convention; the last `-` followed by a digit splits them.
            let split = rest
                .char_indices()
                .filter(|(i, ch)| {
                    *ch == '-'
                        && rest[i + 1..]
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_digit())
                })
                .map(|(i, _)| i)
                .next_back();
            let (name, version) = match split {
                Some(i) => (rest[..i].to_string(), Some(rest[i + 1..].to_string())),
                None => (rest.to_string(), None),
            };
            Some(Actor::Tool(Tool {
                vendor: None,
                name,
                version,
            }))
        }
        "Organization" | "Person" => parse_party(s).map(Actor::Party),
        _ => None,
    }
}

/// `Organization: Name (email)` or `Person: Name (email)`; `NOASSERTION` is no party.
pub(crate) fn parse_party(s: &str) -> Option<Party> {
    let (kind, rest) = s.split_once(':')?;
    let kind = match kind.trim() {
        "Organization" => PartyKind::Organization,
        "Person" => PartyKind::Person,
        _ => return None,
    };
    let rest = rest.trim();
    if !is_asserted(rest) {
        return None;
    }
    let (name, email) = match (rest.rfind('('), rest.ends_with(')')) {
        (Some(i), true) => {
            let email = rest[i + 1..rest.len() - 1].trim();
            (
                rest[..i].trim().to_string(),
                (!email.is_empty()).then(|| email.to_string()),
            )
        }
        _ => (rest.to_string(), None),
    };
    Some(Party {
        kind,
        name,
        email,
        url: None,
    })
}

/// Normalise an SPDX relationship to the model's forward direction.
fn relationship(a: String, t: &str, b: String) -> Relationship {
    use RelationshipKind as K;
    let (from, kind, to) = match t {
        "DEPENDS_ON" => (a, K::DependsOn, b),
        "DEPENDENCY_OF" | "RUNTIME_DEPENDENCY_OF" => (b, K::DependsOn, a),
        "BUILD_DEPENDENCY_OF" | "BUILD_TOOL_OF" => (b, K::BuildDependsOn, a),
        "DEV_DEPENDENCY_OF" | "DEV_TOOL_OF" | "TEST_DEPENDENCY_OF" | "TEST_TOOL_OF" => {
            (b, K::DevDependsOn, a)
        }
        "OPTIONAL_DEPENDENCY_OF" => (b, K::OptionalDependsOn, a),
        "CONTAINS" => (a, K::Contains, b),
        "CONTAINED_BY" => (b, K::Contains, a),
        "DESCRIBES" => (a, K::Describes, b),
        "DESCRIBED_BY" => (b, K::Describes, a),
        "GENERATED_FROM" => (a, K::GeneratedFrom, b),
        "GENERATES" => (b, K::GeneratedFrom, a),
        "STATIC_LINK" => (a, K::StaticLink, b),
        "DYNAMIC_LINK" => (a, K::DynamicLink, b),
        other => (a, K::Other(other.to_string()), b),
    };
    Relationship { from, kind, to }
}

/// The model kind for an SPDX 2.3 `primaryPackagePurpose`.
fn purpose_kind(p: &str) -> ComponentKind {
    match p {
        "APPLICATION" => ComponentKind::Application,
        "FRAMEWORK" => ComponentKind::Framework,
        "LIBRARY" => ComponentKind::Library,
        "CONTAINER" => ComponentKind::Container,
        "OPERATING-SYSTEM" | "OPERATING_SYSTEM" => ComponentKind::OperatingSystem,
        "DEVICE" => ComponentKind::Device,
        "FIRMWARE" => ComponentKind::Firmware,
        "SOURCE" => ComponentKind::Source,
        "ARCHIVE" => ComponentKind::Archive,
        "FILE" => ComponentKind::File,
        "INSTALL" => ComponentKind::Install,
        other => ComponentKind::Other(other.to_string()),
    }
}

/// The SPDX 2.3 `primaryPackagePurpose` for a model kind.
pub(crate) fn kind_purpose(k: &ComponentKind) -> &'static str {
    match k {
        ComponentKind::Application => "APPLICATION",
        ComponentKind::Framework => "FRAMEWORK",
        ComponentKind::Library => "LIBRARY",
        ComponentKind::Container => "CONTAINER",
        ComponentKind::OperatingSystem => "OPERATING_SYSTEM",
        ComponentKind::Device | ComponentKind::DeviceDriver => "DEVICE",
        ComponentKind::Firmware => "FIRMWARE",
        ComponentKind::Source => "SOURCE",
        ComponentKind::Archive => "ARCHIVE",
        ComponentKind::File => "FILE",
        ComponentKind::Install => "INSTALL",
        _ => "OTHER",
    }
}

/// The CycloneDX external reference type for an SPDX reference category/type.
fn external_ref_kind(category: &str, rtype: &str) -> String {
    match rtype {
        "advisory" => "advisories",
        "fix" | "url" => "other",
        "vcs" => "vcs",
        _ if category == "SECURITY" => "security-contact",
        _ => "other",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors() {
        match parse_actor("Tool: scancode-toolkit-32.0.8") {
            Some(Actor::Tool(t)) => {
                assert_eq!(t.name, "scancode-toolkit");
                assert_eq!(t.version.as_deref(), Some("32.0.8"));
            }
            _ => panic!("tool"),
        }
        let p = parse_party("Organization: ExampleCo (contact@example.com)").unwrap();
        assert_eq!(p.name, "ExampleCo");
        assert_eq!(p.email.as_deref(), Some("contact@example.com"));
        assert!(parse_party("NOASSERTION").is_none());
        assert!(parse_party("Person: NOASSERTION").is_none());
        assert!(parse_party("Organization: (").is_some());
    }

    #[test]
    fn reverse_relationships_are_normalised() {
        let r = relationship("a".into(), "DEPENDENCY_OF", "b".into());
        assert_eq!((r.from.as_str(), r.to.as_str()), ("b", "a"));
        assert_eq!(r.kind, RelationshipKind::DependsOn);
    }
}
