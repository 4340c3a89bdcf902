//! Release-to-release difference of two SBOMs.
//!
//! Components are paired by *package identity without version*: the purl's type, namespace
//! and name when there is a purl, else the lower-cased group and name. Within one identity,
//! equal versions pair first, the rest pair in order; what is left is added or removed.
//! The result lists components added, removed, whose version changed, and whose licence
//! changed, plus the dependency edges added and removed (by `name` of each end).

use craft_model::{Component, ComponentKind, Sbom};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One component, as a diff shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Entry {
    /// Name (with group, when present: `group/name`).
    pub name: String,
    /// Version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The first purl, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// A component present on both sides with a change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// Name.
    pub name: String,
    /// Value in A.
    pub from: Option<String>,
    /// Value in B.
    pub to: Option<String>,
}

/// The difference between A and B.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    /// In B, not in A.
    pub added: Vec<Entry>,
    /// In A, not in B.
    pub removed: Vec<Entry>,
    /// Same component, other version.
    pub version_changed: Vec<Change>,
    /// Same component, other licence (declared, else concluded).
    pub license_changed: Vec<Change>,
    /// Dependency edges in B only (`from -> to` by component name).
    pub edges_added: Vec<(String, String)>,
    /// Dependency edges in A only.
    pub edges_removed: Vec<(String, String)>,
    /// Components compared on each side (plain files are not compared).
    pub counts: (usize, usize),
}

impl Diff {
    /// Whether A and B have the same components, versions, licences and edges.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.version_changed.is_empty()
            && self.license_changed.is_empty()
            && self.edges_added.is_empty()
            && self.edges_removed.is_empty()
    }
}

fn display_name(c: &Component) -> String {
    match &c.group {
        Some(g) => format!("{g}/{}", c.name),
        None => c.name.clone(),
    }
}

/// Identity without version.
fn key(c: &Component) -> String {
    if let Some(p) = c.purls.first() {
        let p = p.split(['?', '#']).next().unwrap_or(p);
        let p = match p.rfind('@') {
            // A `@` after the last `/` starts the version.
            Some(i) if p[i..].find('/').is_none() => &p[..i],
            _ => p,
        };
        return p.to_ascii_lowercase();
    }
    display_name(c).to_ascii_lowercase()
}

fn entry(c: &Component) -> Entry {
    Entry {
        name: display_name(c),
        version: c.version.clone(),
        purl: c.purls.first().cloned(),
    }
}

fn license(c: &Component) -> Option<String> {
    c.license_declared
        .as_ref()
        .or(c.license_concluded.as_ref())
        .filter(|l| !l.is_no_assertion())
        .map(|l| l.text().to_string())
}

/// Compare A (old) with B (new).
pub fn diff(a: &Sbom, b: &Sbom) -> Diff {
    fn comps(s: &Sbom) -> Vec<&Component> {
        s.components
            .iter()
            .filter(|c| c.kind != ComponentKind::File)
            .collect()
    }
    let (ca, cb) = (comps(a), comps(b));
    let group = |cs: &[&Component]| {
        let mut m: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, c) in cs.iter().enumerate() {
            m.entry(key(c)).or_default().push(i);
        }
        m
    };
    let (ga, gb) = (group(&ca), group(&cb));
    let mut d = Diff {
        counts: (ca.len(), cb.len()),
        ..Diff::default()
    };
    let keys: BTreeSet<&String> = ga.keys().chain(gb.keys()).collect();
    for k in keys {
        let mut left: Vec<&Component> = ga
            .get(k)
            .map_or(vec![], |v| v.iter().map(|i| ca[*i]).collect());
        let mut right: Vec<&Component> = gb
            .get(k)
            .map_or(vec![], |v| v.iter().map(|i| cb[*i]).collect());
        let mut pairs = Vec::new();
        // Equal versions first.
        left.retain(
            |l| match right.iter().position(|r| r.version == l.version) {
                Some(j) => {
                    pairs.push((*l, right.remove(j)));
                    false
                }
                None => true,
            },
        );
        left.sort_by(|x, y| x.version.cmp(&y.version));
        right.sort_by(|x, y| x.version.cmp(&y.version));
        let n = left.len().min(right.len());
        for (l, r) in left.drain(..n).zip(right.drain(..n)) {
            d.version_changed.push(Change {
                name: display_name(r),
                from: l.version.clone(),
                to: r.version.clone(),
            });
            pairs.push((l, r));
        }
        d.removed.extend(left.into_iter().map(entry));
        d.added.extend(right.into_iter().map(entry));
        for (l, r) in pairs {
            let (la, lb) = (license(l), license(r));
            if la != lb {
                d.license_changed.push(Change {
                    name: display_name(r),
                    from: la,
                    to: lb,
                });
            }
        }
    }
    let edges = |s: &Sbom| -> BTreeSet<(String, String)> {
        let names: BTreeMap<&str, String> = s
            .components
            .iter()
            .map(|c| (c.id.as_str(), display_name(c)))
            .collect();
        s.dependency_edges()
            .filter_map(|r| {
                Some((
                    names.get(r.from.as_str())?.clone(),
                    names.get(r.to.as_str())?.clone(),
                ))
            })
            .collect()
    };
    let (ea, eb) = (edges(a), edges(b));
    d.edges_added = eb.difference(&ea).cloned().collect();
    d.edges_removed = ea.difference(&eb).cloned().collect();
    d.added.sort();
    d.removed.sort();
    d.version_changed.sort();
    d.license_changed.sort();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use craft_model::License;

    fn comp(name: &str, version: &str, purl: &str, lic: &str) -> Component {
        Component {
            id: format!("{name}@{version}"),
            name: name.into(),
            version: Some(version.into()),
            purls: vec![purl.into()],
            license_declared: Some(License::Expression {
                expression: lic.into(),
                valid: true,
            }),
            ..Component::default()
        }
    }

    #[test]
    fn version_licence_added_removed() {
        let a = Sbom {
            components: vec![
                comp(
                    "openssl",
                    "3.0.1",
                    "pkg:deb/debian/openssl@3.0.1",
                    "Apache-2.0",
                ),
                comp(
                    "busybox",
                    "1.36",
                    "pkg:generic/busybox@1.36",
                    "GPL-2.0-only",
                ),
            ],
            ..Sbom::default()
        };
        let b = Sbom {
            components: vec![
                comp(
                    "openssl",
                    "3.0.2",
                    "pkg:deb/debian/openssl@3.0.2?arch=arm64",
                    "Apache-2.0",
                ),
                comp("curl", "8.0", "pkg:generic/curl@8.0", "curl"),
                comp(
                    "busybox",
                    "1.36",
                    "pkg:generic/busybox@1.36",
                    "GPL-2.0-or-later",
                ),
            ],
            ..Sbom::default()
        };
        let d = diff(&a, &b);
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].name, "curl");
        assert!(d.removed.is_empty());
        assert_eq!(d.version_changed.len(), 1);
        assert_eq!(d.version_changed[0].from.as_deref(), Some("3.0.1"));
        assert_eq!(d.version_changed[0].to.as_deref(), Some("3.0.2"));
        assert_eq!(d.license_changed.len(), 1);
        assert_eq!(d.license_changed[0].name, "busybox");
        assert!(diff(&a, &a).is_empty());
    }
}
