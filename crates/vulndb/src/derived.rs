//! The lookup tables a matcher reads: one row per lookup key (`keyed`: every range stated
//! under the key, with its record's id, source, assigner, status and vulnerability) and one
//! row per vulnerability (`briefed`: its names and, per record, what a finding shows). Both
//! are derived from `record`, `affected`, `range` and `vuln`, and rebuilt inside the
//! transaction of every import that changes a record, after the groups are, so a reader
//! never sees them disagree with the records (KEV and EPSS are joined when read).
//!
//! Why: a scan looks up every identity of every component and the brief of every
//! vulnerability it finds. Joined from the normalised tables that is a seek into `record`,
//! `range` and `vuln` for every range (about eight b-tree descents per key); from these
//! tables it is one, and a matcher with empty caches scans a 10,000-component SBOM several
//! times faster (docs/BENCHMARKS.md).
//!
//! A row's value is a list of fields, each a little-endian `u32` length and its bytes, or
//! `u32::MAX` for NULL ([`Fields`]). A row that does not read back whole is never trusted
//! in part: a `keyed` row's ranges are all counted damaged, a `briefed` row is an error.

use crate::Error;
use rusqlite::types::ValueRef;
use rusqlite::Transaction;
use std::path::Path;

/// Fields per entry of a `keyed` row: record id, source, assigner, status, vulnerability,
/// ecosystem, form, range (as stored in `range.body`, zstd or plain).
pub(crate) const KEYED_FIELDS: usize = 8;

/// Fields per record of a `briefed` row, after its one header field (the group's
/// `members`): source, assigner, summary, severities, CWEs, status.
pub(crate) const BRIEFED_FIELDS: usize = 6;

const NULL: u32 = u32::MAX;

/// Append one field.
fn put(out: &mut Vec<u8>, field: Option<&[u8]>) {
    match field {
        Some(b) => {
            // Values come from SQLite, whose values are below 2 GiB.
            let n = u32::try_from(b.len()).unwrap_or(NULL - 1);
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&b[..n as usize]);
        }
        None => out.extend_from_slice(&NULL.to_le_bytes()),
    }
}

/// The bytes of a column as a field (text and blobs as stored; NULL as `None`).
fn bytes<'a>(v: ValueRef<'a>) -> Option<&'a [u8]> {
    match v {
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(b),
        ValueRef::Null | ValueRef::Integer(_) | ValueRef::Real(_) => None,
    }
}

/// A field as text (`None` for NULL or bytes that are not UTF-8).
pub(crate) fn utf8(field: Option<&[u8]>) -> Option<&str> {
    field.and_then(|b| std::str::from_utf8(b).ok())
}

/// Reads the fields of a row's value one by one.
pub(crate) struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Fields<'a> {
        Fields { rest: bytes }
    }

    /// Whether every field was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next field: `None` when the value ends or is cut short, `Some(None)` for NULL.
    pub(crate) fn next_field(&mut self) -> Option<Option<&'a [u8]>> {
        let (len, rest) = self.rest.split_first_chunk::<4>()?;
        let n = u32::from_le_bytes(*len);
        if n == NULL {
            self.rest = rest;
            return Some(None);
        }
        let n = usize::try_from(n).ok()?;
        if n > rest.len() {
            return None;
        }
        let (field, rest) = rest.split_at(n);
        self.rest = rest;
        Some(Some(field))
    }

    /// The next `N` fields, or `None` when the value is cut short.
    pub(crate) fn entry<const N: usize>(&mut self) -> Option<[Option<&'a [u8]>; N]> {
        let mut out = [None; N];
        for slot in &mut out {
            *slot = self.next_field()?;
        }
        Some(out)
    }
}

/// Rebuild `keyed` and `briefed` from the records, inside the import's transaction.
pub(crate) fn rebuild(tx: &Transaction, dir: &Path) -> Result<(), Error> {
    let db = |what: &'static str| move |e| Error::db(dir, what, e);
    tx.execute_batch("DELETE FROM keyed; DELETE FROM briefed;")
        .map_err(db("clear the lookup tables"))?;
    // One pass in key order (the primary key of `affected`): no sort.
    group_into(
        tx,
        "SELECT a.key, r.id, r.source, r.assigner, r.status, coalesce(v.vuln, r.id), a.ecosystem,
                g.form, g.body
         FROM affected a JOIN record r ON r.rid = a.rid JOIN range g ON g.range_id = a.range_id
         LEFT JOIN vuln v ON v.name = r.id
         WHERE typeof(a.key) = 'text'
         ORDER BY a.key, a.rid, a.range_id",
        "INSERT INTO keyed(key, ranges) VALUES (?1, ?2)",
        0,
        dir,
    )?;
    // The records of each vulnerability in the order its brief weighs them.
    group_into(
        tx,
        "SELECT coalesce(v.vuln, r.id) AS canon, c.members, r.source, r.assigner, r.summary,
                r.severities, r.cwes, r.status
         FROM record r LEFT JOIN vuln v ON v.name = r.id
         LEFT JOIN vuln c ON c.name = coalesce(v.vuln, r.id)
         ORDER BY canon, r.source, r.assigner, r.id",
        "INSERT INTO briefed(vuln, body) VALUES (?1, ?2)",
        1,
        dir,
    )
}

/// Group the rows of `select` by their first column and write one row per group: the
/// `header` columns after the first once, then the rest of every row.
fn group_into(
    tx: &Transaction,
    select: &str,
    insert: &str,
    header: usize,
    dir: &Path,
) -> Result<(), Error> {
    let db = |e| Error::db(dir, "build the lookup tables", e);
    let mut read = tx.prepare(select).map_err(db)?;
    let columns = read.column_count();
    let mut write = tx.prepare(insert).map_err(db)?;
    let mut rows = read.query([]).map_err(db)?;
    let mut current: Option<String> = None;
    let mut value = Vec::new();
    while let Some(row) = rows.next().map_err(db)? {
        // A key that is not text (a damaged row: no lookup by text finds it) is left out.
        let Some(key) = utf8(bytes(row.get_ref(0).map_err(db)?)) else {
            continue;
        };
        if current.as_deref() != Some(key) {
            if let Some(done) = current.take() {
                write.execute((done, &value)).map_err(db)?;
            }
            value.clear();
            current = Some(key.to_string());
            for i in 1..=header {
                put(&mut value, bytes(row.get_ref(i).map_err(db)?));
            }
        }
        for i in 1 + header..columns {
            put(&mut value, bytes(row.get_ref(i).map_err(db)?));
        }
    }
    if let Some(done) = current {
        write.execute((done, &value)).map_err(db)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_back_and_a_cut_value_is_refused() {
        let mut v = Vec::new();
        put(&mut v, Some(b"CVE-2024-1"));
        put(&mut v, None);
        put(&mut v, Some(b""));
        let mut f = Fields::new(&v);
        assert_eq!(
            f.entry::<3>(),
            Some([Some(&b"CVE-2024-1"[..]), None, Some(&b""[..])])
        );
        assert!(f.is_empty());
        for cut in 0..v.len() {
            let mut f = Fields::new(&v[..cut]);
            assert!(f.entry::<3>().is_none(), "cut at {cut} read as whole");
        }
        // A length beyond the value.
        let mut f = Fields::new(&[9, 0, 0, 0, b'x']);
        assert_eq!(f.next_field(), None);
    }
}
