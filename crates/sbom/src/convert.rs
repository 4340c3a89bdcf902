//! Conversion: write the model as CycloneDX 1.6 or SPDX 2.3 JSON, and say what was dropped.
//!
//! A writer never drops silently: every value the target format cannot hold becomes a
//! [`Dropped`] entry, and [`convert`] validates its own output against the official schema
//! before handing it back, so a conversion that would produce an invalid document is an
//! error, not a file.

use crate::schema::{self, SchemaId};
use crate::{cyclonedx, spdx2, Diagnostic};
use craft_model::Sbom;
use serde::Serialize;
use serde_json::Value;

/// A target format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// CycloneDX 1.6 JSON.
    CycloneDx16,
    /// SPDX 2.3 JSON.
    Spdx23,
}

impl Target {
    /// The schema the output must satisfy.
    pub fn schema(self) -> SchemaId {
        match self {
            Target::CycloneDx16 => SchemaId::CycloneDx16,
            Target::Spdx23 => SchemaId::Spdx23,
        }
    }
}

/// A value the target format could not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// The component it belonged to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// The model field, e.g. `cpes[1]`, `license_concluded`, `relationships`.
    pub field: String,
    /// Why it could not be written.
    pub reason: String,
}

/// A written document.
#[derive(Debug, Clone)]
pub struct Written {
    /// The JSON document.
    pub value: Value,
    /// What could not be written.
    pub dropped: Vec<Dropped>,
}

/// Why a conversion failed.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// The writer produced a document its own schema rejects: a defect in craft.
    #[error(
        "the converted document is not valid {}: {} (please report this as a bug)",
        .schema.name(),
        .findings.first().map(|f| format!("{} at {}", f.message, f.location)).unwrap_or_default()
    )]
    InvalidOutput {
        /// The schema.
        schema: SchemaId,
        /// What the schema said.
        findings: Vec<Diagnostic>,
    },
}

/// Convert a model to `target`, validating the output against the official schema.
pub fn convert(sbom: &Sbom, target: Target) -> Result<Written, ConvertError> {
    let written = match target {
        Target::CycloneDx16 => cyclonedx::write::write(sbom),
        Target::Spdx23 => spdx2::write::write(sbom),
    };
    let findings = schema::validate(target.schema(), &written.value);
    if !findings.is_empty() {
        return Err(ConvertError::InvalidOutput {
            schema: target.schema(),
            findings,
        });
    }
    Ok(written)
}

/// A deterministic UUID (RFC 9562 version 8, name-based on SHA-256) for `name`, so that the
/// same input always converts to the same document.
pub(crate) fn name_uuid(name: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn name_uuid_is_stable_and_well_formed() {
        let a = super::name_uuid("x");
        assert_eq!(a, super::name_uuid("x"));
        assert_ne!(a, super::name_uuid("y"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
    }
}
