//! `threat-model.toml`: any text either is a model (then it is assessed against findings on
//! its own components and every output renders, the SVGs well-formed) or is a list of
//! errors, each placed on a real line; never a panic, never a hang.

#![no_main]

use craft_cra::risk::bundled;
use craft_cra::threat::{self, model, render, VulnFinding};
use craft_cra::Date;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tables = bundled();
    match model::parse("threat-model.toml", text, tables) {
        Err(errors) => {
            let lines = text.lines().count().max(1);
            for e in &errors.0 {
                assert!(e.line >= 1 && e.line <= lines + 1, "{e}");
            }
        }
        Ok(m) => {
            // A known-exploited finding on every component's first SBOM pattern.
            let findings: Vec<VulnFinding> = m
                .components
                .iter()
                .filter_map(|c| c.sbom.first())
                .map(|p| VulnFinding {
                    id: "CVE-2099-0001".into(),
                    component: p.replace('*', "x"),
                    ids: Vec::new(),
                    known_exploited: true,
                    score: Some(9.8),
                })
                .collect();
            let today = Date::parse("2026-11-29").unwrap();
            let a = threat::assess(&m, tables, &findings, today);
            let _ = render::register_csv(&a);
            let _ = render::mermaid(&m, &a, tables, &[]);
            let _ = render::dot(&m, &a, tables, &[]);
            let _ = render::chapter(&m, &a, tables, "fuzz");
            for svg in [render::svg(&m, &a, tables, &[]), render::heatmap(&a, tables)] {
                let mut r = quick_xml::Reader::from_str(&svg);
                loop {
                    match r.read_event() {
                        Ok(quick_xml::events::Event::Eof) => break,
                        Ok(_) => {}
                        Err(e) => panic!("SVG not well-formed: {e}"),
                    }
                }
            }
        }
    }
});
