//! Every SBOM under `corpora/sbom/` is read without a panic: it loads, or fails with a
//! message naming the file. The test prints, per source, the share that loads and the share
//! of (non-file) components that carry a purl or a CPE; docs/BENCHMARKS.md records them.

use crate::common::{corpus, files, name};
use craft_model::ComponentKind;
use craft_sbom::{read_path, ReadOptions};
use std::path::Path;

/// Extensions of files that may be SBOMs (the corpora also hold READMEs, CSVs, images).
fn candidate(p: &Path) -> bool {
    let n = name(p);
    [
        ".json", ".xml", ".spdx", ".tag", ".sbom", ".tar.zst", ".tar", ".rdf",
    ]
    .iter()
    .any(|e| n.ends_with(e))
        && !n.starts_with("SOURCE")
}

#[derive(Default, Debug)]
struct Tally {
    files: usize,
    loaded: usize,
    components: usize,
    identified: usize,
    failures: Vec<String>,
}

#[test]
fn whole_sbom_corpus_reads_without_panic() {
    let sources = [
        "sbom/spdx-ntia-conformance-checker",
        "sbom/vulnscout-yocto",
        "sbom/spdx-examples",
        "sbom/sbomqs-testdata",
        "sbom/cyclonedx-bom-examples",
        "sbom/bom-shelter",
    ];
    let mut grand = Tally::default();
    for src in sources {
        let Some(dir) = corpus(src) else { return };
        let mut t = Tally::default();
        for p in files(&dir, &candidate) {
            t.files += 1;
            let outcome = std::panic::catch_unwind(|| read_path(&p, &ReadOptions::default()));
            match outcome {
                Err(_) => panic!("PANIC while reading {}", p.display()),
                Ok(Ok(l)) => {
                    t.loaded += 1;
                    for c in l
                        .sbom
                        .components
                        .iter()
                        .filter(|c| c.kind != ComponentKind::File)
                    {
                        t.components += 1;
                        if !c.purls.is_empty() || !c.cpes.is_empty() {
                            t.identified += 1;
                        }
                    }
                }
                Ok(Err(e)) => {
                    let msg = e.to_string();
                    // A clear message names the file.
                    assert!(
                        msg.contains(&name(&p)) || msg.contains(&p.display().to_string()),
                        "error for {} does not name it: {msg}",
                        p.display()
                    );
                    t.failures.push(msg);
                }
            }
        }
        eprintln!(
            "{src}: {} candidate files, {} loaded ({:.1}%), {} components, {:.1}% with purl or CPE",
            t.files,
            t.loaded,
            pct(t.loaded, t.files),
            t.components,
            pct(t.identified, t.components)
        );
        for f in t.failures.iter().take(40) {
            eprintln!("    not loaded: {f}");
        }
        grand.files += t.files;
        grand.loaded += t.loaded;
        grand.components += t.components;
        grand.identified += t.identified;
    }
    eprintln!(
        "ALL: {} files, {} loaded ({:.1}%), {} components, {:.1}% with purl or CPE",
        grand.files,
        grand.loaded,
        pct(grand.loaded, grand.files),
        grand.components,
        pct(grand.identified, grand.components)
    );
    assert!(grand.files > 500, "the corpus looks incomplete");
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}
