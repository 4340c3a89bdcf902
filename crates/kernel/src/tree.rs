//! The kernel tree: its file list (walked once, or read from a list of paths when the
//! sources are not at hand) and its Makefiles.

use crate::Error;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The files of a kernel source tree, relative to its root, and where to read them.
#[derive(Debug)]
pub struct Tree {
    root: PathBuf,
    files: BTreeSet<String>,
    /// The files' texts, for a tree held in memory ([`Tree::in_memory`]).
    texts: Option<std::collections::BTreeMap<String, String>>,
    /// Paths by file name, built on first use.
    by_name: std::cell::OnceCell<std::collections::HashMap<String, Vec<String>>>,
}

impl Tree {
    /// The tree at `root`: its files are those of `file_list` (one path per line, relative
    /// to the root) when given, else those found by walking the directory.
    pub fn open(root: &Path, file_list: Option<&Path>) -> Result<Tree, Error> {
        let files = match file_list {
            Some(list) => {
                let text = fs_err::read_to_string(list).map_err(|e| Error::io(list, e))?;
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .filter_map(crate::make::normalize)
                    .collect()
            }
            None => {
                let mut files = BTreeSet::new();
                walk(root, "", &mut files)?;
                files
            }
        };
        if !root.join("Makefile").is_file() {
            return Err(Error::NotATree {
                path: root.to_path_buf(),
            });
        }
        Ok(Tree {
            root: root.to_path_buf(),
            files,
            texts: None,
            by_name: std::cell::OnceCell::new(),
        })
    }

    /// A tree of the given files whose Makefiles are read from `root`.
    pub fn from_list(files: impl IntoIterator<Item = String>, root: PathBuf) -> Tree {
        Tree {
            root,
            files: files
                .into_iter()
                .filter_map(|f| crate::make::normalize(&f))
                .collect(),
            texts: None,
            by_name: std::cell::OnceCell::new(),
        }
    }

    /// A tree held in memory: (path, text) pairs (for tests and fuzzing).
    pub fn in_memory(files: impl IntoIterator<Item = (String, String)>) -> Tree {
        let texts: std::collections::BTreeMap<String, String> = files
            .into_iter()
            .filter_map(|(p, t)| Some((crate::make::normalize(&p)?, t)))
            .collect();
        Tree {
            root: PathBuf::from("<memory>"),
            files: texts.keys().cloned().collect(),
            texts: Some(texts),
            by_name: std::cell::OnceCell::new(),
        }
    }

    /// Where this tree has a file another version has at `path` (a moved or renamed
    /// directory within its subsystem). Among the files with the same file name under the
    /// same top-level directory (outside `tools/`, `scripts/` and `Documentation/`), the
    /// first rule that leaves exactly one decides:
    ///
    /// 1. the same directory name and first two directories (`drivers/media/usb/foo/x.c`
    ///    for a record's `drivers/media/common/foo/x.c`);
    /// 2. the same last three path components (`drivers/misc/habanalabs/common/device.c`
    ///    for `drivers/accel/habanalabs/common/device.c`);
    /// 3. the only file of that name under the top-level directory, with the same directory
    ///    name (not one as common as `core/`: `drivers/soc/imx/imx8mp-blk-ctrl.c` for
    ///    `drivers/pmdomain/imx/imx8mp-blk-ctrl.c`), or with the same first two directories
    ///    and a name that starts with the record's directory name
    ///    (`drivers/usb/host/fotg210-hcd.c` for `drivers/usb/fotg210/fotg210-hcd.c`).
    ///
    /// `None` otherwise: `drivers/bus/mhi/core/main.c` is not `…/mlx5/core/main.c`.
    pub fn moved(&self, path: &str) -> Option<&str> {
        let index = self.by_name.get_or_init(|| {
            let mut m: std::collections::HashMap<String, Vec<String>> = Default::default();
            for f in &self.files {
                let name = f.rsplit('/').next().unwrap_or(f);
                m.entry(name.to_string()).or_default().push(f.clone());
            }
            m
        });
        let name = path.rsplit('/').next()?;
        let top = path.split_once('/')?.0;
        let head = |p: &str| p.splitn(3, '/').take(2).collect::<Vec<_>>().join("/");
        // How many trailing path components agree (the file name at least).
        let tail = |p: &str| {
            p.rsplit('/')
                .zip(path.rsplit('/'))
                .take_while(|(a, b)| a == b)
                .count()
        };
        let candidates: Vec<(&str, usize, bool)> = index
            .get(name)?
            .iter()
            .filter(|c| c.split_once('/').is_some_and(|(t, _)| t == top))
            .filter(|c| {
                !["tools/", "scripts/", "Documentation/"]
                    .iter()
                    .any(|p| c.starts_with(p))
            })
            .map(|c| (c.as_str(), tail(c), head(c) == head(path)))
            .collect();
        let only = |keep: &dyn Fn(usize, bool) -> bool| -> Option<&str> {
            let mut hits = candidates.iter().filter(|(_, k, h)| keep(*k, *h));
            match (hits.next(), hits.next()) {
                (Some((c, _, _)), None) => Some(c),
                _ => None,
            }
        };
        // Directory names too common to tie a file to a driver (`mlx5/core/main.c` is not
        // `mhi/core/main.c`).
        const GENERIC_DIRS: &[&str] = &[
            "core", "common", "host", "lib", "src", "base", "main", "util", "utils", "dev",
            "device", "hw", "misc", "include",
        ];
        let parent = path.rsplit('/').nth(1)?;
        only(&|k, h| k >= 2 && h)
            .or_else(|| only(&|k, _| k >= 3))
            .or_else(|| match candidates.as_slice() {
                [(c, k, _)] if *k >= 2 && !GENERIC_DIRS.contains(&parent) => Some(c),
                // `drivers/usb/fotg210/fotg210-hcd.c` is `drivers/usb/host/fotg210-hcd.c`,
                // but mlx5's `…/steering/hws/send.c` is not WireGuard's
                // `drivers/net/wireguard/send.c`.
                [(c, _, true)] if name.starts_with(parent) => Some(c),
                _ => None,
            })
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the tree has the file `path` (relative, normalised).
    pub fn exists(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// Whether the tree has a file under directory `dir` (relative, no trailing slash).
    pub fn has_dir(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|f| f.starts_with(&prefix))
    }

    /// The text of the file `path` (relative to the root).
    pub fn read(&self, path: &str) -> std::io::Result<String> {
        match &self.texts {
            Some(t) => t
                .get(path)
                .cloned()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound)),
            None => std::fs::read_to_string(self.root.join(path)),
        }
    }

    /// make's `$(wildcard)`: the files matching a glob (`*`, `?`, `[…]`), sorted, written
    /// with the pattern's own leading `./` when it had one.
    pub fn glob(&self, pattern: &str) -> Vec<String> {
        let mut lead = String::new();
        let mut p = pattern;
        while let Some(rest) = p.strip_prefix("./") {
            lead.push_str("./");
            p = rest;
        }
        let Some(p) = crate::make::normalize(p) else {
            return Vec::new();
        };
        if !p.contains(['*', '?', '[']) {
            return if self.files.contains(&p) || self.has_dir(&p) {
                vec![pattern.to_string()]
            } else {
                Vec::new()
            };
        }
        // The literal directory part bounds the search.
        let literal = p
            .find(['*', '?', '['])
            .and_then(|w| p[..w].rfind('/'))
            .map_or("", |s| &p[..=s]);
        self.files
            .range(literal.to_string()..)
            .take_while(|f| f.starts_with(literal))
            .filter(|f| glob_match(p.as_bytes(), f.as_bytes()))
            .map(|f| format!("{lead}{f}"))
            .collect()
    }
}

fn walk(dir: &Path, rel: &str, out: &mut BTreeSet<String>) -> Result<(), Error> {
    let entries = fs_err::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name == ".git" {
            continue;
        }
        let path = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        // Symbolic links are not followed into directories (no loops).
        let kind = entry.file_type().map_err(|e| Error::io(&entry.path(), e))?;
        if kind.is_dir() {
            walk(&entry.path(), &path, out)?;
        } else {
            out.insert(path);
        }
    }
    Ok(())
}

/// Shell-style glob of one path: `*` and `?` do not match `/`.
fn glob_match(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    star = Some((pi, si));
                    pi += 1;
                    continue;
                }
                b'?' if s[si] != b'/' => {
                    pi += 1;
                    si += 1;
                    continue;
                }
                b'[' => {
                    if let Some((matched, len)) = class(&p[pi..], s[si]) {
                        if matched && s[si] != b'/' {
                            pi += len;
                            si += 1;
                            continue;
                        }
                    } else if s[si] == b'[' {
                        pi += 1;
                        si += 1;
                        continue;
                    }
                }
                c if c == s[si] && c != b'?' => {
                    pi += 1;
                    si += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, ss)) if s[ss] != b'/' => {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            }
            _ => return false,
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// A `[…]` class at the start of `p`: whether `c` matches, and the class's length.
fn class(p: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(p.get(1), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if p.get(i + 1) == Some(&b'-') && p.get(i + 2).is_some_and(|&e| e != b']') {
            if (p[i]..=p[i + 2]).contains(&c) {
                matched = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let t = Tree::from_list(
            ["a/x.c", "a/y.c", "a/b/z.c", "a/[q].c", "b.c"].map(String::from),
            PathBuf::new(),
        );
        assert_eq!(t.glob("a/*.c"), vec!["a/[q].c", "a/x.c", "a/y.c"]);
        assert_eq!(t.glob("./a/?.c"), vec!["./a/x.c", "./a/y.c"]);
        assert_eq!(t.glob("a/[x-y].c"), vec!["a/x.c", "a/y.c"]);
        assert_eq!(t.glob("a/[!x].c"), vec!["a/y.c"]);
        assert_eq!(t.glob("*/*/*.c"), vec!["a/b/z.c"]);
        assert_eq!(t.glob("a/b"), vec!["a/b"]);
        assert!(t.glob("../*").is_empty());
        assert!(t.glob("a/[").is_empty());
    }
}
