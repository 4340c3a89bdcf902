//! The format-neutral data model of craft.
//!
//! Every SBOM craft reads — CycloneDX, SPDX 2, SPDX 3, Yocto archives — lands in one
//! [`Sbom`]: a [`DocumentInfo`] (who made it, when, with which tools), a list of
//! [`Component`]s (identity, supplier, hashes, licences, files, references) and a list of
//! [`Relationship`]s between them, which is the dependency graph, not a flat list.
//!
//! **Architecture invariant:** this crate does no IO and knows no wire format. It holds the
//! values a reader extracted, as the document stated them (no normalisation that loses
//! information), plus the [`SourceFormat`] the values came from. Readers and writers live in
//! `craft-sbom`; the model must stay cheap to build and to compare so that matching and
//! diffing can be pure functions of it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The family of an SBOM format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormatKind {
    /// OWASP CycloneDX (ECMA-424).
    CycloneDx,
    /// SPDX 2.x (ISO/IEC 5962).
    Spdx2,
    /// SPDX 3.x (JSON-LD).
    Spdx3,
}

/// How a document was serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// JSON.
    Json,
    /// XML.
    Xml,
    /// SPDX tag-value text.
    TagValue,
    /// JSON-LD (SPDX 3).
    JsonLd,
}

/// The format, spec version and encoding a document was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceFormat {
    /// Format family.
    pub kind: FormatKind,
    /// Spec version as the document declares it, e.g. `1.6`, `2.3`, `3.0.1`.
    pub spec_version: String,
    /// Serialisation.
    pub encoding: Encoding,
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let family = match self.kind {
            FormatKind::CycloneDx => "CycloneDX",
            FormatKind::Spdx2 | FormatKind::Spdx3 => "SPDX",
        };
        let enc = match self.encoding {
            Encoding::Json => "JSON",
            Encoding::Xml => "XML",
            Encoding::TagValue => "tag-value",
            Encoding::JsonLd => "JSON-LD",
        };
        write!(f, "{family} {} {enc}", self.spec_version)
    }
}

/// A whole SBOM in the neutral model.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sbom {
    /// Document-level metadata.
    pub document: DocumentInfo,
    /// Every component (package, file, firmware, device…) the document lists.
    pub components: Vec<Component>,
    /// Edges between components (and between the document and its subjects).
    pub relationships: Vec<Relationship>,
    /// Ids of the components whose direct dependencies the document states explicitly,
    /// even when there are none (CycloneDX `dependencies[].ref`; SPDX `DEPENDS_ON NONE`
    /// or any outgoing dependency edge). A component absent from this set has an
    /// unknown dependency list.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub dependencies_stated: std::collections::BTreeSet<String>,
}

impl Sbom {
    /// The component with this document-local id, if any.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    /// Map from component id to its index in [`Sbom::components`].
    pub fn index_by_id(&self) -> BTreeMap<&str, usize> {
        self.components
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect()
    }

    /// Dependency-type edges (`depends-on` and its variants) only.
    pub fn dependency_edges(&self) -> impl Iterator<Item = &Relationship> {
        self.relationships.iter().filter(|r| r.kind.is_dependency())
    }
}

/// Metadata about the SBOM document itself.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// Where the values came from; `None` only for a model built in memory.
    pub format: Option<SourceFormat>,
    /// Document name (SPDX `name`, CycloneDX `metadata.component.name`).
    pub name: Option<String>,
    /// Unique document identity: SPDX `documentNamespace`, CycloneDX `serialNumber`,
    /// SPDX 3 `SpdxDocument` IRI.
    pub namespace: Option<String>,
    /// CycloneDX `version` (the BOM revision), when given.
    pub revision: Option<u64>,
    /// Creation time exactly as written (RFC 3339 expected).
    pub created: Option<String>,
    /// Who made the document: organisations and persons.
    pub authors: Vec<Party>,
    /// The tools that made the document.
    pub tools: Vec<Tool>,
    /// SPDX `dataLicense`.
    pub data_license: Option<String>,
    /// Ids of the components the document describes (SPDX `DESCRIBES`,
    /// CycloneDX `metadata.component`).
    pub subjects: Vec<String>,
    /// Document-level comment.
    pub comment: Option<String>,
}

/// An organisation or a person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Party {
    /// Kind of party.
    pub kind: PartyKind,
    /// Display name.
    pub name: String,
    /// E-mail address, when given.
    pub email: Option<String>,
    /// Web address, when given.
    pub url: Option<String>,
}

/// Whether a [`Party`] is an organisation or a person.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum PartyKind {
    /// A company or project.
    #[default]
    Organization,
    /// A natural person.
    Person,
}

/// A tool that produced or modified the document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Tool {
    /// Tool vendor, when given.
    pub vendor: Option<String>,
    /// Tool name.
    pub name: String,
    /// Tool version, when given.
    pub version: Option<String>,
}

/// The type of a component, in the CycloneDX vocabulary (SPDX purposes map onto it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    /// An application or executable.
    Application,
    /// A framework.
    Framework,
    /// A library (the default when nothing is stated).
    #[default]
    Library,
    /// A container image.
    Container,
    /// A platform.
    Platform,
    /// An operating system.
    OperatingSystem,
    /// A hardware device.
    Device,
    /// A device driver.
    DeviceDriver,
    /// Firmware.
    Firmware,
    /// A single file.
    File,
    /// A machine-learning model.
    MachineLearningModel,
    /// A data set.
    Data,
    /// A cryptographic asset.
    CryptographicAsset,
    /// Source code.
    Source,
    /// An archive (tarball, zip).
    Archive,
    /// An installable package.
    Install,
    /// Any other type, with the name the document used.
    Other(String),
}

/// A component: a package, a file, a firmware image, a device.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Component {
    /// Document-local id: CycloneDX `bom-ref`, SPDX `SPDXID`, SPDX 3 `spdxId`.
    /// Unique within the [`Sbom`]; readers synthesise one when the document has none.
    pub id: String,
    /// Component type.
    pub kind: ComponentKind,
    /// Name.
    pub name: String,
    /// Version string as written.
    pub version: Option<String>,
    /// CycloneDX `group` / Maven group, when given.
    pub group: Option<String>,
    /// The supplier (distributor) of the component.
    pub supplier: Option<Party>,
    /// The originator / author / manufacturer of the component.
    pub originator: Option<Party>,
    /// Package URLs (normally one).
    pub purls: Vec<String>,
    /// CPE 2.3 formatted strings or CPE 2.2 URIs, as written.
    pub cpes: Vec<String>,
    /// Other identifiers (SWID tag ids, OmniBOR ids, gitoid, SWHID…).
    pub other_ids: Vec<ExternalId>,
    /// Cryptographic hashes of the component's content.
    pub hashes: Vec<Hash>,
    /// Licence declared by the authors.
    pub license_declared: Option<License>,
    /// Licence concluded by the SBOM author after analysis.
    pub license_concluded: Option<License>,
    /// The file name the component ships as (SPDX `packageFileName`, CycloneDX
    /// property `bsi:component:filename`, a file component's name).
    pub file_name: Option<String>,
    /// Download location (SPDX `downloadLocation`, CycloneDX `distribution` reference).
    pub download_location: Option<String>,
    /// Copyright text.
    pub copyright: Option<String>,
    /// Description or summary.
    pub description: Option<String>,
    /// External references: website, VCS, advisories, build metadata…
    pub external_refs: Vec<ExternalRef>,
    /// Name/value properties (CycloneDX `properties`, SPDX annotations we keep).
    pub properties: Vec<Property>,
}

impl Component {
    /// A value of the property `name`, if any.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }
}

/// A name/value pair.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Property {
    /// Property name (namespaced by convention, e.g. `bsi:component:filename`).
    pub name: String,
    /// Value.
    pub value: String,
}

/// An identifier that is neither a purl nor a CPE.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExternalId {
    /// Identifier scheme, e.g. `swid`, `gitoid`, `swh`.
    pub scheme: String,
    /// The identifier.
    pub value: String,
}

/// A hash algorithm.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashAlg {
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
    /// BLAKE2b-256.
    Blake2b256,
    /// BLAKE2b-384.
    Blake2b384,
    /// BLAKE2b-512.
    Blake2b512,
    /// BLAKE3.
    Blake3,
    /// Any other algorithm, with its name as written.
    Other(String),
}

impl HashAlg {
    /// Parse an algorithm name in any of the spellings SBOM formats use
    /// (`SHA-256`, `SHA256`, `sha256`, `SHA3-256`, `BLAKE2b-256`…).
    pub fn parse(name: &str) -> HashAlg {
        let n: String = name
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_uppercase();
        match n.as_str() {
            "MD5" => HashAlg::Md5,
            "SHA1" => HashAlg::Sha1,
            "SHA224" => HashAlg::Sha224,
            "SHA256" => HashAlg::Sha256,
            "SHA384" => HashAlg::Sha384,
            "SHA512" => HashAlg::Sha512,
            "SHA3256" => HashAlg::Sha3_256,
            "SHA3384" => HashAlg::Sha3_384,
            "SHA3512" => HashAlg::Sha3_512,
            "BLAKE2B256" => HashAlg::Blake2b256,
            "BLAKE2B384" => HashAlg::Blake2b384,
            "BLAKE2B512" => HashAlg::Blake2b512,
            "BLAKE3" => HashAlg::Blake3,
            _ => HashAlg::Other(name.to_string()),
        }
    }

    /// The CycloneDX spelling (`SHA-256`, `SHA3-256`, `BLAKE2b-256`…).
    pub fn cyclonedx_name(&self) -> &str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha224 => "SHA-224",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
            HashAlg::Sha3_256 => "SHA3-256",
            HashAlg::Sha3_384 => "SHA3-384",
            HashAlg::Sha3_512 => "SHA3-512",
            HashAlg::Blake2b256 => "BLAKE2b-256",
            HashAlg::Blake2b384 => "BLAKE2b-384",
            HashAlg::Blake2b512 => "BLAKE2b-512",
            HashAlg::Blake3 => "BLAKE3",
            HashAlg::Other(s) => s,
        }
    }

    /// The SPDX 2 spelling (`SHA256`, `SHA3-256`, `BLAKE2b-256`…).
    pub fn spdx2_name(&self) -> &str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA1",
            HashAlg::Sha224 => "SHA224",
            HashAlg::Sha256 => "SHA256",
            HashAlg::Sha384 => "SHA384",
            HashAlg::Sha512 => "SHA512",
            other => other.cyclonedx_name(),
        }
    }

    /// The number of hex digits a digest of this algorithm has, when fixed.
    pub fn hex_len(&self) -> Option<usize> {
        Some(match self {
            HashAlg::Md5 => 32,
            HashAlg::Sha1 => 40,
            HashAlg::Sha224 => 56,
            HashAlg::Sha256 | HashAlg::Sha3_256 | HashAlg::Blake2b256 | HashAlg::Blake3 => 64,
            HashAlg::Sha384 | HashAlg::Sha3_384 | HashAlg::Blake2b384 => 96,
            HashAlg::Sha512 | HashAlg::Sha3_512 | HashAlg::Blake2b512 => 128,
            HashAlg::Other(_) => return None,
        })
    }
}

/// A hash of a component.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hash {
    /// Algorithm.
    pub alg: HashAlg,
    /// Digest, lower-case hex as the reader found it (readers lower-case it).
    pub value: String,
}

/// A licence statement.
///
/// Most documents give an SPDX licence expression; CycloneDX may instead give a named licence
/// without an SPDX id. `NOASSERTION` and `NONE` are kept as written: they are statements too.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum License {
    /// An SPDX licence expression, as written (`valid` says whether it parsed as one).
    Expression {
        /// The expression text.
        expression: String,
        /// Whether the text is a valid SPDX expression (with `LicenseRef-` allowed).
        valid: bool,
    },
    /// A licence known only by name (CycloneDX `license.name`).
    Named {
        /// The name.
        name: String,
    },
}

impl License {
    /// The text of the statement (expression or name).
    pub fn text(&self) -> &str {
        match self {
            License::Expression { expression, .. } => expression,
            License::Named { name } => name,
        }
    }

    /// Whether the statement asserts nothing (`NOASSERTION`, or empty).
    pub fn is_no_assertion(&self) -> bool {
        let t = self.text().trim();
        t.is_empty() || t.eq_ignore_ascii_case("NOASSERTION")
    }
}

/// A reference from a component to something outside the document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExternalRef {
    /// Reference type in the CycloneDX vocabulary (`website`, `vcs`, `advisories`,
    /// `distribution`, `documentation`, `other`…).
    pub kind: String,
    /// Target (URL or locator).
    pub url: String,
    /// Comment.
    pub comment: Option<String>,
}

/// The type of an edge between two components.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RelationshipKind {
    /// `from` depends on `to` (run-time or unspecified).
    DependsOn,
    /// `from` needs `to` to build.
    BuildDependsOn,
    /// `from` needs `to` to run tests or in development.
    DevDependsOn,
    /// `from` optionally depends on `to`.
    OptionalDependsOn,
    /// `from` contains `to` (nesting, files in a package).
    Contains,
    /// `from` was generated from `to` (binary from source).
    GeneratedFrom,
    /// `from` statically links `to`.
    StaticLink,
    /// `from` dynamically links `to`.
    DynamicLink,
    /// `from` describes `to` (document to subject).
    Describes,
    /// Any other relationship, with the name the document used.
    Other(String),
}

impl RelationshipKind {
    /// Whether the edge belongs to the dependency graph.
    pub fn is_dependency(&self) -> bool {
        matches!(
            self,
            RelationshipKind::DependsOn
                | RelationshipKind::BuildDependsOn
                | RelationshipKind::DevDependsOn
                | RelationshipKind::OptionalDependsOn
                | RelationshipKind::StaticLink
                | RelationshipKind::DynamicLink
        )
    }
}

/// A directed edge `from -> to` between two component ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Relationship {
    /// Source component id.
    pub from: String,
    /// Edge type.
    pub kind: RelationshipKind,
    /// Target component id.
    pub to: String,
}

/// A Unix time (seconds since 1970-01-01 UTC) as RFC 3339 text (`2026-11-28T16:12:56Z`),
/// computed without a time-zone database (Howard Hinnant's civil-from-days).
pub fn rfc3339_from_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// RFC 3339 text (`2026-11-28T16:12:56Z`, fractions and a `+hh:mm`/`-hh:mm` offset allowed)
/// as Unix seconds; `None` when it is not one.
pub fn unix_from_rfc3339(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = t.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let mut rest = &t[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let o = rest.get(1..)?;
            let (oh, om) = o.split_once(':')?;
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60)
        }
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss - offset)
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters and
/// everything else matches itself (case-sensitive: callers fold case when they mean to).
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(at) => rest = &rest[at + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_reads_back_to_unix_times() {
        for secs in [0u64, 951_782_400, 1_795_882_376, 4_102_444_800] {
            let text = super::rfc3339_from_unix(secs);
            assert_eq!(super::unix_from_rfc3339(&text), Some(secs as i64), "{text}");
        }
        assert_eq!(
            super::unix_from_rfc3339("2021-02-24T12:15:16.283"),
            Some(1_614_168_916)
        );
        assert_eq!(
            super::unix_from_rfc3339("1970-01-01T01:00:00+01:00"),
            Some(0)
        );
        assert_eq!(super::unix_from_rfc3339("2021-13-01T00:00:00Z"), None);
        assert_eq!(super::unix_from_rfc3339("yesterday"), None);
    }

    #[test]
    fn unix_times_format_as_rfc3339() {
        assert_eq!(super::rfc3339_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            super::rfc3339_from_unix(951_782_400),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            super::rfc3339_from_unix(1_795_882_376),
            "2026-11-28T16:12:56Z"
        );
    }

    use super::*;

    #[test]
    fn hash_alg_spellings_round_trip() {
        for alg in [
            HashAlg::Md5,
            HashAlg::Sha1,
            HashAlg::Sha256,
            HashAlg::Sha512,
            HashAlg::Sha3_256,
            HashAlg::Blake2b512,
            HashAlg::Blake3,
        ] {
            assert_eq!(HashAlg::parse(alg.cyclonedx_name()), alg);
            assert_eq!(HashAlg::parse(alg.spdx2_name()), alg);
        }
        assert_eq!(
            HashAlg::parse("whirlpool"),
            HashAlg::Other("whirlpool".into())
        );
    }

    #[test]
    fn dependency_edges_exclude_containment() {
        let sbom = Sbom {
            relationships: vec![
                Relationship {
                    from: "a".into(),
                    kind: RelationshipKind::DependsOn,
                    to: "b".into(),
                },
                Relationship {
                    from: "a".into(),
                    kind: RelationshipKind::Contains,
                    to: "c".into(),
                },
            ],
            ..Sbom::default()
        };
        let deps: Vec<_> = sbom.dependency_edges().map(|r| r.to.as_str()).collect();
        assert_eq!(deps, ["b"]);
    }
}
