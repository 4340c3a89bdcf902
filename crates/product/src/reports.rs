//! The product's Article 14 cases: `reports/<id>.json` beside `craft.toml`, one file per
//! actively exploited vulnerability or severe incident (`craft report`).

use crate::manifest::{line_col, ProductDir};
use crate::Error;
use craft_cra::report::Case;
use std::path::{Path, PathBuf};

/// The directory of the cases, beside `craft.toml`.
pub const REPORTS_DIR: &str = "reports";

/// Largest case file read (and written).
pub const MAX_BYTES: u64 = 4 << 20;

/// Read every `*.json` case in `dir` (none when it does not exist), sorted by file name.
///
/// # Errors
/// A file cannot be read, is not a case (with line and column), names another id than its
/// file, or is not valid ([`Case::validate`]).
pub fn read_cases(dir: &Path) -> Result<Vec<Case>, Error> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let io = |file: &Path| {
        let file = file.to_path_buf();
        move |e: std::io::Error| Error::Io { file, source: e }
    };
    let mut files: Vec<PathBuf> = fs_err::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let invalid = |line, message: String| Error::Invalid {
            file: file.clone(),
            line,
            message,
        };
        let len = fs_err::metadata(&file).map_err(io(&file))?.len();
        if len > MAX_BYTES {
            return Err(invalid(
                None,
                format!("{len} bytes; a case is at most {MAX_BYTES}"),
            ));
        }
        let text = fs_err::read_to_string(&file).map_err(io(&file))?;
        let case: Case = serde_json::from_str(&text).map_err(|e| {
            let at = (e.line() > 0).then_some((e.line(), e.column()));
            invalid(at, e.to_string())
        })?;
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if case.id != stem {
            let at = text.find("\"id\"").map(|i| line_col(&text, i));
            return Err(invalid(
                at,
                format!(
                    "the case's id is `{}` but its file is `{stem}.json`",
                    case.id
                ),
            ));
        }
        case.validate().map_err(|e| invalid(None, e.to_string()))?;
        out.push(case);
    }
    Ok(out)
}

impl ProductDir {
    /// The file of case `id`.
    pub fn case_file(&self, id: &str) -> PathBuf {
        self.dir.join(REPORTS_DIR).join(format!("{id}.json"))
    }

    /// What craft knows of the product for the drafts' automatic fields.
    pub fn report_facts(
        &self,
        releases: &[String],
        today: crate::Date,
    ) -> craft_cra::report::ProductFacts {
        let m = &self.manifest;
        let mut product = m.product.name.clone();
        if let Some(model) = &m.product.model {
            product.push_str(&format!(" ({model})"));
        }
        if !releases.is_empty() {
            product.push_str(&format!(", release {}", releases.join(", ")));
        }
        let scope = self
            .scope_answers
            .clone()
            .and_then(|a| craft_cra::scope::decide(&self.scope_input(a, today)).ok());
        craft_cra::report::ProductFacts {
            manufacturer: m.manufacturer_name().map(str::to_string),
            product,
            class: scope
                .as_ref()
                .map(|s| s.classification.class.title().to_string()),
            category: scope.as_ref().and_then(|s| {
                let refs: Vec<&str> = s
                    .classification
                    .deciding
                    .iter()
                    .map(|d| d.reference.as_str())
                    .collect();
                (!refs.is_empty()).then(|| refs.join("; "))
            }),
            member_states: m.product.markets.clone(),
        }
    }
}
