//! Kernel triage benchmark (issue #6): the compiled-file set of full kernel configurations
//! from the 6.1.192 tree's Kbuild Makefiles, and the triage of 10,000 kernel findings (the
//! `programFiles` of the kernel CNA's records, cycled), on one core.
//!
//! Run: `cargo bench -p craft-triage --bench kernel` (figures in docs/BENCHMARKS.md). Reads
//! `target/corpora` (or `$CRAFT_CORPORA`, or `../shared/corpora`).

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../../vulndb/benches/common/corpora.rs"]
mod corpora;
use corpora::corpora;
use craft_kernel::{compiled_files, Config, Tree};
use craft_triage::kernel::KernelContext;
use craft_triage::Status;
use std::path::Path;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Every record's `programFiles` under `dir` (CVE JSON 5).
fn program_files(dir: &Path, out: &mut Vec<Vec<String>>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            program_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            let mut files: Vec<String> = v["containers"]["cna"]["affected"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a["programFiles"].as_array())
                .flatten()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect();
            files.sort();
            files.dedup();
            out.push(files);
        }
    }
}

fn main() {
    let Some(root) = corpora("kernel/linux-6.1.192") else {
        eprintln!("CORPUS MISSING: kernel/linux-6.1.192 (run ../shared/corpora/unpack)");
        return;
    };
    let k = root.join("kernel/linux-6.1.192");
    let kb = k.join("linux-6.1.192-kbuild");
    let start = Instant::now();
    let tree = Tree::open(&kb, Some(&kb.join("FILELIST"))).expect("tree");
    println!(
        "tree (FILELIST of {} files): {:.1} ms",
        78_579,
        start.elapsed().as_secs_f64() * 1e3
    );
    println!("| configuration | directories | files | compiled-file set (median of 5) |");
    println!("|---|---:|---:|---:|");
    let mut configs = Vec::new();
    for name in [
        "debian-6.1.192-amd64.config",
        "linux-6.1.192-arm-bcm2835_defconfig.config",
        "linux-6.1.192-arm-imx_v6_v7_defconfig.config",
        "linux-6.1.192-mips-ath79_defconfig.config",
        "linux-6.1.192-x86_64-defconfig.config",
    ] {
        let config =
            Config::parse(&std::fs::read_to_string(k.join("configs").join(name)).expect("config"));
        let mut times = Vec::new();
        let mut out = None;
        for _ in 0..5 {
            let t = Instant::now();
            out = Some(compiled_files(&tree, &config, None).expect("walk"));
            times.push(t.elapsed().as_secs_f64());
        }
        let out = out.expect("ran");
        println!(
            "| {name} | {} | {} | {:.1} ms |",
            out.directories.len(),
            out.files.len(),
            median(times) * 1e3
        );
        configs.push((name, config, out));
    }

    let mut records = Vec::new();
    program_files(
        &root.join("kernel/linux-kernel-cna-vulns/cve/published"),
        &mut records,
    );
    records.retain(|f| !f.is_empty());
    let findings: Vec<&Vec<String>> = records.iter().cycle().take(10_000).collect();
    println!();
    println!("| configuration | findings | not_affected | triage (median of 5) | per finding |");
    println!("|---|---:|---:|---:|---:|");
    for (name, config, compiled) in &configs {
        let ctx = KernelContext {
            compiled,
            config,
            tree: &tree,
            built: None,
        };
        let mut times = Vec::new();
        let mut dismissed = 0;
        for _ in 0..5 {
            let t = Instant::now();
            dismissed = findings
                .iter()
                .filter(|f| ctx.triage(f).status == Status::NotAffected)
                .count();
            times.push(t.elapsed().as_secs_f64());
        }
        let m = median(times);
        println!(
            "| {name} | {} | {dismissed} | {:.1} ms | {:.1} µs |",
            findings.len(),
            m * 1e3,
            m * 1e6 / findings.len() as f64
        );
    }
}
