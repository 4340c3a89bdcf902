//! `vers` version ranges (package-url/vers-spec): `vers:<scheme>/<constraint>|<constraint>…`.
//!
//! A constraint is a comparator (`=` when omitted, `!=`, `<`, `<=`, `>`, `>=`) and a version;
//! `*` alone means every version. Parsing follows the spec's canonical form strictly: no
//! whitespace, no empty constraint, versions percent-encoded with upper-case hex and decoded
//! once, and constraints sorted by version in the scheme's order. Containment is the spec's
//! algorithm: `=` and `!=` first, then the range constraints pairwise.

use crate::{compare, truncate, Error, Scheme};
use std::cmp::Ordering;
use std::fmt;

/// A comparator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Comparator {
    /// The comparator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Eq => "=",
            Comparator::Ne => "!=",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }
}

/// One constraint of a range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Constraint {
    /// How the version bounds the range.
    pub comparator: Comparator,
    /// The version, percent-decoded.
    pub version: String,
}

/// A `vers` range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Range {
    /// The versioning scheme (the text after `vers:`, lower-cased).
    pub scheme: String,
    /// The constraints in order; empty for `*` (every version).
    pub constraints: Vec<Constraint>,
}

/// Most constraints accepted in one range.
pub const MAX_CONSTRAINTS: usize = 10_000;

impl Range {
    /// Parse a `vers` string in canonical form. Constraint order is checked when craft
    /// implements the scheme: unsorted constraints are an error (see [`Range::normalize`]).
    pub fn parse(text: &str) -> Result<Range, Error> {
        Range::read(text, true)
    }

    /// Parse a `vers` string whose constraints may be out of order, and sort them by version
    /// (stable), as the spec's "validate" and containment cases expect.
    pub fn normalize(text: &str) -> Result<Range, Error> {
        let mut r = Range::read(text, false)?;
        if let Ok(s) = r.known_scheme() {
            if s.is_supported() {
                let mut err = None;
                r.constraints.sort_by(|a, b| {
                    compare(s, &a.version, &b.version).unwrap_or_else(|e| {
                        err.get_or_insert(e);
                        Ordering::Equal
                    })
                });
                if let Some(e) = err {
                    return Err(e);
                }
            }
        }
        Ok(r)
    }

    fn read(text: &str, check_order: bool) -> Result<Range, Error> {
        let err = |reason: &str| Error::Range {
            range: truncate(text),
            reason: reason.to_string(),
        };
        if let Some(i) = text.find(|c: char| c.is_whitespace()) {
            return Err(err(&format!("whitespace at byte {i}")));
        }
        let rest = text
            .strip_prefix("vers:")
            .ok_or_else(|| err("does not start with `vers:`"))?;
        let (scheme, list) = rest
            .split_once('/')
            .ok_or_else(|| err("no `/` after the versioning scheme"))?;
        if scheme.is_empty()
            || !scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
        {
            return Err(err(
                "the versioning scheme is empty or has invalid characters",
            ));
        }
        if list.is_empty() {
            return Err(err("no constraints"));
        }
        let scheme = scheme.to_ascii_lowercase();
        if list == "*" {
            return Ok(Range {
                scheme,
                constraints: Vec::new(),
            });
        }
        let mut constraints = Vec::new();
        for item in list.split('|') {
            if constraints.len() == MAX_CONSTRAINTS {
                return Err(err("more than 10,000 constraints"));
            }
            if item.is_empty() {
                return Err(err(
                    "an empty constraint (a leading, trailing or doubled `|`)",
                ));
            }
            if item == "*" {
                return Err(err("`*` must be the only constraint"));
            }
            let (comparator, version) = [
                (">=", Comparator::Ge),
                ("<=", Comparator::Le),
                ("!=", Comparator::Ne),
                ("<", Comparator::Lt),
                (">", Comparator::Gt),
                ("=", Comparator::Eq),
            ]
            .iter()
            .find_map(|(p, c)| item.strip_prefix(p).map(|v| (*c, v)))
            .unwrap_or((Comparator::Eq, item));
            if version.is_empty() {
                return Err(err(&format!("`{}` without a version", truncate(item))));
            }
            let version = decode(version).map_err(|r| err(&r))?;
            if scheme == "datetime" && !is_rfc3339(&version) {
                return Err(err(&format!(
                    "`{}` is not an RFC 3339 timestamp (upper-case `T` and `Z`, raw `:`)",
                    truncate(&version)
                )));
            }
            constraints.push(Constraint {
                comparator,
                version,
            });
        }
        let range = Range {
            scheme,
            constraints,
        };
        if let Ok(s) = range.scheme.parse::<Scheme>() {
            if s.is_supported() && check_order {
                for pair in range.constraints.windows(2) {
                    match compare(s, &pair[0].version, &pair[1].version)? {
                        Ordering::Greater => {
                            return Err(err("constraints are not sorted by version"))
                        }
                        Ordering::Equal | Ordering::Less => {}
                    }
                }
            }
        }
        Ok(range)
    }

    /// The scheme, when craft knows it.
    pub fn known_scheme(&self) -> Result<Scheme, Error> {
        self.scheme.parse()
    }

    /// Whether `version` lies in the range (the vers-spec containment algorithm).
    pub fn contains(&self, version: &str) -> Result<bool, Error> {
        let scheme = self.known_scheme()?;
        crate::validate(scheme, version)?;
        if self.constraints.is_empty() {
            return Ok(true);
        }
        let cmp = |c: &Constraint| compare(scheme, version, &c.version);
        let mut ranges = Vec::new();
        for c in &self.constraints {
            match c.comparator {
                Comparator::Eq => {
                    if cmp(c)? == Ordering::Equal {
                        return Ok(true);
                    }
                }
                Comparator::Ne => {
                    if cmp(c)? == Ordering::Equal {
                        return Ok(false);
                    }
                }
                _ => ranges.push(c),
            }
        }
        if ranges.is_empty() {
            // Only `=` and `!=`: outside every `=`, inside when all were `!=`.
            return Ok(self
                .constraints
                .iter()
                .all(|c| c.comparator == Comparator::Ne));
        }
        let below = |c: &Constraint, o: Ordering| match c.comparator {
            Comparator::Lt => o == Ordering::Less,
            Comparator::Le => o != Ordering::Greater,
            _ => false,
        };
        let above = |c: &Constraint, o: Ordering| match c.comparator {
            Comparator::Gt => o == Ordering::Greater,
            Comparator::Ge => o != Ordering::Less,
            _ => false,
        };
        if ranges.len() == 1 {
            let o = cmp(ranges[0])?;
            return Ok(below(ranges[0], o) || above(ranges[0], o));
        }
        let last = ranges.len() - 2;
        for (i, pair) in ranges.windows(2).enumerate() {
            let (cur, next) = (pair[0], pair[1]);
            let (oc, on) = (cmp(cur)?, cmp(next)?);
            if i == 0 && below(cur, oc) {
                return Ok(true);
            }
            if i == last && above(next, on) {
                return Ok(true);
            }
            if above(cur, oc) && below(next, on) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl fmt::Display for Range {
    /// The canonical form: `=` omitted, versions percent-encoded where needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vers:{}/", self.scheme)?;
        if self.constraints.is_empty() {
            return f.write_str("*");
        }
        for (i, c) in self.constraints.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            if c.comparator != Comparator::Eq {
                f.write_str(c.comparator.as_str())?;
            }
            let mut encoded = String::with_capacity(c.version.len());
            crate::pct::encode(&c.version, plain, &mut encoded);
            f.write_str(&encoded)?;
        }
        Ok(())
    }
}

/// Whether `s` is an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let fixed = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !fixed {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    rest == "Z"
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':'
            && rest[1..3]
                .bytes()
                .chain(rest[4..6].bytes())
                .all(|c| c.is_ascii_digit()))
}

/// Characters a canonical version never percent-encodes.
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b'+' | b':')
}

/// Decode `%XX` escapes once. Lower-case hex, and escapes of characters that need none
/// (`%3A` for `:`), are not canonical and are rejected.
fn decode(s: &str) -> Result<String, String> {
    crate::pct::decode(s, Some(plain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(range: &str, v: &str) -> bool {
        Range::parse(range).unwrap().contains(v).unwrap()
    }

    #[test]
    fn containment() {
        assert!(contains("vers:deb/>=1.0|<2.0", "1.5-1"));
        assert!(!contains("vers:deb/>=1.0|<2.0", "2.0"));
        assert!(contains("vers:deb/<1.0|>=2.0", "0.9"));
        assert!(contains("vers:deb/<1.0|>=2.0", "3"));
        assert!(!contains("vers:deb/<1.0|>=2.0", "1.5"));
        assert!(contains("vers:deb/1.0|1.5", "1.5"));
        assert!(!contains("vers:deb/1.0|1.5", "1.2"));
        assert!(!contains("vers:deb/>=1.0|!=1.5|<2.0", "1.5"));
        assert!(contains("vers:deb/*", "7"));
        assert!(contains("vers:rpm/>=1.0|<=1.0", "1.0"));
    }

    #[test]
    fn canonical_syntax_is_enforced() {
        for bad in [
            "vers:npm/ 1.0.0",
            "vers:npm/|1.0.0",
            "vers:npm/1.0.0|",
            "vers:npm/1.0.0||2.0.0",
            "vers:npm/>=2.0.0|<1.0.0",
            "vers:npm/1.0%2G",
            "vers:npm/1.0%3a",
            "npm/1.0.0",
            "vers:npm/*|1.0.0",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?} accepted");
        }
        let r = Range::parse("vers:npm/1.0%252F0").unwrap();
        assert_eq!(r.constraints[0].version, "1.0%2F0");
        assert_eq!(r.to_string(), "vers:npm/1.0%252F0");
        let r = Range::parse("vers:deb/>=1.0|<2.0").unwrap();
        assert_eq!(r.to_string(), "vers:deb/>=1.0|<2.0");
    }
}
