//! CPE names and NVD configurations: a name that parses binds to a formatted string that
//! parses to the same name, and matches itself; any JSON evaluates as a configuration list
//! without panicking.

#![no_main]

use craft_version::cpe::Wfn;
use craft_version::nvd::{configurations, evaluate};
use craft_version::Scheme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(w) = Wfn::parse(text) {
        let bound = w.to_string();
        let again = Wfn::parse(&bound).expect("bound name parses");
        assert_eq!(again, w, "{text:?} → {bound:?}");
        let _ = w.matches(&w);
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        if let Ok(configs) = configurations(&v) {
            let product = [
                Wfn::parse("cpe:2.3:o:linux:linux_kernel:6.1.55:*:*:*:*:*:*:*").unwrap(),
                Wfn::parse("cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*").unwrap(),
            ];
            let _ = evaluate(&configs, &product, Scheme::Generic);
        }
    }
});
