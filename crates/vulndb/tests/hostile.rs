//! Hostile input: every bad record is a counted, explained skip, and a broken archive is a
//! clear error that leaves the database as it was.

use crate::fixtures::{import, records_of, tree, CVE5, OSV_GHSA};
use craft_vulndb::{Limits, Precedence, SqliteStore, Store};
use std::io::Write;

#[test]
fn malformed_and_mistyped_records_are_skipped_with_reasons() {
    let huge = format!(
        r#"{{"id": "GHSA-huge-huge-huge", "modified": "2024-01-01T00:00:00Z", "details": "{}", "summary": "{}"}}"#,
        "x".repeat(3 << 20),
        "y".repeat(10_000)
    );
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let input = tree(&[
        ("truncated.json", &OSV_GHSA[..OSV_GHSA.len() / 2]),
        ("no-id.json", r#"{"modified": "2024-01-01T00:00:00Z", "affected": []}"#),
        ("id-number.json", r#"{"id": 42, "modified": "2024-01-01T00:00:00Z", "affected": []}"#),
        ("aliases-object.json", r#"{"id": "GHSA-wrong-type-s111", "modified": "2024-01-01T00:00:00Z", "aliases": {"a": 1}, "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:X"}]}"#),
        ("cve-bad-id.json", r#"{"cveMetadata": {"cveId": "not-a-cve"}, "containers": {"cna": {}}}"#),
        ("huge.json", &huge),
        ("deep.json", &deep),
        ("binary.bin", "\u{0}\u{1}\u{2}garbage"),
        ("kev-bad-date.json", r#"{"catalogVersion": "1", "vulnerabilities": [{"cveID": "CVE-2024-0001", "dateAdded": "yesterday"}]}"#),
        ("epss.csv", "cve,epss,percentile\nCVE-2024-0001,0.5,0.5\nCVE-2024-0002,7,0.5\nCVE-2024-0003,abc,0.1\n"),
    ]);
    let db = tempfile::tempdir().unwrap();
    let r = import(db.path(), &[input.path().to_path_buf()]);
    let un = &r.unrecognised.skipped;
    assert_eq!(
        un.get("malformed-json"),
        Some(&2),
        "truncated and too deep: {r:#?}"
    );
    assert_eq!(
        un.get("not-vulnerability-data"),
        Some(&3),
        "no id, numeric id, binary: {r:#?}"
    );
    let osv = &r.sources["osv"];
    assert_eq!(
        osv.imported, 2,
        "the mistyped and the huge record are kept without their bad parts"
    );
    assert_eq!(osv.notes.get("wrong-type"), Some(&1));
    assert_eq!(osv.notes.get("cvss-unreadable"), Some(&1));
    assert_eq!(
        osv.notes.get("field-clipped"),
        Some(&2),
        "details over 1 MiB, summary over 4 KiB"
    );
    assert_eq!(r.sources["cve"].skipped.get("missing-id"), Some(&1));
    assert_eq!(r.sources["kev"].skipped.get("wrong-type"), Some(&1));
    assert_eq!(r.sources["epss"].imported, 1);
    assert_eq!(r.sources["epss"].skipped.get("epss-out-of-range"), Some(&1));
    assert_eq!(
        r.sources["epss"].skipped.get("epss-line-unreadable"),
        Some(&1)
    );
    // Every skip reason has an example naming the file.
    for (code, examples) in &r.examples {
        assert!(
            !examples.is_empty() && !examples[0].origin.is_empty(),
            "{code}"
        );
    }
    let store = SqliteStore::open(db.path()).unwrap();
    let v = store
        .vulnerability("GHSA-huge-huge-huge", &Precedence::default())
        .unwrap()
        .unwrap();
    assert_eq!(v.details.unwrap().value.text.len(), 1 << 20);
}

#[test]
fn archive_paths_that_leave_the_archive_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    // A tar whose member names `../`: written by hand, as tar::Builder refuses such paths.
    let mut header = tar::Header::new_old();
    let name = b"../../etc/GHSA-aaaa-bbbb-cccc.json";
    header.as_old_mut().name[..name.len()].copy_from_slice(name);
    header.set_size(OSV_GHSA.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let mut bytes = header.as_bytes().to_vec();
    bytes.extend_from_slice(OSV_GHSA.as_bytes());
    bytes.resize(bytes.len().div_ceil(512) * 512 + 1024, 0);
    std::fs::write(dir.path().join("evil.tar"), &bytes).unwrap();
    // A zip with an absolute path and a `..` path.
    let mut z = zip::ZipWriter::new(std::fs::File::create(dir.path().join("evil.zip")).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("../outside.json", opts).unwrap();
    z.write_all(OSV_GHSA.as_bytes()).unwrap();
    z.start_file("/abs.json", opts).unwrap();
    z.write_all(OSV_GHSA.as_bytes()).unwrap();
    z.start_file("fine/CVE-2024-0001.json", opts).unwrap();
    z.write_all(CVE5.as_bytes()).unwrap();
    z.finish().unwrap();
    let db = tempfile::tempdir().unwrap();
    let r = import(db.path(), &[dir.path().to_path_buf()]);
    assert_eq!(
        r.unrecognised.skipped.get("unsafe-archive-path"),
        Some(&3),
        "{r:#?}"
    );
    assert!(!r.sources.contains_key("osv"));
    assert_eq!(r.sources["cve"].imported, 1);
}

/// A zip holding a CVE record and `prefix` followed by 64 MiB of spaces (a few KB
/// compressed).
fn bomb(dir: &std::path::Path, prefix: &str) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(dir.join("bomb.zip")).unwrap());
    z.start_file(
        "CVE-2024-0001.json",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(CVE5.as_bytes()).unwrap();
    z.start_file("zeros.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(prefix.as_bytes()).unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..64 {
        z.write_all(&spaces).unwrap();
    }
    z.finish().unwrap();
    assert!(std::fs::metadata(dir.join("bomb.zip")).unwrap().len() < 1 << 20);
}

const SMALL: Limits = Limits {
    max_document: 1 << 20,
    max_stream: 8 << 20,
    max_depth: 4,
    parallel: true,
};

#[test]
fn a_decompression_bomb_is_read_no_further_than_the_limits() {
    // Not a feed: reading stops after the document limit, and the entry is a counted skip.
    let dir = tempfile::tempdir().unwrap();
    bomb(dir.path(), "");
    let db = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::create(db.path()).unwrap();
    let r = store
        .import(&[dir.path().to_path_buf()], &SMALL, &mut |_| {})
        .unwrap();
    assert_eq!(r.unrecognised.skipped.get("too-large"), Some(&1));
    assert!(r.bytes < 2 << 20, "read {} bytes", r.bytes);
    assert_eq!(r.sources["cve"].imported, 1);

    // A feed that never ends: streaming stops at the stream limit with an error, and
    // nothing of the import is kept (the CVE read before it is rolled back too).
    let db = tempfile::tempdir().unwrap();
    let good = tree(&[("a.json", OSV_GHSA)]);
    import(db.path(), &[good.path().to_path_buf()]);
    let dir = tempfile::tempdir().unwrap();
    bomb(dir.path(), r#"{"format": "NVD_CVE", "vulnerabilities": ["#);
    let mut store = SqliteStore::create(db.path()).unwrap();
    let err = store
        .import(&[dir.path().to_path_buf()], &SMALL, &mut |_| {})
        .unwrap_err();
    let chain = anyhow_chain(&err).join(": ");
    assert!(
        chain.contains("bomb.zip!zeros.json") && chain.contains("decompression bomb"),
        "{chain}"
    );
    drop(store);
    let store = SqliteStore::open(db.path()).unwrap();
    let v = store
        .vulnerability("CVE-2024-0001", &Precedence::default())
        .unwrap()
        .unwrap();
    assert!(v.records.iter().all(|r| r.from.source.name() == "osv"));
    assert_eq!(store.status().unwrap().imports, 1);
}

#[test]
fn a_truncated_archive_is_an_error_and_the_previous_database_stands() {
    let db = tempfile::tempdir().unwrap();
    let good = tree(&[("a.json", OSV_GHSA)]);
    import(db.path(), &[good.path().to_path_buf()]);
    let mut tar = tar::Builder::new(Vec::new());
    for i in 0..50 {
        let text = CVE5.replace("CVE-2024-0001", &format!("CVE-2024-{:04}", 1000 + i));
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, format!("c/{i}.json"), text.as_bytes())
            .unwrap();
    }
    let bytes = zstd::encode_all(&tar.into_inner().unwrap()[..], 3).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cut.tar.zst"),
        &bytes[..bytes.len() * 2 / 3],
    )
    .unwrap();
    let mut store = SqliteStore::create(db.path()).unwrap();
    let err = store
        .import(&[dir.path().to_path_buf()], &Limits::default(), &mut |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("cut.tar.zst"), "{err}");
    drop(store);
    assert_eq!(
        records_of(db.path(), "cve"),
        0,
        "nothing of the broken archive was kept"
    );
    assert_eq!(records_of(db.path(), "osv"), 1);
}

fn anyhow_chain(e: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        out.push(c.to_string());
        cur = c.source();
    }
    out
}
