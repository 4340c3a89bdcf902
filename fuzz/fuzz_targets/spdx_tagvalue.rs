//! SPDX tag-value: lowering to SPDX JSON (`spdx2::tagvalue::to_json`), then the JSON
//! interpreter, then conversion of what it builds to both targets.

#![no_main]

use craft_sbom::spdx2;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = craft_fuzz::text(data) else {
        return;
    };
    let Ok((value, _diags)) = spdx2::tagvalue::to_json(text, craft_fuzz::path()) else {
        return;
    };
    if let Ok((sbom, _diags)) = spdx2::from_json(&value) {
        craft_fuzz::convert_both(&sbom);
    }
});
