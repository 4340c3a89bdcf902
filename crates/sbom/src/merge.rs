//! Merge several SBOMs (bootloader + kernel + rootfs + application) into one product SBOM.
//!
//! Components are the same when they share an identity: a purl, a CPE, or a SHA-256/SHA-512
//! hash; components with none of these are the same when name, version and kind are equal.
//! Merged components take the union of identifiers, hashes, references and properties, and
//! the first non-empty value of every single-valued field (inputs are taken in order, so
//! the first SBOM wins a conflict; conflicts are reported). The dependency graph is joined:
//! every edge is rewritten to the merged ids and repeated edges are removed.

use craft_model::{
    Component, ComponentKind, DocumentInfo, HashAlg, Relationship, RelationshipKind, Sbom,
};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Options of a merge.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// When set, a new top-level component (the product) is created and `contains` the
    /// subjects of every input.
    pub product: Option<Product>,
    /// The timestamp to give the merged document (RFC 3339).
    pub created: Option<String>,
}

/// The product component a merge can create.
#[derive(Debug, Clone)]
pub struct Product {
    /// Name.
    pub name: String,
    /// Version.
    pub version: Option<String>,
    /// Kind (default: firmware).
    pub kind: ComponentKind,
}

/// A field two inputs disagreed on (the first input's value was kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// Merged component id.
    pub component: String,
    /// Field name.
    pub field: &'static str,
    /// Kept value.
    pub kept: String,
    /// Other value.
    pub other: String,
}

/// The merged SBOM with what happened.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The result.
    pub sbom: Sbom,
    /// Components in all inputs together.
    pub input_components: usize,
    /// Conflicts between inputs.
    pub conflicts: Vec<Conflict>,
}

/// Identity keys of a component, strongest first.
fn keys(c: &Component) -> Vec<String> {
    let mut k: Vec<String> = c.purls.iter().map(|p| format!("purl:{p}")).collect();
    k.extend(
        c.cpes
            .iter()
            .map(|p| format!("cpe:{}", p.to_ascii_lowercase())),
    );
    k.extend(
        c.hashes
            .iter()
            .filter(|h| matches!(h.alg, HashAlg::Sha256 | HashAlg::Sha512))
            .map(|h| format!("hash:{}:{}", h.alg.cyclonedx_name(), h.value)),
    );
    if k.is_empty() {
        k.push(format!(
            "nv:{:?}:{}:{}",
            c.kind,
            c.name,
            c.version.as_deref().unwrap_or("")
        ));
    }
    k
}

/// Merge `inputs` in order.
pub fn merge(inputs: &[Sbom], opts: &MergeOptions) -> Merged {
    let mut out = Sbom::default();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut conflicts = Vec::new();
    let mut remap: Vec<HashMap<&str, String>> = Vec::with_capacity(inputs.len());
    let mut doc = DocumentInfo {
        created: opts.created.clone(),
        ..DocumentInfo::default()
    };
    let mut input_components = 0;
    for (n, input) in inputs.iter().enumerate() {
        let mut map = HashMap::new();
        input_components += input.components.len();
        for c in &input.components {
            let ks = keys(c);
            let existing = ks.iter().find_map(|k| by_key.get(k).copied());
            let idx = match existing {
                Some(i) => {
                    absorb(&mut out.components[i], c, &mut conflicts);
                    i
                }
                None => {
                    let mut nc = c.clone();
                    if used_ids.contains_key(&nc.id) {
                        nc.id = format!("{}-{}", c.id, n + 1);
                        let mut k = 1;
                        while used_ids.contains_key(&nc.id) {
                            k += 1;
                            nc.id = format!("{}-{}-{k}", c.id, n + 1);
                        }
                    }
                    used_ids.insert(nc.id.clone(), out.components.len());
                    out.components.push(nc);
                    out.components.len() - 1
                }
            };
            for k in keys(&out.components[idx]).into_iter().chain(ks) {
                by_key.entry(k).or_insert(idx);
            }
            map.insert(c.id.as_str(), out.components[idx].id.clone());
        }
        for a in &input.document.authors {
            if !doc.authors.contains(a) {
                doc.authors.push(a.clone());
            }
        }
        for t in &input.document.tools {
            if !doc.tools.contains(t) {
                doc.tools.push(t.clone());
            }
        }
        remap.push(map);
    }
    let mut edges = BTreeSet::new();
    let mut stated = BTreeSet::new();
    let mut subjects: Vec<String> = Vec::new();
    for (input, map) in inputs.iter().zip(&remap) {
        for r in &input.relationships {
            let from = map
                .get(r.from.as_str())
                .cloned()
                .unwrap_or_else(|| r.from.clone());
            let to = map
                .get(r.to.as_str())
                .cloned()
                .unwrap_or_else(|| r.to.clone());
            if from != to {
                edges.insert(Relationship {
                    from,
                    kind: r.kind.clone(),
                    to,
                });
            }
        }
        for s in &input.dependencies_stated {
            stated.insert(map.get(s.as_str()).cloned().unwrap_or_else(|| s.clone()));
        }
        for s in &input.document.subjects {
            let s = map.get(s.as_str()).cloned().unwrap_or_else(|| s.clone());
            if !subjects.contains(&s) {
                subjects.push(s);
            }
        }
    }
    out.relationships = edges.into_iter().collect();
    if let Some(p) = &opts.product {
        let mut id = format!("product-{}", p.name);
        while out.components.iter().any(|c| c.id == id) {
            id.push('_');
        }
        for s in &subjects {
            out.relationships.push(Relationship {
                from: id.clone(),
                kind: RelationshipKind::Contains,
                to: s.clone(),
            });
        }
        out.components.insert(
            0,
            Component {
                id: id.clone(),
                kind: p.kind.clone(),
                name: p.name.clone(),
                version: p.version.clone(),
                ..Component::default()
            },
        );
        doc.name = Some(p.name.clone());
        doc.subjects = vec![id];
    } else {
        doc.name = inputs.first().and_then(|s| s.document.name.clone());
        doc.subjects = subjects;
    }
    out.dependencies_stated = stated;
    out.document = doc;
    Merged {
        sbom: out,
        input_components,
        conflicts,
    }
}

/// Fold `other` into `into`: unions for lists, first value wins for scalars.
fn absorb(into: &mut Component, other: &Component, conflicts: &mut Vec<Conflict>) {
    fn fill(
        id: &str,
        field: &'static str,
        slot: &mut Option<String>,
        other: &Option<String>,
        conflicts: &mut Vec<Conflict>,
    ) {
        match (slot.as_ref(), other) {
            (None, Some(v)) => *slot = Some(v.clone()),
            (Some(a), Some(b)) if a != b => conflicts.push(Conflict {
                component: id.to_string(),
                field,
                kept: a.clone(),
                other: b.clone(),
            }),
            _ => {}
        }
    }
    fn union<T: PartialEq + Clone>(a: &mut Vec<T>, b: &[T]) {
        for x in b {
            if !a.contains(x) {
                a.push(x.clone());
            }
        }
    }
    let id = into.id.clone();
    if into.name.is_empty() {
        into.name.clone_from(&other.name);
    }
    fill(&id, "version", &mut into.version, &other.version, conflicts);
    fill(&id, "group", &mut into.group, &other.group, conflicts);
    fill(
        &id,
        "file_name",
        &mut into.file_name,
        &other.file_name,
        conflicts,
    );
    fill(
        &id,
        "download_location",
        &mut into.download_location,
        &other.download_location,
        conflicts,
    );
    fill(
        &id,
        "copyright",
        &mut into.copyright,
        &other.copyright,
        conflicts,
    );
    fill(
        &id,
        "description",
        &mut into.description,
        &other.description,
        conflicts,
    );
    if into.supplier.is_none() {
        into.supplier.clone_from(&other.supplier);
    }
    if into.originator.is_none() {
        into.originator.clone_from(&other.originator);
    }
    if into.license_declared.is_none() {
        into.license_declared.clone_from(&other.license_declared);
    }
    if into.license_concluded.is_none() {
        into.license_concluded.clone_from(&other.license_concluded);
    }
    union(&mut into.purls, &other.purls);
    union(&mut into.cpes, &other.cpes);
    union(&mut into.other_ids, &other.other_ids);
    union(&mut into.hashes, &other.hashes);
    union(&mut into.external_refs, &other.external_refs);
    union(&mut into.properties, &other.properties);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comp(id: &str, name: &str, version: &str, purl: Option<&str>) -> Component {
        Component {
            id: id.into(),
            name: name.into(),
            version: Some(version.into()),
            purls: purl.into_iter().map(str::to_string).collect(),
            ..Component::default()
        }
    }

    #[test]
    fn dedups_by_purl_and_joins_graph() {
        let a = Sbom {
            components: vec![
                comp("a", "app", "1", Some("pkg:generic/app@1")),
                comp("z", "zlib", "1.3", Some("pkg:generic/zlib@1.3")),
            ],
            relationships: vec![Relationship {
                from: "a".into(),
                kind: RelationshipKind::DependsOn,
                to: "z".into(),
            }],
            ..Sbom::default()
        };
        let b = Sbom {
            components: vec![
                comp("a", "kernel", "6.1", Some("pkg:generic/linux@6.1")),
                comp("zz", "zlib", "1.3", Some("pkg:generic/zlib@1.3")),
            ],
            relationships: vec![Relationship {
                from: "a".into(),
                kind: RelationshipKind::DependsOn,
                to: "zz".into(),
            }],
            ..Sbom::default()
        };
        let m = merge(&[a, b], &MergeOptions::default());
        let names: Vec<_> = m.sbom.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["app", "zlib", "kernel"]);
        assert_eq!(m.input_components, 4);
        // The second input's `a` clashed with the first's and was renamed.
        let kernel = &m.sbom.components[2];
        assert_eq!(kernel.id, "a-2");
        let edges: Vec<_> = m
            .sbom
            .relationships
            .iter()
            .map(|r| (r.from.as_str(), r.to.as_str()))
            .collect();
        assert_eq!(edges, [("a", "z"), ("a-2", "z")]);
    }
}
