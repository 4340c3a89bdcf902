//! Yocto `.tar` / `.tar.zst` archives of SPDX 2 JSON documents (`yocto::read_archive`),
//! then check and convert the joined model.

#![no_main]

use craft_sbom::yocto;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(loaded) = yocto::read_archive(craft_fuzz::path(), data, &craft_fuzz::options()) {
        craft_fuzz::exercise(&loaded);
    }
});
