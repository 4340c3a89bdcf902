//! Hostile input: every case gets a clear, typed error (or loads with findings), never a
//! panic, and archives cannot expand past the configured limit.

use craft_sbom::{read_bytes, read_path, ReadError, ReadOptions};
use std::io::Write;
use std::path::Path;

fn read(bytes: &[u8]) -> Result<craft_sbom::Loaded, ReadError> {
    read_bytes(
        Path::new("hostile.json"),
        bytes.to_vec(),
        &ReadOptions::default(),
    )
}

#[test]
fn truncated_json_names_line_and_column() {
    let doc = br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "a""#;
    match read(doc) {
        Err(ReadError::Json { line, column, .. }) => {
            assert_eq!(line, 1);
            assert!(column > 60, "{column}");
        }
        other => panic!("{other:?}"),
    }
    // Every prefix of a real document fails cleanly or loads.
    let full = br#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","packages":[{"SPDXID":"SPDXRef-a","name":"a","versionInfo":"1"}],"relationships":[]}"#;
    for n in 0..full.len() {
        let _ = read(&full[..n]);
    }
}

#[test]
fn wrong_types_are_skipped_with_findings_not_fatal() {
    let doc = br#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
        "components": [{"name": 42, "version": ["x"], "purl": {}, "hashes": "no"},
                       {"name": "ok", "version": "1"}, 7],
        "dependencies": "none"}"#;
    let l = read(doc).expect("loads");
    assert_eq!(l.sbom.components.len(), 2);
    assert_eq!(l.sbom.components[1].name, "ok");
    let pointers: Vec<_> = l
        .diagnostics
        .iter()
        .filter_map(|d| d.location.pointer.clone())
        .collect();
    for p in [
        "/components/0/name",
        "/components/0/version",
        "/components/0/purl",
        "/components/2",
        "/dependencies",
    ] {
        assert!(pointers.iter().any(|x| x == p), "{p} not in {pointers:?}");
    }
    // The wrong top-level shape is fatal with a pointer.
    match read(br#"{"bomFormat": "SPDX"}"#) {
        Err(ReadError::Structure { pointer, .. }) => assert_eq!(pointer, "/bomFormat"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read(b"[1,2,3]"),
        Err(ReadError::UnknownFormat { .. })
    ));
}

#[test]
fn huge_string_loads_within_limit_and_is_refused_over_it() {
    let big = "a".repeat(100 << 20);
    let doc = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{{"name":"{big}"}}]}}"#
    );
    let l = read(doc.as_bytes()).expect("100 MB string loads");
    assert_eq!(l.sbom.components[0].name.len(), 100 << 20);
    let small = ReadOptions {
        max_size: 1 << 20,
        ..ReadOptions::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.json");
    std::fs::write(&p, &doc).unwrap();
    match read_path(&p, &small) {
        Err(ReadError::TooLarge { limit, .. }) => assert_eq!(limit, 1 << 20),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn depth_bombs_fail_cleanly() {
    let json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(read(json.as_bytes()), Err(ReadError::Json { .. })));
    let obj = format!(
        r#"{{"bomFormat":"CycloneDX","x":{}1{}}}"#,
        r#"{"a":"#.repeat(50_000),
        "}".repeat(50_000)
    );
    assert!(read(obj.as_bytes()).is_err());
    let xml = format!(
        r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6">{}{}</bom>"#,
        "<components><component>".repeat(10_000),
        "</component></components>".repeat(10_000)
    );
    match read_bytes(
        Path::new("deep.xml"),
        xml.into_bytes(),
        &ReadOptions::default(),
    ) {
        Err(ReadError::Xml { message, .. }) => assert!(
            message.contains("deep") || message.contains("nest"),
            "{message}"
        ),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn xml_entity_expansion_and_external_entities_are_refused() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE bom [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&c;</name></component></components></bom>"#;
    assert!(matches!(
        read_bytes(
            Path::new("bomb.xml"),
            bomb.as_bytes().to_vec(),
            &ReadOptions::default()
        ),
        Err(ReadError::Xml { .. })
    ));
    let xxe = r#"<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&x;</name></component></components></bom>"#;
    assert!(matches!(
        read_bytes(
            Path::new("xxe.xml"),
            xxe.as_bytes().to_vec(),
            &ReadOptions::default()
        ),
        Err(ReadError::Xml { .. })
    ));
}

#[test]
fn non_utf8_is_a_typed_error() {
    let mut doc =
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":""#.to_vec();
    doc.extend_from_slice(&[0xff, 0xfe, 0x00]);
    doc.extend_from_slice(br#""}]}"#);
    match read(&doc) {
        Err(ReadError::NotUtf8 { offset, .. }) => assert_eq!(offset, 68),
        other => panic!("{:?}", other.map(|_| ())),
    }
    assert!(matches!(
        read_bytes(
            Path::new("x.spdx"),
            b"SPDXVersion: SPDX-2.3\nPackageName: \xff\n".to_vec(),
            &ReadOptions::default()
        ),
        Err(ReadError::NotUtf8 { .. })
    ));
}

/// A tar holding one entry of `size` zero bytes named `name`.
fn tar_with(name: &str, size: usize) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(size as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, name, std::io::repeat(0).take_n(size))
        .unwrap();
    b.into_inner().unwrap()
}

trait TakeN: std::io::Read + Sized {
    fn take_n(self, n: usize) -> std::io::Take<Self> {
        self.take(n as u64)
    }
}
impl<R: std::io::Read> TakeN for R {}

#[test]
fn zstd_tar_bomb_stops_at_the_limit() {
    // 64 MiB of zeros compress to a few KiB; the limit is 8 MiB.
    let tar = tar_with("recipe-bomb.spdx.json", 64 << 20);
    let mut z = zstd::stream::write::Encoder::new(Vec::new(), 19).unwrap();
    z.write_all(&tar).unwrap();
    let compressed = z.finish().unwrap();
    assert!(compressed.len() < 64 << 10, "{}", compressed.len());
    let opts = ReadOptions {
        max_size: 8 << 20,
        ..ReadOptions::default()
    };
    match read_bytes(Path::new("bomb.spdx.tar.zst"), compressed, &opts) {
        Err(ReadError::Archive { message, .. }) => assert!(
            message.contains("bomb") || message.contains("more than"),
            "{message}"
        ),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn tar_with_too_many_entries_or_no_documents_is_refused() {
    let mut b = tar::Builder::new(Vec::new());
    for i in 0..50 {
        let mut h = tar::Header::new_gnu();
        h.set_size(2);
        h.set_cksum();
        b.append_data(&mut h, format!("d{i}.spdx.json"), &b"{}"[..])
            .unwrap();
    }
    let bytes = b.into_inner().unwrap();
    let opts = ReadOptions {
        max_entries: 10,
        ..ReadOptions::default()
    };
    assert!(matches!(
        read_bytes(Path::new("many.tar"), bytes.clone(), &opts),
        Err(ReadError::Archive { .. })
    ));
    // Fifty `{}` documents: none is SPDX, so the archive holds no SBOM.
    match read_bytes(Path::new("many.tar"), bytes, &ReadOptions::default()) {
        Err(ReadError::Archive { message, .. }) => {
            assert!(message.contains("no SPDX"), "{message}")
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
    // A corrupt archive.
    let mut broken = tar_with("a.spdx.json", 600);
    broken.truncate(700);
    assert!(read_bytes(Path::new("broken.tar"), broken, &ReadOptions::default()).is_err());
}

#[test]
fn unterminated_tag_value_text_names_its_line() {
    let doc = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nPackageName: x\nPackageCopyrightText: <text>never closed\n";
    match read_bytes(
        Path::new("x.spdx"),
        doc.as_bytes().to_vec(),
        &ReadOptions::default(),
    ) {
        Err(ReadError::TagValue { line, .. }) => assert_eq!(line, 4),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn tag_value_with_classic_mac_line_ends_reads() {
    let doc = "SPDXVersion: SPDX-2.2\rDataLicense: CC0-1.0\rSPDXID: SPDXRef-DOCUMENT\rDocumentName: x\r\
               Creator: Tool: t\rCreated: 2022-01-15T10:16:33Z\r\rPackageName: cbor\rSPDXID: SPDXRef-Package-cbor\r\
               PackageVersion: 5.0.0\rPackageDownloadLocation: NOASSERTION\n\n";
    let l = read_bytes(
        Path::new("cr.spdx"),
        doc.as_bytes().to_vec(),
        &ReadOptions::default(),
    )
    .expect("reads");
    assert_eq!(
        l.sbom.document.created.as_deref(),
        Some("2022-01-15T10:16:33Z")
    );
    assert_eq!(l.sbom.components[0].version.as_deref(), Some("5.0.0"));
}

#[test]
fn repeated_identities_collapse_once() {
    let ids: Vec<String> = (0..5000)
        .map(|_| r#"{"field":"cpe","concludedValue":"cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"}"#.to_string())
        .collect();
    let doc = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{{"name":"y","cpe":"cpe:2.3:a:x:y:1:*:*:*:*:*:*:*","evidence":{{"identity":[{}]}}}}]}}"#,
        ids.join(",")
    );
    let l = read(doc.as_bytes()).expect("loads");
    assert_eq!(l.sbom.components[0].cpes.len(), 1);
}

#[test]
fn deep_containment_converts_to_valid_cyclonedx() {
    use craft_model::{Component, Relationship, RelationshipKind, Sbom};
    use craft_sbom::convert::{convert, Target};
    let n = 200;
    let components: Vec<Component> = (0..n)
        .map(|i| Component {
            id: format!("c{i}"),
            name: format!("c{i}"),
            ..Component::default()
        })
        .collect();
    let relationships = (1..n)
        .map(|i| Relationship {
            from: format!("c{}", i - 1),
            kind: RelationshipKind::Contains,
            to: format!("c{i}"),
        })
        .collect();
    let sbom = Sbom {
        components,
        relationships,
        ..Sbom::default()
    };
    // `convert` validates its own output against the official schema.
    let written = convert(&sbom, Target::CycloneDx16).expect("valid CycloneDX");
    assert!(written.dropped.iter().any(|d| d.field == "relationships"));
    let bytes = serde_json::to_vec(&written.value).unwrap();
    let back =
        read_bytes(Path::new("deep.cdx.json"), bytes, &ReadOptions::default()).expect("re-reads");
    assert_eq!(back.sbom.components.len(), n);
}
