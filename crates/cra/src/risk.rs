//! Attack feasibility and risk ratings (ISO/SAE 21434 Annexes G and H), as data.
//!
//! The foundation of `craft risk` (issue #8): the attack-potential factor tables, the mapping
//! of the attack-potential sum to a feasibility rating, the attack-vector approach, and the
//! risk matrix, read from `data/risk.toml` or from a product's own tables (the standard's
//! annexes are informative examples a maker may customise). The values come from secondary
//! sources (docs/research/iso21434-risk-tables.md), UNCONFIRMED against a licensed copy.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// An attack feasibility rating (ISO/SAE 21434 15.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Feasibility {
    /// Very high effort.
    VeryLow,
    /// High effort.
    Low,
    /// Medium effort.
    Medium,
    /// Low effort.
    High,
}

/// An impact rating (ISO/SAE 21434 Annex F).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// Negligible.
    Negligible,
    /// Moderate.
    Moderate,
    /// Major.
    Major,
    /// Severe.
    Severe,
}

/// The attack vector of an entry point (CVSS terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Vector {
    /// Over a network, remotely.
    Network,
    /// From an adjacent network (radio range, the same LAN).
    Adjacent,
    /// Local access (a logged-in process, a local interface).
    Local,
    /// Physical access.
    Physical,
}

/// One level of a factor.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Its id (`one-week`).
    pub id: String,
    /// What it means.
    pub text: String,
    /// Its attack-potential value.
    pub value: u32,
}

/// An attack-potential factor.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    /// Its id (`elapsed-time`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Where it is tabulated.
    pub table: String,
    /// Its levels, easiest first.
    pub levels: Vec<Level>,
}

/// A feasibility band of Table G.7.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The rating.
    pub rating: Feasibility,
    /// The highest sum it covers (none for the last band).
    #[serde(default)]
    pub max: Option<u32>,
}

/// The risk matrix: risk values by impact, columns very-low, low, medium, high.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    /// Where it comes from.
    pub table: String,
    /// Severe impact.
    pub severe: [u8; 4],
    /// Major impact.
    pub major: [u8; 4],
    /// Moderate impact.
    pub moderate: [u8; 4],
    /// Negligible impact.
    pub negligible: [u8; 4],
}

/// The attack-vector approach.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VectorTable {
    /// Where it comes from.
    pub table: String,
    /// Network.
    pub network: Feasibility,
    /// Adjacent.
    pub adjacent: Feasibility,
    /// Local.
    pub local: Feasibility,
    /// Physical.
    pub physical: Feasibility,
}

/// The rating tables.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tables {
    /// The attack-potential factors.
    #[serde(rename = "factor")]
    pub factors: Vec<Factor>,
    /// Sum to feasibility, in increasing order.
    pub feasibility: Vec<Band>,
    /// The risk matrix.
    pub matrix: Matrix,
    /// The attack-vector approach.
    #[serde(rename = "attack-vector")]
    pub vector: VectorTable,
    /// How a scan finding on a component eases the attack steps on it.
    #[serde(default)]
    pub exploit: Vec<Exploit>,
}

/// How a class of scan finding eases an attack step on the component it affects: the
/// hardest level each factor may keep (`caps`), applied to the step's own rating before its
/// countermeasures. A finding of a class with a row also voids the countermeasures its
/// component enforces.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exploit {
    /// `known-exploited` (in CISA KEV) or `high` (CVSS base score 7.0 or above).
    pub when: String,
    /// Why these caps.
    pub reason: String,
    /// Factor id to the hardest level id it keeps.
    pub caps: BTreeMap<String, String>,
}

/// Why tables or a rating are not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RiskError {
    /// The tables are inconsistent.
    #[error("risk tables: {0}")]
    Tables(String),
    /// A factor is not rated, or rated with an unknown level.
    #[error("{0}")]
    Rating(String),
}

static BUNDLED: LazyLock<Tables> = LazyLock::new(|| {
    // Part of the source; checked by the tests.
    Tables::parse(include_str!("../data/risk.toml")).expect("risk.toml is valid")
});

/// The tables craft ships (ISO/SAE 21434 Annexes G and H).
pub fn bundled() -> &'static Tables {
    &BUNDLED
}

impl Tables {
    /// Read tables (a product's own, or the bundled ones) and check them: factor and level
    /// ids unique, bands in increasing order ending with an open one, every rating once.
    ///
    /// # Errors
    /// Not TOML of this shape, or inconsistent.
    pub fn parse(text: &str) -> Result<Tables, RiskError> {
        let t: Tables = toml::from_str(text).map_err(|e| RiskError::Tables(e.to_string()))?;
        let mut ids = std::collections::BTreeSet::new();
        for f in &t.factors {
            if !ids.insert(f.id.as_str()) {
                return Err(RiskError::Tables(format!(
                    "factor {} is listed twice",
                    f.id
                )));
            }
            let mut levels = std::collections::BTreeSet::new();
            if f.levels.is_empty() || !f.levels.iter().all(|l| levels.insert(l.id.as_str())) {
                return Err(RiskError::Tables(format!(
                    "factor {}: no levels, or a level listed twice",
                    f.id
                )));
            }
        }
        for f in &t.factors {
            if f.levels.windows(2).any(|w| w[0].value > w[1].value) {
                return Err(RiskError::Tables(format!(
                    "factor {}: levels must be listed easiest first (values not decreasing)",
                    f.id
                )));
            }
        }
        for e in &t.exploit {
            if !matches!(e.when.as_str(), "known-exploited" | "high") {
                return Err(RiskError::Tables(format!(
                    "exploit `{}`: `when` is known-exploited or high",
                    e.when
                )));
            }
            for (f, l) in &e.caps {
                let known = t
                    .factors
                    .iter()
                    .find(|x| &x.id == f)
                    .is_some_and(|x| x.levels.iter().any(|y| &y.id == l));
                if !known {
                    return Err(RiskError::Tables(format!(
                        "exploit `{}`: `{f} = {l}` is not a factor and one of its levels",
                        e.when
                    )));
                }
            }
        }
        let maxes: Vec<Option<u32>> = t.feasibility.iter().map(|b| b.max).collect();
        let ordered = maxes.windows(2).all(|w| match (w[0], w[1]) {
            (Some(a), Some(b)) => a < b,
            (Some(_), None) => true,
            (None, _) => false,
        });
        let mut ratings: Vec<Feasibility> = t.feasibility.iter().map(|b| b.rating).collect();
        ratings.sort();
        ratings.dedup();
        if !ordered || maxes.last() != Some(&None) || ratings.len() != t.feasibility.len() {
            return Err(RiskError::Tables(
                "feasibility bands: increasing `max`, each rating once, the last band open".into(),
            ));
        }
        Ok(t)
    }

    /// The attack potential of a rating (factor id → level id): the sum of the levels'
    /// values. Every factor must be rated.
    ///
    /// # Errors
    /// A factor unrated or unknown, or a level unknown (naming the known ones).
    pub fn attack_potential(&self, rated: &BTreeMap<String, String>) -> Result<u32, RiskError> {
        let mut problems = Vec::new();
        let mut sum = 0;
        for f in &self.factors {
            match rated.get(&f.id) {
                None => problems.push(format!("{} ({}) is not rated", f.id, f.name)),
                Some(l) => match f.levels.iter().find(|x| &x.id == l) {
                    Some(level) => sum += level.value,
                    None => problems.push(format!(
                        "{}: `{l}` is not a level (levels: {})",
                        f.id,
                        f.levels
                            .iter()
                            .map(|x| x.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                },
            }
        }
        for k in rated.keys() {
            if !self.factors.iter().any(|f| &f.id == k) {
                problems.push(format!("`{k}` is not an attack-potential factor"));
            }
        }
        if problems.is_empty() {
            Ok(sum)
        } else {
            Err(RiskError::Rating(problems.join("; ")))
        }
    }

    /// The caps of an exploit class as (factor index, level index).
    pub fn exploit_caps(&self, class: &str) -> Vec<(usize, usize)> {
        self.exploit
            .iter()
            .filter(|e| e.when == class)
            .flat_map(|e| &e.caps)
            .filter_map(|(f, l)| {
                let fi = self.factors.iter().position(|x| &x.id == f)?;
                let li = self.factors[fi].levels.iter().position(|x| &x.id == l)?;
                Some((fi, li))
            })
            .collect()
    }

    /// The attack potential of a rating given as a level index per factor (in the tables'
    /// factor order); an index out of range counts 0.
    pub fn potential_of(&self, levels: &[usize]) -> u32 {
        self.factors
            .iter()
            .zip(levels)
            .map(|(f, &l)| f.levels.get(l).map_or(0, |x| x.value))
            .sum()
    }

    /// The feasibility rating of an attack-potential sum (Table G.7).
    pub fn feasibility(&self, sum: u32) -> Feasibility {
        self.feasibility
            .iter()
            .find(|b| b.max.is_none_or(|m| sum <= m))
            .map_or(Feasibility::VeryLow, |b| b.rating)
    }

    /// The feasibility rating of an attack vector (G.4).
    pub fn by_vector(&self, v: Vector) -> Feasibility {
        match v {
            Vector::Network => self.vector.network,
            Vector::Adjacent => self.vector.adjacent,
            Vector::Local => self.vector.local,
            Vector::Physical => self.vector.physical,
        }
    }

    /// The risk value of an impact and a feasibility (Table H.8).
    pub fn risk(&self, impact: Impact, feasibility: Feasibility) -> u8 {
        let row = match impact {
            Impact::Severe => &self.matrix.severe,
            Impact::Major => &self.matrix.major,
            Impact::Moderate => &self.matrix.moderate,
            Impact::Negligible => &self.matrix.negligible,
        };
        row[feasibility as usize]
    }
}
