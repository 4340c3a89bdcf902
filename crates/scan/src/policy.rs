//! CI policy: which findings fail a build (`craft scan --fail-on`, `craft.toml`'s
//! `[policy] fail-on`).

use crate::{Finding, FindingStatus};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One `--fail-on` level. A finding meets it when it is affected and matches, except
/// [`FailOn::Unknown`], which is met by undecided findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Listed in CISA KEV (exploited in the wild).
    Kev,
    /// CVSS >= 9.0.
    Critical,
    /// CVSS >= 7.0.
    High,
    /// CVSS >= 4.0.
    Medium,
    /// Any affected finding.
    Any,
    /// Any undecided finding.
    Unknown,
}

impl FailOn {
    /// Every level, in the order of its name in [`FailOn::NAMES`].
    pub const ALL: [FailOn; 6] = [
        FailOn::Kev,
        FailOn::Critical,
        FailOn::High,
        FailOn::Medium,
        FailOn::Any,
        FailOn::Unknown,
    ];
    /// The level names as written on the command line and in `craft.toml`.
    pub const NAMES: [&'static str; 6] = ["kev", "critical", "high", "medium", "any", "unknown"];

    /// The name of this level.
    pub fn name(self) -> &'static str {
        match self {
            FailOn::Kev => "kev",
            FailOn::Critical => "critical",
            FailOn::High => "high",
            FailOn::Medium => "medium",
            FailOn::Any => "any",
            FailOn::Unknown => "unknown",
        }
    }

    /// Whether `f` meets this level.
    pub fn hit(self, f: &Finding) -> bool {
        let score = f.cvss_score();
        let affected = f.status == FindingStatus::Affected;
        match self {
            FailOn::Kev => affected && f.kev.is_some(),
            FailOn::Critical => affected && score.is_some_and(|s| s >= 9.0),
            FailOn::High => affected && score.is_some_and(|s| s >= 7.0),
            FailOn::Medium => affected && score.is_some_and(|s| s >= 4.0),
            FailOn::Any => affected,
            FailOn::Unknown => f.status == FindingStatus::Unknown,
        }
    }

    /// Whether `f` meets any of `levels`.
    pub fn any_hit(levels: &[FailOn], f: &Finding) -> bool {
        levels.iter().any(|l| l.hit(f))
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A level name that is not one of [`FailOn::NAMES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fail-on level `{0}` (expected one of: kev, critical, high, medium, any, unknown)")]
pub struct UnknownLevel(pub String);

impl FromStr for FailOn {
    type Err = UnknownLevel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FailOn::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| UnknownLevel(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_the_table() {
        for (l, n) in FailOn::ALL.into_iter().zip(FailOn::NAMES) {
            assert_eq!(l.name(), n);
            assert_eq!(n.parse::<FailOn>(), Ok(l));
        }
        assert!("severe".parse::<FailOn>().is_err());
    }
}
