//! CycloneDX JSON: the interpreter `cyclonedx::from_json` on any JSON value, then convert
//! what it builds to both targets.

#![no_main]

use craft_sbom::cyclonedx;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(value) = craft_fuzz::json(data) else {
        return;
    };
    if let Ok((sbom, _diags)) = cyclonedx::from_json(&value) {
        craft_fuzz::convert_both(&sbom);
    }
});
