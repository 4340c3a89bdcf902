//! craft's encoding of the Cyber Resilience Act (Regulation (EU) 2024/2847).
//!
//! The facts of the law live in data files beside this crate (`data/*.toml`), each row with
//! its legal reference, and are read once into a [`catalogue::Catalogue`]: the Annex III and
//! IV categories with the function ids that put a product in them, the Art. 2 exclusions,
//! the interfaces a product may declare, the dated milestones, the conformity-assessment
//! procedures of Art. 32 and the obligations that follow. No legal fact is a constant in
//! the code: a fact that changes (a delegated act moving a category) changes one data row.
//!
//! [`scope::decide`] is the decision `craft scope` prints: whether the CRA applies, the
//! product class and the annex entry that decided it, the routes allowed, the obligations
//! and the timeline. It is a pure function of the product description and the answers; it
//! refuses to decide (returning every problem at once) when an answer is missing, unknown
//! or contradicts another, rather than guess.
//!
//! Architecture invariant: this crate does no IO (the caller reads `craft.toml` and
//! `scope.toml`) and knows no terminal.

#![warn(missing_docs)]

pub mod catalogue;
pub mod date;
pub mod disclosure;
pub mod provider;
pub mod report;
pub mod requirements;
pub mod risk;
pub mod scope;
pub mod threat;

pub use date::Date;
