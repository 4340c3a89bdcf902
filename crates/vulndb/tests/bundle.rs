//! Bundles: export, verify, import; tampered, unsigned and wrongly signed bundles refused
//! with the database unchanged.

use crate::fixtures::{import, records_of, tree, CVE5, KEV, OSV_GHSA};
use craft_vulndb::bundle::{self, BundleError};
use craft_vulndb::{Precedence, SqliteStore, Store};
use std::path::Path;

fn key_files(dir: &Path) -> (std::path::PathBuf, String) {
    let (secret, public) = bundle::keygen().unwrap();
    let path = dir.join("release.key");
    std::fs::write(&path, secret).unwrap();
    (path, public)
}

#[test]
fn a_signed_bundle_moves_the_whole_database() {
    let work = tempfile::tempdir().unwrap();
    let src_db = work.path().join("src");
    let input = tree(&[("a.json", OSV_GHSA), ("b.json", CVE5), ("kev.json", KEV)]);
    import(&src_db, &[input.path().to_path_buf()]);
    let (secret, public) = key_files(work.path());
    let out = work.path().join("vulndb.craftdb");
    let store = SqliteStore::open(&src_db).unwrap();
    let key = bundle::signing_key(&secret).unwrap();
    let manifest = bundle::export(&store, &out, Some(&key)).unwrap();
    assert_eq!(manifest.sha256.len(), 64);
    assert_eq!(
        manifest
            .sources
            .iter()
            .find(|s| s.source == "osv")
            .unwrap()
            .records,
        1
    );

    // Into a machine that already has other data: replaced, not merged.
    let dst_db = work.path().join("dst");
    let other = tree(&[(
        "x.json",
        &OSV_GHSA
            .replace("GHSA-aaaa-bbbb-cccc", "GHSA-xxxx-yyyy-zzzz")
            .replace("CVE-2024-0001", "CVE-2024-0777"),
    )]);
    import(&dst_db, &[other.path().to_path_buf()]);
    let done = bundle::import(
        &dst_db,
        &out,
        Some(&bundle::verifying_key(&public).unwrap()),
    )
    .unwrap();
    assert_eq!(done.signature, "verified");
    let store = SqliteStore::open(&dst_db).unwrap();
    let p = Precedence::default();
    let v = store
        .vulnerability("GHSA-aaaa-bbbb-cccc", &p)
        .unwrap()
        .unwrap();
    assert_eq!(v.id, "CVE-2024-0001");
    assert!(v.kev.is_some());
    assert!(store
        .vulnerability("GHSA-xxxx-yyyy-zzzz", &p)
        .unwrap()
        .is_none());
    // No staging file is left behind.
    for e in std::fs::read_dir(&dst_db).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(name.starts_with("craft.sqlite"), "stray {name}");
    }
    // Without a key: imported, and said to be unverified.
    let third = work.path().join("third");
    assert_eq!(
        bundle::import(&third, &out, None).unwrap().signature,
        "signed, not verified"
    );
}

#[test]
fn tampered_unsigned_and_wrongly_signed_bundles_are_refused() {
    let work = tempfile::tempdir().unwrap();
    let src_db = work.path().join("src");
    let input = tree(&[("a.json", OSV_GHSA)]);
    import(&src_db, &[input.path().to_path_buf()]);
    let store = SqliteStore::open(&src_db).unwrap();
    let unsigned = work.path().join("unsigned.craftdb");
    bundle::export(&store, &unsigned, None).unwrap();
    let (secret, _) = key_files(work.path());
    let signed = work.path().join("signed.craftdb");
    bundle::export(
        &store,
        &signed,
        Some(&bundle::signing_key(&secret).unwrap()),
    )
    .unwrap();
    let (_, stranger) = bundle::keygen().unwrap();
    let stranger = bundle::verifying_key(&stranger).unwrap();

    let dst = work.path().join("dst");
    let keep = tree(&[("k.json", OSV_GHSA)]);
    import(&dst, &[keep.path().to_path_buf()]);
    assert!(matches!(
        bundle::import(&dst, &unsigned, Some(&stranger)),
        Err(BundleError::Signature { .. })
    ));
    assert!(matches!(
        bundle::import(&dst, &signed, Some(&stranger)),
        Err(BundleError::Signature { .. })
    ));

    // One byte changed in the middle of the compressed stream.
    let mut bytes = std::fs::read(&unsigned).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    let damaged = work.path().join("damaged.craftdb");
    std::fs::write(&damaged, &bytes).unwrap();
    let err = bundle::import(&dst, &damaged, None).unwrap_err();
    assert!(matches!(err, BundleError::Invalid { .. }), "{err}");
    // Not a bundle at all.
    let text = work.path().join("text.craftdb");
    std::fs::write(&text, "not a bundle\n").unwrap();
    let err = bundle::import(&dst, &text, None).unwrap_err();
    assert!(matches!(err, BundleError::Invalid { .. }), "{err}");
    // The database is as it was, with no staging files.
    assert_eq!(records_of(&dst, "osv"), 1);
    for e in std::fs::read_dir(&dst).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(name.starts_with("craft.sqlite"), "stray {name}");
    }
}
