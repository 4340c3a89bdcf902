//! craft-cra's tests: one binary (the suite links once).

mod classification;
mod scope_rules;
