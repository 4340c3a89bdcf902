//! SPDX 3 JSON-LD: the interpreter `spdx3::from_json` on any JSON value, then convert
//! what it builds to both targets.

#![no_main]

use craft_sbom::spdx3;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(value) = craft_fuzz::json(data) else {
        return;
    };
    if let Ok((sbom, _diags)) = spdx3::from_json(&value) {
        craft_fuzz::convert_both(&sbom);
    }
});
