//! Debian package versions, as dpkg parses and orders them.
//!
//! `[epoch:]upstream[-revision]` (Debian Policy §5.6.12). The order is dpkg's `verrevcmp`:
//! the epoch numerically, then the upstream version and the revision, each compared in
//! alternating non-digit and digit runs, where `~` sorts before everything (even the end),
//! letters before other characters, and digit runs compare as numbers of any length.
//!
//! Parsing is as strict as dpkg's `parseversion`: an empty version, an empty upstream part or
//! revision, an epoch that is not a small number, an upstream part that does not start with a
//! digit, and characters outside the allowed set are errors.

use crate::{ParseError, Scheme};
use std::cmp::Ordering;

/// A parsed Debian version, borrowing its text.
#[derive(Debug, Clone, Copy)]
pub struct DebVersion<'a> {
    /// The epoch (0 when absent).
    pub epoch: u32,
    /// The upstream version.
    pub upstream: &'a str,
    /// The Debian revision (empty when absent; dpkg orders an absent revision as `0`).
    pub revision: &'a str,
}

fn err(text: &str, reason: impl Into<String>) -> ParseError {
    ParseError::new(Scheme::Deb, text, reason)
}

impl<'a> DebVersion<'a> {
    /// Parse `text`; surrounding whitespace is ignored, as dpkg does.
    pub fn parse(text: &'a str) -> Result<DebVersion<'a>, ParseError> {
        let v = text.trim_matches([' ', '\t', '\n', '\r']);
        if v.is_empty() {
            return Err(err(text, "the version is empty"));
        }
        if let Some(i) = v.find(|c: char| c.is_ascii_whitespace()) {
            return Err(err(text, format!("whitespace at byte {i}")));
        }
        let (epoch, rest) = match v.split_once(':') {
            Some((e, rest)) => {
                if e.is_empty() {
                    return Err(err(text, "the epoch before `:` is empty"));
                }
                if !e.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err(text, "the epoch is not a number"));
                }
                let epoch: u32 = e
                    .parse()
                    .ok()
                    .filter(|n| *n <= i32::MAX as u32)
                    .ok_or_else(|| err(text, "the epoch is too large"))?;
                (epoch, rest)
            }
            None => (0, v),
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((u, r)) => {
                if r.is_empty() {
                    return Err(err(text, "the revision after `-` is empty"));
                }
                (u, r)
            }
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(err(text, "the upstream version is empty"));
        }
        if !upstream.as_bytes()[0].is_ascii_digit() {
            return Err(err(
                text,
                "the upstream version does not start with a digit",
            ));
        }
        if let Some(c) = upstream
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '~' | ':')))
        {
            return Err(err(
                text,
                format!("`{c}` is not allowed in the upstream version"),
            ));
        }
        if let Some(c) = revision
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~')))
        {
            return Err(err(text, format!("`{c}` is not allowed in the revision")));
        }
        Ok(DebVersion {
            epoch,
            upstream,
            revision,
        })
    }
}

impl Ord for DebVersion<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}

crate::order_from_cmp!(DebVersion<'_>);

/// dpkg's weight of a character in a non-digit run; the end of the string weighs 0.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp` on one part (upstream or revision).
pub(crate) fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let digit = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        // Non-digit run, character by character.
        while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
            let (ac, bc) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        // Digit run, as a number of any length.
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while digit(a, i) && digit(b, j) {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if digit(a, i) {
            return Ordering::Greater;
        }
        if digit(b, j) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        DebVersion::parse(a)
            .unwrap()
            .cmp(&DebVersion::parse(b).unwrap())
    }

    #[test]
    fn tilde_sorts_before_the_end_and_epochs_win() {
        assert_eq!(cmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0~~", "1.0~"), Ordering::Less);
        assert_eq!(cmp("1:0.1", "9.9"), Ordering::Greater);
        assert_eq!(cmp("1.0", "1.0-0"), Ordering::Equal);
        assert_eq!(cmp("0:1.0", "1.0"), Ordering::Equal);
        assert_eq!(cmp("1.0a", "1.0+"), Ordering::Less);
        assert_eq!(cmp("1.00000000000000000000001", "1.1"), Ordering::Equal);
    }

    #[test]
    fn malformed_versions_are_errors() {
        for bad in [
            "", " ", "-0", "0:-0", ":1.0", "1.0-", "10a:5.2", "5.2@3-2", "foo5.2", "a:0-0",
        ] {
            assert!(DebVersion::parse(bad).is_err(), "{bad:?} accepted");
        }
        let v = DebVersion::parse("1:1.0:1.0").unwrap();
        assert_eq!((v.epoch, v.upstream, v.revision), (1, "1.0:1.0", ""));
        let v = DebVersion::parse("1.0-1.0-1").unwrap();
        assert_eq!((v.upstream, v.revision), ("1.0-1.0", "1"));
    }
}
