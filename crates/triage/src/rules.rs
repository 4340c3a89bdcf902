//! The product's own triage rules (`triage.toml` in the product directory).
//!
//! ```toml
//! [[rule]]
//! id = "no-bluetooth-radio"
//! reason = "The AGW-200 has no Bluetooth radio; bluez is in the image for the CLI tools only."
//! status = "not_affected"                      # the default
//! justification = "vulnerable_code_not_in_execute_path"
//! expires = "2027-06-30"                       # optional; once passed, `craft check` fails
//! components = ["bluez", "pkg:deb/debian/bluez*"]
//! vulnerabilities = ["CVE-2024-*"]
//! ```
//!
//! A rule matches a finding when every condition it states holds: `vulnerabilities` (the id
//! or an alias; `*` globs), `components` (the component's name, or a purl or CPE its SBOM
//! states; `*` globs), `cwes` (`CWE-79`; `79` and `cwe-079` are read as `CWE-79`),
//! `max_severity` (the finding's CVSS severity is at most this; a finding without a score
//! never matches it), `config_set` / `config_not_set` (kernel configuration symbols set or
//! not in the product's kernel `.config`; never without one). A pattern that is only `*` is
//! refused: it would match everything. A rule must state at least one
//! condition and a `reason`; a `not_affected` rule needs a justification. The first rule
//! that matches decides; a rule past its `expires` date decides nothing and is reported.

use crate::{Decision, Justification, Layer, Status};
use craft_model::glob;
use serde::Deserialize;
use std::collections::BTreeSet;

/// Why `triage.toml` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct RulesError {
    /// The file.
    pub file: String,
    /// Line (1-based; 0 when the place is the whole file).
    pub line: usize,
    /// Column (1-based).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// One rule, as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Its id (unique in the file), cited by every decision it makes.
    pub id: String,
    /// Why the rule holds: the evidence, in words an auditor can check.
    pub reason: String,
    /// The status it decides (`not_affected` by default).
    #[serde(default = "not_affected")]
    pub status: String,
    /// For `not_affected`: one of the five VEX justifications.
    #[serde(default)]
    pub justification: Option<String>,
    /// The last day the rule holds (`YYYY-MM-DD`, quoted or a TOML date); after it, it
    /// decides nothing.
    #[serde(default, deserialize_with = "date_or_string")]
    pub expires: Option<String>,
    /// Vulnerability ids or aliases (`*` globs).
    #[serde(default)]
    pub vulnerabilities: Vec<String>,
    /// Component names, or purls or CPEs as the SBOM states them (`*` globs).
    #[serde(default)]
    pub components: Vec<String>,
    /// CWE ids (`CWE-79`).
    #[serde(default)]
    pub cwes: Vec<String>,
    /// The highest CVSS severity the rule covers (`none`, `low`, `medium`, `high`,
    /// `critical`).
    #[serde(default)]
    pub max_severity: Option<String>,
    /// Kernel configuration symbols that must be set (`y`, `m` or a value) in the
    /// product's kernel `.config` (`[kernel] config` in craft.toml) for the rule to hold.
    #[serde(default)]
    pub config_set: Vec<String>,
    /// Kernel configuration symbols that must not be set there.
    #[serde(default)]
    pub config_not_set: Vec<String>,
}

/// A TOML date (`2027-06-30`) or a string, as text.
fn date_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DateLike {
        Text(String),
        Date(toml::value::Datetime),
    }
    Ok(Some(match DateLike::deserialize(d)? {
        DateLike::Text(t) => t,
        DateLike::Date(d) => d.to_string(),
    }))
}

/// `CWE-<n>` from `CWE-79`, `cwe-079` or `79`.
fn cwe(c: &str) -> Option<String> {
    let t = c.trim();
    let n = t
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("cwe-"))
        .map_or(t, |_| &t[4..]);
    let n: u32 = n.parse().ok().filter(|n| *n > 0)?;
    Some(format!("CWE-{n}"))
}

fn not_affected() -> String {
    "not_affected".to_string()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rule: Vec<toml::Spanned<Rule>>,
}

/// A checked rule set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    /// The rules, in file order, each with the line it starts on.
    pub rules: Vec<(usize, Rule)>,
    /// The file they came from.
    pub file: String,
}

/// What a rule is asked about: one finding.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The vulnerability id.
    pub vulnerability: &'a str,
    /// Its aliases.
    pub aliases: &'a [String],
    /// The component's name.
    pub component: &'a str,
    /// Its identifiers: the purls and CPEs its SBOM states.
    pub ids: &'a [String],
    /// CWE ids.
    pub cwes: &'a [String],
    /// The highest CVSS base score, if any.
    pub score: Option<f64>,
    /// The product's kernel configuration, when it has one (`config_set`/`config_not_set`
    /// rules never hold without it).
    pub kernel_config: Option<&'a craft_kernel::Config>,
}

const SEVERITIES: [&str; 5] = ["none", "low", "medium", "high", "critical"];

/// The CVSS v3/v4 qualitative severity of a base score, as its rank in [`SEVERITIES`].
fn severity_rank(score: f64) -> usize {
    match score {
        s if s <= 0.0 => 0,
        s if s < 4.0 => 1,
        s if s < 7.0 => 2,
        s if s < 9.0 => 3,
        _ => 4,
    }
}

/// Whether `d` is a real calendar date written `YYYY-MM-DD`.
fn is_date(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| d.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(y), Some(m), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
        && d.bytes()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

impl Rule {
    /// Whether every condition the rule states holds for `s`.
    pub fn matches(&self, s: &Subject<'_>) -> bool {
        let any = |pats: &[String], texts: &mut dyn Iterator<Item = &str>| {
            let texts: Vec<&str> = texts.collect();
            pats.iter().any(|p| texts.iter().any(|t| glob(p, t)))
        };
        (self.vulnerabilities.is_empty()
            || any(
                &self.vulnerabilities,
                &mut std::iter::once(s.vulnerability).chain(s.aliases.iter().map(String::as_str)),
            ))
            && (self.components.is_empty()
                || any(
                    &self.components,
                    &mut std::iter::once(s.component).chain(s.ids.iter().map(String::as_str)),
                ))
            && (self.cwes.is_empty() || self.cwes.iter().any(|c| s.cwes.contains(c)))
            && self.max_severity.as_deref().is_none_or(|m| {
                let max = SEVERITIES.iter().position(|x| *x == m).unwrap_or(0);
                s.score.is_some_and(|sc| severity_rank(sc) <= max)
            })
            && (self.config_set.is_empty() && self.config_not_set.is_empty()
                || s.kernel_config.is_some_and(|k| {
                    // A symbol the .config states unreadably is neither set nor unset.
                    let known = |x: &String| !k.unreadable.contains(x.as_str());
                    self.config_set
                        .iter()
                        .all(|x| known(x) && k.symbols.contains_key(x.as_str()))
                        && self
                            .config_not_set
                            .iter()
                            .all(|x| known(x) && !k.symbols.contains_key(x.as_str()))
                }))
    }

    /// Whether the rule is past its last day on `today` (`YYYY-MM-DD`).
    pub fn expired(&self, today: &str) -> bool {
        self.expires.as_deref().is_some_and(|e| e < today)
    }

    /// The decision the rule makes.
    pub fn decision(&self) -> Decision {
        let status = Status::from_name(&self.status).unwrap_or(Status::UnderInvestigation);
        Decision {
            status,
            justification: self
                .justification
                .as_deref()
                .and_then(Justification::from_name),
            layer: Layer::Rule,
            reason: format!(
                "triage.toml rule `{}`: {}{}",
                self.id,
                self.reason,
                if self.config_set.is_empty() && self.config_not_set.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (kernel .config: {})",
                        self.config_set
                            .iter()
                            .map(|x| format!("{x} is set"))
                            .chain(
                                self.config_not_set
                                    .iter()
                                    .map(|x| format!("{x} is not set"))
                            )
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ),
            files: Vec::new(),
        }
    }
}

impl Rules {
    /// Read and check `triage.toml` text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Rules, RulesError> {
        let line_col = |offset: usize| {
            let before = text.get(..offset).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (line, column)
        };
        let err = |offset: Option<usize>, message: String| {
            let (line, column) = offset.map_or((0, 0), line_col);
            RulesError {
                file: file.to_string(),
                line,
                column,
                message,
            }
        };
        let parsed: File = toml::from_str(text)
            .map_err(|e| err(e.span().map(|s| s.start), e.message().to_string()))?;
        let mut ids = BTreeSet::new();
        let mut rules = Vec::new();
        for spanned in parsed.rule {
            let at = Some(spanned.span().start);
            let (line, _) = line_col(spanned.span().start);
            let mut r = spanned.into_inner();
            let bad = |m: String| err(at, format!("rule `{}`: {m}", r.id));
            let mut cwes = Vec::new();
            for c in &r.cwes {
                cwes.push(cwe(c).ok_or_else(|| bad(format!("`{c}` is not a CWE id (CWE-79)")))?);
            }
            if let Some(p) = r
                .vulnerabilities
                .iter()
                .chain(&r.components)
                .find(|p| p.chars().all(|c| c == '*'))
            {
                return Err(bad(format!(
                    "the pattern `{p}` matches everything; name what the rule is about"
                )));
            }
            if r.id.trim().is_empty() {
                return Err(err(at, "a rule needs an `id`".into()));
            }
            if !ids.insert(r.id.clone()) {
                return Err(bad("the id is used twice".into()));
            }
            if r.reason.trim().is_empty() {
                return Err(bad(
                    "a rule needs a `reason`: the evidence an auditor can check".into(),
                ));
            }
            let Some(status) = Status::from_name(&r.status) else {
                return Err(bad(format!(
                    "unknown status `{}` (not_affected, affected, under_investigation, fixed)",
                    r.status
                )));
            };
            match (&r.justification, status) {
                (Some(j), _) if Justification::from_name(j).is_none() => {
                    return Err(bad(format!("unknown justification `{j}` (component_not_present, vulnerable_code_not_present, vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist)")));
                }
                (None, Status::NotAffected) => {
                    return Err(bad("a `not_affected` rule needs a `justification`".into()));
                }
                (Some(_), s) if s != Status::NotAffected => {
                    return Err(bad("only a `not_affected` rule has a justification".into()));
                }
                _ => {}
            }
            if let Some(e) = r.expires.as_deref().filter(|e| !is_date(e)) {
                return Err(bad(format!(
                    "`expires = \"{e}\"` is not a date (YYYY-MM-DD)"
                )));
            }
            if let Some(m) = r
                .max_severity
                .as_deref()
                .filter(|m| !SEVERITIES.contains(m))
            {
                return Err(bad(format!(
                    "unknown severity `{m}` (none, low, medium, high, critical)"
                )));
            }
            if r.vulnerabilities.is_empty()
                && r.components.is_empty()
                && r.cwes.is_empty()
                && r.max_severity.is_none()
            {
                return Err(bad(
                    "a rule needs a condition (vulnerabilities, components, cwes, max_severity); one without would decide every finding".into(),
                ));
            }
            if let Some(x) = r.config_set.iter().chain(&r.config_not_set).find(|x| {
                !x.starts_with("CONFIG_")
                    || x.len() == 7
                    || !x[7..]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
            }) {
                return Err(bad(format!(
                    "`{x}` is not a kernel configuration symbol (CONFIG_FOO)"
                )));
            }
            if (!r.config_set.is_empty() || !r.config_not_set.is_empty())
                && r.vulnerabilities.is_empty()
                && r.components.is_empty()
            {
                return Err(bad(
                    "a rule on kernel configuration symbols also names the vulnerabilities or components it is about".into(),
                ));
            }
            r.cwes = cwes;
            rules.push((line, r));
        }
        Ok(Rules {
            rules,
            file: file.to_string(),
        })
    }

    /// The first rule in force on `today` that matches `s`.
    pub fn decide(&self, s: &Subject<'_>, today: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .map(|(_, r)| r)
            .find(|r| !r.expired(today) && r.matches(s))
    }

    /// The rules past their last day on `today`, with their lines.
    pub fn expired(&self, today: &str) -> Vec<(usize, &Rule)> {
        self.rules
            .iter()
            .filter(|(_, r)| r.expired(today))
            .map(|(l, r)| (*l, r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject<'a>(v: &'a str, c: &'a str, cwes: &'a [String], score: Option<f64>) -> Subject<'a> {
        Subject {
            vulnerability: v,
            aliases: &[],
            component: c,
            ids: &[],
            cwes,
            score,
            kernel_config: None,
        }
    }

    const GOOD: &str = r#"
[[rule]]
id = "no-bluetooth"
reason = "No Bluetooth radio on the board."
justification = "vulnerable_code_not_in_execute_path"
components = ["bluez", "pkg:deb/debian/bluez*"]
expires = "2027-06-30"

[[rule]]
id = "low-web"
reason = "The web UI is reachable only from the service port."
status = "under_investigation"
cwes = ["CWE-79"]
max_severity = "medium"

[[rule]]
id = "dated"
reason = "A TOML date and a CWE written loosely."
status = "affected"
cwes = ["cwe-0416", "121"]
expires = 2027-01-31
"#;

    #[test]
    fn rules_match_on_every_stated_condition() {
        let r = Rules::parse(GOOD, "triage.toml").expect("parse");
        assert_eq!(r.rules[0].0, 2);
        assert_eq!(r.rules[1].0, 9);
        let libs_ids = ["pkg:deb/debian/bluez-libs@5.66-1".to_string()];
        let mut libs = subject("CVE-2024-1", "bluez-libs", &[], None);
        libs.ids = &libs_ids;
        assert!(r.decide(&libs, "2026-11-29").is_some());
        let other_ids = ["pkg:deb/debian/libbluetooth3@5.66-1".to_string()];
        let mut other = subject("CVE-2024-1", "bluez-libs", &[], None);
        other.ids = &other_ids;
        assert!(r.decide(&other, "2026-11-29").is_none());
        let xss = vec!["CWE-79".to_string()];
        let s = subject("CVE-2024-1", "bluez", &[], None);
        let d = r.decide(&s, "2026-11-29").expect("decided").decision();
        assert_eq!(d.status, Status::NotAffected);
        assert!(d.reason.contains("`no-bluetooth`") && d.reason.contains("radio"));
        // By its identity too; and no longer once expired.
        let ids = ["pkg:deb/debian/bluez@5.66-1".to_string()];
        let mut s = subject("CVE-2024-1", "libbluetooth3", &[], None);
        s.ids = &ids;
        assert!(r.decide(&s, "2027-06-30").is_some());
        assert!(r.decide(&s, "2027-07-01").is_none());
        assert_eq!(r.expired("2027-07-01").len(), 2);
        assert_eq!(r.expired("2027-02-01")[0].1.id, "dated");
        // CWE and severity both needed; no score never matches a severity bound.
        let s = subject("CVE-2024-2", "web", &xss, Some(6.1));
        assert_eq!(
            r.decide(&s, "2026-11-29").map(|r| r.id.as_str()),
            Some("low-web")
        );
        assert!(r
            .decide(&subject("CVE-2024-2", "web", &xss, Some(7.5)), "2026-11-29")
            .is_none());
        assert!(r
            .decide(&subject("CVE-2024-2", "web", &xss, None), "2026-11-29")
            .is_none());
        assert!(r
            .decide(&subject("CVE-2024-2", "web", &[], Some(5.0)), "2026-11-29")
            .is_none());
    }

    #[test]
    fn globs() {
        assert!(glob("CVE-2024-*", "CVE-2024-1234"));
        assert!(!glob("CVE-2024-*", "CVE-2023-1234"));
        assert!(glob("pkg:*/bluez*", "pkg:deb/debian/bluez"));
        assert!(glob("*", ""));
        assert!(!glob("a*a", "a"));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxcyyb"));
    }

    #[test]
    fn bad_rules_are_refused_with_their_place() {
        let cases = [
            ("[[rule]]\nid = \"a\"\nreason = \"\"\njustification = \"vulnerable_code_not_present\"\ncwes = [\"CWE-1\"]\n", "needs a `reason`"),
            ("[[rule]]\nid = \"a\"\nreason = \"r\"\ncwes = [\"CWE-1\"]\n", "needs a `justification`"),
            ("[[rule]]\nid = \"a\"\nreason = \"r\"\njustification = \"because\"\ncwes = [\"CWE-1\"]\n", "unknown justification"),
            ("[[rule]]\nid = \"a\"\nreason = \"r\"\nstatus = \"affected\"\n", "needs a condition"),
            ("[[rule]]\nid = \"a\"\nreason = \"r\"\nstatus = \"affected\"\ncwes = [\"CWE-1\"]\nexpires = \"2027-02-30\"\n", "not a date"),
            ("[[rule]]\nid = \"a\"\nreason = \"r\"\nstatus = \"maybe\"\ncwes = [\"CWE-1\"]\n", "unknown status"),
            ("[[rule]]\nid = \"a\"\nreason = \"r\"\nstatus = \"affected\"\ncwe = [\"CWE-1\"]\n", "unknown field"),
            ("[[rule]]\nid = \"a\"\nreason = \"r\"\nstatus = \"affected\"\ncwes = [\"CWE-1\"]\n[[rule]]\nid = \"a\"\nreason = \"r\"\nstatus = \"affected\"\ncwes = [\"CWE-1\"]\n", "used twice"),
            ("[[rule]\n", ""),
        ];
        for (text, want) in cases {
            let e = Rules::parse(text, "p/triage.toml").expect_err(text);
            assert!(e.message.contains(want), "{text}: {e}");
            assert!(e.line >= 1, "{text}: {e}");
            assert!(e.to_string().starts_with("p/triage.toml:"), "{e}");
        }
        assert_eq!(cwe("cwe-079").as_deref(), Some("CWE-79"));
        assert_eq!(cwe("CWE-0"), None);
        let everything =
            "[[rule]]\nid = \"a\"\nreason = \"r\"\nstatus = \"affected\"\ncomponents = [\"**\"]\n";
        let e = Rules::parse(everything, "t").expect_err("catch-all");
        assert!(e.message.contains("matches everything"), "{e}");
        let e = Rules::parse(
            "[[rule]]\nid = \"a\"\nreason = \"r\"\nstatus = \"affected\"\ncwes = [\"XSS\"]\n",
            "t",
        )
        .expect_err("cwe");
        assert!(e.message.contains("not a CWE id"), "{e}");
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-1-01"));
    }

    #[test]
    fn kernel_configuration_conditions() {
        let text = "[[rule]]\nid = \"no-bt\"\nreason = \"no Bluetooth radio on the board\"\n\
            justification = \"vulnerable_code_not_present\"\ncomponents = [\"linux\"]\n\
            vulnerabilities = [\"CVE-*\"]\nconfig_not_set = [\"CONFIG_BT\"]\nconfig_set = [\"CONFIG_NET\"]\n";
        let rules = Rules::parse(text, "t").unwrap();
        let without = craft_kernel::Config::parse("CONFIG_NET=y\n# CONFIG_BT is not set\n");
        let with = craft_kernel::Config::parse("CONFIG_NET=y\nCONFIG_BT=m\n");
        let mut s = subject("CVE-2024-1", "linux", &[], None);
        assert!(
            rules.decide(&s, "2026-01-01").is_none(),
            "no .config: never holds"
        );
        s.kernel_config = Some(&without);
        let r = rules.decide(&s, "2026-01-01").expect("holds");
        assert!(r
            .decision()
            .reason
            .ends_with("(kernel .config: CONFIG_NET is set, CONFIG_BT is not set)"));
        s.kernel_config = Some(&with);
        assert!(rules.decide(&s, "2026-01-01").is_none());
        for (bad, why) in [
            (
                text.replace("\"CONFIG_BT\"", "\"BT\""),
                "not a kernel configuration symbol",
            ),
            (
                text.replace("\"CONFIG_BT\"", "\"CONFIG_\""),
                "not a kernel configuration symbol",
            ),
            (
                text.replace("components = [\"linux\"]\n", "")
                    .replace("vulnerabilities = [\"CVE-*\"]\n", "cwes = [\"CWE-79\"]\n"),
                "also names the vulnerabilities or components",
            ),
        ] {
            let e = Rules::parse(&bad, "t").expect_err(why);
            assert!(e.message.contains(why), "{e}");
        }
    }
}
