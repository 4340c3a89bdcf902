//! ISO/SAE 21434 ratings against the worked examples the research notes collect
//! (docs/research/iso21434-risk-tables.md): the Annex H headlamp example (Tables H.6, H.7,
//! H.9) and the Table G.7 boundary vectors of TaraTool's tests, rebuilt from the 21434
//! factor values.

use craft_cra::risk::{bundled, Feasibility, Impact, Tables, Vector};
use std::collections::BTreeMap;

fn rate(levels: [&str; 5]) -> u32 {
    let factors = [
        "elapsed-time",
        "expertise",
        "knowledge",
        "window",
        "equipment",
    ];
    let rated: BTreeMap<String, String> = factors
        .iter()
        .zip(levels)
        .map(|(f, l)| (f.to_string(), l.to_string()))
        .collect();
    bundled().attack_potential(&rated).unwrap()
}

#[test]
fn the_headlamp_example_of_annex_h() {
    let t = bundled();
    // Table H.7, "Denial of service of oncoming car information", path 1: over cellular.
    let p1 = rate([
        "one-week",
        "multiple-experts",
        "confidential",
        "unlimited",
        "specialized",
    ]);
    assert_eq!(p1, 20);
    assert_eq!(t.feasibility(p1), Feasibility::Low);
    // Path 2: through a Bluetooth OBD dongle (physical access: window moderate).
    let p2 = rate([
        "one-week",
        "multiple-experts",
        "confidential",
        "moderate",
        "specialized",
    ]);
    assert_eq!(p2, 24);
    assert_eq!(t.feasibility(p2), Feasibility::Low);
    // Table H.6, "spoofing of the Lamp Request": cellular, Bluetooth, OBD-II connector.
    assert_eq!(t.by_vector(Vector::Network), Feasibility::High);
    assert_eq!(t.by_vector(Vector::Adjacent), Feasibility::Medium);
    assert_eq!(t.by_vector(Vector::Local), Feasibility::Low);
    assert_eq!(t.by_vector(Vector::Physical), Feasibility::VeryLow);
    // Table H.9: spoofing, severe x high -> 5; DoS, moderate x low -> 2.
    assert_eq!(t.risk(Impact::Severe, Feasibility::High), 5);
    assert_eq!(t.risk(Impact::Moderate, Feasibility::Low), 2);
}

#[test]
fn the_g7_boundaries() {
    let t = bundled();
    let cases = [
        (
            ["one-month", "layman", "restricted", "moderate", "standard"],
            11,
            Feasibility::High,
        ),
        (
            ["one-month", "expert", "restricted", "easy", "standard"],
            14,
            Feasibility::Medium,
        ),
        (
            ["six-months", "layman", "public", "easy", "standard"],
            18,
            Feasibility::Medium,
        ),
        (
            ["more", "layman", "public", "easy", "standard"],
            20,
            Feasibility::Low,
        ),
        (
            ["more", "layman", "public", "easy", "specialized"],
            24,
            Feasibility::Low,
        ),
        (
            [
                "six-months",
                "multiple-experts",
                "public",
                "unlimited",
                "standard",
            ],
            25,
            Feasibility::VeryLow,
        ),
        (
            [
                "more",
                "multiple-experts",
                "strictly-confidential",
                "difficult",
                "multiple-bespoke",
            ],
            57,
            Feasibility::VeryLow,
        ),
        (
            ["one-day", "layman", "public", "unlimited", "standard"],
            0,
            Feasibility::High,
        ),
    ];
    for (levels, sum, rating) in cases {
        assert_eq!(rate(levels), sum, "{levels:?}");
        assert_eq!(t.feasibility(sum), rating, "{sum}");
    }
    for (sum, rating) in [(13, Feasibility::High), (19, Feasibility::Medium)] {
        assert_eq!(t.feasibility(sum), rating, "{sum}");
    }
}

#[test]
fn the_h8_matrix() {
    let t = bundled();
    let order = [
        Feasibility::VeryLow,
        Feasibility::Low,
        Feasibility::Medium,
        Feasibility::High,
    ];
    for (impact, row) in [
        (Impact::Severe, [2, 3, 4, 5]),
        (Impact::Major, [1, 2, 3, 4]),
        (Impact::Moderate, [1, 2, 2, 3]),
        (Impact::Negligible, [1, 1, 1, 1]),
    ] {
        let got: Vec<u8> = order.iter().map(|f| t.risk(impact, *f)).collect();
        assert_eq!(got, row, "{impact:?}");
    }
}

#[test]
fn ratings_name_what_is_missing_or_unknown() {
    let mut rated: BTreeMap<String, String> = BTreeMap::new();
    rated.insert("elapsed-time".into(), "fortnight".into());
    rated.insert("luck".into(), "high".into());
    let e = bundled().attack_potential(&rated).unwrap_err().to_string();
    assert!(e.contains("`fortnight` is not a level"), "{e}");
    assert!(
        e.contains("expertise (Specialist expertise) is not rated"),
        "{e}"
    );
    assert!(
        e.contains("`luck` is not an attack-potential factor"),
        "{e}"
    );
}

#[test]
fn custom_tables_are_checked() {
    let bundled = include_str!("../data/risk.toml");
    // A maker may replace a table (Annex G is an example), e.g. the CEM's 10 for 6 months.
    let custom = bundled.replace(
        "text = \"up to 6 months\", value = 17",
        "text = \"up to 6 months\", value = 10",
    );
    let t = Tables::parse(&custom).unwrap();
    assert_eq!(t.factors[0].levels[3].value, 10);
    let unordered = bundled.replace("max = 19", "max = 9");
    assert!(Tables::parse(&unordered).is_err());
    let twice = bundled.replace("rating = \"low\"", "rating = \"medium\"");
    assert!(Tables::parse(&twice).is_err());
}
