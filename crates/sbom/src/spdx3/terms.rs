//! The SPDX 3 vocabulary as it appears in the wild, reduced to one spelling.
//!
//! The same term reaches us compact (`software_Package`), as a full IRI
//! (`https://spdx.org/rdf/3.0.1/terms/Software/Package`), with a `spdx:` prefix
//! (`spdx:software_Package`, `spdx:Software/Package`), with a redundant `core_` profile, or
//! without its profile prefix (`packageVersion`, written by pre-release tools). [`local`]
//! reduces a type or enumeration value to its local name; [`El::get`] finds a property under
//! any of those spellings. Enumeration values ([`relationship`], [`purpose`], [`ref_kind`])
//! are mapped onto the model here, so the interpreter reads as the mapping it is.

use crate::dom::{Map, Value};
use craft_model::{ComponentKind, RelationshipKind};
use std::borrow::Cow;

/// The SPDX 3.0 profiles, as they prefix compact names (`software_`, `ai_`…).
const PROFILES: &[&str] = &[
    "core",
    "software",
    "simplelicensing",
    "expandedlicensing",
    "security",
    "build",
    "ai",
    "dataset",
    "lite",
    "extension",
];

/// The local name of a type, enumeration value or term: `Package` for `software_Package`,
/// `https://spdx.org/rdf/3.0.1/terms/Software/Package` and `spdx:Software/Package`;
/// `dependsOn` for `https://spdx.org/rdf/3.0.1/terms/Core/RelationshipType/dependsOn`.
pub(super) fn local(term: &str) -> &str {
    let t = term.trim();
    let t = t.rsplit(['/', '#']).next().unwrap_or(t);
    let t = t.rsplit(':').next().unwrap_or(t);
    strip_profile(t)
}

/// `packageVersion` for `software_packageVersion`; other names unchanged.
fn strip_profile(name: &str) -> &str {
    match name.split_once('_') {
        Some((p, rest)) if !rest.is_empty() && PROFILES.contains(&p) => rest,
        _ => name,
    }
}

/// The compact spelling of a property key: `software_packageVersion` for
/// `https://spdx.org/rdf/3.0.1/terms/Software/packageVersion`, `spdx:Software/packageVersion`
/// and `spdx:software_packageVersion`; `name` for `core_name` and `spdx:Core/name`.
fn compact_key(key: &str) -> Cow<'_, str> {
    if key.starts_with('@') {
        return Cow::Borrowed(key);
    }
    let k = key.strip_prefix("spdx:").unwrap_or(key);
    let k = match k.find("/terms/") {
        Some(i) => &k[i + "/terms/".len()..],
        None => k,
    };
    if let Some((path, name)) = k.rsplit_once('/') {
        let profile = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        if profile == "core" {
            return Cow::Borrowed(name);
        }
        return Cow::Owned(format!("{profile}_{name}"));
    }
    match k.strip_prefix("core_") {
        Some(rest) => Cow::Borrowed(rest),
        None => Cow::Borrowed(k),
    }
}

/// Whether `id` names an SPDX vocabulary individual (`NoneElement`, `spdx:…`, an IRI under
/// `spdx.org/rdf/`) rather than a document element.
pub(super) fn is_vocabulary(id: &str) -> bool {
    id.contains("spdx.org/rdf/") || id.starts_with("spdx:") || !id.contains(':')
}

/// One element (or nested object) of the graph, with lenient property access.
#[derive(Debug, Clone, Copy)]
pub(super) struct El<'a> {
    /// The JSON object.
    pub obj: &'a Map<'a>,
    /// Whether some key is spelled other than compact, so lookups must normalise keys.
    odd: bool,
}

impl<'a> El<'a> {
    /// Wrap an object.
    pub fn new(obj: &'a Map<'a>) -> Self {
        let odd = obj.keys().any(|k| {
            !k.starts_with('@') && (k.contains(':') || k.contains('/') || k.starts_with("core_"))
        });
        El { obj, odd }
    }

    /// The value of a property given by its compact name (`software_packageVersion`), under
    /// any spelling; `null` counts as absent.
    pub fn get(&self, key: &str) -> Option<&'a Value<'a>> {
        let found = self.obj.get(key).or_else(|| {
            let bare = strip_profile(key);
            let by_bare = (bare != key).then(|| self.obj.get(bare)).flatten();
            by_bare.or_else(|| {
                if !self.odd {
                    return None;
                }
                self.obj.iter().find_map(|(k, v)| {
                    let c = compact_key(k);
                    (c == key || c == bare).then_some(v)
                })
            })
        });
        found.filter(|v| !v.is_null())
    }

    /// The first of several property names that is present.
    pub fn get_any(&self, keys: &[&str]) -> Option<&'a Value<'a>> {
        keys.iter().find_map(|k| self.get(k))
    }

    /// A trimmed, non-empty string property (the first string of an array is accepted).
    pub fn str(&self, key: &str) -> Option<&'a str> {
        as_str(self.get(key)?)
    }

    /// The values of a property that may be one value or an array of them.
    pub fn items(&self, key: &str) -> &'a [Value<'a>] {
        items(self.get(key))
    }

    /// The element's id: `spdxId`, else `@id`.
    pub fn id(&self) -> Option<&'a str> {
        self.str("spdxId")
            .or_else(|| self.obj.get("@id").and_then(as_str))
    }

    /// The element's type as written: `type`, else `@type` (the first string of an array).
    pub fn type_name(&self) -> Option<&'a str> {
        self.str("type")
            .or_else(|| self.obj.get("@type").and_then(as_str))
    }

    /// Whether the object only names an element (`{"@id": …}`) rather than being one.
    pub fn is_reference(&self) -> bool {
        !self.obj.is_empty() && self.obj.keys().all(|k| k == "@id" || k == "spdxId")
    }
}

/// A trimmed, non-empty string (or the first such string of an array).
pub(super) fn as_str<'a>(v: &Value<'a>) -> Option<&'a str> {
    match v {
        Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(as_str),
        _ => None,
    }
}

/// One value or an array of values, as a slice.
pub(super) fn items<'a>(v: Option<&'a Value<'a>>) -> &'a [Value<'a>] {
    match v {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(one) => std::slice::from_ref(one),
    }
}

/// What an element is, for this reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ty {
    /// `software_Package`.
    Package,
    /// `ai_AIPackage`.
    AiPackage,
    /// `dataset_DatasetPackage`.
    DatasetPackage,
    /// `software_File`.
    File,
    /// `software_Snippet`.
    Snippet,
    /// `software_SoftwareArtifact` (abstract, but written by some tools).
    Artifact,
    /// `SpdxDocument`.
    Document,
    /// `software_Sbom`, `Bom`, `Bundle`: collections with root elements.
    Collection,
    /// `CreationInfo`.
    CreationInfo,
    /// `Person`.
    Person,
    /// `Organization`.
    Organization,
    /// `SoftwareAgent`.
    SoftwareAgent,
    /// `Agent`.
    Agent,
    /// `Tool`.
    Tool,
    /// `Relationship`, `LifecycleScopedRelationship`.
    Relationship,
    /// `build_Build`.
    Build,
    /// Licence information (expressions, listed and custom licences, operators, texts).
    Licensing,
    /// Security profile: vulnerabilities and VEX / CVSS / EPSS assessments.
    Security,
    /// Anything else (annotations, extensions, unknown types).
    Other,
}

impl Ty {
    /// Classify a type name in any spelling.
    pub fn of(type_name: &str) -> Ty {
        let l = local(type_name);
        match l {
            "Package" => Ty::Package,
            "AIPackage" => Ty::AiPackage,
            "DatasetPackage" => Ty::DatasetPackage,
            "File" => Ty::File,
            "Snippet" => Ty::Snippet,
            "SoftwareArtifact" => Ty::Artifact,
            "SpdxDocument" => Ty::Document,
            "Sbom" | "Bom" | "Bundle" => Ty::Collection,
            "CreationInfo" => Ty::CreationInfo,
            "Person" => Ty::Person,
            "Organization" | "SpdxOrganization" => Ty::Organization,
            "SoftwareAgent" => Ty::SoftwareAgent,
            "Agent" => Ty::Agent,
            "Tool" => Ty::Tool,
            "Relationship" | "LifecycleScopedRelationship" => Ty::Relationship,
            "Build" => Ty::Build,
            "LicenseExpression"
            | "SimpleLicensingText"
            | "AnyLicenseInfo"
            | "License"
            | "ListedLicense"
            | "CustomLicense"
            | "ExtendableLicense"
            | "ConjunctiveLicenseSet"
            | "DisjunctiveLicenseSet"
            | "OrLaterOperator"
            | "WithAdditionOperator"
            | "LicenseAddition"
            | "ListedLicenseException"
            | "CustomLicenseAddition"
            | "IndividualLicensingInfo"
            | "NoAssertionLicense"
            | "NoneLicense" => Ty::Licensing,
            "Vulnerability" => Ty::Security,
            l if l.ends_with("VulnAssessmentRelationship") => Ty::Security,
            _ => Ty::Other,
        }
    }

    /// Whether elements of this type become components.
    pub fn is_component(self) -> bool {
        matches!(
            self,
            Ty::Package
                | Ty::AiPackage
                | Ty::DatasetPackage
                | Ty::File
                | Ty::Snippet
                | Ty::Artifact
        )
    }
}

/// What a relationship type means to the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Rel {
    /// A model edge; `reverse` when the model's direction is `to -> from`.
    Edge {
        /// Edge kind.
        kind: RelationshipKind,
        /// Whether the model edge runs `to -> from`.
        reverse: bool,
    },
    /// `hasDeclaredLicense`.
    Declared,
    /// `hasConcludedLicense`.
    Concluded,
    /// `hasInput` (of a Build).
    Input,
    /// `hasOutput` (of a Build).
    Output,
    /// `hasDistributionArtifact`: an edge, and the artifact's name is the package's file name.
    Distribution,
}

/// Map a relationship type (local name) and a lifecycle scope onto the model.
///
/// The scope refines dependency types: `build` → build dependency, `development` and `test` →
/// development dependency. Names from pre-release drafts (`buildDependsOn`, `hasBuildTool`…)
/// are accepted. Types with no model counterpart are kept as `Other(name)`.
pub(super) fn relationship(rt: &str, scope: Option<&str>) -> Rel {
    use RelationshipKind as K;
    let scoped = |default: K| match scope {
        Some("build") => K::BuildDependsOn,
        Some("development" | "test") => K::DevDependsOn,
        Some("runtime") => K::DependsOn,
        _ => default,
    };
    let kind = match rt {
        "dependsOn" | "hasPrerequisite" => scoped(K::DependsOn),
        "usesTool" | "hasBuildTool" => scoped(K::BuildDependsOn),
        "buildDependsOn" | "hasBuildDependency" => K::BuildDependsOn,
        "devDependsOn" | "hasDevDependency" | "hasDevTool" | "hasTestTool" | "testDependsOn" => {
            K::DevDependsOn
        }
        "hasOptionalDependency" | "optionalDependsOn" => K::OptionalDependsOn,
        "contains" => K::Contains,
        "hasStaticLink" => K::StaticLink,
        "hasDynamicLink" => K::DynamicLink,
        "describes" => K::Describes,
        "generatedFrom" => K::GeneratedFrom,
        "generates" => {
            return Rel::Edge {
                kind: K::GeneratedFrom,
                reverse: true,
            }
        }
        "hasDeclaredLicense" => return Rel::Declared,
        "hasConcludedLicense" => return Rel::Concluded,
        "hasInput" => return Rel::Input,
        "hasOutput" => return Rel::Output,
        "hasDistributionArtifact" => return Rel::Distribution,
        other => K::Other(other.to_string()),
    };
    Rel::Edge {
        kind,
        reverse: false,
    }
}

/// The component kind for a `software_primaryPurpose` (local name).
pub(super) fn purpose(p: &str) -> ComponentKind {
    match p {
        "application" | "executable" => ComponentKind::Application,
        "framework" => ComponentKind::Framework,
        "library" | "module" => ComponentKind::Library,
        "container" => ComponentKind::Container,
        "platform" => ComponentKind::Platform,
        "operatingSystem" => ComponentKind::OperatingSystem,
        "device" => ComponentKind::Device,
        "deviceDriver" => ComponentKind::DeviceDriver,
        "firmware" => ComponentKind::Firmware,
        "file" => ComponentKind::File,
        "model" => ComponentKind::MachineLearningModel,
        "data" => ComponentKind::Data,
        "source" => ComponentKind::Source,
        "archive" => ComponentKind::Archive,
        "install" => ComponentKind::Install,
        other => ComponentKind::Other(other.to_string()),
    }
}

/// The CycloneDX external-reference type for an SPDX 3 `externalRefType` (local name), and
/// whether the mapping is exact (when it is not, the SPDX type is kept in the comment).
pub(super) fn ref_kind(t: &str, locator: &str) -> (&'static str, bool) {
    let kind = match t {
        "altDownloadLocation" | "binaryArtifact" | "bower" | "mavenCentral" | "npm" | "nuget" => {
            "distribution"
        }
        "altWebPage" => "website",
        "buildMeta" => "build-meta",
        "buildSystem" => "build-system",
        "certificationReport" => "certification-report",
        "chat" => "chat",
        "componentAnalysisReport" => "component-analysis-report",
        "documentation" => "documentation",
        "dynamicAnalysisReport" => "dynamic-analysis-report",
        "issueTracker" => "issue-tracker",
        "license" => "license",
        "mailingList" => "mailing-list",
        "metrics" | "qualityAssessmentReport" => "quality-metrics",
        "releaseHistory" | "releaseNotes" => "release-notes",
        "riskAssessment" => "risk-assessment",
        "runtimeAnalysisReport" => "runtime-analysis-report",
        "secureSoftwareAttestation" => "attestation",
        "securityAdversaryModel" => "adversary-model",
        "securityAdvisory" => "advisories",
        "securityPenTestReport" => "pentest-report",
        "securityPolicy" => "security-contact",
        "securityThreatModel" => "threat-model",
        "socialMedia" => "social",
        "sourceArtifact" => "source-distribution",
        "staticAnalysisReport" => "static-analysis-report",
        "support" => "support",
        "vcs" => "vcs",
        "vulnerabilityDisclosureReport" => "vulnerability-assertion",
        "vulnerabilityExploitabilityAssessment" => "exploitability-statement",
        "securityOther" if locator.trim_end_matches('/').ends_with("security.txt") => "rfc-9116",
        "other" => return ("other", true),
        _ => return ("other", false),
    };
    (kind, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_reduce_to_one() {
        for t in [
            "software_Package",
            "spdx:software_Package",
            "https://spdx.org/rdf/3.0.1/terms/Software/Package",
            "spdx:Software/Package",
            "Package",
        ] {
            assert_eq!(local(t), "Package", "{t}");
        }
        assert_eq!(
            local("https://spdx.org/rdf/3.0.1/terms/Core/RelationshipType/dependsOn"),
            "dependsOn"
        );
        assert_eq!(local("sha3_256"), "sha3_256");
        assert_eq!(local("spdx:core_SpdxDocument"), "SpdxDocument");
        assert_eq!(
            compact_key("https://spdx.org/rdf/3.0.1/terms/Software/packageVersion"),
            "software_packageVersion"
        );
        assert_eq!(compact_key("spdx:Core/name"), "name");
        assert_eq!(compact_key("core_name"), "name");
    }

    #[test]
    fn lookups_accept_every_spelling() {
        let v = serde_json::json!({
            "spdx:software_packageUrl": "pkg:a/b@1",
            "https://spdx.org/rdf/3.0.1/terms/Core/name": "n",
            "packageVersion": "1",
            "summary": null,
        });
        let bump = bumpalo::Bump::new();
        let v = Value::from_serde(&v, &bump);
        let el = El::new(v.as_object().unwrap());
        assert_eq!(el.str("software_packageUrl"), Some("pkg:a/b@1"));
        assert_eq!(el.str("name"), Some("n"));
        assert_eq!(el.str("software_packageVersion"), Some("1"));
        assert_eq!(el.get("summary"), None);
    }
}
