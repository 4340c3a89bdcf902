//! The product's CRA scope: `craft.toml`'s description and `scope.toml`'s answers, turned
//! into the input of [`craft_cra::scope::decide`].

use crate::manifest::{line_col, read_small, ProductDir};
use crate::{Date, Error};
use craft_cra::scope::{Answers, Input, ReleaseDate};
use std::path::Path;

/// The answers file, beside `craft.toml`.
pub const SCOPE_FILE: &str = "scope.toml";

/// Read `file` when it exists.
///
/// # Errors
/// The file cannot be read, is not TOML, or has unknown or mistyped keys (with line and
/// column).
pub fn read_answers(file: &Path) -> Result<Option<Answers>, Error> {
    read_small(file, "scope.toml")?
        .map(|text| parse_answers(&text, file))
        .transpose()
}

/// Parse the text of a `scope.toml` read from `file`.
///
/// # Errors
/// As [`read_answers`].
pub fn parse_answers(text: &str, file: &Path) -> Result<Answers, Error> {
    toml::from_str(text).map_err(|e| Error::Invalid {
        file: file.to_path_buf(),
        line: e.span().map(|s| line_col(text, s.start)),
        message: e.message().to_string(),
    })
}

impl ProductDir {
    /// The input of the scope decision: the description in `craft.toml` and `answers`.
    pub fn scope_input(&self, answers: Answers, today: Date) -> Input {
        let m = &self.manifest;
        let p = &m.product;
        let has_contact = m.manufacturer.as_ref().is_some_and(|x| x.has_contact());
        Input {
            kind: p.kind,
            functions: p.functions.clone(),
            integrates: p.integrates.clone(),
            interfaces: p.interfaces.clone(),
            foss: p.foss,
            steward: p.steward,
            documentation_public: p.documentation_public,
            standards: m.standards.clone(),
            releases: m
                .releases
                .iter()
                .map(|r| ReleaseDate {
                    version: r.version.clone(),
                    placed_on_market: r.placed_on_market,
                })
                .collect(),
            support_end: p.support_end,
            support_period_reason: p.support_period_reason.clone(),
            size: m.manufacturer.as_ref().and_then(|x| x.size),
            has_contact,
            answers,
            today: Some(today),
        }
    }
}
