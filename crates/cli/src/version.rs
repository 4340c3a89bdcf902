//! `craft version …`: compare versions and test range membership, for debugging and scripts.

use crate::{output, Ctx, Format};
use clap::Subcommand;
use craft_version::vers::Range;
use craft_version::{compare, Scheme};
use serde::Serialize;
use std::cmp::Ordering;

/// Compare versions and evaluate vers ranges.
#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// Order two versions: print exactly one of `<`, `=`, `>`.
    ///
    /// Exits 0 with the answer, or 2 when a version is not valid for the scheme (craft
    /// never guesses an order for a string it cannot read).
    #[command(after_help = "\
Examples:
  craft version compare 1.0~rc1-1 1.0-1 --scheme deb        # <
  craft version compare 1:2.0-1.el9 2.1-1.el9 --scheme rpm  # >
  craft version compare 1.0.2k 1.0.2u --scheme generic      # <
  craft version compare 5.10-rc3 5.10 --scheme kernel       # <

Schemes: deb, rpm, apk, maven, nuget, pypi, gem, npm, cargo, golang, semver, kernel,
generic (docs/identity.md has the rules of each).")]
    Compare {
        /// The first version.
        a: String,
        /// The second version.
        b: String,
        /// Versioning scheme: a package-URL type, or `semver` / `kernel`.
        #[arg(long, short)]
        scheme: String,
    },
    /// Whether a version lies in a vers range: print `affected` or `not-affected`.
    ///
    /// The range's scheme (`vers:<scheme>/…`) decides how versions order. Exits 0 with the
    /// answer, or 2 when the range or the version cannot be read.
    #[command(after_help = "\
Examples:
  craft version in-range 1.1.1k-1 'vers:deb/>=1.1.1|<1.1.1n-0+deb11u1'   # affected
  craft version in-range 6.1.55 'vers:kernel/>=6.1|<6.1.52'             # not-affected
  craft --format json version in-range 2.0.3 'vers:npm/>=2.0.0|<2.0.5'")]
    InRange {
        /// The version.
        version: String,
        /// The range, e.g. `vers:deb/>=1.0|<1.2-3`.
        range: String,
    },
}

#[derive(Serialize)]
struct Compared<'a> {
    scheme: &'a str,
    a: &'a str,
    b: &'a str,
    order: &'static str,
}

#[derive(Serialize)]
struct InRange<'a> {
    version: &'a str,
    range: String,
    scheme: &'a str,
    affected: bool,
}

/// Run a `craft version` command; the exit code on success.
pub fn run(cmd: VersionCommand, ctx: Ctx) -> anyhow::Result<u8> {
    match cmd {
        VersionCommand::Compare { a, b, scheme } => {
            let scheme: Scheme = scheme.parse()?;
            let order = match compare(scheme, &a, &b)? {
                Ordering::Less => "<",
                Ordering::Equal => "=",
                Ordering::Greater => ">",
            };
            match ctx.format {
                Format::Human => println!("{order}"),
                Format::Json => output::json(&Compared {
                    scheme: scheme.name(),
                    a: &a,
                    b: &b,
                    order,
                })?,
            }
        }
        VersionCommand::InRange { version, range } => {
            let r = Range::parse(&range)?;
            let affected = r.contains(&version)?;
            match ctx.format {
                Format::Human => println!("{}", if affected { "affected" } else { "not-affected" }),
                Format::Json => output::json(&InRange {
                    version: &version,
                    range: r.to_string(),
                    scheme: &r.scheme,
                    affected,
                })?,
            }
        }
    }
    Ok(0)
}
