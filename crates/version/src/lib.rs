//! Package versions and version ranges: one total order per versioning scheme, and the
//! `vers` range notation evaluated with it.
//!
//! # Schemes
//! [`Scheme`] names a versioning scheme the way package URLs name package types (`deb`,
//! `rpm`, `apk`, `npm`, `cargo`, `golang`…), plus `semver` and `kernel`. [`compare`] orders
//! two versions of one scheme; a string that is not a version of that scheme is an
//! [`Error::Invalid`] naming the scheme, the input and the reason — never a guess.
//!
//! | scheme | rules | module |
//! |---|---|---|
//! | `deb` | dpkg (`[epoch:]upstream[-revision]`, `~` before everything) | [`deb`] |
//! | `rpm` | rpm's `rpmvercmp` on `[epoch:]version[-release]` (`~`, `^`) | [`rpm`] |
//! | `apk` | apk-tools 2.12 (`1.2.3a_rc1-r0`) | [`apk`] |
//! | `semver`, `cargo` | SemVer 2.0.0 precedence (build metadata ignored) | [`semver`](mod@semver) |
//! | `npm` | SemVer 2.0.0, a leading `v` or `=` allowed as node-semver does | [`semver`](mod@semver) |
//! | `golang` | Go module versions: `v` + SemVer, `v1`/`v1.2` shorthands, pseudo-versions | [`semver`](mod@semver) |
//! | `kernel` | Linux releases: `6.1.55`, `5.10-rc3` < `5.10` < `5.10.1`; a local suffix is kept, not ordered | [`kernel`] |
//! | `generic` | numbers and words for NVD/CPE strings (`1.0.2k`, `2.8.123e`, `p1`, dates) | [`generic`] |
//! | `pypi` | PEP 440 as `packaging` orders it | [`pep440`] |
//! | `maven` | Maven's `ComparableVersion` (maven-artifact 3.8) | [`maven`] |
//! | `nuget` | NuGet.Versioning (4 numbers, case-insensitive labels) | [`nuget`] |
//! | `gem` | RubyGems' `Gem::Version` | [`gem`] |
//!
//! [`Error::Unsupported`] is kept for schemes added to [`Scheme`] before their order.
//!
//! [`range::evaluate`] answers *affected / not affected / unknown, because…* for a version
//! and a range in any of the forms advisories use (`vers`, OSV, NVD `cpeMatch`, npm).
//!
//! # Package URLs
//! [`purl::Purl`] parses, normalises per type and formats package URLs (the purl-spec suite
//! is the test).
//!
//! # Ranges
//! [`vers::Range`] parses and formats `vers:<scheme>/<constraints>` and decides whether a
//! version lies inside it.

pub mod apk;
pub mod cpe;
pub mod cve5;
pub mod deb;
pub mod gem;
pub mod generic;
pub mod identity;
pub mod kernel;
pub mod maven;
pub mod npm;
pub mod nuget;
pub mod nvd;
pub mod osv;
mod pct;
pub mod pep440;
pub mod purl;
pub mod range;
pub mod rpm;
pub mod semver;
pub mod vers;

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// `PartialOrd`, `PartialEq` and `Eq` for a version type from its `Ord` (equal means
/// "orders equal", which is what every scheme's equality is).
macro_rules! order_from_cmp {
    ($t:ty) => {
        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other) == std::cmp::Ordering::Equal
            }
        }

        impl Eq for $t {}
    };
}
pub(crate) use order_from_cmp;

/// A versioning scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// Debian and Ubuntu packages (dpkg).
    Deb,
    /// RPM packages (Fedora, RHEL, SUSE, Yocto's rpm backend).
    Rpm,
    /// Alpine packages.
    Apk,
    /// Maven artifacts.
    Maven,
    /// NuGet packages.
    Nuget,
    /// Python packages (PEP 440).
    Pypi,
    /// Ruby gems.
    Gem,
    /// npm packages.
    Npm,
    /// Rust crates.
    Cargo,
    /// Go modules.
    Golang,
    /// Versions without a known scheme (NVD, CPE, firmware).
    Generic,
    /// Semantic Versioning 2.0.0.
    Semver,
    /// The Linux kernel.
    Kernel,
}

impl Scheme {
    /// Every scheme, in the order of [`Scheme::name`]s in help text.
    pub const ALL: [Scheme; 13] = [
        Scheme::Deb,
        Scheme::Rpm,
        Scheme::Apk,
        Scheme::Maven,
        Scheme::Nuget,
        Scheme::Pypi,
        Scheme::Gem,
        Scheme::Npm,
        Scheme::Cargo,
        Scheme::Golang,
        Scheme::Generic,
        Scheme::Semver,
        Scheme::Kernel,
    ];

    /// The name: the package-URL type, or `semver` / `kernel`.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Deb => "deb",
            Scheme::Rpm => "rpm",
            Scheme::Apk => "apk",
            Scheme::Maven => "maven",
            Scheme::Nuget => "nuget",
            Scheme::Pypi => "pypi",
            Scheme::Gem => "gem",
            Scheme::Npm => "npm",
            Scheme::Cargo => "cargo",
            Scheme::Golang => "golang",
            Scheme::Generic => "generic",
            Scheme::Semver => "semver",
            Scheme::Kernel => "kernel",
        }
    }

    /// Whether craft implements this scheme's order.
    pub fn is_supported(self) -> bool {
        true
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scheme {
    type Err = Error;

    /// A scheme name; `alpine` (the vers name) is accepted for `apk`.
    fn from_str(s: &str) -> Result<Scheme, Error> {
        let lower = s.to_ascii_lowercase();
        if lower == "alpine" {
            return Ok(Scheme::Apk);
        }
        Scheme::ALL
            .into_iter()
            .find(|x| x.name() == lower)
            .ok_or_else(|| Error::UnknownScheme(truncate(s)))
    }
}

/// Why a version or range could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The string is not a version of the scheme.
    #[error(transparent)]
    Invalid(#[from] ParseError),
    /// The scheme is known but its order is not implemented.
    #[error("craft does not implement the `{0}` version order yet")]
    Unsupported(Scheme),
    /// No scheme has this name.
    #[error("`{0}` is not a version scheme (known: deb, rpm, apk, maven, nuget, pypi, gem, npm, cargo, golang, generic, semver, kernel)")]
    UnknownScheme(String),
    /// A `vers` range that cannot be parsed.
    #[error("`{range}` is not a valid version range: {reason}")]
    Range {
        /// The range (shortened when long).
        range: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// A string that is not a version of its scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{version}` is not a valid {scheme} version: {reason}")]
pub struct ParseError {
    /// The scheme it was read as.
    pub scheme: Scheme,
    /// The input (shortened to 100 characters when longer).
    pub version: String,
    /// What is wrong with it.
    pub reason: String,
}

impl ParseError {
    pub(crate) fn new(scheme: Scheme, version: &str, reason: impl Into<String>) -> ParseError {
        ParseError {
            scheme,
            version: truncate(version),
            reason: reason.into(),
        }
    }
}

/// `s`, cut to 100 characters for messages (inputs may be megabytes long).
pub(crate) fn truncate(s: &str) -> String {
    match s.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Check that `v` is a version of `scheme`.
pub fn validate(scheme: Scheme, v: &str) -> Result<(), Error> {
    match scheme {
        Scheme::Deb => deb::DebVersion::parse(v).map(drop)?,
        Scheme::Rpm => rpm::RpmVersion::parse(v).map(drop)?,
        Scheme::Apk => apk::validate(v)?,
        Scheme::Semver | Scheme::Cargo | Scheme::Npm | Scheme::Golang => {
            semver::parse(scheme, v).map(drop)?;
        }
        Scheme::Kernel => kernel::KernelVersion::parse(v).map(drop)?,
        Scheme::Generic => generic::GenericVersion::parse(v).map(drop)?,
        Scheme::Pypi => pep440::Pep440::parse(v).map(drop)?,
        Scheme::Maven => maven::MavenVersion::parse(v).map(drop)?,
        Scheme::Nuget => nuget::NugetVersion::parse(v).map(drop)?,
        Scheme::Gem => gem::GemVersion::parse(v).map(drop)?,
    }
    Ok(())
}

/// [`compare`] for raw bytes (from a file or a network record): invalid UTF-8 is an error
/// naming the offset, never a lossy guess.
pub fn compare_bytes(scheme: Scheme, a: &[u8], b: &[u8]) -> Result<Ordering, Error> {
    fn text(scheme: Scheme, v: &[u8]) -> Result<&str, Error> {
        std::str::from_utf8(v).map_err(|e| {
            Error::Invalid(ParseError::new(
                scheme,
                &String::from_utf8_lossy(&v[..v.len().min(100)]),
                format!("not UTF-8 (at byte {})", e.valid_up_to()),
            ))
        })
    }
    compare(scheme, text(scheme, a)?, text(scheme, b)?)
}

/// Order two versions of `scheme`: `compare(Scheme::Deb, "1.0~rc1-1", "1.0-1")` is `Less`,
/// `compare(Scheme::Rpm, "1.0^git1", "1.0")` is `Greater`, and a string that is no version of
/// the scheme is an error (tests/hostile.rs holds these examples).
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, Error> {
    Ok(match scheme {
        Scheme::Deb => deb::DebVersion::parse(a)?.cmp(&deb::DebVersion::parse(b)?),
        Scheme::Rpm => rpm::RpmVersion::parse(a)?.cmp(&rpm::RpmVersion::parse(b)?),
        Scheme::Apk => {
            apk::validate(a)?;
            apk::validate(b)?;
            apk::compare_valid(a, b)
        }
        Scheme::Semver | Scheme::Cargo | Scheme::Npm | Scheme::Golang => {
            semver::parse(scheme, a)?.cmp_precedence(&semver::parse(scheme, b)?)
        }
        Scheme::Kernel => kernel::KernelVersion::parse(a)?.cmp(&kernel::KernelVersion::parse(b)?),
        Scheme::Generic => {
            generic::GenericVersion::parse(a)?.cmp(&generic::GenericVersion::parse(b)?)
        }
        Scheme::Pypi => pep440::Pep440::parse(a)?.cmp(&pep440::Pep440::parse(b)?),
        Scheme::Maven => maven::MavenVersion::parse(a)?.cmp(&maven::MavenVersion::parse(b)?),
        Scheme::Nuget => nuget::NugetVersion::parse(a)?.cmp(&nuget::NugetVersion::parse(b)?),
        Scheme::Gem => gem::GemVersion::parse(a)?.cmp(&gem::GemVersion::parse(b)?),
    })
}
