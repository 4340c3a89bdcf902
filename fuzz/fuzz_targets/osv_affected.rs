//! OSV `affected[]` entries: any JSON value and version evaluate without panicking, and the
//! typed form read once (`Affected`) gives the same verdict as the JSON (`evaluate`).

#![no_main]

use craft_version::osv::{evaluate, Affected};
use craft_version::Scheme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (json, version) = text.split_once('\n').unwrap_or((text, "1.0.0"));
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else {
        return;
    };
    for scheme in [Scheme::Semver, Scheme::Pypi, Scheme::Golang, Scheme::Deb] {
        let a = Affected::from_value(&value).evaluate(version, scheme);
        assert_eq!(a, evaluate(&value, version, scheme));
    }
});
