//! Scan benchmark: SBOMs of 1k, 10k and 100k components against the synthetic database of
//! the peers' benchmark (../shared/peers: `make_inputs.sh` writes `$PEERS/inputs/big*.cdx.json`
//! and `$PEERS/vulndb/big10k/osv`), and the vulnscout Yocto SBOMs against the whole shared
//! corpus. Warm: the database open and the SBOM parsed, a new matcher per run (median of 5).
//! Cold: a new process that opens the database, reads the SBOM, scans and writes the JSON
//! report (median of 3). Recall and precision against `truth.json` for the 10k SBOM.
//!
//! Run: `cargo bench -p craft-scan --bench scan` (figures in docs/BENCHMARKS.md);
//! `PEERS=/tmp/craft-peers` by default. For profiling, `BENCH --profile DB SBOM N new|reused`
//! only scans SBOM N times against the existing database DB (e.g. under `perf record`).

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../../vulndb/benches/common/corpora.rs"]
mod corpora;
use corpora::corpora;
use craft_scan::{FindingStatus, Matcher};
use craft_vulndb::{Limits, Precedence, SqliteStore, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn peers() -> PathBuf {
    PathBuf::from(std::env::var("PEERS").unwrap_or_else(|_| "/tmp/craft-peers".to_string()))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Read an SBOM as `craft scan` does (no schema validation).
fn load(path: &Path) -> craft_model::Sbom {
    let opts = craft_sbom::ReadOptions {
        validate_schema: false,
        ..craft_sbom::ReadOptions::default()
    };
    craft_sbom::read_path(path, &opts).expect("read SBOM").sbom
}

fn import(db: &Path, paths: &[PathBuf]) -> f64 {
    let start = Instant::now();
    let mut store = SqliteStore::create(db).expect("create");
    store
        .import(paths, &Limits::default(), &mut |_| {})
        .expect("import");
    start.elapsed().as_secs_f64()
}

/// Cold: this binary again, doing what `craft --format json scan` does.
fn cold_child(db: &Path, sbom: &Path) {
    let store = SqliteStore::open(db).expect("open");
    let p = Precedence::for_dir(db).expect("precedence");
    let s = load(sbom);
    let r = Matcher::new(&store, &p).scan(&s).expect("scan");
    let out = std::io::BufWriter::new(std::fs::File::create("/dev/null").expect("null"));
    serde_json::to_writer_pretty(out, &r).expect("write");
}

fn cold(db: &Path, sbom: &Path) -> f64 {
    let exe = std::env::current_exe().expect("own path");
    median(
        (0..3)
            .map(|_| {
                let start = Instant::now();
                let st = Command::new(&exe)
                    .arg("--cold")
                    .arg(db)
                    .arg(sbom)
                    .status()
                    .expect("child");
                assert!(st.success());
                start.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

/// Warm: the database open and the SBOM parsed. Median of five scans each with a new
/// matcher (no cached ranges or enrichment), and median of five with one matcher reused
/// (its caches hot: a server re-scanning while the database is unchanged).
fn warm(store: &SqliteStore, sbom: &craft_model::Sbom) -> (f64, f64, craft_scan::ScanReport) {
    let p = Precedence::default();
    let mut fresh = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let start = Instant::now();
        let r = Matcher::new(store, &p).scan(sbom).expect("scan");
        fresh.push(start.elapsed().as_secs_f64());
        last = Some(r);
    }
    let mut m = Matcher::new(store, &p);
    m.scan(sbom).expect("scan");
    let reused = (0..5)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(m.scan(sbom).expect("scan"));
            start.elapsed().as_secs_f64()
        })
        .collect();
    (median(fresh), median(reused), last.expect("a run"))
}

/// (purl, id) pairs of the affected findings, against `truth.json`.
fn score(sbom: &craft_model::Sbom, r: &craft_scan::ScanReport, truth: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(truth) else {
        return "no truth.json".to_string();
    };
    let t: Vec<BTreeMap<String, String>> = serde_json::from_str(&text).expect("truth");
    let truth: BTreeSet<(String, String)> = t
        .into_iter()
        .map(|m| (m["purl"].clone(), m["id"].clone()))
        .collect();
    let purl: BTreeMap<&str, &str> = sbom
        .components
        .iter()
        .filter_map(|c| Some((c.id.as_str(), c.purls.first()?.as_str())))
        .collect();
    let found: BTreeSet<(String, String)> = r
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Affected)
        .filter_map(|f| Some((purl.get(f.component.as_str())?.to_string(), f.id.clone())))
        .collect();
    let tp = found.intersection(&truth).count();
    format!(
        "truth {} found {} · recall {:.2} % · precision {:.2} % ({} false positives)",
        truth.len(),
        found.len(),
        100.0 * tp as f64 / truth.len().max(1) as f64,
        100.0 * tp as f64 / found.len().max(1) as f64,
        found.len() - tp
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--cold") {
        return cold_child(Path::new(&args[i + 1]), Path::new(&args[i + 2]));
    }
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        let store = SqliteStore::open(Path::new(&args[i + 1])).expect("open");
        let sbom = load(Path::new(&args[i + 2]));
        let n: usize = args[i + 3].parse().expect("N");
        let p = Precedence::default();
        let mut m = Matcher::new(&store, &p);
        m.scan(&sbom).expect("scan");
        let start = Instant::now();
        for _ in 0..n {
            if args[i + 4] == "new" {
                m = Matcher::new(&store, &p);
            }
            std::hint::black_box(m.scan(&sbom).expect("scan"));
        }
        eprintln!(
            "{:.1} ms per scan",
            start.elapsed().as_secs_f64() * 1e3 / n as f64
        );
        return;
    }
    let work = tempfile::tempdir().expect("tempdir");
    let peers = peers();
    let synthetic = peers.join("vulndb/big10k/osv");
    if synthetic.exists() {
        let db = work.path().join("big10k");
        let secs = import(&db, &[synthetic]);
        println!("\nSynthetic database (20,018 OSV records) imported in {secs:.2} s.\n");
        println!("| SBOM | components | findings | warm, new matcher | per component | warm, matcher reused | per component | cold (process) |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        let store = SqliteStore::open(&db).expect("open");
        for name in ["big1k", "big10k", "big100k"] {
            let path = peers.join(format!("inputs/{name}.cdx.json"));
            if !path.exists() {
                continue;
            }
            let sbom = load(&path);
            let (w, hot, r) = warm(&store, &sbom);
            let c = cold(&db, &path);
            let n = sbom.components.len() as f64;
            println!(
                "| {name}.cdx.json | {} | {} | {:.1} ms | {:.2} µs | {:.1} ms | {:.2} µs | {:.0} ms |",
                sbom.components.len(),
                r.findings.len(),
                w * 1e3,
                w * 1e6 / n,
                hot * 1e3,
                hot * 1e6 / n,
                c * 1e3
            );
            if name == "big10k" {
                eprintln!(
                    "{name}: {}",
                    score(&sbom, &r, &peers.join("vulndb/big10k/truth.json"))
                );
            }
        }
    } else {
        eprintln!(
            "{} missing: run ../shared/peers/make_inputs.sh",
            synthetic.display()
        );
    }
    if std::env::var("CRAFT_BENCH_ONLY").as_deref() == Ok("synthetic") {
        return;
    }
    let Some(root) = corpora("vulndb") else {
        eprintln!("corpora not found: run ../shared/corpora/unpack");
        return;
    };
    let db = work.path().join("all");
    let secs = import(
        &db,
        &[
            root.join("vulndb"),
            root.join("cve"),
            root.join("kernel/linux-kernel-cna-vulns"),
            root.join("kev"),
            root.join("epss"),
        ],
    );
    println!("\nWhole shared corpus imported in {secs:.1} s.\n");
    println!("| SBOM | components | affected | unknown | not affected | warm, new matcher | warm, reused | cold (process) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let store = SqliteStore::open(&db).expect("open");
    for rel in [
        "sbom/vulnscout-yocto/example/spdx3/core-image-minimal-qemux86-64.rootfs.spdx.json",
        "sbom/vulnscout-yocto/example/spdx2/example.rootfs.spdx.tar.zst",
    ] {
        let path = root.join(rel);
        if !path.exists() {
            continue;
        }
        let sbom = load(&path);
        let (w, hot, r) = warm(&store, &sbom);
        let c = cold(&db, &path);
        let affected = r
            .findings
            .iter()
            .filter(|f| f.status == FindingStatus::Affected)
            .count();
        println!(
            "| {} | {} | {affected} | {} | {} | {:.0} ms | {:.0} ms | {:.0} ms |",
            rel.rsplit('/').next().unwrap_or(rel),
            sbom.components.len(),
            r.findings.len() - affected,
            r.not_affected,
            w * 1e3,
            hot * 1e3,
            c * 1e3
        );
    }
}
