//! Issue #6 on real data: a Linux 6.1.192 kernel matched against the kernel CNA's records
//! (the shared corpus), triaged with the real Kbuild Makefiles of that tree and the
//! configurations of three embedded boards (Raspberry Pi, NXP i.MX, Atheros Wi-Fi router)
//! and of the x86_64 defconfig, whose real build's file list is the oracle.

use crate::common::corpus;
use craft_kernel::{compiled_files, Config, Tree};
use craft_scan::Matcher;
use craft_triage::kernel::KernelContext;
use craft_triage::{Layer, Status};
use craft_vulndb::{Limits, Precedence, SqliteStore, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The not_affected share measured per board (issue #6's target is 75 %); a regression
/// below these fails. ath79's walk is uncertain from the top: the corpus omits
/// `arch/mips/*/Platform`, which the MIPS arch Makefile includes (they are in FILELIST, not
/// in the copy), so craft cannot exclude that they add directories, and dismisses only other
/// architectures' code there.
const FLOORS: &[(&str, f64)] = &[
    ("linux-6.1.192-arm-bcm2835_defconfig.config", 0.80),
    ("linux-6.1.192-arm-imx_v6_v7_defconfig.config", 0.75),
    ("linux-6.1.192-mips-ath79_defconfig.config", 0.05),
];

struct Kernel {
    /// (CVE, files its fix touched) of every finding for 6.1.192.
    findings: Vec<(String, Vec<String>)>,
    root: std::path::PathBuf,
    tree: Tree,
}

fn kernel() -> Option<Kernel> {
    let cna = corpus("kernel/linux-kernel-cna-vulns/cve/published")?;
    let root = corpus("kernel/linux-6.1.192")?;
    let db = tempfile::tempdir().expect("tempdir");
    let mut store = SqliteStore::create(db.path()).expect("db");
    store
        .import(&[cna], &Limits::default(), &mut |_| {})
        .expect("import");
    let p = Precedence::default();
    let doc = br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "operating-system", "bom-ref": "linux", "name": "linux", "version": "6.1.192",
         "cpe": "cpe:2.3:o:linux:linux_kernel:6.1.192:*:*:*:*:*:*:*"}]}"#;
    let sbom = craft_sbom::read_bytes(Path::new("k.json"), doc.to_vec(), &Default::default())
        .expect("sbom")
        .sbom;
    let report = Matcher::new(&store, &p).scan(&sbom).expect("scan");
    let findings = report
        .findings
        .iter()
        .filter(|f| f.identity.key == "linux-kernel")
        .map(|f| {
            let v = store.vulnerability(&f.id, &p).expect("db").expect("known");
            (f.id.clone(), v.program_files())
        })
        .collect();
    let kb = root.join("linux-6.1.192-kbuild");
    let tree = Tree::open(&kb, Some(&kb.join("FILELIST"))).expect("tree");
    Some(Kernel {
        findings,
        root,
        tree,
    })
}

fn triage(k: &Kernel, config: &str) -> BTreeMap<String, craft_triage::Decision> {
    triage_with(k, config, None)
}

fn triage_with(
    k: &Kernel,
    config: &str,
    built: Option<&craft_kernel::Built>,
) -> BTreeMap<String, craft_triage::Decision> {
    let text = std::fs::read_to_string(k.root.join("configs").join(config)).expect("config");
    let config = Config::parse(&text);
    let compiled = compiled_files(&k.tree, &config, None).expect("walk");
    let ctx = KernelContext {
        compiled: &compiled,
        config: &config,
        tree: &k.tree,
        built,
    };
    k.findings
        .iter()
        .map(|(id, files)| (id.clone(), ctx.triage(files)))
        .collect()
}

#[test]
fn issue6_kernel_triage_on_real_boards() {
    let Some(k) = kernel() else { return };
    assert!(
        k.findings.len() > 1000,
        "{} kernel findings",
        k.findings.len()
    );

    // The oracle: x86_64 defconfig's real build. No dismissed finding names a file it
    // compiled; every affected one does.
    let truth: BTreeSet<String> =
        std::fs::read_to_string(k.root.join("compiled/x86_64-defconfig.src-files"))
            .expect("truth")
            .lines()
            .map(str::to_string)
            .collect();
    let x86 = triage(&k, "linux-6.1.192-x86_64-defconfig.config");
    // The same build's source list given as the maker's compiled-files list: it agrees
    // with the walk on every finding (a plain list adds only what the build compiled).
    let list =
        craft_kernel::Built::read(&k.root.join("compiled/x86_64-defconfig.src-files"), &k.tree)
            .expect("list");
    assert_eq!(list.unplaced, 0);
    let with_list = triage_with(&k, "linux-6.1.192-x86_64-defconfig.config", Some(&list));
    for (id, d) in &x86 {
        assert_eq!(
            with_list[id].status, d.status,
            "{id}: {}",
            with_list[id].reason
        );
    }
    for (id, d) in &x86 {
        let compiled = d.files.iter().any(|f| truth.contains(&f.file));
        match d.status {
            Status::NotAffected => assert!(
                !compiled,
                "{id} dismissed, but the real build compiles one of {:?}",
                d.files
            ),
            Status::Affected => assert!(
                compiled,
                "{id} affected, but the real build compiles none of {:?}",
                d.files
            ),
            _ => {}
        }
    }

    let samples: Vec<String> = [
        "kernel-dismissed-sample.tsv",
        "kernel-dismissed-sample-2.tsv",
        "kernel-dismissed-sample-3.tsv",
    ]
    .iter()
    .map(|f| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data")
                .join(f),
        )
        .expect("the hand-checked sample")
    })
    .collect();
    // Why ath79 stays uncertain: the Platform files the corpus omits.
    {
        let text = std::fs::read_to_string(
            k.root
                .join("configs/linux-6.1.192-mips-ath79_defconfig.config"),
        )
        .expect("config");
        let out = compiled_files(&k.tree, &Config::parse(&text), None).expect("walk");
        assert!(
            out.uncertain_directories.iter().any(|d| d == "."),
            "{:?}",
            out.uncertain_directories
        );
        assert!(out
            .diagnostics
            .iter()
            .any(|d| d.message.contains("arch/mips/ath79/Platform")));
    }
    let (mut right, mut dismissed) = ([0usize; 3], [0usize; 3]);
    for (config, floor) in FLOORS {
        let decisions = triage(&k, config);
        let n = decisions.len() as f64;
        let count = |s: Status| decisions.values().filter(|d| d.status == s).count();
        let by_layer = |l: Layer| {
            decisions
                .values()
                .filter(|d| d.status == Status::NotAffected && d.layer == l)
                .count()
        };
        let not_affected = count(Status::NotAffected);
        eprintln!(
            "{config}: {} findings, affected {}, not_affected {} ({:.1} %: architecture {}, kernel-config {}, subsystem-header {}, not-image-code {}), under_investigation {}",
            decisions.len(),
            count(Status::Affected),
            not_affected,
            not_affected as f64 * 100.0 / n,
            by_layer(Layer::Architecture),
            by_layer(Layer::KernelConfig),
            by_layer(Layer::SubsystemHeader),
            by_layer(Layer::NotImageCode),
            count(Status::UnderInvestigation)
        );
        assert!(
            not_affected as f64 / n >= *floor,
            "{config}: {not_affected} of {n} not_affected"
        );
        // The decisions as OpenVEX validate against the official schema.
        if let Some(v) = crate::vex::openvex_validator() {
            use craft_triage::vex::{cyclonedx, from_decision, openvex, Document, Product};
            let product = Product::new(
                None,
                Some("cpe:2.3:o:linux:linux_kernel:6.1.192:*:*:*:*:*:*:*".into()),
                "linux",
            );
            let statements = decisions
                .iter()
                .map(|(id, d)| from_decision(id, &[], &product, d, &[]))
                .collect();
            let model = Document::new("Acme", "2026-11-29T00:00:00Z", statements);
            let doc = openvex::write(&model);
            // The round trip through CycloneDX keeps every statement.
            let cdx = cyclonedx::write(&model, None);
            assert_eq!(cyclonedx::read(&cdx).expect("read CycloneDX"), model);
            let schema =
                craft_sbom::schema::validate(craft_sbom::schema::SchemaId::CycloneDx16, &cdx);
            assert!(
                schema.is_empty(),
                "{config}: {:?}",
                &schema[..schema.len().min(3)]
            );
            let errs = crate::vex::errors(&v, &doc);
            assert!(
                errs.is_empty(),
                "{config}: {:#?}",
                &errs[..errs.len().min(5)]
            );
        }
        // Every dismissal names its evidence.
        for (id, d) in decisions
            .iter()
            .filter(|(_, d)| d.status == Status::NotAffected)
        {
            for f in &d.files {
                assert!(!f.evidence.is_empty(), "{id}: {} has no evidence", f.file);
            }
        }
        // The hand-checked samples of dismissals (tests/data/kernel-dismissed-sample*.tsv;
        // the first drawn before the two reviews' fixes, the second after): one judged wrong
        // is no longer dismissed; none judged right became affected; the second sample's
        // all stay dismissed, the first's all but those later rules made more careful.
        for (n, sample) in samples.iter().enumerate() {
            for line in sample.lines().skip(1).filter(|l| l.starts_with(config)) {
                let cols: Vec<&str> = line.split('\t').collect();
                let (cve, verdict) = (cols[1], cols[2]);
                let d = &decisions[cve];
                if verdict == "right" {
                    assert_ne!(d.status, Status::Affected, "{config} {cve}: {}", d.reason);
                    if !config.contains("ath79") {
                        dismissed[n] += usize::from(d.status == Status::NotAffected);
                    }
                    right[n] += 1;
                } else {
                    assert_ne!(
                        d.status,
                        Status::NotAffected,
                        "{config} {cve} ({verdict}): {}",
                        d.reason
                    );
                }
            }
        }
    }
    // First sample: on the two arm boards 33 of 34 stay dismissed (fs/ntfs/mft.c of
    // CVE-2026-72203 is not in this tree and its nearest directory is fs/); the 16 ath79
    // ones are under investigation while that walk is uncertain (above).
    // Third sample: every dismissal the eighth session's rules added on i.MX (paths of
    // other versions, subsystems' own include directories, shared headers named for the
    // fix's sources), all 53 checked by hand.
    assert_eq!(right, [50, 50, 53], "each sample's dismissals judged right");
    // After the review's stricter subsystem-header rule (a name part that also names
    // compiled code ties nothing: `sch`, `tables`, `queue`, `bpf`, `fsl` on i.MX) nine of
    // them are under investigation again, none affected.
    assert!(
        dismissed[2] >= 44,
        "{} of the third sample's 53 still dismissed",
        dismissed[2]
    );
    assert!(
        dismissed[0] >= 33,
        "{} of the first sample's 34 arm ones still dismissed",
        dismissed[0]
    );
    assert_eq!(dismissed[1], 50, "the second sample stays dismissed");
}
