//! craft-cra's tests: one binary (the suite links once).

mod classification;
mod report;
mod requirements;
mod risk;
mod scope_rules;
mod threat;

use craft_cra::scope::{Answers, Input, Kind};

/// A product in scope: commercial, no exclusion applies, with a contact.
pub fn product(kind: Kind, functions: &[&str], interfaces: &[&str]) -> Input {
    Input {
        kind: Some(kind),
        functions: functions.iter().map(|s| s.to_string()).collect(),
        interfaces: interfaces.iter().map(|s| s.to_string()).collect(),
        has_contact: true,
        answers: Answers {
            commercial: Some(true),
            exclusions: Some(Vec::new()),
            ..Answers::default()
        },
        ..Input::default()
    }
}
