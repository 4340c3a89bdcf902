//! `craft kernel …`: facts about a kernel build computed from its tree and `.config`.

use crate::{output, Ctx, Format};
use anyhow::Context;
use clap::Subcommand;
use craft_kernel::{compiled_files, Compiled, Config, Tree};
use std::path::PathBuf;

/// Kernel build facts.
#[derive(Debug, Subcommand)]
pub enum KernelCommand {
    /// The source files (`.c`, `.S`) a configuration compiles into the kernel image or as
    /// modules, from the tree's Kbuild Makefiles (no build needed).
    ///
    /// Prints the paths relative to the tree, one per line, sorted. `--format json` adds,
    /// per file, how it is built (built-in, module, library, extra, target), the `CONFIG_`
    /// symbols and the Makefile lines that decided it, the objects whose sources are
    /// generated, and every construct the evaluator could not follow (a directory with one
    /// is "uncertain": its absent files are not proof of anything). Warnings go to stderr.
    #[command(after_help = "\
Examples:
  craft kernel files --config .config --tree ~/src/linux
  craft kernel files --config configs/imx.config --tree linux --file-list linux/FILELIST
  craft --format json kernel files --config .config --tree linux | jq '.files[0]'

The architecture comes from the configuration's header (`# Linux/arm64 6.1.192 Kernel
Configuration`) or its architecture symbol; --arch overrides it (x86_64, arm, arm64, mips…).
Host programs (scripts/, tools/, hostprogs) are not listed: they do not run on the device.")]
    Files {
        #[command(flatten)]
        kernel: KernelArgs,
    },
}

/// The kernel build: its configuration and its tree.
#[derive(Debug, clap::Args)]
pub struct KernelArgs {
    /// The kernel configuration (`.config`).
    #[arg(long)]
    config: PathBuf,
    /// The kernel source tree (its top-level Makefile, Kbuild files, sources).
    #[arg(long)]
    tree: PathBuf,
    /// The tree's file paths, one per line, when the sources themselves are not at hand
    /// (default: walk the tree).
    #[arg(long)]
    file_list: Option<PathBuf>,
    /// The architecture (ARCH), when the configuration does not say.
    #[arg(long)]
    arch: Option<String>,
}

impl KernelArgs {
    /// Read the configuration (its problems to stderr) and the tree, and walk the
    /// Makefiles.
    pub fn load(&self, ctx: Ctx) -> anyhow::Result<(Config, Tree, Compiled)> {
        let cfg = Config::parse(&fs_err::read_to_string(&self.config)?);
        for (line, message) in &cfg.problems {
            eprintln!("warning: {}:{line}: {message}", self.config.display());
        }
        let spinner = output::spinner(ctx, "reading the tree");
        let t = Tree::open(&self.tree, self.file_list.as_deref())?;
        spinner.set_message("evaluating Kbuild Makefiles");
        let out = compiled_files(&t, &cfg, self.arch.as_deref())
            .with_context(|| format!("cannot walk the kernel tree `{}`", self.tree.display()))?;
        spinner.finish_and_clear();
        for d in &out.diagnostics {
            let level = if d.uncertain { "warning" } else { "note" };
            eprintln!("{level}: {}:{}: {}", d.file, d.line, d.message);
        }
        if !out.uncertain_directories.is_empty() {
            eprintln!(
                "warning: {} director{} uncertain (a construct craft cannot follow may hide files): {}",
                out.uncertain_directories.len(),
                if out.uncertain_directories.len() == 1 { "y is" } else { "ies are" },
                out.uncertain_directories.join(", ")
            );
        }
        Ok((cfg, t, out))
    }
}

/// Run a `craft kernel` command; the exit code on success.
pub fn run(cmd: KernelCommand, ctx: Ctx) -> anyhow::Result<u8> {
    match cmd {
        KernelCommand::Files { kernel } => {
            let (_, _, out) = kernel.load(ctx)?;
            match ctx.format {
                Format::Human => {
                    for f in &out.files {
                        println!("{}", f.path);
                    }
                }
                Format::Json => output::json(&out)?,
            }
            Ok(0)
        }
    }
}
