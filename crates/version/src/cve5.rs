//! CVE JSON 5 product entries (`containers.*.affected[]`): `versions[]` and
//! `defaultStatus`, evaluated for one version by the schema's own algorithm
//! (CVEProject/cve-schema, "CVE 5.0 Product and Version Encodings"):
//!
//! - the first version entry that matches decides; a range entry's `changes` (sorted here,
//!   as the schema tells clients to) refine its status at their `at` versions;
//! - a version no entry matches takes `defaultStatus`, which is `unknown` when absent;
//! - a range is `version ≤ V < lessThan` or `version ≤ V ≤ lessThanOrEqual`; `version: "0"`
//!   has no lower bound; a `*` ending an upper bound is infinity (`6.1.*` is the end of the
//!   6.1 series, `*` is no bound at all); an entry without a bound is one exact version.
//!
//! What a release version cannot be judged by answers [`Verdict::Unknown`] instead of
//! falling through to the default: entries of a source-control type (`git`, `hg`, `svn`…:
//! commits, which a release number cannot be placed among) when no other entry decides,
//! and entries whose versions are free text ("Fixed in OpenSSL 1.1.1d") when no entry
//! matched. So the kernel CNA's two entries per record (git commits; and per stable branch
//! `6.1.83 ≤ V ≤ 6.1.*` unaffected with `defaultStatus: affected`) are judged by the branch
//! entry, and a 6.1.90 kernel is unaffected by a fix first released in 6.1.83 even though
//! mainline fixed it only in 6.9.

use crate::range::Verdict;
use crate::{compare, Scheme};
use serde_json::Value;
use std::cmp::Ordering;

/// Source-control version types: their versions are commits.
const VCS: &[&str] = &["git", "hg", "svn", "bzr", "fossil", "cvs"];

/// The scheme a version entry is compared in: the caller's when it knows the component's
/// scheme, else the one the entry's `versionType` names, else the generic order.
fn entry_scheme(scheme: Scheme, version_type: Option<&str>) -> Scheme {
    if scheme != Scheme::Generic {
        return scheme;
    }
    match version_type.map(str::to_ascii_lowercase).as_deref() {
        Some("maven") => Scheme::Maven,
        Some("rpm") => Scheme::Rpm,
        Some("python" | "pypi" | "pep440") => Scheme::Pypi,
        Some("npm") => Scheme::Npm,
        Some("deb" | "debian" | "dpkg") => Scheme::Deb,
        Some("nuget") => Scheme::Nuget,
        Some("gem" | "rubygems") => Scheme::Gem,
        // CNAs write `semver` for versions such as `2.4` or `6.1` that strict semantic
        // versioning rejects; the generic order reads them numerically.
        _ => Scheme::Generic,
    }
}

/// How `v` compares with a bound that may end in `*` (infinity): `None` when either
/// cannot be read in `scheme`.
fn cmp_bound(scheme: Scheme, v: &str, bound: &str) -> Result<Ordering, String> {
    if bound == "*" {
        return Ok(Ordering::Less);
    }
    if let Some(prefix) = bound.strip_suffix(".*") {
        // `P.*` is above every version of the P series: compare V's first parts with P.
        let parts = prefix.split('.').count();
        let cut = v
            .match_indices('.')
            .nth(parts - 1)
            .map_or(v, |(i, _)| &v[..i]);
        return match compare(scheme, cut, prefix).map_err(|e| e.to_string())? {
            Ordering::Greater => Ok(Ordering::Greater),
            _ => Ok(Ordering::Less),
        };
    }
    compare(scheme, v, bound).map_err(|e| e.to_string())
}

fn verdict(status: &str) -> Verdict {
    match status {
        "affected" => Verdict::Affected,
        "unaffected" => Verdict::NotAffected,
        _ => Verdict::Unknown(format!("the record states the status `{status}`")),
    }
}

/// The status one entry gives `v`: `Ok(None)` when it does not match, `Err` when it cannot
/// be read in `scheme`.
fn entry_status(entry: &Value, v: &str, scheme: Scheme) -> Result<Option<Verdict>, String> {
    // Kernel releases are also written as their git tags (`v4.0-rc1`).
    let s = |k: &str| {
        entry.get(k).and_then(Value::as_str).map(|x| match scheme {
            Scheme::Kernel => x
                .strip_prefix('v')
                .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
                .unwrap_or(x),
            _ => x,
        })
    };
    let (Some(start), Some(status)) = (s("version"), s("status")) else {
        return Err("a version entry without `version` or `status`".to_string());
    };
    let upper = s("lessThan")
        .map(|b| (b, false))
        .or_else(|| s("lessThanOrEqual").map(|b| (b, true)));
    let Some((bound, inclusive)) = upper else {
        return match compare(scheme, v, start) {
            Ok(Ordering::Equal) => Ok(Some(verdict(status))),
            Ok(_) => Ok(None),
            Err(_) => Err(format!("`{start}` is not a {scheme} version")),
        };
    };
    let unreadable = |x: &str| format!("`{x}` is not a {scheme} version");
    let above_start =
        start == "0" || compare(scheme, v, start).map_err(|_| unreadable(start))? != Ordering::Less;
    let below_end = match cmp_bound(scheme, v, bound).map_err(|_| unreadable(bound))? {
        Ordering::Less => true,
        Ordering::Equal => inclusive,
        Ordering::Greater => false,
    };
    if !(above_start && below_end) {
        return Ok(None);
    }
    let mut changes: Vec<(&str, &str)> = entry
        .get("changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| Some((c.get("at")?.as_str()?, c.get("status")?.as_str()?)))
        .collect();
    let mut bad = None;
    changes.sort_by(|a, b| {
        compare(scheme, a.0, b.0).unwrap_or_else(|_| {
            bad = Some(if compare(scheme, a.0, a.0).is_err() {
                a.0
            } else {
                b.0
            });
            Ordering::Equal
        })
    });
    if let Some(x) = bad {
        return Err(unreadable(x));
    }
    let mut status = status;
    for (at, to) in changes {
        if compare(scheme, at, v).map_err(|_| unreadable(at))? != Ordering::Greater {
            status = to;
        }
    }
    Ok(Some(verdict(status)))
}

/// Evaluate one CVE 5 product entry (an element of `affected[]`) for `version`, comparing in
/// `scheme` (the component's; [`Scheme::Generic`] lets each entry's `versionType` choose).
pub fn evaluate(product: &Value, version: &str, scheme: Scheme) -> Verdict {
    if let Err(e) = crate::validate(scheme, version) {
        return Verdict::Unknown(e.to_string());
    }
    let mut unreadable: Vec<String> = Vec::new();
    let entries = product.get("versions").and_then(Value::as_array);
    for entry in entries.into_iter().flatten() {
        let version_type = entry.get("versionType").and_then(Value::as_str);
        if version_type.is_some_and(|t| VCS.contains(&t.to_ascii_lowercase().as_str())) {
            continue;
        }
        match entry_status(entry, version, entry_scheme(scheme, version_type)) {
            Ok(Some(v)) => return v,
            Ok(None) => {}
            Err(e) => unreadable.push(e),
        }
    }
    if !unreadable.is_empty() {
        unreadable.dedup();
        return Verdict::Unknown(format!(
            "no entry craft can read covers {version}: {}",
            unreadable.join("; ")
        ));
    }
    let all_commits = entries.is_some_and(|e| !e.is_empty())
        && entries.into_iter().flatten().all(|e| {
            e.get("versionType")
                .and_then(Value::as_str)
                .is_some_and(|t| VCS.contains(&t.to_ascii_lowercase().as_str()))
        });
    if all_commits {
        return Verdict::Unknown(
            "the record states source-control commits only; a release version cannot be placed among them"
                .to_string(),
        );
    }
    match product.get("defaultStatus").and_then(Value::as_str) {
        Some(status) => match verdict(status) {
            Verdict::Unknown(_) => Verdict::Unknown(format!(
                "no version entry covers {version} and the default status is `{status}`"
            )),
            v => v,
        },
        None => Verdict::Unknown(format!(
            "no version entry covers {version} and the record gives no default status"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The kernel CNA's branch entry of CVE-2024-26815 (net/sched/sch_taprio.c): introduced
    /// in 6.1, fixed in 6.1.83, 6.6.23, 6.7.11, 6.8.2 and mainline 6.9.
    fn taprio() -> Value {
        json!({"product": "Linux", "vendor": "Linux", "defaultStatus": "affected", "versions": [
            {"version": "6.1", "status": "affected"},
            {"version": "0", "lessThan": "6.1", "status": "unaffected", "versionType": "semver"},
            {"version": "6.1.83", "lessThanOrEqual": "6.1.*", "status": "unaffected", "versionType": "semver"},
            {"version": "6.6.23", "lessThanOrEqual": "6.6.*", "status": "unaffected", "versionType": "semver"},
            {"version": "6.7.11", "lessThanOrEqual": "6.7.*", "status": "unaffected", "versionType": "semver"},
            {"version": "6.8.2", "lessThanOrEqual": "6.8.*", "status": "unaffected", "versionType": "semver"},
            {"version": "6.9", "lessThanOrEqual": "*", "status": "unaffected", "versionType": "original_commit_for_fix"}]})
    }

    #[test]
    fn a_stable_kernel_is_judged_by_its_branch_fix() {
        let r = taprio();
        let k = |v: &str| evaluate(&r, v, Scheme::Kernel);
        for v in [
            "6.1", "6.1.0", "6.1.82", "6.6.22", "6.7.10", "6.8.1", "6.2.5", "6.9-rc3",
        ] {
            assert_eq!(k(v), Verdict::Affected, "{v}");
        }
        for v in [
            "6.1.83", "6.1.90", "6.6.23", "6.6.60", "6.7.11", "6.8.2", "6.9", "6.12.38",
            "5.15.100", "6.0.19", "4.19.300",
        ] {
            assert_eq!(k(v), Verdict::NotAffected, "{v}");
        }
        // Git tags name releases too.
        let tagged = json!({"defaultStatus": "unaffected", "versions": [
            {"version": "v4.0-rc1", "lessThan": "v6.1.83", "status": "affected", "versionType": "semver"}]});
        assert_eq!(
            evaluate(&tagged, "6.1.82", Scheme::Kernel),
            Verdict::Affected
        );
        assert_eq!(
            evaluate(&tagged, "6.1.83", Scheme::Kernel),
            Verdict::NotAffected
        );
        // Local suffixes (Yocto's `+git`, distribution builds) order as the release.
        assert_eq!(k("6.1.90-yocto-standard"), Verdict::NotAffected);
        assert_eq!(k("6.6.21+git"), Verdict::Affected);
    }

    #[test]
    fn backported_bugs_and_git_only_entries() {
        // CVE-2023-53437 style: unaffected by default, affected in one stable window that a
        // backport opened; and the kernel CNA's git entry, which no release can be judged by.
        let r = json!({"defaultStatus": "unaffected", "versions": [
            {"version": "4.14.224", "lessThan": "4.14.308", "status": "affected", "versionType": "semver"},
            {"version": "4.4.260", "lessThan": "4.5", "status": "affected", "versionType": "semver"}]});
        assert_eq!(evaluate(&r, "4.14.300", Scheme::Kernel), Verdict::Affected);
        assert_eq!(
            evaluate(&r, "4.14.308", Scheme::Kernel),
            Verdict::NotAffected
        );
        assert_eq!(evaluate(&r, "4.4.302", Scheme::Kernel), Verdict::Affected);
        assert_eq!(evaluate(&r, "5.10.1", Scheme::Kernel), Verdict::NotAffected);
        let git = json!({"defaultStatus": "unaffected", "versions": [
            {"version": "a54fc09e4cba", "lessThan": "bd2474a45df7", "status": "affected", "versionType": "git"}]});
        assert!(matches!(
            evaluate(&git, "6.1.50", Scheme::Kernel),
            Verdict::Unknown(_)
        ));
    }

    #[test]
    fn changes_refine_a_range_in_sorted_order() {
        let r = json!({"versions": [{"version": "2.0.0", "versionType": "semver", "lessThan": "2.*",
            "status": "affected", "changes": [
                {"at": "2.6.3", "status": "unaffected"}, {"at": "2.5.2", "status": "unaffected"},
                {"at": "2.6.0", "status": "affected"}]}]});
        let g = |v: &str| evaluate(&r, v, Scheme::Generic);
        assert_eq!(g("2.5.1"), Verdict::Affected);
        assert_eq!(g("2.5.2"), Verdict::NotAffected);
        assert_eq!(g("2.6.2"), Verdict::Affected);
        assert_eq!(g("2.6.3"), Verdict::NotAffected);
        // Outside every entry, with no default: unknown, never "not affected".
        assert!(matches!(g("3.0.0"), Verdict::Unknown(_)));
        assert!(matches!(g("1.9.0"), Verdict::Unknown(_)));
    }

    #[test]
    fn free_text_and_empty_ranges_are_unknown_not_unaffected() {
        // OpenSSL's older records state versions in prose.
        let r = json!({"vendor": "OpenSSL", "product": "OpenSSL", "defaultStatus": "unaffected",
            "versions": [{"status": "affected", "version": "Fixed in OpenSSL 1.1.1d (Affected 1.1.1-1.1.1c)"}]});
        assert!(matches!(
            evaluate(&r, "1.1.1c", Scheme::Generic),
            Verdict::Unknown(_)
        ));
        // curl's CVE-2023-38545 as published: both ranges are empty, no default status.
        let r = json!({"versions": [{"status": "affected", "version": "8.4.0", "lessThan": "8.4.0"},
            {"status": "unaffected", "version": "7.69.0", "lessThan": "7.69.0"}]});
        assert!(matches!(
            evaluate(&r, "8.0.1", Scheme::Generic),
            Verdict::Unknown(_)
        ));
        // A well-formed record (CVE-2024-6119): ranges per branch, unaffected elsewhere.
        let r = json!({"vendor": "OpenSSL", "product": "OpenSSL", "defaultStatus": "unaffected", "versions": [
            {"status": "affected", "version": "3.3.0", "lessThan": "3.3.2", "versionType": "semver"},
            {"status": "affected", "version": "3.0.0", "lessThan": "3.0.15", "versionType": "semver"}]});
        assert_eq!(evaluate(&r, "3.0.14", Scheme::Generic), Verdict::Affected);
        assert_eq!(
            evaluate(&r, "3.0.15", Scheme::Generic),
            Verdict::NotAffected
        );
        assert_eq!(evaluate(&r, "3.2.3", Scheme::Generic), Verdict::NotAffected);
        assert_eq!(evaluate(&r, "3.3.1", Scheme::Generic), Verdict::Affected);
        // A single listed version, compared in the version type the entry names.
        let r = json!({"defaultStatus": "unaffected", "versions": [{"status": "affected", "version": "2010.12"}]});
        assert_eq!(evaluate(&r, "2010.12", Scheme::Generic), Verdict::Affected);
        assert_eq!(
            evaluate(&r, "2011.03", Scheme::Generic),
            Verdict::NotAffected
        );
    }
}
