//! Which source files a configuration compiles, from the tree's Kbuild Makefiles alone.
//!
//! The walk follows Kbuild (`scripts/Makefile.build` and `Makefile.lib` of the tree):
//!
//! 1. The architecture Makefile (`arch/$(SRCARCH)/Makefile`) is evaluated with the
//!    configuration to get `core-y`, `libs-y` and `drivers-y`, which the top-level `Kbuild`
//!    adds as `$(ARCH_CORE)`, `$(ARCH_LIB)` and `$(ARCH_DRIVERS)`; its exported variables
//!    (`BITS`) reach every directory, as make's environment does.
//! 2. Each directory's `Kbuild` (else `Makefile`) is evaluated in a fresh context, as a
//!    sub-make is. Its objects are `obj-y` (built in, when the parent linked the directory
//!    in), `obj-m` (modules), `lib-y`/`lib-m`, `extra-y`, `always-y` and the `.o` files of
//!    `targets`; a composite object `foo.o` is replaced by its parts (`foo-objs`, `foo-y`,
//!    and for modules `foo-m`). Directories in `obj-y`/`obj-m`/`subdir-y`/`subdir-m` are
//!    descended into, and those a recipe builds with `$(MAKE) $(build)=DIR`.
//! 3. An object `dir/foo.o` is compiled from `dir/foo.c` or `dir/foo.S` when the tree has
//!    it; objects made from generated sources are listed apart.
//!
//! Every file carries the lines that decided it: the chain of directory descents from the
//! top, then the line that named the object (and, for a part, the composite's line), each
//! with the `CONFIG_` symbols it consulted.
//!
//! What the walk could not follow (a `$(shell)` in an object list, a missing Makefile) is
//! reported per directory as a [`Diagnostic`]; a consumer must treat the files of such a
//! directory as "cannot tell".

use crate::config::Config;
use crate::make::{normalize, Diagnostic, Env, Make, Origin};
use crate::tree::Tree;
use crate::Error;
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::rc::Rc;

/// How a file gets into the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum How {
    /// Linked into the kernel image (`obj-y`).
    BuiltIn,
    /// Part of the kernel's `lib.a` (`lib-y`).
    Library,
    /// Built for the image by `extra-y` or `always-y`.
    Extra,
    /// A loadable module (`obj-m`).
    Module,
    /// An object a rule of the directory builds (`targets`, or a `$(build)=` descent).
    Target,
}

impl How {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            How::BuiltIn => "built-in",
            How::Library => "library",
            How::Extra => "extra",
            How::Module => "module",
            How::Target => "target",
        }
    }
}

/// A source file the configuration compiles.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CompiledFile {
    /// The path, relative to the tree.
    pub path: String,
    /// How it is built (the strongest way when several).
    pub how: How,
    /// Every `CONFIG_` symbol on the way, sorted.
    pub symbols: Vec<String>,
    /// The Makefile lines that decided it, from the top directory down.
    pub lines: Vec<Origin>,
}

/// An object whose source is not in the tree (generated at build time, or missing).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unresolved {
    /// The object, relative to the tree.
    pub object: String,
    /// The line that named it.
    pub line: Origin,
}

impl Compiled {
    /// Whether `part` is a name part ([`name_parts`]) of a compiled file's path.
    pub fn names_part(&self, part: &str) -> bool {
        self.parts
            .get_or_init(|| {
                self.files
                    .iter()
                    .flat_map(|f| name_parts(&f.path))
                    .collect()
            })
            .contains(part)
    }

    /// The compiled file `path`, if it is one.
    pub fn file(&self, path: &str) -> Option<&CompiledFile> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// Whether the walk proves that `path` (a file, relative to the tree) is not compiled:
    /// it is not in the set; no directory on its path is uncertain; and the nearest one the
    /// walk evaluated either names it (or a subdirectory holding it) in a list not built,
    /// or names it nowhere while nothing beside it is compiled. A file named nowhere next to
    /// compiled code is not proven absent: a compiled file may `#include` it (the
    /// scheduler's `build_policy.c` includes `rt.c` and `deadline.c`).
    pub fn proves_absent(&self, path: &str) -> Result<Absence, String> {
        if let Some(f) = self.file(path) {
            return Err(format!("{} is compiled ({})", path, f.how.name()));
        }
        let mut ancestors = Vec::new();
        let mut dir = path;
        while let Some((d, _)) = dir.rsplit_once('/') {
            ancestors.push(d);
            dir = d;
        }
        ancestors.push(".");
        if let Some(u) = ancestors.iter().find(|d| self.is_uncertain(d)) {
            return Err(format!(
                "`{u}/`'s Makefile has a construct craft cannot follow"
            ));
        }
        let Some(dir) = ancestors.iter().copied().find(|d| self.is_directory(d)) else {
            return Err("no directory of the path was evaluated".into());
        };
        let prefix = if dir == "." {
            String::new()
        } else {
            format!("{dir}/")
        };
        let rest = &path[prefix.len()..];
        // The object itself (`sub/foo.c` as `sub/foo.o` of this Makefile), else a
        // subdirectory below `dir` that holds it.
        let object = match path.rsplit_once('.') {
            Some((stem, _)) if !stem.ends_with('/') => format!("{stem}.o"),
            _ => path.to_string(),
        };
        // Every directory between `dir` and the file, deepest first (`obj-$(CONFIG_X) +=
        // amd/amdgpu/` names two levels at once).
        let subdirs = rest
            .match_indices('/')
            .map(|(i, _)| format!("{prefix}{}/", &rest[..i]))
            .collect::<Vec<_>>();
        let key = std::iter::once(object)
            .chain(subdirs.into_iter().rev())
            .find(|k| self.excluded.contains_key(k));
        let listed = key.map(|key| {
            let e = &self.excluded[&key];
            // A part of a composite the directory does not build either: the composite's
            // line is the decisive one.
            match e
                .composite
                .as_ref()
                .and_then(|c| Some((c, self.excluded.get(c)?)))
            {
                Some((c, parent)) => (c.clone(), parent.line.clone()),
                None => (key.clone(), e.line.clone()),
            }
        });
        // Named nowhere: absent only if nothing is compiled beside it — in its directory
        // when that is `dir`, else in the subdirectory of `dir` that holds it — for a
        // compiled file there may `#include` it.
        let scope = match rest.split_once('/') {
            Some((sub, _)) => format!("{prefix}{sub}"),
            None => dir.to_string(),
        };
        if listed.is_none() {
            if let Some(inc) = self
                .included_directories
                .iter()
                .find(|d| path.starts_with(&format!("{d}/")))
            {
                return Err(format!(
                    "`{inc}/`'s Makefile is included by a Makefile this configuration evaluates: its code is built from there"
                ));
            }
            let beside = match rest.split_once('/') {
                Some(_) => self.files_under(&scope).first(),
                None => self
                    .files_under(dir)
                    .iter()
                    .find(|f| !f.path[prefix.len()..].contains('/')),
            };
            if let Some(f) = beside {
                return Err(format!(
                    "`{dir}/` names it in no list, but compiles {} beside it, which may include it",
                    f.path
                ));
            }
        }
        Ok(Absence {
            directory: dir.to_string(),
            scope,
            listed,
        })
    }

    /// The compiled files under directory `dir` (all of them for `.`), by binary search.
    pub fn files_under(&self, dir: &str) -> &[CompiledFile] {
        if dir == "." || dir.is_empty() {
            return &self.files;
        }
        let prefix = format!("{dir}/");
        let start = self
            .files
            .partition_point(|f| f.path.as_str() < prefix.as_str());
        let len = self.files[start..].partition_point(|f| f.path.starts_with(&prefix));
        &self.files[start..start + len]
    }

    /// Whether the walk evaluated directory `dir` (`.` is the top).
    pub fn is_directory(&self, dir: &str) -> bool {
        self.directories
            .binary_search_by(|d| d.as_str().cmp(dir))
            .is_ok()
    }

    /// Whether `dir` is uncertain.
    pub fn is_uncertain(&self, dir: &str) -> bool {
        self.uncertain_directories.iter().any(|u| u == dir)
    }

    /// Whether a directory under `dir` (or `dir`) is uncertain.
    pub fn uncertain_under(&self, dir: &str) -> Option<&str> {
        let prefix = format!("{dir}/");
        self.uncertain_directories
            .iter()
            .find(|u| *u == dir || u.starts_with(&prefix) || dir == ".")
            .map(String::as_str)
    }
}

/// Why a file is not compiled.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Absence {
    /// The nearest directory on the file's path whose Makefile was evaluated.
    pub directory: String,
    /// Where nothing is compiled when no line names it: its own directory, or the
    /// subdirectory of `directory` that holds it.
    pub scope: String,
    /// The object or subdirectory the Makefile names in a list not built, with that line;
    /// `None` when no line names it and nothing is compiled in `scope`.
    pub listed: Option<(String, Origin)>,
}

/// An object or directory a Makefile names in a list not built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excluded {
    /// The line.
    pub line: Origin,
    /// The composite object it is a part of (`dir/foo.o` for `foo-y += bar.o`).
    pub composite: Option<String>,
}

/// The composite a list variable builds (`foo` for `foo-y`, `foo-objs`, `foo-m`, `foo-`),
/// or `None` for Kbuild's own lists.
fn composite_of(var: &str) -> Option<&str> {
    let stem = ["-objs", "-y", "-m", "-"]
        .iter()
        .find_map(|s| var.strip_suffix(s))?;
    (!matches!(
        stem,
        "obj" | "lib" | "subdir" | "extra" | "always" | "targets" | ""
    ))
    .then_some(stem)
}

/// The result of [`compiled_files`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Compiled {
    /// The architecture directory used (`arch/<srcarch>`).
    pub srcarch: String,
    /// The source files, sorted by path.
    pub files: Vec<CompiledFile>,
    /// Objects without a source file in the tree.
    pub unresolved: Vec<Unresolved>,
    /// Directories whose Makefiles were evaluated (`.` is the top), sorted.
    pub directories: Vec<String>,
    /// Constructs the evaluator could not follow.
    pub diagnostics: Vec<Diagnostic>,
    /// Directories where a construct not followed may have changed what is compiled: that
    /// a file there (or in a subdirectory not visited) is absent proves nothing.
    pub uncertain_directories: Vec<String>,
    /// Problems of the `.config` (line, message).
    pub config_problems: Vec<(u32, String)>,
    /// Objects and directories a Makefile names in a list this configuration does not
    /// build (`obj-$(CONFIG_FOO) += foo.o` with `CONFIG_FOO` unset puts `foo.o` in `obj-`),
    /// by path (directories end with `/`), with the line: the proof of a file's absence.
    #[serde(skip)]
    pub excluded: BTreeMap<String, Excluded>,
    /// Directories whose Makefile an evaluated Makefile of another directory includes
    /// (the arm and mips vDSOs include `lib/vdso/Makefile`): code there is built from
    /// elsewhere, so that no list names it proves nothing.
    pub included_directories: Vec<String>,
    /// The name parts ([`name_parts`]) of every compiled file's path, built on first use.
    #[serde(skip)]
    pub(crate) parts: std::sync::OnceLock<ahash::AHashSet<String>>,
}

/// The parts of a path's names: split at `/ _ - .`, lowercased (`drivers/net/bonding/
/// bond_main.c` → `drivers net bonding bond main c`).
pub fn name_parts(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split(['/', '_', '-', '.'])
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase)
}

/// A diagnostic met while assigning a list Kbuild never builds from (`obj-`, `always-`,
/// `foo-`: the lists of what a configuration leaves out) changes nothing that is compiled.
fn settle(diags: &mut [Diagnostic]) {
    for d in diags {
        if d.variable.as_deref().is_some_and(|v| v.ends_with('-')) {
            d.uncertain = false;
        }
    }
}

/// Variables whose words are kept with their origin.
fn tracked(name: &str) -> bool {
    if name.contains("flags") {
        return false;
    }
    name.starts_with("obj-")
        || name.starts_with("lib-")
        || name.starts_with("subdir-")
        || name.starts_with("extra-")
        || name.starts_with("always-")
        || name == "targets"
        || name.ends_with("-y")
        || name.ends_with("-m")
        || name.ends_with("-objs")
        || name.ends_with('-')
}

struct Dir {
    path: String,
    builtin: bool,
    chain: Vec<Rc<Origin>>,
}

/// The source files `config` compiles in `tree`; `arch` overrides the architecture the
/// configuration's header names (`x86_64`, `arm64`, …).
pub fn compiled_files(tree: &Tree, config: &Config, arch: Option<&str>) -> Result<Compiled, Error> {
    let arch = arch
        .map(str::to_string)
        .or_else(|| config.arch.clone())
        .or_else(|| config.srcarch())
        .ok_or(Error::NoArch)?;
    let srcarch = Config {
        arch: Some(arch.clone()),
        ..Config::default()
    }
    .srcarch()
    .unwrap_or_else(|| arch.clone());
    if !tree.exists(&format!("arch/{srcarch}/Makefile")) {
        return Err(Error::UnknownArch {
            arch: srcarch,
            tree: tree.root().to_path_buf(),
        });
    }
    let mut diagnostics = Vec::new();
    let mut uncertain = BTreeSet::new();

    // 1. The architecture Makefile, as the top-level Makefile includes it.
    let base = |m: &mut Make<'_>| {
        for (k, v) in &config.symbols {
            m.set(k, v, true);
        }
        for (k, v) in [
            ("srctree", "."),
            ("objtree", "."),
            ("ARCH", arch.as_str()),
            ("SRCARCH", srcarch.as_str()),
        ] {
            m.set(k, v, true);
        }
        m.set("KBUILD_BUILTIN", "1", true);
        m.set("KBUILD_MODULES", "1", true);
    };
    let mut top = Make::new(tree, tracked);
    base(&mut top);
    top.set("core-y", "", false);
    top.set("drivers-y", "", false);
    top.set("libs-y", "lib/", false);
    top.include(&format!("arch/{srcarch}/Makefile"), false);
    let core = top.value("core-y");
    let libs = top.value("libs-y");
    let drivers = format!("{} {}", top.value("drivers-y"), top.value("drivers-m"));
    let arch_lib: Vec<&str> = libs
        .split_whitespace()
        .filter(|w| w.ends_with('/'))
        .collect();
    // Where each of ARCH_CORE/ARCH_LIB/ARCH_DRIVERS's words came from.
    let mut arch_origin: BTreeMap<String, Rc<Origin>> = BTreeMap::new();
    for var in ["core-y", "libs-y", "drivers-y", "drivers-m"] {
        let value = top.value(var);
        for w in value.split_whitespace() {
            if let Some(o) = top.origin(var, w) {
                arch_origin.entry(w.to_string()).or_insert(o);
            }
        }
    }
    let mut env = top.exported();
    env.push(("ARCH_CORE".into(), core.trim().to_string()));
    env.push(("ARCH_LIB".into(), arch_lib.join(" ")));
    env.push(("ARCH_DRIVERS".into(), drivers.trim().to_string()));
    let env = Env::new(env);
    let mut arch_diags = top.take_diagnostics();
    settle(&mut arch_diags);
    // The architecture Makefile adds directories to the top's lists (`core-y +=
    // arch/x86/…`, s390's `drivers-y += drivers/s390/`): what it could not follow there, or
    // anywhere outside a variable (an include it could not read), leaves the whole walk
    // uncertain; elsewhere (a flag, a boot variable) only the architecture's tree.
    let lists = |v: &str| {
        ["core-", "libs-", "drivers-"]
            .iter()
            .any(|l| v.starts_with(l))
    };
    if arch_diags
        .iter()
        .any(|d| d.uncertain && d.variable.as_deref().is_none_or(lists))
        || top.incomplete()
    {
        uncertain.insert(".".to_string());
    }
    if arch_diags.iter().any(|d| d.uncertain) {
        uncertain.insert(format!("arch/{srcarch}"));
    }
    diagnostics.extend(arch_diags);

    // 2. The directories.
    let mut files: BTreeMap<String, CompiledFile> = BTreeMap::new();
    let mut unresolved: Vec<Unresolved> = Vec::new();
    let mut seen: BTreeMap<String, bool> = BTreeMap::new();
    let mut queue: VecDeque<Dir> = VecDeque::from([Dir {
        path: String::new(),
        builtin: true,
        chain: Vec::new(),
    }]);
    // Directories the architecture Makefile's rules build (`$(MAKE) $(build)=arch/x86/boot`,
    // the arm64 vDSO): their objects are in the image the device boots. Build-host tools
    // (`arch/x86/tools`) are not.
    for (sub, origin) in top.recipe_builds().to_vec() {
        let Some(path) = normalize(&sub) else {
            continue;
        };
        if path.split('/').any(|p| p == "tools" || p == "scripts") {
            continue;
        }
        queue.push_back(Dir {
            path,
            builtin: false,
            chain: vec![origin],
        });
    }
    let mut directories = BTreeSet::new();
    let mut excluded: BTreeMap<String, Excluded> = BTreeMap::new();
    let mut included: BTreeSet<String> = BTreeSet::new();
    while let Some(dir) = queue.pop_front() {
        match seen.get(&dir.path) {
            Some(&b) if b || !dir.builtin => continue,
            _ => {}
        }
        seen.insert(dir.path.clone(), dir.builtin);
        let obj = if dir.path.is_empty() {
            ".".to_string()
        } else {
            dir.path.clone()
        };
        directories.insert(obj.clone());
        let mut m = Make::with_env(tree, tracked, &env);
        m.set("obj", &obj, false);
        m.set("src", &obj, false);
        if dir.builtin {
            m.set("need-builtin", "1", false);
        }
        let prefix = if dir.path.is_empty() {
            String::new()
        } else {
            format!("{}/", dir.path)
        };
        let kbuild = [format!("{prefix}Kbuild"), format!("{prefix}Makefile")]
            .into_iter()
            .find(|f| tree.exists(f));
        let Some(kbuild) = kbuild else {
            diagnostics.push(Diagnostic {
                file: dir
                    .chain
                    .last()
                    .map_or_else(String::new, |o| o.file.clone()),
                line: dir.chain.last().map_or(0, |o| o.line),
                message: format!("`{obj}/` has neither a Kbuild nor a Makefile"),
                uncertain: true,
                variable: None,
            });
            uncertain.insert(obj.clone());
            continue;
        };
        m.include(&kbuild, false);

        let list = |m: &mut Make<'_>, name: &str| -> Vec<String> {
            let v = m.value(name);
            v.split_whitespace().map(str::to_string).collect()
        };
        let obj_y = list(&mut m, "obj-y");
        let in_obj_y: HashSet<&String> = obj_y.iter().collect();
        let obj_m: Vec<String> = list(&mut m, "obj-m")
            .into_iter()
            .filter(|w| !in_obj_y.contains(w))
            .collect();
        let mut lib: Vec<String> = list(&mut m, "lib-y");
        lib.extend(list(&mut m, "lib-m"));
        lib.sort();
        lib.dedup();
        lib.retain(|w| !in_obj_y.contains(w));
        let mut extra = list(&mut m, "extra-y");
        extra.extend(list(&mut m, "always-y"));
        extra.extend(list(&mut m, "always-m"));
        let targets = list(&mut m, "targets");

        let origin_of = |m: &Make<'_>, vars: &[&str], word: &str| -> Rc<Origin> {
            vars.iter()
                .find_map(|v| m.origin(v, word))
                .unwrap_or_else(|| {
                    Rc::new(Origin {
                        file: kbuild.clone(),
                        line: 0,
                        text: format!("{word} (from {})", vars.join(", ")),
                        symbols: Vec::new(),
                    })
                })
        };

        // Objects, composites replaced by their parts.
        let mut add = |m: &mut Make<'_>, word: &str, how: How, vars: &[&str], suffixes: &[&str]| {
            // Objects, and linker scripts (`vmlinux.lds` from `vmlinux.lds.S`).
            let Some(stem) = word
                .strip_suffix(".o")
                .or_else(|| word.ends_with(".lds").then_some(word))
            else {
                return;
            };
            let own = origin_of(m, vars, word);
            // Only `obj-y`/`obj-m` objects are composites (Makefile.lib expands no others).
            let composite = !suffixes.is_empty()
                && suffixes.iter().chain(std::iter::once(&"-")).any(|s| {
                    m.defined(&format!("{stem}{s}"))
                        && !m.value(&format!("{stem}{s}")).trim().is_empty()
                });
            let parts: Vec<(String, Vec<Rc<Origin>>)> = if composite {
                let mut parts = Vec::new();
                for s in suffixes {
                    let var = format!("{stem}{s}");
                    for p in list(m, &var) {
                        let o = origin_of(m, &[var.as_str()], &p);
                        parts.push((p, vec![Rc::clone(&own), o]));
                    }
                }
                parts
            } else {
                vec![(word.to_string(), vec![own])]
            };
            for (part, origins) in parts {
                let Some(full) = normalize(&format!("{prefix}{part}")) else {
                    continue;
                };
                let candidates = match full.strip_suffix(".o") {
                    Some(stem) => vec![format!("{stem}.c"), format!("{stem}.S")],
                    None if full.ends_with(".lds") => vec![format!("{full}.S")],
                    None => continue,
                };
                let source = candidates.into_iter().find(|s| tree.exists(s));
                let mut lines: Vec<Origin> = dir.chain.iter().map(|o| (**o).clone()).collect();
                lines.extend(origins.iter().map(|o| (**o).clone()));
                let Some(source) = source else {
                    unresolved.push(Unresolved {
                        object: full.clone(),
                        line: lines
                            .last()
                            .cloned()
                            .unwrap_or_else(|| (*origins[0]).clone()),
                    });
                    continue;
                };
                let symbols: BTreeSet<String> = lines
                    .iter()
                    .flat_map(|o| o.symbols.iter().cloned())
                    .collect();
                match files.get_mut(&source) {
                    Some(f) if f.how <= how => {}
                    _ => {
                        files.insert(
                            source.clone(),
                            CompiledFile {
                                path: source,
                                how,
                                symbols: symbols.into_iter().collect(),
                                lines,
                            },
                        );
                    }
                }
            }
        };
        if dir.builtin {
            for w in obj_y.iter().filter(|w| !w.ends_with('/')) {
                add(&mut m, w, How::BuiltIn, &["obj-y"], &["-objs", "-y"]);
            }
        }
        for w in obj_m.iter().filter(|w| !w.ends_with('/')) {
            add(&mut m, w, How::Module, &["obj-m"], &["-objs", "-y", "-m"]);
        }
        for w in &lib {
            add(&mut m, w, How::Library, &["lib-y", "lib-m"], &[]);
        }
        for w in &extra {
            let w = w.strip_prefix(&prefix).unwrap_or(w);
            add(
                &mut m,
                w,
                How::Extra,
                &["extra-y", "always-y", "always-m"],
                &[],
            );
        }
        for w in &targets {
            let w = w.strip_prefix(&prefix).unwrap_or(w);
            add(&mut m, w, How::Target, &["targets"], &[]);
        }

        // What the directory names but does not build, for the proof of absence: words of
        // the lists not built (`obj-`), then words of branches not taken.
        // The parts of a composite this directory does not build count too.
        let built: HashSet<&str> = obj_m
            .iter()
            .chain(obj_y.iter().filter(|_| dir.builtin))
            .filter_map(|w| w.strip_suffix(".o"))
            .collect();
        // A `foo-y` is a composite's list only if some object list names `foo.o` (else it is
        // a helper variable, like `scmi-driver-y`, and its line decides nothing).
        let objects: HashSet<String> = obj_y
            .iter()
            .chain(&obj_m)
            .cloned()
            .chain(
                m.provenance_where(&|v| v == "obj-")
                    .into_iter()
                    .map(|(_, w, _)| w),
            )
            .chain(
                m.not_taken_words()
                    .iter()
                    .filter(|(v, _, _)| v.starts_with("obj-"))
                    .map(|(_, w, _)| w.clone()),
            )
            .collect();
        // Words of Kbuild's own lists not built (`obj-`, `lib-`); of a composite's part
        // list not built (`ipv6-$(CONFIG_X) += x.o`); of every part list of a composite not
        // built; and of branches not taken — composites only when they are real ones.
        let real = |stem: &str| objects.contains(&format!("{stem}.o"));
        let keep = |v: &str| match composite_of(v) {
            None => v.ends_with('-'),
            Some(stem) => real(stem) && (v.ends_with('-') || !built.contains(stem)),
        };
        let named: Vec<(String, String, Rc<Origin>)> = m
            .provenance_where(&keep)
            .into_iter()
            .chain(
                m.not_taken_words()
                    .iter()
                    .filter(|(v, _, _)| composite_of(v).is_none_or(real))
                    .cloned(),
            )
            .collect();
        for (var, word, origin) in named {
            let Some(full) = normalize(&format!("{prefix}{word}")) else {
                continue;
            };
            let full = if word.ends_with('/') {
                format!("{full}/")
            } else {
                full
            };
            // A part of a composite (`nf_conntrack-y += nf_conntrack_bpf.o`) remembers it.
            let composite =
                composite_of(&var).and_then(|stem| normalize(&format!("{prefix}{stem}.o")));
            excluded.entry(full).or_insert_with(|| Excluded {
                line: (*origin).clone(),
                composite,
            });
        }

        // Subdirectories.
        let mut subdirs: BTreeMap<String, (bool, Rc<Origin>)> = BTreeMap::new();
        for (words, var, builtin) in [(&obj_y, "obj-y", true), (&obj_m, "obj-m", false)] {
            for w in words.iter().filter(|w| w.ends_with('/')) {
                let o = origin_of(&m, &[var], w);
                let name = w.trim_end_matches('/').to_string();
                let e = subdirs.entry(name).or_insert((false, o));
                e.0 |= builtin;
            }
        }
        for var in ["subdir-y", "subdir-m"] {
            for w in list(&mut m, var) {
                let o = origin_of(&m, &[var], &w);
                subdirs
                    .entry(w.trim_end_matches('/').to_string())
                    .or_insert((false, o));
            }
        }
        for (sub, (builtin, origin)) in subdirs {
            let Some(path) = normalize(&format!("{prefix}{sub}")) else {
                continue;
            };
            // The top-level lists name arch directories by their full path; their origin is
            // the arch Makefile's line.
            let mut chain = dir.chain.clone();
            if let Some(o) = arch_origin.get(&format!("{sub}/")) {
                chain.push(Rc::clone(o));
            }
            chain.push(origin);
            queue.push_back(Dir {
                path,
                builtin: dir.builtin && builtin,
                chain,
            });
        }
        for (sub, origin) in m.recipe_builds().to_vec() {
            let Some(path) = normalize(&sub) else {
                continue;
            };
            if path == dir.path {
                continue;
            }
            let mut chain = dir.chain.clone();
            chain.push(origin);
            queue.push_back(Dir {
                path,
                builtin: false,
                chain,
            });
        }

        // What could not be followed (here, or while the lists were read) makes the
        // directory uncertain unless it only fed a list of what is left out.
        let mut dir_diags = m.take_diagnostics();
        settle(&mut dir_diags);
        if dir_diags.iter().any(|d| d.uncertain) || m.incomplete() {
            uncertain.insert(obj.clone());
        }
        // Makefiles of other directories this one includes (`include
        // $(srctree)/lib/vdso/Makefile`): their code is built from here.
        for f in m.included() {
            if let Some((d, _)) = f.rsplit_once('/') {
                if d != dir.path {
                    included.insert(d.to_string());
                }
            }
        }
        diagnostics.extend(dir_diags);
    }
    Ok(Compiled {
        srcarch,
        files: files.into_values().collect(),
        unresolved,
        directories: directories.into_iter().collect(),
        diagnostics,
        uncertain_directories: uncertain.into_iter().collect(),
        config_problems: config.problems.clone(),
        excluded,
        included_directories: included.into_iter().collect(),
        parts: std::sync::OnceLock::new(),
    })
}
