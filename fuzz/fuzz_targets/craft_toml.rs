//! craft.toml: any text either parses into a manifest or is an error with a location; never
//! a panic. What parses keeps its releases unique and non-empty.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match craft_product::manifest::parse(text, Path::new("craft.toml")) {
        Ok(m) => {
            assert!(!m.releases.is_empty());
            assert!(m.releases.iter().all(|r| !r.sboms.is_empty()));
        }
        Err(e) => assert!(e.to_string().starts_with("craft.toml")),
    }
});
