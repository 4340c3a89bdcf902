//! craft's Linux kernel build facts: a `.config` ([`Config`]) and the source files it
//! compiles ([`compiled_files`]), computed from the tree's own Kbuild Makefiles by a small
//! GNU make evaluator ([`make`]) — no kernel build, no compiler, no shell.
//!
//! The kernel triage of `craft triage` stands on this: a kernel CVE whose `programFiles`
//! are all outside the compiled set is `not_affected` with the proof of the Makefile lines
//! and `CONFIG_` symbols that left them out; a file the walk could not decide is never
//! counted as "not compiled".

#![warn(missing_docs)]

pub mod built;
pub mod config;
pub mod kbuild;
pub mod make;
pub mod tree;

pub use built::Built;
pub use config::Config;
pub use kbuild::{compiled_files, name_parts, Absence, Compiled, CompiledFile, Excluded, How};
pub use tree::Tree;

use std::path::PathBuf;

/// Why the kernel facts cannot be computed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read.
    #[error("cannot read `{}`", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The directory is not a kernel tree.
    #[error("`{}` is not a kernel source tree (no top-level Makefile)", path.display())]
    NotATree {
        /// The directory.
        path: PathBuf,
    },
    /// The configuration names no architecture.
    #[error("the configuration names no architecture (no `# Linux/<arch>` header and no architecture symbol); pass --arch")]
    NoArch,
    /// The tree has no Makefile for the architecture.
    #[error("the kernel tree `{}` has no `arch/{arch}/Makefile`", tree.display())]
    UnknownArch {
        /// The architecture directory.
        arch: String,
        /// The tree.
        tree: PathBuf,
    },
}

impl Error {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
