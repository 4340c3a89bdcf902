//! npm version ranges, as node-semver reads them (strict mode), and Cargo version
//! requirements (via the `semver` crate).
//!
//! An npm range is comparator sets joined by `||`; a set is comparators separated by
//! spaces, all of which must hold. Besides `<`, `<=`, `>`, `>=`, `=` with full or partial
//! versions, node-semver's sugar is desugared as it does:
//! `*`/`x`/`""` (any), X-ranges (`1.2.x` → `>=1.2.0 <1.3.0-0`), hyphen ranges
//! (`1.2.3 - 2.3` → `>=1.2.3 <2.4.0-0`), tilde (`~1.2.3` → `>=1.2.3 <1.3.0-0`) and caret
//! (`^0.2.3` → `>=0.2.3 <0.3.0-0`). A pre-release version satisfies a set only when a
//! comparator of that set has a pre-release on the same `major.minor.patch` (node-semver's
//! rule, without `includePrerelease`).

use crate::{truncate, Error};
use semver::{Prerelease, Version};
use std::cmp::Ordering;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=`
    Eq,
}

/// One desugared comparator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparator {
    /// The operator.
    pub op: Op,
    /// The version bound.
    pub version: Version,
}

/// An npm range: sets of comparators, any of which may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpmRange {
    /// The sets; an empty set matches every (non-pre-release) version.
    pub sets: Vec<Vec<Comparator>>,
}

/// node-semver's options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Loose mode: `v`/`=`/spaces before a version, leading zeros, a pre-release without `-`.
    pub loose: bool,
    /// Let pre-releases satisfy ranges (and start partial ranges at `-0`).
    pub include_prerelease: bool,
}

/// Read an npm version, strictly (node-semver's default) or loosely.
pub fn parse_version(text: &str, opts: Options) -> Result<Version, Error> {
    if !opts.loose {
        return Ok(crate::semver::parse(crate::Scheme::Npm, text)?);
    }
    let p = partial(text, text, opts)?;
    match (p.major, p.minor, p.patch) {
        (Some(major), Some(minor), Some(patch)) => {
            let mut v = Version::new(major, minor, patch);
            v.pre = p.pre;
            Ok(v)
        }
        _ => Err(err(text, "a version needs major.minor.patch")),
    }
}

/// A partial version: `1`, `1.2`, `1.2.3-pre`, with `x`/`*` wildcards.
#[derive(Debug, Clone)]
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: Prerelease,
}

fn err(range: &str, reason: impl Into<String>) -> Error {
    Error::Range {
        range: truncate(range),
        reason: reason.into(),
    }
}

fn partial(s: &str, range: &str, opts: Options) -> Result<Partial, Error> {
    let s = if opts.loose {
        s.trim_start_matches(['v', '=', ' ', '\t'])
    } else {
        let s = s.strip_prefix(['v', '=']).unwrap_or(s);
        s.strip_prefix('v').unwrap_or(s)
    };
    let (core, mut pre) = match s.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (s, None),
    };
    let (core, _) = core.split_once('+').unwrap_or((core, ""));
    let mut core = core.to_string();
    // Loose: a pre-release may follow the patch number directly (`1.2.3beta`).
    let loose_pre;
    if opts.loose && pre.is_none() {
        let dots = core.matches('.').count();
        if dots == 2 {
            let last = core.rsplit('.').next().unwrap_or_default();
            let digits = last.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && digits < last.len() {
                let cut = core.len() - last.len() + digits;
                loose_pre = core[cut..].to_string();
                core.truncate(cut);
                pre = Some(loose_pre.as_str());
            }
        }
    }
    let pre = pre.map(|p| p.split_once('+').map_or(p, |(p, _)| p));
    let mut nums = [None; 3];
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(err(range, format!("`{}` is not a version", truncate(s))));
    }
    let mut wild = false;
    for (i, p) in parts.iter().enumerate() {
        if matches!(*p, "x" | "X" | "*") {
            wild = true;
            continue;
        }
        if wild {
            return Err(err(range, format!("`{s}`: a number after a wildcard")));
        }
        if !p.bytes().all(|b| b.is_ascii_digit())
            || (!opts.loose && p.len() > 1 && p.starts_with('0'))
        {
            return Err(err(range, format!("`{s}` is not a version")));
        }
        nums[i] = Some(p.parse().map_err(|_| err(range, "a number is too large"))?);
    }
    let pre = match pre {
        Some(p) if nums[2].is_some() => {
            Prerelease::new(p).map_err(|e| err(range, format!("`{s}`: {e}")))?
        }
        Some(_) => {
            return Err(err(
                range,
                format!("`{s}`: a pre-release needs a full version"),
            ))
        }
        None => Prerelease::EMPTY,
    };
    Ok(Partial {
        major: nums[0],
        minor: nums[1],
        patch: nums[2],
        pre,
    })
}

fn v(major: u64, minor: u64, patch: u64) -> Version {
    Version::new(major, minor, patch)
}

/// `x.y.z-0`: the lowest pre-release of a version, used as an exclusive upper bound.
fn floor(major: u64, minor: u64, patch: u64) -> Version {
    let mut x = v(major, minor, patch);
    x.pre = Prerelease::new("0").expect("valid");
    x
}

fn c(op: Op, version: Version) -> Comparator {
    Comparator { op, version }
}

fn lower(p: &Partial) -> Version {
    let mut x = v(
        p.major.unwrap_or(0),
        p.minor.unwrap_or(0),
        p.patch.unwrap_or(0),
    );
    x.pre = p.pre.clone();
    x
}

/// The lower bound of a partial version in a range: with `includePrerelease`, a partial
/// version (`1.2`, `1.x`) starts at its lowest pre-release (`1.2.0-0`).
fn lower_bound(p: &Partial, opts: Options) -> Version {
    let mut x = lower(p);
    if opts.include_prerelease && p.patch.is_none() {
        x.pre = Prerelease::new("0").expect("valid");
    }
    x
}

/// Desugar one comparator token (`^1.2`, `>=1.x`, `1.2.3`…).
fn comparator(
    tok: &str,
    range: &str,
    opts: Options,
    out: &mut Vec<Comparator>,
) -> Result<(), Error> {
    let (op, rest) = [
        (">=", Some(Op::Ge)),
        ("<=", Some(Op::Le)),
        (">", Some(Op::Gt)),
        ("<", Some(Op::Lt)),
        ("=", Some(Op::Eq)),
        ("~>", None),
        ("~", None),
        ("^", None),
    ]
    .iter()
    .find_map(|(p, o)| tok.strip_prefix(p).map(|r| ((*p, *o), r)))
    .unwrap_or((("", Some(Op::Eq)), tok));
    let p = partial(rest.trim_start(), range, opts)?;
    match op.0 {
        "~" | "~>" => {
            let lo = lower_bound(&p, opts);
            match (p.major, p.minor) {
                (None, _) => {}
                (Some(m), None) => {
                    out.push(c(Op::Ge, lo));
                    out.push(c(Op::Lt, floor(m + 1, 0, 0)));
                }
                (Some(m), Some(n)) => {
                    out.push(c(Op::Ge, lo));
                    out.push(c(Op::Lt, floor(m, n + 1, 0)));
                }
            }
        }
        "^" => {
            let lo = lower_bound(&p, opts);
            match (p.major, p.minor, p.patch) {
                (None, _, _) => {}
                (Some(m), None, _) => {
                    out.push(c(Op::Ge, lo));
                    out.push(c(Op::Lt, floor(m + 1, 0, 0)));
                }
                (Some(0), Some(0), None) => {
                    out.push(c(Op::Ge, lo));
                    out.push(c(Op::Lt, floor(0, 1, 0)));
                }
                (Some(0), Some(n), None) => {
                    out.push(c(Op::Ge, lo));
                    out.push(c(Op::Lt, floor(0, n + 1, 0)));
                }
                (Some(m), Some(_), None) => {
                    out.push(c(Op::Ge, lo));
                    out.push(c(Op::Lt, floor(m + 1, 0, 0)));
                }
                (Some(0), Some(0), Some(z)) => {
                    out.push(c(Op::Ge, lo));
                    out.push(c(Op::Lt, floor(0, 0, z + 1)));
                }
                (Some(0), Some(n), Some(_)) => {
                    out.push(c(Op::Ge, lo));
                    out.push(c(Op::Lt, floor(0, n + 1, 0)));
                }
                (Some(m), Some(_), Some(_)) => {
                    out.push(c(Op::Ge, lo));
                    out.push(c(Op::Lt, floor(m + 1, 0, 0)));
                }
            }
        }
        _ => {
            let op = op.1.unwrap_or(Op::Eq);
            let full = p.patch.is_some();
            match (op, p.major, p.minor) {
                (_, None, _) => {
                    // `*`, `>=*`: any; `<*`, `>*`: nothing.
                    if matches!(op, Op::Lt | Op::Gt) {
                        out.push(c(Op::Lt, floor(0, 0, 0)));
                    } else if opts.include_prerelease {
                        out.push(c(Op::Ge, floor(0, 0, 0)));
                    }
                }
                (Op::Eq, Some(m), _) if !full => {
                    out.push(c(Op::Ge, lower_bound(&p, opts)));
                    out.push(c(
                        Op::Lt,
                        match p.minor {
                            None => floor(m + 1, 0, 0),
                            Some(n) => floor(m, n + 1, 0),
                        },
                    ));
                }
                (Op::Gt, Some(m), mi) if !full => out.push(c(
                    Op::Ge,
                    match mi {
                        None => v(m + 1, 0, 0),
                        Some(n) => v(m, n + 1, 0),
                    },
                )),
                (Op::Le, Some(m), mi) if !full => out.push(c(
                    Op::Lt,
                    match mi {
                        None => floor(m + 1, 0, 0),
                        Some(n) => floor(m, n + 1, 0),
                    },
                )),
                (Op::Lt, Some(_), _) if !full => {
                    let mut x = lower(&p);
                    x.pre = Prerelease::new("0").expect("valid");
                    out.push(c(Op::Lt, x));
                }
                (Op::Ge, _, _) => out.push(c(Op::Ge, lower_bound(&p, opts))),
                (op, _, _) => out.push(c(op, lower(&p))),
            }
        }
    }
    Ok(())
}

/// Join operators to their versions (`>= 1.2` → `>=1.2`), as node-semver's trims do.
fn tokens(set: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending = String::new();
    for t in set.split_whitespace() {
        if matches!(t, ">" | ">=" | "<" | "<=" | "=" | "~" | "~>" | "^") {
            pending.push_str(t);
            continue;
        }
        out.push(format!("{pending}{t}"));
        pending.clear();
    }
    if !pending.is_empty() {
        out.push(pending);
    }
    out
}

impl NpmRange {
    /// Parse an npm range (strict mode).
    pub fn parse(text: &str) -> Result<NpmRange, Error> {
        NpmRange::parse_with(text, Options::default())
    }

    /// Parse an npm range with node-semver's options.
    pub fn parse_with(text: &str, opts: Options) -> Result<NpmRange, Error> {
        if text.len() > 4096 {
            return Err(err(text, "longer than 4 KiB"));
        }
        let mut sets = Vec::new();
        for set in text.split("||") {
            let set = set.trim();
            let mut comps = Vec::new();
            let toks = tokens(set);
            if let Some(i) = toks.iter().position(|t| t == "-") {
                if toks.len() != 3 || i != 1 {
                    return Err(err(text, "a hyphen range is `A - B`"));
                }
                let a = partial(&toks[0], text, opts)?;
                let b = partial(&toks[2], text, opts)?;
                if a.major.is_some() {
                    comps.push(c(Op::Ge, lower_bound(&a, opts)));
                } else if opts.include_prerelease {
                    comps.push(c(Op::Ge, floor(0, 0, 0)));
                }
                match (b.major, b.minor, b.patch) {
                    (None, _, _) => {}
                    (Some(m), None, _) => comps.push(c(Op::Lt, floor(m + 1, 0, 0))),
                    (Some(m), Some(n), None) => comps.push(c(Op::Lt, floor(m, n + 1, 0))),
                    _ => comps.push(c(Op::Le, lower(&b))),
                }
            } else {
                for t in &toks {
                    comparator(t, text, opts, &mut comps)?;
                }
            }
            sets.push(comps);
        }
        Ok(NpmRange { sets })
    }

    /// Whether `version` (an npm version) satisfies the range.
    pub fn satisfies(&self, version: &Version) -> bool {
        self.satisfies_with(version, Options::default())
    }

    /// [`NpmRange::satisfies`] with node-semver's options (`includePrerelease` drops the
    /// pre-release rule).
    pub fn satisfies_with(&self, version: &Version, opts: Options) -> bool {
        self.sets.iter().any(|set| {
            set.iter().all(|c| {
                let o = version.cmp_precedence(&c.version);
                match c.op {
                    Op::Lt => o == Ordering::Less,
                    Op::Le => o != Ordering::Greater,
                    Op::Gt => o == Ordering::Greater,
                    Op::Ge => o != Ordering::Less,
                    Op::Eq => o == Ordering::Equal,
                }
            }) && (version.pre.is_empty()
                || opts.include_prerelease
                || set.iter().any(|c| {
                    !c.version.pre.is_empty()
                        && (c.version.major, c.version.minor, c.version.patch)
                            == (version.major, version.minor, version.patch)
                }))
        })
    }
}

/// Whether a Cargo version satisfies a Cargo requirement (`^1.2`, `~1.2.3`, `>=1, <2`).
pub fn cargo_satisfies(requirement: &str, version: &str) -> Result<bool, Error> {
    let req =
        semver::VersionReq::parse(requirement).map_err(|e| err(requirement, e.to_string()))?;
    let v = crate::semver::parse(crate::Scheme::Cargo, version)?;
    Ok(req.matches(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sat(range: &str, version: &str) -> bool {
        NpmRange::parse(range)
            .unwrap()
            .satisfies(&Version::parse(version).unwrap())
    }

    #[test]
    fn sugar() {
        assert!(sat("^1.2.3", "1.9.0") && !sat("^1.2.3", "2.0.0"));
        assert!(sat("^0.2.3", "0.2.9") && !sat("^0.2.3", "0.3.0"));
        assert!(sat("~1.2", "1.2.9") && !sat("~1.2", "1.3.0"));
        assert!(sat("1.2.3 - 2.3", "2.3.9") && !sat("1.2.3 - 2.3", "2.4.0"));
        assert!(sat("1.x || >=2.5.0", "2.5.1") && !sat("1.x || >=2.5.0", "2.0.0"));
        assert!(sat(">= 1.2", "1.2.0") && !sat(">1.2", "1.2.9"));
        assert!(sat("*", "3.0.0") && !sat("*", "3.0.0-beta"));
        assert!(sat(">=1.2.3-beta.1 <1.3.0", "1.2.3-beta.2"));
        assert!(!sat(">=1.2.3-beta.1 <1.3.0", "1.2.4-beta.2"));
        assert!(NpmRange::parse("1.2.3 - ").is_err() || NpmRange::parse(">=a").is_err());
        assert!(cargo_satisfies("^1.2", "1.9.0").unwrap());
        assert!(!cargo_satisfies(">=1, <2", "2.0.0").unwrap());
    }
}
