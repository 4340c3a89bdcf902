//! Package URLs: parse any string; the canonical form of what parses parses to the same purl.

#![no_main]

use craft_version::purl::Purl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = Purl::parse(text) {
        let canonical = p.to_string();
        let again = Purl::parse(&canonical).expect("canonical purl parses");
        assert_eq!(again, p, "{text:?} → {canonical:?}");
    }
});
