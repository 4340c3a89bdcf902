//! Read, validate, convert, merge and diff SBOMs.
//!
//! # Reading
//! [`read_path`] takes a file or directory, sniffs its format from the content (never from the
//! file name alone) and returns a [`Loaded`]: the [`craft_model::Sbom`], the reader's
//! [`Diagnostic`]s (what it had to skip), and each document's verdict by its official schema
//! (validated while it is read, on a second thread beside the interpreter).
//!
//! Every encoding is lowered to the JSON form of its format before it is interpreted:
//! CycloneDX XML becomes CycloneDX JSON ([`cyclonedx::xml`]), SPDX tag-value becomes SPDX JSON
//! ([`spdx2::tagvalue`]). One interpreter per format then builds the model
//! ([`cyclonedx::from_dom`], [`spdx2::from_dom`], [`spdx3::from_dom`]), and one set of
//! official JSON schemas validates every encoding ([`schema`]). The JSON form is a
//! [`dom::Value`]: borrowed from the input, its containers in one arena.
//!
//! # Checking
//! [`check`] runs the rule sets — official schema, NTIA minimum elements, BSI TR-03183-2 —
//! and returns findings with stable codes.
//!
//! # Writing
//! [`cyclonedx::write`] and [`spdx2::write`] emit CycloneDX 1.6 and SPDX 2.3 JSON that
//! validate against their official schemas; [`merge`] and [`diff`] work on the model.

pub mod check;
pub mod convert;
pub mod cyclonedx;
mod detect;
mod diag;
pub mod diff;
pub mod dom;
mod error;
mod json;
pub mod license;
pub mod merge;
pub mod read;
pub mod schema;
pub mod spdx2;
pub mod spdx3;
pub mod yocto;

pub use detect::{detect, Detected};
pub use diag::{Diagnostic, Location, Severity};
pub use error::ReadError;
pub use read::{read_bytes, read_path, JsonDocument, Loaded, ReadOptions};
pub use schema::SchemaId;
