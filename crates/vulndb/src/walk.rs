//! From paths to records: files, directories and archives (`.zip`, `.tar`, `.tar.gz`,
//! `.tar.zst`, `.gz`, `.zst`, nested up to [`Limits::max_depth`]), each entry's format
//! detected from its content, never from its name.
//!
//! Nothing is extracted to disk. Records are handed to a [`Sink`] one at a time as they are
//! read: an OSV tree, an `all.zip` or an NVD feed is never held in memory whole. Entries
//! that are not vulnerability data, are too large, or sit at an unsafe path (`../`,
//! absolute, links) are reported to the sink as skips with a reason. An archive that
//! cannot be read to its end is an error: the caller's transaction then keeps nothing of
//! it.

use crate::enrich::{self, EpssReader};
use crate::parse::Problem;
use crate::record::{Item, Source};
use crate::Error;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

/// Bounds on what one import reads.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest single document read into memory (a record file, a KEV catalog).
    pub max_document: u64,
    /// Largest document streamed (an NVD feed, an EPSS file), decompressed.
    pub max_stream: u64,
    /// Deepest nesting of archives and compression.
    pub max_depth: u32,
    /// Read and parse on a second thread while the store writes (the default); `false`
    /// keeps the whole import on one thread.
    pub parallel: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document: 64 << 20,
            max_stream: 8 << 30,
            max_depth: 4,
            parallel: true,
        }
    }
}

/// Where the records go.
pub trait Sink {
    /// One item read from `origin`.
    fn item(&mut self, origin: &str, item: Item) -> Result<(), Error>;
    /// A record or entry not taken (or taken in part), and why. `source` is the feed when
    /// the entry was recognised.
    fn problem(&mut self, origin: &str, source: Option<Source>, problem: Problem);
    /// One more input entry (file or archive member) was read; `bytes` its size.
    fn entry_done(&mut self, _bytes: u64) {}
}

/// Read every path (file, directory or archive) into `sink`.
pub fn walk(paths: &[PathBuf], limits: &Limits, sink: &mut dyn Sink) -> Result<(), Error> {
    let mut w = Walker { limits, sink };
    for p in paths {
        let meta = fs_err::metadata(p).map_err(|e| Error::io(p, e))?;
        if meta.is_dir() {
            w.dir(p)?;
        } else {
            w.file(p)?;
        }
    }
    Ok(())
}

/// Read one stream (a file's content, an HTTP response body) into `sink`, as if it were a
/// file named `origin`.
pub fn walk_reader(
    origin: &str,
    r: &mut dyn Read,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), Error> {
    let mut w = Walker { limits, sink };
    w.stream(origin, r, 0)
}

/// Every regular file under `dir`, sorted, hidden folders (`.git`) left out.
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs_err::read_dir(&d).map_err(|e| Error::io(&d, e))? {
            let e = e.map_err(|e| Error::io(&d, e))?;
            let p = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let mut ft = e.file_type().map_err(|err| Error::io(&p, err))?;
            if ft.is_symlink() {
                ft = fs_err::metadata(&p)
                    .map_err(|err| Error::io(&p, err))?
                    .file_type();
            }
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                out.push(p);
            }
        }
    }
    // Component order (`a/b` before `a-b/c`), as `Path`'s own ordering, but compared as
    // bytes with the separator lowest: sorting `PathBuf`s directly parses components at
    // every comparison, a tenth of a small import's time.
    out.sort_by_cached_key(|p| {
        let mut key = p.as_os_str().as_encoded_bytes().to_vec();
        for b in &mut key {
            if *b == b'/' {
                *b = 0;
            }
        }
        key
    });
    Ok(out)
}

struct Walker<'a> {
    limits: &'a Limits,
    sink: &'a mut dyn Sink,
}

const HEAD: usize = 512;

impl Walker<'_> {
    fn dir(&mut self, dir: &Path) -> Result<(), Error> {
        for f in files_under(dir)? {
            self.file(&f)?;
        }
        Ok(())
    }

    fn file(&mut self, path: &Path) -> Result<(), Error> {
        use std::io::Seek;
        let origin = path.display().to_string();
        // A std `File`: it reads into the `BufReader`'s buffer without zeroing it first
        // (64 KiB per file otherwise).
        let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut head = [0u8; 4];
        let n = read_full(&mut f, &mut head).map_err(|e| Error::io(path, e))?;
        f.rewind().map_err(|e| Error::io(path, e))?;
        if n == 4 && is_zip(&head) {
            return self.zip(&origin, f, 1);
        }
        self.stream(&origin, &mut BufReader::with_capacity(1 << 16, f), 0)
    }

    /// Read one stream: an archive, a compressed stream, or a document.
    fn stream(&mut self, origin: &str, r: &mut dyn Read, depth: u32) -> Result<(), Error> {
        let mut head = vec![0u8; HEAD];
        let n = read_full(r, &mut head).map_err(|e| Error::read(origin, e))?;
        head.truncate(n);
        let mut r = Cursor::new(head.clone()).chain(r);
        let nested = |w: &mut Self| {
            if depth >= w.limits.max_depth {
                w.sink.problem(
                    origin,
                    None,
                    Problem::skip(
                        "archive-too-deep",
                        format!("archives nested deeper than {}", w.limits.max_depth),
                    ),
                );
                false
            } else {
                true
            }
        };
        if is_zip(&head) {
            if !nested(self) {
                return Ok(());
            }
            let mut buf = Vec::new();
            let got = (&mut r)
                .take(self.limits.max_stream + 1)
                .read_to_end(&mut buf)
                .map_err(|e| Error::read(origin, e))?;
            if got as u64 > self.limits.max_stream {
                self.sink.problem(
                    origin,
                    None,
                    Problem::skip(
                        "too-large",
                        "a nested zip archive larger than the stream limit",
                    ),
                );
                return Ok(());
            }
            return self.zip(origin, Cursor::new(buf), depth + 1);
        }
        if head.starts_with(&[0x1f, 0x8b]) {
            if !nested(self) {
                return Ok(());
            }
            let d = flate2::read::MultiGzDecoder::new(r);
            return self.stream(origin, &mut BufReader::with_capacity(1 << 16, d), depth + 1);
        }
        if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            if !nested(self) {
                return Ok(());
            }
            let mut d = zstd::stream::read::Decoder::new(r).map_err(|e| Error::read(origin, e))?;
            return self.stream(origin, &mut d, depth + 1);
        }
        if is_tar(&head) {
            if !nested(self) {
                return Ok(());
            }
            return self.tar(origin, &mut r, depth + 1);
        }
        self.document(origin, &mut r, &head)
    }

    fn zip<R: Read + std::io::Seek>(
        &mut self,
        origin: &str,
        r: R,
        depth: u32,
    ) -> Result<(), Error> {
        let mut archive = zip::ZipArchive::new(r).map_err(|e| Error::Archive {
            origin: origin.to_string(),
            reason: e.to_string(),
        })?;
        for i in 0..archive.len() {
            let entry = archive.by_index(i).map_err(|e| Error::Archive {
                origin: origin.to_string(),
                reason: e.to_string(),
            })?;
            let name = match entry.name() {
                Ok(n) => n.into_owned(),
                Err(e) => {
                    self.sink.problem(
                        origin,
                        None,
                        Problem::skip("unsafe-archive-path", format!("entry {i}: {e}")),
                    );
                    continue;
                }
            };
            let inner = format!("{origin}!{name}");
            if entry.is_dir() {
                continue;
            }
            let safe = entry.enclosed_name().is_some() && safe_path(&name);
            let is_file = !entry.is_symlink();
            let limited = Limited::new(entry, self.limits.max_stream, &inner);
            self.member(&inner, safe, is_file, limited, depth)?;
        }
        Ok(())
    }

    /// One archive member: read unless its path leaves the archive or it is not a file.
    fn member(
        &mut self,
        inner: &str,
        safe: bool,
        is_file: bool,
        mut r: impl Read,
        depth: u32,
    ) -> Result<(), Error> {
        let problem = if !safe {
            Problem::skip(
                "unsafe-archive-path",
                "an entry whose path leaves the archive (`..`, absolute)",
            )
        } else if !is_file {
            Problem::skip("archive-link", "not a regular file (link or device)")
        } else {
            return self.stream(inner, &mut r, depth);
        };
        self.sink.problem(inner, None, problem);
        Ok(())
    }

    fn tar(&mut self, origin: &str, r: &mut dyn Read, depth: u32) -> Result<(), Error> {
        let mut archive = tar::Archive::new(r);
        let entries = archive.entries().map_err(|e| Error::read(origin, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::read(origin, e))?;
            let name = entry.path_bytes().into_owned();
            let name = String::from_utf8_lossy(&name).into_owned();
            let inner = format!("{origin}!{name}");
            let ty = entry.header().entry_type();
            if ty.is_dir()
                || ty.is_pax_global_extensions()
                || ty.is_pax_local_extensions()
                || ty.is_gnu_longname()
            {
                continue;
            }
            let (safe, is_file) = (safe_path(&name), ty.is_file());
            let limited = Limited::new(entry, self.limits.max_stream, &inner);
            self.member(&inner, safe, is_file, limited, depth)?;
        }
        Ok(())
    }

    /// A document: JSON (one record, an array of records, or a feed whose
    /// `vulnerabilities` array is streamed), an EPSS CSV, or OSV as YAML.
    fn document(&mut self, origin: &str, r: &mut dyn Read, head: &[u8]) -> Result<(), Error> {
        if enrich::is_epss(head) {
            return self.epss(origin, r);
        }
        let first = head
            .iter()
            .copied()
            .find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xef | 0xbb | 0xbf));
        let mut buf = Vec::new();
        let got = r
            .take(self.limits.max_document + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::read(origin, e))?;
        if got as u64 > self.limits.max_document {
            if first == Some(b'{') {
                // A feed (NVD year file, API page dump): stream its `vulnerabilities`.
                let mut reader = BufReader::with_capacity(1 << 16, Cursor::new(buf).chain(r));
                return self.json_stream(origin, &mut reader);
            }
            self.sink.entry_done(got as u64);
            self.sink.problem(
                origin,
                None,
                Problem::skip(
                    "too-large",
                    format!(
                        "a document over {} MiB that is not a feed of records",
                        self.limits.max_document >> 20
                    ),
                ),
            );
            return Ok(());
        }
        self.sink.entry_done(got as u64);
        let text = buf.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&buf);
        match first {
            Some(b'{') => self.json_object(origin, text),
            Some(b'[') => self.json_array(origin, text),
            _ => self.yaml(origin, text),
        }
    }

    /// A large JSON object read as a stream: only its `vulnerabilities` are kept.
    fn json_stream(&mut self, origin: &str, r: &mut dyn Read) -> Result<(), Error> {
        let mut counted = Counted { inner: r, n: 0 };
        let mut de = serde_json::Deserializer::from_reader(&mut counted);
        let mut feed = Feed {
            walker: self,
            origin,
            catalog: None,
            streamed: 0,
            error: None,
        };
        let result = (&mut de).deserialize_map(TopLevel {
            feed: &mut feed,
            collect: false,
        });
        let streamed = feed.streamed;
        if let Some(err) = feed.error.take() {
            return Err(err);
        }
        let result = result.and_then(|_| de.end());
        drop(de);
        self.sink.entry_done(counted.n);
        match result {
            Ok(()) if streamed > 0 => Ok(()),
            Ok(()) => {
                self.sink.problem(
                    origin,
                    None,
                    Problem::skip(
                        "too-large",
                        "a large JSON document without `vulnerabilities`",
                    ),
                );
                Ok(())
            }
            Err(e) if e.is_io() => Err(Error::read(origin, std::io::Error::other(e.to_string()))),
            Err(e) => {
                self.sink
                    .problem(origin, None, Problem::skip("malformed-json", e.to_string()));
                Ok(())
            }
        }
    }

    fn epss(&mut self, origin: &str, r: &mut dyn Read) -> Result<(), Error> {
        let mut reader = EpssReader::default();
        let mut lines = BufReader::new(r.take(self.limits.max_stream));
        let mut line = String::new();
        let mut bytes = 0u64;
        loop {
            line.clear();
            let n = lines
                .read_line(&mut line)
                .map_err(|e| Error::read(origin, e))?;
            if n == 0 {
                break;
            }
            bytes += n as u64;
            match reader.line(&line) {
                Ok(Some(e)) => self.sink.item(origin, Item::Epss(e))?,
                Ok(None) => {}
                Err(p) => self.sink.problem(origin, Some(Source::Epss), p),
            }
        }
        self.sink.entry_done(bytes);
        Ok(())
    }

    fn json_object(&mut self, origin: &str, text: &[u8]) -> Result<(), Error> {
        let mut de = serde_json::Deserializer::from_slice(text);
        let mut feed = Feed {
            walker: self,
            origin,
            catalog: None,
            streamed: 0,
            error: None,
        };
        let rest = match (&mut de).deserialize_map(TopLevel {
            feed: &mut feed,
            collect: true,
        }) {
            Ok(rest) => rest,
            Err(e) => {
                if let Some(err) = feed.error.take() {
                    return Err(err);
                }
                self.sink
                    .problem(origin, None, Problem::skip("malformed-json", e.to_string()));
                return Ok(());
            }
        };
        if let Some(err) = feed.error.take() {
            return Err(err);
        }
        if let Err(e) = de.end() {
            self.sink
                .problem(origin, None, Problem::skip("malformed-json", e.to_string()));
            return Ok(());
        }
        if feed.streamed > 0 {
            return Ok(());
        }
        self.value(origin, &Value::Object(rest), Some(text))
    }

    fn json_array(&mut self, origin: &str, text: &[u8]) -> Result<(), Error> {
        match serde_json::from_slice::<Vec<Value>>(text) {
            Ok(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.value(&format!("{origin}[{i}]"), v, None)?;
                }
                Ok(())
            }
            Err(e) => {
                self.sink
                    .problem(origin, None, Problem::skip("malformed-json", e.to_string()));
                Ok(())
            }
        }
    }

    fn yaml(&mut self, origin: &str, text: &[u8]) -> Result<(), Error> {
        let looks_yaml = std::str::from_utf8(text).is_ok_and(|t| {
            t.lines()
                .map(str::trim_end)
                .find(|l| !l.is_empty() && !l.starts_with('#') && l != &"---")
                .is_some_and(|l| {
                    l.split_once(':').is_some_and(|(k, _)| {
                        !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    })
                })
        });
        if !looks_yaml {
            self.sink.problem(
                origin,
                None,
                Problem::skip(
                    "not-vulnerability-data",
                    "neither JSON, YAML nor an EPSS CSV",
                ),
            );
            return Ok(());
        }
        match serde_norway::from_slice::<Value>(text) {
            Ok(v) if crate::osv::is_osv(&v) && v.get("modified").is_some() => {
                self.value(origin, &v, None)
            }
            Ok(_) => {
                self.sink.problem(
                    origin,
                    None,
                    Problem::skip("not-vulnerability-data", "YAML that is not an OSV record"),
                );
                Ok(())
            }
            Err(e) => {
                let osv_like = String::from_utf8_lossy(text)
                    .lines()
                    .any(|l| l.starts_with("modified:") || l.starts_with("affected:"));
                let p = if osv_like {
                    Problem::skip("malformed-yaml", e.to_string())
                } else {
                    Problem::skip(
                        "not-vulnerability-data",
                        "text that is not JSON, YAML or an EPSS CSV",
                    )
                };
                self.sink.problem(origin, None, p);
                Ok(())
            }
        }
    }

    /// One JSON value: an OSV record, a CVE 5 record, an NVD item or `cve` object, a KEV
    /// entry.
    fn value(&mut self, origin: &str, v: &Value, text: Option<&[u8]>) -> Result<(), Error> {
        let mut problems = Vec::new();
        let body =
            || text.map_or_else(|| serde_json::to_vec(v).unwrap_or_default(), <[u8]>::to_vec);
        let (source, result): (Source, Result<Vec<Item>, Problem>) = if crate::cve5::is_cve5(v) {
            (
                Source::Cve,
                crate::cve5::read(v, origin, &mut problems)
                    .map(|rs| rs.into_iter().map(|r| Item::Record(Box::new(r))).collect()),
            )
        } else if crate::osv::is_osv(v) {
            (
                Source::Osv,
                crate::osv::read(v, &body(), &mut problems)
                    .map(|r| vec![Item::Record(Box::new(r))]),
            )
        } else if crate::nvd::is_nvd_item(v) {
            (
                Source::Nvd,
                crate::nvd::read(&v["cve"], &mut problems).map(|r| vec![Item::Record(Box::new(r))]),
            )
        } else if crate::nvd::is_nvd_cve(v) {
            (
                Source::Nvd,
                crate::nvd::read(v, &mut problems).map(|r| vec![Item::Record(Box::new(r))]),
            )
        } else if enrich::is_kev_entry(v) {
            (
                Source::Kev,
                enrich::read_kev(v, None).map(|k| vec![Item::Kev(k)]),
            )
        } else {
            self.sink.problem(
                origin,
                None,
                Problem::skip("not-vulnerability-data", describe(v)),
            );
            return Ok(());
        };
        for p in problems {
            self.sink.problem(origin, Some(source), p);
        }
        match result {
            Ok(items) => {
                for item in items {
                    self.sink.item(origin, item)?;
                }
            }
            Err(p) => self.sink.problem(origin, Some(source), p),
        }
        Ok(())
    }
}

/// What a JSON document that is not vulnerability data looks like, for the skip reason.
fn describe(v: &Value) -> String {
    if v.get("bomFormat").is_some() {
        "a CycloneDX document".into()
    } else if v.get("spdxVersion").is_some() || v.get("@context").is_some() {
        "an SPDX document".into()
    } else if v.get("ghsaId").is_some()
        || v.get("data")
            .and_then(|d| d.get("securityAdvisories"))
            .is_some()
    {
        "a GitHub GraphQL advisory (import GitHub's OSV form instead)".into()
    } else if v
        .get("document")
        .and_then(|d| d.get("csaf_version"))
        .is_some()
    {
        "a CSAF document".into()
    } else {
        let keys: Vec<&str> = v
            .as_object()
            .map(|o| o.keys().take(4).map(String::as_str).collect())
            .unwrap_or_default();
        format!(
            "JSON of no known vulnerability format (keys: {})",
            keys.join(", ")
        )
    }
}

/// State while a top-level object is read: `vulnerabilities[]` entries are handled as they
/// are parsed.
struct Feed<'w, 'a> {
    walker: &'w mut Walker<'a>,
    origin: &'w str,
    catalog: Option<String>,
    streamed: u64,
    error: Option<Error>,
}

impl Feed<'_, '_> {
    fn entry(&mut self, i: u64, v: Value) {
        if self.error.is_some() {
            return;
        }
        self.streamed += 1;
        let origin = format!("{}#vulnerabilities[{i}]", self.origin);
        let mut problems = Vec::new();
        let (source, result) = if crate::nvd::is_nvd_item(&v) {
            (
                Source::Nvd,
                crate::nvd::read(&v["cve"], &mut problems).map(|r| Item::Record(Box::new(r))),
            )
        } else if enrich::is_kev_entry(&v) {
            (
                Source::Kev,
                enrich::read_kev(&v, self.catalog.as_deref()).map(Item::Kev),
            )
        } else {
            self.walker.sink.problem(
                &origin,
                None,
                Problem::skip("not-vulnerability-data", describe(&v)),
            );
            return;
        };
        for p in problems {
            self.walker.sink.problem(&origin, Some(source), p);
        }
        match result {
            Ok(item) => {
                if let Err(e) = self.walker.sink.item(&origin, item) {
                    self.error = Some(e);
                }
            }
            Err(p) => self.walker.sink.problem(&origin, Some(source), p),
        }
    }
}

/// The top-level object: every key but `vulnerabilities` is collected; `vulnerabilities`
/// (when an array) is streamed into [`Feed::entry`].
struct TopLevel<'f, 'w, 'a> {
    feed: &'f mut Feed<'w, 'a>,
    /// Keep the other keys (`false` for streamed feeds: they are ignored).
    collect: bool,
}

impl<'de> Visitor<'de> for TopLevel<'_, '_, '_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut rest = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "vulnerabilities" {
                map.next_value_seed(Entries { feed: self.feed })?;
            } else if self.collect || key == "catalogVersion" {
                let v: Value = map.next_value()?;
                if key == "catalogVersion" {
                    self.feed.catalog = v.as_str().map(str::to_string);
                }
                rest.insert(key, v);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(rest)
    }
}

struct Entries<'f, 'w, 'a> {
    feed: &'f mut Feed<'w, 'a>,
}

impl<'de> DeserializeSeed<'de> for Entries<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of vulnerabilities")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(v) = seq.next_element::<Value>()? {
            self.feed.entry(i, v);
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n += k as u64;
        Ok(k)
    }
}

/// A tar header: the `ustar` magic (POSIX, GNU), or a valid header checksum (v7 archives
/// have no magic).
fn is_tar(head: &[u8]) -> bool {
    if head.len() < 512 {
        return false;
    }
    if &head[257..262] == b"ustar" {
        return true;
    }
    let field = &head[148..156];
    let digits: String = field
        .iter()
        .map(|&b| b as char)
        .filter(|c| c.is_digit(8))
        .collect();
    let Ok(stated) = u32::from_str_radix(&digits, 8) else {
        return false;
    };
    let sum: u32 = head[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(b)
            }
        })
        .sum();
    sum == stated && head[0] != 0
}

fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// An archive member path that stays inside the archive.
fn safe_path(name: &str) -> bool {
    !name.starts_with('/')
        && !name.starts_with('\\')
        && !name.contains(':')
        && !name.split(['/', '\\']).any(|c| c == "..")
}

/// Read until `buf` is full or the stream ends; the number of bytes read.
fn read_full(r: &mut (impl Read + ?Sized), buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A reader that fails once more than `max` bytes were read: a decompression bomb ends in
/// a clear error instead of exhausting memory or disk.
struct Limited<R> {
    inner: R,
    left: u64,
    origin: String,
}

impl<R: Read> Limited<R> {
    fn new(inner: R, max: u64, origin: &str) -> Self {
        Limited {
            inner,
            left: max,
            origin: origin.to_string(),
        }
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(format!(
                "`{}` decompresses to more than the stream limit (a decompression bomb?)",
                self.origin
            )));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_paths_must_stay_inside() {
        assert!(safe_path("osv/GHSA-1.json"));
        assert!(!safe_path("../etc/passwd"));
        assert!(!safe_path("a/../../b"));
        assert!(!safe_path("/etc/passwd"));
        assert!(!safe_path("C:\\x"));
    }
}
