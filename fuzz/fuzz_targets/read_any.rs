//! `read_bytes` on arbitrary bytes (format sniffing and every reader), then check and
//! convert to both targets whatever loads.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let read = craft_sbom::read_bytes(craft_fuzz::path(), data.to_vec(), &craft_fuzz::options());
    if let Ok(loaded) = read {
        craft_fuzz::exercise(&loaded);
    }
});
