//! Unit tests on small inline documents, and corpus tests on real SPDX 3 documents.

use super::from_json;
use crate::{Diagnostic, Severity};
use craft_model::{
    ComponentKind, Encoding, ExternalId, FormatKind, Hash, HashAlg, License, PartyKind,
    RelationshipKind as K, Sbom,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The one place that calls the API: a document with the given graph must read.
fn check(graph: Value) -> (Sbom, Vec<Diagnostic>) {
    let doc = json!({
        "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
        "@graph": graph,
    });
    from_json(&doc).unwrap_or_else(|(p, m)| panic!("{p}: {m}"))
}

fn edges(sbom: &Sbom) -> Vec<(&str, K, &str)> {
    sbom.relationships
        .iter()
        .map(|r| (r.from.as_str(), r.kind.clone(), r.to.as_str()))
        .collect()
}

fn expr(e: &str, valid: bool) -> Option<License> {
    Some(License::Expression {
        expression: e.into(),
        valid,
    })
}

fn package(id: &str) -> Value {
    json!({"type": "software_Package", "spdxId": id, "name": id, "creationInfo": "_:ci"})
}

fn rel(from: &str, rt: &str, to: &[&str]) -> Value {
    json!({"type": "Relationship", "spdxId": format!("{from}-{rt}-{}", to.join(",")), "from": from,
           "relationshipType": rt, "to": to})
}

#[test]
fn package_fields() {
    let (sbom, diags) = check(json!([
        {"type": "Organization", "spdxId": "urn:org", "name": "Acme",
         "externalIdentifier": [{"type": "ExternalIdentifier",
             "externalIdentifierType": "email", "identifier": "sec@acme.example"}]},
        {"type": "Person", "spdxId": "urn:jane", "name": "Jane"},
        {"type": "software_Package", "spdxId": "urn:pkg", "name": "openssl",
         "software_packageVersion": "3.0.2",
         "software_packageUrl": "pkg:deb/debian/openssl@3.0.2",
         "software_primaryPurpose": "library",
         "software_additionalPurpose": ["executable"],
         "software_downloadLocation": "https://www.openssl.org/source/openssl-3.0.2.tar.gz",
         "software_homePage": "https://www.openssl.org",
         "software_copyrightText": "Copyright The OpenSSL Project Authors",
         "summary": "TLS toolkit",
         "suppliedBy": "urn:org",
         "originatedBy": ["urn:jane"],
         "externalIdentifier": [
             {"type": "ExternalIdentifier", "externalIdentifierType": "cpe23",
              "identifier": "cpe:2.3:a:openssl:openssl:3.0.2:*:*:*:*:*:*:*"},
             {"type": "ExternalIdentifier", "externalIdentifierType": "cpe22",
              "identifier": "cpe:/a:openssl:openssl:3.0.2"},
             {"type": "ExternalIdentifier", "externalIdentifierType": "packageUrl",
              "identifier": "pkg:deb/debian/openssl@3.0.2"},
             {"type": "ExternalIdentifier", "externalIdentifierType": "gitoid",
              "identifier": "gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64"},
             {"type": "ExternalIdentifier", "externalIdentifierType": "swid",
              "identifier": "swid:openssl-3.0.2"}
         ],
         "verifiedUsing": [
             {"type": "Hash", "algorithm": "sha256",
              "hashValue": "98E91CCEAD4D3A3B1C7C7EE8F0F0B0B2C7B2C0E2F1C1A1B1C1D1E1F101112131"},
             {"type": "Hash", "algorithm": "sha3_256", "hashValue": "ab"},
             {"type": "PackageVerificationCode", "algorithm": "sha1", "hashValue": "cd"}
         ],
         "externalRef": [
             {"type": "ExternalRef", "externalRefType": "vcs",
              "locator": ["https://github.com/openssl/openssl"]},
             {"type": "ExternalRef", "externalRefType": "cwe", "locator": ["CWE-79"]}
         ]}
    ]));
    assert_eq!(diags, []);
    let [c] = &sbom.components[..] else {
        panic!("{:?}", sbom.components)
    };
    assert_eq!(c.id, "urn:pkg");
    assert_eq!(c.name, "openssl");
    assert_eq!(c.kind, ComponentKind::Library);
    assert_eq!(c.version.as_deref(), Some("3.0.2"));
    assert_eq!(c.purls, ["pkg:deb/debian/openssl@3.0.2"]);
    assert_eq!(
        c.cpes,
        [
            "cpe:2.3:a:openssl:openssl:3.0.2:*:*:*:*:*:*:*",
            "cpe:/a:openssl:openssl:3.0.2"
        ]
    );
    assert_eq!(
        c.other_ids,
        [
            ExternalId {
                scheme: "gitoid".into(),
                value: "gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64".into()
            },
            ExternalId {
                scheme: "swid".into(),
                value: "swid:openssl-3.0.2".into()
            }
        ]
    );
    assert_eq!(
        c.hashes,
        [
            Hash {
                alg: HashAlg::Sha256,
                value: "98e91ccead4d3a3b1c7c7ee8f0f0b0b2c7b2c0e2f1c1a1b1c1d1e1f101112131".into()
            },
            Hash {
                alg: HashAlg::Sha3_256,
                value: "ab".into()
            }
        ]
    );
    let supplier = c.supplier.as_ref().unwrap();
    assert_eq!(
        (supplier.kind, supplier.name.as_str()),
        (PartyKind::Organization, "Acme")
    );
    assert_eq!(supplier.email.as_deref(), Some("sec@acme.example"));
    let originator = c.originator.as_ref().unwrap();
    assert_eq!(
        (originator.kind, originator.name.as_str()),
        (PartyKind::Person, "Jane")
    );
    assert_eq!(
        c.download_location.as_deref(),
        Some("https://www.openssl.org/source/openssl-3.0.2.tar.gz")
    );
    assert_eq!(
        c.copyright.as_deref(),
        Some("Copyright The OpenSSL Project Authors")
    );
    assert_eq!(c.description.as_deref(), Some("TLS toolkit"));
    let refs: Vec<_> = c
        .external_refs
        .iter()
        .map(|r| (r.kind.as_str(), r.url.as_str(), r.comment.as_deref()))
        .collect();
    assert_eq!(
        refs,
        [
            ("website", "https://www.openssl.org", None),
            ("vcs", "https://github.com/openssl/openssl", None),
            ("other", "CWE-79", Some("SPDX externalRefType `cwe`"))
        ]
    );
    assert_eq!(c.property("spdx:primaryPurpose"), Some("library"));
    assert_eq!(c.property("spdx:additionalPurpose"), Some("executable"));
    assert_eq!(c.property("bsi:component:executable"), Some("executable"));
    assert_eq!(c.license_declared, None);
}

#[test]
fn purposes_and_element_types_give_kinds() {
    let (sbom, _) = check(json!([
        {"type": "software_Package", "spdxId": "a", "name": "a", "software_primaryPurpose": "install"},
        {"type": "software_Package", "spdxId": "b", "name": "b", "software_primaryPurpose": "firmware"},
        {"type": "software_Package", "spdxId": "c", "name": "c", "software_primaryPurpose": "patch"},
        {"type": "software_Package", "spdxId": "d", "name": "d"},
        {"type": "ai_AIPackage", "spdxId": "e", "name": "e", "software_primaryPurpose": "application"},
        {"type": "dataset_DatasetPackage", "spdxId": "f", "name": "f"},
        {"type": "software_File", "spdxId": "g", "name": "usr/bin/x",
         "software_primaryPurpose": "executable"},
        {"type": "software_Snippet", "spdxId": "h", "software_snippetFromFile": "g"}
    ]));
    let kinds: Vec<_> = sbom.components.iter().map(|c| c.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            ComponentKind::Install,
            ComponentKind::Firmware,
            ComponentKind::Other("patch".into()),
            ComponentKind::Library,
            ComponentKind::MachineLearningModel,
            ComponentKind::Data,
            ComponentKind::File,
            ComponentKind::File,
        ]
    );
    let file = sbom.component("g").unwrap();
    assert_eq!(file.file_name.as_deref(), Some("usr/bin/x"));
    assert_eq!(edges(&sbom), [("g", K::Contains, "h")]);
}

#[test]
fn licences_from_relationships() {
    let (sbom, diags) = check(json!([
        package("p1"), package("p2"), package("p3"), package("p4"),
        {"type": "simplelicensing_LicenseExpression", "spdxId": "l-expr",
         "simplelicensing_licenseExpression": "Apache-2.0 OR MIT"},
        {"type": "simplelicensing_LicenseExpression", "spdxId": "l-bad",
         "simplelicensing_licenseExpression": "not a licence ((("},
        {"type": "expandedlicensing_ListedLicense", "spdxId": "https://spdx.org/licenses/GPL-2.0-only",
         "name": "GNU General Public License v2.0 only"},
        {"type": "expandedlicensing_ListedLicenseException",
         "spdxId": "https://spdx.org/licenses/Linux-syscall-note"},
        {"type": "expandedlicensing_WithAdditionOperator", "spdxId": "l-with",
         "expandedlicensing_subjectExtendableLicense": "https://spdx.org/licenses/GPL-2.0-only",
         "expandedlicensing_subjectAddition": "https://spdx.org/licenses/Linux-syscall-note"},
        {"type": "expandedlicensing_OrLaterOperator", "spdxId": "l-plus",
         "expandedlicensing_subjectLicense": "https://spdx.org/licenses/LGPL-2.1"},
        {"type": "expandedlicensing_CustomLicense", "spdxId": "https://example.com/licences/acme eula"},
        {"type": "expandedlicensing_DisjunctiveLicenseSet", "spdxId": "l-or",
         "expandedlicensing_member": ["l-with", "https://example.com/licences/acme eula",
                                      {"type": "expandedlicensing_ConjunctiveLicenseSet",
                                       "expandedlicensing_member": ["l-plus", "https://spdx.org/licenses/MIT"]}]},
        rel("p1", "hasDeclaredLicense", &["l-expr"]),
        rel("p1", "hasConcludedLicense", &["https://spdx.org/licenses/MIT"]),
        rel("p2", "hasDeclaredLicense", &["l-or"]),
        rel("p2", "hasConcludedLicense", &["https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense"]),
        rel("p3", "hasDeclaredLicense", &["l-bad"]),
        {"type": "Relationship", "spdxId": "p4-a", "from": "p4", "relationshipType": "hasDeclaredLicense",
         "to": ["https://spdx.org/licenses/MIT"]},
        {"type": "Relationship", "spdxId": "p4-b", "from": "p4", "relationshipType": "hasDeclaredLicense",
         "to": ["l-expr"]},
        rel("p4", "hasConcludedLicense", &["urn:nowhere"]),
    ]));
    let c = |id: &str| sbom.component(id).unwrap();
    assert_eq!(c("p1").license_declared, expr("Apache-2.0 OR MIT", true));
    assert_eq!(c("p1").license_concluded, expr("MIT", true));
    assert_eq!(
        c("p2").license_declared,
        expr(
            "GPL-2.0-only WITH Linux-syscall-note OR LicenseRef-acme-eula OR (LGPL-2.1+ AND MIT)",
            true
        )
    );
    assert_eq!(c("p2").license_concluded, expr("NOASSERTION", true));
    assert_eq!(c("p3").license_declared, expr("not a licence (((", false));
    assert_eq!(
        c("p4").license_declared,
        expr("MIT AND (Apache-2.0 OR MIT)", true)
    );
    assert_eq!(c("p4").license_concluded, None);
    assert!(
        diags.iter().any(|d| d.severity == Severity::Warning
            && d.message.contains("hasConcludedLicense")
            && d.message.contains("urn:nowhere")),
        "{diags:#?}"
    );
    // Licence relationships are not edges.
    assert_eq!(sbom.relationships, []);
}

#[test]
fn relationships_become_edges() {
    let (sbom, diags) = check(json!([
        package("app"), package("lib"), package("zlib"), package("cc"), package("test"),
        package("src"), package("opt"), package("ssl"),
        {"type": "software_File", "spdxId": "f", "name": "app.bin"},
        {"type": "security_Vulnerability", "spdxId": "cve"},
        {"type": "Relationship", "spdxId": "r1", "from": "app", "relationshipType": "dependsOn",
         "to": ["lib", "zlib", "lib"]},
        {"type": "LifecycleScopedRelationship", "spdxId": "r2", "from": "app",
         "relationshipType": "dependsOn", "scope": "build", "to": ["cc"]},
        {"type": "LifecycleScopedRelationship", "spdxId": "r3", "from": "app",
         "relationshipType": "dependsOn", "scope": "test", "to": ["test"]},
        {"type": "LifecycleScopedRelationship", "spdxId": "r3b", "from": "app",
         "relationshipType": "usesTool", "scope": "build", "to": ["cc"]},
        rel("src", "generates", &["app"]),
        rel("app", "hasStaticLink", &["zlib"]),
        rel("app", "hasDynamicLink", &["ssl"]),
        rel("app", "hasOptionalDependency", &["opt"]),
        rel("app", "contains", &["f"]),
        rel("app", "hasDistributionArtifact", &["f"]),
        rel("app", "ancestorOf", &["lib"]),
        rel("app", "hasAssociatedVulnerability", &["cve"]),
        rel("lib", "dependsOn", &["https://spdx.org/rdf/3.0.1/terms/Core/NoneElement"]),
        rel("lib", "dependsOn", &["urn:elsewhere"]),
        rel("zlib", "dependsOn", &[]),
    ]));
    assert_eq!(
        edges(&sbom),
        [
            ("app", K::DependsOn, "lib"),
            ("app", K::DependsOn, "zlib"),
            ("app", K::BuildDependsOn, "cc"),
            ("app", K::DevDependsOn, "test"),
            ("app", K::GeneratedFrom, "src"),
            ("app", K::StaticLink, "zlib"),
            ("app", K::DynamicLink, "ssl"),
            ("app", K::OptionalDependsOn, "opt"),
            ("app", K::Contains, "f"),
            ("app", K::Other("hasDistributionArtifact".into()), "f"),
            ("app", K::Other("ancestorOf".into()), "lib"),
        ]
    );
    assert_eq!(
        sbom.component("app").unwrap().file_name.as_deref(),
        Some("app.bin")
    );
    let find = |code: &str, sev: Severity, text: &str| {
        diags
            .iter()
            .any(|d| d.code == code && d.severity == sev && d.message.contains(text))
    };
    assert!(
        find("read-skipped", Severity::Info, "`security_Vulnerability`"),
        "{diags:#?}"
    );
    assert!(
        find(
            "read-skipped",
            Severity::Info,
            "1 `hasAssociatedVulnerability` edge"
        ),
        "{diags:#?}"
    );
    assert!(
        find("read-dangling-ref", Severity::Warning, "urn:elsewhere"),
        "{diags:#?}"
    );
    assert_eq!(diags.len(), 3, "{diags:#?}");
}

#[test]
fn builds_link_outputs_to_inputs() {
    let (sbom, diags) = check(json!([
        package("src"), {"type": "software_File", "spdxId": "patch", "name": "fix.patch"},
        package("bin"), package("bin-dev"),
        {"type": "build_Build", "spdxId": "b1", "build_buildType": "http://openembedded.org/bitbake"},
        {"type": "build_Build", "spdxId": "b0", "build_buildType": "http://openembedded.org/bitbake"},
        {"type": "LifecycleScopedRelationship", "spdxId": "r1", "from": "b1",
         "relationshipType": "hasInput", "scope": "build", "to": ["src", "patch"]},
        {"type": "LifecycleScopedRelationship", "spdxId": "r2", "from": "b1",
         "relationshipType": "hasOutput", "scope": "build", "to": ["bin", "bin-dev"]},
        {"type": "LifecycleScopedRelationship", "spdxId": "r3", "from": "b1",
         "relationshipType": "dependsOn", "scope": "build", "to": ["b0"]},
    ]));
    assert_eq!(
        edges(&sbom),
        [
            ("bin", K::GeneratedFrom, "src"),
            ("bin", K::GeneratedFrom, "patch"),
            ("bin-dev", K::GeneratedFrom, "src"),
            ("bin-dev", K::GeneratedFrom, "patch"),
        ]
    );
    let [d] = &diags[..] else {
        panic!("{diags:#?}")
    };
    assert_eq!(d.severity, Severity::Info);
    assert!(
        d.message.contains("from `build_Build` to `build_Build`"),
        "{d:?}"
    );
}

#[test]
fn document_info_from_creation_info() {
    let doc = json!({
        "@context": ["https://spdx.org/rdf/3.0.0/spdx-context.jsonld"],
        "@graph": [
            {"type": "CreationInfo", "@id": "_:creationinfo", "specVersion": "3.0.0",
             "created": "2024-03-06T00:00:00Z",
             "createdBy": ["urn:agent/jane", "urn:agent/acme", "urn:agent/bot"],
             "createdUsing": ["urn:tool/gen"]},
            {"type": "Person", "spdxId": "urn:agent/jane", "name": "Jane Doe",
             "creationInfo": "_:creationinfo",
             "externalIdentifier": [{"type": "ExternalIdentifier",
                 "externalIdentifierType": "email", "identifier": "jane@example.com"}]},
            {"type": "Organization", "spdxId": "urn:agent/acme", "name": "Acme",
             "externalRef": [{"type": "ExternalRef", "externalRefType": "altWebPage",
                              "locator": ["https://acme.example"]}]},
            {"type": "SoftwareAgent", "spdxId": "urn:agent/bot", "name": "ci-bot"},
            {"type": "Tool", "spdxId": "urn:tool/gen", "name": "generator 1.2"},
            {"type": "SpdxDocument", "spdxId": "urn:doc", "name": "my-product",
             "creationInfo": "_:creationinfo", "comment": "hello",
             "dataLicense": "https://spdx.org/licenses/CC0-1.0",
             "rootElement": ["urn:sbom"]},
            {"type": "software_Sbom", "spdxId": "urn:sbom", "name": "inner",
             "creationInfo": "_:creationinfo", "rootElement": ["urn:pkg", "urn:doc"]},
            package("urn:pkg"), package("urn:other"),
            rel("urn:doc", "describes", &["urn:other"]),
        ]
    });
    let (sbom, diags) = from_json(&doc).unwrap();
    assert_eq!(diags, []);
    let d = &sbom.document;
    let format = d.format.as_ref().unwrap();
    assert_eq!(
        (format.kind, format.spec_version.as_str(), format.encoding),
        (FormatKind::Spdx3, "3.0.0", Encoding::JsonLd)
    );
    assert_eq!(d.name.as_deref(), Some("my-product"));
    assert_eq!(d.namespace.as_deref(), Some("urn:doc"));
    assert_eq!(d.created.as_deref(), Some("2024-03-06T00:00:00Z"));
    assert_eq!(d.comment.as_deref(), Some("hello"));
    assert_eq!(d.data_license.as_deref(), Some("CC0-1.0"));
    let authors: Vec<_> = d
        .authors
        .iter()
        .map(|p| {
            (
                p.kind,
                p.name.as_str(),
                p.email.as_deref(),
                p.url.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        authors,
        [
            (
                PartyKind::Person,
                "Jane Doe",
                Some("jane@example.com"),
                None
            ),
            (
                PartyKind::Organization,
                "Acme",
                None,
                Some("https://acme.example")
            ),
        ]
    );
    let tools: Vec<_> = d.tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tools, ["ci-bot", "generator 1.2"]);
    assert_eq!(d.subjects, ["urn:pkg", "urn:other"]);
    // `describes` from the document is a subject, not an edge.
    assert_eq!(sbom.relationships, []);
}

#[test]
fn other_spellings_are_tolerated() {
    let doc = json!({
        "@context": "https://spdx.github.io/spdx-3-model/spdx-context.jsonld",
        "@graph": [
            {"@type": "spdx:core_SpdxDocument", "@id": "urn:doc", "name": "wild",
             "creationInfo": {"@type": "CreationInfo", "specVersion": "SPDX-3.0.1",
                              "created": "2025-01-01T00:00:00Z",
                              "createdBy": [{"type": "Organization", "name": "Inline Org"}]},
             "rootElement": ["urn:a"]},
            {"@type": "https://spdx.org/rdf/3.0.1/terms/Software/Package", "@id": "urn:a",
             "https://spdx.org/rdf/3.0.1/terms/Core/name": "a",
             "https://spdx.org/rdf/3.0.1/terms/Software/packageVersion": "1.0",
             "spdx:Software/primaryPurpose": "https://spdx.org/rdf/3.0.1/terms/Software/SoftwarePurpose/application",
             "externalIdentifiers": [{"externalIdentifierType": "packageUrl", "identifier": "pkg:npm/a@1.0"}],
             "verifiedUsing": [{"algorithm": "https://spdx.org/rdf/3.0.1/terms/Core/HashAlgorithm/sha1",
                                "hashValue": "AA"}]},
            {"type": "spdx:software_Package", "spdxId": "urn:b", "name": "b", "packageVersion": "2"},
            {"type": "software_Package", "spdxId": "urn:c", "name": "c"},
            {"type": "Relationship", "from": "urn:a",
             "relationshipType": "https://spdx.org/rdf/3.0.1/terms/Core/RelationshipType/dependsOn",
             "to": "urn:b"},
            {"type": "Relationship", "from": "urn:a", "relationshipType": "hasDeclaredLicense",
             "to": [{"type": "simplelicensing_LicenseExpression", "licenseExpression": "MIT"}]},
            {"type": "Relationship", "from": "urn:a", "relationshipType": "frobnicates", "to": ["urn:c"]},
        ]
    });
    let (sbom, diags) = from_json(&doc).unwrap();
    assert_eq!(diags, []);
    let a = sbom.component("urn:a").unwrap();
    assert_eq!(a.name, "a");
    assert_eq!(a.version.as_deref(), Some("1.0"));
    assert_eq!(a.kind, ComponentKind::Application);
    assert_eq!(a.purls, ["pkg:npm/a@1.0"]);
    assert_eq!(a.hashes[0].alg, HashAlg::Sha1);
    assert_eq!(a.hashes[0].value, "aa");
    assert_eq!(a.license_declared, expr("MIT", true));
    assert_eq!(
        sbom.component("urn:b").unwrap().version.as_deref(),
        Some("2")
    );
    assert_eq!(
        edges(&sbom),
        [
            ("urn:a", K::DependsOn, "urn:b"),
            ("urn:a", K::Other("frobnicates".into()), "urn:c")
        ]
    );
    let d = &sbom.document;
    assert_eq!(d.format.as_ref().unwrap().spec_version, "3.0.1");
    assert_eq!(d.created.as_deref(), Some("2025-01-01T00:00:00Z"));
    assert_eq!(d.authors[0].name, "Inline Org");
    assert_eq!(d.subjects, ["urn:a"]);
}

#[test]
fn bad_shapes_are_reported_not_fatal() {
    let (sbom, diags) = check(json!([
        42,
        {"name": "no type"},
        {"type": "software_Package", "name": ["x"], "software_packageVersion": 7,
         "verifiedUsing": [{"type": "Hash", "algorithm": "sha256"}, "nope"],
         "externalIdentifier": {"externalIdentifierType": "cpe23"},
         "suppliedBy": "urn:ghost"},
        {"type": "software_Package", "spdxId": "dup", "name": "first"},
        {"type": "software_Package", "spdxId": "dup", "name": "second"},
        {"type": "Relationship", "spdxId": "r", "to": ["dup"]},
        {"type": "Relationship", "spdxId": "r2", "from": "dup"},
    ]));
    assert_eq!(sbom.components.len(), 2);
    assert_eq!(sbom.components[0].id, "_:craft-element-2");
    assert_eq!(sbom.components[0].name, "x");
    assert_eq!(sbom.components[0].version, None);
    assert_eq!(sbom.components[1].name, "first");
    let pointers: Vec<_> = diags
        .iter()
        .map(|d| d.location.pointer.as_deref().unwrap_or(""))
        .collect();
    for p in [
        "/@graph/0",
        "/@graph/1",
        "/@graph/2",
        "/@graph/2/software_packageVersion",
        "/@graph/2/verifiedUsing/0",
        "/@graph/2/verifiedUsing/1",
        "/@graph/2/externalIdentifier/0",
        "/@graph/2/suppliedBy",
        "/@graph/4",
        "/@graph/5",
        "/@graph/6",
    ] {
        assert!(pointers.contains(&p), "{p} missing in {diags:#?}");
    }
}

#[test]
fn unusable_top_level_is_an_error() {
    let err = from_json(&json!({"@context": "x", "@graph": {"a": 1}})).unwrap_err();
    assert_eq!(err.0, "/@graph");
    assert!(from_json(&json!("text")).is_err());
    assert!(from_json(&json!({"@context": "x"})).is_err());
    // A bare element is a one-element graph.
    let (sbom, _) =
        from_json(&json!({"type": "software_Package", "spdxId": "a", "name": "a"})).unwrap();
    assert_eq!(sbom.components.len(), 1);
    // A cycle of licence sets ends.
    let (sbom, _) = check(json!([
        package("p"),
        {"type": "expandedlicensing_ConjunctiveLicenseSet", "spdxId": "x",
         "expandedlicensing_member": ["x", "https://spdx.org/licenses/MIT"]},
        rel("p", "hasDeclaredLicense", &["x"]),
    ]));
    assert!(sbom.components[0].license_declared.is_some());
}

// ------------------------------------------------------------------------ corpus

/// The corpus root: the unpacked copy under `target/corpora`, else the shared one.
fn corpus_root() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        manifest.join("../../target/corpora"),
        manifest.join("../../../shared/corpora"),
    ]
    .into_iter()
    .find(|p| p.join("sbom").is_dir())
}

/// Say loudly that a corpus test could not run; in CI that is a failure.
#[allow(clippy::print_stderr)]
fn corpus_missing(what: &str) {
    let msg = format!("!!! SPDX 3 corpus test skipped: {what} not found (unpack the corpora) !!!");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("\n{msg}\n");
}

/// Every SPDX 3 JSON-LD file under `dir`.
fn spdx3_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            spdx3_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json" || e == "jsonld") {
            let Ok(text) = fs_err::read_to_string(&p) else {
                continue;
            };
            let head = &text[..text.len().min(4096)];
            if text.contains("\"@graph\"")
                && head.contains("spdx.org/rdf/3")
                && !head.contains("\"$schema\"")
            {
                out.push(p);
            }
        }
    }
}

fn load(path: &Path) -> Value {
    let text = fs_err::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Components that are not files.
fn packages(sbom: &Sbom) -> impl Iterator<Item = &craft_model::Component> {
    sbom.components
        .iter()
        .filter(|c| c.kind != ComponentKind::File)
}

#[test]
#[allow(clippy::print_stderr)]
fn corpus_every_document_reads() {
    let Some(root) = corpus_root() else {
        return corpus_missing("corpora directory");
    };
    // Documents that must read with packages, and fixtures that only must not break us.
    let strict = [
        "sbom/spdx-examples",
        "sbom/vulnscout-yocto",
        "conformance/spdx-spec/v3-develop/examples",
        "conformance/spdx-tools-java/testResources",
    ];
    let lenient = ["sbom/sbomqs-testdata", "sbom/spdx-ntia-conformance-checker"];
    let mut strict_files = Vec::new();
    for d in strict {
        spdx3_files(&root.join(d), &mut strict_files);
    }
    let mut lenient_files = Vec::new();
    for d in lenient {
        spdx3_files(&root.join(d), &mut lenient_files);
    }
    if strict_files.len() < 20 {
        return corpus_missing("SPDX 3 examples (spdx-examples, spdx-spec, spdx-tools-java)");
    }
    eprintln!(
        "{:<70} {:>6} {:>5} {:>5} {:>5} {:>6} {:>5}",
        "document", "comps", "pkgs", "purl", "cpe", "edges", "warn"
    );
    for path in strict_files.iter().chain(&lenient_files) {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let v = load(path);
        let is_strict = strict_files.contains(path);
        let (sbom, diags) = match from_json(&v) {
            Ok(r) => r,
            Err((p, m)) if !is_strict => {
                eprintln!("{rel}: not read ({p}: {m})");
                continue;
            }
            Err((p, m)) => panic!("{rel}: {p}: {m}"),
        };
        let pkgs: Vec<_> = packages(&sbom).collect();
        let with = |f: fn(&craft_model::Component) -> bool| pkgs.iter().filter(|c| f(c)).count();
        let warnings = diags
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .count();
        eprintln!(
            "{:<70} {:>6} {:>5} {:>5} {:>5} {:>6} {:>5}",
            rel.chars()
                .rev()
                .take(70)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>(),
            sbom.components.len(),
            pkgs.len(),
            with(|c| !c.purls.is_empty()),
            with(|c| !c.cpes.is_empty()),
            sbom.relationships.len(),
            warnings
        );
        if is_strict {
            assert!(!sbom.components.is_empty(), "{rel}: no components");
            let format = sbom.document.format.as_ref().unwrap();
            assert!(format.spec_version.starts_with("3.0"), "{rel}: {format:?}");
            assert!(sbom.document.created.is_some(), "{rel}: no creation time");
            // Every edge joins two components of the document.
            let ids = sbom.index_by_id();
            for r in &sbom.relationships {
                assert!(
                    ids.contains_key(r.from.as_str()) && ids.contains_key(r.to.as_str()),
                    "{rel}: {r:?}"
                );
            }
            for s in &sbom.document.subjects {
                assert!(ids.contains_key(s.as_str()), "{rel}: subject {s}");
            }
            assert_eq!(ids.len(), sbom.components.len(), "{rel}: duplicate ids");
        }
    }
}

#[test]
fn corpus_yocto_rootfs() {
    let Some(root) = corpus_root() else {
        return corpus_missing("corpora directory");
    };
    let path = root
        .join("sbom/vulnscout-yocto/example/spdx3/core-image-minimal-qemux86-64.rootfs.spdx.json");
    if !path.is_file() {
        return corpus_missing("Yocto SPDX 3 rootfs (vulnscout-yocto)");
    }
    let (sbom, diags) = from_json(&load(&path)).unwrap();
    let d = &sbom.document;
    assert_eq!(d.format.as_ref().unwrap().spec_version, "3.0.1");
    assert!(d.name.as_deref().unwrap().starts_with("core-image-minimal"));
    assert!(d.created.is_some());
    assert!(d.authors.iter().any(|a| a.name == "OpenEmbedded"), "{d:?}");
    assert!(
        d.tools
            .iter()
            .any(|t| t.name.starts_with("oe-spdx-creator")),
        "{d:?}"
    );
    let subjects: Vec<_> = d
        .subjects
        .iter()
        .filter_map(|s| sbom.component(s))
        .map(|c| c.name.as_str())
        .collect();
    assert!(subjects.contains(&"core-image-minimal"), "{subjects:?}");

    let pkgs: Vec<_> = packages(&sbom).collect();
    assert!(pkgs.len() >= 100, "{} packages", pkgs.len());
    let installed: Vec<_> = pkgs
        .iter()
        .filter(|c| c.kind == ComponentKind::Install)
        .collect();
    assert!(installed.len() >= 30);
    assert!(installed.iter().all(|c| c.version.is_some()));
    // The kernel, built by the linux-yocto recipe, with its CPE and version.
    let kernel = installed
        .iter()
        .find(|c| c.name.starts_with("kernel-") && c.id.contains("/linux-yocto-"))
        .expect("kernel package");
    assert!(kernel.version.as_deref().unwrap().starts_with("6.12"));
    assert!(
        kernel.cpes.iter().any(|c| c.contains(":linux_kernel:6.12")),
        "{kernel:?}"
    );
    assert!(kernel
        .license_concluded
        .as_ref()
        .is_some_and(|l| l.text().contains("GPL-2.0")));
    let kernel_source = pkgs
        .iter()
        .find(|c| c.kind == ComponentKind::Source && c.name.contains("linux-yocto"))
        .expect("linux-yocto source");
    assert!(kernel_source
        .download_location
        .as_deref()
        .unwrap()
        .starts_with("git+https://git.yoctoproject.org/linux-yocto"));
    assert!(sbom
        .relationships
        .iter()
        .any(|r| r.from == kernel.id && r.kind == K::GeneratedFrom && r.to == kernel_source.id));
    // Run-time dependencies between installed packages.
    let deps: Vec<_> = sbom.dependency_edges().collect();
    assert!(!deps.is_empty());
    let name = |id: &str| sbom.component(id).map_or("", |c| c.name.as_str());
    assert!(deps
        .iter()
        .any(|r| name(&r.from) == "busybox-syslog" && name(&r.to) == "busybox"));
    // Packages contain their files; files have SHA-256 digests in lower case.
    let files = sbom
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::File);
    for f in files {
        for h in &f.hashes {
            assert!(h
                .value
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
        }
    }
    assert!(sbom.relationships.iter().any(|r| r.kind == K::Contains));
    // Vulnerabilities and VEX are reported as not read, nothing is malformed.
    assert!(diags
        .iter()
        .any(|d| d.message.contains("security_Vulnerability")));
    let warnings: Vec<_> = diags
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .collect();
    assert_eq!(warnings, Vec::<&Diagnostic>::new());
}

#[test]
fn corpus_spec_example() {
    let Some(root) = corpus_root() else {
        return corpus_missing("corpora directory");
    };
    let path = root.join("conformance/spdx-spec/v3-develop/examples/jsonld/package_sbom.json");
    if !path.is_file() {
        return corpus_missing("spdx-spec package_sbom.json");
    }
    let (sbom, diags) = from_json(&load(&path)).unwrap();
    assert_eq!(diags, []);
    let d = &sbom.document;
    assert_eq!(
        d.namespace.as_deref(),
        Some("http://spdx.example.com/Document1")
    );
    assert_eq!(d.subjects, ["http://spdx.example.com/Package1"]);
    assert_eq!(d.authors[0].name, "Joshua Watt");
    assert_eq!(d.authors[0].email.as_deref(), Some("JPEWhacker@gmail.com"));
    let p = sbom.component("http://spdx.example.com/Package1").unwrap();
    assert_eq!(
        (p.name.as_str(), p.version.as_deref()),
        ("my-package", Some("1.0.0"))
    );
    assert_eq!(p.originator.as_ref().unwrap().kind, PartyKind::Person);
    let f = sbom
        .component("http://spdx.example.com/Package1/myprogram")
        .unwrap();
    assert_eq!(f.kind, ComponentKind::File);
    assert_eq!(f.copyright.as_deref(), Some("Copyright 2024, Joshua Watt"));
    assert_eq!(edges(&sbom), [(p.id.as_str(), K::Contains, f.id.as_str())]);
}

/// The SPDX 3 twin of each SPDX 2.x JSON example names the same packages and files.
#[test]
fn corpus_paired_examples_agree() {
    let Some(root) = corpus_root() else {
        return corpus_missing("corpora directory");
    };
    let dir = root.join("sbom/spdx-examples/software");
    let Ok(examples) = fs_err::read_dir(&dir) else {
        return corpus_missing("spdx-examples/software");
    };
    let (mut expected, mut found) = (0usize, 0usize);
    for ex in examples.filter_map(|e| e.ok()).map(|e| e.path()) {
        let (mut v2, mut v3) = (Vec::new(), Vec::new());
        for sub in fs_err::read_dir(&ex)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
        {
            let name = sub.file_name().to_string_lossy().to_string();
            let files = fs_err::read_dir(sub.path())
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok());
            for f in files
                .map(|f| f.path())
                .filter(|f| f.extension().is_some_and(|e| e == "json"))
            {
                if name.starts_with("spdx2") {
                    v2.push(f);
                } else if name.starts_with("spdx3") {
                    v3.push(f);
                }
            }
        }
        if v2.is_empty() || v3.is_empty() {
            continue;
        }
        let mut names3 = std::collections::HashSet::new();
        for f in &v3 {
            let (sbom, _) = from_json(&load(f)).unwrap();
            names3.extend(sbom.components.into_iter().map(|c| c.name));
        }
        for f in &v2 {
            let doc = load(f);
            let names2 = doc["packages"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["name"].as_str())
                .chain(
                    doc["files"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|p| p["fileName"].as_str()),
                );
            for n in names2 {
                expected += 1;
                found += usize::from(names3.contains(n));
            }
        }
    }
    assert!(expected >= 40, "only {expected} SPDX 2 names compared");
    assert!(
        found * 100 >= expected * 95,
        "{found} of {expected} SPDX 2 names found"
    );
}
