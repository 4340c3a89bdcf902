//! The store: the [`Store`] trait every backend implements, and [`SqliteStore`], the
//! embedded default (one SQLite file, `craft.sqlite`, in the database directory).
//!
//! ## Layout (schema version 3)
//!
//! | table | one row per | indexed by |
//! |---|---|---|
//! | `record` | advisory as one source stated it: dates, status, texts, aliases/severities/CWEs/references/facts and its affected keys (JSON columns), the original JSON (zstd) and its SHA-256, where and when it was imported | `(id, source, slot)` |
//! | `affected` | lookup key → record and the range it is judged by, with the ecosystem | `(key, rid, range_id)` |
//! | `range` | range as the record states it (form `osv`/`cve5`/`nvd`, JSON, zstd), once per record however many keys point to it; `range_id` = `rid << 16 | n` | `range_id` |
//!
//! The layout keeps the b-trees written per record few (the import's cost is mostly
//! b-tree inserts): a record's ranges are found by rowid arithmetic and its keys from its
//! `affected` column, so neither table needs a second index.
//! | `vuln` | name → the canonical id of its merged vulnerability; the canonical id's row also lists the group's other names (`members`, JSON), so no second index is kept (recomputed at each import, only changed rows written) | `name` |
//! | `kev`, `epss` | CVE | `cve` |
//! | `keyed` | lookup key → every range stated under it with its record's id, source, assigner, status and vulnerability, in one value (derived: see [`crate::derived`]) | `key` |
//! | `briefed` | vulnerability → its names and what a finding shows of each record (derived) | `vuln` |
//! | `run` | import: when, what, the report | |
//!
//! ## Atomicity
//!
//! An import is one `BEGIN IMMEDIATE` … `COMMIT` transaction in WAL mode: readers see the
//! database as it was before the import until the commit, and a killed import leaves the
//! previous state (SQLite rolls the unfinished transaction back at the next open). Two
//! imports never interleave: the second waits, then fails with a clear message.

use crate::parse::Problem;
use crate::record::{EpssEntry, Item, KevEntry, Record, Source, Status};
use crate::report::ImportReport;
use crate::walk::{Limits, Sink};
use crate::Error;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The database file inside the database directory.
pub const DB_FILE: &str = "craft.sqlite";

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: i64 = 3;

/// What every backend offers: import, and the reads the CLI and the matcher need.
pub trait Store {
    /// Import `paths` (files, directories, archives) in one atomic step.
    fn import(
        &mut self,
        paths: &[PathBuf],
        limits: &Limits,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportReport, Error>;
    /// Counts and freshness per source.
    fn status(&self) -> Result<crate::report::DbStatus, Error>;
    /// The merged vulnerability that `name` (its id or any alias) belongs to.
    fn vulnerability(
        &self,
        name: &str,
        precedence: &crate::view::Precedence,
    ) -> Result<Option<crate::view::Vulnerability>, Error>;
}

/// A read snapshot (see [`SqliteStore::snapshot`]); ends when dropped.
pub struct Snapshot<'a> {
    conn: Option<&'a Connection>,
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.conn {
            // A read transaction has nothing to lose: ending it cannot fail in a way that
            // matters, and the connection is usable either way.
            let _ = c.execute_batch("COMMIT");
        }
    }
}

/// One range stated under a lookup key (see [`SqliteStore::ranges_for_key`]).
#[derive(Debug, Clone)]
pub struct KeyRange {
    /// The record's id as its source states it.
    pub record: String,
    /// The record's source.
    pub source: Source,
    /// Who within the source said it.
    pub assigner: String,
    /// Whether the record is in force.
    pub status: Status,
    /// The canonical id of the vulnerability the record belongs to.
    pub vuln: String,
    /// The ecosystem as stated (`Debian:12`, `npm`, `cpe`, the CVE 5 product…).
    pub ecosystem: String,
    /// `osv`, `cve5` or `nvd`.
    pub form: String,
    /// The range as stated: its JSON text, read by whoever knows its form (a matcher
    /// parses thousands of ranges straight into typed forms; [`KeyRange::range`] gives the
    /// generic value).
    pub body: String,
}

impl KeyRange {
    /// The range as a JSON value (`Null` when its text is not JSON).
    pub fn range(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// The embedded SQLite store.
pub struct SqliteStore {
    conn: Connection,
    dir: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run(
  run INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, inputs TEXT NOT NULL, report TEXT);
CREATE TABLE IF NOT EXISTS record(
  rid INTEGER PRIMARY KEY,
  source TEXT NOT NULL, slot TEXT NOT NULL, id TEXT NOT NULL, assigner TEXT NOT NULL,
  modified TEXT, published TEXT, status TEXT NOT NULL,
  summary TEXT, details BLOB,
  aliases TEXT NOT NULL, severities TEXT NOT NULL, cwes TEXT NOT NULL, refs TEXT NOT NULL, facts TEXT NOT NULL,
  origin TEXT NOT NULL, run INTEGER NOT NULL, sha256 BLOB NOT NULL, body BLOB NOT NULL,
  affected TEXT NOT NULL,
  UNIQUE(id, source, slot));
CREATE TABLE IF NOT EXISTS range(range_id INTEGER PRIMARY KEY, form TEXT NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS affected(
  key TEXT NOT NULL, rid INTEGER NOT NULL, range_id INTEGER NOT NULL, ecosystem TEXT NOT NULL,
  PRIMARY KEY(key, rid, range_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vuln(name TEXT PRIMARY KEY, vuln TEXT NOT NULL, members TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kev(
  cve TEXT PRIMARY KEY, date_added TEXT NOT NULL, due_date TEXT, ransomware TEXT, vendor TEXT,
  product TEXT, name TEXT, action TEXT, catalog TEXT, run INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS epss(
  cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL, date TEXT, run INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS keyed(key TEXT PRIMARY KEY, ranges BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS briefed(vuln TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID;
";

impl SqliteStore {
    /// Open the database in `dir`, creating the directory and an empty database when
    /// absent (for imports).
    pub fn create(dir: &Path) -> Result<SqliteStore, Error> {
        fs_err::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let store = Self::connect(dir)?;
        store
            .conn
            .execute_batch(SCHEMA)
            .map_err(|e| Error::db(dir, "create the schema", e))?;
        let version: Option<String> = store
            .conn
            .query_row("SELECT value FROM meta WHERE key='schema'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| Error::db(dir, "read the schema version", e))?;
        match version {
            None => {
                store
                    .conn
                    .execute(
                        "INSERT INTO meta(key, value) VALUES ('schema', ?1)",
                        [SCHEMA_VERSION.to_string()],
                    )
                    .map_err(|e| Error::db(dir, "write the schema version", e))?;
            }
            Some(v) if v == "1" => {
                store.migrate_from_1()?;
                store.migrate_from_2()?;
            }
            Some(v) if v == "2" => store.migrate_from_2()?,
            Some(v) => store.check_version(&v)?,
        }
        Ok(store)
    }

    /// Run one schema upgrade in its own transaction.
    fn upgrade(&self, step: impl FnOnce(&Transaction) -> Result<(), Error>) -> Result<(), Error> {
        let dir = &self.dir;
        let db = |e| Error::db(dir, "upgrade the schema", e);
        let tx = self.conn.unchecked_transaction().map_err(db)?;
        step(&tx)?;
        tx.commit().map_err(db)
    }

    /// Schema 1 kept a second index on `vuln(vuln)` instead of the canonical row's
    /// `members`: drop it, add the column and fill it.
    fn migrate_from_1(&self) -> Result<(), Error> {
        let dir = &self.dir;
        self.upgrade(|tx| {
            tx.execute_batch(
                "DROP INDEX IF EXISTS vuln_vuln; ALTER TABLE vuln ADD COLUMN members TEXT;
                 UPDATE meta SET value='2' WHERE key='schema';",
            )
            .map_err(|e| Error::db(dir, "upgrade the schema", e))?;
            crate::group::rebuild(tx, dir, &mut crate::report::ImportReport::default())
        })
    }

    /// Schema 2 had no lookup tables (`keyed`, `briefed`; the schema made them empty):
    /// build them.
    fn migrate_from_2(&self) -> Result<(), Error> {
        let dir = &self.dir;
        self.upgrade(|tx| {
            crate::derived::rebuild(tx, dir)?;
            tx.execute("UPDATE meta SET value='3' WHERE key='schema'", [])
                .map(drop)
                .map_err(|e| Error::db(dir, "upgrade the schema", e))
        })
    }

    /// Open an existing database in `dir` (for reads): a clear error when there is none.
    pub fn open(dir: &Path) -> Result<SqliteStore, Error> {
        if !dir.join(DB_FILE).is_file() {
            return Err(Error::NoDatabase {
                dir: dir.to_path_buf(),
            });
        }
        let store = Self::connect(dir)?;
        let v: String = store
            .conn
            .query_row("SELECT value FROM meta WHERE key='schema'", [], |r| {
                r.get(0)
            })
            .map_err(|e| Error::db(dir, "read the schema version", e))?;
        store.check_version(&v)?;
        Ok(store)
    }

    fn check_version(&self, v: &str) -> Result<(), Error> {
        if v != SCHEMA_VERSION.to_string() {
            return Err(Error::SchemaVersion {
                dir: self.dir.clone(),
                found: v.to_string(),
                expected: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    fn connect(dir: &Path) -> Result<SqliteStore, Error> {
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path).map_err(|e| Error::db(dir, "open the database", e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| Error::db(dir, "set the busy timeout", e))?;
        conn.execute_batch(
            "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;
             PRAGMA mmap_size=268435456; PRAGMA foreign_keys=OFF;",
        )
        .map_err(|e| Error::db(dir, "configure the database", e))?;
        Ok(SqliteStore {
            conn,
            dir: dir.to_path_buf(),
        })
    }

    /// What a finding shows about the vulnerability `name` belongs to: names, summary,
    /// severities, CWEs, KEV, EPSS — without reading the records' texts and ranges.
    pub fn brief(
        &self,
        name: &str,
        precedence: &crate::view::Precedence,
    ) -> Result<Option<crate::view::Brief>, Error> {
        crate::view::brief(self, name, precedence)
    }

    /// The briefs of the vulnerabilities `names` belong to (see [`SqliteStore::brief`]), by
    /// name, in one statement; names the database does not know are left out.
    ///
    /// # Errors
    /// The database cannot be read.
    pub fn briefs(
        &self,
        names: &[&str],
        precedence: &crate::view::Precedence,
    ) -> Result<Vec<(String, crate::view::Brief)>, Error> {
        crate::view::briefs(self, names, precedence)
    }

    /// SQLite's `data_version`: changes when another connection commits to the database,
    /// so a reader can tell that what it cached is stale.
    pub fn data_version(&self) -> Result<i64, Error> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| Error::db(&self.dir, "read the data version", e))
    }

    /// Read from one snapshot until the guard is dropped: every query in between sees the
    /// same database (an update committing meanwhile is not half seen), and the locks are
    /// taken once instead of per statement. Nested calls are no-ops.
    pub fn snapshot(&self) -> Result<Snapshot<'_>, Error> {
        if !self.conn.is_autocommit() {
            return Ok(Snapshot { conn: None });
        }
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(|e| Error::db(&self.dir, "begin a read", e))?;
        Ok(Snapshot {
            conn: Some(&self.conn),
        })
    }

    /// Every range stated under the lookup `key` (see [`crate::key`]), with its record and
    /// the vulnerability the record belongs to, in record order: what the matcher evaluates
    /// for a component with that identity. Ranges that cannot be read back (a damaged
    /// blob, a row cut short: then all of the row's) are left out and counted in the second
    /// value; a range's text is not checked to be JSON here (the reader of its form does).
    pub fn ranges_for_key(&self, key: &str) -> Result<(Vec<KeyRange>, usize), Error> {
        let dir = &self.dir;
        let db = |e| Error::db(dir, "look up a key", e);
        let mut st = self
            .conn
            .prepare_cached("SELECT ranges FROM keyed WHERE key = ?1")
            .map_err(db)?;
        let mut rows = st.query([key]).map_err(db)?;
        let Some(row) = rows.next().map_err(db)? else {
            return Ok((Vec::new(), 0));
        };
        let (out, damaged) = match row.get_ref(0).map_err(db)?.as_blob() {
            Ok(value) => decode_keyed(value),
            Err(_) => (Vec::new(), 1),
        };
        Ok((out, damaged))
    }

    /// The ranges of each of `keys` (see [`SqliteStore::ranges_for_key`]), in one
    /// statement: a scan asks for the keys of all its components at once. Keys the
    /// database does not know are left out of the answer.
    ///
    /// # Errors
    /// The database cannot be read.
    pub fn ranges_for_keys(
        &self,
        keys: &[&str],
    ) -> Result<Vec<(String, Vec<KeyRange>, usize)>, Error> {
        let dir = &self.dir;
        let db = |e| Error::db(dir, "look up keys", e);
        let list = serde_json::to_string(keys).unwrap_or_else(|_| "[]".to_string());
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT k.key, k.ranges FROM json_each(?1) j JOIN keyed k ON k.key = j.value",
            )
            .map_err(db)?;
        let mut rows = st.query([list]).map_err(db)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(db)? {
            let key: String = row.get(0).map_err(db)?;
            let (ranges, damaged) = match row.get_ref(1).map_err(db)?.as_blob() {
                Ok(value) => decode_keyed(value),
                Err(_) => (Vec::new(), 1),
            };
            out.push((key, ranges, damaged));
        }
        Ok(out)
    }

    /// The directory of this database.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The connection, for the read queries of [`crate::view`].
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection, for [`crate::bundle`]'s replacement of the whole database.
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

impl Store for SqliteStore {
    fn import(
        &mut self,
        paths: &[PathBuf],
        limits: &Limits,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportReport, Error> {
        let dir = self.dir.clone();
        let started = crate::now_rfc3339();
        let inputs: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    Error::Busy { dir: dir.clone() }
                }
                _ => Error::db(&dir, "start the import", e),
            })?;
        tx.execute(
            "INSERT INTO run(started, inputs) VALUES (?1, ?2)",
            params![started, serde_json::to_string(&inputs).unwrap_or_default()],
        )
        .map_err(|e| Error::db(&dir, "record the import", e))?;
        let run = tx.last_insert_rowid();
        let mut report = ImportReport::default();
        {
            let mut sink = ImportSink {
                tx: &tx,
                dir: &dir,
                run,
                report: &mut report,
                progress,
                seen: 0,
            };
            if limits.parallel {
                read_beside(paths, limits, &mut sink)?;
            } else {
                let mut direct = Direct {
                    sink: &mut sink,
                    packer: Packer::new(),
                };
                crate::walk::walk(paths, limits, &mut direct)?;
            }
        }
        crate::group::rebuild(&tx, &dir, &mut report)?;
        // The lookup tables follow the records (and the groups, which follow the records'
        // aliases); KEV and EPSS are joined when read, so an import of only those, or of
        // records already stored, leaves them as they are.
        let records_changed = report.sources.iter().any(|(name, s)| {
            ![Source::Kev.name(), Source::Epss.name()].contains(name) && s.imported + s.updated > 0
        });
        if records_changed {
            crate::derived::rebuild(&tx, &dir)?;
        }
        report.finish();
        tx.execute(
            "UPDATE run SET finished=?1, report=?2 WHERE run=?3",
            params![
                crate::now_rfc3339(),
                serde_json::to_string(&report).unwrap_or_default(),
                run
            ],
        )
        .map_err(|e| Error::db(&dir, "record the import", e))?;
        tx.commit()
            .map_err(|e| Error::db(&dir, "commit the import", e))?;
        Ok(report)
    }

    fn status(&self) -> Result<crate::report::DbStatus, Error> {
        crate::report::status(self)
    }

    fn vulnerability(
        &self,
        name: &str,
        precedence: &crate::view::Precedence,
    ) -> Result<Option<crate::view::Vulnerability>, Error> {
        crate::view::load(self, name, precedence)
    }
}

/// What the store holds of a record an import meets again.
struct Stored {
    rid: i64,
    modified: Option<String>,
    sha: Vec<u8>,
    run: i64,
    origin: String,
}

struct ImportSink<'a> {
    tx: &'a Transaction<'a>,
    dir: &'a Path,
    run: i64,
    report: &'a mut ImportReport,
    progress: &'a mut dyn FnMut(u64),
    seen: u64,
}

/// A record ready to be written: hashed, its blobs compressed (on the reading thread when
/// the import is parallel).
struct Prepared {
    record: Record,
    sha: [u8; 32],
    body: Vec<u8>,
    details: Option<Vec<u8>>,
    /// Packed ranges, one per `record.affected` entry.
    ranges: Vec<Vec<u8>>,
}

/// A reusable zstd context.
struct Packer(Option<zstd::bulk::Compressor<'static>>);

impl Packer {
    fn new() -> Packer {
        Packer(zstd::bulk::Compressor::new(LEVEL).ok())
    }

    /// Blobs under [`RAW_BELOW`] bytes are stored as they are.
    fn pack(&mut self, bytes: &[u8]) -> Vec<u8> {
        if bytes.len() < RAW_BELOW {
            return bytes.to_vec();
        }
        match self.0.as_mut() {
            Some(c) => c.compress(bytes).unwrap_or_else(|_| pack(bytes)),
            None => pack(bytes),
        }
    }

    fn prepare(&mut self, record: Record) -> Prepared {
        Prepared {
            sha: Sha256::digest(&record.body).into(),
            body: self.pack(&record.body),
            details: record.details.as_deref().map(|d| self.pack(d.as_bytes())),
            ranges: record
                .affected
                .iter()
                .map(|a| self.pack(&a.range))
                .collect(),
            record,
        }
    }
}

/// What the reading thread sends the writing one.
enum Msg {
    Record(String, Box<Prepared>),
    Kev(KevEntry),
    Epss(EpssEntry),
    Problem(String, Option<Source>, Problem),
    Entry(u64),
}

/// Read, parse and compress on a second thread while this one writes: the two halves of
/// an import cost about the same, so on two cores the import takes about half as long.
/// An error on either side stops both; the caller's transaction then keeps nothing.
fn read_beside(paths: &[PathBuf], limits: &Limits, sink: &mut ImportSink) -> Result<(), Error> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Msg>(512);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut ch = Channel {
                tx,
                packer: Packer::new(),
            };
            crate::walk::walk(paths, limits, &mut ch)
        });
        let mut written = Ok(());
        for msg in rx.iter() {
            if let Err(e) = sink.handle(msg) {
                written = Err(e);
                break;
            }
        }
        // Dropping the receiver makes the reader's next send fail, so it stops.
        drop(rx);
        let read = reader.join().unwrap_or_else(|_| {
            Err(Error::read(
                "(reader thread)",
                std::io::Error::other("the reading thread panicked"),
            ))
        });
        written?;
        read
    })
}

/// The reading side of [`read_beside`].
struct Channel {
    tx: std::sync::mpsc::SyncSender<Msg>,
    packer: Packer,
}

impl Channel {
    fn send(&self, msg: Msg) -> Result<(), Error> {
        self.tx
            .send(msg)
            .map_err(|_| Error::read("(import)", std::io::Error::other("the writer stopped")))
    }
}

impl Sink for Channel {
    fn item(&mut self, origin: &str, item: Item) -> Result<(), Error> {
        let msg = match item {
            Item::Record(r) => Msg::Record(origin.to_string(), Box::new(self.packer.prepare(*r))),
            Item::Kev(k) => Msg::Kev(k),
            Item::Epss(e) => Msg::Epss(e),
        };
        self.send(msg)
    }

    fn problem(&mut self, origin: &str, source: Option<Source>, problem: Problem) {
        let _ = self.send(Msg::Problem(origin.to_string(), source, problem));
    }

    fn entry_done(&mut self, bytes: u64) {
        let _ = self.send(Msg::Entry(bytes));
    }
}

/// The single-threaded path: read and write on this thread.
struct Direct<'s, 'a> {
    sink: &'s mut ImportSink<'a>,
    packer: Packer,
}

impl Sink for Direct<'_, '_> {
    fn item(&mut self, origin: &str, item: Item) -> Result<(), Error> {
        let msg = match item {
            Item::Record(r) => Msg::Record(origin.to_string(), Box::new(self.packer.prepare(*r))),
            Item::Kev(k) => Msg::Kev(k),
            Item::Epss(e) => Msg::Epss(e),
        };
        self.sink.handle(msg)
    }

    fn problem(&mut self, origin: &str, source: Option<Source>, problem: Problem) {
        self.sink.report.problem(origin, source, &problem);
    }

    fn entry_done(&mut self, bytes: u64) {
        self.sink.entry(bytes);
    }
}

impl ImportSink<'_> {
    fn db(&self, what: &'static str, e: rusqlite::Error) -> Error {
        Error::db(self.dir, what, e)
    }

    fn handle(&mut self, msg: Msg) -> Result<(), Error> {
        match msg {
            Msg::Record(origin, p) => self.record(&origin, &p),
            Msg::Kev(k) => self.kev(&k),
            Msg::Epss(e) => self.epss(&e),
            Msg::Problem(origin, source, p) => {
                self.report.problem(&origin, source, &p);
                Ok(())
            }
            Msg::Entry(bytes) => {
                self.entry(bytes);
                Ok(())
            }
        }
    }

    fn entry(&mut self, bytes: u64) {
        self.seen += 1;
        self.report.bytes += bytes;
        (self.progress)(self.seen);
    }

    fn record(&mut self, origin: &str, p: &Prepared) -> Result<(), Error> {
        let r = &p.record;
        let source = r.source;
        self.report.source(source).read += 1;
        if r.affected.len() > RANGE_MASK as usize {
            self.report.problem(
                origin,
                Some(source),
                &Problem::skip(
                    "too-many-ranges",
                    format!(
                        "{}: {} affected entries (at most {RANGE_MASK})",
                        r.id,
                        r.affected.len()
                    ),
                ),
            );
            return Ok(());
        }
        let slot = if source == Source::CveAdp {
            r.assigner.as_str()
        } else {
            ""
        };
        let sha = p.sha;
        let existing: Option<Stored> = self
            .tx
            .prepare_cached(
                "SELECT rid, modified, sha256, run, origin FROM record WHERE source=?1 AND slot=?2 AND id=?3",
            )
            .and_then(|mut st| {
                st.query_row(params![source.name(), slot, r.id], |row| {
                    Ok(Stored {
                        rid: row.get(0)?,
                        modified: row.get(1)?,
                        sha: row.get(2)?,
                        run: row.get(3)?,
                        origin: row.get(4)?,
                    })
                })
                .optional()
            })
            .map_err(|e| self.db("look up a record", e))?;
        if let Some(Stored {
            rid,
            modified,
            sha: old_sha,
            run: old_run,
            origin: old_origin,
        }) = existing
        {
            if old_sha == sha {
                self.report.source(source).unchanged += 1;
                return Ok(());
            }
            match (r.modified.as_deref(), modified.as_deref()) {
                (Some(new), Some(old)) if new < old => {
                    self.skip(
                        origin,
                        Some(source),
                        Problem::skip(
                            "older-than-stored",
                            format!("{}: modified {new}, the stored copy {old}", r.id),
                        ),
                    );
                    return Ok(());
                }
                (new, old) if (new == old || new.is_none()) && old_run == self.run => {
                    self.skip(
                        origin,
                        Some(source),
                        Problem::skip(
                            "duplicate-conflict",
                            format!(
                                "{}: same id and modification time as the copy in `{old_origin}`, different content; the first read is kept",
                                r.id
                            ),
                        ),
                    );
                    return Ok(());
                }
                _ => {}
            }
            self.delete_children(rid)?;
            self.write(Some(rid), origin, p, slot)?;
            self.report.source(source).updated += 1;
        } else {
            self.write(None, origin, p, slot)?;
            self.report.source(source).imported += 1;
        }
        Ok(())
    }

    fn delete_children(&self, rid: i64) -> Result<(), Error> {
        let old: String = self
            .tx
            .prepare_cached("SELECT affected FROM record WHERE rid=?1")
            .and_then(|mut st| st.query_row([rid], |r| r.get(0)))
            .map_err(|e| self.db("replace a record", e))?;
        let entries: Vec<(String, String, i64)> = serde_json::from_str(&old).unwrap_or_default();
        let mut st = self
            .tx
            .prepare_cached("DELETE FROM affected WHERE key=?1 AND rid=?2")
            .map_err(|e| self.db("replace a record", e))?;
        for (key, _, _) in &entries {
            st.execute(params![key, rid])
                .map_err(|e| self.db("replace a record", e))?;
        }
        self.tx
            .prepare_cached("DELETE FROM range WHERE range_id BETWEEN ?1 AND ?2")
            .and_then(|mut st| {
                st.execute(params![rid << RANGE_BITS, (rid << RANGE_BITS) | RANGE_MASK])
            })
            .map_err(|e| self.db("replace a record", e))?;
        Ok(())
    }

    fn write(&self, rid: Option<i64>, origin: &str, p: &Prepared, slot: &str) -> Result<(), Error> {
        let r = &p.record;
        let json = |v: &dyn erased::Ser| v.to_json();
        // Number the distinct ranges; each affected entry points to one.
        let mut distinct: Vec<(&[u8], &Vec<u8>, &str)> = Vec::new();
        let mut entries: Vec<(&str, &str, i64)> = Vec::new();
        for (a, packed) in r.affected.iter().zip(&p.ranges) {
            let n = match distinct
                .iter()
                .position(|(b, _, _)| *b == a.range.as_slice())
            {
                Some(n) => n,
                None => {
                    distinct.push((&a.range, packed, a.form));
                    distinct.len() - 1
                }
            };
            entries.push((&a.key, &a.ecosystem, n as i64));
        }
        entries.sort_unstable();
        entries.dedup();
        let values = params![
            r.source.name(),
            slot,
            r.id,
            r.assigner,
            r.modified,
            r.published,
            r.status.name(),
            r.summary,
            p.details,
            json(&r.severities),
            json(&r.cwes),
            json(&r.references),
            json(&r.facts),
            origin,
            self.run,
            &p.sha[..],
            p.body,
            json(&r.aliases),
            json(&entries),
        ];
        let rid = match rid {
            Some(rid) => {
                self.tx
                    .prepare_cached(
                        "UPDATE record SET source=?1, slot=?2, id=?3, assigner=?4, modified=?5, published=?6,
                         status=?7, summary=?8, details=?9, severities=?10, cwes=?11, refs=?12, facts=?13,
                         origin=?14, run=?15, sha256=?16, body=?17, aliases=?18, affected=?19 WHERE rid=?20",
                    )
                    .and_then(|mut st| {
                        let mut all: Vec<&dyn rusqlite::ToSql> = values.to_vec();
                        all.push(&rid);
                        st.execute(all.as_slice())
                    })
                    .map_err(|e| self.db("update a record", e))?;
                rid
            }
            None => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO record(source, slot, id, assigner, modified, published, status, summary,
                         details, severities, cwes, refs, facts, origin, run, sha256, body, aliases, affected)
                         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)",
                    )
                    .and_then(|mut st| st.execute(values))
                    .map_err(|e| self.db("insert a record", e))?;
                self.tx.last_insert_rowid()
            }
        };
        for (n, (_, packed, form)) in distinct.iter().enumerate() {
            self.tx
                .prepare_cached("INSERT INTO range(range_id, form, body) VALUES (?1,?2,?3)")
                .and_then(|mut st| {
                    st.execute(params![(rid << RANGE_BITS) | n as i64, form, packed])
                })
                .map_err(|e| self.db("write affected ranges", e))?;
        }
        let mut st = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO affected(key, rid, range_id, ecosystem) VALUES (?1,?2,?3,?4)",
            )
            .map_err(|e| self.db("write affected ranges", e))?;
        for (key, ecosystem, n) in entries {
            st.execute(params![key, rid, (rid << RANGE_BITS) | n, ecosystem])
                .map_err(|e| self.db("write affected ranges", e))?;
        }
        Ok(())
    }

    fn kev(&mut self, k: &KevEntry) -> Result<(), Error> {
        self.report.source(Source::Kev).read += 1;
        let changed = self
            .tx
            .prepare_cached(
                "INSERT INTO kev(cve, date_added, due_date, ransomware, vendor, product, name, action, catalog, run)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)
                 ON CONFLICT(cve) DO UPDATE SET date_added=excluded.date_added, due_date=excluded.due_date,
                   ransomware=excluded.ransomware, vendor=excluded.vendor, product=excluded.product,
                   name=excluded.name, action=excluded.action, catalog=excluded.catalog, run=excluded.run
                 WHERE (kev.date_added, kev.due_date, kev.ransomware, kev.vendor, kev.product, kev.name, kev.action)
                   IS NOT (excluded.date_added, excluded.due_date, excluded.ransomware, excluded.vendor,
                   excluded.product, excluded.name, excluded.action)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    k.cve, k.date_added, k.due_date, k.ransomware, k.vendor, k.product, k.name, k.action,
                    k.catalog, self.run
                ])
            })
            .map_err(|e| self.db("write a KEV entry", e))?;
        let stats = self.report.source(Source::Kev);
        if changed > 0 {
            stats.imported += 1;
        } else {
            stats.unchanged += 1;
        }
        Ok(())
    }

    fn epss(&mut self, e: &EpssEntry) -> Result<(), Error> {
        self.report.source(Source::Epss).read += 1;
        let changed = self
            .tx
            .prepare_cached(
                "INSERT INTO epss(cve, score, percentile, date, run) VALUES (?1,?2,?3,?4,?5)
                 ON CONFLICT(cve) DO UPDATE SET score=excluded.score, percentile=excluded.percentile,
                   date=excluded.date, run=excluded.run
                 WHERE coalesce(excluded.date, '') >= coalesce(epss.date, '')
                   AND (epss.score, epss.percentile) IS NOT (excluded.score, excluded.percentile)",
            )
            .and_then(|mut st| st.execute(params![e.cve, e.score, e.percentile, e.date, self.run]))
            .map_err(|err| self.db("write an EPSS score", err))?;
        let stats = self.report.source(Source::Epss);
        if changed > 0 {
            stats.imported += 1;
        } else {
            stats.unchanged += 1;
        }
        Ok(())
    }

    fn skip(&mut self, origin: &str, source: Option<Source>, p: Problem) {
        self.report.problem(origin, source, &p);
    }
}

/// zstd level of stored blobs: a negative ("fast") level, whose literals skip Huffman
/// coding — on records of 1–4 KB, building Huffman tables cost more than the rest of the
/// import (perf), for little gain in size.
const LEVEL: i32 = -3;

/// `range_id = rid << RANGE_BITS | n`: a record's ranges are one rowid interval.
pub(crate) const RANGE_BITS: u32 = 16;
/// The largest `n` (and number of affected entries) of one record.
pub(crate) const RANGE_MASK: i64 = (1 << RANGE_BITS) - 1;

/// Blobs shorter than this are stored uncompressed: zstd saves little on them and costs
/// more than their insertion.
const RAW_BELOW: usize = 1024;

/// Compress a stored blob (zstd level 1: fastest, and level 3 saved little on records this small).
pub(crate) fn pack(bytes: &[u8]) -> Vec<u8> {
    if bytes.len() < RAW_BELOW {
        return bytes.to_vec();
    }
    // Compressing from memory into memory cannot fail but for allocation.
    zstd::bulk::compress(bytes, LEVEL).unwrap_or_default()
}

/// The bytes of a stored blob: decompressed when it is a zstd frame, else as stored (JSON
/// and text never start with the zstd magic number). `None` when a frame is damaged.
pub(crate) fn unpack(blob: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    if blob.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        zstd::stream::decode_all(blob)
            .ok()
            .map(std::borrow::Cow::Owned)
    } else {
        Some(std::borrow::Cow::Borrowed(blob))
    }
}

/// The ranges of one `keyed` row, and how many entries did not read back (damaged).
fn decode_keyed(value: &[u8]) -> (Vec<KeyRange>, usize) {
    let (mut out, mut damaged) = (Vec::new(), 0);
    let mut fields = crate::derived::Fields::new(value);
    let text = crate::derived::utf8;
    while !fields.is_empty() {
        let Some(f) = fields.entry::<{ crate::derived::KEYED_FIELDS }>() else {
            // Cut short: the row is damaged, none of it is trusted.
            damaged += out.len() + 1;
            out.clear();
            break;
        };
        let [record, source, assigner, status, vuln, ecosystem, form, body] = f;
        // The text only: its JSON is read by the matcher, in the form it needs.
        let body = body
            .and_then(unpack)
            .and_then(|b| String::from_utf8(b.into_owned()).ok());
        let entry = (|| {
            Some(KeyRange {
                record: text(record)?.to_string(),
                source: Source::from_name(text(source)?)?,
                assigner: text(assigner)?.to_string(),
                status: Status::from_name(text(status)?)?,
                vuln: text(vuln)?.to_string(),
                ecosystem: text(ecosystem)?.to_string(),
                form: text(form)?.to_string(),
                body: body?,
            })
        })();
        match entry {
            Some(e) => out.push(e),
            None => damaged += 1,
        }
    }
    (out, damaged)
}

/// JSON text of the small lists stored in columns.
mod erased {
    pub trait Ser {
        fn to_json(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_json(&self) -> String {
            serde_json::to_string(self).unwrap_or_else(|_| "[]".to_string())
        }
    }
}

/// Rows of a table by source, for status reports.
pub(crate) fn counts_by_source(
    conn: &Connection,
) -> rusqlite::Result<HashMap<(String, String), i64>> {
    let mut st =
        conn.prepare("SELECT source, status, count(*) FROM record GROUP BY source, status")?;
    let rows = st.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    rows.collect()
}

/// Whether `status` names a record that is not in force.
pub(crate) fn is_void(status: &str) -> bool {
    Status::from_name(status).is_some_and(|s| s != Status::Published)
}
