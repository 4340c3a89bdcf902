//! craft's product directory: `craft.toml` (the product, its releases and their SBOMs, the
//! support period, the policy) and `craft check`, which scans every release and reports
//! the compliance gaps.
//!
//! A product directory is a folder in the maker's own repository, reviewed like code:
//! `craft.toml` now; `triage.toml`, `threat-model.toml` and `requirements.toml` as the
//! later parts of craft arrive. craft keeps its own state (the last check, a product
//! database built from `[vulndb] import`) in `.craft/` beside them.

#![warn(missing_docs)]

pub mod advisory;
pub mod check;
/// Calendar dates (the CRA crate's).
pub use craft_cra::date;
pub mod gaps;
pub mod manifest;
pub mod reports;
pub mod requirements;
pub mod risk;
pub mod scope;

pub use check::{check, CheckContext, CheckReport, DatabaseInfo};
pub use craft_cra::Date;
pub use manifest::{Manifest, ProductDir};

use std::path::PathBuf;

/// Why a product directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read `{}`", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `craft.toml` is not valid.
    #[error("{}{}: {message}", file.display(), line.map_or_else(String::new, |(l, c)| format!(":{l}:{c}")))]
    Invalid {
        /// The file.
        file: PathBuf,
        /// Line and column, 1-based, when known.
        line: Option<(usize, usize)>,
        /// What is wrong.
        message: String,
    },
    /// `triage.toml` is not valid.
    #[error(transparent)]
    Rules(#[from] craft_triage::rules::RulesError),
    /// `triage-decisions.jsonl` is not valid.
    #[error(transparent)]
    Decisions(#[from] craft_triage::decisions::LogError),
}
