//! Import and lookup benchmark on the shared corpora: records per second and peak RSS per
//! source, and the time to open the database and look up one vulnerability (in a new
//! process: cold; repeated in one process: warm).
//!
//! Run: `cargo bench -p craft-vulndb --bench vulndb` (figures in docs/BENCHMARKS.md). Each
//! measurement runs in its own process (this binary re-executed with `--one`), so that
//! peak RSS is that of one import; each is run `CRAFT_BENCH_RUNS` times (default 5) and the
//! run of median CPU time shown, with the range of records per CPU-second over all runs
//! (this VM's timings vary by ±30 % between identical runs).

#![allow(clippy::print_stdout, clippy::print_stderr)]

/// The allocator the `craft` binary uses, so that figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/corpora.rs"]
mod corpora;
use corpora::corpora;
use craft_vulndb::{Limits, Precedence, SqliteStore, Store};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// (name, corpus paths relative to the corpora root)
const SETS: &[(&str, &[&str])] = &[
    ("osv-go (JSON)", &["vulndb/golang-vulndb/data/osv"]),
    ("osv-rustsec (JSON)", &["vulndb/rustsec-advisory-db/osv"]),
    ("osv-pypa (YAML)", &["vulndb/pypa-advisory-database/vulns"]),
    ("cve5 vulnrichment", &["cve"]),
    ("kernel-cna", &["kernel/linux-kernel-cna-vulns"]),
    ("kev", &["kev"]),
    ("epss", &["epss"]),
    (
        "all corpora",
        &[
            "vulndb",
            "cve",
            "kernel/linux-kernel-cna-vulns",
            "kev",
            "epss",
        ],
    ),
];

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time of this process so far (user + system, all threads), from `/proc/self/stat`
/// in clock ticks of 1/100 s (Linux's `USER_HZ`).
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
            Some(ticks as f64 / 100.0)
        })
        .unwrap_or(0.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        return one(&args[i + 1], Path::new(&args[i + 2]));
    }
    if let Some(i) = args.iter().position(|a| a == "--lookup") {
        return lookup(Path::new(&args[i + 1]), &args[i + 2]);
    }
    let Some(root) = corpora("vulndb") else {
        eprintln!("corpora not found: run ../shared/corpora/unpack");
        return;
    };
    let exe = std::env::current_exe().expect("own path");
    let runs_wanted: usize = std::env::var("CRAFT_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(5);
    let work = tempfile::tempdir().expect("tempdir");
    let mut last_db = None;
    for one_thread in [true, false] {
        println!(
            "\n{}\n",
            if one_thread {
                "One thread (`Limits { parallel: false, .. }`):"
            } else {
                "Default (reading and parsing beside the writer, two threads):"
            }
        );
        println!(
            "| data | records read | imported | seconds | records/s | CPU s | records/CPU-s | (all runs) | peak RSS |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---|---:|");
        for (name, _) in SETS {
            let db = work.path().join(format!(
                "{}-{one_thread}",
                name.replace([' ', '(', ')'], "_")
            ));
            let mut runs: Vec<Run> = Vec::new();
            for _ in 0..runs_wanted {
                let _ = std::fs::remove_dir_all(&db);
                let mut cmd = Command::new(&exe);
                cmd.args(["--one", name])
                    .arg(&db)
                    .env("CRAFT_CORPORA", &root);
                if one_thread {
                    cmd.env("CRAFT_BENCH_ONE_THREAD", "1");
                }
                let out = cmd.output().expect("run child");
                eprint!("{}", String::from_utf8_lossy(&out.stderr));
                runs.extend(Run::parse(&String::from_utf8_lossy(&out.stdout)));
            }
            runs.sort_by(|a, b| a.cpu.total_cmp(&b.cpu));
            if let Some(m) = runs.get(runs.len() / 2) {
                let rate = |r: &Run| r.read as f64 / r.cpu;
                println!(
                    "| {name} | {} | {} | {:.3} | {:.0} | {:.2} | {:.0} | {:.0}–{:.0} | {:.0} MB |",
                    m.read,
                    m.imported,
                    m.secs,
                    m.read as f64 / m.secs,
                    m.cpu,
                    rate(m),
                    runs.last().map_or(0.0, rate),
                    runs.first().map_or(0.0, rate),
                    m.rss_kb as f64 / 1024.0
                );
            }
            last_db = Some(db);
        }
    }
    let db = last_db.expect("a database");
    println!();
    println!("| lookup | open + lookup |");
    println!("|---|---:|");
    for id in ["CVE-2024-26877", "GHSA-hhx9-p69v-cx2j", "CVE-2021-44228"] {
        let out = Command::new(&exe)
            .args(["--lookup"])
            .arg(&db)
            .arg(id)
            .output()
            .expect("run child");
        print!("{}", String::from_utf8_lossy(&out.stdout));
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
    }
}

fn one(name: &str, db: &Path) {
    let root = corpora("vulndb").expect("corpora");
    let (_, rels) = SETS.iter().find(|(n, _)| *n == name).expect("known set");
    let paths: Vec<PathBuf> = rels.iter().map(|r| root.join(r)).collect();
    let mut store = SqliteStore::create(db).expect("create");
    let parallel = std::env::var_os("CRAFT_BENCH_ONE_THREAD").is_none();
    let limits = Limits {
        parallel,
        ..Limits::default()
    };
    let start = Instant::now();
    let cpu0 = cpu_secs();
    let report = store.import(&paths, &limits, &mut |_| {}).expect("import");
    let secs = start.elapsed().as_secs_f64();
    let cpu = (cpu_secs() - cpu0).max(0.01);
    let read: u64 = report.sources.values().map(|s| s.read).sum();
    let imported: u64 = report
        .sources
        .values()
        .map(|s| s.imported + s.updated)
        .sum();
    println!("run {read} {imported} {secs} {cpu} {}", peak_rss_kb());
}

/// One child's measurement.
struct Run {
    read: u64,
    imported: u64,
    secs: f64,
    cpu: f64,
    rss_kb: u64,
}

impl Run {
    fn parse(out: &str) -> Option<Run> {
        let line = out.lines().find_map(|l| l.strip_prefix("run "))?;
        let f: Vec<&str> = line.split_whitespace().collect();
        Some(Run {
            read: f.first()?.parse().ok()?,
            imported: f.get(1)?.parse().ok()?,
            secs: f.get(2)?.parse().ok()?,
            cpu: f.get(3)?.parse().ok()?,
            rss_kb: f.get(4)?.parse().ok()?,
        })
    }
}

fn lookup(db: &Path, id: &str) {
    let start = Instant::now();
    let store = SqliteStore::open(db).expect("open");
    let p = Precedence::default();
    let found = store.vulnerability(id, &p).expect("lookup");
    let cold = start.elapsed().as_secs_f64() * 1e3;
    let n = 200;
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(store.vulnerability(id, &p).expect("lookup"));
    }
    let warm = start.elapsed().as_secs_f64() * 1e3 / f64::from(n);
    println!(
        "| `{id}` ({}) | cold {cold:.2} ms, warm {warm:.3} ms |",
        if found.is_some() { "found" } else { "absent" }
    );
}
