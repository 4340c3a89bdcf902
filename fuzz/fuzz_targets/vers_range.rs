//! vers ranges: parse any string; what parses formats back to a string that parses to the
//! same range, and containment of an arbitrary version never panics.

#![no_main]

use craft_version::vers::Range;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (range, version) = text.split_once('\n').unwrap_or((text, "1.0"));
    if let Ok(r) = Range::parse(range) {
        let again = Range::parse(&r.to_string()).expect("formatted range parses");
        assert_eq!(again, r);
        let _ = r.contains(version);
    }
});
