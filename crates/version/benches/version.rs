//! Version comparisons per second, per scheme, and range evaluations per second.
//!
//! Run: `cargo bench -p craft-version` (figures in `docs/BENCHMARKS.md`).

use craft_version::deb::DebVersion;
use craft_version::rpm::RpmVersion;
use craft_version::vers::Range;
use craft_version::{compare, Scheme};
use divan::counter::ItemsCount;
use divan::Bencher;

fn main() {
    divan::main();
}

/// Realistic pairs: distro package versions that differ late (the common, slower case).
const DEB: [(&str, &str); 4] = [
    ("1:2.38.1-5+deb12u1", "1:2.38.1-5+deb12u2"),
    ("3.0.11-1~deb12u2", "3.0.11-1"),
    ("1.2.13.dfsg-1", "1.2.13.dfsg-1"),
    ("252.22-1~deb12u1", "252.17-1~deb12u1"),
];
const RPM: [(&str, &str); 4] = [
    ("2.28-225.el9", "2.28-225.el9_3.1"),
    ("1:3.0.7-25.el9_3", "1:3.0.7-24.el9"),
    ("7.76.1-26.el9_3.2", "7.76.1-26.el9_3.2"),
    ("1.0~rc1-1", "1.0-1"),
];

/// Parsed once, compared many times: the matcher's case.
#[divan::bench]
fn deb_compare_parsed(b: Bencher) {
    let pairs: Vec<_> = DEB
        .iter()
        .map(|(x, y)| (DebVersion::parse(x).unwrap(), DebVersion::parse(y).unwrap()))
        .collect();
    b.counter(ItemsCount::new(pairs.len())).bench(|| {
        pairs
            .iter()
            .map(|(x, y)| divan::black_box(x).cmp(divan::black_box(y)) as i8)
            .sum::<i8>()
    });
}

#[divan::bench]
fn rpm_compare_parsed(b: Bencher) {
    let pairs: Vec<_> = RPM
        .iter()
        .map(|(x, y)| (RpmVersion::parse(x).unwrap(), RpmVersion::parse(y).unwrap()))
        .collect();
    b.counter(ItemsCount::new(pairs.len())).bench(|| {
        pairs
            .iter()
            .map(|(x, y)| divan::black_box(x).cmp(divan::black_box(y)) as i8)
            .sum::<i8>()
    });
}

/// From strings, validating both sides every time.
#[divan::bench(args = ["deb", "rpm", "apk", "semver", "kernel", "generic"])]
fn compare_strings(b: Bencher, scheme: &str) {
    let scheme: Scheme = scheme.parse().unwrap();
    let pairs: &[(&str, &str)] = match scheme {
        Scheme::Deb => &DEB,
        Scheme::Rpm => &RPM,
        Scheme::Apk => &[("1.2.3_rc1-r0", "1.2.3-r0"), ("2.6.5-r1", "2.6.10-r0")],
        Scheme::Semver => &[("1.2.3-rc.1", "1.2.3"), ("10.20.30", "10.20.31")],
        Scheme::Kernel => &[("6.1.55", "6.1.192"), ("5.10-rc3", "5.10.0")],
        _ => &[("1.0.2k", "1.0.2u"), ("2.8.123e", "2.8.124")],
    };
    b.counter(ItemsCount::new(pairs.len())).bench(|| {
        pairs
            .iter()
            .map(|(x, y)| compare(scheme, divan::black_box(x), divan::black_box(y)).unwrap() as i8)
            .sum::<i8>()
    });
}

/// A typical advisory range with three intervals.
#[divan::bench]
fn vers_contains_deb(b: Bencher) {
    let r = Range::parse("vers:deb/>=1.0|<1.0.9-1|>=1.1|<1.1.4-2|>=2.0~rc1|<2.0.3-1").unwrap();
    let probes = ["0.9-1", "1.0.8-3", "1.1.4-2", "2.0.1-1", "3.0-1"];
    b.counter(ItemsCount::new(probes.len())).bench(|| {
        probes
            .iter()
            .filter(|v| r.contains(divan::black_box(v)).unwrap())
            .count()
    });
}
