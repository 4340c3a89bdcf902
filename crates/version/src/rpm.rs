//! RPM versions: `[epoch:]version[-release]`, ordered as rpm's `rpmvercmp` (rpm ≥ 4.15).
//!
//! Each of version and release is split into runs of digits and runs of letters; everything
//! else only separates runs (`1.0` = `1_0` = `1+0`). Digit runs compare as numbers of any
//! length, a digit run is newer than a letter run, `~` sorts before everything (even the
//! end: `1.0~rc1` < `1.0`), and `^` sorts after the end but before anything else
//! (`1.0` < `1.0^git1` < `1.0.1`). The epoch compares first (absent = 0); an absent release
//! is older than any release, as in `rpmVersionCompare`.
//!
//! rpm itself accepts almost any string; craft rejects what cannot be a version: an empty
//! version or release, a non-numeric or empty epoch, whitespace and control characters, and
//! characters outside printable ASCII.

use crate::{ParseError, Scheme};
use std::cmp::Ordering;

/// A parsed RPM EVR, borrowing its text.
#[derive(Debug, Clone, Copy)]
pub struct RpmVersion<'a> {
    /// The epoch (0 when absent).
    pub epoch: u64,
    /// The version.
    pub version: &'a str,
    /// The release, when present.
    pub release: Option<&'a str>,
}

fn err(text: &str, reason: impl Into<String>) -> ParseError {
    ParseError::new(Scheme::Rpm, text, reason)
}

impl<'a> RpmVersion<'a> {
    /// Parse `[epoch:]version[-release]`.
    pub fn parse(text: &'a str) -> Result<RpmVersion<'a>, ParseError> {
        if text.is_empty() {
            return Err(err(text, "the version is empty"));
        }
        if let Some((i, c)) = text.char_indices().find(|(_, c)| !c.is_ascii_graphic()) {
            return Err(err(
                text,
                format!("{c:?} at byte {i}: only printable ASCII is allowed"),
            ));
        }
        let (epoch, rest) = match text.split_once(':') {
            Some((e, rest)) => {
                if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err(text, "the epoch before `:` is not a number"));
                }
                let epoch = e.parse().map_err(|_| err(text, "the epoch is too large"))?;
                (epoch, rest)
            }
            None => (0, text),
        };
        let (version, release) = match rest.rsplit_once('-') {
            Some((v, r)) => (v, Some(r)),
            None => (rest, None),
        };
        if version.is_empty() {
            return Err(err(text, "the version part is empty"));
        }
        if release == Some("") {
            return Err(err(text, "the release after `-` is empty"));
        }
        if version.contains(':') || release.is_some_and(|r| r.contains(':')) {
            return Err(err(text, "`:` may only follow the epoch"));
        }
        Ok(RpmVersion {
            epoch,
            version,
            release,
        })
    }
}

impl Ord for RpmVersion<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(self.version.as_bytes(), other.version.as_bytes()))
            .then_with(|| match (self.release, other.release) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Greater,
                (None, Some(_)) => Ordering::Less,
                (Some(a), Some(b)) => rpmvercmp(a.as_bytes(), b.as_bytes()),
            })
    }
}

crate::order_from_cmp!(RpmVersion<'_>);

/// Compare two EVRs given as parts, `(epoch, version, release)`, as `rpmVersionCompare`
/// does; the parts are compared as given (rpm stores them apart, so they may hold
/// characters such as `:` or `-` that a written EVR could not).
pub fn compare_evr(a: (u64, &str, &str), b: (u64, &str, &str)) -> Ordering {
    a.0.cmp(&b.0)
        .then_with(|| rpmvercmp(a.1.as_bytes(), b.1.as_bytes()))
        .then_with(|| rpmvercmp(a.2.as_bytes(), b.2.as_bytes()))
}

/// rpm's `rpmvercmp` on one version or release string.
pub(crate) fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut i, mut j) = (0, 0);
    let sep = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    loop {
        while i < a.len() && sep(a[i]) {
            i += 1;
        }
        while j < b.len() && sep(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        // `~`: older than anything, even the end.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // `^`: newer than the end, older than anything else.
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(ca), Some(_)) = (ca, cb) else {
            break;
        };
        let numeric = ca.is_ascii_digit();
        let (ra, ni) = run(a, i, numeric);
        let (rb, nj) = run(b, j, numeric);
        if rb.is_empty() {
            // Different kinds of run: a number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let ord = if numeric {
            let ra = trim_zeros(ra);
            let rb = trim_zeros(rb);
            ra.len().cmp(&rb.len()).then_with(|| ra.cmp(rb))
        } else {
            ra.cmp(rb)
        };
        if ord != Ordering::Equal {
            return ord;
        }
        i = ni;
        j = nj;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

/// The run of digits (or of letters) of `s` starting at `k`, and where it ends.
fn run(s: &[u8], k: usize, digits: bool) -> (&[u8], usize) {
    let end = s[k..]
        .iter()
        .position(|c| {
            if digits {
                !c.is_ascii_digit()
            } else {
                !c.is_ascii_alphabetic()
            }
        })
        .map_or(s.len(), |n| k + n);
    (&s[k..end], end)
}

fn trim_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|c| **c == b'0').count();
    &s[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_and_caret() {
        let c = |a: &str, b: &str| rpmvercmp(a.as_bytes(), b.as_bytes());
        assert_eq!(c("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(c("1.0^git1", "1.0"), Ordering::Greater);
        assert_eq!(c("1.0^git1", "1.01"), Ordering::Less);
        assert_eq!(c("2_0", "2.0"), Ordering::Equal);
        assert_eq!(c("10.0001", "10.1"), Ordering::Equal);
        assert_eq!(c("1.0a", "1.0.1"), Ordering::Less);
    }

    #[test]
    fn evr_parts() {
        let v = RpmVersion::parse("2:1.0-3.el9").unwrap();
        assert_eq!((v.epoch, v.version, v.release), (2, "1.0", Some("3.el9")));
        assert!(RpmVersion::parse("1.0-").is_err());
        assert!(RpmVersion::parse("x:1.0").is_err());
        assert!(RpmVersion::parse("1.0 1").is_err());
        let a = RpmVersion::parse("1.0").unwrap();
        let b = RpmVersion::parse("1.0-1").unwrap();
        assert!(a < b);
    }
}
