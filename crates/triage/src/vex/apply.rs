//! Applying a VEX document (a supplier's, or the one an SPDX 3 SBOM carries) to findings.
//!
//! A statement covers a finding when it names the finding's vulnerability (its id or an
//! alias, on either side) and one of its products is the finding's component:
//!
//! - by purl: type, namespace and name equal (ASCII case ignored), and the version equal
//!   when the statement's purl states one (qualifiers and subpath ignored);
//! - by CPE 2.3: product equal, the vendor too unless the statement's is `*` (Yocto
//!   writes `cpe:2.3:*:*:glibc:2.41:…`), the part too unless either is `*`, and the version
//!   equal to the component's (or its CPE's) unless the statement's is `*` or `-`;
//! - else, when the component has neither a purl nor a CPE the statement could be compared
//!   with, by name: the product's purl name, CPE product, or its id's last path segment
//!   (`…/package/busybox`) equals the component's name, or its id is the component's SBOM
//!   reference — and a version the product states must be the component's.
//!
//! The last statement in document order that covers a finding decides it; statements of
//! different status covering one finding are reported as a conflict. Statements that cover
//! no finding are reported too: a supplier's statement about a product or vulnerability the
//! product does not have is worth a look (a misspelt purl, another version).

use super::{Document, Product, Statement};
use crate::{Decision, Layer, Status};

/// A finding as VEX sees it.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The vulnerability's id.
    pub vulnerability: &'a str,
    /// Its aliases.
    pub aliases: &'a [String],
    /// The component's name.
    pub name: &'a str,
    /// Its version.
    pub version: Option<&'a str>,
    /// Its purls and CPEs as the SBOM states them.
    pub ids: &'a [String],
    /// Its SBOM reference (`bom-ref`, `SPDXID`).
    pub reference: &'a str,
}

/// What applying a document found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Per target (in the order given), the statement that decides it.
    pub decided: Vec<Option<usize>>,
    /// Statements that cover no target.
    pub unmatched: Vec<usize>,
    /// Targets covered by statements of different status: (target, the statements).
    pub conflicts: Vec<(usize, Vec<usize>)>,
}

/// Apply `doc` to `targets`. `by_reference`: the document is the SBOM's own (an SPDX 3
/// SBOM's VEX), so a product id equal to a component's SBOM reference is that component.
pub fn apply(doc: &Document, targets: &[Target<'_>], by_reference: bool) -> Applied {
    // Targets by vulnerability id and alias (ASCII case ignored).
    let mut by_id: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for (ti, t) in targets.iter().enumerate() {
        for v in std::iter::once(t.vulnerability).chain(t.aliases.iter().map(String::as_str)) {
            let list = by_id.entry(v.to_ascii_uppercase()).or_default();
            if list.last() != Some(&ti) {
                list.push(ti);
            }
        }
    }
    let ids: Vec<Ids<'_>> = targets.iter().map(Ids::of).collect();
    let mut covering: Vec<Vec<usize>> = vec![Vec::new(); targets.len()];
    let mut unmatched = Vec::new();
    for (si, s) in doc.statements.iter().enumerate() {
        let mut candidates: Vec<usize> = std::iter::once(&s.vulnerability)
            .chain(&s.aliases)
            .filter_map(|v| by_id.get(&v.to_ascii_uppercase()))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut any = false;
        for ti in candidates {
            if s.products
                .iter()
                .any(|p| covers_parsed(p, &targets[ti], &ids[ti], by_reference))
            {
                covering[ti].push(si);
                any = true;
            }
        }
        if !any {
            unmatched.push(si);
        }
    }
    let mut conflicts = Vec::new();
    let decided = covering
        .iter()
        .enumerate()
        .map(|(ti, list)| {
            let first = list.first().map(|&i| doc.statements[i].status);
            if list
                .iter()
                .any(|&i| Some(doc.statements[i].status) != first)
            {
                conflicts.push((ti, list.clone()));
            }
            list.last().copied()
        })
        .collect();
    Applied {
        decided,
        unmatched,
        conflicts,
    }
}

/// The decision a statement makes as `layer` ([`Layer::Vex`], or [`Layer::Patch`] for the
/// statements of [`crate::patches`]), citing the document (`source`: its file).
pub fn decision(s: &Statement, doc: &Document, source: &str, layer: Layer) -> Decision {
    let by = doc
        .author
        .as_deref()
        .map_or_else(String::new, |a| format!(" by {a}"));
    let said = s
        .impact
        .as_deref()
        .or(s.action.as_deref())
        .or(s.notes.as_deref())
        .unwrap_or("no statement text");
    Decision {
        status: s.status,
        justification: if s.status == Status::NotAffected {
            s.justification
        } else {
            None
        },
        layer,
        reason: match layer {
            Layer::Patch => said.to_string(),
            _ => format!("VEX {source}{by}: {said}"),
        },
        files: Vec::new(),
    }
}

/// A purl split into (type/namespace/name lowercased, version).
fn purl_parts(p: &str) -> Option<(String, Option<&str>)> {
    let rest = p.strip_prefix("pkg:")?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let slash = rest.rfind('/').unwrap_or(0);
    let (path, version) = match rest[slash..].find('@') {
        Some(at) => (&rest[..slash + at], Some(&rest[slash + at + 1..])),
        None => (rest, None),
    };
    Some((path.trim_matches('/').to_ascii_lowercase(), version))
}

/// CPE 2.3 fields (part, vendor, product, version, update), lowercased, `\\:` kept inside
/// a field; a missing update is `*`.
fn cpe_parts(c: &str) -> Option<[String; 5]> {
    let rest = c.strip_prefix("cpe:2.3:")?;
    let mut fields: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut chars = rest.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                cur.push(ch);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ':' => fields.push(std::mem::take(&mut cur).to_ascii_lowercase()),
            _ => cur.push(ch),
        }
        if fields.len() == 5 {
            break;
        }
    }
    if fields.len() < 5 {
        fields.push(cur.to_ascii_lowercase());
    }
    if fields.len() < 4 {
        return None;
    }
    fields.resize(5, "*".to_string());
    let mut it = fields.into_iter();
    Some([it.next()?, it.next()?, it.next()?, it.next()?, it.next()?])
}

fn any_version(v: &str) -> bool {
    matches!(v, "*" | "-" | "")
}

/// The version a product states (its purl's, else its CPE's unless a wildcard).
fn stated_version(p: &Product) -> Option<String> {
    p.purl
        .as_deref()
        .and_then(purl_parts)
        .and_then(|(_, v)| v.map(str::to_string))
        .or_else(|| {
            p.cpe23
                .as_deref()
                .and_then(cpe_parts)
                .map(|f| f[3].clone())
                .filter(|v| !any_version(v))
        })
}

/// A target's purls and CPEs, parsed once for every statement that may cover it.
struct Ids<'t> {
    purls: Vec<(String, Option<&'t str>)>,
    cpes: Vec<[String; 5]>,
}

impl<'t> Ids<'t> {
    fn of(t: &Target<'t>) -> Ids<'t> {
        Ids {
            purls: t.ids.iter().filter_map(|i| purl_parts(i)).collect(),
            cpes: t.ids.iter().filter_map(|i| cpe_parts(i)).collect(),
        }
    }
}

#[cfg(test)]
fn covers(p: &Product, t: &Target<'_>, by_reference: bool) -> bool {
    covers_parsed(p, t, &Ids::of(t), by_reference)
}

fn covers_parsed(p: &Product, t: &Target<'_>, ids: &Ids<'_>, by_reference: bool) -> bool {
    let (target_purls, target_cpes) = (&ids.purls, &ids.cpes);
    let version_is = |v: &str| {
        t.version.is_some_and(|tv| tv.eq_ignore_ascii_case(v))
            || target_cpes.iter().any(|c| c[3] == v.to_ascii_lowercase())
            || target_purls
                .iter()
                .any(|(_, tv)| tv.is_some_and(|tv| tv.eq_ignore_ascii_case(v)))
    };
    let purl = p.purl.as_deref().and_then(purl_parts);
    // A purl on both sides decides alone: another type, namespace or name is another
    // package (Yocto's curl is not Debian's `pkg:deb/debian/curl`), whatever the CPEs say.
    if let Some((path, version)) = &purl {
        if !target_purls.is_empty() {
            return target_purls.iter().any(|(tp, tv)| {
                tp == path && version.is_none_or(|v| tv.is_some_and(|tv| tv == v) || version_is(v))
            });
        }
    }
    if let Some([part, vendor, product, version, update]) = p.cpe23.as_deref().and_then(cpe_parts) {
        if !target_cpes.is_empty() {
            return target_cpes.iter().any(|c| {
                (vendor == "*" || c[1] == vendor)
                    && c[2] == product
                    && (part == "*" || c[0] == "*" || c[0] == part)
                    && (any_version(&version) || c[3] == version || version_is(&version))
                    && (any_version(&update) || c[4] == update)
            });
        }
    }
    // By name: only for a product that states no identity of its own, or only a `generic`
    // or `yocto` purl (no ecosystem to tell packages apart), and at the version it states.
    let weak_purl = purl
        .as_ref()
        .is_none_or(|(path, _)| path.starts_with("generic/") || path.starts_with("yocto/"));
    if p.cpe23.is_some() && !target_cpes.is_empty() || !weak_purl {
        return false;
    }
    let tail =
        p.id.rsplit(['/', '#'])
            .find(|s| !s.is_empty())
            .unwrap_or(&p.id);
    let named = (by_reference && p.id == t.reference) || p.name() == t.name || tail == t.name;
    named && stated_version(p).is_none_or(|v| version_is(&v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn st(v: &str, products: Vec<Product>, status: Status) -> Statement {
        Statement {
            vulnerability: v.into(),
            aliases: vec![],
            products,
            status,
            justification: None,
            impact: None,
            action: None,
            notes: None,
            extra: BTreeMap::new(),
        }
    }

    fn purl(p: &str) -> Product {
        Product::new(Some(p.into()), None, p)
    }

    fn cpe(c: &str) -> Product {
        Product::new(None, Some(c.into()), c)
    }

    #[test]
    fn statements_cover_findings_by_purl_cpe_and_name() {
        let ids_openssl = vec![
            "pkg:deb/debian/openssl@3.0.13-1?arch=arm64".to_string(),
            "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*".to_string(),
        ];
        let aliases = vec!["GHSA-aaaa".to_string()];
        let none: Vec<String> = vec![];
        let targets = [
            Target {
                vulnerability: "CVE-2024-1",
                aliases: &aliases,
                name: "openssl",
                version: Some("3.0.13-1"),
                ids: &ids_openssl,
                reference: "SPDXRef-openssl",
            },
            Target {
                vulnerability: "CVE-2024-2",
                aliases: &none,
                name: "busybox",
                version: Some("1.36.1"),
                ids: &none,
                reference: "SPDXRef-busybox",
            },
        ];
        let doc = Document {
            statements: vec![
                // 0: by purl, without version and qualifiers, named by an alias
                st(
                    "GHSA-AAAA",
                    vec![purl("pkg:deb/debian/openssl")],
                    Status::NotAffected,
                ),
                // 1: by purl of another version: no
                st(
                    "CVE-2024-1",
                    vec![purl("pkg:deb/debian/openssl@3.0.11-1")],
                    Status::Affected,
                ),
                // 2: by CPE with a wildcard version: yes, and conflicts with 0
                st(
                    "CVE-2024-1",
                    vec![cpe("cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*")],
                    Status::Affected,
                ),
                // 3: by name (the component has no identity), the id's last segment
                st(
                    "CVE-2024-2",
                    vec![Product::new(
                        None,
                        None,
                        "http://spdx.org/x/package/busybox",
                    )],
                    Status::Fixed,
                ),
                // 4: a vulnerability the product does not have
                st(
                    "CVE-2099-9",
                    vec![purl("pkg:deb/debian/openssl")],
                    Status::Fixed,
                ),
                // 5: an npm package of that name is not the busybox without identity
                st(
                    "CVE-2024-2",
                    vec![purl("pkg:npm/busybox@1.36.1")],
                    Status::Fixed,
                ),
            ],
            ..Document::default()
        };
        let a = apply(&doc, &targets, false);
        assert_eq!(a.decided, vec![Some(2), Some(3)]);
        assert_eq!(a.unmatched, vec![1, 4, 5]);
        assert_eq!(a.conflicts, vec![(0, vec![0, 2])]);
        let d = decision(&doc.statements[3], &doc, "busybox.spdx.json", Layer::Vex);
        assert_eq!((d.status, d.layer), (Status::Fixed, Layer::Vex));
        assert!(
            d.reason.starts_with("VEX busybox.spdx.json: "),
            "{}",
            d.reason
        );
    }

    #[test]
    fn a_named_product_of_another_version_does_not_cover() {
        let none: Vec<String> = vec![];
        let t = Target {
            vulnerability: "CVE-1",
            aliases: &none,
            name: "busybox",
            version: Some("1.36.1"),
            ids: &none,
            reference: "r",
        };
        assert!(!covers(&purl("pkg:generic/busybox@1.35.0"), &t, false));
        assert!(covers(&purl("pkg:generic/busybox@1.36.1"), &t, false));
        assert!(covers(
            &cpe("cpe:2.3:a:busybox:busybox:-:*:*:*:*:*:*:*"),
            &t,
            false
        ));
        assert!(!covers(
            &cpe("cpe:2.3:a:busybox:busybox:1.0:*:*:*:*:*:*:*"),
            &t,
            false
        ));
        assert_eq!(cpe_parts("cpe:2.3:a:x\\:y"), None);
        assert_eq!(
            cpe_parts("cpe:2.3:a:x\\:y:z:1"),
            Some([
                "a".into(),
                "x\\:y".into(),
                "z".into(),
                "1".into(),
                "*".into()
            ])
        );
        // A purl on both sides decides alone; an ecosystem purl never matches by name;
        // the CPE update field counts.
        let ids = vec![
            "pkg:deb/debian/curl@8.4.0-2".to_string(),
            "cpe:2.3:a:haxx:curl:8.4.0:*:*:*:*:*:*:*".to_string(),
        ];
        let curl = Target {
            name: "curl",
            version: Some("8.4.0-2"),
            ids: &ids,
            ..t
        };
        let yocto = Product::new(
            Some("pkg:yocto/meta/curl@8.4.0".into()),
            Some("cpe:2.3:a:*:curl:8.4.0:*:*:*:*:*:*:*".into()),
            "curl",
        );
        assert!(!covers(&yocto, &curl, false));
        let cpe_only = vec!["cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*".to_string()];
        let openssl = Target {
            name: "openssl",
            version: Some("3.0.13"),
            ids: &cpe_only,
            ..t
        };
        assert!(!covers(&purl("pkg:npm/openssl"), &openssl, false));
        let jdk = vec!["cpe:2.3:a:oracle:jdk:1.8.0:update_202:*:*:*:*:*:*".to_string()];
        let jdk = Target {
            name: "jdk",
            version: Some("1.8.0"),
            ids: &jdk,
            ..t
        };
        assert!(!covers(
            &cpe("cpe:2.3:a:oracle:jdk:1.8.0:update_391:*:*:*:*:*:*"),
            &jdk,
            false
        ));
        assert!(covers(
            &cpe("cpe:2.3:a:oracle:jdk:1.8.0:*:*:*:*:*:*:*"),
            &jdk,
            false
        ));
        // The SBOM's own reference counts only for the SBOM's own VEX.
        let by_ref = Product::new(None, None, "r");
        let other = Target { name: "x", ..t };
        assert!(!covers(&by_ref, &other, false));
        assert!(covers(&by_ref, &other, true));
        assert_eq!(
            purl_parts("pkg:npm/%40s/x@1?y=z"),
            Some(("npm/%40s/x".into(), Some("1")))
        );
    }
}
