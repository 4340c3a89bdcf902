//! Alias merging: the records that name each other (a GHSA listing its CVE, a GO id
//! listing both) form one vulnerability, whose canonical id is its CVE when it has one.
//!
//! Groups are the connected components of the graph "record id — each alias it lists",
//! computed with a union-find over every record after each import (so that a record
//! imported later can join groups formed earlier) and written to the `vuln` table, name →
//! canonical id. OSV's `related` and `upstream` are not aliases and do not merge.

use crate::record::Source;
use crate::report::ImportReport;
use crate::Error;
use rusqlite::{params, Transaction};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;

/// Order of preference for a group's canonical id: CVE ids first (by year, then number),
/// then GHSA, then any other id, each by text.
pub fn canonical_order(a: &str, b: &str) -> Ordering {
    canonical_key(a).cmp(&canonical_key(b))
}

/// The sort key of [`canonical_order`].
pub fn canonical_key(s: &str) -> (u8, u64, u64, &str) {
    if let Some(rest) = s.strip_prefix("CVE-") {
        if let Some((y, n)) = rest.split_once('-') {
            if let (Ok(y), Ok(n)) = (y.parse(), n.parse()) {
                return (0, y, n, s);
            }
        }
    }
    if s.starts_with("GHSA-") {
        return (1, 0, 0, s);
    }
    (2, 0, 0, s)
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// One row of the `vuln` table: a name, its group's canonical id, and on the canonical
/// id's own row the group's other names (JSON, in canonical order).
#[derive(PartialEq, Eq)]
struct VulnRow {
    name: String,
    vuln: String,
    members: Option<String>,
}

/// Recompute every group and the merge counts of `report`, and bring the `vuln` table to
/// it by writing only the rows that changed (an import that changes no alias writes none).
pub fn rebuild(tx: &Transaction, dir: &Path, report: &mut ImportReport) -> Result<(), Error> {
    let db = |what: &'static str| move |e| Error::db(dir, what, e);
    let count: usize = tx
        .query_row("SELECT count(*) FROM record", [], |r| r.get(0))
        .map_err(db("read aliases"))?;
    let mut index: HashMap<String, usize> = HashMap::with_capacity(count * 2);
    let mut names: Vec<String> = Vec::with_capacity(count * 2);
    let mut uf = UnionFind {
        parent: Vec::with_capacity(count * 2),
    };
    // Per record: its source and the index of its own id.
    let mut records: Vec<(Option<Source>, usize)> = Vec::with_capacity(count);
    let mut intern = |name: &str, uf: &mut UnionFind| -> usize {
        if let Some(&i) = index.get(name) {
            return i;
        }
        let i = names.len();
        names.push(name.to_string());
        index.insert(name.to_string(), i);
        uf.parent.push(i);
        i
    };
    {
        let mut st = tx
            .prepare("SELECT source, id, aliases FROM record")
            .map_err(db("read aliases"))?;
        let mut rows = st.query([]).map_err(db("read aliases"))?;
        while let Some(row) = rows.next().map_err(db("read aliases"))? {
            let source = row.get_ref(0).map_err(db("read aliases"))?;
            let source = Source::from_name(source.as_str().map_err(db_type(dir))?);
            let id = row.get_ref(1).map_err(db("read aliases"))?;
            let own = intern(id.as_str().map_err(db_type(dir))?, &mut uf);
            records.push((source, own));
            let aliases = row.get_ref(2).map_err(db("read aliases"))?;
            let aliases: Vec<std::borrow::Cow<'_, str>> =
                serde_json::from_str::<Aliases<'_>>(aliases.as_str().map_err(db_type(dir))?)
                    .map(|a| a.0)
                    .unwrap_or_default();
            for alias in aliases {
                let i = intern(&alias, &mut uf);
                uf.union(own, i);
            }
        }
    }
    let roots: Vec<usize> = (0..names.len()).map(|i| uf.find(i)).collect();
    // Canonical id per root.
    let mut canonical: HashMap<usize, usize> = HashMap::with_capacity(names.len());
    for (i, &r) in roots.iter().enumerate() {
        let best = canonical.entry(r).or_insert(i);
        if canonical_order(&names[i], &names[*best]) == Ordering::Less {
            *best = i;
        }
    }
    // Distinct record ids per group: a group whose records have two ids was merged by an
    // alias (records sharing one id, such as a CVE's CNA and ADP containers, are not).
    let mut ids_per_root: HashMap<usize, Vec<usize>> = HashMap::with_capacity(records.len());
    for &(_, first) in &records {
        let ids = ids_per_root.entry(roots[first]).or_default();
        if !ids.contains(&first) {
            ids.push(first);
        }
    }
    let mut cves_per_root: HashMap<usize, u32> = HashMap::new();
    for (i, n) in names.iter().enumerate() {
        if n.starts_with("CVE-") {
            *cves_per_root.entry(roots[i]).or_default() += 1;
        }
    }
    let mut merged: HashMap<Source, u64> = HashMap::new();
    for (source, first) in &records {
        if let Some(source) = source {
            if ids_per_root.get(&roots[*first]).map_or(0, Vec::len) > 1 {
                *merged.entry(*source).or_default() += 1;
            }
        }
    }
    for (source, n) in merged {
        // Only sources this import touched are reported; the rest keep their counts out of
        // this report.
        if let Some(stats) = report.sources.get_mut(source.name()) {
            stats.merged = n;
        }
    }
    report.vulnerabilities = canonical.len() as u64;
    report.multi_cve = cves_per_root.values().filter(|&&n| n > 1).count() as u64;

    // The table as it should be, in name order (SQLite's BINARY order is byte order).
    let mut members: HashMap<usize, Vec<&str>> = HashMap::new();
    for (i, &r) in roots.iter().enumerate() {
        if canonical[&r] != i {
            members.entry(r).or_default().push(&names[i]);
        }
    }
    let mut wanted: Vec<VulnRow> = (0..names.len())
        .map(|i| {
            let c = canonical[&roots[i]];
            VulnRow {
                name: names[i].clone(),
                vuln: names[c].clone(),
                members: (c == i).then(|| {
                    let mut m = members.remove(&roots[i]).unwrap_or_default();
                    m.sort_by(|a, b| canonical_order(a, b));
                    serde_json::to_string(&m).unwrap_or_else(|_| "[]".to_string())
                }),
            }
        })
        .collect();
    wanted.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    write_diff(tx, dir, wanted)
}

/// A record's alias list, borrowed where it has no escapes.
#[derive(serde::Deserialize)]
struct Aliases<'a>(#[serde(borrow)] Vec<std::borrow::Cow<'a, str>>);

fn db_type(dir: &Path) -> impl Fn(rusqlite::types::FromSqlError) -> Error + '_ {
    move |e| {
        Error::db(
            dir,
            "read aliases",
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into()),
        )
    }
}

/// Merge the wanted rows (sorted by name) with the table's: insert, update or delete only
/// where they differ.
fn write_diff(tx: &Transaction, dir: &Path, wanted: Vec<VulnRow>) -> Result<(), Error> {
    let db = |what: &'static str| move |e| Error::db(dir, what, e);
    let mut have: Vec<VulnRow> = Vec::new();
    {
        let mut st = tx
            .prepare("SELECT name, vuln, members FROM vuln ORDER BY name")
            .map_err(db("read the alias index"))?;
        let mut rows = st.query([]).map_err(db("read the alias index"))?;
        while let Some(r) = rows.next().map_err(db("read the alias index"))? {
            have.push(VulnRow {
                name: r.get(0).map_err(db("read the alias index"))?,
                vuln: r.get(1).map_err(db("read the alias index"))?,
                members: r.get(2).map_err(db("read the alias index"))?,
            });
        }
    }
    let mut insert = tx
        .prepare("INSERT INTO vuln(name, vuln, members) VALUES (?1, ?2, ?3)")
        .map_err(db("write the alias index"))?;
    let mut update = tx
        .prepare("UPDATE vuln SET vuln=?2, members=?3 WHERE name=?1")
        .map_err(db("write the alias index"))?;
    let mut delete = tx
        .prepare("DELETE FROM vuln WHERE name=?1")
        .map_err(db("write the alias index"))?;
    let (mut w, mut h) = (wanted.into_iter().peekable(), have.into_iter().peekable());
    loop {
        let order = match (w.peek(), h.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(a), Some(b)) => a.name.cmp(&b.name),
        };
        match order {
            Ordering::Less => {
                let Some(a) = w.next() else { break };
                insert
                    .execute(params![a.name, a.vuln, a.members])
                    .map_err(db("write the alias index"))?;
            }
            Ordering::Greater => {
                let Some(b) = h.next() else { break };
                delete
                    .execute(params![b.name])
                    .map_err(db("write the alias index"))?;
            }
            Ordering::Equal => {
                let (Some(a), Some(b)) = (w.next(), h.next()) else {
                    break;
                };
                if a != b {
                    update
                        .execute(params![a.name, a.vuln, a.members])
                        .map_err(db("write the alias index"))?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cves_are_preferred_and_ordered_numerically() {
        let mut ids = vec![
            "GHSA-aaaa",
            "CVE-2021-10000",
            "GO-2022-0001",
            "CVE-2021-9999",
        ];
        ids.sort_by(|a, b| canonical_order(a, b));
        assert_eq!(
            ids,
            [
                "CVE-2021-9999",
                "CVE-2021-10000",
                "GHSA-aaaa",
                "GO-2022-0001"
            ]
        );
    }
}
