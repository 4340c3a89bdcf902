//! Kernel triage: a kernel CNA record names the files its fix touched (`programFiles`);
//! whether the product's kernel compiles any of them decides the finding.
//!
//! Per file, in order:
//! 1. compiled by the configuration ([`craft_kernel::compiled_files`]) → the finding is
//!    `affected`, and the file with its Makefile line is the evidence;
//! 2. under `arch/<other>/` → another architecture's code (layer `architecture`);
//! 3. under `tools/`, `scripts/`, `Documentation/` → not kernel-image code;
//! 4. a file this version's tree does not have: judged as the one file of the same name
//!    (preferably in a directory of the same name) when there is exactly one — the record
//!    names mainline's path, after a move — else cannot tell;
//! 5. a `.c`/`.S` file the walk proves absent (the nearest directory on its path was
//!    evaluated without a construct craft cannot follow) → not compiled, with the Makefile
//!    line that names it in a list not built and the symbols that line consulted;
//! 6. a header private to a directory of which nothing is compiled → not compiled; other
//!    headers (`include/`, or next to compiled code) → cannot tell;
//! 7. Kconfig, Makefiles and documentation do not decide; anything else cannot be placed.
//!
//! The finding: `affected` if one file is compiled; `not_affected`
//! (`vulnerable_code_not_present`) if every deciding file is proven absent; else
//! `under_investigation` with the files that could not be placed. A record that names no
//! file stays `under_investigation`.

use crate::{Decision, Justification, Layer, Status};
use craft_kernel::{Absence, Built, Compiled, Config, How, Tree};
use serde::Serialize;
use std::collections::BTreeSet;

/// What triage knows about the product's kernel.
pub struct KernelContext<'a> {
    /// The files its configuration compiles.
    pub compiled: &'a Compiled,
    /// Its configuration.
    pub config: &'a Config,
    /// Its source tree (which files exist in this version).
    pub tree: &'a Tree,
    /// What a real build compiled, when the maker has it: it decides over the Makefile walk
    /// for the sources it lists (and, from `.cmd` files, for headers).
    pub built: Option<&'a Built>,
}

/// What is known about one file a record names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileFact {
    /// The file, relative to the kernel tree.
    pub file: String,
    /// What craft found.
    pub state: FileState,
    /// The proof, in one line.
    pub evidence: String,
}

/// The state of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileState {
    /// The configuration compiles it.
    Compiled,
    /// Another architecture's code.
    OtherArchitecture,
    /// Not kernel-image code.
    NotImageCode,
    /// The configuration does not compile it.
    NotCompiled,
    /// The build's own list of what it compiled (or included) does not have it.
    NotBuilt,
    /// Build or documentation files; they do not decide.
    Ignored,
    /// craft cannot place it.
    Unknown,
}

/// Code compiled code `#include`s from another directory, which no Makefile list shows:
/// (files under this prefix, compiled files whose path contains this, what includes them).
/// A file here is never proven absent while such an includer is compiled.
const CROSS_INCLUDES: &[(&str, &str, &str)] = &[
    (
        "lib/",
        "/boot/compressed/",
        "the boot decompressor (compiled) #includes library code (lib/decompress_*.c, the zlib, xz, lzo, lz4, zstd decoders)",
    ),
    (
        "scripts/dtc/libfdt/",
        "lib/fdt",
        "lib/fdt*.c (compiled) #include scripts/dtc/libfdt/",
    ),
];

/// Directories whose code is never part of the kernel image.
const NOT_IMAGE: &[(&str, &str)] = &[
    ("tools/", "user-space tools built apart from the kernel"),
    ("scripts/", "build-host scripts and programs"),
    ("Documentation/", "documentation"),
    ("LICENSES/", "licence texts"),
];

impl KernelContext<'_> {
    /// A symbol's value as the evidence shows it.
    fn symbol(&self, s: &str) -> String {
        match self.config.symbols.get(s) {
            Some(v) => format!("{s}={v}"),
            None if self.config.unreadable.contains(s) => format!("{s} is unreadable"),
            None => format!("{s} is not set"),
        }
    }

    fn symbols(&self, list: &[String]) -> String {
        if list.is_empty() {
            return String::new();
        }
        format!(
            " ({})",
            list.iter()
                .map(|s| self.symbol(s))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    /// The proof of an absence, in one line.
    fn absence(&self, a: &Absence) -> String {
        match &a.listed {
            Some((what, o)) => format!(
                "{}:{} `{}`{} leaves `{what}` out",
                o.file,
                o.line,
                o.text,
                self.symbols(&o.symbols)
            ),
            None if a.scope == a.directory => format!(
                "`{}/` names it in no list and compiles nothing beside it",
                a.directory
            ),
            None => format!(
                "no Makefile this configuration evaluates names `{}/`, and nothing under it is compiled (nearest evaluated: `{}/`)",
                a.scope, a.directory
            ),
        }
    }

    /// Whether the proof rests on a symbol the `.config` states unreadably.
    fn unreadable(&self, a: &Absence) -> Option<String> {
        let (_, o) = a.listed.as_ref()?;
        o.symbols
            .iter()
            .find(|s| self.config.unreadable.contains(*s))
            .map(|s| format!("{s} has a value in the .config that craft cannot read"))
    }

    /// The fact about one file.
    pub fn file(&self, file: &str) -> FileFact {
        let fact = |state, evidence: String| FileFact {
            file: file.to_string(),
            state,
            evidence,
        };
        if let Some(f) = self.by_build_list(file) {
            return f;
        }
        let c = self.compiled;
        if let Some(f) = c.file(file) {
            let how = match f.how {
                How::BuiltIn => "compiled built in",
                How::Module => "compiled as a module",
                How::Library => "compiled into lib.a (linked where referenced)",
                How::Extra => "compiled for the image (extra-y/always-y)",
                How::Target => "compiled by a rule of its directory",
            };
            // The line that named the object (or the composite's part), and every symbol on
            // the way down from the top.
            let line = f.lines.last().map_or_else(String::new, |o| {
                format!(
                    ": {}:{} `{}`{}",
                    o.file,
                    o.line,
                    o.text,
                    self.symbols(&f.symbols)
                )
            });
            return fact(FileState::Compiled, format!("{how}{line}"));
        }
        if let Some((arch, _)) = file.strip_prefix("arch/").and_then(|r| r.split_once('/')) {
            if arch != c.srcarch {
                return fact(
                    FileState::OtherArchitecture,
                    format!(
                        "arch/{arch}/ is another architecture's code (this kernel is {})",
                        c.srcarch
                    ),
                );
            }
        }
        if let Some((_, marker, why)) = CROSS_INCLUDES
            .iter()
            .find(|(prefix, _, _)| file.starts_with(prefix))
        {
            if let Some(f) = c.files.iter().find(|f| f.path.contains(marker)) {
                return fact(FileState::Unknown, format!("{why}: {}", f.path));
            }
        }
        if let Some((dir, what)) = NOT_IMAGE.iter().find(|(d, _)| file.starts_with(d)) {
            return fact(
                FileState::NotImageCode,
                format!("{dir} holds {what}, not kernel-image code"),
            );
        }
        let name = file.rsplit('/').next().unwrap_or(file);
        if name.starts_with("Kconfig")
            || name == "Makefile"
            || name == "Kbuild"
            || name.ends_with(".rst")
            || name.ends_with(".txt")
        {
            return fact(
                FileState::Ignored,
                "a build or documentation file".to_string(),
            );
        }
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        if !self.tree.exists(file) {
            // The record names the path of another version (the fix went to mainline after
            // the file moved): the file of the same name in a directory of the same name,
            // when this tree has exactly one.
            if let Some(here) = self.tree.moved(file) {
                let mut f = self.file(here);
                f.evidence = format!(
                    "this tree has it as {here} (matched by name); {}",
                    f.evidence
                );
                f.file = file.to_string();
                return f;
            }
            // Else: where this version keeps the code is unknown, but if nothing under the
            // nearest directory of its path that this tree has is compiled, it is not —
            // for sources only, and never for `include/` or the top.
            let mut dir = file;
            while let Some((d, _)) = dir.rsplit_once('/') {
                dir = d;
                if self.tree.has_dir(dir) {
                    break;
                }
            }
            let deep_enough = dir.matches('/').count() >= 1 && self.tree.has_dir(dir);
            let shared = dir.starts_with("include") || dir.contains("/include");
            if ext == "h" && deep_enough && !shared {
                // A header of another version in a directory this tree has: private to it
                // as any header there is.
                let mut f = self.header_in(file, dir);
                f.evidence = format!(
                    "not in this tree (the record names another version's path); {}",
                    f.evidence
                );
                return f;
            }
            if matches!(ext, "c" | "S") && deep_enough && !shared {
                if let Ok(why) = self.nothing_compiled_under(dir) {
                    return fact(
                        FileState::NotCompiled,
                        format!("not in this tree (the record names another version's path), and nothing under `{dir}/` is compiled: {why}"),
                    );
                }
            }
            return fact(
                FileState::Unknown,
                "not in this kernel tree: the record names another version's path, and craft cannot tell where this version keeps the code".into(),
            );
        }
        match ext {
            "c" | "S" => match c.proves_absent(file) {
                Ok(a) => match self.unreadable(&a) {
                    Some(why) => fact(FileState::Unknown, why),
                    None => fact(
                        FileState::NotCompiled,
                        format!("not compiled: {}", self.absence(&a)),
                    ),
                },
                Err(why) => fact(FileState::Unknown, why),
            },
            "rs" => match self.config.symbols.get("CONFIG_RUST") {
                None if !self.config.unreadable.contains("CONFIG_RUST") => fact(
                    FileState::NotCompiled,
                    "no Rust code is compiled (CONFIG_RUST is not set)".into(),
                ),
                _ => fact(
                    FileState::Unknown,
                    "Rust sources are not placed by craft yet".into(),
                ),
            },
            "h" => self.header(file),
            _ => fact(
                FileState::Unknown,
                format!("craft cannot place a `.{ext}` file"),
            ),
        }
    }

    /// What the build's own list says of a file the tree has. A file it compiled or (from
    /// `.cmd` files) included is compiled. A file it neither compiled nor included is not —
    /// but only when the list knows what was included (`.cmd` files: a plain list or a
    /// compile_commands.json cannot show `kernel/sched/rt.c`, which `build_policy.c`
    /// `#include`s), and never against the Makefile walk's "compiled" (a list from
    /// `make vmlinux modules` lacks the boot image the device runs). `None` when the list
    /// does not decide the file.
    fn by_build_list(&self, file: &str) -> Option<FileFact> {
        let b = self.built?;
        let other_arch = file
            .strip_prefix("arch/")
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(a, _)| a != self.compiled.srcarch);
        if !self.tree.exists(file) || other_arch {
            return None;
        }
        let fact = |state, evidence: String| FileFact {
            file: file.to_string(),
            state,
            evidence,
        };
        if b.sources.contains(file) {
            return Some(fact(
                FileState::Compiled,
                format!("compiled by the build: {}", b.origin),
            ));
        }
        let included = b.included.as_ref()?;
        if included.contains(file) {
            return Some(fact(
                FileState::Compiled,
                format!("included by a source the build compiled: {}", b.origin),
            ));
        }
        // Absence only from a complete list ([`Built::judge`]), and never for code a
        // compiled file includes across directories (the boot decompressor's `lib/`).
        let cross = CROSS_INCLUDES.iter().any(|(prefix, marker, _)| {
            file.starts_with(prefix)
                && (self.compiled.files.iter().any(|f| f.path.contains(marker))
                    || b.sources.iter().any(|s| s.contains(marker)))
        });
        let code = [".c", ".S", ".h"].iter().any(|x| file.ends_with(x));
        (b.complete && !cross && code && self.compiled.file(file).is_none()).then(|| {
            fact(
                FileState::NotBuilt,
                format!("neither compiled nor included by the build: {}", b.origin),
            )
        })
    }

    /// A header: not compiled only when private to a directory of which nothing is
    /// compiled (and not a header-only directory its compiled parent may include from).
    fn header(&self, file: &str) -> FileFact {
        self.header_in(file, file.rsplit_once('/').map_or("", |(d, _)| d))
    }

    /// A header judged as one in directory `dir` (its own, or for a path of another
    /// version, the nearest directory this tree has).
    fn header_in(&self, file: &str, dir: &str) -> FileFact {
        let fact = |state, evidence: String| FileFact {
            file: file.to_string(),
            state,
            evidence,
        };
        // A subsystem's own include directory (`security/apparmor/include/`,
        // `drivers/gpu/drm/nouveau/include/nvkm/`): its Makefiles add it to the include path
        // of their own code, so it is private to the subsystem.
        let parts: Vec<&str> = dir.split('/').collect();
        if let Some(i) = parts
            .iter()
            .position(|p| *p == "include")
            .filter(|i| *i >= 2)
        {
            let owner = parts[..i].join("/");
            return match self.nothing_compiled_under(&owner) {
                Ok(why) => fact(
                    FileState::NotCompiled,
                    format!(
                        "a header of `{owner}/`'s own include directory, and nothing under `{owner}/` is compiled: {why}"
                    ),
                ),
                Err(why) => fact(
                    FileState::Unknown,
                    format!("a header of `{owner}/`'s own include directory: {why}"),
                ),
            };
        }
        if dir.is_empty() || dir.starts_with("include") || dir.contains("/include") {
            return fact(
                FileState::Unknown,
                "a shared header: craft cannot tell which compiled files include it".into(),
            );
        }
        let c = self.compiled;
        let compiled_under = |d: &str| c.files_under(d).first().map(|f| f.path.clone());
        if let Some(f) = compiled_under(dir) {
            return fact(
                FileState::Unknown,
                format!("a header next to compiled code ({f})"),
            );
        }
        let own_makefile = c.is_directory(dir) || c.excluded.contains_key(&format!("{dir}/"));
        if !own_makefile {
            if let Some((parent, _)) = dir.rsplit_once('/') {
                if let Some(f) = compiled_under(parent) {
                    return fact(
                        FileState::Unknown,
                        format!(
                            "a header of a header-only directory whose parent compiles code ({f})"
                        ),
                    );
                }
            }
        }
        match self.nothing_compiled_under(dir) {
            Ok(why) => fact(
                FileState::NotCompiled,
                format!("a private header of `{dir}/`, of which nothing is compiled: {why}"),
            ),
            Err(why) => fact(FileState::Unknown, why),
        }
    }

    /// Whether nothing under directory `dir` is compiled, with the proof (the line that
    /// leaves the directory out, or the directory above that compiles nothing). Never for
    /// `.` or with an uncertain directory on the path or below.
    fn nothing_compiled_under(&self, dir: &str) -> Result<String, String> {
        let c = self.compiled;
        if dir == "." || dir.is_empty() {
            return Err("the top of the tree compiles code".into());
        }
        if let Some(f) = c.files_under(dir).first() {
            return Err(format!("`{dir}/` has compiled code ({})", f.path));
        }
        if let Some(u) = c.uncertain_under(dir) {
            return Err(format!(
                "`{u}/`'s Makefile has a construct craft cannot follow"
            ));
        }
        // Probe the directory as if it held a source file.
        let a = c.proves_absent(&format!("{dir}/.craft-probe.c"))?;
        if let Some(why) = self.unreadable(&a) {
            return Err(why);
        }
        Ok(self.absence(&a))
    }

    /// When the only files craft cannot place are shared headers under `include/`, every
    /// source file the fix changes is proven not compiled (one at least), and each such
    /// header is named for those sources (`include/linux/f2fs_fs.h` beside `fs/f2fs/*.c`,
    /// `include/linux/mlx5/driver.h` beside `drivers/net/ethernet/mellanox/mlx5/…`, by a
    /// source's file name or a directory of which nothing is compiled): the
    /// headers with the name part they share. The vulnerable code is then the sources'
    /// (the header changes serve them), which the configuration does not compile. A header
    /// named for nothing the fix compiles-out (`include/linux/skbuff.h` in an ESP fix)
    /// keeps the finding under investigation.
    fn headers_named_for_sources<'f>(
        &self,
        deciding: &[&'f FileFact],
        unknown: &[&&'f FileFact],
    ) -> Option<Vec<(&'f str, String)>> {
        // Name parts too common to tie a header to a subsystem.
        const GENERIC: &[&str] = &[
            "include",
            "linux",
            "uapi",
            "net",
            "trace",
            "events",
            "asm",
            "generic",
            "h",
            "c",
            "s",
            "core",
            "common",
            "api",
            "types",
            "internal",
            "dev",
            "device",
            "driver",
            "drivers",
            "misc",
            "platform",
            "bus",
            "fs",
            "mm",
            "netfilter",
            "nf",
            "netns",
            "kernel",
            "lib",
            "sound",
            "security",
            "arch",
            "main",
            "defs",
            "priv",
            "ops",
            "helpers",
            "utils",
            "util",
            "sched",
            "ioctl",
            "if",
            "proto",
            "hw",
            "host",
            "dma",
        ];
        let parts = |p: &str| -> Vec<String> {
            craft_kernel::name_parts(p)
                .filter(|t| t.len() >= 2 && !GENERIC.contains(&t.as_str()))
                .collect()
        };
        if unknown.is_empty()
            || !unknown.iter().all(|f| {
                f.file.starts_with("include/")
                    && f.file.ends_with(".h")
                    && f.evidence.starts_with("a shared header")
            })
        {
            return None;
        }
        let sources: Vec<&str> = deciding
            .iter()
            .filter(|f| f.file.ends_with(".c") || f.file.ends_with(".S"))
            .map(|f| f.file.as_str())
            .collect();
        let all_absent = deciding.iter().all(|f| {
            f.state != FileState::Compiled
                && (f.state != FileState::Unknown || !sources.contains(&f.file.as_str()))
        });
        if sources.is_empty()
            || !all_absent
            || !deciding.iter().any(|f| {
                matches!(f.state, FileState::NotCompiled | FileState::NotBuilt)
                    && sources.contains(&f.file.as_str())
            })
        {
            return None;
        }
        // The names of the sources this configuration does not compile (not `tools/` or
        // another architecture's, which say nothing of this kernel), and of their
        // directories of which nothing is proven compiled (`drivers/e1000/` names no header
        // while `e1000/main.c` is compiled).
        let mut source_parts = BTreeSet::new();
        for f in deciding.iter().filter(|f| {
            matches!(f.state, FileState::NotCompiled | FileState::NotBuilt)
                && sources.contains(&f.file.as_str())
        }) {
            let (dir, name) = f.file.rsplit_once('/').unwrap_or(("", &f.file));
            source_parts.extend(parts(name));
            let mut d = dir;
            while let Some((up, last)) = d.rsplit_once('/') {
                if self.nothing_compiled_under(d).is_ok() {
                    source_parts.extend(parts(last));
                }
                d = up;
            }
        }
        // A part that also names compiled code (`bpf` while `kernel/bpf/core.c` is compiled)
        // may tie the header to that code instead: it names nothing.
        unknown
            .iter()
            .map(|h| {
                let h: &'f FileFact = h;
                let name = h.file.strip_prefix("include/").unwrap_or(&h.file);
                parts(name)
                    .into_iter()
                    .find(|t| source_parts.contains(t) && !self.compiled.names_part(t))
                    .map(|t| (h.file.as_str(), t))
            })
            .collect()
    }

    /// Triage one finding from the files its record names.
    pub fn triage(&self, program_files: &[String]) -> Decision {
        let files: Vec<FileFact> = program_files.iter().map(|f| self.file(f)).collect();
        let deciding: Vec<&FileFact> = files
            .iter()
            .filter(|f| f.state != FileState::Ignored)
            .collect();
        let decision = |status, justification, layer, reason: String| Decision {
            status,
            justification,
            layer,
            reason,
            files: files.clone(),
        };
        if deciding.is_empty() {
            let reason = if files.is_empty() {
                "the record names no files".to_string()
            } else {
                "the record names only build or documentation files".to_string()
            };
            return decision(
                Status::UnderInvestigation,
                None,
                Layer::Insufficient,
                reason,
            );
        }
        if let Some(f) = deciding.iter().find(|f| f.state == FileState::Compiled) {
            return decision(
                Status::Affected,
                None,
                Layer::Compiled,
                format!("{}: {}", f.file, f.evidence),
            );
        }
        let unknown: Vec<&&FileFact> = deciding
            .iter()
            .filter(|f| f.state == FileState::Unknown)
            .collect();
        if let Some(named) = self.headers_named_for_sources(&deciding, &unknown) {
            let reason = deciding
                .iter()
                .map(|f| match named.iter().find(|(h, _)| *h == f.file) {
                    Some((_, token)) => format!(
                        "{}: the fix's shared header, named for its sources (`{token}`), which are not compiled",
                        f.file
                    ),
                    None => format!("{}: {}", f.file, f.evidence),
                })
                .collect::<Vec<_>>()
                .join("; ");
            return decision(
                Status::NotAffected,
                Some(Justification::VulnerableCodeNotPresent),
                Layer::SubsystemHeader,
                reason,
            );
        }
        if !unknown.is_empty() {
            let reason = unknown
                .iter()
                .map(|f| format!("{}: {}", f.file, f.evidence))
                .collect::<Vec<_>>()
                .join("; ");
            return decision(
                Status::UnderInvestigation,
                None,
                Layer::Insufficient,
                reason,
            );
        }
        let layer = if deciding.iter().any(|f| f.state == FileState::NotBuilt) {
            Layer::BuildList
        } else if deciding.iter().any(|f| f.state == FileState::NotCompiled) {
            Layer::KernelConfig
        } else if deciding
            .iter()
            .any(|f| f.state == FileState::OtherArchitecture)
        {
            Layer::Architecture
        } else {
            Layer::NotImageCode
        };
        let reason = deciding
            .iter()
            .map(|f| format!("{}: {}", f.file, f.evidence))
            .collect::<Vec<_>>()
            .join("; ");
        decision(
            Status::NotAffected,
            Some(Justification::VulnerableCodeNotPresent),
            layer,
            reason,
        )
    }
}
