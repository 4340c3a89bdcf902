//! OSV `affected[]` ranges: `ranges[]` of `SEMVER`, `ECOSYSTEM` or `GIT` type with
//! `introduced` / `fixed` / `last_affected` / `limit` events, and the `versions` list,
//! evaluated for one version.
//!
//! The evaluation is the OSV specification's: events are sorted by version (`introduced: 0`
//! first); a version is affected when the last event at or below it is an `introduced`
//! (with `last_affected`, the version itself is still affected; with `fixed`, it is not).
//! `limit` bounds the range from above. A version listed in `versions` is affected. `GIT`
//! ranges name commits, which a version string cannot be placed among: they answer
//! [`Verdict::Unknown`] unless `versions` decides.

use crate::{compare, Scheme};
use serde_json::Value;
use std::cmp::Ordering;

pub use crate::range::Verdict;

/// The scheme an OSV ecosystem's versions follow (`None`: no total order known to craft).
pub fn ecosystem_scheme(ecosystem: &str) -> Option<Scheme> {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    Some(match base {
        "Debian" | "Ubuntu" => Scheme::Deb,
        "Alpine" | "Chainguard" | "Wolfi" => Scheme::Apk,
        "Red Hat" | "Rocky Linux" | "AlmaLinux" | "openSUSE" | "SUSE" | "Mageia" => Scheme::Rpm,
        "npm" => Scheme::Npm,
        "crates.io" => Scheme::Cargo,
        "Go" => Scheme::Golang,
        "PyPI" => Scheme::Pypi,
        "Maven" => Scheme::Maven,
        "NuGet" => Scheme::Nuget,
        "RubyGems" => Scheme::Gem,
        "Linux" => Scheme::Kernel,
        _ => return None,
    })
}

enum Event<'a> {
    Introduced(&'a str),
    Fixed(&'a str),
    LastAffected(&'a str),
    Limit(&'a str),
}

impl Event<'_> {
    fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// Evaluate one OSV `affected[]` entry for `version` in `scheme`.
///
/// A `GIT` range names commits: it says nothing about a version number. When the entry
/// also has a version range that could be read (PyPA's records carry both), that range
/// decides. When it has only `GIT` ranges, a version in its `versions` list is affected and
/// any other is unknown: the list was enumerated from tags when the record was written, and
/// a range with no fix yet also covers releases made since.
///
/// `Go` versions in OSV have no `v` prefix; it is added for the `golang` scheme.
pub fn evaluate(affected: &Value, version: &str, scheme: Scheme) -> Verdict {
    let fix = |v: &str| -> String {
        if scheme == Scheme::Golang && !v.starts_with('v') && v != "0" {
            format!("v{v}")
        } else {
            v.to_string()
        }
    };
    let version = fix(version);
    if let Err(e) = crate::validate(scheme, &version) {
        return Verdict::Unknown(e.to_string());
    }
    let listed = affected
        .get("versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|v| compare(scheme, &version, &fix(v)) == Ok(Ordering::Equal));
    if listed {
        return Verdict::Affected;
    }
    let mut unknown = None;
    let mut git_only = true;
    for range in affected
        .get("ranges")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = range.get("type").and_then(Value::as_str).unwrap_or("");
        if kind == "GIT" {
            continue;
        }
        git_only = false;
        let events: Vec<Event<'_>> = range
            .get("events")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| {
                let o = e.as_object()?;
                let (k, v) = o.iter().next()?;
                let v = v.as_str()?;
                Some(match k.as_str() {
                    "introduced" => Event::Introduced(v),
                    "fixed" => Event::Fixed(v),
                    "last_affected" => Event::LastAffected(v),
                    "limit" => Event::Limit(v),
                    _ => return None,
                })
            })
            .collect();
        match in_range(&events, &version, scheme, &fix) {
            Ok(true) => return Verdict::Affected,
            Ok(false) => {}
            Err(e) => {
                unknown.get_or_insert(e);
            }
        }
    }
    match unknown {
        Some(why) => Verdict::Unknown(why),
        None if git_only && has_git(affected) => Verdict::Unknown(
            "a GIT range names commits, not versions, and the version is not among those \
             the record lists"
                .to_string(),
        ),
        None => Verdict::NotAffected,
    }
}

fn has_git(affected: &Value) -> bool {
    affected
        .get("ranges")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|r| r.get("type").and_then(Value::as_str) == Some("GIT"))
}

/// The OSV specification's algorithm on one range's events: sort them by version
/// (`introduced: 0` first), then walk them, switching "vulnerable" on at an `introduced` at
/// or below the version and off at a `fixed` at or below it or a `last_affected` below it.
fn in_range(
    events: &[Event<'_>],
    version: &str,
    scheme: Scheme,
    fix: &dyn Fn(&str) -> String,
) -> Result<bool, String> {
    let zero = |e: &Event<'_>| e.version() == "0" && matches!(e, Event::Introduced(_));
    for e in events {
        let open_limit = matches!(e, Event::Limit(_)) && e.version() == "*";
        if !zero(e) && !open_limit {
            crate::validate(scheme, &fix(e.version())).map_err(|x| x.to_string())?;
        }
    }
    let cmp_v = |e: &Event<'_>| -> Ordering {
        if zero(e) {
            return Ordering::Greater;
        }
        compare(scheme, version, &fix(e.version())).unwrap_or(Ordering::Equal)
    };
    let limits: Vec<&Event<'_>> = events
        .iter()
        .filter(|e| matches!(e, Event::Limit(_)))
        .collect();
    if !limits.is_empty()
        && !limits
            .iter()
            .any(|l| l.version() == "*" || cmp_v(l) == Ordering::Less)
    {
        return Ok(false);
    }
    let mut sorted: Vec<&Event<'_>> = events
        .iter()
        .filter(|e| !matches!(e, Event::Limit(_)))
        .collect();
    sorted.sort_by(|a, b| match (zero(a), zero(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => {
            compare(scheme, &fix(a.version()), &fix(b.version())).unwrap_or(Ordering::Equal)
        }
    });
    let mut vulnerable = false;
    for e in sorted {
        let o = cmp_v(e);
        match e {
            Event::Introduced(_) if o != Ordering::Less => vulnerable = true,
            Event::Fixed(_) if o != Ordering::Less => vulnerable = false,
            Event::LastAffected(_) if o == Ordering::Greater => vulnerable = false,
            _ => {}
        }
    }
    Ok(vulnerable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_git_range_beside_a_version_range_does_not_make_it_unknown() {
        // PYSEC-2023-74 (requests), abridged: a GIT range and the ECOSYSTEM range.
        let a = json!({"ranges": [
            {"type": "GIT", "repo": "https://github.com/psf/requests",
             "events": [{"introduced": "0"}, {"fixed": "74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5"}]},
            {"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}]});
        assert_eq!(evaluate(&a, "2.31.0", Scheme::Pypi), Verdict::NotAffected);
        assert_eq!(evaluate(&a, "2.30.0", Scheme::Pypi), Verdict::Affected);
        assert_eq!(evaluate(&a, "2.2.1", Scheme::Pypi), Verdict::NotAffected);
        // GIT only: a listed version is affected; any other is unknown (see `events`).
        let git =
            json!({"ranges": [{"type": "GIT", "repo": "r", "events": [{"introduced": "0"}]}]});
        assert!(matches!(
            evaluate(&git, "1.0.1", Scheme::Pypi),
            Verdict::Unknown(_)
        ));
    }

    #[test]
    fn events() {
        let a = json!({"ranges": [{"type": "SEMVER", "events": [
            {"introduced": "0"}, {"fixed": "1.2.0"}, {"introduced": "2.0.0"}, {"last_affected": "2.3.1"}]}]});
        let e = |v| evaluate(&a, v, Scheme::Semver);
        assert_eq!(e("0.1.0"), Verdict::Affected);
        assert_eq!(e("1.2.0"), Verdict::NotAffected);
        assert_eq!(e("1.9.9"), Verdict::NotAffected);
        assert_eq!(e("2.0.0"), Verdict::Affected);
        assert_eq!(e("2.3.1"), Verdict::Affected);
        assert_eq!(e("2.3.2"), Verdict::NotAffected);
        assert!(matches!(e("not-a-version"), Verdict::Unknown(_)));
        let listed = json!({"versions": ["1.0.0"], "ranges": [{"type": "GIT", "events": [{"introduced": "abc"}]}]});
        assert_eq!(
            evaluate(&listed, "1.0.0", Scheme::Semver),
            Verdict::Affected
        );
        assert!(matches!(
            evaluate(&listed, "1.0.1", Scheme::Semver),
            Verdict::Unknown(_)
        ));
        let limited = json!({"ranges": [{"type": "ECOSYSTEM", "events": [
            {"introduced": "1.0-1"}, {"limit": "2.0-1"}]}]});
        assert_eq!(evaluate(&limited, "1.5-1", Scheme::Deb), Verdict::Affected);
        assert_eq!(
            evaluate(&limited, "2.5-1", Scheme::Deb),
            Verdict::NotAffected
        );
        assert_eq!(ecosystem_scheme("Debian:12"), Some(Scheme::Deb));
    }
}
