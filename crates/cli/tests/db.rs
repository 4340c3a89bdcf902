//! `craft db`: import, status, show through the binary, and crash safety under SIGKILL.

use super::{craft, json_ok};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

/// Run `cmd`, require exit code 0, and read its stdout as JSON.
/// An OSV record for `id` aliasing `cve`, in version `v` (its modification day and summary).
fn osv(id: &str, cve: &str, v: u32) -> String {
    format!(
        r#"{{"id": "{id}", "modified": "2024-03-{v:02}T00:00:00Z", "aliases": ["{cve}"],
  "summary": "Overflow in package {id}, version {v}",
  "severity": [{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
  "affected": [{{"package": {{"ecosystem": "crates.io", "name": "pkg-{id}"}},
    "ranges": [{{"type": "SEMVER", "events": [{{"introduced": "0"}}, {{"fixed": "1.2.3"}}]}}]}}]}}"#
    )
}

/// `n` records `{prefix}-00000`… aliasing `CVE-{prefix's year}-1xxxx`.
fn write_records(dir: &Path, prefix: &str, n: usize, v: u32) {
    std::fs::create_dir_all(dir).unwrap();
    let year = prefix.rsplit('-').next().unwrap();
    for i in 0..n {
        let id = format!("{prefix}-{i:05}");
        let text = osv(&id, &format!("CVE-{year}-{:05}", 10_000 + i), v);
        std::fs::write(dir.join(format!("{id}.json")), text).unwrap();
    }
}

/// The summary of `id` in the database.
fn summary(db: &Path, id: &str) -> String {
    let v = json_ok(
        craft()
            .args(["--format", "json", "db", "show", "--db"])
            .arg(db)
            .arg(id),
    );
    v["summary"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn status(db: &Path) -> Value {
    let out = craft()
        .args(["--format", "json", "db", "status", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "craft db status: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn osv_records(db: &Path) -> i64 {
    status(db)["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "osv")
        .unwrap()["records"]
        .as_i64()
        .unwrap()
}

#[test]
fn import_status_and_show_speak_json() {
    let tmp = tempfile::tempdir().unwrap();
    write_records(&tmp.path().join("in"), "RUSTSEC-2099", 3, 1);
    let db = tmp.path().join("db");
    let v = json_ok(
        craft()
            .args(["--format", "json", "db", "import", "--db"])
            .arg(&db)
            .arg(tmp.path().join("in")),
    );
    assert_eq!(v["report"]["sources"]["osv"]["imported"], 3);
    assert_eq!(osv_records(&db), 3);
    let v = json_ok(
        craft()
            .args(["--format", "json", "db", "show", "--db"])
            .arg(&db)
            .arg("CVE-2099-10001"),
    );
    assert_eq!(v["id"], "CVE-2099-10001");
    assert_eq!(v["aliases"][0], "RUSTSEC-2099-00001");
    assert_eq!(v["affected"][0]["key"], "purl:cargo/pkg-RUSTSEC-2099-00001");
    // CRAFT_DB is the default directory; an unknown id and a missing database exit 2.
    craft()
        .env("CRAFT_DB", &db)
        .args(["db", "show", "CVE-1999-0001"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not in the database"));
    craft()
        .args(["db", "status", "--db"])
        .arg(tmp.path().join("none"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("craft db import"));
}

/// A small deterministic generator (xorshift), seeded from the clock and printed, so that
/// a failure can be replayed with `CRAFT_CRASH_SEED`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn an_import_killed_at_random_points_leaves_the_previous_database_intact() {
    const N: usize = 3000;
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    let big = tmp.path().join("big");
    write_records(&base, "RUSTSEC-2098", 20, 1);
    write_records(&big, "RUSTSEC-2099", N, 1);
    let db = tmp.path().join("db");
    craft()
        .args(["--quiet", "db", "import", "--db"])
        .arg(&db)
        .arg(&base)
        .assert()
        .code(0);
    assert_eq!(osv_records(&db), 20);

    // How long a whole import of `big` takes here, to spread the kills over it.
    let probe = tmp.path().join("probe");
    let start = Instant::now();
    craft()
        .args(["--quiet", "db", "import", "--db"])
        .arg(&probe)
        .arg(&big)
        .assert()
        .code(0);
    let full = start.elapsed().as_millis().max(50) as u64;

    let seed = std::env::var("CRAFT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("crash test: seed {seed} (CRAFT_CRASH_SEED replays it), full import {full} ms");
    let mut rng = Rng(seed | 1);
    let bin = assert_cmd::cargo::cargo_bin("craft");
    let first = "RUSTSEC-2099-00000";
    let last = format!("RUSTSEC-2099-{:05}", N - 1);
    let mut killed = 0;
    let mut committed_version = 0;
    for version in 1..=16u32 {
        // Each round imports a newer version of the same records, so every commit changes
        // data (records, aliases, the merged index).
        write_records(&big, "RUSTSEC-2099", N, version);
        let delay = rng.next() % (full + full / 10);
        let mut child = std::process::Command::new(&bin)
            .args(["--quiet", "db", "import", "--db"])
            .arg(&db)
            .arg(&big)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let exited = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        // The database opens and holds the old data or all of the new, never a mix.
        let n = osv_records(&db);
        let context = format!("version {version}, seed {seed}, killed after {delay} ms");
        if n == 20 {
            assert_eq!(committed_version, 0, "{context}: records lost");
        } else {
            assert_eq!(n as usize, 20 + N, "{context}");
            let (a, b) = (summary(&db, first), summary(&db, &last));
            let seen: u32 = a.rsplit(' ').next().unwrap().parse().unwrap();
            assert_eq!(a.replace(first, &last), b, "{context}: a mix of versions");
            assert!(
                seen >= committed_version && seen <= version,
                "{context}: version {seen}"
            );
            if seen < version {
                killed += 1;
            }
            committed_version = seen;
        }
        if n == 20 {
            killed += 1;
        }
        assert!(
            exited || n == 20 || committed_version <= version,
            "{context}"
        );
        assert_eq!(
            summary(&db, "RUSTSEC-2098-00007"),
            "Overflow in package RUSTSEC-2098-00007, version 1"
        );
    }
    eprintln!("crash test: {killed} of 16 imports killed before their commit");
    assert!(
        killed >= 4,
        "too few kills landed inside an import (seed {seed})"
    );
    // No temporary files are left beside the database.
    for e in std::fs::read_dir(&db).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(name.starts_with("craft.sqlite"), "stray file {name}");
    }
    // A rerun completes.
    craft()
        .args(["--quiet", "db", "import", "--db"])
        .arg(&db)
        .arg(&big)
        .assert()
        .code(0);
    assert_eq!(osv_records(&db) as usize, 20 + N);
    assert_eq!(
        summary(&db, &last),
        format!("Overflow in package {last}, version 16")
    );
}

#[test]
fn keygen_export_and_bundle_import_through_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    write_records(&tmp.path().join("in"), "RUSTSEC-2097", 5, 1);
    let db = tmp.path().join("db");
    craft()
        .args(["--quiet", "db", "import", "--db"])
        .arg(&db)
        .arg(tmp.path().join("in"))
        .assert()
        .code(0);
    let key = tmp.path().join("release.key");
    let out = json_ok(
        craft()
            .args(["--format", "json", "db", "keygen", "-o"])
            .arg(&key),
    );
    let public = out["public_key"].as_str().unwrap().to_string();
    assert_eq!(public.len(), 64);
    // keygen never overwrites a key.
    craft()
        .args(["db", "keygen", "-o"])
        .arg(&key)
        .assert()
        .code(2);
    let bundle = tmp.path().join("vulndb.craftdb");
    craft()
        .args(["db", "export", "--db"])
        .arg(&db)
        .arg("-o")
        .arg(&bundle)
        .arg("--sign-key")
        .arg(&key)
        .assert()
        .code(0);
    let other = tmp.path().join("other");
    let out = json_ok(
        craft()
            .args(["--format", "json", "db", "import", "--db"])
            .arg(&other)
            .arg("--bundle")
            .arg(&bundle)
            .args(["--verify-key", &public]),
    );
    assert_eq!(out["signature"], "verified");
    assert_eq!(osv_records(&other), 5);
    // A different key refuses it.
    let wrong = "00".repeat(31) + "01";
    craft()
        .args(["db", "import", "--db"])
        .arg(&other)
        .arg("--bundle")
        .arg(&bundle)
        .args(["--verify-key", &wrong])
        .assert()
        .code(2);
}

#[test]
fn update_names_unknown_feeds_and_reads_feeds_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    std::fs::create_dir_all(&db).unwrap();
    // The default feed list is known without the network.
    craft()
        .args(["db", "update", "--only", "no-such-feed", "--db"])
        .arg(&db)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no feed named `no-such-feed`"))
        .stderr(predicates::str::contains("osv-PyPI"));
    std::fs::write(
        db.join("feeds.toml"),
        "[[feed]]\nname = \"x\"\nurl = \"ftp://x\"\n",
    )
    .unwrap();
    craft()
        .args(["db", "update", "--db"])
        .arg(&db)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("must be http(s)"));
}
