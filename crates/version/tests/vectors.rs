//! Upstream test vectors from `../shared/corpora/version-vectors` and the vers-spec suite.
//!
//! Each test extracts the vectors mechanically from the upstream test sources, asserts how
//! many it found (so a silent extraction failure cannot pass), and prints `n/N` per scheme.

use crate::common::corpus;
use craft_version::vers::Range;
use craft_version::{compare, validate, Error, Scheme};
use std::cmp::Ordering;

fn ordering(n: &str) -> Ordering {
    match n {
        "-1" | "<" => Ordering::Less,
        "0" | "=" => Ordering::Equal,
        "1" | ">" => Ordering::Greater,
        other => panic!("not an ordering: {other}"),
    }
}

/// Compare every `(a, b, expected)`; panic listing the failures.
fn check_pairs(scheme: Scheme, source: &str, cases: &[(String, String, Ordering)]) {
    let mut failures = Vec::new();
    for (a, b, want) in cases {
        match compare(scheme, a, b) {
            Ok(got) if got == *want => {}
            got => failures.push(format!("{a} vs {b}: want {want:?}, got {got:?}")),
        }
        // Antisymmetry on the same vectors.
        if let Ok(got) = compare(scheme, b, a) {
            if got != want.reverse() {
                failures.push(format!("{b} vs {a}: not the reverse of {want:?}"));
            }
        }
    }
    eprintln!(
        "{source}: {}/{} {scheme} comparisons pass",
        cases.len() - failures.len().min(cases.len()),
        cases.len()
    );
    assert!(failures.is_empty(), "{source}:\n{}", failures.join("\n"));
}

#[test]
fn dpkg_vectors() {
    let Some(dir) = corpus("version-vectors/dpkg") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("scripts/t/Dpkg_Version.t")).unwrap();
    let data = text.split("__DATA__").nth(1).expect("__DATA__ section");
    let cases: Vec<(String, String, Ordering)> = data
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 3 && matches!(f[2], "-1" | "0" | "1"))
                .then(|| (f[0].to_string(), f[1].to_string(), ordering(f[2])))
        })
        .collect();
    assert_eq!(cases.len(), 43, "Dpkg_Version.t vectors");
    check_pairs(Scheme::Deb, "dpkg Dpkg_Version.t", &cases);

    // parseversion() validity from lib/dpkg/t/t-version.c.
    let c = std::fs::read_to_string(dir.join("lib/dpkg/t/t-version.c")).unwrap();
    let re = |l: &str| -> Option<(bool, String)> {
        let pass = l.contains("test_pass(parseversion(&a, \"");
        let fail = l.contains("test_fail(parseversion(&a, \"");
        if !(pass || fail) {
            return None;
        }
        let start = l.find("parseversion(&a, \"")? + "parseversion(&a, \"".len();
        let end = start + l[start..].find("\", ")?;
        let lit = l[start..end].replace("\\t", "\t").replace("\\n", "\n");
        Some((pass && l.contains("== 0"), lit))
    };
    let cases: Vec<(bool, String)> = c.lines().filter_map(re).collect();
    assert!(
        cases.len() >= 25,
        "t-version.c parseversion calls: {}",
        cases.len()
    );
    let mut wrong = Vec::new();
    for (valid, v) in &cases {
        // dpkg accepts a non-digit upstream start with a warning only; craft rejects it.
        if v == "0:abc3-0" {
            assert!(validate(Scheme::Deb, v).is_err());
            continue;
        }
        if validate(Scheme::Deb, v).is_ok() != *valid {
            wrong.push(format!("{v:?}: dpkg says valid={valid}"));
        }
    }
    eprintln!(
        "dpkg t-version.c: {}/{} parse verdicts agree",
        cases.len() - wrong.len(),
        cases.len()
    );
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn rpm_vectors() {
    let Some(dir) = corpus("version-vectors/rpm") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("tests/rpmvercmp.at")).unwrap();
    let cases: Vec<(String, String, Ordering)> = text
        .lines()
        .filter_map(|l| {
            let inner = l.strip_prefix("RPMVERCMP(")?.strip_suffix(')')?;
            let f: Vec<&str> = inner.split(", ").collect();
            (f.len() == 3).then(|| (f[0].to_string(), f[1].to_string(), ordering(f[2])))
        })
        .collect();
    assert_eq!(cases.len(), 91, "rpmvercmp.at vectors");
    // The vectors are bare version strings; an empty one is not an RPM version for craft.
    let (empty, cases): (Vec<_>, Vec<_>) = cases
        .into_iter()
        .partition(|(a, b, _)| a.is_empty() || b.is_empty());
    check_pairs(Scheme::Rpm, "rpm rpmvercmp.at", &cases);
    eprintln!(
        "rpm rpmvercmp.at: {} vectors with an empty side rejected",
        empty.len()
    );
}

#[test]
fn alpine_vectors() {
    let Some(dir) = corpus("version-vectors/univers") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("tests/data/alpine_test.txt")).unwrap();
    let cases: Vec<(String, String, Ordering)> = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 3 && matches!(f[1], "<" | "=" | ">"))
                .then(|| (f[0].to_string(), f[2].to_string(), ordering(f[1])))
        })
        .collect();
    assert_eq!(cases.len(), 716, "apk-tools version.data vectors");
    check_pairs(Scheme::Apk, "apk-tools version.data", &cases);
}

/// The vers-spec suite: comparison and equality for the schemes craft orders, and every
/// parse, validate and containment case.
#[test]
fn vers_spec_suite() {
    let Some(dir) = corpus("conformance/vers-spec/tests") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "vers-spec test files: {}", files.len());
    let (mut run, mut passed, mut unsupported) = (0, 0, 0);
    let mut failures = Vec::new();
    for f in &files {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for t in doc["tests"].as_array().unwrap() {
            let kind = t["test_type"].as_str().unwrap();
            let input = &t["input"];
            let expected = &t["expected_output"];
            let failure = t["expected_failure"].as_bool().unwrap_or(false);
            let outcome: Result<bool, Error> = match kind {
                "comparison" | "equality" => {
                    let scheme = input["input_scheme"].as_str().unwrap();
                    let vs: Vec<&str> = input["versions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap())
                        .collect();
                    match scheme.parse::<Scheme>() {
                        Ok(s) if s.is_supported() => {
                            if kind == "equality" {
                                compare(s, vs[0], vs[1])
                                    .map(|o| (o == Ordering::Equal) == expected.as_bool().unwrap())
                            } else {
                                let mut sorted = vs.clone();
                                let mut err = None;
                                sorted.sort_by(|a, b| {
                                    compare(s, a, b).unwrap_or_else(|e| {
                                        err = Some(e);
                                        Ordering::Equal
                                    })
                                });
                                match err {
                                    Some(e) => Err(e),
                                    // The expected lists may spell versions in a
                                    // normalised form (NuGet labels lower-cased): an
                                    // element matches when it is equal in the order.
                                    None => Ok(sorted
                                        .iter()
                                        .zip(expected.as_array().unwrap())
                                        .all(|(a, b)| {
                                            b.as_str().is_some_and(|b| {
                                                b == *a || compare(s, a, b) == Ok(Ordering::Equal)
                                            })
                                        })),
                                }
                            }
                        }
                        _ => {
                            unsupported += 1;
                            continue;
                        }
                    }
                }
                "parse" => {
                    let r = Range::parse(input.as_str().unwrap());
                    Ok(match (r, failure) {
                        (Err(_), true) => true,
                        (Ok(r), false) => {
                            let want: Vec<(String, String)> = expected["version_constraints"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|c| {
                                    (
                                        c[0].as_str().unwrap().to_string(),
                                        c[1].as_str().unwrap().to_string(),
                                    )
                                })
                                .collect();
                            let got: Vec<(String, String)> = r
                                .constraints
                                .iter()
                                .map(|c| (c.comparator.as_str().to_string(), c.version.clone()))
                                .collect();
                            r.scheme == expected["scheme"].as_str().unwrap() && got == want
                        }
                        _ => false,
                    })
                }
                "validate" => {
                    let r = Range::normalize(input.as_str().unwrap());
                    // Canonical order needs the scheme's order: not checkable without it.
                    if r.as_ref().is_ok_and(|r| {
                        r.known_scheme().map_or(true, |s| !s.is_supported())
                            && Some(r.to_string().as_str()) != expected.as_str()
                    }) {
                        unsupported += 1;
                        continue;
                    }
                    Ok(r.is_ok_and(|r| Some(r.to_string().as_str()) == expected.as_str()))
                }
                "containment" => {
                    let r = Range::normalize(input["vers"].as_str().unwrap());
                    match r.and_then(|r| r.contains(input["version"].as_str().unwrap())) {
                        Err(Error::Unsupported(_)) => {
                            unsupported += 1;
                            continue;
                        }
                        other => other.map(|b| b == expected.as_bool().unwrap()),
                    }
                }
                // Conversion from native range syntaxes is not implemented yet.
                "from_native" => {
                    unsupported += 1;
                    continue;
                }
                other => panic!("unknown vers test type {other}"),
            };
            run += 1;
            match outcome {
                Ok(true) => passed += 1,
                Ok(false) => failures.push(format!(
                    "{}: {kind} {input} → want {expected}",
                    f.file_name().unwrap().to_string_lossy()
                )),
                Err(e) => failures.push(format!(
                    "{}: {kind} {input}: {e}",
                    f.file_name().unwrap().to_string_lossy()
                )),
            }
        }
    }
    eprintln!(
        "vers-spec: {passed}/{run} pass; {unsupported} cases of schemes or test types craft \
         does not implement yet"
    );
    assert!(run > 700, "vers-spec cases run: {run}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Python string literals (double-quoted) in `text`, with the escapes the packaging tests
/// use (`\uXXXX`, `\N{NAME}`, `\t`, `\n`, `\r`, `\\`, `\"`) decoded.
fn py_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '"' {
                continue;
            }
            let mut s = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('u') => {
                            let hex: String = chars.by_ref().take(4).collect();
                            s.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                        }
                        Some('t') => s.push('\t'),
                        Some('n') => s.push('\n'),
                        Some('r') => s.push('\r'),
                        Some('N') => {
                            // `\N{NAME}`: the names the packaging tests use.
                            let name: String =
                                chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                            s.push(match name.as_str() {
                                "NARROW NO-BREAK SPACE" => '\u{202f}',
                                "PARAGRAPH SEPARATOR" => '\u{2029}',
                                "NO-BREAK SPACE" => '\u{a0}',
                                "EM SPACE" => '\u{2003}',
                                other => panic!("unknown \\N{{{other}}} in the test source"),
                            });
                        }
                        Some(other) => s.push(other),
                        None => {}
                    },
                    c => s.push(c),
                }
            }
            out.push(s);
        }
    }
    out
}

#[test]
fn pep440_vectors() {
    let Some(dir) = corpus("version-vectors/pypa-packaging-pep440/tests") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("test_version.py")).unwrap();
    // VERSIONS: strictly ascending.
    let block = text
        .split("\nVERSIONS = [")
        .nth(1)
        .and_then(|b| b.split("\n]").next())
        .expect("VERSIONS list");
    let versions = py_strings(block);
    assert_eq!(versions.len(), 92, "VERSIONS");
    let mut wrong = Vec::new();
    for (i, a) in versions.iter().enumerate() {
        for b in &versions[i + 1..] {
            match compare(Scheme::Pypi, a, b) {
                Ok(Ordering::Less) => {}
                other => wrong.push(format!("{a} < {b}: got {other:?}")),
            }
        }
    }
    let pairs = versions.len() * (versions.len() - 1) / 2;
    eprintln!(
        "pep440 VERSIONS: {}/{pairs} ordered pairs",
        pairs - wrong.len()
    );
    assert!(
        wrong.is_empty(),
        "{}",
        wrong[..wrong.len().min(20)].join("\n")
    );
    // Invalid versions: the parametrize list of test_invalid_versions.
    let head = text.split("def test_invalid_versions").next().unwrap();
    let block = head.rsplit("@pytest.mark.parametrize(").next().unwrap();
    let invalid: Vec<String> = py_strings(block)
        .into_iter()
        .filter(|s| s != "version")
        .collect();
    assert!(invalid.len() >= 20, "invalid versions: {}", invalid.len());
    let accepted: Vec<&String> = invalid
        .iter()
        .filter(|v| validate(Scheme::Pypi, v).is_ok())
        .collect();
    eprintln!(
        "pep440 invalid versions: {}/{} rejected",
        invalid.len() - accepted.len(),
        invalid.len()
    );
    assert!(accepted.is_empty(), "accepted: {accepted:?}");
    // Normalised spellings order equal to their normal form.
    let head = text.split("def test_normalized_versions").next().unwrap();
    let block = head.rsplit("@pytest.mark.parametrize(").next().unwrap();
    let strings: Vec<String> = py_strings(block)
        .into_iter()
        .filter(|s| s != "version" && s != "normalized" && s != "version, normalized")
        .collect();
    let pairs: Vec<(&String, &String)> = strings
        .chunks(2)
        .filter_map(|c| Some((c.first()?, c.get(1)?)))
        .collect();
    assert!(pairs.len() >= 100, "normalised pairs: {}", pairs.len());
    let unequal: Vec<String> = pairs
        .iter()
        .filter(|(a, b)| compare(Scheme::Pypi, a, b) != Ok(Ordering::Equal))
        .map(|(a, b)| format!("{a} = {b}: {:?}", compare(Scheme::Pypi, a, b)))
        .collect();
    eprintln!(
        "pep440 normalised pairs: {}/{} equal",
        pairs.len() - unequal.len(),
        pairs.len()
    );
    assert!(unequal.is_empty(), "{unequal:#?}");
}

/// node-semver's options from the tail of a fixture line (`true` means loose; `loose` with a
/// truthy value; `includePrerelease: true`).
fn node_options(tail: &str) -> craft_version::npm::Options {
    let tail = tail.trim().trim_start_matches(',').trim();
    let truthy = |key: &str| {
        tail.split_once(key).is_some_and(|(_, v)| {
            let v = v.trim_start_matches([':', ' ']);
            !(v.starts_with("false")
                || v.starts_with("null")
                || v.starts_with('0')
                || v.starts_with("undefined")
                || v.starts_with("NaN"))
        })
    };
    craft_version::npm::Options {
        loose: tail.starts_with("true") || truthy("loose"),
        include_prerelease: truthy("includePrerelease"),
    }
}

/// The single-quoted strings of a fixture line (`\t` unescaped) and the text after them.
fn node_row(line: &str) -> (Vec<String>, &str) {
    let strings = line
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(|s| s.replace("\\t", "\t"))
        .collect();
    (strings, line.rsplit('\'').next().unwrap_or_default())
}

/// node-semver's fixtures `comparisons.js` (first > second) and `equality.js`, each entry
/// with its options (strict, or loose).
#[test]
fn node_semver_vectors() {
    use craft_version::npm::parse_version;
    let Some(dir) = corpus("version-vectors/node-semver/test/fixtures") else {
        return;
    };
    for (file, want) in [
        ("comparisons.js", Ordering::Greater),
        ("equality.js", Ordering::Equal),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let (mut n, mut loose, mut wrong) = (0, 0, Vec::new());
        for l in text.lines().map(str::trim).filter(|l| l.starts_with('[')) {
            let (strings, tail) = node_row(l);
            if strings.len() != 2 {
                continue;
            }
            let opts = node_options(tail);
            n += 1;
            loose += usize::from(opts.loose);
            let got = parse_version(&strings[0], opts)
                .and_then(|a| Ok(a.cmp_precedence(&parse_version(&strings[1], opts)?)));
            if got.as_ref().ok() != Some(&want) {
                wrong.push(format!("{l}: {got:?}"));
            }
        }
        eprintln!(
            "node-semver {file}: {}/{n} pass ({loose} in loose mode)",
            n - wrong.len()
        );
        assert!(n >= 30, "{file}: {n}");
        assert!(wrong.is_empty(), "{file}:\n{}", wrong.join("\n"));
    }
}

/// node-semver's `range-include.js` and `range-exclude.js`, each entry with its options.
#[test]
fn node_semver_ranges() {
    use craft_version::npm::{parse_version, NpmRange};
    let Some(dir) = corpus("version-vectors/node-semver/test/fixtures") else {
        return;
    };
    for (file, want) in [("range-include.js", true), ("range-exclude.js", false)] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let (mut run, mut wrong) = (0, Vec::new());
        for l in text.lines().map(str::trim).filter(|l| l.starts_with('[')) {
            let (strings, tail) = node_row(l);
            if strings.len() != 2 {
                continue;
            }
            let opts = node_options(tail);
            run += 1;
            // node-semver answers `false` for a version or range it cannot read.
            let got = match (
                NpmRange::parse_with(&strings[0], opts),
                parse_version(&strings[1], opts),
            ) {
                (Ok(r), Ok(v)) => r.satisfies_with(&v, opts),
                _ => false,
            };
            if got != want {
                wrong.push(format!("{l}: got {got}"));
            }
        }
        eprintln!("node-semver {file}: {}/{run} pass", run - wrong.len());
        assert!(run >= 90, "{file}: {run}");
        assert!(wrong.is_empty(), "{file}:\n{}", wrong.join("\n"));
    }
}

/// Pairs `(a, b, expected)` found by `pattern` in a univers test source.
fn univers_pairs(
    file: &str,
    prefix: &str,
    middle: &str,
    suffix: &[(&str, Ordering)],
) -> Vec<(String, String, Ordering)> {
    let Some(dir) = corpus("version-vectors/univers/tests") else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix(prefix) else {
            continue;
        };
        let Some((a, rest)) = rest.split_once(middle) else {
            continue;
        };
        for (end, want) in suffix {
            if let Some(b) = rest.strip_suffix(end) {
                out.push((a.to_string(), b.to_string(), *want));
            }
        }
    }
    out
}

/// univers' test sources for Debian (`compare_versions` asserts), RubyGems (`cmp` asserts)
/// and NuGet (the comparer's equal / not-equal parametrize lists).
#[test]
fn univers_vectors() {
    if corpus("version-vectors/univers/tests").is_none() {
        return;
    }
    let deb = univers_pairs(
        "test_debian_version.py",
        "assert compare_versions(\"",
        "\", \"",
        &[
            ("\") == -1", Ordering::Less),
            ("\") == 0", Ordering::Equal),
            ("\") == 1", Ordering::Greater),
        ],
    );
    assert!(deb.len() >= 25, "debian: {}", deb.len());
    check_pairs(Scheme::Deb, "univers test_debian_version.py", &deb);
    let gem = univers_pairs(
        "test_rubygems_gem_version.py",
        "assert cmp(GemVersion(\"",
        "\"), GemVersion(\"",
        &[
            ("\")) == -1", Ordering::Less),
            ("\")) == 0", Ordering::Equal),
            ("\")) == 1", Ordering::Greater),
        ],
    );
    assert!(gem.len() >= 10, "gem: {}", gem.len());
    check_pairs(Scheme::Gem, "univers test_rubygems_gem_version.py", &gem);
    // NuGet: the parametrize lists, by the test function that follows each.
    let dir = corpus("version-vectors/univers/tests/nuget").unwrap();
    let text = std::fs::read_to_string(dir.join("test_nuget_version_comparer.py")).unwrap();
    let (mut equal, mut unequal) = (Vec::new(), Vec::new());
    for block in text.split("@pytest.mark.parametrize(").skip(1) {
        let Some((list, after)) = block.split_once("\ndef ") else {
            continue;
        };
        let body = after.lines().nth(1).unwrap_or_default();
        let pairs: Vec<String> = py_strings(list)
            .into_iter()
            .filter(|s| s != "version1, version2")
            .collect();
        for p in pairs.chunks(2).filter(|p| p.len() == 2) {
            if body.contains(") == nuget") {
                equal.push((p[0].clone(), p[1].clone(), Ordering::Equal));
            } else if body.contains(") != nuget") {
                unequal.push((p[0].clone(), p[1].clone()));
            }
        }
    }
    assert!(
        equal.len() >= 8 && unequal.len() >= 4,
        "nuget: {} / {}",
        equal.len(),
        unequal.len()
    );
    check_pairs(Scheme::Nuget, "univers nuget comparer (equal)", &equal);
    let wrong: Vec<&(String, String)> = unequal
        .iter()
        .filter(|(a, b)| {
            compare(Scheme::Nuget, a, b) != Ok(Ordering::Less)
                && compare(Scheme::Nuget, a, b) != Ok(Ordering::Greater)
        })
        .collect();
    eprintln!(
        "univers nuget comparer (not equal): {}/{} pass",
        unequal.len() - wrong.len(),
        unequal.len()
    );
    assert!(wrong.is_empty(), "{wrong:?}");
}

/// univers' `test_rpm.py`: EVR triples `((e, "v", "r"), (e, "v", "r"), expected)`.
#[test]
fn univers_rpm_evr_vectors() {
    use craft_version::rpm::compare_evr;
    let Some(dir) = corpus("version-vectors/univers/tests") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("test_rpm.py")).unwrap();
    let mut n = 0;
    let mut wrong = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| l.starts_with("((")) {
        let code = line.split("),  #").next().unwrap_or(line);
        let strings = py_strings(code);
        // (e1, "v1", "r1"), (e2, "v2", "r2"), expected: the numbers outside quotes.
        let unquoted: String = code.split('"').step_by(2).collect();
        let ints: Vec<i64> = unquoted
            .split(|c: char| !(c.is_ascii_digit() || c == '-'))
            .filter_map(|t| t.parse().ok())
            .collect();
        if strings.len() != 4 || ints.len() != 3 {
            continue;
        }
        n += 1;
        let want = match ints[2] {
            -1 => Ordering::Less,
            0 => Ordering::Equal,
            _ => Ordering::Greater,
        };
        let a = (ints[0] as u64, strings[0].as_str(), strings[1].as_str());
        let b = (ints[1] as u64, strings[2].as_str(), strings[3].as_str());
        if compare_evr(a, b) != want {
            wrong.push(format!("{a:?} vs {b:?}: want {want:?}"));
        }
    }
    eprintln!(
        "univers test_rpm.py: {}/{n} EVR comparisons pass",
        n - wrong.len()
    );
    assert!(n >= 15, "{n}");
    assert!(wrong.is_empty(), "{wrong:#?}");
}
