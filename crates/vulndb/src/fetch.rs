//! `craft db update`: fetch the feeds over HTTPS into the database directory's cache, then
//! import what changed in one transaction.
//!
//! Each feed is one URL (an OSV ecosystem's `all.zip`, the KEV catalog, the EPSS file, the
//! kernel CNA's tree, a mirror of anything `craft db import` reads). A download:
//!
//! - is conditional: the ETag and Last-Modified of the last complete download are sent back
//!   (`If-None-Match`, `If-Modified-Since`); `304 Not Modified` leaves the feed as it is;
//! - is resumable: bytes land in `cache/<feed>.part`; after a broken connection the next
//!   attempt (or the next run) asks for the rest (`Range`, guarded by `If-Range`) and starts
//!   over when the server does not resume;
//! - retries connection errors, truncated bodies, `429` and `5xx` with exponential backoff,
//!   honouring `Retry-After` (capped), up to [`FetchOptions::retries`] times;
//! - is bounded ([`FetchOptions::max_bytes`]) and checked against `Content-Length`.
//!
//! Only when every feed has been fetched (or found unchanged) are the new files imported,
//! in one transaction: a failed fetch or import leaves the database as it was. The feed
//! state (validators, time of the last update) is written after the import commits; a crash
//! between the two only makes the next update download again.

use crate::report::ImportReport;
use crate::store::{SqliteStore, Store};
use crate::walk::Limits;
use crate::Error;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One feed: a name (the cache file's) and a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feed {
    /// A short name (`kev`, `osv-PyPI`), unique, used for the cache file.
    pub name: String,
    /// `https://…` (or `http://` for a local mirror).
    pub url: String,
    /// How the URL is fetched.
    #[serde(default)]
    pub kind: FeedKind,
}

/// How a feed's URL is fetched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedKind {
    /// One file (conditional and resumable).
    #[default]
    File,
    /// The NVD CVE API 2.0: pages of `resultsPerPage`, and after the first complete run only
    /// what changed since (`lastModStartDate`/`lastModEndDate`, in windows of at most 120
    /// days), paced by NVD's rate limits (6 s between requests without an API key, 0.6 s
    /// with one).
    NvdApi,
    /// CVE List V5 from its GitHub releases (the URL lists them, e.g.
    /// `https://api.github.com/repos/CVEProject/cvelistV5/releases`): the first time the
    /// newest midnight baseline (`*_all_CVEs_at_midnight*`) and the deltas published after it,
    /// then only the deltas (`*_delta_CVEs_at_*`) published since the last complete run.
    CvelistReleases,
    /// One OSV ecosystem of the OSV bucket (the URL is the ecosystem's folder, e.g.
    /// `https://osv-vulnerabilities.storage.googleapis.com/PyPI`): its `all.zip` the first
    /// time, then the records its `modified_id.csv` lists as modified since the last complete
    /// run (`all.zip` again when more than [`OSV_DELTA_MAX`] changed).
    OsvEcosystem,
}

/// More changed OSV records than this, and the ecosystem's `all.zip` is fetched instead.
pub const OSV_DELTA_MAX: usize = 2000;

/// The feeds `craft db update` fetches when the database directory has no `feeds.toml`.
pub fn default_feeds() -> Vec<Feed> {
    let file = |name: &str, url: &str| Feed {
        name: name.into(),
        url: url.into(),
        kind: FeedKind::File,
    };
    let mut feeds = vec![
        file(
            "kev",
            "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
        ),
        file(
            "epss",
            "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz",
        ),
        file(
            "kernel-cna",
            "https://git.kernel.org/pub/scm/linux/security/vulns.git/snapshot/vulns-master.tar.gz",
        ),
        Feed {
            name: "cvelist".into(),
            url: "https://api.github.com/repos/CVEProject/cvelistV5/releases?per_page=100".into(),
            kind: FeedKind::CvelistReleases,
        },
        Feed {
            name: "nvd".into(),
            url: "https://services.nvd.nist.gov/rest/json/cves/2.0".into(),
            kind: FeedKind::NvdApi,
        },
    ];
    for eco in [
        "Alpine",
        "crates.io",
        "Debian",
        "GitHub Actions",
        "Go",
        "Linux",
        "Maven",
        "npm",
        "NuGet",
        "OSS-Fuzz",
        "Packagist",
        "PyPI",
        "RubyGems",
        "Ubuntu",
    ] {
        feeds.push(Feed {
            name: format!("osv-{}", eco.replace(' ', "-")),
            url: format!(
                "https://osv-vulnerabilities.storage.googleapis.com/{}",
                eco.replace(' ', "%20")
            ),
            kind: FeedKind::OsvEcosystem,
        });
    }
    feeds
}

/// The file in a database directory that replaces the default feeds.
pub const FEEDS_FILE: &str = "feeds.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedsFile {
    feed: Vec<Feed>,
}

/// The feeds of the database in `dir`: its `feeds.toml` (`[[feed]] name = … url = …`), else
/// [`default_feeds`].
pub fn feeds_for_dir(dir: &Path) -> Result<Vec<Feed>, Error> {
    let path = dir.join(FEEDS_FILE);
    let text = match fs_err::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(default_feeds()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let f: FeedsFile = toml::from_str(&text).map_err(|e| Error::Config {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    let mut names = std::collections::HashSet::new();
    for feed in &f.feed {
        let ok_name = !feed.name.is_empty()
            && feed
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && !feed.name.starts_with('.');
        if !ok_name {
            return Err(Error::Config {
                path,
                reason: format!(
                    "feed name `{}`: use letters, digits, `-`, `_`, `.`",
                    feed.name
                ),
            });
        }
        if !names.insert(feed.name.clone()) {
            return Err(Error::Config {
                path,
                reason: format!("feed `{}` is listed twice", feed.name),
            });
        }
        if !(feed.url.starts_with("https://") || feed.url.starts_with("http://")) {
            return Err(Error::Config {
                path,
                reason: format!("feed `{}`: the URL must be http(s)", feed.name),
            });
        }
    }
    Ok(f.feed)
}

/// How downloads behave.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Attempts after the first.
    pub retries: u32,
    /// First backoff; doubled at each retry.
    pub backoff: Duration,
    /// Longest wait between attempts (also caps `Retry-After`).
    pub max_backoff: Duration,
    /// Connection timeout.
    pub connect_timeout: Duration,
    /// Longest silence while reading a response.
    pub read_timeout: Duration,
    /// Largest download.
    pub max_bytes: u64,
    /// NVD API key (sent as the `apiKey` header; `craft` reads `NVD_API_KEY`).
    pub nvd_api_key: Option<String>,
    /// Pause between NVD API requests; `None`: NVD's published limits (6 s without a key,
    /// 0.6 s with one).
    pub nvd_delay: Option<Duration>,
    /// `resultsPerPage` of NVD API requests (at most 2,000).
    pub nvd_page_size: u32,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            retries: 5,
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
            max_bytes: 8 << 30,
            nvd_api_key: None,
            nvd_delay: None,
            nvd_page_size: 2000,
        }
    }
}

/// What happened to one feed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FeedResult {
    /// The feed.
    pub name: String,
    /// The URL.
    pub url: String,
    /// `downloaded`, `not-modified`, or `failed`.
    pub outcome: &'static str,
    /// Bytes received in this run.
    pub bytes: u64,
    /// Attempts made.
    pub attempts: u32,
    /// Why it failed, or notes (resumed, retried after `429`…).
    pub notes: Vec<String>,
}

/// What an update did.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateReport {
    /// Per feed.
    pub feeds: Vec<FeedResult>,
    /// The import of the downloaded files (absent when nothing changed or a feed failed).
    pub import: Option<ImportReport>,
}

/// Progress of an update, for bars.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    /// A download started; the total when the server said it.
    Start(&'a str, Option<u64>),
    /// Bytes of the current download so far.
    Bytes(u64),
    /// Waiting before another attempt.
    Retry(&'a str, Duration, String),
    /// Importing: files read so far.
    Import(u64),
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Validators {
    etag: Option<String>,
    last_modified: Option<String>,
}

fn state_path(cache: &Path, name: &str) -> PathBuf {
    cache.join(format!("{name}.state.json"))
}

/// Fetch every feed, then import what changed, atomically. A feed that fails after its
/// retries fails the update, and nothing is imported.
pub fn update(
    store: &mut SqliteStore,
    feeds: &[Feed],
    opts: &FetchOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<UpdateReport, Error> {
    let cache = store.dir().join("cache");
    fs_err::create_dir_all(&cache).map_err(|e| Error::io(&cache, e))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(opts.connect_timeout))
        .timeout_per_read(Some(opts.read_timeout))
        .timeout_recv_response(Some(opts.read_timeout))
        .user_agent(concat!("craft/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut results = Vec::new();
    let mut fresh = Vec::new();
    let mut failed = None;
    for feed in feeds {
        let r = match feed.kind {
            FeedKind::File => {
                let r = fetch_one(&agent, &cache, feed, opts, progress);
                if r.outcome == "downloaded" {
                    fresh.push(cache.join(format!("{}.data", feed.name)));
                }
                r
            }
            FeedKind::NvdApi => {
                let (r, pages) = fetch_nvd(&agent, &cache, feed, opts, progress);
                fresh.extend(pages);
                r
            }
            FeedKind::CvelistReleases => {
                let (r, files) = fetch_cvelist(&agent, &cache, feed, opts, progress);
                fresh.extend(files);
                r
            }
            FeedKind::OsvEcosystem => {
                let (r, files) = fetch_osv(&agent, &cache, feed, opts, progress);
                fresh.extend(files);
                r
            }
        };
        if r.outcome == "failed" && failed.is_none() {
            failed = Some(format!(
                "{}: {}",
                r.name,
                r.notes.last().cloned().unwrap_or_default()
            ));
        }
        results.push(r);
    }
    if let Some(why) = failed {
        return Err(Error::Fetch {
            reason: why,
            report: Box::new(UpdateReport {
                feeds: results,
                import: None,
            }),
        });
    }
    let import = if fresh.is_empty() {
        None
    } else {
        Some(store.import(&fresh, &Limits::default(), &mut |n| {
            progress(Progress::Import(n))
        })?)
    };
    // The data is in; now the validators that say so.
    for feed in feeds {
        let pending = cache.join(format!("{}.state.pending", feed.name));
        if pending.exists() {
            fs_err::rename(&pending, state_path(&cache, &feed.name))
                .map_err(|e| Error::io(&pending, e))?;
        }
    }
    Ok(UpdateReport {
        feeds: results,
        import,
    })
}

enum Attempt {
    Done,
    NotModified,
    /// Retry after this long, because…
    Retry(Duration, String),
    Fail(String),
}

fn fetch_one(
    agent: &ureq::Agent,
    cache: &Path,
    feed: &Feed,
    opts: &FetchOptions,
    progress: &mut dyn FnMut(Progress),
) -> FeedResult {
    let mut result = FeedResult::failed(feed);
    let validators: Validators = read_state(cache, &feed.name);
    let have_data = cache.join(format!("{}.data", feed.name)).is_file();
    let mut backoff = opts.backoff;
    loop {
        result.attempts += 1;
        match attempt(
            agent,
            cache,
            feed,
            opts,
            &validators,
            have_data,
            &mut result,
            progress,
        ) {
            Attempt::Done => {
                result.outcome = "downloaded";
                return result;
            }
            Attempt::NotModified => {
                result.outcome = "not-modified";
                return result;
            }
            Attempt::Fail(why) => {
                result.notes.push(why);
                return result;
            }
            Attempt::Retry(wait, why) => {
                if result.attempts > opts.retries {
                    result
                        .notes
                        .push(format!("gave up after {} attempts: {why}", result.attempts));
                    return result;
                }
                let wait = wait.max(backoff).min(opts.max_backoff);
                progress(Progress::Retry(&feed.name, wait, why.clone()));
                result.notes.push(format!(
                    "attempt {}: {why}; retrying in {:.1} s",
                    result.attempts,
                    wait.as_secs_f64()
                ));
                std::thread::sleep(wait);
                backoff = (backoff * 2).min(opts.max_backoff);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn attempt(
    agent: &ureq::Agent,
    cache: &Path,
    feed: &Feed,
    opts: &FetchOptions,
    validators: &Validators,
    have_data: bool,
    result: &mut FeedResult,
    progress: &mut dyn FnMut(Progress),
) -> Attempt {
    let part = cache.join(format!("{}.part", feed.name));
    let part_meta = cache.join(format!("{}.part.json", feed.name));
    let partial: Option<(u64, Validators)> = fs_err::metadata(&part).ok().and_then(|m| {
        let v: Validators = serde_json::from_slice(&fs_err::read(&part_meta).ok()?).ok()?;
        (m.len() > 0 && (v.etag.is_some() || v.last_modified.is_some())).then_some((m.len(), v))
    });
    let mut req = agent.get(&feed.url);
    if let Some((len, v)) = &partial {
        req = req.header("Range", format!("bytes={len}-"));
        if let Some(tag) = v.etag.as_ref().or(v.last_modified.as_ref()) {
            req = req.header("If-Range", tag);
        }
    } else if have_data {
        if let Some(e) = &validators.etag {
            req = req.header("If-None-Match", e);
        }
        if let Some(l) = &validators.last_modified {
            req = req.header("If-Modified-Since", l);
        }
    }
    let resp = match req.call() {
        Ok(r) => r,
        Err(e) => return Attempt::Retry(Duration::ZERO, format!("{e}")),
    };
    let status = resp.status().as_u16();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    match status {
        304 if partial.is_none() && have_data => return Attempt::NotModified,
        200 | 206 => {}
        429 | 500..=599 => {
            let after = header("retry-after")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .map_or(Duration::ZERO, Duration::from_secs);
            return Attempt::Retry(after, format!("HTTP {status}"));
        }
        _ => return Attempt::Fail(format!("HTTP {status} from {}", feed.url)),
    }
    let new_validators = Validators {
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    let length: Option<u64> = header("content-length").and_then(|s| s.parse().ok());
    // Resume only when the server sent the rest of the same representation.
    let (mut offset, append) = match (&partial, status) {
        (Some((len, _)), 206) => {
            let starts_at = header("content-range").and_then(|c| {
                c.strip_prefix("bytes ")
                    .and_then(|r| r.split('-').next())
                    .and_then(|s| s.parse::<u64>().ok())
            });
            if starts_at == Some(*len) {
                result.notes.push(format!("resumed at byte {len}"));
                (*len, true)
            } else {
                (0, false)
            }
        }
        _ => (0, false),
    };
    if status == 206 && !append {
        // A partial answer we did not ask for (or cannot place): start over next time.
        let _ = fs_err::remove_file(&part);
        let _ = fs_err::remove_file(&part_meta);
        return Attempt::Retry(Duration::ZERO, "unexpected partial content".into());
    }
    if !append {
        let meta = serde_json::to_vec(&new_validators).unwrap_or_default();
        if let Err(e) = fs_err::write(&part_meta, meta) {
            return Attempt::Fail(e.to_string());
        }
    }
    let file = fs_err::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(&part);
    let mut file = match file {
        Ok(f) => f,
        Err(e) => return Attempt::Fail(e.to_string()),
    };
    progress(Progress::Start(&feed.name, length.map(|l| l + offset)));
    let budget = opts.max_bytes.saturating_sub(offset);
    let mut body = resp
        .into_body()
        .into_with_config()
        .limit(budget.saturating_add(1))
        .reader();
    let mut buf = vec![0u8; 1 << 16];
    let mut got = 0u64;
    loop {
        match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                got += n as u64;
                result.bytes += n as u64;
                if got > budget {
                    let _ = fs_err::remove_file(&part);
                    return Attempt::Fail(format!(
                        "larger than the {} MiB limit",
                        opts.max_bytes >> 20
                    ));
                }
                if let Err(e) = file.write_all(&buf[..n]) {
                    return Attempt::Fail(e.to_string());
                }
                offset += n as u64;
                progress(Progress::Bytes(offset));
            }
            Err(e) => {
                let _ = file.flush();
                return Attempt::Retry(
                    Duration::ZERO,
                    format!("connection broke after {offset} bytes: {e}"),
                );
            }
        }
    }
    if let Some(l) = length {
        if got != l {
            return Attempt::Retry(Duration::ZERO, format!("received {got} of {l} bytes"));
        }
    }
    if let Err(e) = file.sync_all() {
        return Attempt::Fail(e.to_string());
    }
    drop(file);
    let data = cache.join(format!("{}.data", feed.name));
    if let Err(e) = fs_err::rename(&part, &data) {
        return Attempt::Fail(e.to_string());
    }
    let meta = fs_err::read(&part_meta).unwrap_or_default();
    let _ = fs_err::remove_file(&part_meta);
    // Becomes the feed's state once the import has committed.
    if let Err(e) = fs_err::write(cache.join(format!("{}.state.pending", feed.name)), meta) {
        return Attempt::Fail(e.to_string());
    }
    Attempt::Done
}

impl FeedResult {
    /// A result that says `failed` until the fetch succeeds.
    fn failed(feed: &Feed) -> FeedResult {
        FeedResult {
            name: feed.name.clone(),
            url: feed.url.clone(),
            outcome: "failed",
            bytes: 0,
            attempts: 0,
            notes: Vec::new(),
        }
    }
}

/// An empty `cache/<feed>/` for this run's files.
fn fresh_dir(cache: &Path, feed: &Feed) -> Result<PathBuf, String> {
    let dir = cache.join(&feed.name);
    let _ = fs_err::remove_dir_all(&dir);
    fs_err::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// A feed's state after its last complete update (the default when there is none).
fn read_state<T: serde::de::DeserializeOwned + Default>(cache: &Path, name: &str) -> T {
    fs_err::read(state_path(cache, name))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Record the state this run reaches (promoted once the import commits) and hand back the
/// files to import.
fn finish<T: Serialize>(
    cache: &Path,
    feed: &Feed,
    state: &T,
    mut result: FeedResult,
    files: Vec<PathBuf>,
) -> (FeedResult, Vec<PathBuf>) {
    let pending = serde_json::to_vec(state).unwrap_or_default();
    match fs_err::write(cache.join(format!("{}.state.pending", feed.name)), pending) {
        Ok(()) => (result, files),
        Err(e) => {
            result.outcome = "failed";
            result.notes.push(e.to_string());
            (result, Vec::new())
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct NvdState {
    /// The end of the last window fetched completely (RFC 3339).
    last_mod_end: Option<String>,
}

/// NVD's longest `lastModStartDate`–`lastModEndDate` window.
const NVD_WINDOW_SECS: i64 = 120 * 86_400;

/// Fetch the NVD API's pages into `cache/<feed>/`: everything the first time, then what
/// changed since the last complete run.
fn fetch_nvd(
    agent: &ureq::Agent,
    cache: &Path,
    feed: &Feed,
    opts: &FetchOptions,
    progress: &mut dyn FnMut(Progress),
) -> (FeedResult, Vec<PathBuf>) {
    let mut result = FeedResult::failed(feed);
    let dir = match fresh_dir(cache, feed) {
        Ok(d) => d,
        Err(e) => {
            result.notes.push(e);
            return (result, Vec::new());
        }
    };
    let state: NvdState = read_state(cache, &feed.name);
    let now = crate::now_rfc3339();
    let now_secs = craft_model::unix_from_rfc3339(&now).unwrap_or(0);
    // Windows of at most 120 days from the last complete run to now; one unbounded window
    // the first time.
    let mut windows: Vec<Option<(String, String)>> = Vec::new();
    match state
        .last_mod_end
        .as_deref()
        .and_then(craft_model::unix_from_rfc3339)
    {
        Some(mut from) => {
            while from < now_secs {
                let to = (from + NVD_WINDOW_SECS).min(now_secs);
                windows.push(Some((nvd_time(from), nvd_time(to))));
                from = to;
            }
        }
        None => windows.push(None),
    }
    let delay = opts.nvd_delay.unwrap_or(if opts.nvd_api_key.is_some() {
        Duration::from_millis(600)
    } else {
        Duration::from_secs(6)
    });
    let mut pages = Vec::new();
    let mut total_records = 0u64;
    let mut first_request = true;
    for (w, window) in windows.iter().enumerate() {
        let mut start = 0u64;
        loop {
            if !first_request {
                std::thread::sleep(delay);
            }
            first_request = false;
            let mut url = format!(
                "{}?resultsPerPage={}&startIndex={start}",
                feed.url,
                opts.nvd_page_size.clamp(1, 2000)
            );
            if let Some((from, to)) = window {
                url.push_str(&format!("&lastModStartDate={from}&lastModEndDate={to}"));
            }
            let page = dir.join(format!("page-{w:03}-{start:07}.json"));
            let key = opts.nvd_api_key.as_deref();
            if let Err(why) = get_page(agent, &url, &page, opts, key, &mut result, progress) {
                result.notes.push(why);
                return (result, Vec::new());
            }
            let (total, count) = match page_counts(&page) {
                Some(c) => c,
                None => {
                    result.notes.push(format!("{url}: not an NVD API page"));
                    return (result, Vec::new());
                }
            };
            total_records += count;
            if count > 0 {
                pages.push(page);
            }
            progress(Progress::Bytes(total_records));
            start += count;
            if count == 0 || start >= total {
                break;
            }
        }
    }
    result.notes.push(format!(
        "{total_records} CVEs in {} pages{}",
        pages.len(),
        state
            .last_mod_end
            .as_deref()
            .map(|s| format!(" changed since {s}"))
            .unwrap_or_default()
    ));
    result.outcome = if total_records > 0 {
        "downloaded"
    } else {
        "not-modified"
    };
    finish(
        cache,
        feed,
        &NvdState {
            last_mod_end: Some(now),
        },
        result,
        pages,
    )
}

/// NVD's time parameter: `2024-01-01T00:00:00.000Z`.
fn nvd_time(secs: i64) -> String {
    let text = craft_model::rfc3339_from_unix(secs.max(0) as u64);
    format!("{}.000Z", text.trim_end_matches('Z'))
}

/// `(totalResults, number of vulnerabilities)` of a saved API page.
fn page_counts(path: &Path) -> Option<(u64, u64)> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Page {
        total_results: u64,
        vulnerabilities: Vec<serde::de::IgnoredAny>,
    }
    let f = fs_err::File::open(path).ok()?;
    let p: Page = serde_json::from_reader(std::io::BufReader::new(f)).ok()?;
    Some((p.total_results, p.vulnerabilities.len() as u64))
}

/// GET `url` into `path`, retrying connection errors, 403 (NVD's rate limiting), 429 and
/// 5xx.
fn get_page(
    agent: &ureq::Agent,
    url: &str,
    path: &Path,
    opts: &FetchOptions,
    api_key: Option<&str>,
    result: &mut FeedResult,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), String> {
    let mut backoff = opts.backoff;
    let mut tries = 0;
    loop {
        tries += 1;
        result.attempts += 1;
        let mut req = agent.get(url);
        if let Some(k) = api_key {
            req = req.header("apiKey", k);
        }
        let why = match req.call() {
            Err(e) => e.to_string(),
            Ok(resp) => {
                let status = resp.status().as_u16();
                let after = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .map_or(Duration::ZERO, Duration::from_secs);
                match status {
                    200 => {
                        let mut body = resp
                            .into_body()
                            .into_with_config()
                            .limit(opts.max_bytes)
                            .reader();
                        let written = fs_err::File::create(path)
                            .map_err(|e| e.to_string())
                            .and_then(|mut f| {
                                std::io::copy(&mut body, &mut f).map_err(|e| e.to_string())
                            });
                        match written {
                            Ok(n) => {
                                result.bytes += n;
                                return Ok(());
                            }
                            Err(e) => format!("connection broke: {e}"),
                        }
                    }
                    403 | 429 | 500..=599 => {
                        backoff = backoff.max(after);
                        format!("HTTP {status}")
                    }
                    _ => return Err(format!("HTTP {status} from {url}")),
                }
            }
        };
        if tries > opts.retries {
            return Err(format!("gave up after {tries} attempts: {why}"));
        }
        let wait = backoff.min(opts.max_backoff);
        progress(Progress::Retry(&result.name, wait, why.clone()));
        result
            .notes
            .push(format!("{why}; retrying in {:.1} s", wait.as_secs_f64()));
        std::thread::sleep(wait);
        backoff = (backoff * 2).min(opts.max_backoff);
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CvelistState {
    /// `published_at` of the newest release applied.
    published_at: Option<String>,
}

#[derive(Deserialize)]
struct Release {
    published_at: String,
    #[serde(default)]
    assets: Vec<Asset>,
}

#[derive(Deserialize)]
struct Asset {
    name: String,
    browser_download_url: String,
}

/// Fetch CVE List V5 baseline and delta archives listed by its GitHub releases.
fn fetch_cvelist(
    agent: &ureq::Agent,
    cache: &Path,
    feed: &Feed,
    opts: &FetchOptions,
    progress: &mut dyn FnMut(Progress),
) -> (FeedResult, Vec<PathBuf>) {
    let mut result = FeedResult::failed(feed);
    let dir = match fresh_dir(cache, feed) {
        Ok(d) => d,
        Err(e) => {
            result.notes.push(e);
            return (result, Vec::new());
        }
    };
    let state: CvelistState = read_state(cache, &feed.name);
    let listing = dir.join("releases.json");
    if let Err(why) = get_page(
        agent,
        &feed.url,
        &listing,
        opts,
        None,
        &mut result,
        progress,
    ) {
        result.notes.push(why);
        return (result, Vec::new());
    }
    let releases: Option<Vec<Release>> = fs_err::File::open(&listing)
        .ok()
        .and_then(|f| serde_json::from_reader(std::io::BufReader::new(f)).ok());
    let Some(mut releases) = releases else {
        result
            .notes
            .push(format!("{}: not a list of GitHub releases", feed.url));
        return (result, Vec::new());
    };
    let norm = |t: &str| crate::record::normalize_time(t);
    releases.sort_by_key(|r| norm(&r.published_at));
    let is_baseline = |a: &Asset| a.name.contains("all_CVEs_at_midnight");
    let is_delta = |a: &Asset| a.name.contains("_delta_CVEs_at_");
    let mut picks: Vec<&Asset> = Vec::new();
    let since = match state.published_at.as_deref() {
        Some(t) => norm(t),
        None => {
            let Some(base) = releases
                .iter()
                .rev()
                .find(|r| r.assets.iter().any(is_baseline))
            else {
                result
                    .notes
                    .push("no release carries a baseline (`*_all_CVEs_at_midnight*`)".into());
                return (result, Vec::new());
            };
            picks.extend(base.assets.iter().filter(|a| is_baseline(a)));
            norm(&base.published_at)
        }
    };
    for r in releases.iter().filter(|r| norm(&r.published_at) > since) {
        picks.extend(r.assets.iter().filter(|a| is_delta(a)));
    }
    let newest = releases
        .last()
        .map(|r| norm(&r.published_at))
        .filter(|n| *n > since)
        .unwrap_or_else(|| since.clone());
    let mut files = Vec::new();
    for (i, asset) in picks.iter().enumerate() {
        let safe: String = asset
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{i:04}-{safe}"));
        progress(Progress::Start(&asset.name, None));
        if let Err(why) = get_page(
            agent,
            &asset.browser_download_url,
            &path,
            opts,
            None,
            &mut result,
            progress,
        ) {
            result.notes.push(format!("{}: {why}", asset.name));
            return (result, Vec::new());
        }
        files.push(path);
    }
    result.notes.push(match state.published_at {
        None => format!("baseline and {} deltas", picks.len().saturating_sub(1)),
        Some(_) => format!("{} deltas since {since}", picks.len()),
    });
    result.outcome = if files.is_empty() {
        "not-modified"
    } else {
        "downloaded"
    };
    finish(
        cache,
        feed,
        &CvelistState {
            published_at: Some(newest),
        },
        result,
        files,
    )
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct OsvState {
    /// The newest modification time in `modified_id.csv` when it was last fetched completely.
    since: Option<String>,
}

/// `(modified, id)` pairs of an OSV `modified_id.csv` (`<RFC 3339>,<id>` or
/// `<RFC 3339>,<ecosystem>/<id>` per line); lines that do not read are left out.
fn modified_ids(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let (t, id) = l.trim().split_once(',')?;
            let id = id.rsplit('/').next()?.trim();
            let ok = !id.is_empty()
                && id.len() <= 256
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                && !id.starts_with('.');
            (ok && craft_model::unix_from_rfc3339(t.trim()).is_some())
                .then(|| (crate::record::normalize_time(t), id.to_string()))
        })
        .collect()
}

/// Fetch one OSV ecosystem: everything the first time, then what changed.
fn fetch_osv(
    agent: &ureq::Agent,
    cache: &Path,
    feed: &Feed,
    opts: &FetchOptions,
    progress: &mut dyn FnMut(Progress),
) -> (FeedResult, Vec<PathBuf>) {
    let mut result = FeedResult::failed(feed);
    let dir = match fresh_dir(cache, feed) {
        Ok(d) => d,
        Err(e) => {
            result.notes.push(e);
            return (result, Vec::new());
        }
    };
    let state: OsvState = read_state(cache, &feed.name);
    let base = feed.url.trim_end_matches('/');
    let listing = dir.join("modified_id.csv");
    let url = format!("{base}/modified_id.csv");
    if let Err(why) = get_page(agent, &url, &listing, opts, None, &mut result, progress) {
        result.notes.push(why);
        return (result, Vec::new());
    }
    let text = fs_err::read_to_string(&listing).unwrap_or_default();
    let entries = modified_ids(&text);
    let Some(newest) = entries.iter().map(|(t, _)| t.clone()).max() else {
        result.notes.push(format!("{url}: no `modified,id` lines"));
        return (result, Vec::new());
    };
    let changed: Vec<&str> = match &state.since {
        Some(since) => entries
            .iter()
            .filter(|(t, _)| t > since)
            .map(|(_, id)| id.as_str())
            .collect(),
        None => Vec::new(),
    };
    let mut files = Vec::new();
    if state.since.is_none() || changed.len() > OSV_DELTA_MAX {
        let all = Feed {
            name: format!("{}.all", feed.name),
            url: format!("{base}/all.zip"),
            kind: FeedKind::File,
        };
        // Always whole: the conditional state of `all.zip` is not kept.
        let _ = fs_err::remove_file(state_path(cache, &all.name));
        let r = fetch_one(agent, cache, &all, opts, progress);
        let _ = fs_err::remove_file(cache.join(format!("{}.state.pending", all.name)));
        result.bytes += r.bytes;
        result.attempts += r.attempts;
        result.notes.extend(r.notes);
        if r.outcome != "downloaded" {
            result.notes.push(format!("{}: {}", all.url, r.outcome));
            return (result, Vec::new());
        }
        files.push(cache.join(format!("{}.data", all.name)));
        result
            .notes
            .push(format!("all.zip ({} records listed)", entries.len()));
    } else {
        for id in &changed {
            let path = dir.join(format!("{id}.json"));
            let url = format!("{base}/{id}.json");
            if let Err(why) = get_page(agent, &url, &path, opts, None, &mut result, progress) {
                result.notes.push(format!("{id}: {why}"));
                return (result, Vec::new());
            }
            files.push(path);
        }
        result.notes.push(format!(
            "{} records modified since {}",
            changed.len(),
            state.since.as_deref().unwrap_or("-")
        ));
    }
    result.outcome = if files.is_empty() {
        "not-modified"
    } else {
        "downloaded"
    };
    finish(
        cache,
        feed,
        &OsvState {
            since: Some(newest),
        },
        result,
        files,
    )
}
