//! One evaluation function for every kind of affected range craft reads:
//! `(version, range, scheme) → affected / not affected / unknown, because…`.

use crate::cpe::{quote, Av, Wfn};
use crate::npm::NpmRange;
use crate::nvd::{CpeMatch, Truth};
use crate::vers::Range;
use crate::Scheme;

/// The answer for one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Inside the range.
    Affected,
    /// Outside the range.
    NotAffected,
    /// Cannot be decided, and why (an unreadable version, a git-only range…).
    Unknown(String),
}

/// An affected range in one of the forms advisories use.
#[derive(Debug, Clone)]
pub enum AffectedRange {
    /// A `vers:` range (its own scheme decides the order).
    Vers(Range),
    /// An OSV `affected[]` entry (`ranges` and `versions`).
    Osv(serde_json::Value),
    /// A CVE 5 `affected[]` product entry (`versions` and `defaultStatus`).
    Cve5(serde_json::Value),
    /// An NVD `cpeMatch` (its version bounds, or the exact version of its criteria).
    Nvd(Box<CpeMatch>),
    /// An npm range.
    Npm(NpmRange),
}

/// Whether `version` lies in `range`, ordering versions in `scheme` (a `vers` range uses
/// its own scheme; an npm range reads npm versions).
pub fn evaluate(version: &str, range: &AffectedRange, scheme: Scheme) -> Verdict {
    let yes_no = |b: bool| {
        if b {
            Verdict::Affected
        } else {
            Verdict::NotAffected
        }
    };
    match range {
        AffectedRange::Vers(r) => match r.contains(version) {
            Ok(b) => yes_no(b),
            Err(e) => Verdict::Unknown(e.to_string()),
        },
        AffectedRange::Osv(v) => crate::osv::evaluate(v, version, scheme),
        AffectedRange::Cve5(v) => crate::cve5::evaluate(v, version, scheme),
        AffectedRange::Npm(r) => match crate::semver::parse(Scheme::Npm, version) {
            Ok(v) => yes_no(r.satisfies(&v)),
            Err(e) => Verdict::Unknown(e.to_string()),
        },
        AffectedRange::Nvd(m) => {
            let Some(quoted) = quote(version) else {
                return Verdict::Unknown(format!("`{version}` cannot be a CPE version"));
            };
            let mut target: Wfn = m.criteria.clone();
            target.attrs[3] = Av::Value(quoted);
            let mut why = Vec::new();
            match m.test(&target, scheme, &mut why) {
                Truth::True => Verdict::Affected,
                Truth::False => Verdict::NotAffected,
                Truth::Unknown => Verdict::Unknown(why.join("; ")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_form_answers_the_same_question() {
        let vers = AffectedRange::Vers(Range::parse("vers:deb/>=1.0|<1.2-1").unwrap());
        assert_eq!(evaluate("1.1-3", &vers, Scheme::Deb), Verdict::Affected);
        assert_eq!(evaluate("1.2-1", &vers, Scheme::Deb), Verdict::NotAffected);
        assert!(matches!(
            evaluate("x", &vers, Scheme::Deb),
            Verdict::Unknown(_)
        ));
        let osv = AffectedRange::Osv(json!({"ranges": [{"type": "ECOSYSTEM",
            "events": [{"introduced": "1.0"}, {"fixed": "1.2-1"}]}]}));
        assert_eq!(evaluate("1.1-3", &osv, Scheme::Deb), Verdict::Affected);
        let nvd = crate::nvd::configurations(&json!([{"nodes": [{"operator": "OR", "cpeMatch": [
            {"vulnerable": true, "criteria": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
             "versionStartIncluding": "3.0.0", "versionEndExcluding": "3.0.12"}]}]}]))
        .unwrap();
        let m = AffectedRange::Nvd(Box::new(nvd[0].nodes[0].matches[0].clone()));
        assert_eq!(evaluate("3.0.11", &m, Scheme::Generic), Verdict::Affected);
        assert_eq!(
            evaluate("3.0.12", &m, Scheme::Generic),
            Verdict::NotAffected
        );
        let npm = AffectedRange::Npm(NpmRange::parse("<4.17.21").unwrap());
        assert_eq!(evaluate("4.17.20", &npm, Scheme::Npm), Verdict::Affected);
        assert!(matches!(
            evaluate("4.17", &npm, Scheme::Npm),
            Verdict::Unknown(_)
        ));
    }
}
