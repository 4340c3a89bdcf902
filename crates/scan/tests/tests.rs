//! The one integration-test binary of craft-scan (it links once).

#![allow(clippy::print_stderr)]

#[allow(dead_code)]
#[path = "../../sbom/tests/common.rs"]
mod common;

mod fixtures;

use craft_vulndb::{Limits, SqliteStore, Store};
use std::path::{Path, PathBuf};

/// A new temporary directory holding `files` (relative path, text).
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Import `paths` into the database in `db` (created when absent).
pub fn import_into(db: &Path, paths: &[PathBuf]) -> craft_vulndb::ImportReport {
    let mut store = SqliteStore::create(db).unwrap();
    store
        .import(paths, &Limits::default(), &mut |_| {})
        .unwrap()
}

/// A database in a new temporary directory with `paths` imported.
pub fn db_of(paths: &[PathBuf]) -> (tempfile::TempDir, SqliteStore) {
    let db = tempfile::tempdir().unwrap();
    import_into(db.path(), paths);
    let store = SqliteStore::open(db.path()).unwrap();
    (db, store)
}

/// An SBOM from its text (CycloneDX JSON here).
pub fn sbom(text: &str) -> craft_model::Sbom {
    craft_sbom::read_bytes(
        Path::new("fixture.cdx.json"),
        text.as_bytes().to_vec(),
        &craft_sbom::ReadOptions::default(),
    )
    .unwrap()
    .sbom
}
mod kernel;
mod verdicts;
