//! Database bundles: a whole database moved between machines as one file.
//!
//! A bundle is a `.tar.zst` holding, in this order:
//! 1. `manifest.json` — format, schema version, creation time, size and SHA-256 of the
//!    database file, and the per-source status it holds;
//! 2. `manifest.sig` (optional) — the ed25519 signature of `manifest.json`'s bytes, hex;
//! 3. `craft.sqlite` — a compacted, consistent copy (`VACUUM INTO`) of the database.
//!
//! Importing verifies the size and checksum (and the signature, when a public key is given:
//! then an unsigned or wrongly signed bundle is refused), checks the copy's schema version
//! and integrity, and only then replaces the database's content in one SQLite backup step:
//! readers see the old database or the new, and an interrupted import leaves the old.

use crate::report::SourceStatus;
use crate::store::{SqliteStore, Store, DB_FILE, SCHEMA_VERSION};
use crate::Error;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The `format` of a bundle manifest.
pub const FORMAT: &str = "craft-vulndb-bundle";

/// What a bundle says about itself.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Manifest version (1).
    pub version: u32,
    /// The database schema version.
    pub schema: i64,
    /// When the bundle was made.
    pub created: String,
    /// Size of `craft.sqlite` in bytes.
    pub bytes: u64,
    /// SHA-256 of `craft.sqlite`, hex.
    pub sha256: String,
    /// What the database holds, per source.
    pub sources: Vec<SourceSummary>,
}

/// Per-source counts in a manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SourceSummary {
    /// The source.
    pub source: String,
    /// Records.
    pub records: i64,
    /// Newest modification.
    pub newest: Option<String>,
}

/// The result of reading a bundle.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BundleImport {
    /// Its manifest.
    pub manifest: Manifest,
    /// `verified` (with the given key), `unsigned`, or `signed, not verified` (no key
    /// given).
    pub signature: String,
}

/// Why a bundle was refused.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Not a bundle, or a damaged one.
    #[error("`{path}` is not a readable craft database bundle: {reason}")]
    Invalid {
        /// The bundle.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The signature does not verify, or is missing while a key was given.
    #[error("`{path}`: {reason}")]
    Signature {
        /// The bundle.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A key file is unreadable.
    #[error("key `{0}`: {1}")]
    Key(String, String),
    /// A store or IO error.
    #[error(transparent)]
    Store(#[from] Error),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A new signing key from the operating system's random source; returns the secret seed
/// (hex, to keep private) and the public key (hex, to give to importers).
pub fn keygen() -> Result<(String, String), BundleError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| BundleError::Key("(new)".into(), e.to_string()))?;
    let key = SigningKey::from_bytes(&seed);
    Ok((hex(&seed), hex(key.verifying_key().as_bytes())))
}

/// Read a secret key file (64 hex digits).
pub fn signing_key(path: &Path) -> Result<SigningKey, BundleError> {
    let text = fs_err::read_to_string(path)
        .map_err(|e| BundleError::Key(path.display().to_string(), e.to_string()))?;
    let bytes: [u8; 32] = unhex(&text)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| BundleError::Key(path.display().to_string(), "not 64 hex digits".into()))?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// A public key: 64 hex digits, given directly or in a file.
pub fn verifying_key(text_or_path: &str) -> Result<VerifyingKey, BundleError> {
    let text = if unhex(text_or_path).is_some_and(|b| b.len() == 32) {
        text_or_path.to_string()
    } else {
        fs_err::read_to_string(text_or_path)
            .map_err(|e| BundleError::Key(text_or_path.into(), e.to_string()))?
    };
    let bytes: [u8; 32] = unhex(&text)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| BundleError::Key(text_or_path.into(), "not 64 hex digits".into()))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|e| BundleError::Key(text_or_path.into(), e.to_string()))
}

fn sha256_file(path: &Path) -> Result<(String, u64), Error> {
    let mut f = fs_err::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((hex(&h.finalize()), n))
}

fn append(
    tar: &mut tar::Builder<impl Write>,
    name: &str,
    bytes: &[u8],
    out: &Path,
) -> Result<(), Error> {
    let mut h = tar::Header::new_gnu();
    h.set_size(bytes.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    tar.append_data(&mut h, name, bytes)
        .map_err(|e| Error::io(out, e))
}

/// Write the database of `store` to the bundle `out` (atomically: a temporary file renamed
/// into place), signed with `key` when given.
pub fn export(
    store: &SqliteStore,
    out: &Path,
    key: Option<&SigningKey>,
) -> Result<Manifest, BundleError> {
    let out_dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let scratch = tempfile::tempdir_in(&out_dir).map_err(|e| Error::io(&out_dir, e))?;
    let copy = scratch.path().join(DB_FILE);
    store
        .conn()
        .execute("VACUUM INTO ?1", [copy.to_string_lossy()])
        .map_err(|e| Error::db(store.dir(), "copy the database", e))?;
    let (sha256, bytes) = sha256_file(&copy)?;
    let status = store.status()?;
    let manifest = Manifest {
        format: FORMAT.into(),
        version: 1,
        schema: SCHEMA_VERSION,
        created: crate::now_rfc3339(),
        bytes,
        sha256,
        sources: status.sources.iter().map(summary).collect(),
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    let tmp = tempfile::NamedTempFile::new_in(&out_dir).map_err(|e| Error::io(&out_dir, e))?;
    {
        let enc =
            zstd::stream::write::Encoder::new(tmp.as_file(), 3).map_err(|e| Error::io(out, e))?;
        let mut tar = tar::Builder::new(enc.auto_finish());
        append(&mut tar, "manifest.json", &manifest_bytes, out)?;
        if let Some(k) = key {
            let sig = k.sign(&manifest_bytes);
            append(
                &mut tar,
                "manifest.sig",
                hex(&sig.to_bytes()).as_bytes(),
                out,
            )?;
        }
        let mut f = fs_err::File::open(&copy).map_err(|e| Error::io(&copy, e))?;
        tar.append_file(DB_FILE, f.file_mut())
            .map_err(|e| Error::io(out, e))?;
        tar.into_inner().map_err(|e| Error::io(out, e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(out, e))?;
    tmp.persist(out).map_err(|e| Error::io(out, e.error))?;
    Ok(manifest)
}

fn summary(s: &SourceStatus) -> SourceSummary {
    SourceSummary {
        source: s.source.to_string(),
        records: s.records,
        newest: s.newest.clone(),
    }
}

/// Replace the database in `dir` with the bundle's, after verifying it. With `key`, the
/// bundle must carry a valid signature by it.
pub fn import(
    dir: &Path,
    bundle: &Path,
    key: Option<&VerifyingKey>,
) -> Result<BundleImport, BundleError> {
    let invalid = |reason: String| BundleError::Invalid {
        path: bundle.to_path_buf(),
        reason,
    };
    fs_err::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let file = fs_err::File::open(bundle).map_err(|e| Error::io(bundle, e))?;
    let dec = zstd::stream::read::Decoder::new(file).map_err(|e| invalid(e.to_string()))?;
    let mut tar = tar::Archive::new(dec);
    let mut manifest: Option<(Manifest, Vec<u8>)> = None;
    let mut sig: Option<Signature> = None;
    let staged = tempfile::Builder::new()
        .prefix(".bundle-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let mut db_seen = false;
    for entry in tar.entries().map_err(|e| invalid(e.to_string()))? {
        let mut entry = entry.map_err(|e| invalid(e.to_string()))?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        match name.as_str() {
            "manifest.json" if manifest.is_none() => {
                let mut bytes = Vec::new();
                (&mut entry)
                    .take(1 << 20)
                    .read_to_end(&mut bytes)
                    .map_err(|e| invalid(e.to_string()))?;
                let m: Manifest = serde_json::from_slice(&bytes)
                    .map_err(|e| invalid(format!("manifest: {e}")))?;
                if m.format != FORMAT || m.version != 1 {
                    return Err(invalid(format!(
                        "manifest format `{}` version {}",
                        m.format, m.version
                    )));
                }
                if m.schema != SCHEMA_VERSION {
                    return Err(invalid(format!(
                        "schema version {} (this craft reads {SCHEMA_VERSION})",
                        m.schema
                    )));
                }
                manifest = Some((m, bytes));
            }
            "manifest.sig" if manifest.is_some() && sig.is_none() => {
                let mut text = String::new();
                (&mut entry)
                    .take(1024)
                    .read_to_string(&mut text)
                    .map_err(|e| invalid(e.to_string()))?;
                let bytes: [u8; 64] = unhex(&text)
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| invalid("manifest.sig is not 128 hex digits".into()))?;
                sig = Some(Signature::from_bytes(&bytes));
            }
            DB_FILE if !db_seen => {
                let Some((m, _)) = &manifest else {
                    return Err(invalid("the database comes before the manifest".into()));
                };
                db_seen = true;
                let mut h = Sha256::new();
                let mut buf = vec![0u8; 1 << 16];
                let mut n = 0u64;
                let mut out = staged.as_file();
                loop {
                    let k = entry.read(&mut buf).map_err(|e| invalid(e.to_string()))?;
                    if k == 0 {
                        break;
                    }
                    n += k as u64;
                    if n > m.bytes {
                        return Err(invalid(format!(
                            "the database is larger than the {} bytes the manifest states",
                            m.bytes
                        )));
                    }
                    h.update(&buf[..k]);
                    out.write_all(&buf[..k])
                        .map_err(|e| Error::io(staged.path(), e))?;
                }
                if n != m.bytes || hex(&h.finalize()) != m.sha256 {
                    return Err(invalid("the database's size or SHA-256 differs from the manifest (damaged in transit?)".into()));
                }
            }
            other => return Err(invalid(format!("unexpected entry `{other}`"))),
        }
    }
    let Some((manifest, manifest_bytes)) = manifest else {
        return Err(invalid("no manifest.json".into()));
    };
    if !db_seen {
        return Err(invalid("no craft.sqlite".into()));
    }
    let signature = match (key, sig) {
        (Some(k), Some(s)) => {
            k.verify(&manifest_bytes, &s)
                .map_err(|_| BundleError::Signature {
                    path: bundle.to_path_buf(),
                    reason: "the signature does not verify with the given key".into(),
                })?;
            "verified"
        }
        (Some(_), None) => {
            return Err(BundleError::Signature {
                path: bundle.to_path_buf(),
                reason: "the bundle is not signed, and a key was given".into(),
            })
        }
        (None, Some(_)) => "signed, not verified",
        (None, None) => "unsigned",
    };
    staged
        .as_file()
        .sync_all()
        .map_err(|e| Error::io(staged.path(), e))?;
    let src = rusqlite::Connection::open_with_flags(
        staged.path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .map_err(|e| Error::db(dir, "open the bundled database", e))?;
    let check: String = src
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| Error::db(dir, "check the bundled database", e))?;
    if check != "ok" {
        return Err(invalid(format!("integrity check: {check}")));
    }
    let schema: String = src
        .query_row("SELECT value FROM meta WHERE key='schema'", [], |r| {
            r.get(0)
        })
        .map_err(|e| Error::db(dir, "read the bundled schema version", e))?;
    if schema != SCHEMA_VERSION.to_string() {
        return Err(invalid(format!(
            "the database inside has schema version {schema}"
        )));
    }
    let mut live = SqliteStore::create(dir)?;
    {
        let backup = rusqlite::backup::Backup::new(&src, live.conn_mut())
            .map_err(|e| Error::db(dir, "replace the database", e))?;
        // One step copies every page in one transaction: readers see old or new.
        match backup
            .step(-1)
            .map_err(|e| Error::db(dir, "replace the database", e))?
        {
            rusqlite::backup::StepResult::Done => {}
            _ => {
                return Err(Error::Busy {
                    dir: dir.to_path_buf(),
                }
                .into())
            }
        }
    }
    drop(src);
    Ok(BundleImport {
        manifest,
        signature: signature.to_string(),
    })
}
