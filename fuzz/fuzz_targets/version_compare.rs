//! Version orders: for every scheme, two arbitrary strings either fail to parse or compare,
//! and the comparison is antisymmetric and reflexive.

#![no_main]

use craft_version::{compare, Scheme};
use libfuzzer_sys::fuzz_target;
use std::cmp::Ordering;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (a, b) = text.split_once('\n').unwrap_or((text, "1.0"));
    for scheme in Scheme::ALL {
        if let (Ok(ab), Ok(ba)) = (compare(scheme, a, b), compare(scheme, b, a)) {
            assert_eq!(ab, ba.reverse(), "{scheme}: {a:?} vs {b:?}");
            assert_eq!(compare(scheme, a, a).ok(), Some(Ordering::Equal), "{scheme}: {a:?}");
        }
    }
});
