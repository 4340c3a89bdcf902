//! Lookup keys: the one string under which an affected package or product is indexed, so
//! that the matcher finds every source's statement about it with one lookup.
//!
//! | key | from |
//! |---|---|
//! | `linux-kernel` | OSV ecosystem `Linux`, CVE 5 vendor `Linux` product `Linux`, CPE `linux:linux_kernel` |
//! | `purl:<type>/<namespace>/<name>` | an OSV package (its `purl`, or its ecosystem and name), a CVE 5 `packageName` with a known `collectionURL` |
//! | `cpe:<vendor>:<product>` | NVD `cpeMatch` criteria, CVE 5 `cpes`; WFN values (lower case, quoted) |
//! | `vp:<vendor>/<product>` | CVE 5 free-text vendor and product, lower-cased |
//! | `osv:<ecosystem>/<name>` | an OSV ecosystem without a package-URL type (`OSS-Fuzz`, `GIT`…) |
//!
//! Keys carry no version, qualifiers or distribution release: the range (and, for
//! distributions, the ecosystem column) decides those.

use craft_version::cpe::{Av, Wfn};
use craft_version::purl::Purl;
use std::collections::BTreeMap;

/// The key of the Linux kernel, whichever source names it.
pub const LINUX_KERNEL: &str = "linux-kernel";

/// The package-URL type and fixed namespace of an OSV ecosystem (its part before `:`).
pub fn osv_purl_type(ecosystem: &str) -> Option<(&'static str, Option<&'static str>)> {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    Some(match base {
        "npm" => ("npm", None),
        "crates.io" => ("cargo", None),
        "PyPI" => ("pypi", None),
        "Go" => ("golang", None),
        "Maven" => ("maven", None),
        "NuGet" => ("nuget", None),
        "RubyGems" => ("gem", None),
        "Packagist" => ("composer", None),
        "Pub" => ("pub", None),
        "Hex" => ("hex", None),
        "Hackage" => ("hackage", None),
        "CRAN" => ("cran", None),
        "SwiftURL" => ("swift", None),
        "GitHub Actions" => ("github", None),
        "Debian" => ("deb", Some("debian")),
        "Ubuntu" => ("deb", Some("ubuntu")),
        "Alpine" => ("apk", Some("alpine")),
        "Wolfi" => ("apk", Some("wolfi")),
        "Chainguard" => ("apk", Some("chainguard")),
        "Red Hat" => ("rpm", Some("redhat")),
        "Rocky Linux" => ("rpm", Some("rocky-linux")),
        "AlmaLinux" => ("rpm", Some("almalinux")),
        "openSUSE" => ("rpm", Some("opensuse")),
        "SUSE" => ("rpm", Some("suse")),
        "Mageia" => ("rpm", Some("mageia")),
        "Photon OS" => ("rpm", Some("photon")),
        "openEuler" => ("rpm", Some("openeuler")),
        _ => return None,
    })
}

/// The key of a package URL (its type, namespace and name; normalised as the purl
/// specification's type rules say).
pub fn of_purl(p: &Purl) -> String {
    if is_kernel_purl(p) {
        return LINUX_KERNEL.to_string();
    }
    match &p.namespace {
        Some(ns) => format!("purl:{}/{}/{}", p.ty, ns, p.name),
        None => format!("purl:{}/{}", p.ty, p.name),
    }
}

fn is_kernel_purl(p: &Purl) -> bool {
    matches!(p.name.as_str(), "linux" | "linux-kernel" | "kernel")
        && matches!(p.ty.as_str(), "generic" | "github")
        || p.ty == "generic" && p.namespace.as_deref() == Some("kernel.org")
}

/// The key of an OSV `affected[].package` (`ecosystem`, `name`, optional `purl`).
pub fn of_osv_package(ecosystem: &str, name: &str, purl: Option<&str>) -> String {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    if base == "Linux" {
        return LINUX_KERNEL.to_string();
    }
    if let Some(p) = purl.and_then(|p| Purl::parse(p).ok()) {
        return of_purl(&p);
    }
    if let Some((ty, fixed_ns)) = osv_purl_type(ecosystem) {
        let (ns, n) = match fixed_ns {
            Some(ns) => (Some(ns.to_string()), name.to_string()),
            None => split_name(ty, name),
        };
        if let Ok(p) = Purl::from_parts(ty, ns.as_deref(), &n, None, BTreeMap::new(), None) {
            return of_purl(&p);
        }
    }
    format!("osv:{base}/{name}")
}

/// Split an ecosystem's package name into purl namespace and name.
fn split_name(ty: &str, name: &str) -> (Option<String>, String) {
    match ty {
        "maven" => match name.split_once(':') {
            Some((g, a)) => (Some(g.to_string()), a.to_string()),
            None => (None, name.to_string()),
        },
        "npm" if name.starts_with('@') => match name.split_once('/') {
            Some((s, n)) => (Some(s.to_string()), n.to_string()),
            None => (None, name.to_string()),
        },
        "golang" | "composer" | "github" | "swift" => match name.rsplit_once('/') {
            Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
            None => (None, name.to_string()),
        },
        _ => (None, name.to_string()),
    }
}

/// The key of a CPE (its vendor and product); `None` when either is a wildcard.
pub fn of_cpe(w: &Wfn) -> Option<String> {
    let (Av::Value(vendor), Av::Value(product)) = (w.vendor(), w.product()) else {
        return None;
    };
    if vendor == "linux" && product == "linux_kernel" {
        return Some(LINUX_KERNEL.to_string());
    }
    Some(format!("cpe:{vendor}:{product}"))
}

/// The key of a CVE 5 `affected[]` entry's vendor and product (free text).
pub fn of_vendor_product(vendor: &str, product: &str) -> String {
    let v = vendor.trim().to_lowercase();
    let p = product.trim().to_lowercase();
    if v == "linux"
        && matches!(
            p.as_str(),
            "linux" | "kernel" | "linux kernel" | "linux_kernel"
        )
    {
        return LINUX_KERNEL.to_string();
    }
    format!("vp:{v}/{p}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_packages_key_as_purls() {
        assert_eq!(
            of_osv_package("crates.io", "smallvec", None),
            "purl:cargo/smallvec"
        );
        assert_eq!(
            of_osv_package("PyPI", "Django_Rest", None),
            "purl:pypi/django-rest"
        );
        assert_eq!(
            of_osv_package("Maven", "org.apache.logging.log4j:log4j-core", None),
            "purl:maven/org.apache.logging.log4j/log4j-core"
        );
        assert_eq!(
            of_osv_package("Go", "github.com/gin-gonic/gin", None),
            "purl:golang/github.com/gin-gonic/gin"
        );
        assert_eq!(
            of_osv_package("npm", "@babel/core", None),
            "purl:npm/@babel/core"
        );
        assert_eq!(
            of_osv_package("Debian:12", "openssl", None),
            "purl:deb/debian/openssl"
        );
        assert_eq!(of_osv_package("Linux", "Kernel", None), LINUX_KERNEL);
        assert_eq!(
            of_osv_package("OSS-Fuzz", "libxml2", None),
            "osv:OSS-Fuzz/libxml2"
        );
        assert_eq!(
            of_osv_package("npm", "x", Some("pkg:npm/left-pad@1.0.0")),
            "purl:npm/left-pad"
        );
    }

    #[test]
    fn cpes_and_vendor_products_key_by_vendor_and_product() {
        let w = Wfn::parse("cpe:2.3:a:openssl:openssl:1.1.1:*:*:*:*:*:*:*").unwrap();
        assert_eq!(of_cpe(&w).as_deref(), Some("cpe:openssl:openssl"));
        let k = Wfn::parse("cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*").unwrap();
        assert_eq!(of_cpe(&k).as_deref(), Some(LINUX_KERNEL));
        let any = Wfn::parse("cpe:2.3:a:*:openssl:*:*:*:*:*:*:*:*").unwrap();
        assert_eq!(of_cpe(&any), None);
        assert_eq!(of_vendor_product("Linux", "Linux"), LINUX_KERNEL);
        assert_eq!(of_vendor_product("linux", "linux_kernel"), LINUX_KERNEL);
        assert_eq!(of_vendor_product("Apache ", "Log4j"), "vp:apache/log4j");
    }
}
