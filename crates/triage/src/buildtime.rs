//! Components an SBOM lists only as build-time tools or build/development dependencies:
//! their code is not in the product, so their vulnerabilities do not affect it
//! (`component_not_present`).
//!
//! A component is build-only when the SBOM states at least one build or development
//! dependency on it (SPDX `BUILD_DEPENDENCY_OF`, `BUILD_TOOL_OF`, `DEV_DEPENDENCY_OF`; SPDX 3
//! `hasBuildTool`, `buildDependsOn`, `scope: build/development`) and no run-time path reaches
//! it from what the document describes: following every other edge (depends-on, optional,
//! static and dynamic links, contains, generated-from, and edges of kinds craft does not
//! know, which count as run-time). An SBOM that states no build edge has no build-only
//! component; one that describes nothing, or whose graph leaves some component unreached by
//! any edge (a partial graph), is not judged: a missing edge proves nothing.

use craft_model::{RelationshipKind as K, Sbom};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The build-only components of `sbom`, by id, each with its evidence.
pub fn build_only(sbom: &Sbom) -> BTreeMap<String, String> {
    let build = |k: &K| matches!(k, K::BuildDependsOn | K::DevDependsOn);
    let mut needed_by: BTreeMap<&str, Vec<(&str, &K)>> = BTreeMap::new();
    for r in &sbom.relationships {
        if build(&r.kind) {
            needed_by
                .entry(r.to.as_str())
                .or_default()
                .push((r.from.as_str(), &r.kind));
        }
    }
    let roots: Vec<&str> = sbom.document.subjects.iter().map(String::as_str).collect();
    if needed_by.is_empty() || roots.is_empty() {
        return BTreeMap::new();
    }
    // Everything a run-time path reaches from the roots.
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in &sbom.relationships {
        if !build(&r.kind) && r.kind != K::Describes {
            edges
                .entry(r.from.as_str())
                .or_default()
                .push(r.to.as_str());
        }
    }
    let reached = reach(&roots, &edges);
    // A graph that leaves a component unreached by any edge (build ones included) is
    // partial: a missing edge is no evidence, so nothing is judged.
    let mut all_edges = edges.clone();
    for r in &sbom.relationships {
        if build(&r.kind) {
            all_edges
                .entry(r.from.as_str())
                .or_default()
                .push(r.to.as_str());
        }
    }
    let anywhere = reach(&roots, &all_edges);
    if sbom
        .components
        .iter()
        .any(|c| c.kind != craft_model::ComponentKind::File && !anywhere.contains(c.id.as_str()))
    {
        return BTreeMap::new();
    }
    let index = sbom.index_by_id();
    let name = |id: &str| {
        index
            .get(id)
            .map_or_else(|| id.to_string(), |&i| sbom.components[i].name.clone())
    };
    needed_by
        .into_iter()
        // Not shipped, and needed only by the build of what is shipped (or of another build
        // tool): the build edges start at reached components or at build-only ones.
        .filter(|(id, _)| !reached.contains(id) && index.contains_key(id))
        .map(|(id, by)| {
            let how: Vec<String> = by
                .iter()
                .take(3)
                .map(|&(from, k)| {
                    let what = if *k == K::DevDependsOn {
                        "a development dependency"
                    } else {
                        "a build dependency or tool"
                    };
                    format!("{what} of {}", name(from))
                })
                .collect();
            (
                id.to_string(),
                format!(
                    "the SBOM lists it only as {}{}, and no run-time dependency of {} reaches it: not in the product",
                    how.join(", "),
                    if by.len() > 3 { ", …" } else { "" },
                    roots.iter().map(|r| name(r)).collect::<Vec<_>>().join(", ")
                ),
            )
        })
        .collect()
}

/// Everything `edges` reach from `roots`.
fn reach<'s>(roots: &[&'s str], edges: &BTreeMap<&'s str, Vec<&'s str>>) -> BTreeSet<&'s str> {
    let mut reached: BTreeSet<&str> = roots.iter().copied().collect();
    let mut queue: VecDeque<&str> = roots.iter().copied().collect();
    while let Some(n) = queue.pop_front() {
        for &m in edges.get(n).into_iter().flatten() {
            if reached.insert(m) {
                queue.push_back(m);
            }
        }
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::*;
    use craft_model::{Component, Relationship};

    fn sbom(edges: &[(&str, K, &str)], subjects: &[&str]) -> Sbom {
        let mut s = Sbom::default();
        for id in [
            "image",
            "busybox",
            "zlib",
            "gcc-cross",
            "cmake",
            "pytest",
            "lib",
        ] {
            s.components.push(Component {
                id: id.into(),
                name: id.into(),
                ..Component::default()
            });
        }
        s.relationships = edges
            .iter()
            .map(|(f, k, t)| Relationship {
                from: (*f).into(),
                kind: k.clone(),
                to: (*t).into(),
            })
            .collect();
        s.document.subjects = subjects.iter().map(|x| (*x).into()).collect();
        s
    }

    #[test]
    fn build_tools_not_reached_at_run_time_are_build_only() {
        let s = sbom(
            &[
                ("image", K::Contains, "busybox"),
                ("busybox", K::DependsOn, "zlib"),
                ("image", K::BuildDependsOn, "gcc-cross"),
                ("busybox", K::BuildDependsOn, "cmake"),
                ("busybox", K::DevDependsOn, "pytest"),
                // zlib is also a build dependency, but shipped: not build-only.
                ("cmake", K::BuildDependsOn, "zlib"),
                // A component of an unknown edge kind counts as run-time.
                ("image", K::Other("AMENDS".into()), "lib"),
                ("gcc-cross", K::BuildDependsOn, "lib"),
            ],
            &["image"],
        );
        let b = build_only(&s);
        assert_eq!(
            b.keys().map(String::as_str).collect::<Vec<_>>(),
            vec!["cmake", "gcc-cross", "pytest"]
        );
        assert!(
            b["pytest"].contains("a development dependency of busybox"),
            "{}",
            b["pytest"]
        );
        assert!(b["cmake"].contains("no run-time dependency of image reaches it"));
        // A partial graph (busybox's edges missing: it and zlib unreached) is not judged.
        let s = sbom(
            &[
                ("image", K::BuildDependsOn, "gcc-cross"),
                ("gcc-cross", K::BuildDependsOn, "cmake"),
                ("gcc-cross", K::BuildDependsOn, "pytest"),
                ("gcc-cross", K::BuildDependsOn, "lib"),
            ],
            &["image"],
        );
        assert!(build_only(&s).is_empty());
        // Nothing described: nothing judged.
        let s = sbom(&[("image", K::BuildDependsOn, "cmake")], &[]);
        assert!(build_only(&s).is_empty());
    }
}
