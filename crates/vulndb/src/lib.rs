//! craft's local vulnerability database.
//!
//! - **Importers** read OSV ([`osv`]), NVD CVE API 2.0 ([`nvd`]), CVE List V5 and the Linux
//!   kernel CNA ([`cve5`]), CISA KEV and EPSS ([`enrich`]) from files, directories and
//!   archives ([`walk`]), detecting each format from content, streaming record by record,
//!   counting every record skipped or clipped and why ([`report::ImportReport`]).
//! - **One store** ([`store::Store`], embedded default [`store::SqliteStore`]) keeps every
//!   record as its source stated it (provenance: source, assigner, origin file, import run,
//!   SHA-256 of the original), indexes affected packages by lookup key ([`key`]), and
//!   merges records naming each other into one vulnerability ([`group`]).
//! - **The merged view** ([`view::Vulnerability`]) shows every field with its source,
//!   chosen by an explicit, configurable [`view::Precedence`], and the sources'
//!   disagreements.
//!
//! An import is atomic: readers see the database before or after it, never between; a
//! killed import leaves the previous database intact.

pub mod bundle;
pub mod cve5;
mod derived;
pub mod enrich;
pub mod fetch;
pub mod group;
pub mod key;
pub mod nvd;
pub mod osv;
pub mod parse;
pub mod record;
pub mod report;
pub mod store;
pub mod view;
pub mod walk;

pub use record::{Item, Record, Source, Status};
pub use report::{DbStatus, ImportReport};
pub use store::{KeyRange, Snapshot, SqliteStore, Store};
pub use view::{Brief, Precedence, Vulnerability};
pub use walk::Limits;

use std::path::{Path, PathBuf};

/// Why a database operation failed. Problems with single records are not errors: they are
/// counted in the [`ImportReport`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("cannot access `{path}`")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A stream (file, archive member) broke off while it was read.
    #[error("cannot read `{origin}`")]
    Read {
        /// The file or archive member.
        origin: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An archive's structure is broken.
    #[error("cannot read the archive `{origin}`: {reason}")]
    Archive {
        /// The archive.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// The database refused an operation.
    #[error("database `{dir}`: cannot {what}")]
    Db {
        /// The database directory.
        dir: PathBuf,
        /// The operation.
        what: &'static str,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
    /// No database in the directory.
    #[error("no vulnerability database in `{dir}`: run `craft db import PATH…` or `craft db update` first")]
    NoDatabase {
        /// The directory.
        dir: PathBuf,
    },
    /// Another process is importing into the database.
    #[error(
        "the database `{dir}` is being updated by another process; try again when it has finished"
    )]
    Busy {
        /// The directory.
        dir: PathBuf,
    },
    /// The database was written by another version of craft.
    #[error("the database `{dir}` has schema version {found}; this craft reads version {expected} (re-import the data into a new directory)")]
    SchemaVersion {
        /// The directory.
        dir: PathBuf,
        /// The version found.
        found: String,
        /// The version expected.
        expected: i64,
    },
    /// A feed could not be fetched; nothing was imported.
    #[error("update failed, the database is unchanged: {reason}")]
    Fetch {
        /// The first feed that failed, and why.
        reason: String,
        /// What happened to every feed.
        report: Box<fetch::UpdateReport>,
    },
    /// A configuration file is invalid.
    #[error("`{path}`: {reason}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn read(origin: &str, source: std::io::Error) -> Error {
        Error::Read {
            origin: origin.to_string(),
            source,
        }
    }

    pub(crate) fn db(dir: &Path, what: &'static str, source: rusqlite::Error) -> Error {
        Error::Db {
            dir: dir.to_path_buf(),
            what,
            source,
        }
    }
}

/// The current UTC time, RFC 3339.
pub(crate) fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    craft_model::rfc3339_from_unix(secs)
}
