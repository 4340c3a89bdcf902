//! `craft`: the command line of the craft toolkit.
//!
//! A thin front: it parses arguments (clap derive), calls the library crates, and renders
//! their results as a human report (tables, colour when on a terminal) or as JSON
//! (`--format json`). It is the only crate that knows the terminal.
//!
//! Exit codes (documented in README.md):
//! - `0`: the command ran and nothing reached the `--fail-on` threshold;
//! - `1`: the command ran and a finding reached the threshold (policy failure);
//! - `2`: usage error, or an input could not be read at all.

#![allow(clippy::print_stdout, clippy::print_stderr)]

/// `println!` for the whole binary: through `anstream` (colours stripped when stdout is not a
/// terminal), and a closed stdout (`craft … | head`) ends the process quietly instead of
/// panicking as std's `println!` does.
macro_rules! println {
    () => { $crate::output::line(format_args!("")) };
    ($($arg:tt)*) => { $crate::output::line(format_args!($($arg)*)) };
}

mod advisory;
mod check;
mod db;
mod decide;
mod id;
mod kernel;
mod output;
mod report;
mod requirements;
mod risk;
mod sbom;
mod scan;
mod scope;
mod triage;
mod version;
mod vex;

use clap::{Parser, Subcommand, ValueEnum};

/// mimalloc: glibc's allocator spent a third of the time of reading a 100k-component SBOM
/// in `malloc_consolidate`/`free` (measured with perf; see docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

/// craft: get connected devices through the EU Cyber Resilience Act and keep them there.
#[derive(Debug, Parser)]
#[command(name = "craft", version, about, long_about = None, after_help = EXAMPLES)]
struct Cli {
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Do not show progress bars.
    #[arg(long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "\
Examples:
  craft sbom check firmware.cdx.json
  craft sbom check --only schema --fail-on error rootfs.spdx.json
  craft sbom convert rootfs.spdx.json --to cyclonedx -o rootfs.cdx.json
  craft sbom merge u-boot.cdx.json kernel.spdx.json rootfs.spdx.tar.zst -o product.cdx.json
  craft sbom diff release-1.0.cdx.json release-1.1.cdx.json
  craft id parse 'cpe:2.3:o:linux:linux_kernel:6.1.55:*:*:*:*:*:*:*'
  craft version compare 1.0~rc1-1 1.0-1 --scheme deb
  craft version in-range 1.1.1k-1 'vers:deb/>=1.1.1|<1.1.1n-0+deb11u1'
  craft db import osv-all.zip known_exploited_vulnerabilities.json
  craft db show CVE-2021-44228
  craft scan rootfs.spdx.json --fail-on kev,critical
  craft check examples/gateway
  craft risk check examples/gateway
  craft kernel files --config .config --tree ~/src/linux
  craft triage kernel --version 6.1.192 --config .config --tree ~/src/linux
  craft vex convert kernel.openvex.json --to cyclonedx -o kernel.vex.cdx.json
  craft vex validate kernel.csaf.json

Exit codes: 0 ok, 1 a finding reached --fail-on, 2 usage error or unreadable input.";

/// Output format of every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables and text for people.
    Human,
    /// One JSON document on stdout, for programs.
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read, validate, convert, merge and diff SBOMs.
    #[command(subcommand)]
    Sbom(sbom::SbomCommand),
    /// Parse package identifiers: package URLs and CPE names.
    #[command(subcommand)]
    Id(id::IdCommand),
    /// Compare versions and evaluate vers ranges (Debian, RPM, Alpine, SemVer, kernel…).
    #[command(subcommand)]
    Version(version::VersionCommand),
    /// Import and query the local vulnerability database (OSV, NVD, CVE 5, KEV, EPSS).
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Match SBOMs against the local vulnerability database, with evidence and priorities.
    Scan(scan::ScanArgs),
    /// Check a product directory (craft.toml): every release scanned, and the CRA gaps.
    Check(check::CheckArgs),
    /// Decide the product's CRA scope: applicability, class, conformity routes, dates.
    Scope(scope::ScopeArgs),
    /// Article 14 cases: actively exploited vulnerabilities and severe incidents, their
    /// clocks, and drafts of each submission.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// The Annex I essential requirements: the catalogue, and the product's evidence judged.
    #[command(subcommand)]
    Requirements(requirements::RequirementsCommand),
    /// Risk assessment as code: threat-model.toml rated (ISO/SAE 21434), checked by rules,
    /// linked to live findings, and rendered.
    #[command(subcommand)]
    Risk(risk::RiskCommand),
    /// Disclosure documents: RFC 9116 security.txt and the coordinated vulnerability
    /// disclosure policy.
    #[command(subcommand)]
    Advisory(advisory::AdvisoryCommand),
    /// Kernel build facts: the source files a configuration compiles.
    #[command(subcommand)]
    Kernel(kernel::KernelCommand),
    /// Decide findings from facts of the build, with proof (VEX statuses and justifications).
    #[command(subcommand)]
    Triage(triage::TriageCommand),
    /// Show, convert and validate VEX documents (OpenVEX, CycloneDX VEX, CSAF 2.0 VEX).
    #[command(subcommand)]
    Vex(vex::VexCommand),
}

/// Global settings every command gets.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// Output format.
    pub format: Format,
    /// Hide progress.
    pub quiet: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let ctx = Ctx {
        format: cli.format,
        quiet: cli.quiet,
    };
    let result = match cli.command {
        Command::Sbom(cmd) => sbom::run(cmd, ctx),
        Command::Version(cmd) => version::run(cmd, ctx),
        Command::Id(cmd) => id::run(cmd, ctx),
        Command::Db(cmd) => db::run(cmd, ctx),
        Command::Scan(args) => scan::run(args, ctx),
        Command::Check(args) => check::run(args, ctx),
        Command::Scope(args) => scope::run(args, ctx),
        Command::Report(cmd) => report::run(cmd, ctx),
        Command::Requirements(cmd) => requirements::run(cmd, ctx),
        Command::Risk(cmd) => risk::run(cmd, ctx),
        Command::Advisory(cmd) => advisory::run(cmd, ctx),
        Command::Kernel(cmd) => kernel::run(cmd, ctx),
        Command::Triage(cmd) => triage::run(cmd, ctx),
        Command::Vex(cmd) => vex::run(cmd, ctx),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            output::error(ctx, &e);
            ExitCode::from(2)
        }
    }
}
