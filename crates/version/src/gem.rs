//! RubyGems versions, ordered as `Gem::Version#<=>`.
//!
//! A version is digits and letters separated by `.` (`-` is read as `.pre.`, as RubyGems
//! does); it is split into numbers and letter runs (`1.0a1` → `1`, `0`, `a`, `1`). Trailing
//! zeros are dropped from the numeric part and from the part after the first letters
//! (`1.0` = `1`); a letter segment makes a pre-release, older than any number in the same
//! place (`1.0.a` < `1.0`); letter segments compare as strings, numbers as numbers.

use crate::{ParseError, Scheme};
use std::cmp::Ordering;

/// One segment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    /// Digits without leading zeros (`""` is zero).
    Num(String),
    /// Letters.
    Str(String),
}

/// A parsed gem version.
#[derive(Debug, Clone)]
pub struct GemVersion {
    segments: Vec<Seg>,
}

impl GemVersion {
    /// Parse a version (RubyGems' `ANCHORED_VERSION_PATTERN`).
    pub fn parse(text: &str) -> Result<GemVersion, ParseError> {
        let err = |reason: &str| ParseError::new(Scheme::Gem, text, reason);
        let t = text.trim_matches([' ', '\t', '\n', '\r', '\x0c', '\x0b']);
        // RubyGems reads an empty version as "0".
        let t = if t.is_empty() { "0" } else { t };
        let (release, pre) = match t.split_once('-') {
            Some((r, p)) => (r, Some(p)),
            None => (t, None),
        };
        let mut rparts = release.split('.');
        let first = rparts.next().unwrap_or_default();
        if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("does not start with a number"));
        }
        if !rparts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric())) {
            return Err(err("a part is empty or not alphanumeric"));
        }
        if let Some(p) = pre {
            if !p
                .split('.')
                .all(|x| !x.is_empty() && x.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            {
                return Err(err("the pre-release part is not alphanumeric"));
            }
        }
        let full = match pre {
            Some(p) => format!("{release}.pre.{p}"),
            None => release.to_string(),
        };
        let mut segments = Vec::new();
        let b = full.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let start = i;
            if b[i].is_ascii_digit() {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                segments.push(Seg::Num(full[start..i].trim_start_matches('0').to_string()));
            } else if b[i].is_ascii_alphabetic() {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                segments.push(Seg::Str(full[start..i].to_string()));
            } else {
                i += 1;
            }
        }
        // Canonical segments: trailing zeros dropped from the numeric and the string part.
        let split = segments
            .iter()
            .position(|s| matches!(s, Seg::Str(_)))
            .unwrap_or(segments.len());
        let mut tail = segments.split_off(split);
        let zero = |s: &Seg| *s == Seg::Num(String::new());
        while segments.last().is_some_and(zero) {
            segments.pop();
        }
        while tail.last().is_some_and(zero) {
            tail.pop();
        }
        segments.extend(tail);
        Ok(GemVersion { segments })
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Seg::Num(String::new());
        let n = self.segments.len().max(other.segments.len());
        for i in 0..n {
            let l = self.segments.get(i).unwrap_or(&zero);
            let r = other.segments.get(i).unwrap_or(&zero);
            let o = match (l, r) {
                (Seg::Num(a), Seg::Num(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
                (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
                (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
                (Seg::Str(a), Seg::Str(b)) => a.cmp(b),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

crate::order_from_cmp!(GemVersion);

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        GemVersion::parse(a)
            .unwrap()
            .cmp(&GemVersion::parse(b).unwrap())
    }

    /// Cases from RubyGems' `test_gem_version.rb`.
    #[test]
    fn rubygems_rules() {
        assert_eq!(c("1.0", "1"), Ordering::Equal);
        assert_eq!(c("1.0.a", "1.0"), Ordering::Less);
        assert_eq!(c("1.0.a", "1.0.b"), Ordering::Less);
        assert_eq!(c("1.8.2.a", "1.8.2"), Ordering::Less);
        assert_eq!(c("1.2.b1", "1.2.b2"), Ordering::Less);
        assert_eq!(c("0.beta.1", "0.0.beta.1"), Ordering::Equal);
        assert_eq!(c("1.0-1", "1.0.pre.1"), Ordering::Equal);
        assert_eq!(c("1.2.0.a", "1.2.a"), Ordering::Equal);
        assert_eq!(c("5.a", "5.0.0.rc2"), Ordering::Less);
        assert_eq!(c("1.9.3", "1.9.3.0"), Ordering::Equal);
        assert_eq!(c("9.8.7", "1.2.3"), Ordering::Greater);
        for bad in [
            "junk",
            "1.0\n2.0",
            "1..2",
            "1.2\\ 3.4",
            "2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.",
        ] {
            assert!(GemVersion::parse(bad).is_err(), "{bad:?}");
        }
    }
}
