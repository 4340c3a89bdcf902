//! Rendering helpers: JSON on stdout, errors on stderr, atomic file output, progress.

use crate::{Ctx, Format};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Write one line to stdout (see the crate's `println!`).
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = anstream::stdout().lock();
    if let Err(e) = writeln!(out, "{args}") {
        stdout_failed(&e);
    }
}

/// Stdout cannot be written: quietly done when the reader has gone, else an error (exit 2).
fn stdout_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    anstream::eprintln!("error: cannot write to stdout: {e}");
    std::process::exit(2);
}

/// Print `value` as pretty JSON on stdout.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    // Buffered: stdout is line-buffered, and a large report is many lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        stdout_failed(&e);
    }
    Ok(())
}

/// Report an error: `error: …` with its causes, or a JSON object with `--format json`.
pub fn error(ctx: Ctx, e: &anyhow::Error) {
    match ctx.format {
        Format::Json => {
            let causes: Vec<String> = e.chain().skip(1).map(ToString::to_string).collect();
            let v = serde_json::json!({"error": e.to_string(), "causes": causes});
            eprintln!("{v}");
        }
        Format::Human => {
            use owo_colors::OwoColorize;
            anstream::eprintln!("{} {e:#}", "error:".red().bold());
        }
    }
}

/// Write `bytes` to `path` atomically (temporary file in the same directory, then rename),
/// or to stdout when `path` is `-`. A failed write never leaves a partial file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes).context("cannot write to stdout")?;
        return Ok(());
    }
    staged(path, bytes)?
        .persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace `{}`", path.display()))?;
    Ok(())
}

/// Write `bytes` to a new file `path` atomically; an existing file is an error, never
/// replaced (two runs creating the same file: the second fails).
pub fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    staged(path, bytes)?
        .persist_noclobber(path)
        .map_err(|e| e.error)
        .with_context(|| {
            format!(
                "cannot create `{}` (does it exist already?)",
                path.display()
            )
        })?;
    Ok(())
}

/// `bytes` in a synced temporary file beside `path`, with the mode `path` should get.
fn staged(path: &Path, bytes: &[u8]) -> anyhow::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    keep_mode(tmp.as_file(), path);
    Ok(tmp)
}

/// Give the temporary file the mode of the file it replaces, or a new file's usual mode
/// (0644): a document craft writes is not a secret.
fn keep_mode(tmp: &std::fs::File, path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        let _ = tmp.set_permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (tmp, path);
}

/// A progress bar on stderr, hidden when stderr is not a terminal, with `--quiet`, or for
/// fewer than two items.
pub fn progress(ctx: Ctx, len: usize, what: &str) -> ProgressBar {
    if ctx.quiet || len < 2 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {wide_msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// A spinner on stderr counting files, hidden as [`progress`] is.
pub fn spinner(ctx: Ctx, what: &str) -> ProgressBar {
    if ctx.quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {pos} files {elapsed}") {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar
}

/// The current UTC time as RFC 3339, from the system clock.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    craft_model::rfc3339_from_unix(secs)
}

/// Today (UTC), as the CRA's dates count it.
pub fn today() -> craft_cra::Date {
    craft_cra::Date::from_unix(craft_model::unix_from_rfc3339(&now_rfc3339()).unwrap_or(0))
}

/// A `--today`-style argument: a day `YYYY-MM-DD` (not a month).
pub fn parse_day(s: &str) -> Result<craft_cra::Date, String> {
    craft_cra::Date::parse(s)
        .filter(|d| d.to_string().len() == 10)
        .ok_or_else(|| format!("`{s}` is not a day (YYYY-MM-DD)"))
}
