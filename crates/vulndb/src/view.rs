//! One merged vulnerability, as the user and the matcher see it: every record of every
//! source that names it, each field with the source it came from, and the explicit source
//! precedence that chose between them.
//!
//! ## Precedence
//!
//! [`Precedence`] is an ordered list of sources per field group. Selectors are a source
//! name (`nvd`) or a source and assigner (`cve:Linux`, `cve-adp:CISA-ADP`); the first
//! selector a record matches is its rank, and records no selector matches rank last. The
//! defaults:
//!
//! | field | order | why |
//! |---|---|---|
//! | `description` | kernel-cna, cve, osv, nvd, cve-adp | the CNA wrote it; NVD copies it |
//! | `affected` | kernel-cna, osv, cve, nvd, cve-adp | the kernel CNA's per-branch ranges over anyone's; ecosystem ranges (OSV) over CPE ranges |
//! | `severity` | nvd, cve-adp, cve, kernel-cna, osv | the primary score; every score is kept and shown |
//! | `status` | kernel-cna, cve, nvd, osv | the CNA decides whether its CVE stands |
//!
//! A database directory may hold `precedence.toml` with any of these four lists to
//! override them.

use crate::parse::{cpe_matches, items};
use crate::record::{EpssEntry, Fact, KevEntry, Severity, Source, Status};
use crate::store::SqliteStore;
use crate::Error;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;

/// Source order per field group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Precedence {
    /// Summary and details.
    pub description: Vec<String>,
    /// Affected ranges.
    pub affected: Vec<String>,
    /// The primary severity.
    pub severity: Vec<String>,
    /// Published / rejected / withdrawn.
    pub status: Vec<String>,
}

impl Default for Precedence {
    fn default() -> Self {
        let v = |l: &[&str]| l.iter().map(|s| (*s).to_string()).collect();
        Precedence {
            description: v(&["kernel-cna", "cve", "osv", "nvd", "cve-adp"]),
            affected: v(&["kernel-cna", "osv", "cve", "nvd", "cve-adp"]),
            severity: v(&["nvd", "cve-adp", "cve", "kernel-cna", "osv"]),
            status: v(&["kernel-cna", "cve", "nvd", "osv"]),
        }
    }
}

/// The file in a database directory that overrides the default precedence.
pub const PRECEDENCE_FILE: &str = "precedence.toml";

impl Precedence {
    /// The precedence of the database in `dir`: its `precedence.toml`, else the default.
    pub fn for_dir(dir: &Path) -> Result<Precedence, Error> {
        let path = dir.join(PRECEDENCE_FILE);
        let text = match fs_err::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Precedence::default()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let p: Precedence = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        for sel in p
            .description
            .iter()
            .chain(&p.affected)
            .chain(&p.severity)
            .chain(&p.status)
        {
            let src = sel.split_once(':').map_or(sel.as_str(), |(s, _)| s);
            if Source::from_name(src).is_none() {
                return Err(Error::Config {
                    path,
                    reason: format!(
                        "`{sel}` names no source (known: osv, nvd, cve, cve-adp, kernel-cna)"
                    ),
                });
            }
        }
        Ok(p)
    }

    /// Rank of a record in `list` (0 is best).
    pub fn rank(list: &[String], source: Source, assigner: &str) -> usize {
        list.iter()
            .position(|sel| match sel.split_once(':') {
                Some((s, a)) => s == source.name() && a.eq_ignore_ascii_case(assigner),
                None => sel == source.name(),
            })
            .unwrap_or(list.len())
    }
}

/// Which record a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct From {
    /// The source.
    pub source: Source,
    /// The assigner within it.
    pub assigner: String,
    /// The record's id.
    pub id: String,
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sourced<T> {
    /// The value.
    #[serde(flatten)]
    pub value: T,
    /// Its record.
    pub from: From,
}

/// A text with its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// The text.
    pub text: String,
}

/// One record of the vulnerability, for provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordInfo {
    /// Source, assigner, id.
    #[serde(flatten)]
    pub from: From,
    /// The source's modification time.
    pub modified: Option<String>,
    /// The source's publication time.
    pub published: Option<String>,
    /// Its status.
    pub status: Status,
    /// The file or archive member it was read from.
    pub origin: String,
    /// When it was imported.
    pub imported: Option<String>,
    /// SHA-256 of the record as published (hex).
    pub sha256: String,
}

/// One affected range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AffectedRange {
    /// The lookup key.
    pub key: String,
    /// The ecosystem as stated.
    pub ecosystem: String,
    /// `osv`, `cve5` or `nvd`.
    pub form: String,
    /// The range as stated.
    pub range: Value,
    /// Where it came from.
    pub from: From,
    /// Rank by the `affected` precedence (0 is best).
    pub rank: usize,
    /// Whether precedence makes this the range to trust for its key (the best-ranked
    /// source that states one).
    pub trusted: bool,
}

/// A vulnerability merged from all its records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vulnerability {
    /// The canonical id (its CVE when it has one).
    pub id: String,
    /// Every other id and alias.
    pub aliases: Vec<String>,
    /// The status by the `status` precedence.
    pub status: Sourced<StatusValue>,
    /// The summary by the `description` precedence.
    pub summary: Option<Sourced<Text>>,
    /// The details by the `description` precedence.
    pub details: Option<Sourced<Text>>,
    /// Every severity rating, the primary (by the `severity` precedence, CVSS preferred)
    /// first.
    pub severities: Vec<Sourced<Severity>>,
    /// CWE ids with the records that state them.
    pub cwes: Vec<Sourced<Text>>,
    /// The KEV catalog entry.
    pub kev: Option<KevEntry>,
    /// The EPSS score.
    pub epss: Option<EpssEntry>,
    /// Other facts (SSVC, KEV flags stated by ADPs or NVD).
    pub facts: Vec<Sourced<Fact>>,
    /// Affected ranges, by key, trusted first.
    pub affected: Vec<AffectedRange>,
    /// Every record.
    pub records: Vec<RecordInfo>,
    /// Where the sources disagree (status, stated vs computed scores).
    pub disagreements: Vec<String>,
}

impl Vulnerability {
    /// The source files its records say the fix touched (the kernel CNA's `programFiles`),
    /// sorted and without repeats.
    pub fn program_files(&self) -> Vec<String> {
        let mut files: Vec<String> = self
            .affected
            .iter()
            .filter_map(|a| a.range.get("programFiles")?.as_array())
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect();
        files.sort();
        files.dedup();
        files
    }
}

/// A status with its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusValue {
    /// The status.
    pub status: Status,
}

struct Row {
    rid: i64,
    from: From,
    modified: Option<String>,
    published: Option<String>,
    status: Status,
    summary: Option<String>,
    details: Option<String>,
    severities: Vec<Severity>,
    cwes: Vec<String>,
    facts: Vec<Fact>,
    affected: Vec<(String, String, i64)>,
    origin: String,
    imported: Option<String>,
    sha: Vec<u8>,
}

/// The canonical id of the vulnerability `name` belongs to, and all its names (canonical
/// first, then in canonical order).
fn group_of(store: &SqliteStore, name: &str) -> Result<Option<(String, Vec<String>)>, Error> {
    let dir = store.dir();
    let db = |what: &'static str| move |e| Error::db(dir, what, e);
    // The name's vulnerability, and the members its canonical row lists: one statement.
    let found: Option<(String, Option<String>)> = store
        .conn()
        .prepare_cached(
            "SELECT v.vuln, c.members FROM vuln v JOIN vuln c ON c.name = v.vuln WHERE v.name=?1",
        )
        .and_then(|mut st| {
            st.query_row([name], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(db("look up a name"))?;
    let Some((canonical, members)) = found else {
        return Ok(None);
    };
    let mut names: Vec<String> = vec![canonical.clone()];
    names.extend(
        serde_json::from_str::<Vec<String>>(members.as_deref().unwrap_or("[]")).unwrap_or_default(),
    );
    Ok(Some((canonical, names)))
}

/// What a finding shows about a vulnerability, read without the records' texts and ranges
/// (see [`load`] for everything).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Brief {
    /// The canonical id.
    pub id: String,
    /// Every other name.
    pub aliases: Vec<String>,
    /// The status by the `status` precedence over every record (a CVE its CNA rejected is
    /// rejected even while an older copy elsewhere says published).
    pub status: Status,
    /// The summary by the `description` precedence (records in force only).
    pub summary: Option<String>,
    /// Every severity of the records in force, best-ranked source first by the `severity`
    /// precedence.
    pub severities: Vec<Severity>,
    /// CWE ids, sorted.
    pub cwes: Vec<String>,
    /// KEV listing.
    pub kev: Option<KevEntry>,
    /// EPSS score.
    pub epss: Option<EpssEntry>,
}

/// The brief of the vulnerability `name` belongs to: one statement (its group's row of
/// the `briefed` lookup table, KEV and EPSS).
pub(crate) fn brief(
    store: &SqliteStore,
    name: &str,
    p: &Precedence,
) -> Result<Option<Brief>, Error> {
    let dir = store.dir();
    let db = |e| Error::db(dir, "read a vulnerability", e);
    let mut st = store
        .conn()
        .prepare_cached(
            "SELECT v.vuln, b.body, k.cve, k.date_added, k.due_date, k.ransomware, k.vendor,
                    k.product, k.name, k.action, k.catalog, e.cve, e.score, e.percentile, e.date
             FROM vuln v LEFT JOIN briefed b ON b.vuln = v.vuln
             LEFT JOIN kev k ON k.cve = v.vuln LEFT JOIN epss e ON e.cve = v.vuln
             WHERE v.name = ?1",
        )
        .map_err(db)?;
    let mut rows = st.query([name]).map_err(db)?;
    let Some(row) = rows.next().map_err(db)? else {
        return Ok(None);
    };
    brief_of_row(row, 0, p).map(Some).map_err(db)
}

/// The briefs of the vulnerabilities `names` belong to, by name, in one statement (names
/// the database does not know are left out).
pub(crate) fn briefs(
    store: &SqliteStore,
    names: &[&str],
    p: &Precedence,
) -> Result<Vec<(String, Brief)>, Error> {
    let dir = store.dir();
    let db = |e| Error::db(dir, "read vulnerabilities", e);
    let list = serde_json::to_string(names).unwrap_or_else(|_| "[]".to_string());
    let mut st = store
        .conn()
        .prepare_cached(
            "SELECT j.value, v.vuln, b.body, k.cve, k.date_added, k.due_date, k.ransomware,
                    k.vendor, k.product, k.name, k.action, k.catalog, e.cve, e.score,
                    e.percentile, e.date
             FROM json_each(?1) j JOIN vuln v ON v.name = j.value
             LEFT JOIN briefed b ON b.vuln = v.vuln
             LEFT JOIN kev k ON k.cve = v.vuln LEFT JOIN epss e ON e.cve = v.vuln",
        )
        .map_err(db)?;
    let mut rows = st.query([list]).map_err(db)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db)? {
        let name: String = row.get(0).map_err(db)?;
        out.push((name, brief_of_row(row, 1, p).map_err(db)?));
    }
    Ok(out)
}

/// A brief from the columns of `row` from `at`: the canonical id, the `briefed` row's
/// value, then the KEV and EPSS columns of [`kev_epss`].
fn brief_of_row(row: &rusqlite::Row<'_>, at: usize, p: &Precedence) -> rusqlite::Result<Brief> {
    let canonical: String = row.get(at)?;
    let (kev, epss) = kev_epss(row, at + 2)?;
    let body = row.get_ref(at + 1)?;
    let mut fields = crate::derived::Fields::new(body.as_blob().unwrap_or_default());
    let text = crate::derived::utf8;
    let members = fields.next_field().flatten();
    let mut names: Vec<String> = vec![canonical.clone()];
    names.extend(
        serde_json::from_str::<Vec<String>>(text(members).unwrap_or("[]")).unwrap_or_default(),
    );
    let mut summary: Option<(usize, &str)> = None;
    let mut severities: Vec<(usize, Severity)> = Vec::new();
    let mut cwes: Vec<String> = Vec::new();
    let mut status: Option<(usize, Status)> = None;
    while !fields.is_empty() {
        // A row cut short is not trusted in part (a lost rejection would read as published).
        let Some(f) = fields.entry::<{ crate::derived::BRIEFED_FIELDS }>() else {
            return Err(rusqlite::Error::FromSqlConversionFailure(
                at + 1,
                rusqlite::types::Type::Blob,
                "a lookup row (`briefed`) is cut short: the database is damaged".into(),
            ));
        };
        let [source, assigner, summary_text, severities_json, cwes_json, stated] = f;
        let Some(source) = text(source).and_then(Source::from_name) else {
            continue;
        };
        let assigner = text(assigner).unwrap_or_default();
        let stated = text(stated)
            .and_then(Status::from_name)
            .unwrap_or(Status::Published);
        // The best-ranked source decides; among its records, one that stands keeps the
        // vulnerability: an OSV database withdrawing its own advisory (PyPA's copy of a Rust
        // crate's CVE) does not withdraw another database's advisory of it.
        let rank = Precedence::rank(&p.status, source, assigner);
        if status.is_none_or(|(best, s)| {
            rank < best || (rank == best && s != Status::Published && stated == Status::Published)
        }) {
            status = Some((rank, stated));
        }
        if stated != Status::Published {
            continue;
        }
        if let Some(t) = text(summary_text) {
            let rank = Precedence::rank(&p.description, source, assigner);
            if summary.is_none_or(|(best, _)| rank < best) {
                summary = Some((rank, t));
            }
        }
        let rank = Precedence::rank(&p.severity, source, assigner);
        let list: Vec<Severity> =
            serde_json::from_str(text(severities_json).unwrap_or("[]")).unwrap_or_default();
        severities.extend(list.into_iter().map(|s| (rank, s)));
        cwes.extend(
            serde_json::from_str::<Vec<String>>(text(cwes_json).unwrap_or("[]"))
                .unwrap_or_default(),
        );
    }
    severities.sort_by_key(|(rank, _)| *rank);
    cwes.sort();
    cwes.dedup();
    Ok(Brief {
        aliases: names.into_iter().skip(1).collect(),
        status: status.map_or(Status::Published, |(_, s)| s),
        id: canonical,
        summary: summary.map(|(_, t)| t.to_string()),
        severities: severities.into_iter().map(|(_, s)| s).collect(),
        cwes,
        kev,
        epss,
    })
}

/// Load the vulnerability `name` belongs to.
pub(crate) fn load(
    store: &SqliteStore,
    name: &str,
    p: &Precedence,
) -> Result<Option<Vulnerability>, Error> {
    let conn = store.conn();
    let dir = store.dir();
    let db = |what: &'static str| move |e| Error::db(dir, what, e);
    let name = crate::record::cve_id(name).unwrap_or_else(|| name.trim().to_string());
    let group = group_of(store, &name)?;
    let (kev, epss) = load_kev_epss(store, &name)?;
    let Some((canonical, names)) = group else {
        // A CVE known only to KEV or EPSS.
        if kev.is_none() && epss.is_none() {
            return Ok(None);
        }
        return Ok(Some(Vulnerability {
            id: name.clone(),
            aliases: Vec::new(),
            status: Sourced {
                value: StatusValue {
                    status: Status::Published,
                },
                from: From {
                    source: if kev.is_some() {
                        Source::Kev
                    } else {
                        Source::Epss
                    },
                    assigner: String::new(),
                    id: name,
                },
            },
            summary: None,
            details: None,
            severities: Vec::new(),
            cwes: Vec::new(),
            kev,
            epss,
            facts: Vec::new(),
            affected: Vec::new(),
            records: Vec::new(),
            disagreements: Vec::new(),
        }));
    };
    let names_json = serde_json::to_string(&names).unwrap_or_default();
    let mut rows: Vec<Row> = Vec::new();
    {
        let mut st = conn
            .prepare_cached(
                "SELECT DISTINCT r.rid, r.source, r.assigner, r.id, r.modified, r.published, r.status, r.summary,
                   r.details, r.severities, r.cwes, r.facts, r.origin, run.finished, r.sha256, r.affected
                 FROM json_each(?1) v JOIN record r ON r.id = v.value
                 LEFT JOIN run ON run.run = r.run
                 ORDER BY r.source, r.assigner, r.id",
            )
            .map_err(db("read records"))?;
        let mut q = st.query([&names_json]).map_err(db("read records"))?;
        while let Some(r) = q.next().map_err(db("read records"))? {
            let get_json = |i: usize| -> rusqlite::Result<String> { r.get(i) };
            let source: String = r.get(1).map_err(db("read records"))?;
            let status: String = r.get(6).map_err(db("read records"))?;
            rows.push(Row {
                rid: r.get(0).map_err(db("read records"))?,
                from: From {
                    source: Source::from_name(&source).unwrap_or(Source::Osv),
                    assigner: r.get(2).map_err(db("read records"))?,
                    id: r.get(3).map_err(db("read records"))?,
                },
                modified: r.get(4).map_err(db("read records"))?,
                published: r.get(5).map_err(db("read records"))?,
                status: Status::from_name(&status).unwrap_or(Status::Published),
                summary: r.get(7).map_err(db("read records"))?,
                details: r
                    .get::<_, Option<Vec<u8>>>(8)
                    .map_err(db("read records"))?
                    .and_then(|b| {
                        crate::store::unpack(&b).map(|t| String::from_utf8_lossy(&t).into_owned())
                    }),
                severities: serde_json::from_str(&get_json(9).map_err(db("read records"))?)
                    .unwrap_or_default(),
                cwes: serde_json::from_str(&get_json(10).map_err(db("read records"))?)
                    .unwrap_or_default(),
                facts: serde_json::from_str(&get_json(11).map_err(db("read records"))?)
                    .unwrap_or_default(),
                origin: r.get(12).map_err(db("read records"))?,
                imported: r.get(13).map_err(db("read records"))?,
                sha: r.get(14).map_err(db("read records"))?,
                affected: serde_json::from_str(&get_json(15).map_err(db("read records"))?)
                    .unwrap_or_default(),
            });
        }
    }
    let best = |list: &[String], has: &dyn Fn(&Row) -> bool| -> Option<usize> {
        rows.iter()
            .enumerate()
            .filter(|(_, r)| has(r))
            .min_by_key(|(_, r)| Precedence::rank(list, r.from.source, &r.from.assigner))
            .map(|(i, _)| i)
    };
    let mut disagreements = Vec::new();
    // As in `brief`: among the best-ranked source's records, one that stands decides.
    let status_row = rows
        .iter()
        .enumerate()
        .min_by_key(|(_, r)| {
            (
                Precedence::rank(&p.status, r.from.source, &r.from.assigner),
                r.status != Status::Published,
            )
        })
        .map(|(i, _)| i);
    let status = match status_row {
        Some(i) => Sourced {
            value: StatusValue {
                status: rows[i].status,
            },
            from: rows[i].from.clone(),
        },
        None => Sourced {
            value: StatusValue {
                status: Status::Published,
            },
            from: From {
                source: Source::Osv,
                assigner: String::new(),
                id: canonical.clone(),
            },
        },
    };
    for r in &rows {
        if r.status != status.value.status {
            disagreements.push(format!(
                "status: {} {} says {}, {} {} says {}",
                r.from.source,
                r.from.id,
                r.status.name(),
                status.from.source,
                status.from.id,
                status.value.status.name()
            ));
        }
    }
    let text = |i: Option<usize>, pick: &dyn Fn(&Row) -> Option<String>| {
        i.and_then(|i| {
            pick(&rows[i]).map(|t| Sourced {
                value: Text { text: t },
                from: rows[i].from.clone(),
            })
        })
    };
    let summary = text(best(&p.description, &|r| r.summary.is_some()), &|r| {
        r.summary.clone()
    });
    let details = text(best(&p.description, &|r| r.details.is_some()), &|r| {
        r.details.clone()
    });
    let mut severities: Vec<(usize, Sourced<Severity>)> = Vec::new();
    let mut cwes: Vec<Sourced<Text>> = Vec::new();
    let mut facts = Vec::new();
    for r in &rows {
        let rank = Precedence::rank(&p.severity, r.from.source, &r.from.assigner);
        for s in &r.severities {
            if let (Some(stated), Some(computed)) = (s.stated_score, s.score) {
                if (stated - computed).abs() > 0.05 {
                    disagreements.push(format!(
                        "score: {} {} states {stated} for `{}`, which scores {computed}",
                        r.from.source, r.from.id, s.vector
                    ));
                }
            }
            severities.push((
                rank,
                Sourced {
                    value: s.clone(),
                    from: r.from.clone(),
                },
            ));
        }
        for c in &r.cwes {
            cwes.push(Sourced {
                value: Text { text: c.clone() },
                from: r.from.clone(),
            });
        }
        for f in &r.facts {
            facts.push(Sourced {
                value: f.clone(),
                from: r.from.clone(),
            });
        }
    }
    // CVSS before text ratings, newest CVSS version first, then by precedence.
    severities.sort_by(|(ra, a), (rb, b)| {
        let cvss = |s: &Severity| if s.kind.starts_with("cvss") { 0 } else { 1 };
        cvss(&a.value)
            .cmp(&cvss(&b.value))
            .then(ra.cmp(rb))
            .then(b.value.kind.cmp(&a.value.kind))
    });
    let mut affected = Vec::new();
    {
        let mut st = conn
            .prepare_cached("SELECT form, body FROM range WHERE range_id=?1")
            .map_err(db("read affected ranges"))?;
        for r in &rows {
            let rank = Precedence::rank(&p.affected, r.from.source, &r.from.assigner);
            for (key, ecosystem, n) in &r.affected {
                let range_id = (r.rid << crate::store::RANGE_BITS) | n;
                let (form, body): (String, Vec<u8>) = st
                    .query_row([range_id], |g| Ok((g.get(0)?, g.get(1)?)))
                    .map_err(db("read affected ranges"))?;
                affected.push(AffectedRange {
                    key: key.clone(),
                    ecosystem: ecosystem.clone(),
                    form,
                    range: crate::store::unpack(&body)
                        .and_then(|b| serde_json::from_slice(&b).ok())
                        .unwrap_or(Value::Null),
                    from: r.from.clone(),
                    rank,
                    trusted: false,
                });
            }
        }
    }
    affected.sort_by(|a, b| a.key.cmp(&b.key).then(a.rank.cmp(&b.rank)));
    let mut i = 0;
    while i < affected.len() {
        let best_rank = affected[i].rank;
        let key = affected[i].key.clone();
        while i < affected.len() && affected[i].key == key {
            affected[i].trusted = affected[i].rank == best_rank;
            i += 1;
        }
    }
    let records = rows
        .iter()
        .map(|r| RecordInfo {
            from: r.from.clone(),
            modified: r.modified.clone(),
            published: r.published.clone(),
            status: r.status,
            origin: r.origin.clone(),
            imported: r.imported.clone(),
            sha256: r.sha.iter().map(|b| format!("{b:02x}")).collect(),
        })
        .collect();
    let cve = names.iter().find(|n| n.starts_with("CVE-")).cloned();
    let (kev, epss) = match (&cve, kev, epss) {
        (Some(c), None, None) if *c != name => load_kev_epss(store, c)?,
        (_, k, e) => (k, e),
    };
    Ok(Some(Vulnerability {
        aliases: names.into_iter().filter(|n| *n != canonical).collect(),
        id: canonical,
        status,
        summary,
        details,
        severities: severities.into_iter().map(|(_, s)| s).collect(),
        cwes,
        kev,
        epss,
        facts,
        affected,
        records,
        disagreements,
    }))
}

/// The KEV entry and the EPSS score of a CVE, in one statement.
fn load_kev_epss(
    store: &SqliteStore,
    cve: &str,
) -> Result<(Option<KevEntry>, Option<EpssEntry>), Error> {
    store
        .conn()
        .prepare_cached(
            "SELECT k.cve, k.date_added, k.due_date, k.ransomware, k.vendor, k.product, k.name,
                    k.action, k.catalog, e.cve, e.score, e.percentile, e.date
             FROM (SELECT ?1 AS cve) q LEFT JOIN kev k ON k.cve = q.cve
             LEFT JOIN epss e ON e.cve = q.cve",
        )
        .and_then(|mut st| st.query_row([cve], |r| kev_epss(r, 0)))
        .map_err(|e| Error::db(store.dir(), "read KEV and EPSS", e))
}

/// The KEV entry and EPSS score in the thirteen columns of `r` from `at`: the KEV row's
/// `cve`, `date_added`, `due_date`, `ransomware`, `vendor`, `product`, `name`, `action`,
/// `catalog`, then the EPSS row's `cve`, `score`, `percentile`, `date` (NULL when absent).
fn kev_epss(
    r: &rusqlite::Row<'_>,
    at: usize,
) -> rusqlite::Result<(Option<KevEntry>, Option<EpssEntry>)> {
    let kev = match r.get::<_, Option<String>>(at)? {
        Some(cve) => Some(KevEntry {
            cve,
            date_added: r.get(at + 1)?,
            due_date: r.get(at + 2)?,
            ransomware: r.get(at + 3)?,
            vendor: r.get(at + 4)?,
            product: r.get(at + 5)?,
            name: r.get(at + 6)?,
            action: r.get(at + 7)?,
            catalog: r.get(at + 8)?,
        }),
        None => None,
    };
    let epss = match r.get::<_, Option<String>>(at + 9)? {
        Some(cve) => Some(EpssEntry {
            cve,
            score: r.get(at + 10)?,
            percentile: r.get(at + 11)?,
            date: r.get(at + 12)?,
        }),
        None => None,
    };
    Ok((kev, epss))
}

/// A version as a summary shows it: a 40-digit commit id cut to its first 12 digits.
fn short_commit(v: &str) -> &str {
    if v.len() == 40 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        &v[..12]
    } else {
        v
    }
}

/// An OSV `affected[]` entry's one-line summary (as [`range_summary`] writes it) and the
/// versions its non-`GIT` ranges name as `fixed`, in the record's order, read straight from
/// its text. `None` when the entry is not of the plain shape — an event that is not one
/// string entry, a `type` that is not a string, a version with escapes — which the caller
/// reads as a value instead (a matcher summarises thousands of ranges; a test holds the
/// two readings equal).
pub fn osv_summary_and_fixed(text: &str) -> Option<(String, Vec<String>)> {
    use craft_version::osv::{Object, OneEntry as Event};
    use std::fmt::Write as _;
    #[derive(Deserialize)]
    struct Entry<'a> {
        #[serde(default, borrow)]
        ranges: Option<Vec<Object<Range<'a>>>>,
        #[serde(default)]
        versions: Option<Vec<serde::de::IgnoredAny>>,
    }
    #[derive(Deserialize)]
    struct Range<'a> {
        #[serde(rename = "type", default, borrow)]
        kind: Option<&'a str>,
        #[serde(default, borrow)]
        events: Option<Vec<Event<'a>>>,
    }
    let Object(entry): Object<Entry<'_>> = serde_json::from_str(text).ok()?;
    let mut summary = String::new();
    let mut fixed = Vec::new();
    for Object(r) in entry.ranges.iter().flatten() {
        if !summary.is_empty() {
            summary.push_str("; ");
        }
        let _ = write!(summary, "{}: ", r.kind.unwrap_or_default());
        for (i, Event(k, v)) in r.events.iter().flatten().enumerate() {
            if i > 0 {
                summary.push_str(", ");
            }
            let _ = write!(summary, "{k} {}", short_commit(v));
            if *k == "fixed" && r.kind != Some("GIT") {
                fixed.push((*v).to_string());
            }
        }
    }
    if let Some(n) = entry.versions.map(|v| v.len()) {
        if !summary.is_empty() {
            summary.push_str("; ");
        }
        let _ = write!(summary, "{n} listed versions");
    }
    Some((summary, fixed))
}

/// A one-line reading of a range in its source's form, for people: OSV events, CVE 5
/// version entries (a kernel stable branch's fix as `6.1: fixed in 6.1.83`), NVD criteria
/// with their bounds and platform conditions.
pub fn range_summary(form: &str, range: &Value) -> String {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let short = |v: String| short_commit(&v).to_string();
    let mut parts: Vec<String> = Vec::new();
    match form {
        "osv" => {
            for r in items(range, "ranges") {
                let events: Vec<String> = items(r, "events")
                    .filter_map(|e| {
                        e.as_object()?
                            .iter()
                            .next()
                            .map(|(k, v)| (k.clone(), v.clone()))
                    })
                    .map(|(k, v)| format!("{k} {}", short(v.as_str().unwrap_or("?").to_string())))
                    .collect();
                parts.push(format!(
                    "{}: {}",
                    s(r, "type").unwrap_or_default(),
                    events.join(", ")
                ));
            }
            if let Some(n) = range
                .get("versions")
                .and_then(Value::as_array)
                .map(Vec::len)
            {
                parts.push(format!("{n} listed versions"));
            }
        }
        "cve5" => {
            for v in items(range, "versions") {
                let status = s(v, "status").unwrap_or_default();
                let version = short(s(v, "version").unwrap_or_default());
                let lte = s(v, "lessThanOrEqual");
                let lt = s(v, "lessThan").map(short);
                parts.push(match (status.as_str(), lte.as_deref(), lt) {
                    ("unaffected", Some("*"), None)
                        if s(v, "versionType").as_deref() == Some("original_commit_for_fix") =>
                    {
                        format!("fixed in mainline {version}")
                    }
                    ("unaffected", Some(branch), None) if branch.ends_with(".*") => {
                        format!("{}: fixed in {version}", branch.trim_end_matches(".*"))
                    }
                    (st, Some(l), None) => format!("{st} {version} – {l}"),
                    (st, None, Some(l)) => format!("{st} {version} – <{l}"),
                    (st, _, _) => format!("{st} {version}"),
                });
            }
            if let Some(d) = s(range, "defaultStatus") {
                parts.push(format!("otherwise {d}"));
            }
            if let Some(files) = range.get("programFiles").and_then(Value::as_array) {
                let names: Vec<&str> = files.iter().filter_map(Value::as_str).collect();
                parts.push(format!("files: {}", names.join(", ")));
            }
        }
        "nvd" => {
            for m in cpe_matches(range) {
                let mut t = s(m, "criteria").unwrap_or_default();
                for (k, op) in [
                    ("versionStartIncluding", ">="),
                    ("versionStartExcluding", ">"),
                    ("versionEndIncluding", "<="),
                    ("versionEndExcluding", "<"),
                ] {
                    if let Some(x) = s(m, k) {
                        t.push_str(&format!(" {op}{x}"));
                    }
                }
                if m.get("vulnerable").and_then(Value::as_bool) != Some(true) {
                    t = format!("running on {t}");
                }
                parts.push(t);
            }
        }
        _ => parts.push(range.to_string()),
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::range_summary;
    use serde_json::json;

    #[test]
    fn ranges_read_as_one_line() {
        let kernel = json!({"defaultStatus": "affected", "programFiles": ["net/core/dev.c"], "versions": [
            {"version": "5.7", "status": "affected"},
            {"version": "0", "lessThan": "5.7", "status": "unaffected", "versionType": "semver"},
            {"version": "6.1.83", "lessThanOrEqual": "6.1.*", "status": "unaffected", "versionType": "semver"},
            {"version": "6.9", "lessThanOrEqual": "*", "status": "unaffected", "versionType": "original_commit_for_fix"}]});
        assert_eq!(
            range_summary("cve5", &kernel),
            "affected 5.7; unaffected 0 – <5.7; 6.1: fixed in 6.1.83; fixed in mainline 6.9; otherwise affected; files: net/core/dev.c"
        );
        let osv = json!({"ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]});
        assert_eq!(
            range_summary("osv", &osv),
            "SEMVER: introduced 0, fixed 1.2.3"
        );
        let nvd = json!({"nodes": [{"operator": "AND", "cpeMatch": [
            {"vulnerable": true, "criteria": "cpe:2.3:a:acme:libfoo:*:*:*:*:*:*:*:*", "versionEndExcluding": "1.2.3"},
            {"vulnerable": false, "criteria": "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*"}]}]});
        assert_eq!(
            range_summary("nvd", &nvd),
            "cpe:2.3:a:acme:libfoo:*:*:*:*:*:*:*:* <1.2.3; running on cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*"
        );
    }
}
