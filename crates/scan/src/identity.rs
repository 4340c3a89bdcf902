//! What a component is, in the terms of the vulnerability database: lookup keys (see
//! `craft_vulndb::key`), each with the version to judge, the scheme to order it in, and how
//! craft arrived at it.
//!
//! - A package URL of a package ecosystem (npm, PyPI, Maven, Cargo, Go…) is its own key.
//! - A distribution package (`deb`, `rpm`, `apk`) is judged by its distribution's advisories
//!   when the database has any for it; only when it has none is it judged as the upstream
//!   software the identity table names (`pkg:deb/debian/libssl3` → openssl), with the
//!   upstream part of its version, and the finding says so.
//! - A CPE is its vendor and product (`cpe:openssl:openssl`), and the same pair as CVE 5
//!   free text (`vp:openssl/openssl`); a CPE without a vendor (Yocto writes
//!   `cpe:2.3:*:*:busybox:1.37.0`) takes the vendor the identity table knows for the product.
//! - A component with neither is looked up by name in the identity table.
//! - A package of an ecosystem (a purl of npm, PyPI, Maven, Go…) is judged by its purl only:
//!   the CPEs SBOM generators guess for it name other products too often.
//!
//! Nothing is guessed: a component none of these identify is reported as unidentified,
//! with the reason.

use craft_model::Component;
use craft_version::cpe::{quote, Av, Wfn};
use craft_version::identity::Table;
use craft_version::purl::Purl;
use craft_version::Scheme;
use craft_vulndb::key;
use serde::Serialize;
use std::str::FromStr;

/// One identity of a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// The lookup key.
    pub key: String,
    /// The version to judge, as compared (Yocto's `+git…` and distribution revisions
    /// removed where the identity is upstream software; `via` says so).
    pub version: String,
    /// The scheme versions are ordered in.
    #[serde(serialize_with = "scheme_name")]
    pub scheme: Scheme,
    /// How craft arrived at this identity.
    pub via: String,
    /// The CPE (with the version), for NVD configurations.
    #[serde(skip)]
    pub cpe: Option<Wfn>,
    /// The distribution release a distribution package comes from (`debian-12`), from its
    /// `distro` qualifier.
    pub distro: Option<String>,
    /// Whether this is a distribution package's own key (its distribution's advisories).
    pub distro_package: bool,
    /// Whether this identity stands in for a distribution package whose distribution has
    /// no advisories in the database (tried only then).
    pub upstream_of_distro: bool,
}

fn scheme_name<S: serde::Serializer>(s: &Scheme, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.name())
}

/// The identities of a component, and why it has none when the list is empty.
#[derive(Debug, Clone, Default)]
pub struct Identities {
    /// Every identity, without duplicates.
    pub list: Vec<Identity>,
    /// Why the component could not be identified (or judged), when that is so.
    pub unidentified: Option<String>,
}

const DISTRO_TYPES: &[&str] = &["deb", "rpm", "apk", "alpm"];

/// The scheme of a package-URL type (`generic` for those without one).
fn purl_scheme(ty: &str) -> Scheme {
    match ty {
        "pub" | "hex" | "swift" | "github" | "conan" | "cocoapods" | "composer" => Scheme::Generic,
        _ => Scheme::from_str(ty).unwrap_or(Scheme::Generic),
    }
}

/// The version of a CPE, when it states one.
fn cpe_version(w: &Wfn) -> Option<String> {
    w.attrs[3]
        .unquoted()
        .filter(|v| !v.is_empty() && v != "*" && v != "-")
}

/// Yocto's `PV` carries `+git…` (and `+gitAUTOINC+hash`); upstream data knows the release.
fn without_git(version: &str) -> (String, bool) {
    match version.split_once("+git") {
        Some((v, _)) if !v.is_empty() => (v.to_string(), true),
        _ => (version.to_string(), false),
    }
}

/// The keys of a CPE's vendor and product: the CPE key (WFN-quoted, as the database keys
/// NVD and CVE 5 `cpes`; or the kernel's), the same pair as CVE 5 free text, and the other
/// names CNAs write for the same software (`curl`/`curl` for NVD's `haxx:curl`).
fn cpe_keys(cpe: &Wfn, vendor: &str, product: &str, table: &Table) -> Vec<String> {
    let Some(k) = key::of_cpe(cpe) else {
        return Vec::new();
    };
    if k == key::LINUX_KERNEL {
        return vec![k];
    }
    let mut keys = vec![k, key::of_vendor_product(vendor, product)];
    for (v, p) in table.cna_names(vendor, product) {
        keys.push(key::of_vendor_product(v, p));
    }
    keys
}

impl Identities {
    fn push(&mut self, id: Identity) {
        if !self
            .list
            .iter()
            .any(|x| x.key == id.key && x.version == id.version)
        {
            self.list.push(id);
        }
    }

    /// The identities the identity table proposes for `purl` (`via` prefixed to each
    /// reason), with the version it derives, else `version`.
    fn push_candidates(
        &mut self,
        table: &Table,
        purl: &Purl,
        version: &str,
        via: &str,
        upstream_of_distro: bool,
    ) {
        for cand in table.candidates(purl) {
            let (Some(vendor), Some(product)) =
                (cand.cpe.vendor().unquoted(), cand.cpe.product().unquoted())
            else {
                continue;
            };
            let v = cpe_version(&cand.cpe).unwrap_or_else(|| version.to_string());
            let why = format!("{via}{}", cand.reason);
            self.push_cpe(
                table,
                Some(&cand.cpe),
                &vendor,
                &product,
                &v,
                &why,
                upstream_of_distro,
            );
        }
    }

    /// An identity from a CPE vendor/product pair and a version, keeping `base`'s other
    /// attributes.
    #[allow(clippy::too_many_arguments)]
    fn push_cpe(
        &mut self,
        table: &Table,
        base: Option<&Wfn>,
        vendor: &str,
        product: &str,
        version: &str,
        via: &str,
        upstream_of_distro: bool,
    ) {
        let (version, stripped) = without_git(version);
        let via = if stripped {
            format!("{via}; version without Yocto's `+git…`")
        } else {
            via.to_string()
        };
        // The CPE as written (part, target software… take part in NVD matching), with the
        // vendor, product and version craft judges.
        let mut attrs: [Av; 11] =
            base.map_or_else(|| std::array::from_fn(|_| Av::Any), |w| w.attrs.clone());
        attrs[1] = Av::Value(quote(vendor).unwrap_or_default());
        attrs[2] = Av::Value(quote(product).unwrap_or_default());
        attrs[3] = quote(&version).map_or(Av::Any, Av::Value);
        let cpe = Wfn { attrs };
        // The target software of a CPE names the ecosystem whose order its versions
        // follow (NVD writes `python`, `node.js` for PyPI and npm packages).
        let by_target = match cpe.attrs[8].unquoted().as_deref() {
            Some("python") => Scheme::Pypi,
            Some("node.js") => Scheme::Npm,
            _ => Scheme::Generic,
        };
        let by_target = if craft_version::validate(by_target, &version).is_ok() {
            by_target
        } else {
            Scheme::Generic
        };
        for k in cpe_keys(&cpe, vendor, product, table) {
            let scheme = if k == key::LINUX_KERNEL {
                Scheme::Kernel
            } else {
                by_target
            };
            self.push(Identity {
                key: k,
                version: version.clone(),
                scheme,
                via: via.clone(),
                cpe: Some(cpe.clone()),
                distro: None,
                distro_package: false,
                upstream_of_distro,
            });
        }
    }
}

/// Every identity of `c`, using `table` for distribution packages, vendor-less CPEs and
/// bare names.
pub fn of_component(c: &Component, table: &Table) -> Identities {
    let mut out = Identities::default();
    let mut reasons: Vec<String> = Vec::new();
    // Each purl parsed once; an ecosystem package (npm, PyPI, Maven, Go…) is judged by its
    // ecosystem's advisories under its purl, and the CPEs SBOM generators guess for such
    // packages (syft writes dozens: `netty:netty` for netty-reactive-streams) would match
    // other products, so they are not used.
    let mut ecosystem_purl = false;
    for text in &c.purls {
        let p = match Purl::parse(text) {
            Ok(p) => p,
            Err(e) => {
                reasons.push(format!("purl `{text}` is unreadable: {e}"));
                continue;
            }
        };
        let k = key::of_purl(&p);
        let distro_package = DISTRO_TYPES.contains(&p.ty.as_str());
        let scheme = if k == key::LINUX_KERNEL {
            Scheme::Kernel
        } else {
            purl_scheme(&p.ty)
        };
        ecosystem_purl |= !distro_package && scheme != Scheme::Generic && scheme != Scheme::Kernel;
        let Some(version) = p.version.clone().or_else(|| c.version.clone()) else {
            reasons.push(format!("purl `{text}` has no version"));
            continue;
        };
        let generic = scheme == Scheme::Generic;
        out.push(Identity {
            key: k,
            version: version.clone(),
            scheme,
            via: format!("purl `{text}`"),
            cpe: None,
            distro: p.qualifiers.get("distro").cloned(),
            distro_package,
            upstream_of_distro: false,
        });
        // Software outside a package ecosystem (generic, yocto, github…), and distribution
        // packages as a fallback: the upstream software the identity table names.
        if distro_package || generic {
            out.push_candidates(table, &p, &version, "", distro_package);
        }
    }
    for text in c.cpes.iter().filter(|_| !ecosystem_purl) {
        let w = match Wfn::parse(text) {
            Ok(w) => w,
            Err(e) => {
                reasons.push(format!("CPE `{text}` is unreadable: {e}"));
                continue;
            }
        };
        let Some(version) = cpe_version(&w).or_else(|| c.version.clone()) else {
            reasons.push(format!("CPE `{text}` has no version"));
            continue;
        };
        let Some(product) = w.product().unquoted() else {
            reasons.push(format!("CPE `{text}` names no product"));
            continue;
        };
        match w.vendor().unquoted() {
            Some(vendor) if !vendor.is_empty() => {
                out.push_cpe(
                    table,
                    Some(&w),
                    &vendor,
                    &product,
                    &version,
                    &format!("CPE `{text}`"),
                    false,
                );
            }
            _ => {
                // Yocto's vendor-less CPEs: the vendor the identity table knows.
                let vendors: Vec<String> = table
                    .vendors_of_product(&product)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                if vendors.is_empty() {
                    reasons.push(format!(
                        "CPE `{text}` has no vendor and the identity table does not know `{product}`"
                    ));
                }
                for vendor in vendors {
                    out.push_cpe(
                        table,
                        Some(&w),
                        &vendor,
                        &product,
                        &version,
                        &format!("CPE `{text}` (vendor `{vendor}` from the identity table)"),
                        false,
                    );
                }
            }
        }
    }
    if out.list.is_empty() && c.purls.is_empty() && c.cpes.is_empty() {
        // A bare name: the identity table, if it knows the name.
        if let Some(version) = &c.version {
            let name = c.name.to_ascii_lowercase();
            if let Ok(p) = Purl::parse(&format!("pkg:generic/{name}@{version}")) {
                out.push_candidates(table, &p, version, &format!("name `{}`: ", c.name), false);
            }
            if out.list.is_empty() {
                reasons.push(format!(
                    "no purl or CPE, and the identity table does not know the name `{}`",
                    c.name
                ));
            }
        } else {
            reasons.push("no purl, CPE or version".to_string());
        }
    }
    if out.list.is_empty() {
        out.unidentified = Some(if reasons.is_empty() {
            "no identity".to_string()
        } else {
            reasons.join("; ")
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comp(name: &str, version: Option<&str>, purls: &[&str], cpes: &[&str]) -> Component {
        Component {
            name: name.to_string(),
            version: version.map(str::to_string),
            purls: purls.iter().map(|s| s.to_string()).collect(),
            cpes: cpes.iter().map(|s| s.to_string()).collect(),
            ..Component::default()
        }
    }

    fn keys(ids: &Identities) -> Vec<(&str, &str, Scheme)> {
        ids.list
            .iter()
            .map(|i| (i.key.as_str(), i.version.as_str(), i.scheme))
            .collect()
    }

    #[test]
    fn ecosystem_purls_are_their_own_key() {
        let t = Table::default();
        let ids = of_component(&comp("lodash", None, &["pkg:npm/lodash@4.17.15"], &[]), &t);
        assert_eq!(keys(&ids), [("purl:npm/lodash", "4.17.15", Scheme::Npm)]);
        let ids = of_component(
            &comp("x", Some("1.0"), &["pkg:pypi/Django_Rest@3.1"], &[]),
            &t,
        );
        assert_eq!(keys(&ids), [("purl:pypi/django-rest", "3.1", Scheme::Pypi)]);
    }

    #[test]
    fn yocto_cpes_without_vendor_and_git_versions() {
        let t = Table::default();
        let ids = of_component(
            &comp(
                "busybox",
                Some("1.37.0+git"),
                &[],
                &["cpe:2.3:*:*:busybox:1.37.0:*:*:*:*:*:*:*"],
            ),
            &t,
        );
        assert_eq!(
            keys(&ids),
            [
                ("cpe:busybox:busybox", "1.37.0", Scheme::Generic),
                ("vp:busybox/busybox", "1.37.0", Scheme::Generic)
            ]
        );
        let ids = of_component(
            &comp(
                "linux-yocto",
                Some("6.12.38+git"),
                &[],
                &["cpe:2.3:*:*:linux_kernel:*:*:*:*:*:*:*:*"],
            ),
            &t,
        );
        assert_eq!(keys(&ids), [("linux-kernel", "6.12.38", Scheme::Kernel)]);
        assert!(ids.list[0].via.contains("+git"), "{}", ids.list[0].via);
    }

    #[test]
    fn cpe_keys_are_quoted_as_the_database_keys_them() {
        let t = Table::default();
        let ids = of_component(
            &comp(
                "0-618",
                Some("0.1.0"),
                &[],
                &["cpe:2.3:a:0-618_project:0-618:0.1.0:*:*:*:*:python:*:*"],
            ),
            &t,
        );
        assert_eq!(ids.list[0].key, r"cpe:0\-618_project:0\-618");
        assert_eq!(ids.list[1].key, "vp:0-618_project/0-618");
        // The CPE keeps its target software for NVD matching.
        let cpe = ids.list[0].cpe.as_ref().unwrap().to_string();
        assert!(cpe.ends_with(":python:*:*"), "{cpe}");
    }

    #[test]
    fn a_cpe_also_takes_the_names_cnas_write_for_it() {
        let t = Table::default();
        let ids = of_component(
            &comp(
                "curl",
                Some("8.4.0"),
                &[],
                &["cpe:2.3:a:haxx:curl:8.4.0:*:*:*:*:*:*:*"],
            ),
            &t,
        );
        let keys: Vec<&str> = ids.list.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["cpe:haxx:curl", "vp:haxx/curl", "vp:curl/curl"]);
    }

    #[test]
    fn distribution_packages_keep_their_key_and_name_their_upstream() {
        let t = Table::default();
        let ids = of_component(
            &comp(
                "libssl3",
                None,
                &["pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12"],
                &[],
            ),
            &t,
        );
        let first = &ids.list[0];
        assert_eq!(
            (
                first.key.as_str(),
                first.distro.as_deref(),
                first.distro_package
            ),
            ("purl:deb/debian/libssl3", Some("debian-12"), true)
        );
        assert!(ids.list.iter().any(|i| i.key == "cpe:openssl:openssl"
            && i.version == "3.0.11"
            && i.upstream_of_distro));
    }

    #[test]
    fn guessed_cpes_of_ecosystem_packages_are_not_used() {
        let t = Table::default();
        let ids = of_component(
            &comp(
                "netty-reactive-streams",
                Some("2.0.5"),
                &["pkg:maven/com.typesafe.netty/netty-reactive-streams@2.0.5"],
                &["cpe:2.3:a:netty:netty:2.0.5:*:*:*:*:*:*:*"],
            ),
            &t,
        );
        assert_eq!(
            keys(&ids),
            [(
                "purl:maven/com.typesafe.netty/netty-reactive-streams",
                "2.0.5",
                Scheme::Maven
            )]
        );
        // A generic purl does not say which ecosystem: its CPEs are used.
        let ids = of_component(
            &comp(
                "zlib",
                Some("1.3.1"),
                &["pkg:generic/zlib@1.3.1"],
                &["cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*"],
            ),
            &t,
        );
        assert!(ids.list.iter().any(|i| i.key == "cpe:zlib:zlib"));
    }

    #[test]
    fn unidentified_components_say_why() {
        let t = Table::default();
        let ids = of_component(&comp("my-app", Some("1.0"), &[], &[]), &t);
        assert!(ids.list.is_empty());
        assert!(ids.unidentified.unwrap().contains("my-app"));
        let ids = of_component(&comp("x", None, &["pkg:npm/x"], &[]), &t);
        assert!(ids.unidentified.unwrap().contains("no version"));
        let ids = of_component(&comp("x", Some("1"), &["not a purl"], &[]), &t);
        assert!(ids.unidentified.unwrap().contains("unreadable"));
    }
}
