//! Entry points that turn bytes or paths into a [`Loaded`] SBOM.

use crate::detect::{detect, Detected};
use crate::dom::{self, Value};
use crate::schema::SchemaId;
use crate::{cyclonedx, spdx2, spdx3, yocto, Diagnostic, ReadError};
use bumpalo::Bump;
use craft_model::Sbom;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Limits applied while reading untrusted input.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Largest file (or archive entry, or whole unpacked archive) accepted, in bytes.
    pub max_size: u64,
    /// Most entries read from one archive or directory.
    pub max_entries: usize,
    /// Validate each document against its official schema while reading, on a second
    /// thread beside the interpreter. The result lands in [`JsonDocument::schema_findings`],
    /// where [`crate::check::check`] takes it: the parsed document is not kept after reading.
    pub validate_schema: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_size: 1 << 30,
            max_entries: 100_000,
            validate_schema: true,
        }
    }
}

/// One document that was read, and its verdict by its official schema.
///
/// The schema validates the JSON form (for XML and tag-value input: the lowered form), while
/// the document is read; the parsed form itself is not kept.
#[derive(Debug, Clone)]
pub struct JsonDocument {
    /// The schema the document declares (by format and spec version), if craft ships it.
    pub schema: Option<SchemaId>,
    /// Entry inside an archive or directory, when the document came from one.
    pub entry: Option<String>,
    /// Schema findings; `None` when [`ReadOptions::validate_schema`] was off.
    pub schema_findings: Option<Vec<Diagnostic>>,
}

/// An SBOM that was read, with what the reader noticed.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file or directory it came from.
    pub path: PathBuf,
    /// The model.
    pub sbom: Sbom,
    /// What the reader skipped or could not interpret (never fatal).
    pub diagnostics: Vec<Diagnostic>,
    /// Every document read (one, or one per Yocto recipe document).
    pub documents: Vec<JsonDocument>,
}

/// Read a file or a directory (a Yocto SPDX deploy directory) as an SBOM.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<Loaded, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs_err::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return yocto::read_dir(path, opts);
    }
    let file = fs_err::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // One allocation of the right size instead of doubling (and copying) up to it.
    let expected = meta.len().min(opts.max_size).saturating_add(1);
    let _ = bytes.try_reserve_exact(usize::try_from(expected).unwrap_or(0));
    read_limited_into(path, file, opts.max_size, &mut bytes)?;
    read_bytes(path, bytes, opts)
}

/// Read everything from `r`, failing once more than `limit` bytes arrive.
pub(crate) fn read_limited(path: &Path, r: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    read_limited_into(path, r, limit, &mut buf)?;
    Ok(buf)
}

/// [`read_limited`] into `buf`.
fn read_limited_into(
    path: &Path,
    r: impl Read,
    limit: u64,
    buf: &mut Vec<u8>,
) -> Result<(), ReadError> {
    r.take(limit + 1)
        .read_to_end(buf)
        .map_err(|source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(())
}

/// Read an SBOM from bytes; `path` names the source in messages.
pub fn read_bytes(path: &Path, bytes: Vec<u8>, opts: &ReadOptions) -> Result<Loaded, ReadError> {
    match detect(&bytes) {
        Detected::Zstd | Detected::Tar => yocto::read_archive(path, &bytes, opts),
        Detected::Json => {
            let text = utf8(path, &bytes)?;
            let bump = Bump::new();
            let value = parse_json(path, text, &bump)?;
            from_dom(path, &value, None, opts.validate_schema)
        }
        Detected::Xml => {
            let text = utf8(path, &bytes)?;
            let (value, mut diags) = cyclonedx::xml::to_json(text, path)?;
            let mut loaded = from_serde(path, &value, opts.validate_schema)?;
            set_encoding(&mut loaded, craft_model::Encoding::Xml);
            diags.append(&mut loaded.diagnostics);
            loaded.diagnostics = diags;
            Ok(loaded)
        }
        Detected::TagValue => {
            let text = utf8(path, &bytes)?;
            // Classic-Mac line ends (a lone CR) are seen in the wild, also mixed with LF
            // (pub.dev's `sbom` tool); the lowering splits on LF.
            let text: std::borrow::Cow<'_, str> = if text.contains('\r') {
                text.replace("\r\n", "\n").replace('\r', "\n").into()
            } else {
                text.into()
            };
            let (value, mut diags) = spdx2::tagvalue::to_json(&text, path)?;
            let mut loaded = from_serde(path, &value, opts.validate_schema)?;
            set_encoding(&mut loaded, craft_model::Encoding::TagValue);
            diags.append(&mut loaded.diagnostics);
            loaded.diagnostics = diags;
            Ok(loaded)
        }
        Detected::Unknown(reason) => Err(ReadError::UnknownFormat {
            path: path.to_path_buf(),
            reason,
        }),
    }
}

/// Record the encoding a lowered document was read from.
fn set_encoding(loaded: &mut Loaded, encoding: craft_model::Encoding) {
    if let Some(f) = loaded.sbom.document.format.as_mut() {
        f.encoding = encoding;
    }
}

/// Check that `bytes` is UTF-8 (a leading BOM is skipped).
pub(crate) fn utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.valid_up_to(),
    })
}

/// Parse JSON text into `bump`; nesting depth is bounded (128), so depth bombs fail cleanly.
pub(crate) fn parse_json<'a>(
    path: &Path,
    text: &'a str,
    bump: &'a Bump,
) -> Result<Value<'a>, ReadError> {
    dom::parse(text, bump).map_err(|e| ReadError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Interpret the JSON form a lowering (XML, tag-value) produced.
fn from_serde(path: &Path, value: &serde_json::Value, validate: bool) -> Result<Loaded, ReadError> {
    let bump = Bump::new();
    from_dom(path, &Value::from_serde(value, &bump), None, validate)
}

/// Interpret a JSON document of any known format.
pub(crate) fn from_dom(
    path: &Path,
    value: &Value<'_>,
    entry: Option<String>,
    validate: bool,
) -> Result<Loaded, ReadError> {
    let unknown = |reason: String| ReadError::UnknownFormat {
        path: path.to_path_buf(),
        reason,
    };
    let Some(obj) = value.as_object() else {
        return Err(unknown(format!(
            "the top-level JSON value is {}, not an object",
            value.type_name()
        )));
    };
    type Interpreter = fn(&Value<'_>) -> Result<(Sbom, Vec<Diagnostic>), (String, String)>;
    let (interpret, schema): (Interpreter, Option<SchemaId>) = if obj.get("bomFormat").is_some()
        || obj.get("specVersion").is_some() && obj.get("spdxVersion").is_none()
    {
        (cyclonedx::from_dom, SchemaId::for_cyclonedx(value))
    } else if obj.get("spdxVersion").is_some() || obj.get("SPDXID").is_some() {
        (spdx2::from_dom, SchemaId::for_spdx2(value))
    } else if obj.get("@context").is_some() || obj.get("@graph").is_some() {
        (spdx3::from_dom, SchemaId::for_spdx3(value))
    } else {
        return Err(unknown(
            "a JSON object without `bomFormat` (CycloneDX), `spdxVersion` (SPDX 2) or \
             `@context` (SPDX 3)"
                .to_string(),
        ));
    };
    // Schema validation and interpretation only read the value: run them side by side.
    let (interpreted, schema_findings) = match schema.filter(|_| validate) {
        Some(id) => std::thread::scope(|s| {
            let validation = s.spawn(|| crate::schema::validate_dom(id, value));
            let interpreted = interpret(value);
            let findings = validation
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (interpreted, Some(findings))
        }),
        None => (interpret(value), None),
    };
    let (sbom, diagnostics) = interpreted.map_err(|(pointer, message)| ReadError::Structure {
        path: path.to_path_buf(),
        pointer,
        message,
    })?;
    let diagnostics = diagnostics
        .into_iter()
        .map(|mut d| {
            d.location.entry.clone_from(&entry);
            d
        })
        .collect();
    Ok(Loaded {
        path: path.to_path_buf(),
        sbom,
        diagnostics,
        documents: vec![JsonDocument {
            schema,
            entry,
            schema_findings,
        }],
    })
}
