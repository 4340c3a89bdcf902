//! Corpus location and helpers shared by the tests.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("workspace root")
        .to_path_buf()
}

/// A corpus folder by its path under `corpora/` (e.g. `conformance/spdx-spec`), looked up in
/// `$CRAFT_CORPORA` (the unpacked tree), `target/corpora`, then `../shared/corpora`.
///
/// Returns `None` after printing a loud notice when it is absent; panics instead when
/// `CI=true`, because CI must never pass by skipping.
pub fn corpus(rel: &str) -> Option<PathBuf> {
    let mut roots = Vec::new();
    if let Ok(c) = std::env::var("CRAFT_CORPORA") {
        roots.push(PathBuf::from(c));
    }
    roots.push(workspace().join("target/corpora"));
    roots.push(workspace().join("../shared/corpora"));
    for r in &roots {
        let p = r.join(rel);
        if p.exists() {
            return Some(p);
        }
    }
    let msg = format!(
        "CORPUS MISSING: `{rel}` not found under {roots:?}; run `../shared/corpora/unpack` \
         (this test is SKIPPED)"
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{msg}");
    }
    eprintln!("\n!!!!!!!! {msg}\n");
    None
}

/// Every file under `dir` (recursively) whose name satisfies `keep`, sorted.
pub fn files(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if keep(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The file name of `p` as text.
pub fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A peer tool's install directory by its path under the peers root (e.g.
/// `npm/node_modules/@secvisogram/csaf-validator-lib`), looked up in `$CRAFT_PEERS` then
/// `target/peers` (where `scripts/test.sh` installs them).
///
/// Like [`corpus`]: `None` after a loud notice when absent, a panic when `CI=true`.
#[allow(dead_code)] // used by the suites that run peer tools
pub fn peer(rel: &str) -> Option<PathBuf> {
    let mut roots = Vec::new();
    if let Ok(c) = std::env::var("CRAFT_PEERS") {
        roots.push(PathBuf::from(c));
    }
    roots.push(workspace().join("target/peers"));
    for r in &roots {
        let p = r.join(rel);
        if p.exists() {
            return Some(p);
        }
    }
    let msg = format!(
        "PEER MISSING: `{rel}` not found under {roots:?}; `scripts/test.sh` installs it \
         (this test is SKIPPED)"
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{msg}");
    }
    eprintln!("\n!!!!!!!! {msg}\n");
    None
}
