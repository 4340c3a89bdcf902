//! Errors: the document could not be read as an SBOM at all.
//!
//! Anything less than that is a [`crate::Diagnostic`] on a document that did load.

use std::path::PathBuf;

/// Why a file could not be read as an SBOM.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read `{}`", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The input is larger than the configured limit.
    #[error("`{}` is {size} bytes, over the limit of {limit} bytes (raise it with --max-size)", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (or the size reached before reading stopped).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The input is not valid UTF-8 text.
    #[error("`{}` is not UTF-8 text (invalid byte at offset {offset})", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// The JSON could not be parsed.
    #[error("`{}`:{line}:{column}: invalid JSON: {message}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The XML could not be parsed.
    #[error("`{}`:{line}:{column}: invalid XML: {message}", path.display())]
    Xml {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What went wrong.
        message: String,
    },
    /// The SPDX tag-value text could not be parsed.
    #[error("`{}`:{line}: invalid SPDX tag-value: {message}", path.display())]
    TagValue {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What went wrong.
        message: String,
    },
    /// The document parsed but is not an SBOM of a format craft knows.
    #[error("`{}`: not a recognised SBOM: {reason}", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was seen instead.
        reason: String,
    },
    /// The document is of a known format but its structure is unusable
    /// (e.g. CycloneDX whose `components` is a string).
    #[error("`{}` at {pointer}: {message}", path.display())]
    Structure {
        /// The file.
        path: PathBuf,
        /// JSON Pointer of the offending value.
        pointer: String,
        /// What went wrong.
        message: String,
    },
    /// An archive (Yocto `.tar`, `.tar.zst`) or one of its entries is unusable.
    #[error("`{}`: {message}", path.display())]
    Archive {
        /// The archive.
        path: PathBuf,
        /// Entry inside it, if the problem is with one entry.
        entry: Option<String>,
        /// What went wrong.
        message: String,
    },
}

impl ReadError {
    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            ReadError::Io { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::NotUtf8 { path, .. }
            | ReadError::Json { path, .. }
            | ReadError::Xml { path, .. }
            | ReadError::TagValue { path, .. }
            | ReadError::UnknownFormat { path, .. }
            | ReadError::Structure { path, .. }
            | ReadError::Archive { path, .. } => path,
        }
    }
}
