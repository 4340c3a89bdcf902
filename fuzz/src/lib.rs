//! What every fuzz target shares: the limits it reads with, and what it runs on whatever
//! loads.
//!
//! A target feeds its parser bytes; when the input loads, [`exercise`] runs the checks
//! ([`craft_sbom::check::check`]) and converts the model to both targets
//! ([`convert_both`], [`craft_sbom::convert::convert`]). None of these may panic, loop or
//! exhaust memory on any input; a conversion may only fail with
//! [`craft_sbom::convert::ConvertError`].
//!
//! The targets use only the public functions of craft-sbom, never its struct literals, so
//! that a new field in `ReadOptions` or `JsonDocument` does not break them.

#![forbid(unsafe_code)]

use craft_model::Sbom;
use craft_sbom::check::{check, CheckOptions};
use craft_sbom::convert::{convert, ConvertError, Target, Written};
use craft_sbom::{Loaded, ReadOptions};
use serde_json::Value;
use std::path::Path;

/// The path inputs are read under (it only appears in messages).
pub fn path() -> &'static Path {
    Path::new("fuzz-input")
}

/// Read limits for fuzzing: the defaults, with a smaller unpacked size so that a zstd bomb
/// hits the limit in milliseconds instead of filling memory up to the 1 GiB default (which
/// is by design, and would only slow the fuzzer down).
pub fn options() -> ReadOptions {
    ReadOptions {
        max_size: 64 << 20,
        max_entries: 10_000,
        ..ReadOptions::default()
    }
}

/// The input as UTF-8 text, or `None` (the readers reject it before parsing).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// The input as a JSON value, or `None` when it is not JSON (serde_json is not under test).
pub fn json(data: &[u8]) -> Option<Value> {
    serde_json::from_str(text(data)?).ok()
}

/// Check a loaded SBOM, then convert it to both targets.
pub fn exercise(loaded: &Loaded) {
    std::hint::black_box(check(loaded, &CheckOptions::default()));
    convert_both(&loaded.sbom);
}

/// Convert a model to CycloneDX 1.6 and SPDX 2.3.
pub fn convert_both(sbom: &Sbom) {
    for target in [Target::CycloneDx16, Target::Spdx23] {
        // Any outcome but a panic is acceptable; the type says the only error is ConvertError.
        let written: Result<Written, ConvertError> = convert(sbom, target);
        std::hint::black_box(written.is_ok());
    }
}
