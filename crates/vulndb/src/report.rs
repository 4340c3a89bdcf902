//! What an import did ([`ImportReport`]) and what a database holds ([`DbStatus`]).

use crate::parse::Problem;
use crate::record::Source;
use crate::store::SqliteStore;
use crate::Error;
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many examples of each problem code a report keeps.
const EXAMPLES: usize = 5;

/// Counts of one source in one import.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SourceStats {
    /// Records (or KEV/EPSS entries) read.
    pub read: u64,
    /// New in the database.
    pub imported: u64,
    /// Replaced a stored copy (newer, or re-imported from a later run).
    pub updated: u64,
    /// Identical to the stored copy.
    pub unchanged: u64,
    /// Records whose vulnerability, after alias merging, has records from elsewhere too.
    pub merged: u64,
    /// Records not imported, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Records imported without a part (a field clipped, an unreadable vector), by reason.
    pub notes: BTreeMap<String, u64>,
}

impl SourceStats {
    /// Records skipped, all reasons.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// One example of a problem.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Example {
    /// Where (file, archive member, `#vulnerabilities[i]`).
    pub origin: String,
    /// What.
    pub detail: String,
}

/// What one import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Per source (by [`Source::name`]); entries not recognised as any source are under
    /// `unrecognised`.
    pub sources: BTreeMap<&'static str, SourceStats>,
    /// Entries that were not vulnerability data (or could not be read far enough to tell).
    pub unrecognised: SourceStats,
    /// The first few examples of each problem code.
    pub examples: BTreeMap<String, Vec<Example>>,
    /// Bytes read (decompressed).
    pub bytes: u64,
    /// Merged vulnerabilities in the database after the import.
    pub vulnerabilities: u64,
    /// Merged vulnerabilities whose records name several CVE ids (an alias list joined
    /// them).
    pub multi_cve: u64,
}

impl ImportReport {
    /// The counts of `source`.
    pub fn source(&mut self, source: Source) -> &mut SourceStats {
        self.sources.entry(source.name()).or_default()
    }

    /// Count a problem (and keep an example).
    pub fn problem(&mut self, origin: &str, source: Option<Source>, p: &Problem) {
        let stats = match source {
            Some(s) => self.source(s),
            None => &mut self.unrecognised,
        };
        let map = if p.skipped {
            &mut stats.skipped
        } else {
            &mut stats.notes
        };
        *map.entry(p.code.to_string()).or_default() += 1;
        let ex = self.examples.entry(p.code.to_string()).or_default();
        if ex.len() < EXAMPLES {
            ex.push(Example {
                origin: origin.to_string(),
                detail: crate::parse::limit_text(&p.detail, 300).to_string(),
            });
        }
    }

    /// Drop sources that saw nothing.
    pub fn finish(&mut self) {
        self.sources
            .retain(|_, s| s.read > 0 || !s.skipped.is_empty() || !s.notes.is_empty());
    }

    /// Records skipped over all sources (unrecognised entries included).
    pub fn skipped_total(&self) -> u64 {
        self.sources
            .values()
            .map(SourceStats::skipped_total)
            .sum::<u64>()
            + self.unrecognised.skipped_total()
    }
}

/// What the database holds for one source.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SourceStatus {
    /// The source.
    pub source: &'static str,
    /// Records (entries for KEV and EPSS).
    pub records: i64,
    /// Of which rejected or withdrawn.
    pub void: i64,
    /// The newest `modified` (KEV: newest `dateAdded`; EPSS: newest score date).
    pub newest: Option<String>,
    /// When an import last wrote to this source.
    pub last_import: Option<String>,
}

/// What the database holds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DbStatus {
    /// The database directory.
    pub dir: String,
    /// Size of the database file in bytes.
    pub bytes: u64,
    /// Merged vulnerabilities.
    pub vulnerabilities: i64,
    /// Distinct names (ids and aliases) that resolve to a vulnerability.
    pub names: i64,
    /// Per source.
    pub sources: Vec<SourceStatus>,
    /// Imports so far.
    pub imports: i64,
}

pub(crate) fn status(store: &SqliteStore) -> Result<DbStatus, Error> {
    let conn = store.conn();
    let dir = store.dir();
    let db = |what: &'static str| move |e| Error::db(dir, what, e);
    let counts = crate::store::counts_by_source(conn).map_err(db("count records"))?;
    let mut sources = Vec::new();
    for s in Source::ALL {
        let (records, newest, last_import): (i64, Option<String>, Option<String>) = match s {
            Source::Kev => conn.query_row(
                "SELECT count(*), max(date_added), (SELECT max(finished) FROM run WHERE run IN (SELECT DISTINCT run FROM kev)) FROM kev",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            ),
            Source::Epss => conn.query_row(
                "SELECT count(*), max(date), (SELECT max(finished) FROM run WHERE run IN (SELECT DISTINCT run FROM epss)) FROM epss",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            ),
            _ => conn.query_row(
                "SELECT count(*), max(modified), (SELECT max(finished) FROM run WHERE run IN (SELECT DISTINCT run FROM record WHERE source=?1)) FROM record WHERE source=?1",
                [s.name()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            ),
        }
        .map_err(db("read source freshness"))?;
        let void = counts
            .iter()
            .filter(|((src, st), _)| src == s.name() && crate::store::is_void(st))
            .map(|(_, n)| n)
            .sum();
        sources.push(SourceStatus {
            source: s.name(),
            records,
            void,
            newest,
            last_import,
        });
    }
    let vulnerabilities = conn
        .query_row(
            "SELECT count(*) FROM vuln WHERE members IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .map_err(db("count vulnerabilities"))?;
    let names = conn
        .query_row("SELECT count(*) FROM vuln", [], |r| r.get(0))
        .map_err(db("count names"))?;
    let imports = conn
        .query_row(
            "SELECT count(*) FROM run WHERE finished IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(db("count imports"))?
        .unwrap_or(0);
    let bytes = ["", "-wal"]
        .iter()
        .filter_map(|suffix| {
            fs_err::metadata(dir.join(format!("{}{suffix}", crate::store::DB_FILE))).ok()
        })
        .map(|m| m.len())
        .sum();
    Ok(DbStatus {
        dir: dir.display().to_string(),
        bytes,
        vulnerabilities,
        names,
        sources,
        imports,
    })
}
