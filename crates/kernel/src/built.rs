//! What a real kernel build compiled, where the maker has it: a `compile_commands.json`
//! (`scripts/clang-tools/gen_compile_commands.py`, `bear`), a build directory's `.cmd`
//! files (`.foo.o.cmd`: `source_… :=` names the source, `deps_… :=` every header it
//! included — the include graph), or a plain list of source paths (one per line, `#`
//! comments; Yocto's compiled-sources list, a build log's file names).
//!
//! Paths are placed in the tree by their longest suffix the tree has
//! (`/build/tmp/work-shared/…/kernel-source/drivers/net/x.c` → `drivers/net/x.c`); paths the
//! tree does not have (generated sources, host tools) are counted, not used.

use crate::{Error, Tree};
use std::collections::BTreeSet;
use std::path::Path;

/// The largest input craft reads (one file; a `.cmd` directory reads at most this much in
/// all).
const MAX_BYTES: u64 = 1024 * 1024 * 1024;

/// What the build compiled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Built {
    /// What it was read from, for evidence (`compile_commands.json (2,684 sources)`).
    pub origin: String,
    /// The `.c`/`.S` sources compiled, relative to the tree.
    pub sources: BTreeSet<String>,
    /// Every file the compiled sources included (headers, and `.c` files a source
    /// `#include`s, as `kernel/sched/build_policy.c` does `rt.c`), when the input says
    /// (`.cmd` files); `None` for a list or compile_commands.json, which cannot tell.
    pub included: Option<BTreeSet<String>>,
    /// Paths the tree does not have (generated files, host tools, another tree).
    pub unplaced: usize,
    /// Whether it can speak for what the build did *not* compile: it knows what the sources
    /// included (`.cmd` files) and has at least 95 % of the sources the Makefile walk
    /// compiles ([`Built::judge`]); a partial or stale build directory cannot.
    pub complete: bool,
    /// The share of the walk's compiled sources it has, once judged.
    pub coverage: Option<f64>,
}

impl Built {
    /// Read `path`: a directory (its `.cmd` files, any depth), a `.json` file
    /// (`compile_commands.json`), or a list of paths.
    ///
    /// # Errors
    /// The path cannot be read, is larger than 1 GiB, or a `.json` file is not a
    /// compile_commands.json (an array of objects with `file`).
    pub fn read(path: &Path, tree: &Tree) -> Result<Built, Error> {
        let meta = fs_err::metadata(path).map_err(|e| Error::io(path, e))?;
        let name = path.display().to_string();
        if meta.is_dir() {
            let mut texts = Vec::new();
            let mut budget = MAX_BYTES;
            cmd_files(path, &mut texts, &mut budget)?;
            return Ok(Built::from_cmd_files(
                texts.iter().map(String::as_str),
                tree,
                &name,
            ));
        }
        if meta.len() > MAX_BYTES {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(format!(
                    "{} bytes; craft reads at most {MAX_BYTES}",
                    meta.len()
                )),
            });
        }
        let bytes = fs_err::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        if path.extension().is_some_and(|x| x == "json") {
            return Built::from_compile_commands(&text, tree, &name).map_err(|m| Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, m),
            });
        }
        Ok(Built::from_list(&text, tree, &name))
    }

    /// From a list of paths, one per line.
    pub fn from_list(text: &str, tree: &Tree, origin: &str) -> Built {
        let mut b = Built::default();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            b.add_source(line, tree);
        }
        b.finish(origin, "a list of compiled sources")
    }

    /// From a `compile_commands.json`: each entry's `file` (relative to its `directory`).
    ///
    /// # Errors
    /// Not JSON, not an array, or an entry without a `file` string (its index is named).
    pub fn from_compile_commands(text: &str, tree: &Tree, origin: &str) -> Result<Built, String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let entries = v
            .as_array()
            .ok_or("not a compile_commands.json: not an array")?;
        let mut b = Built::default();
        for (i, e) in entries.iter().enumerate() {
            let file = e
                .get("file")
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| format!("entry {i} has no `file`"))?;
            let full = match e.get("directory").and_then(serde_json::Value::as_str) {
                Some(d) if !file.starts_with('/') => format!("{d}/{file}"),
                _ => file.to_string(),
            };
            b.add_source(&full, tree);
        }
        Ok(b.finish(origin, "compile_commands.json"))
    }

    /// From the texts of `.cmd` files.
    pub fn from_cmd_files<'t>(
        texts: impl IntoIterator<Item = &'t str>,
        tree: &Tree,
        origin: &str,
    ) -> Built {
        let mut b = Built {
            included: Some(BTreeSet::new()),
            ..Built::default()
        };
        for text in texts {
            let mut in_deps = false;
            for line in text.lines() {
                let t = line.trim();
                if let Some(rest) = t.strip_prefix("source_") {
                    in_deps = false;
                    if let Some((_, src)) = rest.split_once(":=") {
                        b.add_source(src.trim(), tree);
                    }
                    continue;
                }
                if let Some(rest) = t.strip_prefix("deps_") {
                    in_deps = true;
                    let after = rest.split_once(":=").map_or("", |(_, r)| r);
                    b.add_deps(after, tree);
                    continue;
                }
                if in_deps {
                    b.add_deps(t, tree);
                    in_deps = t.ends_with('\\');
                }
            }
        }
        b.finish(origin, ".cmd files")
    }

    /// Compare with the Makefile walk of the same configuration: sets [`Built::coverage`]
    /// and [`Built::complete`].
    pub fn judge(&mut self, walk: &crate::Compiled) {
        let total = walk.files.len();
        let have = walk
            .files
            .iter()
            .filter(|f| self.sources.contains(&f.path))
            .count();
        let coverage = if total == 0 {
            0.0
        } else {
            have as f64 / total as f64
        };
        self.coverage = Some(coverage);
        self.complete = self.included.is_some() && coverage >= 0.95;
    }

    fn add_source(&mut self, path: &str, tree: &Tree) {
        match place(path, tree) {
            Some(p) if p.ends_with(".c") || p.ends_with(".S") => {
                self.sources.insert(p);
            }
            Some(_) => {}
            None => self.unplaced += 1,
        }
    }

    fn add_deps(&mut self, text: &str, tree: &Tree) {
        let Some(included) = self.included.as_mut() else {
            return;
        };
        for word in text.split_whitespace() {
            if word == "\\" || word.starts_with("$(") || word.ends_with(')') {
                continue;
            }
            if let Some(p) = place(word, tree) {
                included.insert(p);
            }
        }
    }

    fn finish(mut self, origin: &str, what: &str) -> Built {
        self.origin = format!("{origin} ({what}: {} sources)", self.sources.len());
        self
    }
}

/// The `.cmd` files under `dir` (Kbuild's `.<target>.cmd`), read, within `budget` bytes.
fn cmd_files(dir: &Path, out: &mut Vec<String>, budget: &mut u64) -> Result<(), Error> {
    let mut entries: Vec<_> = fs_err::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(fs_err::DirEntry::file_name);
    for e in entries {
        let path = e.path();
        let ft = e.file_type().map_err(|x| Error::io(&path, x))?;
        if ft.is_dir() {
            cmd_files(&path, out, budget)?;
            continue;
        }
        let name = e.file_name();
        let name = name.to_string_lossy();
        // Every Kbuild command file: objects (`.foo.o.cmd`), and the linker script, the
        // asm-offsets and device trees, whose `deps_` name headers too.
        if !(ft.is_file() && name.starts_with('.') && name.ends_with(".cmd")) {
            continue;
        }
        let len = e.metadata().map_err(|x| Error::io(&path, x))?.len();
        if len > *budget {
            return Err(Error::Io {
                path,
                source: std::io::Error::other(format!(
                    "the .cmd files exceed {MAX_BYTES} bytes in all"
                )),
            });
        }
        *budget -= len;
        let bytes = fs_err::read(&path).map_err(|x| Error::io(&path, x))?;
        out.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    Ok(())
}

/// `path` as a path of the tree: itself when the tree has it, else its longest suffix the
/// tree has (two components at least, so `/usr/include/x.h` is never `x.h`).
pub fn place(path: &str, tree: &Tree) -> Option<String> {
    let p = path.trim().trim_start_matches("./");
    if p.is_empty() {
        return None;
    }
    if !p.starts_with('/') && tree.exists(p) {
        return Some(p.to_string());
    }
    let mut rest = p;
    while let Some((_, r)) = rest.split_once('/') {
        rest = r;
        if rest.contains('/') && tree.exists(rest) {
            return Some(rest.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Tree {
        Tree::in_memory(
            [
                "Makefile",
                "drivers/net/x.c",
                "drivers/net/y.c",
                "arch/arm/kernel/entry.S",
                "include/linux/skbuff.h",
                "drivers/net/x.h",
            ]
            .map(|p| (p.to_string(), String::new())),
        )
    }

    #[test]
    fn lists_compile_commands_and_cmd_files_are_placed_in_the_tree() {
        let t = tree();
        let b = Built::from_list(
            "# compiled\n./drivers/net/x.c\n/build/work/kernel-source/arch/arm/kernel/entry.S\n\
             drivers/net/generated.c\nMakefile\n",
            &t,
            "list.txt",
        );
        assert_eq!(
            b.sources.iter().map(String::as_str).collect::<Vec<_>>(),
            vec!["arch/arm/kernel/entry.S", "drivers/net/x.c"]
        );
        assert_eq!((b.unplaced, b.included.is_none()), (1, true));
        assert_eq!(b.origin, "list.txt (a list of compiled sources: 2 sources)");

        let cc = r#"[{"directory": "/src/linux", "file": "drivers/net/y.c", "command": "gcc"},
                     {"directory": "/x", "file": "/src/linux/drivers/net/x.c"}]"#;
        let b = Built::from_compile_commands(cc, &t, "cc.json").unwrap();
        assert_eq!(b.sources.len(), 2);
        for bad in ["{", "{}", r#"[{"directory": "/"}]"#] {
            assert!(
                Built::from_compile_commands(bad, &t, "cc").is_err(),
                "{bad}"
            );
        }

        let cmd = "savedcmd_drivers/net/x.o := gcc -c drivers/net/x.c\n\n\
                   source_drivers/net/x.o := drivers/net/x.c\n\n\
                   deps_drivers/net/x.o := \\\n  include/linux/kconfig.h \\\n    \
                   $(wildcard include/config/CC_VERSION_TEXT) \\\n  \
                   include/linux/skbuff.h \\\n  drivers/net/x.h \\\n\n\
                   drivers/net/x.o: $(deps_drivers/net/x.o)\n\n\
                   $(deps_drivers/net/x.o):\n";
        let b = Built::from_cmd_files([cmd], &t, "build/");
        assert_eq!(
            b.sources.iter().collect::<Vec<_>>(),
            vec!["drivers/net/x.c"]
        );
        assert_eq!(
            b.included.unwrap().into_iter().collect::<Vec<_>>(),
            vec!["drivers/net/x.h", "include/linux/skbuff.h"]
        );
        assert_eq!(place("/usr/include/skbuff.h", &t), None);
        assert_eq!(place("", &t), None);
    }
}
