//! `craft advisory csaf|publish|check-provider`: a CSAF security advisory for the example
//! gateway, valid by craft's validator and the official one; a provider directory built from
//! it and checked against CSAF 2.0 section 7.1 both on disk and through a loopback HTTP
//! server the test starts; bad input refused.

use super::{craft, edit, run};
use crate::check::example;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

const BASE: &str = "https://acme.example/.well-known/csaf";

/// The example gateway's advisory for its Article 14 case, written to `out`.
fn advisory(dir: &Path, out: &Path) {
    craft()
        .args(["--quiet", "advisory", "csaf"])
        .arg(dir)
        .args([
            "--vuln",
            "CVE-2024-36971",
            "--id",
            "ACME-2026-004",
            "--fixed-in",
            "2.1.1",
            "--fix-url",
            "https://acme.example/downloads/agw-200/2.1.1",
            "-o",
        ])
        .arg(out)
        .assert()
        .code(0);
}

#[test]
fn issue7_the_advisory_is_valid_csaf_with_the_releases_and_the_fix() {
    let (tmp, dir) = example();
    let out = tmp.path().join("acme-2026-004.json");
    advisory(&dir, &out);
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["document"]["category"], "csaf_security_advisory");
    assert_eq!(
        v["document"]["publisher"]["namespace"],
        "https://acme.example"
    );
    let vuln = &v["vulnerabilities"][0];
    assert_eq!(vuln["cve"], "CVE-2024-36971");
    assert_eq!(
        vuln["product_status"]["known_affected"],
        serde_json::json!(["AGW-200-2.0.0", "AGW-200-2.1.0"])
    );
    assert_eq!(
        vuln["product_status"]["fixed"],
        serde_json::json!(["AGW-200-2.1.1"])
    );
    let categories: Vec<&str> = vuln["remediations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["category"].as_str().unwrap())
        .collect();
    // The fix, and the case's mitigation for users (Art. 14(8)).
    assert_eq!(categories, ["vendor_fix", "mitigation"]);
    assert!(craft_triage::vex::csaf::validate(v.clone()).is_empty());
    // The official validator library's mandatory tests.
    let Some(lib) = crate::common::peer("npm/node_modules/@secvisogram/csaf-validator-lib") else {
        return;
    };
    let script = crate::common::workspace().join("scripts/peers/csaf-validate.mjs");
    let run = std::process::Command::new("node")
        .arg(&script)
        .arg(&out)
        .env("CSAF_VALIDATOR_LIB", &lib)
        .output()
        .expect("node");
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success() && text.contains("\"valid\":true"),
        "{text}"
    );
}

#[test]
fn advisories_for_nothing_or_without_a_publisher_are_refused() {
    let (tmp, dir) = example();
    let out = tmp.path().join("x.json");
    let err = run(
        craft()
            .args(["advisory", "csaf"])
            .arg(&dir)
            .args(["--vuln", "CVE-1999-0001", "--id", "X-1", "-o"])
            .arg(&out),
        2,
    )
    .1;
    assert!(err.contains("not a finding of any release"));
    assert!(!out.exists());
    // The fix cannot be a release the check finds affected.
    let err = run(
        craft()
            .args(["advisory", "csaf"])
            .arg(&dir)
            .args([
                "--vuln",
                "CVE-2024-36971",
                "--id",
                "X-1",
                "--fixed-in",
                "2.1.0",
                "-o",
            ])
            .arg(&out),
        2,
    )
    .1;
    assert!(err.contains("cannot be the fix"), "{err}");
    let manifest = dir.join("craft.toml");
    edit(&manifest, "website = \"https://acme.example\"\n", "");
    let err = run(
        craft()
            .args(["advisory", "csaf"])
            .arg(&dir)
            .args(["--vuln", "CVE-2024-36971", "--id", "X-1", "-o"])
            .arg(&out),
        2,
    )
    .1;
    assert!(err.contains("namespace"), "{}", err);
}

/// A static HTTP/1.1 server for `root` on loopback, with directory listings (CSAF 7.1.14),
/// answering until the test ends.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(stream, &root));
        }
    });
    port
}

fn answer(mut stream: TcpStream, root: &Path) {
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let rel = path
        .trim_start_matches("/.well-known/csaf")
        .trim_start_matches('/');
    let file = root.join(rel);
    let (status, body) = if rel.split('/').any(|c| c == "..") {
        ("400 Bad Request", Vec::new())
    } else if file.is_dir() {
        let mut names: Vec<String> = std::fs::read_dir(&file)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let links: String = names
            .iter()
            .map(|n| format!("<a href=\"{n}\">{n}</a>\n"))
            .collect();
        (
            "200 OK",
            format!("<html><body>\n{links}</body></html>\n").into_bytes(),
        )
    } else {
        match std::fs::read(&file) {
            Ok(b) => ("200 OK", b),
            Err(_) => ("404 Not Found", Vec::new()),
        }
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

/// GET `url` (under BASE) from the loopback server: status and body.
fn get(port: u16, url: &str) -> Result<craft_cra::provider::Response, String> {
    let path = url
        .strip_prefix("https://acme.example")
        .ok_or("outside the provider")?;
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: acme.example\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no header end")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or("no status")?;
    Ok(craft_cra::provider::Response {
        status,
        body: raw[split + 4..].to_vec(),
    })
}

#[test]
fn issue7_the_provider_directory_passes_the_csaf_provider_checks_over_http() {
    let (tmp, dir) = example();
    let doc = tmp.path().join("acme-2026-004.json");
    advisory(&dir, &doc);
    let www = tmp.path().join("www/.well-known/csaf");
    craft()
        .args(["--quiet", "advisory", "publish", "--to"])
        .arg(&www)
        .args(["--base-url", BASE])
        .arg(&doc)
        .assert()
        .code(0);
    // On disk.
    craft()
        .args(["--quiet", "advisory", "check-provider"])
        .arg(&www)
        .args(["--base-url", BASE])
        .assert()
        .code(0);
    // Served: the same checks through a loopback HTTP server, with directory listings.
    // (The URLs stay https as the metadata states them; the fetcher takes them from the
    // loopback server, so TLS itself is not exercised.)
    let port = serve(www.clone());
    let validate = |d: &Value| -> Vec<String> {
        craft_triage::vex::csaf::validate(d.clone())
            .into_iter()
            .map(|f| format!("{} {}", f.test, f.message))
            .collect()
    };
    let results = craft_cra::provider::check(
        &format!("{BASE}/provider-metadata.json"),
        &mut |u| get(port, u),
        &validate,
        true,
    );
    let ids: Vec<&str> = results.iter().map(|r| r.id).collect();
    for want in [
        "7.1.1", "7.1.2", "7.1.4", "7.1.5", "7.1.6", "7.1.7", "7.1.9", "7.1.11", "7.1.12",
        "7.1.13", "7.1.14", "7.1.18",
    ] {
        let r = results
            .iter()
            .find(|r| r.id == want)
            .unwrap_or_else(|| panic!("{want} not checked: {ids:?}"));
        assert_eq!(r.ok, Some(true), "{r:?}");
    }
    // The metadata is valid by the official provider schema (which refers to the CSAF
    // schema, which refers to FIRST's CVSS schemas: all registered from the suite, offline).
    if let Some(root) = crate::common::corpus("conformance/csaf/csaf_2.0") {
        let load =
            |p: PathBuf| -> Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };
        let first = root.join("referenced_schema/first");
        let registry = jsonschema::Registry::new()
            .add(
                "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
                load(root.join("json_schema/csaf_json_schema.json")),
            )
            .and_then(|r| {
                r.add(
                    "https://www.first.org/cvss/cvss-v2.0.json",
                    load(first.join("cvss-v2.0.json")),
                )
            })
            .and_then(|r| {
                r.add(
                    "https://www.first.org/cvss/cvss-v3.0.json",
                    load(first.join("cvss-v3.0.json")),
                )
            })
            .and_then(|r| {
                r.add(
                    "https://www.first.org/cvss/cvss-v3.1.json",
                    load(first.join("cvss-v3.1.json")),
                )
            })
            .and_then(|r| r.prepare())
            .expect("registry");
        let schema = load(root.join("json_schema/provider_json_schema.json"));
        let validator = jsonschema::options()
            .with_registry(&registry)
            .build(&schema)
            .expect("schema");
        let meta = load(www.join("provider-metadata.json"));
        let errors: Vec<String> = validator
            .iter_errors(&meta)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
    // A second advisory is added; a tampered document fails integrity and validity.
    let mut second: Value = serde_json::from_slice(&std::fs::read(&doc).unwrap()).unwrap();
    second["document"]["tracking"]["id"] = "ACME-2026-005".into();
    let second_file = tmp.path().join("acme-2026-005.json");
    std::fs::write(&second_file, serde_json::to_vec(&second).unwrap()).unwrap();
    craft()
        .args(["--quiet", "advisory", "publish", "--to"])
        .arg(&www)
        .args(["--base-url", BASE])
        .arg(&second_file)
        .assert()
        .code(0);
    let index = std::fs::read_to_string(www.join("white/index.txt")).unwrap();
    assert_eq!(index.lines().count(), 2, "{index}");
    let published = www.join("white/2026/acme-2026-005.json");
    let text = std::fs::read_to_string(&published).unwrap();
    std::fs::write(
        &published,
        text.replace("\"csaf_version\": \"2.0\"", "\"csaf_version\": \"9.9\""),
    )
    .unwrap();
    let v = run(
        craft()
            .args(["--format", "json", "advisory", "check-provider"])
            .arg(&www)
            .args(["--base-url", BASE]),
        1,
    )
    .0;
    let failed: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ok"] == false)
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["7.1.1", "7.1.18"]);
    // An update of a published advisory needs the next version and keeps its first date;
    // files craft does not write (an OpenPGP key) stay, a replaced document's signature goes.
    std::fs::create_dir_all(www.join("openpgp")).unwrap();
    std::fs::write(www.join("openpgp/key.asc"), "key").unwrap();
    std::fs::write(www.join("white/2026/acme-2026-004.json.asc"), "sig").unwrap();
    let err = run(
        craft()
            .args(["advisory", "publish", "--to"])
            .arg(&www)
            .args(["--base-url", BASE])
            .arg(&doc),
        2,
    )
    .1;
    assert!(err.contains("needs a higher version"), "{err}");
    let update = tmp.path().join("acme-2026-004-v2.json");
    craft()
        .args(["--quiet", "advisory", "csaf"])
        .arg(&dir)
        .args([
            "--vuln",
            "CVE-2024-36971",
            "--id",
            "ACME-2026-004",
            "--fixed-in",
            "2.1.1",
        ])
        .arg("--previous")
        .arg(&doc)
        .args(["--revision", "Firmware 2.1.1 released.", "-o"])
        .arg(&update)
        .assert()
        .code(0);
    let v: Value = serde_json::from_slice(&std::fs::read(&update).unwrap()).unwrap();
    let first: Value = serde_json::from_slice(&std::fs::read(&doc).unwrap()).unwrap();
    assert_eq!(v["document"]["tracking"]["version"], "2");
    assert_eq!(
        v["document"]["tracking"]["initial_release_date"],
        first["document"]["tracking"]["initial_release_date"]
    );
    assert_eq!(
        v["document"]["tracking"]["revision_history"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    craft()
        .args(["--quiet", "advisory", "publish", "--to"])
        .arg(&www)
        .args(["--base-url", BASE])
        .arg(&update)
        .assert()
        .code(0);
    assert!(www.join("openpgp/key.asc").exists());
    assert!(!www.join("white/2026/acme-2026-004.json.asc").exists());
    let index = std::fs::read_to_string(www.join("white/index.txt")).unwrap();
    assert!(!tmp
        .path()
        .join("www/.well-known")
        .read_dir()
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with(".csaf-")));
    // An invalid document is never published, and the directory stays as it was.
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, r#"{"document": {}}"#).unwrap();
    craft()
        .args(["advisory", "publish", "--to"])
        .arg(&www)
        .args(["--base-url", BASE])
        .arg(&bad)
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_to_string(www.join("white/index.txt")).unwrap(),
        index
    );
}

#[test]
fn csaf_file_names_follow_the_conformance_cases() {
    let Some(dir) = crate::common::corpus("conformance/csaf/csaf_2.0/test/filenames/data") else {
        return;
    };
    let mut n = 0;
    for (kind, want) in [("valid", true), ("invalid", false)] {
        for e in std::fs::read_dir(dir.join(kind)).unwrap().flatten() {
            let v: Value = serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap();
            let id = v["document"]["tracking"]["id"].as_str().unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            assert_eq!(
                craft_cra::disclosure::csaf_file_name(id) == name,
                want,
                "{kind}: {name} (id {id})"
            );
            n += 1;
        }
    }
    assert_eq!(n, 6);
}
