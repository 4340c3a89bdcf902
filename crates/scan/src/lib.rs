//! craft's matcher: every component of an SBOM against the vulnerability database, each
//! finding with its evidence — the identity matched, the range and the source that stated
//! it, the fixed versions, severity, exploitation signals and a priority that says why.
//!
//! For each component: its identities ([`identity`]), for each the ranges the database
//! states under that key (`SqliteStore::ranges_for_key`), each range evaluated with the
//! right version scheme (`craft_version`: OSV ranges, CVE 5 product entries with kernel
//! branches, NVD configurations). A record's ranges combine to *affected* if any says so,
//! else *not affected* if any says so, else *unknown*. The records of one vulnerability
//! then combine by the `affected` precedence (`craft_vulndb::Precedence`): the best-ranked
//! source with a definite answer decides, and the finding lists the sources that disagreed.
//! Withdrawn and rejected records never make a finding. Versions no scheme can read, and
//! ranges craft cannot evaluate, are findings with the status *unknown* and the reason:
//! never silently "not affected".

#![warn(missing_docs)]

pub mod delta;
pub mod html;
pub mod identity;
mod judge;
pub mod policy;
pub mod priority;
pub mod sarif;
pub mod vdr;

pub use judge::{
    platform_of, Cleared, Finding, FindingStatus, Matcher, RecordRef, ScanReport, Unidentified,
};
pub use policy::FailOn;

/// Why a scan failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database could not be read.
    #[error(transparent)]
    Db(#[from] craft_vulndb::Error),
}
