//! The CRA files a product directory holds: an Article 14 case (`reports/*.json`) and the
//! scope answers (`scope.toml`). Any bytes either parse or are an error; a case that parses
//! and validates has clocks and drafts for every stage, and answers that parse decide or
//! refuse with problems; never a panic.

#![no_main]

use craft_cra::report::{self, Case, ProductFacts, Stage};
use craft_cra::scope::{self, Input};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if kind % 2 == 0 {
        let Ok(case) = serde_json::from_str::<Case>(text) else {
            return;
        };
        if case.validate().is_err() {
            return;
        }
        let now = jiff::Timestamp::from_second(1_795_824_000).unwrap();
        let clocks = report::clocks(&case, now).expect("a valid case has clocks");
        let _ = report::next(&clocks);
        for track in case.tracks.keys() {
            for stage in Stage::ALL {
                let d = report::draft(&case, *track, stage, &ProductFacts::default(), now)
                    .expect("a valid case drafts every stage of its tracks");
                let _ = report::draft_markdown(&d);
            }
        }
        let _ = report::users_markdown(&case, &ProductFacts::default());
    } else if let Ok(answers) =
        craft_product::scope::parse_answers(text, Path::new("scope.toml"))
    {
        let input = Input {
            functions: vec!["router".into()],
            answers,
            ..Input::default()
        };
        match scope::decide(&input) {
            Ok(s) => {
                let _ = scope::markdown("fuzz", &s);
            }
            Err(problems) => assert!(!problems.is_empty()),
        }
    }
});
