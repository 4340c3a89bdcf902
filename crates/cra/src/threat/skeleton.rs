//! A first `threat-model.toml` for a product, from what its description already says: the
//! interfaces `craft.toml` declares (mapped to interface kinds and exposures) and the
//! components of its SBOMs (linked by name). The assets are the four every connected device
//! has, with impact ratings to review; there are no attack paths yet, so the rules start
//! the work: every interface and asset without a path, every update channel without signed
//! updates, every debug port left open is a candidate threat on the first `craft risk
//! check`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// `craft.toml` interface name → (threat-model kind, exposure, note).
fn interface(name: &str) -> (&'static str, &'static str, &'static str) {
    match name {
        "ethernet" => ("ethernet", "network", ""),
        "wifi" => ("wifi", "adjacent", ""),
        "bluetooth" => ("ble", "adjacent", ""),
        "cellular" => ("cellular", "network", ""),
        "lora" | "zigbee" | "thread" | "z-wave" | "nfc" => ("radio", "adjacent", ""),
        "gnss" => ("radio", "adjacent", "receive only: spoofing and jamming"),
        "usb" => ("usb", "physical", ""),
        "serial" => (
            "uart",
            "physical",
            "a console on production units? set production = false if not",
        ),
        "fieldbus" => ("fieldbus", "adjacent", ""),
        "debug" => (
            "jtag",
            "physical",
            "disabled in production? add a debug-disabled countermeasure",
        ),
        "sd-card" => ("sd-card", "physical", ""),
        "update-channel" => ("update", "network", ""),
        "cloud-api" => ("cloud-api", "network", ""),
        "web-ui" => (
            "web-ui",
            "adjacent",
            "adjacent: on the local network; network if reachable from the internet",
        ),
        "api" => ("other", "network", ""),
        _ => ("other", "physical", "review the kind and the exposure"),
    }
}

/// An id from a name: lower case, runs of other characters as `-`.
fn id_of(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_') {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "component".into()
    } else {
        out
    }
}

/// TOML basic-string escaping.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a component name is written into a first model: not empty, and without `*`
/// (an `sbom` pattern with `*` is a glob and would link other packages).
pub fn usable(name: &str) -> bool {
    !name.trim().is_empty() && !name.contains('*')
}

/// The ids a first model gives its assets and its boundary.
const RESERVED: [&str; 5] = [
    "firmware",
    "credentials",
    "user-data",
    "essential-function",
    "device",
];

/// The most components a first model lists (a Yocto image has hundreds; the rest can be
/// added by hand).
pub const MAX_COMPONENTS: usize = 300;

/// The text of a first model for `product`, with its declared `interfaces` and the
/// component names of its SBOMs.
pub fn skeleton(product: &str, interfaces: &[String], components: &[String]) -> String {
    let mut t = String::new();
    // A comment line: no line break may end it early.
    let product: String = product
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let _ = writeln!(
        t,
        "# threat-model.toml for {product}: the cybersecurity risk assessment (CRA Art. 13(2)-(3)),\n\
         # written by `craft risk init` from craft.toml and the SBOMs. Review every rating, add the\n\
         # data flows, countermeasures, attack steps and paths, then `craft risk check`.\n\
         # Reference: docs/risk.md; a complete example: examples/gateway/threat-model.toml.\n"
    );
    t.push_str(
        "[settings]\n# Risk values (1-5, ISO/SAE 21434 Table H.8) above this need treatment.\nthreshold = 3\n\n",
    );
    t.push_str(
        "# --- Assets: review the impact ratings (negligible, moderate, major, severe). ---\n\n",
    );
    for (id, name, props, impact, secret) in [
        (
            "firmware",
            "Firmware image",
            "[\"integrity\", \"authenticity\"]",
            "{ operational = \"major\", financial = \"major\" }",
            false,
        ),
        (
            "credentials",
            "Device credentials and keys",
            "[\"confidentiality\", \"integrity\"]",
            "{ operational = \"major\", financial = \"moderate\" }",
            true,
        ),
        (
            "user-data",
            "Data the device processes for its users",
            "[\"confidentiality\", \"integrity\", \"privacy\"]",
            "{ privacy = \"major\", financial = \"moderate\" }",
            false,
        ),
        (
            "essential-function",
            "The device's essential function (Annex I (2)(h))",
            "[\"availability\"]",
            "{ operational = \"major\" }",
            false,
        ),
    ] {
        let _ = writeln!(
            t,
            "[[asset]]\nid = \"{id}\"\nname = \"{name}\"\nproperties = {props}\nimpact = {impact}\n{}",
            if secret { "secret = true\n" } else { "" }
        );
    }
    t.push_str("[[boundary]]\nid = \"device\"\nname = \"The device\"\n\n");
    let mut ids = BTreeSet::new();
    let mut names: Vec<&String> = components.iter().filter(|n| usable(n)).collect();
    names.sort();
    names.dedup();
    let total = names.len();
    let _ = writeln!(
        t,
        "# --- Components, linked to the SBOM by name ({} of {total}). ---\n",
        total.min(MAX_COMPONENTS)
    );
    for name in names.into_iter().take(MAX_COMPONENTS) {
        let mut id = id_of(name);
        let base = id.clone();
        let mut n = 2;
        while RESERVED.contains(&id.as_str()) || !ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let _ = writeln!(
            t,
            "[[component]]\nid = \"{id}\"\nname = {}\nsbom = [{}]\nboundary = \"device\"\n",
            quoted(name),
            quoted(name)
        );
    }
    t.push_str(
        "# --- Interfaces from craft.toml: say which components each reaches (`reaches`) and how\n\
         # callers authenticate (`authentication`). Until every interface on production units\n\
         # lists what it reaches, craft claims no component unreachable. ---\n\n",
    );
    let mut seen = BTreeSet::new();
    for name in interfaces {
        let (kind, exposure, note) = interface(name);
        let mut id = id_of(name);
        let base = id.clone();
        let mut n = 2;
        while RESERVED.contains(&id.as_str()) || ids.contains(&id) || !seen.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        if !note.is_empty() {
            let _ = writeln!(t, "# {note}");
        }
        let _ = writeln!(
            t,
            "[[interface]]\nid = \"{id}\"\nname = {}\nkind = \"{kind}\"\nexposure = \"{exposure}\"\nreaches = []\nboundary = \"device\"\n",
            quoted(name)
        );
    }
    t.push_str(
        "# --- Next: countermeasures, attack steps and paths. For example:\n\
         #\n\
         # [[countermeasure]]\n\
         # id = \"signed-updates\"\n\
         # name = \"Update images signed, verified before install\"\n\
         # kind = \"signed-updates\"\n\
         # protects = [\"update-channel\"]\n\
         # raises = { knowledge = \"strictly-confidential\", equipment = \"bespoke\" }\n\
         # annex-i = [\"p1-2c\", \"p1-2f\", \"p2-7\"]\n\
         #\n\
         # [[step]]\n\
         # id = \"forge-update\"\n\
         # text = \"Serve a crafted image through the update channel\"\n\
         # rating = { elapsed-time = \"one-week\", expertise = \"proficient\", knowledge = \"public\", window = \"unlimited\", equipment = \"standard\" }\n\
         # countermeasures = [\"signed-updates\"]\n\
         #\n\
         # [[path]]\n\
         # id = \"AP-01\"\n\
         # title = \"Firmware replaced through a forged update\"\n\
         # entry = \"update-channel\"\n\
         # asset = \"firmware\"\n\
         # property = \"integrity\"\n\
         # steps = [\"forge-update\"]\n",
    );
    t
}
