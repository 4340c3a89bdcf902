//! Findings about a document: what a reader had to skip, what a rule found missing.
//!
//! Findings are data, not errors: each carries a stable kebab-case `code`
//! (`sbom-missing-supplier`, `schema-invalid`…) documented in `docs/checks.md`, a severity,
//! and the place in the document it concerns.

use serde::Serialize;
use std::fmt;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a policy.
    Info,
    /// A quality problem: the document is usable but incomplete.
    Warning,
    /// The document breaks its format or a required rule.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Where in a document a finding points.
///
/// JSON documents are located by JSON Pointer (RFC 6901); text formats by line (1-based);
/// XML by byte offset. A finding about a component also names the component id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Location {
    /// JSON Pointer into the (JSON form of the) document, e.g. `/components/3/hashes/0`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// 1-based line in the source text, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column in the source text, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// Entry inside an archive (Yocto `.tar`), when the document came from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
}

impl Location {
    /// A location given by JSON Pointer.
    pub fn pointer(p: impl Into<String>) -> Self {
        Location {
            pointer: Some(p.into()),
            ..Location::default()
        }
    }

    /// A location given by line (1-based).
    pub fn line(line: u64) -> Self {
        Location {
            line: Some(line),
            ..Location::default()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(e) = &self.entry {
            write!(f, "{e}")?;
            sep = ":";
        }
        if let Some(l) = self.line {
            write!(f, "{sep}{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
            sep = " ";
        }
        if let Some(p) = &self.pointer {
            let p = if p.is_empty() { "/" } else { p };
            write!(f, "{sep}{p}")?;
        }
        Ok(())
    }
}

/// One finding about a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case code, e.g. `read-skipped-field`, `ntia-supplier`.
    pub code: String,
    /// Severity.
    pub severity: Severity,
    /// Human message: what is wrong and, where it helps, what to do.
    pub message: String,
    /// Where.
    pub location: Location,
    /// The component concerned, by document-local id, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
}

impl Diagnostic {
    /// A new finding.
    pub fn new(
        code: impl Into<String>,
        severity: Severity,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            message: message.into(),
            location,
            component: None,
        }
    }

    /// A reader warning: something in the document could not be read and was skipped.
    pub fn skipped(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::new(
            "read-skipped",
            Severity::Warning,
            message,
            Location::pointer(pointer),
        )
    }

    /// Attach the component this finding concerns.
    pub fn for_component(mut self, id: impl Into<String>) -> Self {
        self.component = Some(id.into());
        self
    }
}
