//! NVD applicability statements: `configurations` of the NVD CVE API 2.0 and the
//! `cpeApplicability` of CVE JSON 5.1 (the same shape), evaluated against the CPE names of
//! a product.
//!
//! A configuration is a list of nodes joined by its `operator` (`OR` when absent); a node is
//! a list of `cpeMatch` entries joined by its `operator`, optionally negated. A `cpeMatch`
//! names a CPE pattern (`criteria`) and, optionally, a version range
//! (`versionStartIncluding` / `versionStartExcluding` / `versionEndIncluding` /
//! `versionEndExcluding`). `vulnerable: false` entries describe the platform a vulnerable
//! component must run on or with (an application on an OS, firmware on a device): an `AND`
//! configuration then needs both in the product.
//!
//! Version bounds compare in a [`Scheme`] chosen by the caller (`generic` for NVD data,
//! `kernel` for the Linux kernel). A bound or a product version that the scheme cannot read
//! makes that entry *unknown*, never silently matched or unmatched.

use crate::cpe::{Av, Wfn};
use crate::{compare, Scheme};
use serde_json::Value;
use std::cmp::Ordering;

/// How the parts of a node or configuration combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// Every part must hold.
    And,
    /// One part suffices.
    Or,
}

/// One `cpeMatch` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct CpeMatch {
    /// Whether a product CPE that matches is vulnerable (`false`: a platform condition).
    pub vulnerable: bool,
    /// The pattern.
    pub criteria: Wfn,
    /// `versionStartIncluding`.
    pub start_including: Option<String>,
    /// `versionStartExcluding`.
    pub start_excluding: Option<String>,
    /// `versionEndIncluding`.
    pub end_including: Option<String>,
    /// `versionEndExcluding`.
    pub end_excluding: Option<String>,
}

/// A node: `cpeMatch` entries joined by an operator.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// How the entries combine.
    pub operator: Operator,
    /// Whether the node's result is inverted.
    pub negate: bool,
    /// The entries.
    pub matches: Vec<CpeMatch>,
}

/// A configuration: nodes joined by an operator.
#[derive(Debug, Clone, PartialEq)]
pub struct Configuration {
    /// How the nodes combine (`OR` when the record does not say).
    pub operator: Operator,
    /// Whether the result is inverted.
    pub negate: bool,
    /// The nodes.
    pub nodes: Vec<Node>,
}

/// Why an applicability statement cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable configuration at {pointer}: {reason}")]
pub struct ConfigError {
    /// JSON Pointer of the offending value, relative to the list given.
    pub pointer: String,
    /// What is wrong with it.
    pub reason: String,
}

fn operator(v: Option<&Value>, at: &dyn Fn() -> String) -> Result<Operator, ConfigError> {
    match v.and_then(Value::as_str) {
        None | Some("OR") => Ok(Operator::Or),
        Some("AND") => Ok(Operator::And),
        Some(other) => Err(ConfigError {
            pointer: at(),
            reason: format!("operator `{other}` (expected AND or OR)"),
        }),
    }
}

/// Read a `configurations` (or `cpeApplicability`) array.
pub fn configurations(v: &Value) -> Result<Vec<Configuration>, ConfigError> {
    let err = |pointer: String, reason: &str| ConfigError {
        pointer,
        reason: reason.to_string(),
    };
    let list = v
        .as_array()
        .ok_or_else(|| err(String::new(), "not an array"))?;
    list.iter()
        .enumerate()
        .map(|(i, c)| read_configuration(c, &format!("/{i}")))
        .collect()
}

/// Read one configuration, as the only element of a `configurations` array (its errors
/// point into `/0`).
pub fn configuration(c: &Value) -> Result<Configuration, ConfigError> {
    read_configuration(c, "/0")
}

fn read_configuration(c: &Value, at: &str) -> Result<Configuration, ConfigError> {
    // Pointers are made only for an error (a matcher reads thousands of configurations).
    let err = |pointer: String, reason: &str| ConfigError {
        pointer,
        reason: reason.to_string(),
    };
    let nodes_v = c
        .get("nodes")
        .and_then(Value::as_array)
        .ok_or_else(|| err(at.to_string(), "no `nodes` array"))?;
    let mut nodes = Vec::with_capacity(nodes_v.len());
    for (j, n) in nodes_v.iter().enumerate() {
        let nat = || format!("{at}/nodes/{j}");
        let ms = n
            .get("cpeMatch")
            .and_then(Value::as_array)
            .ok_or_else(|| err(nat(), "no `cpeMatch` array"))?;
        let mut matches = Vec::with_capacity(ms.len());
        for (k, m) in ms.iter().enumerate() {
            let mat = || format!("{}/cpeMatch/{k}", nat());
            let criteria = m
                .get("criteria")
                .and_then(Value::as_str)
                .ok_or_else(|| err(mat(), "no `criteria`"))?;
            let criteria = Wfn::parse(criteria).map_err(|e| err(mat(), &e.to_string()))?;
            let s = |key: &str| m.get(key).and_then(Value::as_str).map(str::to_string);
            matches.push(CpeMatch {
                vulnerable: m.get("vulnerable").and_then(Value::as_bool).unwrap_or(true),
                criteria,
                start_including: s("versionStartIncluding"),
                start_excluding: s("versionStartExcluding"),
                end_including: s("versionEndIncluding"),
                end_excluding: s("versionEndExcluding"),
            });
        }
        nodes.push(Node {
            operator: operator(n.get("operator"), &nat)?,
            negate: n.get("negate").and_then(Value::as_bool).unwrap_or(false),
            matches,
        });
    }
    Ok(Configuration {
        operator: operator(c.get("operator"), &|| at.to_string())?,
        negate: c.get("negate").and_then(Value::as_bool).unwrap_or(false),
        nodes,
    })
}

/// Three-valued truth: a version that cannot be compared leaves the answer unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Cannot be decided from the data (the reason is in [`Evaluation::unknown`]).
    Unknown,
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    fn combine(op: Operator, items: impl IntoIterator<Item = Truth>) -> Truth {
        let mut unknown = false;
        for t in items {
            match (op, t) {
                (Operator::And, Truth::False) => return Truth::False,
                (Operator::Or, Truth::True) => return Truth::True,
                (_, Truth::Unknown) => unknown = true,
                _ => {}
            }
        }
        match (unknown, op) {
            (true, _) => Truth::Unknown,
            (false, Operator::And) => Truth::True,
            (false, Operator::Or) => Truth::False,
        }
    }
}

/// The answer for one product.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Whether some configuration holds for the product.
    pub applies: Truth,
    /// `(product CPE index, configuration, node, cpeMatch)` of every vulnerable entry a
    /// product CPE matched in a configuration that holds (or is unknown).
    pub vulnerable: Vec<(usize, usize, usize, usize)>,
    /// Why entries could not be decided.
    pub unknown: Vec<String>,
}

impl CpeMatch {
    /// Whether `target` matches this entry: the pattern (version ignored when a range is
    /// given) and the range, compared in `scheme`.
    pub fn test(&self, target: &Wfn, scheme: Scheme, unknown: &mut Vec<String>) -> Truth {
        let ranged = self.start_including.is_some()
            || self.start_excluding.is_some()
            || self.end_including.is_some()
            || self.end_excluding.is_some();
        let mut pattern = self.criteria.clone();
        if ranged {
            pattern.attrs[3] = Av::Any;
        }
        if !pattern.matches(target) {
            return Truth::False;
        }
        if !ranged {
            return Truth::True;
        }
        let Some(version) = target.version().unquoted() else {
            // A product CPE without a version cannot be placed in a range.
            unknown.push(format!("{target}: no version to compare with a range"));
            return Truth::Unknown;
        };
        let bounds = [
            (&self.start_including, [Ordering::Greater, Ordering::Equal]),
            (
                &self.start_excluding,
                [Ordering::Greater, Ordering::Greater],
            ),
            (&self.end_including, [Ordering::Less, Ordering::Equal]),
            (&self.end_excluding, [Ordering::Less, Ordering::Less]),
        ];
        for (bound, ok) in bounds {
            let Some(b) = bound else { continue };
            match compare(scheme, &version, b) {
                Ok(o) if ok.contains(&o) => {}
                Ok(_) => return Truth::False,
                Err(e) => {
                    unknown.push(format!("{target} against `{b}`: {e}"));
                    return Truth::Unknown;
                }
            }
        }
        Truth::True
    }
}

/// Evaluate `configs` for a product whose components and platform are named by `product`.
pub fn evaluate(configs: &[Configuration], product: &[Wfn], scheme: Scheme) -> Evaluation {
    evaluate_on(configs, product, &[], scheme)
}

/// Evaluate `configs` for the components `product` running on `platform`: the platform's
/// CPEs answer only the `vulnerable: false` entries (the OS or device a configuration needs),
/// never a vulnerable one, so a platform cannot make a finding of its own here, and a
/// platform CPE without a version never makes a ranged entry undecidable.
pub fn evaluate_on(
    configs: &[Configuration],
    product: &[Wfn],
    platform: &[Wfn],
    scheme: Scheme,
) -> Evaluation {
    let mut unknown = Vec::new();
    let mut vulnerable = Vec::new();
    let mut any = Vec::with_capacity(configs.len());
    for (ci, c) in configs.iter().enumerate() {
        let mut hits = Vec::new();
        let node_truths: Vec<Truth> = c
            .nodes
            .iter()
            .enumerate()
            .map(|(ni, n)| {
                let per_match: Vec<Truth> = n
                    .matches
                    .iter()
                    .enumerate()
                    .map(|(mi, m)| {
                        let targets = product
                            .iter()
                            .chain(platform.iter().filter(|_| !m.vulnerable));
                        let per_target: Vec<Truth> = targets
                            .enumerate()
                            .map(|(pi, t)| {
                                let r = m.test(t, scheme, &mut unknown);
                                if r != Truth::False && m.vulnerable && !n.negate {
                                    hits.push((pi, ci, ni, mi));
                                }
                                r
                            })
                            .collect();
                        Truth::combine(Operator::Or, per_target)
                    })
                    .collect();
                let t = Truth::combine(n.operator, per_match);
                if n.negate {
                    t.not()
                } else {
                    t
                }
            })
            .collect();
        let t = Truth::combine(c.operator, node_truths);
        let t = if c.negate { t.not() } else { t };
        if t != Truth::False {
            vulnerable.extend(hits);
        }
        any.push(t);
    }
    Evaluation {
        applies: Truth::combine(Operator::Or, any),
        vulnerable,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn w(s: &str) -> Wfn {
        Wfn::parse(s).unwrap()
    }

    #[test]
    fn a_platform_answers_only_platform_conditions() {
        // curl and Debian both marked vulnerable in one OR node: Debian as the platform
        // must not make curl 8.4.0 affected.
        let configs = configurations(&json!([{"nodes": [{"operator": "OR", "cpeMatch": [
            {"vulnerable": true, "criteria": "cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*", "versionEndExcluding": "7.70.0"},
            {"vulnerable": true, "criteria": "cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*"}]}]}]))
        .unwrap();
        let curl = w("cpe:2.3:a:haxx:curl:8.4.0:*:*:*:*:*:*:*");
        let debian = w("cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*");
        let e = evaluate_on(&configs, &[curl], &[debian], Scheme::Generic);
        assert_eq!(e.applies, Truth::False);
        // A platform without a version does not make a ranged vulnerable entry unknown.
        let kernel = configurations(&json!([{"nodes": [{"operator": "OR", "cpeMatch": [
            {"vulnerable": true, "criteria": "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*",
             "versionStartIncluding": "6.1", "versionEndExcluding": "6.1.52"}]}]}]))
        .unwrap();
        let k = w("cpe:2.3:o:linux:linux_kernel:6.1.55:*:*:*:*:*:*:*");
        let any_linux = w("cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*");
        let e = evaluate_on(&kernel, &[k], &[any_linux], Scheme::Kernel);
        assert_eq!(e.applies, Truth::False);
    }

    #[test]
    fn ranges_and_running_on() {
        // An application vulnerable before 2.4.58, only when running on a given OS.
        let configs = configurations(&json!([{
            "operator": "AND",
            "nodes": [
                {"operator": "OR", "negate": false, "cpeMatch": [
                    {"vulnerable": true, "criteria": "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*",
                     "versionStartIncluding": "2.4.0", "versionEndExcluding": "2.4.58"}]},
                {"operator": "OR", "negate": false, "cpeMatch": [
                    {"vulnerable": false, "criteria": "cpe:2.3:o:acme:gateway_os:-:*:*:*:*:*:*:*"}]}
            ]
        }]))
        .unwrap();
        let httpd = |v: &str| w(&format!("cpe:2.3:a:apache:http_server:{v}:*:*:*:*:*:*:*"));
        let os = w("cpe:2.3:o:acme:gateway_os:-:*:*:*:*:*:*:*");
        let e = evaluate(&configs, &[httpd("2.4.57"), os.clone()], Scheme::Generic);
        assert_eq!(e.applies, Truth::True);
        assert_eq!(e.vulnerable, vec![(0, 0, 0, 0)]);
        // Fixed version, or the platform absent: does not apply.
        let e = evaluate(&configs, &[httpd("2.4.58"), os.clone()], Scheme::Generic);
        assert_eq!(e.applies, Truth::False);
        let e = evaluate(&configs, &[httpd("2.4.57")], Scheme::Generic);
        assert_eq!(e.applies, Truth::False);
        assert!(e.vulnerable.is_empty());
        // A version the scheme cannot read: unknown, with the reason.
        let e = evaluate(&configs, &[httpd("next"), os], Scheme::Generic);
        assert_eq!(e.applies, Truth::Unknown);
        assert!(e.unknown[0].contains("next"), "{:?}", e.unknown);
    }

    #[test]
    fn negated_nodes_and_kernel_branches() {
        let configs = configurations(
            &json!([{"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
            {"vulnerable": true, "criteria": "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*",
             "versionStartIncluding": "6.1", "versionEndExcluding": "6.1.52"},
            {"vulnerable": true, "criteria": "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*",
             "versionStartIncluding": "6.2", "versionEndExcluding": "6.5.2"}]}]}]),
        )
        .unwrap();
        let k = |v: &str| w(&format!("cpe:2.3:o:linux:linux_kernel:{v}:*:*:*:*:*:*:*"));
        assert_eq!(
            evaluate(&configs, &[k("6.1.51")], Scheme::Kernel).applies,
            Truth::True
        );
        assert_eq!(
            evaluate(&configs, &[k("6.1.55")], Scheme::Kernel).applies,
            Truth::False
        );
        assert_eq!(
            evaluate(&configs, &[k("6.4.16")], Scheme::Kernel).applies,
            Truth::True
        );
        assert_eq!(
            evaluate(&configs, &[k("6.10")], Scheme::Kernel).applies,
            Truth::False
        );
        let negated = configurations(
            &json!([{"nodes": [{"operator": "OR", "negate": true, "cpeMatch": [
            {"vulnerable": false, "criteria": "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*"}]}]}]),
        )
        .unwrap();
        assert_eq!(
            evaluate(&negated, &[k("6.1")], Scheme::Kernel).applies,
            Truth::False
        );
        assert_eq!(evaluate(&negated, &[], Scheme::Kernel).applies, Truth::True);
        assert!(
            configurations(&json!([{"nodes": [{"operator": "XOR", "cpeMatch": []}]}])).is_err()
        );
    }
}
