//! Risk-model benchmark (issue #8): parse, check and assess a generated threat model of
//! 1,000 attack paths (1,000 steps, 100 OR/AND gates, 200 components, 50 interfaces, 100
//! countermeasures, 20 assets) with every rule, against 10,000 live findings spread over the
//! components (a tenth of them known exploited). The target: under 1 s.
//!
//! Run: `cargo bench -p craft-cra --bench risk` (figures in docs/BENCHMARKS.md). The model is
//! generated, deterministic, and needs no input file.

#![allow(clippy::print_stdout)]

/// The allocator the `craft` binary uses, so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use craft_cra::risk::bundled;
use craft_cra::threat::{self, model, VulnFinding};
use craft_cra::Date;
use std::fmt::Write as _;
use std::time::Instant;

const LEVELS: [[&str; 5]; 5] = [
    ["one-day", "one-week", "one-month", "six-months", "more"],
    [
        "layman",
        "proficient",
        "expert",
        "multiple-experts",
        "expert",
    ],
    [
        "public",
        "restricted",
        "confidential",
        "strictly-confidential",
        "public",
    ],
    ["unlimited", "easy", "moderate", "difficult", "easy"],
    [
        "standard",
        "specialized",
        "bespoke",
        "multiple-bespoke",
        "standard",
    ],
];
const FACTORS: [&str; 5] = [
    "elapsed-time",
    "expertise",
    "knowledge",
    "window",
    "equipment",
];
const KINDS: [&str; 6] = ["ethernet", "wifi", "ble", "usb", "uart", "update"];
const EXPOSURE: [&str; 4] = ["network", "adjacent", "local", "physical"];
const CM: [&str; 6] = [
    "authentication",
    "rate-limiting",
    "encryption",
    "debug-disabled",
    "signed-updates",
    "least-privilege",
];

fn model_text(paths: usize) -> String {
    let mut t = String::from("[settings]\nthreshold = 3\n");
    let imp = ["negligible", "moderate", "major", "severe"];
    for a in 0..20 {
        let _ = write!(
            t,
            "[[asset]]\nid = \"a{a}\"\nname = \"Asset {a}\"\nproperties = [\"integrity\", \"confidentiality\"]\n\
             impact = {{ operational = \"{}\" }}\n",
            imp[a % 4]
        );
    }
    t.push_str("[[boundary]]\nid = \"dev\"\nname = \"Device\"\n[[boundary]]\nid = \"out\"\nname = \"Outside\"\n");
    for c in 0..200 {
        let _ = write!(
            t,
            "[[component]]\nid = \"c{c}\"\nname = \"Component {c}\"\nsbom = [\"pkg{c}\", \"pkg:generic/lib{c}*\"]\nboundary = \"{}\"\n",
            if c % 10 == 0 { "out" } else { "dev" }
        );
    }
    for i in 0..50 {
        let _ = write!(
            t,
            "[[interface]]\nid = \"i{i}\"\nname = \"Interface {i}\"\nkind = \"{}\"\nexposure = \"{}\"\n\
             reaches = [\"c{}\", \"c{}\"]\nauthentication = \"{}\"\n",
            KINDS[i % KINDS.len()],
            EXPOSURE[i % 4],
            i * 3,
            i * 3 + 1,
            if i % 7 == 0 { "none" } else { "key" }
        );
    }
    for f in 0..100 {
        let _ = write!(
            t,
            "[[flow]]\nid = \"f{f}\"\nfrom = \"c{}\"\nto = \"c{}\"\nassets = [\"a{}\"]\nencrypted = {}\n",
            f * 2,
            f * 2 + 1,
            f % 20,
            f % 5 != 0
        );
    }
    for c in 0..100 {
        let _ = write!(
            t,
            "[[countermeasure]]\nid = \"m{c}\"\nname = \"Countermeasure {c}\"\nkind = \"{}\"\n\
             protects = [\"i{}\"]\nraises = {{ {} = \"{}\" }}\nby = [\"c{}\"]\nannex-i = [\"p1-2d\", \"p1-2f\"]\n",
            CM[c % CM.len()],
            c % 50,
            FACTORS[c % 5],
            LEVELS[c % 5][2],
            c * 2
        );
    }
    for s in 0..paths {
        let _ = write!(
            t,
            "[[step]]\nid = \"s{s}\"\ntext = \"Step {s}\"\ncomponent = \"c{}\"\ncountermeasures = [\"m{}\", \"m{}\"]\nrating = {{ ",
            s % 200,
            s % 100,
            (s * 7) % 100
        );
        for (f, name) in FACTORS.iter().enumerate() {
            let _ = write!(t, "{name} = \"{}\", ", LEVELS[f][(s + f) % 4]);
        }
        t.truncate(t.len() - 2);
        t.push_str(" }\n");
    }
    for g in 0..100 {
        let _ = write!(
            t,
            "[[tree]]\nid = \"t{g}\"\ngate = \"{}\"\nchildren = [\"s{}\", \"s{}\", \"s{}\"]\n",
            if g % 2 == 0 { "or" } else { "and" },
            g * 3,
            g * 3 + 1,
            g * 3 + 2
        );
    }
    for p in 0..paths {
        let _ = write!(
            t,
            "[[path]]\nid = \"p{p}\"\ntitle = \"Path {p}\"\nentry = \"i{}\"\nasset = \"a{}\"\nproperty = \"integrity\"\n\
             steps = [\"t{}\", \"s{}\"]\n",
            p % 50,
            p % 20,
            p % 100,
            (p * 13) % paths
        );
    }
    t
}

fn findings(n: usize) -> Vec<VulnFinding> {
    (0..n)
        .map(|k| VulnFinding {
            id: format!("CVE-2099-{k:05}"),
            component: format!("pkg{}", k % 250),
            ids: vec![format!("pkg:generic/lib{}@1.{k}", k % 250)],
            known_exploited: k % 10 == 0,
            score: Some((k % 100) as f64 / 10.0),
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let text = model_text(1_000);
    let found = findings(10_000);
    let today = Date::parse("2026-11-29").expect("a date");
    let tables = bundled();
    let (mut parse_ms, mut assess_ms, mut total_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut summary = None;
    for _ in 0..15 {
        let t0 = Instant::now();
        let m = model::parse("bench.toml", &text, tables).expect("the generated model is valid");
        let t1 = Instant::now();
        let a = threat::assess(&m, tables, &found, today);
        let t2 = Instant::now();
        parse_ms.push((t1 - t0).as_secs_f64() * 1e3);
        assess_ms.push((t2 - t1).as_secs_f64() * 1e3);
        total_ms.push((t2 - t0).as_secs_f64() * 1e3);
        summary = Some(a.summary);
    }
    let s = summary.expect("ran");
    println!(
        "model: {} KB TOML, {} paths, {} components, {} interfaces; {} findings ({} linked), \
         {} paths raised, {} candidate threats open ({} errors)",
        text.len() / 1024,
        s.paths,
        s.components,
        s.interfaces,
        found.len(),
        s.linked_findings,
        s.raised_paths,
        s.open_errors + s.open_warnings,
        s.open_errors
    );
    println!(
        "median of 15: parse + check {:.1} ms, assess (rules, ratings, findings) {:.1} ms, \
         total {:.1} ms (target < 1000 ms)",
        median(parse_ms),
        median(assess_ms),
        median(total_ms)
    );
}
