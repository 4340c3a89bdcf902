//! Corpus location (shared with the other crates' tests).

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("workspace root")
        .to_path_buf()
}

/// A corpus folder under `corpora/`, from `$CRAFT_CORPORA`, `target/corpora` or
/// `../shared/corpora`; `None` after a loud notice when absent, a panic with `CI=true`.
pub fn corpus(rel: &str) -> Option<PathBuf> {
    let mut roots = Vec::new();
    if let Ok(c) = std::env::var("CRAFT_CORPORA") {
        roots.push(PathBuf::from(c));
    }
    roots.push(workspace().join("target/corpora"));
    roots.push(workspace().join("../shared/corpora"));
    if let Some(p) = roots.iter().map(|r| r.join(rel)).find(|p| p.exists()) {
        return Some(p);
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
