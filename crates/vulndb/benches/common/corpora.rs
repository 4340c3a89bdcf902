//! Where the benchmarks find the shared corpora (shared by the benches of craft-vulndb,
//! craft-scan and craft-triage through `#[path]`, as the tests share craft-sbom's helper).

use std::path::{Path, PathBuf};

/// The corpora root holding `marker`: `$CRAFT_CORPORA`, `target/corpora` (the unpacked
/// copy), then `../shared/corpora`.
pub fn corpora(marker: &str) -> Option<PathBuf> {
    let ws = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)?
        .to_path_buf();
    std::env::var_os("CRAFT_CORPORA")
        .map(PathBuf::from)
        .into_iter()
        .chain([ws.join("target/corpora"), ws.join("../shared/corpora")])
        .find(|p| p.join(marker).exists())
}
