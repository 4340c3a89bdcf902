//! Hostile input: huge strings, thousands of segments, only separators, control and non-ASCII
//! characters. Every parser answers with a value or an error naming the input (shortened),
//! never a panic; the work is linear (the strings here are megabytes long).

use craft_version::purl::Purl;
use craft_version::vers::Range;
use craft_version::{compare, validate, Error, Scheme};

fn inputs() -> Vec<String> {
    let mb = 10 * 1024 * 1024;
    vec![
        "1".repeat(mb),
        "1.".repeat(mb / 2) + "1",
        ".".repeat(mb),
        "~".repeat(mb),
        "-".repeat(mb),
        "a".repeat(mb),
        format!("1:{}", "9".repeat(mb)),
        format!("1.0-{}", "r".repeat(mb)),
        "1.0\u{0}".to_string(),
        "1.0\u{e9}".to_string(),
        "\u{202e}1.0".to_string(),
        String::new(),
    ]
}

#[test]
fn every_scheme_survives_pathological_versions() {
    for input in inputs() {
        for scheme in Scheme::ALL {
            match compare(scheme, &input, "1.0") {
                Ok(_) => {}
                Err(Error::Invalid(e)) => {
                    assert!(e.version.chars().count() <= 101, "message not shortened");
                }
                Err(Error::Unsupported(s)) => assert_eq!(s, scheme),
                Err(other) => panic!("{scheme}: unexpected {other}"),
            }
            let _ = validate(scheme, &input);
        }
    }
}

#[test]
fn vers_and_purl_survive_pathological_input() {
    let huge = "1".repeat(10 * 1024 * 1024);
    let many = (0..20_000)
        .map(|i| format!(">={i}"))
        .collect::<Vec<_>>()
        .join("|");
    for text in [
        format!("vers:deb/{huge}"),
        format!("vers:deb/{many}"),
        format!("vers:deb/{}", "|".repeat(100_000)),
        format!("vers:{huge}/1"),
        "vers:deb/%".to_string(),
        "vers:deb/%FF%FE".to_string(),
    ] {
        if let Ok(r) = Range::parse(&text) {
            let _ = r.contains("1.0");
        }
    }
    let err = Range::parse(&format!("vers:deb/{many}")).unwrap_err();
    assert!(err.to_string().contains("10,000"), "{err}");
    for text in [
        format!("pkg:generic/{huge}"),
        format!("pkg:generic/{}", "a/".repeat(1_000_000)),
        format!("pkg:generic/a?{}", "k=v&".repeat(100_000)),
        format!("pkg:{}", "/".repeat(100_000)),
        "pkg:generic/%".to_string(),
        "pkg:generic/%C3%28".to_string(),
    ] {
        if let Ok(p) = Purl::parse(&text) {
            let _ = p.to_string();
        }
    }
    assert!(
        Purl::parse(&format!("pkg:generic/{huge}")).is_err(),
        "over 64 KiB"
    );
}

#[test]
fn bytes_api_rejects_invalid_utf8() {
    use craft_version::compare_bytes;
    for scheme in Scheme::ALL {
        let e = compare_bytes(scheme, b"1.0\xff", b"1.0").unwrap_err();
        assert!(
            e.to_string().contains("not UTF-8 (at byte 3)"),
            "{scheme}: {e}"
        );
        assert!(compare_bytes(scheme, b"1.0", &[0xc3, 0x28]).is_err());
    }
    assert_eq!(
        compare_bytes(Scheme::Deb, b"1.0-1", b"1.0-2").unwrap(),
        std::cmp::Ordering::Less
    );
}

/// The examples `compare`'s documentation gives.
#[test]
fn compare_orders_by_the_schemes_rules_and_refuses_non_versions() {
    use std::cmp::Ordering;
    assert_eq!(
        compare(Scheme::Deb, "1.0~rc1-1", "1.0-1").unwrap(),
        Ordering::Less
    );
    assert_eq!(
        compare(Scheme::Rpm, "1.0^git1", "1.0").unwrap(),
        Ordering::Greater
    );
    assert!(compare(Scheme::Deb, "1.0", "not a version").is_err());
}
