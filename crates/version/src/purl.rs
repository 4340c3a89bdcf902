//! Package URLs (purl, ECMA-427): parse, normalise per type, and format canonically.
//!
//! `pkg:type/namespace/name@version?qualifiers#subpath`. Parsing follows the specification's
//! "how to parse" steps; the result is normalised by the rules of its type (which parts are
//! required, prohibited or case-insensitive, PyPI's `_` → `-`), so two spellings of one
//! package compare equal after [`Purl::parse`], and [`Purl`]'s `Display` is the canonical
//! form. Parsing is strict where the specification says a purl is invalid (an upper-case
//! qualifier key, a type that starts with a digit, a namespace on a type that prohibits one).
//!
//! craft has its own implementation rather than the `packageurl` crate: that crate fails 20
//! of the suite's required cases (cpan namespaces, `brew`, git names with `/`, upper-case
//! qualifier keys) and keeps its type rules private, so they cannot be corrected from outside.

use std::collections::BTreeMap;
use std::fmt;

/// Why a string is not a valid package URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{purl}` is not a valid package URL: {reason}")]
pub struct PurlError {
    /// The input (shortened when long).
    pub purl: String,
    /// What is wrong with it.
    pub reason: String,
}

/// A package URL, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Purl {
    /// The package type, lower-case (`deb`, `npm`, `generic`…).
    pub ty: String,
    /// The namespace segments joined by `/` (decoded), if any.
    pub namespace: Option<String>,
    /// The name (decoded).
    pub name: String,
    /// The version (decoded), if any.
    pub version: Option<String>,
    /// Qualifiers by key (keys lower-case, values decoded and non-empty).
    pub qualifiers: BTreeMap<String, String>,
    /// The subpath segments joined by `/` (decoded), if any.
    pub subpath: Option<String>,
}

/// How a type constrains a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
    Prohibited,
}

/// The rules of one package type (from the purl-spec type definitions).
struct TypeRule {
    ty: &'static str,
    namespace: Need,
    /// Namespace, name and version lower-cased.
    lower: (bool, bool, bool),
    required_qualifiers: &'static [&'static str],
}

const fn rule(
    ty: &'static str,
    namespace: Need,
    lower: (bool, bool, bool),
    required_qualifiers: &'static [&'static str],
) -> TypeRule {
    TypeRule {
        ty,
        namespace,
        lower,
        required_qualifiers,
    }
}

use Need::{Optional as O, Prohibited as P, Required as R};

/// Every type the purl specification defines. Types not listed are accepted with the
/// generic rules (everything optional, case-sensitive).
const TYPES: &[TypeRule] = &[
    rule("alpm", R, (true, true, false), &[]),
    rule("apk", R, (true, true, false), &[]),
    rule("bazel", P, (false, false, false), &[]),
    rule("bitbucket", R, (true, true, false), &[]),
    rule("bitnami", P, (false, true, false), &[]),
    rule("brew", O, (true, true, false), &[]),
    rule("cargo", P, (false, false, false), &[]),
    rule("chrome-extension", P, (false, true, false), &[]),
    rule("cocoapods", P, (false, false, false), &[]),
    rule("composer", R, (true, true, false), &[]),
    rule("conan", O, (false, false, false), &[]),
    rule("conda", P, (false, false, false), &[]),
    rule("cpan", O, (false, false, false), &[]),
    rule("cran", P, (false, false, false), &[]),
    rule("deb", R, (true, true, false), &[]),
    rule("docker", O, (false, false, false), &[]),
    rule("gem", P, (false, false, false), &[]),
    rule("generic", O, (false, false, false), &[]),
    rule("git", R, (false, false, false), &[]),
    rule("github", R, (true, true, false), &[]),
    rule("golang", R, (false, false, false), &[]),
    rule("hackage", P, (false, false, false), &[]),
    rule("hex", O, (true, true, false), &[]),
    rule("huggingface", R, (false, false, true), &[]),
    rule("julia", P, (false, false, false), &["uuid"]),
    rule("luarocks", O, (true, true, false), &[]),
    rule("maven", R, (false, false, false), &[]),
    rule("mlflow", P, (false, false, false), &[]),
    rule("npm", O, (false, false, false), &[]),
    rule("nuget", P, (false, false, false), &[]),
    rule("oci", P, (false, true, true), &[]),
    rule("opam", P, (false, false, false), &[]),
    rule("otp", P, (false, true, false), &[]),
    rule("pub", P, (false, true, false), &[]),
    rule("pypi", P, (false, true, true), &[]),
    rule("qpkg", R, (true, false, false), &[]),
    rule("rpm", R, (true, false, false), &[]),
    rule("swid", O, (false, false, false), &["tag_id"]),
    rule("swift", R, (false, false, false), &[]),
    rule("vcpkg", P, (false, false, false), &[]),
    rule("vscode-extension", R, (true, true, true), &[]),
    rule("yocto", O, (true, false, false), &[]),
];

/// Longest purl accepted (real ones are under 1 KiB).
pub const MAX_LENGTH: usize = 64 * 1024;

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b':')
}

/// Percent-encode everything but unreserved characters (and `/` when `keep_slash`).
fn encode(s: &str, keep_slash: bool, out: &mut String) {
    crate::pct::encode(s, |b| is_unreserved(b) || (keep_slash && b == b'/'), out);
}

impl Purl {
    /// Parse and normalise a package URL.
    pub fn parse(text: &str) -> Result<Purl, PurlError> {
        let err = |reason: &str| PurlError {
            purl: crate::truncate(text),
            reason: reason.to_string(),
        };
        if text.len() > MAX_LENGTH {
            return Err(err("longer than 64 KiB"));
        }
        // Subpath: after the last `#` (the specification splits from the right).
        let (rest, subpath) = match text.rsplit_once('#') {
            Some((r, s)) => (r, Some(s)),
            None => (text, None),
        };
        let subpath = match subpath {
            Some(s) => {
                let mut segs = Vec::new();
                for seg in s.split('/') {
                    let seg = decode(seg).map_err(|r| err(&r))?;
                    if seg.is_empty() || seg == "." || seg == ".." {
                        continue;
                    }
                    segs.push(seg);
                }
                (!segs.is_empty()).then(|| segs.join("/"))
            }
            None => None,
        };
        // Qualifiers: after the last `?`.
        let (rest, query) = match rest.rsplit_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let mut qualifiers = BTreeMap::new();
        for pair in query.into_iter().flat_map(|q| q.split('&')) {
            if pair.is_empty() {
                continue;
            }
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| err(&format!("qualifier `{pair}` has no `=`")))?;
            if k.is_empty() {
                return Err(err("a qualifier key is empty"));
            }
            if k.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(err(&format!("qualifier key `{k}` is not in lower case")));
            }
            if !k.as_bytes()[0].is_ascii_alphabetic()
                || !k
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
            {
                return Err(err(&format!("qualifier key `{k}` has invalid characters")));
            }
            let v = decode(v).map_err(|r| err(&r))?;
            if v.is_empty() {
                continue;
            }
            if qualifiers.insert(k.to_string(), v).is_some() {
                return Err(err(&format!("qualifier `{k}` appears twice")));
            }
        }
        // Scheme.
        let (scheme, rest) = rest
            .split_once(':')
            .ok_or_else(|| err("no `pkg:` scheme"))?;
        if !scheme.eq_ignore_ascii_case("pkg") {
            return Err(err("the scheme is not `pkg`"));
        }
        let rest = rest.trim_start_matches('/');
        // Type.
        let (ty, rest) = rest
            .split_once('/')
            .ok_or_else(|| err("no `/` after the type"))?;
        let ty = ty.to_ascii_lowercase();
        check_type(&ty).map_err(|r| err(&r))?;
        // Version: after the last `@`.
        let rest = rest.trim_end_matches('/');
        // (A raw `@` followed by a `/` is an unencoded npm scope, not a version.)
        let (rest, version) = match rest.rsplit_once('@') {
            Some((r, v)) if !v.contains('/') => (r, Some(decode(v).map_err(|r| err(&r))?)),
            _ => (rest, None),
        };
        let version = version.filter(|v| !v.is_empty());
        // Name and namespace. The name is the last segment as written (`ns/@1` has an empty
        // name); empty namespace segments are dropped.
        let all: Vec<&str> = rest.split('/').collect();
        let (last, before) = all.split_last().ok_or_else(|| err("the name is empty"))?;
        let mut segs: Vec<&str> = before.iter().copied().filter(|s| !s.is_empty()).collect();
        segs.push(last);
        let (ns_segs, name_segs): (&[&str], &[&str]) = match (ty.as_str(), segs.len()) {
            // git: the namespace is the host, the name the repository path.
            ("git", n) if n > 1 => (&segs[..1], &segs[1..]),
            (_, n) => (&segs[..n - 1], &segs[n - 1..]),
        };
        let mut name_parts = Vec::new();
        for s in name_segs {
            name_parts.push(decode(s).map_err(|r| err(&r))?);
        }
        let name = name_parts.join("/");
        if name.is_empty() {
            return Err(err("the name is empty"));
        }
        let mut ns_parts = Vec::new();
        for s in ns_segs {
            let d = decode(s).map_err(|r| err(&r))?;
            if d.contains('/') {
                return Err(err("a namespace segment contains an encoded `/`"));
            }
            ns_parts.push(d);
        }
        let namespace = (!ns_parts.is_empty()).then(|| ns_parts.join("/"));
        Purl {
            ty,
            namespace,
            name,
            version,
            qualifiers,
            subpath,
        }
        .normalised()
        .map_err(|r| err(&r))
    }

    /// Build from parts (decoded), normalising them as [`Purl::parse`] does.
    pub fn from_parts(
        ty: &str,
        namespace: Option<&str>,
        name: &str,
        version: Option<&str>,
        qualifiers: BTreeMap<String, String>,
        subpath: Option<&str>,
    ) -> Result<Purl, PurlError> {
        let shown = format!("{ty}/{}/{name}", namespace.unwrap_or(""));
        let err = |reason: String| PurlError {
            purl: crate::truncate(&shown),
            reason,
        };
        let ty = ty.to_ascii_lowercase();
        check_type(&ty).map_err(err)?;
        for k in qualifiers.keys() {
            if k.is_empty()
                || !k.as_bytes()[0].is_ascii_alphabetic()
                || !k.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
                })
            {
                return Err(err(format!("qualifier key `{k}` is invalid")));
            }
        }
        let subpath = subpath.and_then(|s| {
            let segs: Vec<&str> = s
                .split('/')
                .filter(|x| !x.is_empty() && *x != "." && *x != "..")
                .collect();
            (!segs.is_empty()).then(|| segs.join("/"))
        });
        let namespace = namespace.and_then(|n| {
            let segs: Vec<&str> = n.split('/').filter(|x| !x.is_empty()).collect();
            (!segs.is_empty()).then(|| segs.join("/"))
        });
        Purl {
            ty,
            namespace,
            name: name.to_string(),
            version: version.filter(|v| !v.is_empty()).map(str::to_string),
            qualifiers: qualifiers
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect(),
            subpath,
        }
        .normalised()
        .map_err(err)
    }

    /// Apply the type's rules: required and prohibited parts, case, PyPI names.
    fn normalised(mut self) -> Result<Purl, String> {
        if self.name.is_empty() {
            return Err("the name is empty".into());
        }
        if let Some(rule) = TYPES.iter().find(|r| r.ty == self.ty) {
            match (rule.namespace, &self.namespace) {
                (Need::Required, None) => {
                    return Err(format!("a `{}` purl needs a namespace", self.ty))
                }
                (Need::Prohibited, Some(_)) => {
                    return Err(format!("a `{}` purl has no namespace", self.ty))
                }
                _ => {}
            }
            let (ns, name, version) = rule.lower;
            if ns {
                self.namespace = self.namespace.map(|n| n.to_lowercase());
            }
            if name {
                self.name = self.name.to_lowercase();
            }
            if version {
                self.version = self.version.map(|v| v.to_lowercase());
            }
            for q in rule.required_qualifiers {
                if !self.qualifiers.contains_key(*q) {
                    return Err(format!("a `{}` purl needs the qualifier `{q}`", self.ty));
                }
            }
        }
        match self.ty.as_str() {
            "pypi" => self.name = self.name.replace('_', "-"),
            // Databricks model names are case-insensitive; Azure ML's are not.
            "mlflow"
                if self
                    .qualifiers
                    .get("repository_url")
                    .is_some_and(|u| u.contains("azuredatabricks.net")) =>
            {
                self.name = self.name.to_lowercase();
            }
            // A CPAN distribution name, never a module name (`URI::PackageURL`).
            "cpan" if self.name.contains("::") => {
                return Err("a cpan purl names a distribution; `::` names a module".into())
            }
            "chrome-extension" => {
                if self.name.len() != 32 || !self.name.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
                    return Err("a chrome-extension id is 32 letters a-p".into());
                }
                if let Some(v) = &self.version {
                    let parts: Vec<&str> = v.split('.').collect();
                    if parts.len() > 4
                        || parts
                            .iter()
                            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
                    {
                        return Err(
                            "a chrome-extension version is 1 to 4 dot-separated numbers".into()
                        );
                    }
                }
            }
            _ => {}
        }
        Ok(self)
    }
}

/// A type: ASCII letters, digits, `.` and `-`, not starting with a digit.
fn check_type(ty: &str) -> Result<(), String> {
    if ty.is_empty() {
        return Err("the type is empty".into());
    }
    if ty.as_bytes()[0].is_ascii_digit() {
        return Err("the type starts with a digit".into());
    }
    if !ty
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
    {
        return Err(format!("the type `{ty}` has invalid characters"));
    }
    Ok(())
}

/// Decode `%XX` escapes; a `%` without two hex digits is an error.
fn decode(s: &str) -> Result<String, String> {
    crate::pct::decode(s, None)
}

impl fmt::Display for Purl {
    /// The canonical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(64);
        s.push_str("pkg:");
        s.push_str(&self.ty);
        s.push('/');
        if let Some(ns) = &self.namespace {
            for (i, seg) in ns.split('/').enumerate() {
                if i > 0 {
                    s.push('/');
                }
                encode(seg, false, &mut s);
            }
            s.push('/');
        }
        encode(&self.name, self.ty == "git", &mut s);
        if let Some(v) = &self.version {
            s.push('@');
            encode(v, false, &mut s);
        }
        for (i, (k, v)) in self.qualifiers.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(k);
            s.push('=');
            encode(v, false, &mut s);
        }
        if let Some(sp) = &self.subpath {
            s.push('#');
            for (i, seg) in sp.split('/').enumerate() {
                if i > 0 {
                    s.push('/');
                }
                encode(seg, false, &mut s);
            }
        }
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let p = Purl::parse("pkg:PYPI/Django_package@1.11.1.dev1").unwrap();
        assert_eq!(p.to_string(), "pkg:pypi/django-package@1.11.1.dev1");
        let p = Purl::parse("pkg:npm/%40angular/animation@12.3.1").unwrap();
        assert_eq!(p.namespace.as_deref(), Some("@angular"));
        assert_eq!(p.to_string(), "pkg:npm/%40angular/animation@12.3.1");
        let p = Purl::parse("pkg://maven/org.apache/commons@1.0?b=2&a=1#/x/./y/").unwrap();
        assert_eq!(
            p.to_string(),
            "pkg:maven/org.apache/commons@1.0?a=1&b=2#x/y"
        );
        let p = Purl::parse("pkg:deb/Debian/OpenSSL@3.0.11-1?arch=amd64").unwrap();
        assert_eq!(p.to_string(), "pkg:deb/debian/openssl@3.0.11-1?arch=amd64");
    }

    #[test]
    fn invalid_purls_are_errors() {
        for bad in [
            "pkg:3nginx/nginx@1",
            "pkg:npm/@1.0",
            "pkg:gem/jruby-launcher@1.1.2?Platform=java",
            "pkg:cargo/ns/name@1",
            "pkg:deb/openssl@1",
            "npm/name@1",
            "pkg:npm/a%2",
            "pkg:npm/a?k=1&k=2",
        ] {
            assert!(Purl::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
