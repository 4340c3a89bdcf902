//! Python package versions (PEP 440, as `packaging.version` reads and orders them).
//!
//! `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, case-insensitive, with the spellings
//! PEP 440 normalises (`alpha`, `beta`, `c`, `pre`, `preview`, `rev`, `r`, `-N` for a
//! post-release, `-`/`_`/`.` separators, an optional leading `v`, surrounding whitespace).
//! Order: epoch, release (trailing zeros ignored), then pre-release (a dev-only release sorts
//! before its pre-releases), post-release, dev-release, and the local label (a local
//! version sorts after its public one; numeric local segments after alphanumeric ones).

use crate::{ParseError, Scheme};
use std::cmp::Ordering;

/// A parsed PEP 440 version.
#[derive(Debug, Clone)]
pub struct Pep440 {
    /// The epoch (`N!`).
    pub epoch: u64,
    /// The release numbers.
    pub release: Vec<u64>,
    /// The pre-release: 0 = `a`, 1 = `b`, 2 = `rc`, and its number.
    pub pre: Option<(u8, u64)>,
    /// The post-release number.
    pub post: Option<u64>,
    /// The dev-release number.
    pub dev: Option<u64>,
    /// The local label's segments, lower-case.
    pub local: Vec<String>,
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn number(&mut self) -> Option<Result<u64, ()>> {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        (self.i > start).then(|| {
            std::str::from_utf8(&self.s[start..self.i])
                .ok()
                .and_then(|d| d.parse().ok())
                .ok_or(())
        })
    }

    fn sep(&mut self) -> bool {
        if matches!(self.s.get(self.i), Some(b'-' | b'_' | b'.')) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// The longest of `words` at the cursor (after an optional separator).
    fn word(&mut self, words: &[&str]) -> Option<usize> {
        let save = self.i;
        self.sep();
        let rest = &self.s[self.i..];
        let found = words
            .iter()
            .enumerate()
            .filter(|(_, w)| {
                rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w.as_bytes())
            })
            .max_by_key(|(_, w)| w.len());
        match found {
            Some((k, w)) => {
                self.i += w.len();
                Some(k)
            }
            None => {
                self.i = save;
                None
            }
        }
    }

    /// An optional number after an optional separator (0 when absent).
    fn opt_number(&mut self) -> Result<u64, ()> {
        let save = self.i;
        self.sep();
        match self.number() {
            Some(n) => n,
            None => {
                self.i = save;
                Ok(0)
            }
        }
    }
}

impl Pep440 {
    /// Parse a version.
    pub fn parse(text: &str) -> Result<Pep440, ParseError> {
        let err = |reason: &str| ParseError::new(Scheme::Pypi, text, reason);
        // Surrounding Unicode whitespace is ignored, as packaging's `\s*` does.
        let t = text.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let mut c = Cursor {
            s: t.as_bytes(),
            i: 0,
        };
        let too_big = |_| err("a number is too large");
        let first = c
            .number()
            .ok_or_else(|| err("does not start with a number"))?;
        let mut epoch = 0;
        let mut release = Vec::new();
        if c.s.get(c.i) == Some(&b'!') {
            epoch = first.map_err(too_big)?;
            c.i += 1;
            release.push(
                c.number()
                    .ok_or_else(|| err("no release after the epoch"))?
                    .map_err(too_big)?,
            );
        } else {
            release.push(first.map_err(too_big)?);
        }
        while c.s.get(c.i) == Some(&b'.') && c.s.get(c.i + 1).is_some_and(u8::is_ascii_digit) {
            c.i += 1;
            release.push(c.number().unwrap_or(Ok(0)).map_err(too_big)?);
        }
        let pre = match c.word(&["a", "b", "c", "rc", "alpha", "beta", "pre", "preview"]) {
            Some(k) => {
                let kind = match k {
                    0 | 4 => 0,
                    1 | 5 => 1,
                    _ => 2,
                };
                Some((kind, c.opt_number().map_err(too_big)?))
            }
            None => None,
        };
        let mut post = None;
        let save = c.i;
        if c.s.get(c.i) == Some(&b'-') && c.s.get(c.i + 1).is_some_and(u8::is_ascii_digit) {
            c.i += 1;
            post = Some(c.number().unwrap_or(Ok(0)).map_err(too_big)?);
        } else if c.word(&["post", "rev", "r"]).is_some() {
            post = Some(c.opt_number().map_err(too_big)?);
        } else {
            c.i = save;
        }
        let dev = match c.word(&["dev"]) {
            Some(_) => Some(c.opt_number().map_err(too_big)?),
            None => None,
        };
        let mut local = Vec::new();
        if c.s.get(c.i) == Some(&b'+') {
            let l = &t[c.i + 1..];
            for seg in l.split(['.', '-', '_']) {
                if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(err("the local label is not alphanumeric segments"));
                }
                local.push(seg.to_ascii_lowercase());
            }
            c.i = c.s.len();
        }
        if c.i != c.s.len() {
            return Err(err(&format!("unexpected text at byte {}", c.i)));
        }
        Ok(Pep440 {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }
}

/// `packaging`'s sort key, as comparable tuples.
fn release_cmp(a: &[u64], b: &[u64]) -> Ordering {
    let trim = |r: &[u64]| r.len() - r.iter().rev().take_while(|n| **n == 0).count();
    let (a, b) = (&a[..trim(a)], &b[..trim(b)]);
    a.cmp(b)
}

/// Pre-release key: a dev-only release sorts before every pre-release; none after all.
fn pre_key(v: &Pep440) -> (i8, u8, u64) {
    match v.pre {
        None if v.post.is_none() && v.dev.is_some() => (-1, 0, 0),
        None => (1, 0, 0),
        Some((k, n)) => (0, k, n),
    }
}

fn local_cmp(a: &[String], b: &[String]) -> Ordering {
    let key = |s: &String| match s.parse::<u64>() {
        Ok(n) if s.bytes().all(|b| b.is_ascii_digit()) => (1, n, String::new()),
        _ => (0, 0, s.clone()),
    };
    a.iter().map(key).cmp(b.iter().map(key))
}

impl Ord for Pep440 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| release_cmp(&self.release, &other.release))
            .then_with(|| pre_key(self).cmp(&pre_key(other)))
            .then_with(|| {
                // No post-release sorts first.
                self.post.map(|p| (1, p)).cmp(&other.post.map(|p| (1, p)))
            })
            .then_with(|| {
                // No dev-release sorts last.
                let k = |d: Option<u64>| d.map_or((1, 0), |n| (0, n));
                k(self.dev).cmp(&k(other.dev))
            })
            .then_with(|| local_cmp(&self.local, &other.local))
    }
}

crate::order_from_cmp!(Pep440);

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        Pep440::parse(a).unwrap().cmp(&Pep440::parse(b).unwrap())
    }

    #[test]
    fn order_and_spellings() {
        assert_eq!(c("1.0.dev456", "1.0a0"), Ordering::Less);
        assert_eq!(c("1.0a0.post0.dev0", "1.0a0.post0"), Ordering::Less);
        assert_eq!(c("1.0c1", "1.0rc1"), Ordering::Equal);
        assert_eq!(c("1.0-1", "1.0.post1"), Ordering::Equal);
        assert_eq!(c("1.0", "1.0.0"), Ordering::Equal);
        assert_eq!(c("1.0+local", "1.0"), Ordering::Greater);
        assert_eq!(c("1.0+abc.5", "1.0+abc.foo"), Ordering::Greater);
        assert_eq!(c("1!0.1", "2.0"), Ordering::Greater);
        assert_eq!(c("v1.0-DEV1", "1.0.dev1"), Ordering::Equal);
        for bad in [
            "french toast",
            "1.0+a+",
            "1.0+_foobar",
            "1. 0",
            "1.0a 1",
            "1..0",
            "",
        ] {
            assert!(Pep440::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
