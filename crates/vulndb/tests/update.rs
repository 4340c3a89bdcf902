//! `craft db update` against a loopback HTTP server started here: conditional requests,
//! retries after 429/500, resumption of a truncated download, timeouts, malformed and
//! missing feeds — and the database unchanged whenever an update fails.

use crate::fixtures::{records_of, CVE5, KEV, OSV_GHSA};
use craft_vulndb::fetch::{self, Feed, FeedKind, FetchOptions};
use craft_vulndb::{Error, Precedence, SqliteStore, Store};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Request {
    path: String,
    headers: HashMap<String, String>,
}

/// What the server answers.
enum Reply {
    /// 200 with this body and ETag; honours If-None-Match and Range/If-Range.
    File { body: Vec<u8>, etag: &'static str },
    /// The headers of a full 200 reply, then only the first `n` bytes, then the connection
    /// closes.
    Truncated {
        body: Vec<u8>,
        etag: &'static str,
        n: usize,
    },
    /// Nothing for this long, then the reply.
    Slow(Duration, Box<Reply>),
    /// A bare status with optional `Retry-After`.
    Status(u16, Option<&'static str>),
}

type Route = dyn Fn(&Request, usize) -> Reply + Send + Sync;

struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Request>>>,
}

fn serve(route: Arc<Route>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<Request>>> = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let route = route.clone();
            let log = log.clone();
            std::thread::spawn(move || handle(conn, &*route, &log));
        }
    });
    Server { base, seen }
}

fn handle(mut conn: TcpStream, route: &Route, log: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let req = Request { path, headers };
    let n = {
        let mut l = log.lock().unwrap();
        l.push(req.clone());
        l.iter().filter(|r| r.path == req.path).count()
    };
    let reply = route(&req, n);
    respond(&mut conn, &req, reply);
}

fn respond(conn: &mut TcpStream, req: &Request, reply: Reply) {
    match reply {
        Reply::Slow(d, inner) => {
            std::thread::sleep(d);
            respond(conn, req, *inner);
        }
        Reply::Status(code, retry_after) => {
            let extra = retry_after
                .map(|r| format!("Retry-After: {r}\r\n"))
                .unwrap_or_default();
            let _ = write!(
                conn,
                "HTTP/1.1 {code} X\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
        Reply::File { body, etag } => {
            let tag = format!("\"{etag}\"");
            if req.headers.get("if-none-match") == Some(&tag) {
                let _ = write!(
                    conn,
                    "HTTP/1.1 304 Not Modified\r\nETag: {tag}\r\nConnection: close\r\n\r\n"
                );
                return;
            }
            let from = req
                .headers
                .get("range")
                .filter(|_| req.headers.get("if-range") == Some(&tag))
                .and_then(|r| {
                    r.strip_prefix("bytes=")?
                        .strip_suffix('-')?
                        .parse::<usize>()
                        .ok()
                })
                .filter(|&f| f < body.len());
            match from {
                Some(f) => {
                    let _ = write!(
                        conn,
                        "HTTP/1.1 206 Partial Content\r\nETag: {tag}\r\nContent-Range: bytes {f}-{}/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len() - 1,
                        body.len(),
                        body.len() - f
                    );
                    let _ = conn.write_all(&body[f..]);
                }
                None => {
                    let _ = write!(
                        conn,
                        "HTTP/1.1 200 OK\r\nETag: {tag}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = conn.write_all(&body);
                }
            }
        }
        Reply::Truncated { body, etag, n } => {
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nETag: \"{etag}\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(&body[..n]);
            let _ = conn.flush();
            let _ = conn.shutdown(std::net::Shutdown::Both);
        }
    }
}

fn quick() -> FetchOptions {
    FetchOptions {
        retries: 3,
        backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_millis(500),
        max_bytes: 64 << 20,
        nvd_api_key: None,
        nvd_delay: Some(Duration::ZERO),
        nvd_page_size: 2000,
    }
}

fn osv_zip() -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file(
        "GHSA-aaaa-bbbb-cccc.json",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(OSV_GHSA.as_bytes()).unwrap();
    z.finish().unwrap().into_inner()
}

fn feeds(server: &Server, names: &[&str]) -> Vec<Feed> {
    names
        .iter()
        .map(|n| Feed {
            name: (*n).to_string(),
            url: format!("{}/{n}", server.base),
            kind: FeedKind::File,
        })
        .collect()
}

fn update(
    db: &std::path::Path,
    feeds: &[Feed],
    opts: &FetchOptions,
) -> Result<fetch::UpdateReport, Error> {
    let mut store = SqliteStore::create(db).unwrap();
    fetch::update(&mut store, feeds, opts, &mut |_| {})
}

#[test]
fn an_update_downloads_imports_and_then_asks_only_for_changes() {
    let zip = osv_zip();
    let server = serve(Arc::new(move |req: &Request, _| match req.path.as_str() {
        "/kev" => Reply::File {
            body: KEV.as_bytes().to_vec(),
            etag: "kev-1",
        },
        "/osv" => Reply::File {
            body: zip.clone(),
            etag: "osv-1",
        },
        _ => Reply::Status(404, None),
    }));
    let db = tempfile::tempdir().unwrap();
    let f = feeds(&server, &["kev", "osv"]);
    let r = update(db.path(), &f, &quick()).unwrap();
    assert!(
        r.feeds.iter().all(|f| f.outcome == "downloaded"),
        "{:?}",
        r.feeds
    );
    let import = r.import.expect("an import");
    assert_eq!(import.sources["kev"].imported, 1);
    assert_eq!(import.sources["osv"].imported, 1);
    let store = SqliteStore::open(db.path()).unwrap();
    let v = store
        .vulnerability("GHSA-aaaa-bbbb-cccc", &Precedence::default())
        .unwrap()
        .unwrap();
    assert!(v.kev.is_some());
    assert!(
        v.records[0]
            .origin
            .ends_with("osv.data!GHSA-aaaa-bbbb-cccc.json"),
        "{}",
        v.records[0].origin
    );

    // Second run: conditional requests, nothing downloaded, nothing imported.
    let r = update(db.path(), &f, &quick()).unwrap();
    assert!(
        r.feeds.iter().all(|f| f.outcome == "not-modified"),
        "{:?}",
        r.feeds
    );
    assert!(r.import.is_none());
    let seen = server.seen.lock().unwrap();
    let last_kev = seen.iter().rfind(|q| q.path == "/kev").unwrap();
    assert_eq!(
        last_kev.headers.get("if-none-match").map(String::as_str),
        Some("\"kev-1\"")
    );
}

#[test]
fn rate_limits_and_server_errors_are_retried_with_backoff() {
    let server = serve(Arc::new(|_: &Request, n| match n {
        1 => Reply::Status(429, Some("1")),
        2 => Reply::Status(503, None),
        _ => Reply::File {
            body: KEV.as_bytes().to_vec(),
            etag: "k",
        },
    }));
    let db = tempfile::tempdir().unwrap();
    let r = update(db.path(), &feeds(&server, &["kev"]), &quick()).unwrap();
    let kev = &r.feeds[0];
    assert_eq!((kev.outcome, kev.attempts), ("downloaded", 3), "{kev:?}");
    assert!(
        kev.notes[0].contains("HTTP 429") && kev.notes[1].contains("HTTP 503"),
        "{kev:?}"
    );
    assert_eq!(r.import.unwrap().sources["kev"].imported, 1);
}

#[test]
fn a_truncated_download_resumes_where_it_broke() {
    // A CVE record padded to a few hundred KB, cut in the middle on the first attempt.
    let padded = CVE5.replacen(
        "\"title\": \"",
        &format!("\"title\": \"{}", "x".repeat(300_000)),
        1,
    );
    let body = padded.into_bytes();
    let half = body.len() / 2;
    let b = body.clone();
    let server = serve(Arc::new(move |_: &Request, n| {
        if n == 1 {
            Reply::Truncated {
                body: b.clone(),
                etag: "c1",
                n: half,
            }
        } else {
            Reply::File {
                body: b.clone(),
                etag: "c1",
            }
        }
    }));
    let db = tempfile::tempdir().unwrap();
    let r = update(db.path(), &feeds(&server, &["cve"]), &quick()).unwrap();
    let cve = &r.feeds[0];
    assert_eq!(cve.outcome, "downloaded", "{cve:?}");
    assert!(
        cve.notes
            .iter()
            .any(|n| n.contains(&format!("resumed at byte {half}"))),
        "{cve:?}"
    );
    assert_eq!(cve.bytes as usize, body.len(), "each byte fetched once");
    let second = server.seen.lock().unwrap()[1].clone();
    assert_eq!(
        second.headers.get("range").map(String::as_str),
        Some(format!("bytes={half}-").as_str())
    );
    assert_eq!(r.import.unwrap().sources["cve"].imported, 1);
}

#[test]
fn a_failed_feed_fails_the_update_and_changes_nothing() {
    let zip = osv_zip();
    let server = serve(Arc::new(move |req: &Request, _| match req.path.as_str() {
        "/osv" => Reply::File {
            body: zip.clone(),
            etag: "o",
        },
        "/slow" => Reply::Slow(
            Duration::from_secs(2),
            Box::new(Reply::File {
                body: KEV.as_bytes().to_vec(),
                etag: "s",
            }),
        ),
        "/gone" => Reply::Status(404, None),
        "/down" => Reply::Status(500, None),
        _ => Reply::Status(404, None),
    }));
    let db = tempfile::tempdir().unwrap();
    // A first good update, to have something to keep.
    update(db.path(), &feeds(&server, &["osv"]), &quick()).unwrap();
    assert_eq!(records_of(db.path(), "osv"), 1);
    for bad in ["gone", "down", "slow"] {
        let mut f = feeds(&server, &["kev-elsewhere"]);
        f[0].url = format!("{}/osv", server.base);
        f.extend(feeds(&server, &[bad]));
        let err = update(db.path(), &f, &quick()).unwrap_err();
        let Error::Fetch { reason, report } = &err else {
            panic!("{bad}: {err}");
        };
        assert!(reason.starts_with(bad), "{bad}: {reason}");
        assert_eq!(report.feeds[1].outcome, "failed");
        assert!(report.import.is_none());
        assert_eq!(
            records_of(db.path(), "osv"),
            1,
            "{bad}: the database is unchanged"
        );
    }
}

#[test]
fn malformed_downloads_are_skipped_or_refused_without_damage() {
    let server = serve(Arc::new(|req: &Request, _| match req.path.as_str() {
        "/html" => Reply::File {
            body: b"<html><body>Service unavailable</body></html>".to_vec(),
            etag: "h",
        },
        "/badzip" => {
            let mut z = osv_zip();
            z.truncate(z.len() - 30);
            Reply::File { body: z, etag: "z" }
        }
        _ => Reply::Status(404, None),
    }));
    let db = tempfile::tempdir().unwrap();
    // An error page where data was expected: imported as nothing, with the reason counted.
    let r = update(db.path(), &feeds(&server, &["html"]), &quick()).unwrap();
    let import = r.import.unwrap();
    assert_eq!(
        import.unrecognised.skipped.get("not-vulnerability-data"),
        Some(&1),
        "{import:?}"
    );
    // A damaged archive: the import fails, the feed's state is not advanced, nothing kept.
    let err = update(db.path(), &feeds(&server, &["badzip"]), &quick()).unwrap_err();
    assert!(err.to_string().contains("badzip.data"), "{err}");
    assert_eq!(records_of(db.path(), "osv"), 0);
    assert!(!db.path().join("cache/badzip.state.json").exists());
}

#[test]
fn feeds_toml_replaces_the_default_feeds_and_is_validated() {
    let db = tempfile::tempdir().unwrap();
    assert!(fetch::feeds_for_dir(db.path())
        .unwrap()
        .iter()
        .any(|f| f.name == "osv-PyPI"));
    std::fs::write(
        db.path().join("feeds.toml"),
        "[[feed]]\nname = \"kev\"\nurl = \"https://mirror.example/kev.json\"\n",
    )
    .unwrap();
    let f = fetch::feeds_for_dir(db.path()).unwrap();
    assert_eq!(
        f,
        [Feed {
            name: "kev".into(),
            url: "https://mirror.example/kev.json".into(),
            kind: FeedKind::File,
        }]
    );
    for bad in [
        "[[feed]]\nname = \"../x\"\nurl = \"https://a\"\n",
        "[[feed]]\nname = \"a\"\nurl = \"file:///etc/passwd\"\n",
        "[[feed]]\nname = \"a\"\nurl = \"https://a\"\n[[feed]]\nname = \"a\"\nurl = \"https://b\"\n",
    ] {
        std::fs::write(db.path().join("feeds.toml"), bad).unwrap();
        assert!(fetch::feeds_for_dir(db.path()).is_err(), "{bad}");
    }
}

/// An NVD API page of the CVEs `ids` out of `total`.
fn nvd_page(ids: &[&str], total: usize) -> Vec<u8> {
    let items: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                r#"{{"cve": {{"id": "{id}", "sourceIdentifier": "cna@acme.example", "lastModified": "2024-05-02T00:00:00.000",
                "vulnStatus": "Analyzed", "descriptions": [{{"lang": "en", "value": "{id} text"}}]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"resultsPerPage": {}, "startIndex": 0, "totalResults": {total}, "format": "NVD_CVE", "version": "2.0",
        "timestamp": "2024-06-01T00:00:00.000", "vulnerabilities": [{}]}}"#,
        ids.len(),
        items.join(",")
    )
    .into_bytes()
}

fn query(path: &str, key: &str) -> Option<String> {
    let q = path.split_once('?')?.1;
    q.split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
}

#[test]
fn the_nvd_api_is_paged_paced_and_then_asked_only_for_changes() {
    let server = serve(Arc::new(|req: &Request, n| {
        if !req.path.starts_with("/nvd") {
            return Reply::Status(404, None);
        }
        let first_page = query(&req.path, "startIndex").as_deref() == Some("0");
        if n == 1 && first_page && query(&req.path, "lastModStartDate").is_none() {
            return Reply::Status(403, None); // NVD's answer to a rate-limited client
        }
        if query(&req.path, "lastModStartDate").is_some() {
            return Reply::File {
                body: nvd_page(&["CVE-2024-0003"], 1),
                etag: "d",
            };
        }
        match query(&req.path, "startIndex").as_deref() {
            Some("0") => Reply::File {
                body: nvd_page(&["CVE-2024-0001", "CVE-2024-0002"], 3),
                etag: "p0",
            },
            Some("2") => Reply::File {
                body: nvd_page(&["CVE-2024-0003"], 3),
                etag: "p1",
            },
            _ => Reply::Status(400, None),
        }
    }));
    let db = tempfile::tempdir().unwrap();
    let feed = vec![Feed {
        name: "nvd".into(),
        url: format!("{}/nvd", server.base),
        kind: FeedKind::NvdApi,
    }];
    let opts = FetchOptions {
        nvd_page_size: 2,
        nvd_api_key: Some("secret-key".into()),
        ..quick()
    };
    let r = update(db.path(), &feed, &opts).unwrap();
    assert_eq!(r.feeds[0].outcome, "downloaded", "{:?}", r.feeds);
    assert!(
        r.feeds[0].notes.iter().any(|n| n.contains("HTTP 403")),
        "{:?}",
        r.feeds
    );
    assert_eq!(r.import.unwrap().sources["nvd"].imported, 3);
    {
        let seen = server.seen.lock().unwrap();
        assert!(seen
            .iter()
            .all(|q| q.headers.get("apikey").map(String::as_str) == Some("secret-key")));
        assert_eq!(query(&seen[1].path, "resultsPerPage").as_deref(), Some("2"));
    }
    // The next run asks only for what changed since the last complete one, in windows of
    // at most 120 days (the state is moved back to make several).
    let state = db.path().join("cache/nvd.state.json");
    assert!(std::fs::read_to_string(&state)
        .unwrap()
        .contains("last_mod_end"));
    std::fs::write(&state, r#"{"last_mod_end": "2026-01-01T00:00:00Z"}"#).unwrap();
    let before = server.seen.lock().unwrap().len();
    let r = update(db.path(), &feed, &opts).unwrap();
    let import = r.import.unwrap();
    assert_eq!(
        (
            import.sources["nvd"].imported,
            import.sources["nvd"].updated
        ),
        (0, 0)
    );
    let seen = server.seen.lock().unwrap();
    let windows: Vec<(i64, i64)> = seen[before..]
        .iter()
        .map(|q| {
            let t = |k| craft_model_time(&query(&q.path, k).expect("an incremental request"));
            (t("lastModStartDate"), t("lastModEndDate"))
        })
        .collect();
    assert!(windows.len() >= 3, "{windows:?}");
    assert_eq!(windows[0].0, craft_model_time("2026-01-01T00:00:00.000Z"));
    for w in windows.windows(2) {
        assert_eq!(w[0].1, w[1].0, "contiguous windows");
    }
    assert!(windows.iter().all(|(a, b)| b - a <= 120 * 86_400 && b > a));
}

fn craft_model_time(t: &str) -> i64 {
    // Unix seconds of `YYYY-MM-DDTHH:MM:SS…` (UTC), for comparing windows.
    let d = |r: std::ops::Range<usize>| t[r].parse::<i64>().unwrap();
    let (y, m, day) = (d(0..4), d(5..7), d(8..10));
    let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2.rem_euclid(400);
    let doy = (153 * m2 + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * 86_400 + d(11..13) * 3600 + d(14..16) * 60 + d(17..19)
}

/// A zip holding `files` (name, text).
fn zip_of(files: &[(&str, String)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn cve_list_comes_as_a_baseline_then_only_newer_deltas() {
    let v1 = CVE5.to_string();
    let v2 = CVE5
        .replace("2024-04-01T00:00:00Z", "2024-04-02T00:00:00Z")
        .replace(
            "libfoo heap overflow in parse()",
            "libfoo heap overflow (revised)",
        );
    let other = CVE5.replace("CVE-2024-0001", "CVE-2024-0002");
    // The baseline is a zip inside a zip, as cvelistV5 publishes it.
    let inner = zip_of(&[("cves/2024/0xxx/CVE-2024-0001.json", v1)]);
    let mut outer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    outer
        .start_file("cves.zip", zip::write::SimpleFileOptions::default())
        .unwrap();
    outer.write_all(&inner).unwrap();
    let baseline = outer.finish().unwrap().into_inner();
    let delta2 = zip_of(&[("deltaCves/CVE-2024-0001.json", v2)]);
    let delta3 = zip_of(&[("deltaCves/CVE-2024-0002.json", other)]);
    let third = Arc::new(Mutex::new(false));
    let show_third = third.clone();
    let base_url: Arc<Mutex<String>> = Arc::default();
    let url = base_url.clone();
    let server = serve(Arc::new(move |req: &Request, _| {
        let b = url.lock().unwrap().clone();
        match req.path.as_str() {
            "/releases" => {
                let mut rel = vec![
                    format!(
                        r#"{{"published_at": "2024-01-02T01:00:00Z", "assets": [{{"name": "2024-01-02_delta_CVEs_at_0100Z.zip", "browser_download_url": "{b}/d2"}}]}}"#
                    ),
                    format!(
                        r#"{{"published_at": "2024-01-02T00:00:00Z", "assets": [{{"name": "2024-01-02_all_CVEs_at_midnight.zip.zip", "browser_download_url": "{b}/base"}}, {{"name": "2024-01-02_delta_CVEs_at_0000Z.zip", "browser_download_url": "{b}/d1"}}]}}"#
                    ),
                ];
                if *show_third.lock().unwrap() {
                    rel.insert(0, format!(r#"{{"published_at": "2024-01-02T02:00:00Z", "assets": [{{"name": "2024-01-02_delta_CVEs_at_0200Z.zip", "browser_download_url": "{b}/d3"}}]}}"#));
                }
                Reply::File {
                    body: format!("[{}]", rel.join(",")).into_bytes(),
                    etag: "r",
                }
            }
            "/base" => Reply::File {
                body: baseline.clone(),
                etag: "b",
            },
            "/d2" => Reply::File {
                body: delta2.clone(),
                etag: "d2",
            },
            "/d3" => Reply::File {
                body: delta3.clone(),
                etag: "d3",
            },
            _ => Reply::Status(404, None),
        }
    }));
    *base_url.lock().unwrap() = server.base.clone();
    let feed = vec![Feed {
        name: "cvelist".into(),
        url: format!("{}/releases", server.base),
        kind: FeedKind::CvelistReleases,
    }];
    let db = tempfile::tempdir().unwrap();
    // First run: the midnight baseline and the delta published after it (not the one
    // published with it).
    let r = update(db.path(), &feed, &quick()).unwrap();
    assert_eq!(r.feeds[0].outcome, "downloaded", "{:?}", r.feeds);
    let paths: Vec<String> = server
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|q| q.path.clone())
        .collect();
    assert_eq!(paths, ["/releases", "/base", "/d2"]);
    let store = SqliteStore::open(db.path()).unwrap();
    let v = store
        .vulnerability("CVE-2024-0001", &Precedence::default())
        .unwrap()
        .unwrap();
    assert_eq!(
        v.summary.unwrap().value.text,
        "libfoo heap overflow (revised)"
    );
    // Second run: nothing newer.
    let r = update(db.path(), &feed, &quick()).unwrap();
    assert_eq!(r.feeds[0].outcome, "not-modified", "{:?}", r.feeds);
    // Third: only the new delta.
    *third.lock().unwrap() = true;
    let before = server.seen.lock().unwrap().len();
    let r = update(db.path(), &feed, &quick()).unwrap();
    let paths: Vec<String> = server.seen.lock().unwrap()[before..]
        .iter()
        .map(|q| q.path.clone())
        .collect();
    assert_eq!(paths, ["/releases", "/d3"]);
    assert_eq!(r.import.unwrap().sources["cve"].imported, 1);
}

#[test]
fn an_osv_ecosystem_comes_whole_then_record_by_record() {
    let zip = osv_zip();
    let newer = Arc::new(Mutex::new(false));
    let flag = newer.clone();
    let pysec = r#"{"id": "PYSEC-2024-9", "modified": "2024-05-01T00:00:00Z", "aliases": ["CVE-2024-0009"],
      "affected": [{"package": {"ecosystem": "PyPI", "name": "libfoo"}, "versions": ["1.0"]}]}"#;
    let server = serve(Arc::new(move |req: &Request, _| match req.path.as_str() {
        "/PyPI/modified_id.csv" => {
            let mut lines = String::new();
            if *flag.lock().unwrap() {
                lines.push_str("2024-05-01T00:00:00Z,PYSEC-2024-9\n");
            }
            lines.push_str("2024-03-01T00:00:00Z,GHSA-aaaa-bbbb-cccc\nnot a line\n");
            Reply::File {
                body: lines.into_bytes(),
                etag: "m",
            }
        }
        "/PyPI/all.zip" => Reply::File {
            body: zip.clone(),
            etag: "a",
        },
        "/PyPI/PYSEC-2024-9.json" => Reply::File {
            body: pysec.as_bytes().to_vec(),
            etag: "p",
        },
        _ => Reply::Status(404, None),
    }));
    let feed = vec![Feed {
        name: "osv-PyPI".into(),
        url: format!("{}/PyPI", server.base),
        kind: FeedKind::OsvEcosystem,
    }];
    let db = tempfile::tempdir().unwrap();
    let paths = |from: usize| -> Vec<String> {
        server.seen.lock().unwrap()[from..]
            .iter()
            .map(|q| q.path.clone())
            .collect()
    };
    let r = update(db.path(), &feed, &quick()).unwrap();
    assert_eq!(paths(0), ["/PyPI/modified_id.csv", "/PyPI/all.zip"]);
    assert_eq!(r.import.unwrap().sources["osv"].imported, 1);
    let r = update(db.path(), &feed, &quick()).unwrap();
    assert_eq!(paths(2), ["/PyPI/modified_id.csv"]);
    assert_eq!(r.feeds[0].outcome, "not-modified");
    *newer.lock().unwrap() = true;
    let r = update(db.path(), &feed, &quick()).unwrap();
    assert_eq!(
        paths(3),
        ["/PyPI/modified_id.csv", "/PyPI/PYSEC-2024-9.json"]
    );
    assert_eq!(r.import.unwrap().sources["osv"].imported, 1);
    assert_eq!(records_of(db.path(), "osv"), 2);
}
