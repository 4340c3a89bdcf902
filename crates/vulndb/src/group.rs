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
    fn rank(s: &str) -> (u8, u64, u64) {
        if let Some(rest) = s.strip_prefix("CVE-") {
            if let Some((y, n)) = rest.split_once('-') {
                if let (Ok(y), Ok(n)) = (y.parse(), n.parse()) {
                    return (0, y, n);
                }
            }
        }
        if s.starts_with("GHSA-") {
            return (1, 0, 0);
        }
        (2, 0, 0)
    }
    rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
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

/// Recompute every group and the `vuln` table, and the merge counts of `report`.
pub fn rebuild(tx: &Transaction, dir: &Path, report: &mut ImportReport) -> Result<(), Error> {
    let db = |what: &'static str| move |e| Error::db(dir, what, e);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut uf = UnionFind { parent: Vec::new() };
    // rid → (source, index of the record's own id)
    let mut records: HashMap<i64, (String, usize)> = HashMap::new();
    let mut intern = |name: String, uf: &mut UnionFind| -> usize {
        *index.entry(name.clone()).or_insert_with(|| {
            names.push(name);
            uf.parent.push(uf.parent.len());
            uf.parent.len() - 1
        })
    };
    {
        let mut st = tx
            .prepare("SELECT rid, source, id, aliases FROM record")
            .map_err(db("read aliases"))?;
        let mut rows = st.query([]).map_err(db("read aliases"))?;
        while let Some(row) = rows.next().map_err(db("read aliases"))? {
            let rid: i64 = row.get(0).map_err(db("read aliases"))?;
            let source: String = row.get(1).map_err(db("read aliases"))?;
            let id: String = row.get(2).map_err(db("read aliases"))?;
            let aliases: String = row.get(3).map_err(db("read aliases"))?;
            let own = intern(id, &mut uf);
            records.insert(rid, (source, own));
            for alias in serde_json::from_str::<Vec<String>>(&aliases).unwrap_or_default() {
                let i = intern(alias, &mut uf);
                uf.union(own, i);
            }
        }
    }
    // Canonical id per root, and the records per root.
    let mut canonical: HashMap<usize, usize> = HashMap::new();
    for i in 0..names.len() {
        let r = uf.find(i);
        let best = canonical.entry(r).or_insert(i);
        if canonical_order(&names[i], &names[*best]) == Ordering::Less {
            *best = i;
        }
    }
    // Distinct record ids per group: a group whose records have two ids was merged by an
    // alias (records sharing one id, such as a CVE's CNA and ADP containers, are not).
    let mut ids_per_root: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(_, first) in records.values() {
        let ids = ids_per_root.entry(uf.find(first)).or_default();
        if !ids.contains(&first) {
            ids.push(first);
        }
    }
    let mut cves_per_root: HashMap<usize, u32> = HashMap::new();
    for (i, n) in names.iter().enumerate() {
        if n.starts_with("CVE-") {
            *cves_per_root.entry(uf.find(i)).or_default() += 1;
        }
    }
    let mut merged: HashMap<String, u64> = HashMap::new();
    for (source, first) in records.values() {
        if ids_per_root.get(&uf.find(*first)).map_or(0, Vec::len) > 1 {
            *merged.entry(source.clone()).or_default() += 1;
        }
    }
    for (source, n) in merged {
        if let Some(s) = Source::from_name(&source) {
            // Only sources this import touched are reported; the rest keep their counts
            // out of this report.
            if let Some(stats) = report.sources.get_mut(s.name()) {
                stats.merged = n;
            }
        }
    }
    report.vulnerabilities = canonical.len() as u64;
    report.multi_cve = cves_per_root.values().filter(|&&n| n > 1).count() as u64;
    tx.execute("DELETE FROM vuln", [])
        .map_err(db("rewrite the alias index"))?;
    // In key order: appends to the b-tree instead of random inserts.
    let mut rows: Vec<(&str, &str)> = (0..names.len())
        .map(|i| {
            let root = uf.find(i);
            (names[i].as_str(), names[canonical[&root]].as_str())
        })
        .collect();
    rows.sort_unstable();
    let mut st = tx
        .prepare("INSERT INTO vuln(name, vuln) VALUES (?1, ?2)")
        .map_err(db("rewrite the alias index"))?;
    for (n, c) in rows {
        st.execute(params![n, c])
            .map_err(db("rewrite the alias index"))?;
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
