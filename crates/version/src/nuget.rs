//! NuGet package versions, ordered as NuGet.Versioning's `VersionComparer.Default`.
//!
//! `Major[.Minor[.Patch[.Revision]]][-Release][+Metadata]`: missing numbers are 0 and leading
//! zeros do not count (`1.01` = `1.1.0.0`); a release label makes a pre-release, older than
//! the release; labels compare part by part (numeric parts numerically and before
//! alphanumeric ones, alphanumeric parts case-insensitively, fewer parts first); build
//! metadata does not order.

use crate::{ParseError, Scheme};
use std::cmp::Ordering;

/// A parsed NuGet version.
#[derive(Debug, Clone)]
pub struct NugetVersion<'a> {
    /// Major, minor, patch, revision.
    pub numbers: [u64; 4],
    /// The pre-release label's parts (empty for a release).
    pub release: Vec<&'a str>,
}

impl<'a> NugetVersion<'a> {
    /// Parse a version.
    pub fn parse(text: &'a str) -> Result<NugetVersion<'a>, ParseError> {
        let err = |reason: &str| ParseError::new(Scheme::Nuget, text, reason);
        let (t, meta) = match text.trim().split_once('+') {
            Some((v, m)) => (v, Some(m)),
            None => (text.trim(), None),
        };
        fn label(p: &str) -> bool {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        }
        if meta.is_some_and(|m| !m.split('.').all(label)) {
            return Err(err("invalid build metadata"));
        }
        let (core, release) = match t.split_once('-') {
            Some((c, r)) => (c, Some(r)),
            None => (t, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 4 {
            return Err(err("expected 1 to 4 dot-separated numbers"));
        }
        let mut numbers = [0u64; 4];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("a version part is not a number"));
            }
            numbers[i] = p.parse().map_err(|_| err("a number is too large"))?;
        }
        let release = match release {
            Some(r) => {
                let labels: Vec<&str> = r.split('.').collect();
                if !labels.iter().all(|l| label(l)) {
                    return Err(err("invalid pre-release label"));
                }
                labels
            }
            None => Vec::new(),
        };
        Ok(NugetVersion { numbers, release })
    }
}

/// A numeric label without its leading zeros.
fn numeric(s: &str) -> Option<&str> {
    s.bytes()
        .all(|c| c.is_ascii_digit())
        .then(|| s.trim_start_matches('0'))
}

fn label_cmp(a: &str, b: &str) -> Ordering {
    match (numeric(a), numeric(b)) {
        (Some(x), Some(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a
            .bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase())),
    }
}

impl Ord for NugetVersion<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.release.is_empty(), other.release.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.release.iter().zip(&other.release) {
                        let o = label_cmp(a, b);
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    self.release.len().cmp(&other.release.len())
                }
            }
        })
    }
}

crate::order_from_cmp!(NugetVersion<'_>);

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        NugetVersion::parse(a)
            .unwrap()
            .cmp(&NugetVersion::parse(b).unwrap())
    }

    #[test]
    fn nuget_rules() {
        assert_eq!(c("1.0+test", "1.0.0.0"), Ordering::Equal);
        assert_eq!(c("1.01", "1.1"), Ordering::Equal);
        assert_eq!(c("1.0.0-beta+aa", "1.0.0+AA"), Ordering::Less);
        assert_eq!(c("1.0.0-BETA", "1.0.0-beta"), Ordering::Equal);
        assert_eq!(c("1.0.0-beta.2", "1.0.0-beta.10"), Ordering::Less);
        assert_eq!(c("1.0.0-1", "1.0.0-a"), Ordering::Less);
        assert_eq!(c("1.0.0-a", "1.0.0-a.1"), Ordering::Less);
        assert_eq!(c("1.2.3.4", "1.2.3"), Ordering::Greater);
        for bad in ["", "a", "1.2.3.4.5", "1..2", "1.0-", "1.0+", "1.0-a..b"] {
            assert!(NugetVersion::parse(bad).is_err(), "{bad:?}");
        }
    }
}
