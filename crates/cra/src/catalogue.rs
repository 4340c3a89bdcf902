//! The facts `craft scope` decides with, read from the bundled data files.
//!
//! `data/scope.toml` holds the Annex III/IV categories, the function vocabulary, the Art. 2
//! exclusions and the interfaces; `data/obligations.toml` the dates, the conformity routes
//! and the obligations. Both are compiled into the binary and checked by the tests
//! (every function a category names is in the vocabulary, ids are unique, dates parse).

use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A product class (Art. 7, Art. 8; Annex III, IV).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Not listed in Annex III or IV.
    Default,
    /// Annex III, Class I.
    ImportantClassI,
    /// Annex III, Class II.
    #[serde(rename = "important-class-ii")]
    ImportantClassII,
    /// Annex IV.
    Critical,
}

impl Class {
    /// How the class is called in the law.
    pub fn title(self) -> &'static str {
        match self {
            Class::Default => "default (not in Annex III or IV)",
            Class::ImportantClassI => "important product, Class I (Annex III)",
            Class::ImportantClassII => "important product, Class II (Annex III)",
            Class::Critical => "critical product (Annex IV)",
        }
    }
}

/// One category of Annex III or IV.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable id (`annex-iii-class-i-12`).
    pub id: String,
    /// Its class.
    pub class: Class,
    /// Where the law lists it (`Annex III, Class I, point 12`).
    pub reference: String,
    /// The regulation's words.
    pub title: String,
    /// The function ids that put a product in it.
    pub functions: Vec<String>,
    /// Only a hardware product can be in it.
    #[serde(default)]
    pub hardware: bool,
}

/// An Art. 2 exclusion.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// Stable id (`medical-device`).
    pub id: String,
    /// The paragraph (`Art. 2(2)(a)`).
    pub reference: String,
    /// The other Union act.
    pub act: String,
    /// The question that decides it.
    pub question: String,
    /// What is excluded.
    pub text: String,
}

/// An exception to an exclusion (the product stays in scope).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// Stable id (`l1e-pedal`).
    pub id: String,
    /// Where the law says so.
    pub reference: String,
    /// What it means.
    pub text: String,
    /// The exclusion it is an exception to.
    pub excepts: String,
}

/// An interface a product may declare.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Interface {
    /// What it is.
    pub text: String,
    /// Radio equipment (the RED applies).
    pub radio: bool,
    /// Connects the product to the internet (directly or through other equipment).
    #[serde(default)]
    pub internet: bool,
}

/// Who a date or an obligation concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Concerns {
    /// Every product in scope.
    All,
    /// Radio equipment.
    Radio,
    /// Products whose route needs a notified body.
    NotifiedBody,
}

/// A date of the law.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LawDate {
    /// The day.
    pub date: Date,
    /// What happens.
    pub event: String,
    /// Where the law says so.
    pub reference: String,
    /// Whom it concerns.
    #[serde(rename = "for")]
    pub concerns: Concerns,
    /// The name the code looks it up by (`full-application`).
    #[serde(default)]
    pub key: Option<String>,
    /// It concerns an open-source software steward too.
    #[serde(default)]
    pub steward: bool,
}

/// A conformity-assessment procedure (Art. 32(1)).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Route {
    /// Stable id (`module-a`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Where the law sets it out.
    pub reference: String,
    /// It needs a notified body.
    pub notified_body: bool,
}

/// Who bears an obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bearer {
    /// The manufacturer.
    Manufacturer,
    /// An open-source software steward (Art. 24).
    Steward,
}

/// When an obligation applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    /// Always.
    Always,
    /// Radio equipment.
    Radio,
    /// The route needs a notified body.
    NotifiedBody,
    /// The manufacturer is a micro or small enterprise.
    MicroSmall,
}

/// An obligation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    /// Stable id.
    pub id: String,
    /// What it asks.
    pub text: String,
    /// Where the law says so.
    pub reference: String,
    /// Who bears it.
    #[serde(rename = "for")]
    pub bearer: Bearer,
    /// When it applies.
    pub when: When,
}

/// Everything in the data files.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Annex III and IV.
    #[serde(rename = "category")]
    pub categories: Vec<Category>,
    /// Function id → what it means.
    pub functions: BTreeMap<String, String>,
    /// Art. 2 exclusions.
    #[serde(rename = "exclusion")]
    pub exclusions: Vec<Exclusion>,
    /// Exceptions to them.
    #[serde(rename = "exception")]
    pub exceptions: Vec<Exception>,
    /// Interface id → what it is.
    pub interfaces: BTreeMap<String, Interface>,
    /// Dates of the law.
    #[serde(rename = "date", default)]
    pub dates: Vec<LawDate>,
    /// Art. 32 procedures.
    #[serde(rename = "route", default)]
    pub routes: Vec<Route>,
    /// Obligations.
    #[serde(rename = "obligation", default)]
    pub obligations: Vec<Obligation>,
    /// The day of full application (Art. 71(2)): units placed from it need Annex I
    /// conformity. The date keyed `full-application`.
    #[serde(skip_deserializing)]
    pub full_application: Option<Date>,
    /// The day Article 14 applies (Art. 71(2)): the date keyed `article-14`.
    #[serde(skip_deserializing)]
    pub article_14: Option<Date>,
}

/// The bundled data files.
pub const SCOPE_DATA: &str = include_str!("../data/scope.toml");
/// The bundled data files.
pub const OBLIGATIONS_DATA: &str = include_str!("../data/obligations.toml");

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    // Both files are part of the source and checked by `bundled_data_is_consistent`.
    Catalogue::parse(SCOPE_DATA, OBLIGATIONS_DATA).expect("the bundled CRA data is valid")
});

/// The catalogue craft ships.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

impl Catalogue {
    /// Read the two data files and check that they agree with each other.
    ///
    /// # Errors
    /// A file is not valid TOML of the expected shape, or an id is repeated or unknown.
    pub fn parse(scope: &str, obligations: &str) -> Result<Catalogue, String> {
        let mut c: Catalogue = toml::from_str(scope).map_err(|e| format!("scope.toml: {e}"))?;
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Rest {
            #[serde(rename = "date")]
            dates: Vec<LawDate>,
            #[serde(rename = "route")]
            routes: Vec<Route>,
            #[serde(rename = "obligation")]
            obligations: Vec<Obligation>,
        }
        let rest: Rest =
            toml::from_str(obligations).map_err(|e| format!("obligations.toml: {e}"))?;
        c.dates = rest.dates;
        c.routes = rest.routes;
        c.obligations = rest.obligations;
        c.full_application = c
            .dates
            .iter()
            .find(|d| d.key.as_deref() == Some("full-application"))
            .map(|d| d.date);
        c.article_14 = c
            .dates
            .iter()
            .find(|d| d.key.as_deref() == Some("article-14"))
            .map(|d| d.date);
        if c.full_application.is_none() || c.article_14.is_none() {
            return Err(
                "obligations.toml: the dates keyed full-application and article-14 are needed"
                    .into(),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for cat in &c.categories {
            if !seen.insert(cat.id.as_str()) {
                return Err(format!("category {} is listed twice", cat.id));
            }
        }
        let mut owner = BTreeMap::new();
        for cat in &c.categories {
            for f in &cat.functions {
                if !c.functions.contains_key(f) {
                    return Err(format!(
                        "category {}: function {f} is not described",
                        cat.id
                    ));
                }
                if let Some(other) = owner.insert(f.as_str(), cat.id.as_str()) {
                    return Err(format!("function {f} is in {other} and {}", cat.id));
                }
            }
        }
        for e in &c.exceptions {
            if !c.exclusions.iter().any(|x| x.id == e.excepts) {
                return Err(format!("exception {} excepts unknown {}", e.id, e.excepts));
            }
        }
        for id in c.exceptions.iter().map(|e| &e.id) {
            if c.exclusions.iter().any(|x| &x.id == id) {
                return Err(format!("{id} is both an exclusion and an exception"));
            }
        }
        Ok(c)
    }

    /// The category a function id puts a product in.
    pub fn category_of(&self, function: &str) -> Option<&Category> {
        self.categories
            .iter()
            .find(|c| c.functions.iter().any(|f| f == function))
    }

    /// The exclusion with this id.
    pub fn exclusion(&self, id: &str) -> Option<&Exclusion> {
        self.exclusions.iter().find(|e| e.id == id)
    }

    /// The exception with this id.
    pub fn exception(&self, id: &str) -> Option<&Exception> {
        self.exceptions.iter().find(|e| e.id == id)
    }

    /// The route with this id.
    pub fn route(&self, id: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.id == id)
    }
}

/// The known ids closest to `unknown` (for "did you mean" messages): those within an edit
/// distance of a third of its length, or sharing a word with it.
pub fn suggest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let unknown = unknown.to_ascii_lowercase();
    let words: Vec<&str> = unknown
        .split(['-', '_', ' '])
        .filter(|w| w.len() >= 4)
        .collect();
    let limit = (unknown.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        .filter_map(|k| {
            let d = edit_distance(&unknown, k);
            let shares = words.iter().any(|w| k.split('-').any(|kw| kw == *w));
            (d <= limit || shares).then_some((d, k))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, k)| k).collect()
}

/// Levenshtein distance on characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_data_is_consistent() {
        let c = Catalogue::parse(SCOPE_DATA, OBLIGATIONS_DATA).unwrap();
        let count = |class| c.categories.iter().filter(|k| k.class == class).count();
        // Annex III: 19 Class I and 4 Class II categories; Annex IV: 3.
        assert_eq!(count(Class::ImportantClassI), 19);
        assert_eq!(count(Class::ImportantClassII), 4);
        assert_eq!(count(Class::Critical), 3);
        assert_eq!(c.exclusions.len(), 8);
        assert!(c.route("module-a").is_some() && c.route("module-h").is_some());
        let dates: Vec<String> = c.dates.iter().map(|d| d.date.to_string()).collect();
        for d in ["2026-06-11", "2026-09-11", "2027-12-11"] {
            assert!(dates.iter().any(|x| x == d), "{d}");
        }
    }

    #[test]
    fn inconsistent_data_is_refused() {
        let twice = SCOPE_DATA.replace("functions = [\"vpn\"]", "functions = [\"router\"]");
        let e = Catalogue::parse(&twice, OBLIGATIONS_DATA).unwrap_err();
        assert!(e.contains("function router"), "{e}");
        let undescribed = SCOPE_DATA.replace("functions = [\"vpn\"]", "functions = [\"tunnel\"]");
        assert!(Catalogue::parse(&undescribed, OBLIGATIONS_DATA).is_err());
    }

    #[test]
    fn suggestions_find_near_misses() {
        let c = catalogue();
        let ids = || c.functions.keys().map(String::as_str);
        assert_eq!(suggest("routr", ids())[0], "router");
        assert!(suggest("door-lock", ids()).contains(&"smart-door-lock"));
        assert!(suggest("zzzzzzzzzzzz", ids()).is_empty());
    }
}
