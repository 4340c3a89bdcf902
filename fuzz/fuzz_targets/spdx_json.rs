//! SPDX 2 JSON: the interpreter `spdx2::from_json` on any JSON value, then convert what
//! it builds to both targets.

#![no_main]

use craft_sbom::spdx2;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(value) = craft_fuzz::json(data) else {
        return;
    };
    if let Ok((sbom, _diags)) = spdx2::from_json(&value) {
        craft_fuzz::convert_both(&sbom);
    }
});
