//! Yocto `create-spdx` output (SPDX 2.2): a deploy directory, or a `.spdx.tar` /
//! `.spdx.tar.zst` archive of per-recipe, per-package and per-runtime documents.
//!
//! Each document is read with the SPDX 2 interpreter; the documents are then joined into one
//! model. Element ids are qualified by the document name (`busybox:SPDXRef-Package-busybox`),
//! since every document reuses ids such as `SPDXRef-DOCUMENT`; cross-document references
//! (`DocumentRef-recipe-busybox:SPDXRef-Recipe-busybox`) are resolved through each
//! document's `externalDocumentRefs` to the document that has that namespace. The subjects
//! are what the top documents (those no other document references, i.e. the image) describe.
//!
//! Untrusted archives: the number of entries is bounded by [`ReadOptions::max_entries`] and
//! the unpacked size (per entry and in total) by [`ReadOptions::max_size`], so a zstd or tar
//! bomb fails with a clear error instead of exhausting memory. Only regular files are read:
//! links, devices and paths are never followed or created.

use crate::dom::Value;
use crate::read::{from_dom, parse_json, read_limited, utf8};
use crate::{Diagnostic, JsonDocument, Loaded, Location, ReadError, ReadOptions, Severity};
use craft_model::{Relationship, Sbom};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One raw document: its name inside the archive/directory and its bytes.
struct Entry {
    name: String,
    bytes: Vec<u8>,
}

/// Read a directory of SPDX JSON documents (recursively; symlinks are not followed).
pub fn read_dir(path: &Path, opts: &ReadOptions) -> Result<Loaded, ReadError> {
    let io = |p: &Path, source| ReadError::Io {
        path: p.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    let mut total = 0u64;
    let mut stack = vec![path.to_path_buf()];
    let mut files: Vec<PathBuf> = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in fs_err::read_dir(&dir).map_err(|e| io(&dir, e))? {
            let e = e.map_err(|e| io(&dir, e))?;
            let ft = e.file_type().map_err(|err| io(&e.path(), err))?;
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_file() && is_json_name(&e.file_name().to_string_lossy()) {
                files.push(e.path());
                if files.len() > opts.max_entries {
                    return Err(ReadError::Archive {
                        path: path.to_path_buf(),
                        entry: None,
                        message: format!("more than {} documents", opts.max_entries),
                    });
                }
            }
        }
    }
    files.sort();
    for f in files {
        let remaining = opts.max_size.saturating_sub(total);
        let file = fs_err::File::open(&f).map_err(|e| io(&f, e))?;
        let bytes = read_limited(&f, file, remaining).map_err(|e| match e {
            ReadError::TooLarge { .. } => too_large(path, opts),
            other => other,
        })?;
        total += bytes.len() as u64;
        let name = f
            .strip_prefix(path)
            .unwrap_or(&f)
            .to_string_lossy()
            .into_owned();
        entries.push(Entry { name, bytes });
    }
    join(path, entries, opts)
}

fn is_json_name(n: &str) -> bool {
    n.ends_with(".json")
}

fn too_large(path: &Path, opts: &ReadOptions) -> ReadError {
    ReadError::Archive {
        path: path.to_path_buf(),
        entry: None,
        message: format!(
            "unpacks to more than {} bytes (a decompression bomb, or raise --max-size)",
            opts.max_size
        ),
    }
}

/// Read a `.tar` or `.tar.zst` archive of SPDX JSON documents.
pub fn read_archive(path: &Path, bytes: &[u8], opts: &ReadOptions) -> Result<Loaded, ReadError> {
    let archive_err = |entry: Option<String>, message: String| ReadError::Archive {
        path: path.to_path_buf(),
        entry,
        message,
    };
    // Stream: zstd → byte budget → tar. Nothing larger than the budget is ever held.
    let source: Box<dyn Read + '_> = if crate::detect(bytes) == crate::Detected::Zstd {
        Box::new(
            zstd::stream::read::Decoder::new(bytes)
                .map_err(|e| archive_err(None, format!("invalid zstd data: {e}")))?,
        )
    } else {
        Box::new(bytes)
    };
    let budget = Budget {
        inner: source,
        left: opts.max_size,
    };
    let mut ar = tar::Archive::new(budget);
    let mut entries = Vec::new();
    let mut count = 0usize;
    let iter = ar
        .entries()
        .map_err(|e| archive_err(None, format!("invalid tar archive: {e}")))?;
    let bomb = |e: &std::io::Error| e.kind() == std::io::ErrorKind::FileTooLarge;
    for e in iter {
        let mut e = e.map_err(|e| {
            if bomb(&e) {
                too_large(path, opts)
            } else {
                archive_err(None, format!("invalid tar or zstd data: {e}"))
            }
        })?;
        count += 1;
        if count > opts.max_entries {
            return Err(archive_err(
                None,
                format!("more than {} entries", opts.max_entries),
            ));
        }
        if !e.header().entry_type().is_file() {
            continue;
        }
        let name = e
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| format!("entry #{count}"));
        if !is_json_name(&name) {
            continue;
        }
        let mut buf = Vec::new();
        e.read_to_end(&mut buf).map_err(|err| {
            if bomb(&err) {
                too_large(path, opts)
            } else {
                archive_err(Some(name.clone()), format!("cannot read: {err}"))
            }
        })?;
        entries.push(Entry { name, bytes: buf });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    join(path, entries, opts)
}

/// A reader that fails with `FileTooLarge` once more than `left` bytes have been read.
struct Budget<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Budget<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "unpacked size over the limit",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// One parsed member document.
struct Member {
    entry: String,
    name: String,
    namespace: Option<String>,
    /// `DocumentRef-x` → namespace.
    refs: HashMap<String, String>,
    sbom: Sbom,
    document: JsonDocument,
    diags: Vec<Diagnostic>,
}

/// What one archive entry reads as: a member document, a problem to report, or nothing
/// (Yocto's `index.json`, a document without a model).
enum Read1 {
    Member(Box<Member>),
    Problem(Diagnostic),
    Nothing,
}

/// Read one entry of the archive or directory.
fn read_entry(path: &Path, e: Entry, opts: &ReadOptions) -> Read1 {
    let doc_path = path.join(&e.name);
    let bump = bumpalo::Bump::new();
    let parsed = utf8(&doc_path, &e.bytes)
        .and_then(|t| parse_json(&doc_path, t, &bump))
        .map(|v| (v.get("spdxVersion").is_some(), v));
    let value = match parsed {
        Ok((true, v)) => v,
        // Yocto writes an `index.json` beside the documents; anything else that is not
        // SPDX is reported and skipped.
        Ok((false, _)) => {
            if e.name.ends_with("index.json") {
                return Read1::Nothing;
            }
            return Read1::Problem(entry_diag(&e.name, "not an SPDX 2 document; skipped"));
        }
        Err(err) => return Read1::Problem(entry_diag(&e.name, &format!("{err}; skipped"))),
    };
    let loaded = match from_dom(
        &doc_path,
        &value,
        Some(e.name.clone()),
        opts.validate_schema,
    ) {
        Ok(l) => l,
        Err(err) => return Read1::Problem(entry_diag(&e.name, &format!("{err}; skipped"))),
    };
    let Some(document) = loaded.documents.into_iter().next() else {
        return Read1::Nothing;
    };
    let refs = value
        .get("externalDocumentRefs")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| {
                    Some((
                        r.get("externalDocumentId")?.as_str()?.to_string(),
                        r.get("spdxDocument")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    Read1::Member(Box::new(Member {
        name: loaded
            .sbom
            .document
            .name
            .clone()
            .unwrap_or_else(|| e.name.trim_end_matches(".spdx.json").to_string()),
        namespace: loaded.sbom.document.namespace.clone(),
        refs,
        sbom: loaded.sbom,
        document,
        diags: loaded.diagnostics,
        entry: e.name,
    }))
}

/// Read every entry, on two threads when there are many (a Yocto image has thousands of
/// small documents): the first half on a second thread, the second here; the results in
/// the entries' order either way.
fn read_entries(path: &Path, mut entries: Vec<Entry>, opts: &ReadOptions) -> Vec<Read1> {
    const SPLIT_ABOVE: usize = 64;
    let two = entries.len() > SPLIT_ABOVE
        && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    if !two {
        return entries
            .into_iter()
            .map(|e| read_entry(path, e, opts))
            .collect();
    }
    let second = entries.split_off(entries.len() / 2);
    std::thread::scope(|s| {
        let first = s.spawn(move || {
            entries
                .into_iter()
                .map(|e| read_entry(path, e, opts))
                .collect::<Vec<_>>()
        });
        let rest: Vec<Read1> = second
            .into_iter()
            .map(|e| read_entry(path, e, opts))
            .collect();
        // A panic in the reader is a bug; it surfaces here as it would on one thread.
        let mut out = first
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        out.extend(rest);
        out
    })
}

fn join(path: &Path, entries: Vec<Entry>, opts: &ReadOptions) -> Result<Loaded, ReadError> {
    let mut members = Vec::new();
    let mut diagnostics = Vec::new();
    for r in read_entries(path, entries, opts) {
        match r {
            Read1::Member(m) => members.push(*m),
            Read1::Problem(d) => diagnostics.push(d),
            Read1::Nothing => {}
        }
    }
    if members.is_empty() {
        return Err(ReadError::Archive {
            path: path.to_path_buf(),
            entry: None,
            message: "contains no SPDX 2 JSON document".into(),
        });
    }
    // Document names must be unique to qualify ids; disambiguate by entry name if not.
    let mut seen = HashSet::new();
    for m in &mut members {
        if !seen.insert(m.name.clone()) {
            m.name = m.entry.clone();
            seen.insert(m.name.clone());
        }
    }
    let by_ns: HashMap<String, usize> = members
        .iter()
        .enumerate()
        .filter_map(|(i, m)| Some((m.namespace.clone()?, i)))
        .collect();
    let referenced: HashSet<usize> = members
        .iter()
        .flat_map(|m| m.refs.values())
        .filter_map(|ns| by_ns.get(ns.as_str()).copied())
        .collect();

    let mut out = Sbom::default();
    let mut unresolved = BTreeSet::new();
    // An id of member `m`, qualified by its document's name (or the referenced one's).
    let qualify = |members: &[Member], m: usize, id: &str, unresolved: &mut BTreeSet<String>| {
        let m = &members[m];
        if let Some((docref, local)) = id.split_once(':') {
            if docref.starts_with("DocumentRef-") {
                if let Some(target) = m.refs.get(docref).and_then(|ns| by_ns.get(ns.as_str())) {
                    return format!("{}:{local}", members[*target].name);
                }
                unresolved.insert(docref.to_string());
                return id.to_string();
            }
        }
        format!("{}:{id}", m.name)
    };
    let mut documents = Vec::new();
    let tops: Vec<usize> = (0..members.len())
        .filter(|i| !referenced.contains(i))
        .collect();
    // The image document is the one no other document references; prefer rootfs/image ones.
    let image: Vec<usize> = {
        let named: Vec<usize> = tops
            .iter()
            .copied()
            .filter(|i| {
                let n = &members[*i].name;
                n.contains("rootfs") || n.contains("image")
            })
            .collect();
        if named.is_empty() {
            tops
        } else {
            named
        }
    };
    // Some Yocto releases write the image document without `DESCRIBES`: its packages that
    // nothing in it contains are then its subjects (found before the members' components
    // move into the whole).
    let inferred: HashMap<usize, Vec<String>> = image
        .iter()
        .filter(|i| members[**i].sbom.document.subjects.is_empty())
        .map(|&i| {
            let m = &members[i];
            let contained: HashSet<&str> = m
                .sbom
                .relationships
                .iter()
                .filter(|r| r.kind == craft_model::RelationshipKind::Contains)
                .map(|r| r.to.as_str())
                .collect();
            let subjects = m
                .sbom
                .components
                .iter()
                .filter(|c| c.kind != craft_model::ComponentKind::File)
                .filter(|c| !contained.contains(c.id.as_str()))
                .map(|c| c.id.clone())
                .collect();
            (i, subjects)
        })
        .collect();
    // Each member's components, relationships and diagnostics move into the whole.
    for i in 0..members.len() {
        let m = &mut members[i];
        let components = std::mem::take(&mut m.sbom.components);
        let relationships = std::mem::take(&mut m.sbom.relationships);
        let stated = std::mem::take(&mut m.sbom.dependencies_stated);
        let diags = std::mem::take(&mut m.diags);
        for mut c in components {
            c.id = qualify(&members, i, &c.id, &mut unresolved);
            out.components.push(c);
        }
        for r in relationships {
            out.relationships.push(Relationship {
                from: qualify(&members, i, &r.from, &mut unresolved),
                kind: r.kind,
                to: qualify(&members, i, &r.to, &mut unresolved),
            });
        }
        for s in &stated {
            out.dependencies_stated
                .insert(qualify(&members, i, s, &mut unresolved));
        }
        for mut d in diags {
            d.location.entry = Some(members[i].entry.clone());
            diagnostics.push(d);
        }
    }
    let mut doc = craft_model::DocumentInfo::default();
    // Subjects already taken (a set: a `contains` per subject was quadratic in their number).
    let mut taken = HashSet::new();
    for i in &image {
        let m = &members[*i];
        let mut subjects = m.sbom.document.subjects.clone();
        if subjects.is_empty() {
            subjects = inferred.get(i).cloned().unwrap_or_default();
            if !subjects.is_empty() {
                diagnostics.push(Diagnostic::new(
                    "read-inferred-subject",
                    Severity::Info,
                    format!(
                        "the image document has no DESCRIBES relationship; its top-level \
                         package(s) {} are taken as the subject",
                        subjects.join(", ")
                    ),
                    Location {
                        entry: Some(m.entry.clone()),
                        ..Location::default()
                    },
                ));
            }
        }
        for s in &subjects {
            let q = qualify(&members, *i, s, &mut unresolved);
            if taken.insert(q.clone()) {
                doc.subjects.push(q);
            }
        }
    }
    if let Some(first) = image.first().map(|i| &members[*i]) {
        let d = &first.sbom.document;
        doc.format = d.format.clone();
        doc.name = d.name.clone();
        doc.namespace = d.namespace.clone();
        doc.created = d.created.clone();
        doc.authors = d.authors.clone();
        doc.tools = d.tools.clone();
        doc.data_license = d.data_license.clone();
    }
    if !unresolved.is_empty() {
        let list: Vec<&str> = unresolved.iter().take(5).map(String::as_str).collect();
        diagnostics.push(Diagnostic::new(
            "read-dangling-ref",
            Severity::Warning,
            format!(
                "{} external document reference(s) name no document of the set, e.g. {}",
                unresolved.len(),
                list.join(", ")
            ),
            Location::default(),
        ));
    }
    let known: HashSet<&str> = out.components.iter().map(|c| c.id.as_str()).collect();
    let before = out.relationships.len();
    out.relationships
        .retain(|r| known.contains(r.from.as_str()) && known.contains(r.to.as_str()));
    let dropped = before - out.relationships.len();
    if dropped > 0 {
        diagnostics.push(Diagnostic::new(
            "read-dangling-ref",
            Severity::Info,
            format!("{dropped} relationship(s) to elements outside the set were not kept"),
            Location::default(),
        ));
    }
    crate::spdx2::dedup_edges(&mut out.relationships);
    out.document = doc;
    for m in members {
        documents.push(m.document);
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        sbom: out,
        diagnostics,
        documents,
    })
}

fn entry_diag(entry: &str, message: &str) -> Diagnostic {
    Diagnostic::new(
        "read-skipped",
        Severity::Warning,
        message,
        Location {
            entry: Some(entry.to_string()),
            ..Location::default()
        },
    )
}
