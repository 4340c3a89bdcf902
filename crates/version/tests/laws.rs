//! Laws every scheme must keep, on generated versions: the order is total (antisymmetric,
//! transitive, reflexive), and a range survives format → parse unchanged and agrees with a
//! brute-force evaluation.

use craft_version::vers::{Comparator, Constraint, Range};
use craft_version::{compare, Scheme};
use proptest::prelude::*;
use std::cmp::Ordering;

/// Versions of `scheme` built from the characters its order treats specially.
fn version(scheme: Scheme) -> BoxedStrategy<String> {
    match scheme {
        Scheme::Deb => "([1-9]:)?[0-9][0-9a-z.+~]{0,6}(-[0-9a-z.+~]{1,4})?".boxed(),
        Scheme::Rpm => "([1-9]:)?[0-9a-z.~^_]{1,7}(-[0-9a-z.~^]{1,4})?"
            .prop_filter("rpm needs text around `-`", |v| {
                !v.ends_with('-') && !v.starts_with(':')
            })
            .boxed(),
        Scheme::Apk => "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}[a-c]?(_(alpha|beta|rc|p|git)[0-9]?)?(-r[0-9])?"
            .boxed(),
        Scheme::Semver => "(0|[1-9][0-9]?)\\.(0|[1-9])\\.(0|[1-9])(-(alpha|beta|rc|[0-9])(\\.(0|[1-9]|x))?)?(\\+b[0-9])?"
            .boxed(),
        Scheme::Kernel => "[2-6]\\.[0-9]{1,2}(\\.[0-9]{1,3})?(-rc[1-9])?(-yocto)?".boxed(),
        Scheme::Generic => "[0-9]{1,2}([.-]([0-9]{1,2}|[a-z]|rc|beta|p[0-9])){0,4}".boxed(),
        // Maven's own order is not transitive when a qualifier follows `.` in one version and
        // `-` in another (a string item against a sub-list: 9 < 9.sp < 9-rc < 9, see
        // `maven_mixed_separators_are_not_transitive_in_maven_either`): qualifiers follow `-`,
        // numbers `.` or `-`.
        Scheme::Maven => "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}(-(a|b|rc|sp|ga|snapshot|xyz|[0-9])(\\.[0-9]{1,2}|-(a|rc|sp|[0-9]{1,2})){0,2})?".boxed(),
        Scheme::Nuget => "[0-9]{1,2}(\\.[0-9]{1,2}){0,3}(-(beta|RC|1|a)(\\.[0-9a-z]{1,2}){0,2})?(\\+m[0-9])?".boxed(),
        Scheme::Gem => "[0-9]{1,2}(\\.([0-9]{1,2}|a|b|pre|rc[0-9])){0,4}(-[a-z0-9]{1,3})?".boxed(),
        Scheme::Pypi => "([1-9]!)?[0-9]{1,2}(\\.[0-9]{1,2}){0,2}((a|b|rc)[0-9])?(\\.post[0-9])?(\\.dev[0-9])?(\\+[a-z0-9]{1,3}(\\.[a-z0-9]{1,2})?)?"
            .boxed(),
        _ => unreachable!("no generator for {scheme}"),
    }
}

const SCHEMES: [Scheme; 10] = [
    Scheme::Nuget,
    Scheme::Gem,
    Scheme::Maven,
    Scheme::Pypi,
    Scheme::Deb,
    Scheme::Rpm,
    Scheme::Apk,
    Scheme::Semver,
    Scheme::Kernel,
    Scheme::Generic,
];

fn triple() -> impl Strategy<Value = (Scheme, String, String, String)> {
    proptest::sample::select(SCHEMES.to_vec())
        .prop_flat_map(|s| (Just(s), version(s), version(s), version(s)))
}

/// Maven's `ComparableVersion` compares a string item with a sub-list by kind, not by
/// qualifier, so three versions can form a cycle; craft keeps Maven's order, cycle included.
#[test]
fn maven_mixed_separators_are_not_transitive_in_maven_either() {
    let c = |a: &str, b: &str| compare(Scheme::Maven, a, b).unwrap();
    assert_eq!(c("9", "9.sp"), Ordering::Less);
    assert_eq!(c("9.sp", "9-rc"), Ordering::Less);
    assert_eq!(c("9-rc", "9"), Ordering::Less);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_order_is_total((s, a, b, c) in triple()) {
        let ab = compare(s, &a, &b).unwrap();
        let ba = compare(s, &b, &a).unwrap();
        prop_assert_eq!(ab, ba.reverse(), "antisymmetry");
        prop_assert_eq!(compare(s, &a, &a).unwrap(), Ordering::Equal, "reflexivity");
        let bc = compare(s, &b, &c).unwrap();
        let ac = compare(s, &a, &c).unwrap();
        if ab != Ordering::Greater && bc != Ordering::Greater {
            prop_assert_ne!(ac, Ordering::Greater, "transitivity: {} <= {} <= {}", a, b, c);
        }
        if ab == Ordering::Equal && bc == Ordering::Equal {
            prop_assert_eq!(ac, Ordering::Equal, "equality is transitive");
        }
    }

    #[test]
    fn ranges_format_parse_and_agree_with_brute_force(
        (s, bounds, probe, ops) in proptest::sample::select(SCHEMES.to_vec()).prop_flat_map(|s| {
            (Just(s), proptest::collection::vec(version(s), 1..5), version(s),
             proptest::collection::vec(0..6usize, 4))
        })
    ) {
        let mut bounds = bounds;
        bounds.sort_by(|a, b| compare(s, a, b).unwrap());
        bounds.dedup_by(|a, b| compare(s, a, b).unwrap() == Ordering::Equal);
        // Alternating lower/upper bounds, as the vers spec intends ranges to be written.
        let all = [Comparator::Ge, Comparator::Gt, Comparator::Lt, Comparator::Le, Comparator::Eq, Comparator::Ne];
        let constraints: Vec<Constraint> = bounds.iter().enumerate().map(|(i, v)| {
            let pick = ops[i % ops.len()];
            let comparator = if pick >= 4 { all[pick] } else if i % 2 == 0 { all[pick % 2] } else { all[2 + pick % 2] };
            Constraint { comparator, version: v.clone() }
        }).collect();
        let range = Range { scheme: s.name().to_string(), constraints };
        let text = range.to_string();
        let again = Range::parse(&text).unwrap();
        prop_assert_eq!(&again, &range);
        prop_assert_eq!(again.to_string(), text.clone());
        // Brute force: the same algorithm written as interval membership.
        let got = range.contains(&probe).unwrap();
        prop_assert_eq!(got, brute(s, &range, &probe), "{} contains {}", text, probe);
    }
}

/// Membership by definition: `=`/`!=` decide first; otherwise the version is inside when it
/// lies in an interval opened by a lower bound and closed by the next upper bound, or below
/// a leading upper bound, or above a trailing lower bound.
fn brute(s: Scheme, r: &Range, v: &str) -> bool {
    let cmp = |c: &Constraint| compare(s, v, &c.version).unwrap();
    for c in &r.constraints {
        match c.comparator {
            Comparator::Eq if cmp(c) == Ordering::Equal => return true,
            Comparator::Ne if cmp(c) == Ordering::Equal => return false,
            _ => {}
        }
    }
    let ranges: Vec<&Constraint> = r
        .constraints
        .iter()
        .filter(|c| !matches!(c.comparator, Comparator::Eq | Comparator::Ne))
        .collect();
    if ranges.is_empty() {
        return r.constraints.iter().all(|c| c.comparator == Comparator::Ne);
    }
    let sat = |c: &Constraint| {
        let o = cmp(c);
        match c.comparator {
            Comparator::Lt => o == Ordering::Less,
            Comparator::Le => o != Ordering::Greater,
            Comparator::Gt => o == Ordering::Greater,
            Comparator::Ge => o != Ordering::Less,
            _ => false,
        }
    };
    let lower = |c: &Constraint| matches!(c.comparator, Comparator::Gt | Comparator::Ge);
    let n = ranges.len();
    if !lower(ranges[0]) && sat(ranges[0]) {
        return true;
    }
    // A trailing lower bound opens an interval to infinity.
    if lower(ranges[n - 1]) && sat(ranges[n - 1]) {
        return true;
    }
    ranges
        .windows(2)
        .any(|w| lower(w[0]) && !lower(w[1]) && sat(w[0]) && sat(w[1]))
}
