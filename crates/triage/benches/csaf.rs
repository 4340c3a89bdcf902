//! CSAF validation benchmark (issue #6): craft's `vex validate` core (`validate_bytes`:
//! JSON parse and strict schema on one thread, JSON parse and the mandatory tests of
//! section 6.1 on the other; and the same on one thread) on the 2.8 MB CSAF VEX that cve-bin-tool
//! wrote for the shared 10k benchmark input (invalid: a good negative case), and on the
//! CSAF VEX craft writes for vulnscout's real 7,239-statement Yocto VEX (valid); side by
//! side with the official BSI validator library (`@secvisogram/csaf-validator-lib`) on the
//! same files in the same run, with and without Node's start-up.
//!
//! craft's side runs with mimalloc, the allocator of the `craft` binary.
//!
//! Run: `cargo bench -p craft-triage --bench csaf` (figures in docs/BENCHMARKS.md). Reads
//! `$PEERS/runs/cvebin-big10k.vex.csaf.json` (`PEERS` defaults to /tmp/craft-peers; made by
//! ../shared/peers/make_inputs.sh), the corpora, and the library in `target/peers`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

/// The allocator the `craft` binary uses, so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../../vulndb/benches/common/corpora.rs"]
mod corpora;
use corpora::corpora;
use craft_triage::vex::{csaf, cyclonedx};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Milliseconds for craft to validate `bytes` from scratch (parse included), median of 15,
/// and the number of findings.
fn craft(bytes: &[u8]) -> (f64, usize) {
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..15 {
        let t = Instant::now();
        n = csaf::validate_bytes(bytes).expect("JSON").1.len();
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    (median(times), n)
}

/// The same on one thread (parse once, schema, then the mandatory tests), median of 15.
fn craft_one_thread(bytes: &[u8]) -> f64 {
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let v: serde_json::Value = serde_json::from_slice(bytes).expect("JSON");
        let _ = csaf::validate(v);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    median(times)
}

/// The BSI library on `file`: wall time of the whole `node` run (start-up included) and the
/// library's own time for the file, in ms; `None` when Node or the library is missing.
fn bsi(file: &Path) -> Option<(f64, f64, bool)> {
    let ws = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2)?;
    let lib = ws.join("target/peers/npm/node_modules/@secvisogram/csaf-validator-lib");
    if !lib.exists() {
        eprintln!(
            "PEER MISSING: {} (scripts/test.sh installs it)",
            lib.display()
        );
        return None;
    }
    let mut walls = Vec::new();
    let mut own = Vec::new();
    let mut valid = false;
    for _ in 0..3 {
        let t = Instant::now();
        let out = std::process::Command::new("node")
            .arg(ws.join("scripts/peers/csaf-validate.mjs"))
            .arg(file)
            .env("CSAF_VALIDATOR_LIB", &lib)
            .output()
            .ok()?;
        walls.push(t.elapsed().as_secs_f64() * 1e3);
        let line: serde_json::Value =
            serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next()?).ok()?;
        own.push(line["ms"].as_f64()?);
        valid = line["valid"].as_bool()?;
    }
    Some((median(walls), median(own), valid))
}

fn main() {
    let peers = std::env::var_os("PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/craft-peers"));
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let big = peers.join("runs/cvebin-big10k.vex.csaf.json");
    if big.exists() {
        files.push(("cve-bin-tool 10k VEX (invalid)".into(), big));
    } else {
        eprintln!(
            "PEER INPUT MISSING: {} (run ../shared/peers/make_inputs.sh)",
            big.display()
        );
    }
    let tmp = std::env::temp_dir().join("craft-bench-csaf-vulnscout.json");
    if let Some(root) = corpora("sbom/vulnscout-yocto") {
        let p = root.join("sbom/vulnscout-yocto/example/spdx2/cyclonedx-export/vex.json");
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(p).expect("read")).expect("JSON");
        let doc = cyclonedx::read(&v).expect("VEX");
        let out = csaf::write(
            &doc,
            &csaf::Options::new("https://example.org", "2026-11-29T00:00:00Z"),
        );
        std::fs::write(&tmp, serde_json::to_vec(&out).expect("JSON")).expect("write");
        files.push(("craft's CSAF of vulnscout's Yocto VEX (valid)".into(), tmp));
    }
    println!(
        "{:<48} {:>8} {:>12} {:>9} {:>14} {:>12} {:>6}",
        "document", "MB", "craft ms", "findings", "BSI wall ms", "BSI own ms", "BSI ok"
    );
    for (name, f) in &files {
        let bytes = std::fs::read(f).expect("read");
        let (ms, n) = craft(&bytes);
        let (mut parse, mut schema) = (Vec::new(), Vec::new());
        for _ in 0..9 {
            let t = Instant::now();
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
            parse.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            let _ = csaf::validate_schema(&v);
            schema.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let one = craft_one_thread(&bytes);
        eprintln!(
            "  {name}: one thread {one:.1} ms = parse {:.1} ms + strict schema {:.1} ms + the rest (mandatory tests) {:.1} ms",
            median(parse.clone()),
            median(schema.clone()),
            one - median(parse) - median(schema)
        );
        let peer = bsi(f);
        println!(
            "{:<48} {:>8.2} {:>12.1} {:>9} {:>14} {:>12} {:>6}",
            name,
            bytes.len() as f64 / 1e6,
            ms,
            n,
            peer.map_or("-".into(), |p| format!("{:.0}", p.0)),
            peer.map_or("-".into(), |p| format!("{:.0}", p.1)),
            peer.map_or("-".into(), |p| p.2.to_string()),
        );
    }
}
