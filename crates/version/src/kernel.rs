//! Linux kernel release versions: `MAJOR.MINOR[.PATCH[.SUBLEVEL]][-rcN][local]`.
//!
//! Numbers compare numerically with missing parts as 0 (`5.10` = `5.10.0`); a release
//! candidate is older than its release (`5.10-rc3` < `5.10` < `5.10.1`; `5.10.0-rc3` is the
//! same as `5.10-rc3`). What follows as a *local suffix* (`-yocto-standard`, `+`,
//! `-21-amd64`, as `uname -r` prints) is kept in [`KernelVersion::local`] but does not order:
//! vulnerability ranges are stated for the upstream release, so `6.1.55-yocto-standard`
//! orders as `6.1.55`.

use crate::{ParseError, Scheme};
use std::cmp::Ordering;

/// A parsed kernel release.
#[derive(Debug, Clone, Copy)]
pub struct KernelVersion<'a> {
    /// Up to four numbers; unused ones are 0.
    pub numbers: [u64; 4],
    /// How many numbers were written (2 to 4).
    pub count: usize,
    /// The release candidate number of `-rcN`.
    pub rc: Option<u64>,
    /// The local suffix, not ordered.
    pub local: &'a str,
}

impl<'a> KernelVersion<'a> {
    /// Parse a kernel release.
    pub fn parse(text: &'a str) -> Result<KernelVersion<'a>, ParseError> {
        let err = |reason: &str| ParseError::new(Scheme::Kernel, text, reason);
        let mut numbers = [0u64; 4];
        let mut count = 0;
        let mut rest = text;
        loop {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(err("expected a number"));
            }
            if count == 4 {
                return Err(err("more than four numbers"));
            }
            numbers[count] = rest[..digits]
                .parse()
                .map_err(|_| err("a number is too large"))?;
            count += 1;
            rest = &rest[digits..];
            match rest.strip_prefix('.') {
                Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => rest = r,
                Some(_) => return Err(err("`.` is not followed by a number")),
                None => break,
            }
        }
        if count < 2 {
            return Err(err("a kernel release has at least MAJOR.MINOR"));
        }
        let mut rc = None;
        if let Some(r) = rest.strip_prefix("-rc") {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(err("`-rc` is not followed by a number"));
            }
            rc = Some(
                r[..digits]
                    .parse()
                    .map_err(|_| err("the -rc number is too large"))?,
            );
            rest = &r[digits..];
        }
        if !rest.is_empty() {
            if !rest.starts_with(['-', '+', '~', '_']) {
                return Err(err("a local suffix starts with `-`, `+`, `~` or `_`"));
            }
            if let Some(c) = rest.chars().find(|c| !c.is_ascii_graphic()) {
                return Err(err(&format!("{c:?} in the local suffix")));
            }
        }
        Ok(KernelVersion {
            numbers,
            count,
            rc,
            local: rest,
        })
    }
}

impl Ord for KernelVersion<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers
            .cmp(&other.numbers)
            .then_with(|| match (self.rc, other.rc) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(a), Some(b)) => a.cmp(&b),
            })
    }
}

crate::order_from_cmp!(KernelVersion<'_>);

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        KernelVersion::parse(a)
            .unwrap()
            .cmp(&KernelVersion::parse(b).unwrap())
    }

    #[test]
    fn release_candidates_and_local_suffixes() {
        assert_eq!(c("5.10-rc3", "5.10"), Ordering::Less);
        assert_eq!(c("5.10.0-rc3", "5.10-rc3"), Ordering::Equal);
        assert_eq!(c("5.10", "5.10.1"), Ordering::Less);
        assert_eq!(c("6.1.55-yocto-standard", "6.1.55"), Ordering::Equal);
        assert_eq!(c("2.6.32.19", "2.6.32"), Ordering::Greater);
        assert_eq!(c("6.10", "6.9.12"), Ordering::Greater);
        for bad in ["6", "6.", "6.1.x", "v6.1", "6.1 1", "6.1-rc"] {
            assert!(KernelVersion::parse(bad).is_err(), "{bad:?}");
        }
    }
}
