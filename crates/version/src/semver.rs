//! SemVer 2.0.0 versions (the `semver`, `cargo`, `npm` and `golang` schemes), read with the
//! `semver` crate and ordered by precedence: build metadata does not order (`1.0.0+a` =
//! `1.0.0+b`), a pre-release is older than its release.
//!
//! - `semver`, `cargo`: strict SemVer 2.0.0 (`1.2.3`, `1.2.3-rc.1+build`).
//! - `npm`: the same, and surrounding whitespace and a leading `v` are allowed
//!   (node-semver's strict mode; its *loose* mode is not implemented).
//! - `golang`: a leading `v` is required; `v1` and `v1.2` are shorthands for `v1.0.0` and
//!   `v1.2.0`; pseudo-versions (`v0.0.0-20210101000000-abcdef123456`) and `+incompatible`
//!   are ordinary pre-release and build parts.

use crate::{ParseError, Scheme};

/// Longest version string accepted (node-semver's limit).
pub const MAX_LENGTH: usize = 256;

/// Parse `text` as a version of `scheme` (one of the SemVer-based schemes).
pub fn parse(scheme: Scheme, text: &str) -> Result<::semver::Version, ParseError> {
    let err = |reason: String| ParseError::new(scheme, text, reason);
    if text.len() > MAX_LENGTH {
        return Err(err(format!("longer than {MAX_LENGTH} bytes")));
    }
    let core = match scheme {
        Scheme::Npm => {
            let t = text.trim();
            t.strip_prefix('v').unwrap_or(t)
        }
        Scheme::Golang => text
            .strip_prefix('v')
            .ok_or_else(|| err("a Go module version starts with `v`".into()))?,
        _ => text,
    };
    if scheme == Scheme::Golang {
        let dots = core.bytes().filter(|b| *b == b'.').count();
        let plain = core.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if plain && dots < 2 && !core.is_empty() {
            let padded = if dots == 0 {
                format!("{core}.0.0")
            } else {
                format!("{core}.0")
            };
            return ::semver::Version::parse(&padded).map_err(|e| err(e.to_string()));
        }
    }
    ::semver::Version::parse(core).map_err(|e| err(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    #[test]
    fn precedence_ignores_build_metadata() {
        let p = |v| parse(Scheme::Semver, v).unwrap();
        assert_eq!(p("1.0.0+a").cmp_precedence(&p("1.0.0+b")), Ordering::Equal);
        assert_eq!(p("1.0.0-rc.1").cmp_precedence(&p("1.0.0")), Ordering::Less);
        assert_eq!(
            p("1.0.0-alpha.10").cmp_precedence(&p("1.0.0-alpha.9")),
            Ordering::Greater
        );
    }

    #[test]
    fn scheme_prefixes() {
        assert!(parse(Scheme::Semver, "v1.0.0").is_err());
        assert!(parse(Scheme::Npm, "v1.0.0").is_ok());
        assert!(parse(Scheme::Golang, "1.0.0").is_err());
        assert_eq!(
            parse(Scheme::Golang, "v1.2").unwrap(),
            ::semver::Version::new(1, 2, 0)
        );
        assert!(parse(Scheme::Golang, "v0.0.0-20210101000000-abcdef123456").is_ok());
        assert!(parse(Scheme::Golang, "v2.0.0+incompatible").is_ok());
        assert!(parse(Scheme::Cargo, "01.0.0").is_err());
    }
}
