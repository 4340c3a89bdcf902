//! Round trips: convert, re-read, and get the same components, identities and dependency
//! edges. A property test over generated models, and the whole real-world corpus.

use crate::common::{corpus, files, name};
use craft_model::{
    Component, ComponentKind, Hash, HashAlg, License, Party, PartyKind, Relationship,
    RelationshipKind, Sbom,
};
use craft_sbom::convert::{convert, Target};
use craft_sbom::{read_bytes, read_path, ReadOptions};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// What must survive a round trip, per component.
type Identity = (String, Option<String>, Vec<String>, Vec<String>);

fn identity(c: &Component) -> Identity {
    let mut purls = c.purls.clone();
    purls.sort();
    let mut cpes = c.cpes.clone();
    cpes.sort();
    (c.name.clone(), c.version.clone(), purls, cpes)
}

/// Multiset of identities, and multiset of dependency edges between known components.
/// Multiset of component identities.
type Components = BTreeMap<Identity, usize>;
/// Set of dependency edges `(from, kind, to)` by identity.
type Edges = BTreeMap<(Identity, String, Identity), usize>;

fn shape(s: &Sbom, target: Target) -> (Components, Edges) {
    let mut comps = BTreeMap::new();
    let by_id: BTreeMap<&str, Identity> = s
        .components
        .iter()
        .map(|c| (c.id.as_str(), identity(c)))
        .collect();
    for c in &s.components {
        *comps.entry(identity(c)).or_insert(0) += 1;
    }
    let mut edges = BTreeMap::new();
    for r in s.relationships.iter().filter(|r| r.kind.is_dependency()) {
        let (Some(a), Some(b)) = (by_id.get(r.from.as_str()), by_id.get(r.to.as_str())) else {
            continue;
        };
        // CycloneDX has one kind of dependency.
        let kind = match target {
            Target::CycloneDx16 => "depends-on".to_string(),
            Target::Spdx23 => format!("{:?}", r.kind),
        };
        *edges.entry((a.clone(), kind, b.clone())).or_insert(0) += 1;
    }
    // Identical components collapse their edges in some formats; compare the edge sets.
    for v in edges.values_mut() {
        *v = 1;
    }
    (comps, edges)
}

/// The entries of two multisets that differ, for a readable failure.
fn delta<K: Ord + std::fmt::Debug>(a: &BTreeMap<K, usize>, b: &BTreeMap<K, usize>) -> String {
    let mut out = Vec::new();
    for (k, n) in a {
        if b.get(k) != Some(n) {
            out.push(format!(
                "  before {n}x, after {}x: {k:?}",
                b.get(k).unwrap_or(&0)
            ));
        }
    }
    for (k, n) in b {
        if !a.contains_key(k) {
            out.push(format!("  before 0x, after {n}x: {k:?}"));
        }
    }
    out.truncate(10);
    out.join("\n")
}

fn round_trip(s: &Sbom, target: Target) -> Result<Sbom, String> {
    let written = convert(s, target).map_err(|e| e.to_string())?;
    let bytes = serde_json::to_vec(&written.value).map_err(|e| e.to_string())?;
    let back = read_bytes(Path::new("<converted>"), bytes, &ReadOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(back.sbom)
}

fn assert_same(original: &Sbom, target: Target, what: &str) {
    let back = round_trip(original, target).unwrap_or_else(|e| panic!("{what} -> {target:?}: {e}"));
    let (c1, e1) = shape(original, target);
    let (c2, e2) = shape(&back, target);
    assert!(
        c1 == c2,
        "{what} -> {target:?}: components differ:\n{}",
        delta(&c1, &c2)
    );
    assert!(
        e1 == e2,
        "{what} -> {target:?}: dependency edges differ:\n{}",
        delta(&e1, &e2)
    );
}

fn arb_component(i: usize) -> impl Strategy<Value = Component> {
    (
        "[a-z][a-z0-9-]{0,8}",
        proptest::option::of("[0-9]{1,2}\\.[0-9]{1,2}(\\.[0-9]{1,2})?"),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of("[0-9a-f]{64}"),
        proptest::sample::select(vec![
            "MIT",
            "Apache-2.0 OR MIT",
            "GPL-2.0-only WITH Linux-syscall-note",
            "LicenseRef-acme",
            "Bad Licence",
        ]),
        proptest::sample::select(vec![
            ComponentKind::Library,
            ComponentKind::Application,
            ComponentKind::Firmware,
            ComponentKind::OperatingSystem,
            ComponentKind::File,
        ]),
        "[A-Za-z0-9 ._:/@#-]{1,12}",
    )
        .prop_map(
            move |(name, version, purl, cpe, sha, lic, kind, id)| Component {
                id: format!("{id}{i}"),
                kind,
                purls: if purl {
                    vec![format!(
                        "pkg:generic/{name}@{}",
                        version.clone().unwrap_or_default()
                    )]
                } else {
                    vec![]
                },
                cpes: if cpe {
                    vec![format!("cpe:2.3:a:acme:{name}:*:*:*:*:*:*:*:*")]
                } else {
                    vec![]
                },
                hashes: sha
                    .into_iter()
                    .map(|value| Hash {
                        alg: HashAlg::Sha256,
                        value,
                    })
                    .collect(),
                license_declared: Some(craft_sbom::license::expression(lic)),
                supplier: Some(Party {
                    kind: PartyKind::Organization,
                    name: "Acme".into(),
                    email: Some("psirt@acme.example".into()),
                    url: None,
                }),
                name,
                version,
                ..Component::default()
            },
        )
}

fn arb_sbom() -> impl Strategy<Value = Sbom> {
    (1usize..12)
        .prop_flat_map(|n| {
            let comps: Vec<_> = (0..n).map(arb_component).collect();
            (
                comps,
                proptest::collection::vec((0..n, 0..n, 0u8..4), 0..20),
            )
        })
        .prop_map(|(components, raw_edges)| {
            let kinds = [
                RelationshipKind::DependsOn,
                RelationshipKind::BuildDependsOn,
                RelationshipKind::DevDependsOn,
                RelationshipKind::StaticLink,
            ];
            let mut relationships: Vec<Relationship> = raw_edges
                .into_iter()
                .filter(|(a, b, _)| a != b)
                .map(|(a, b, k)| Relationship {
                    from: components[a].id.clone(),
                    kind: kinds[k as usize].clone(),
                    to: components[b].id.clone(),
                })
                .collect();
            relationships.sort();
            relationships.dedup();
            let mut s = Sbom {
                components,
                relationships,
                ..Sbom::default()
            };
            s.document.created = Some("2026-11-28T10:00:00Z".into());
            s.document.subjects = vec![s.components[0].id.clone()];
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_models_round_trip(s in arb_sbom()) {
        for target in [Target::CycloneDx16, Target::Spdx23] {
            assert_same(&s, target, "generated");
        }
    }

    #[test]
    fn licences_survive_spdx(s in arb_sbom()) {
        let back = round_trip(&s, Target::Spdx23).unwrap();
        let lic = |x: &Sbom| -> Vec<(String, String)> {
            let mut v: Vec<_> = x.components.iter().map(|c| (c.name.clone(), c.license_declared.as_ref().map(|l| l.text().to_string()).unwrap_or_default())).collect();
            v.sort();
            v
        };
        // Invalid expressions become LicenseRef- ids whose text is kept in
        // hasExtractedLicensingInfos: compare the valid ones.
        let valid = |v: Vec<(String, String)>| -> Vec<(String, String)> { v.into_iter().filter(|(_, l)| l != "Bad Licence" && !l.starts_with("LicenseRef-Bad")).collect() };
        prop_assert_eq!(valid(lic(&s)), valid(lic(&back)));
        let _ = License::Named { name: String::new() };
    }
}

#[test]
fn corpus_round_trips_through_both_formats() {
    let mut checked = 0;
    for src in [
        "sbom/cyclonedx-bom-examples",
        "sbom/bom-shelter",
        "sbom/spdx-examples",
        "sbom/sbomqs-testdata",
        "sbom/spdx-ntia-conformance-checker",
        "sbom/vulnscout-yocto",
    ] {
        let Some(dir) = corpus(src) else { return };
        for p in files(&dir, &|p| {
            let n = name(p);
            n.ends_with(".json")
                || n.ends_with(".xml")
                || n.ends_with(".spdx")
                || n.ends_with(".tar.zst")
        }) {
            let Ok(l) = read_path(&p, &ReadOptions::default()) else {
                continue;
            };
            for target in [Target::CycloneDx16, Target::Spdx23] {
                assert_same(&l.sbom, target, &p.display().to_string());
            }
            checked += 1;
        }
    }
    eprintln!("round-tripped {checked} corpus SBOMs through CycloneDX 1.6 and SPDX 2.3");
    assert!(checked > 500);
}
