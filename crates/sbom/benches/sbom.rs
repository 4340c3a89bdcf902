//! Throughput of reading and checking SBOMs, beside the practical floor (a bare
//! `serde_json` parse of the same bytes).
//!
//! Inputs: synthetic CycloneDX 1.6 and SPDX 2.3 documents of 1k, 10k and 100k components,
//! generated here (same shape as `../shared/peers/make_inputs.sh`: a name, version, purl,
//! SHA-256, licence and supplier per component, one dependency edge per component), so the
//! benchmark runs anywhere. `docs/BENCHMARKS.md` has the figures and the peer comparison.
//!
//! Run: `cargo bench -p craft-sbom` (divan prints MB/s per case).

use craft_sbom::check::{check, CheckOptions, RuleSet};
use craft_sbom::{read_bytes, ReadOptions};
use divan::counter::BytesCount;
use divan::Bencher;
use std::path::Path;
use std::sync::OnceLock;

/// The same allocator as the `craft` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn cyclonedx(n: usize) -> Vec<u8> {
    let mut comps = Vec::with_capacity(n);
    let mut deps = Vec::with_capacity(n);
    for i in 0..n {
        comps.push(serde_json::json!({
            "type": "library", "bom-ref": format!("c{i}"), "name": format!("pkg{i}"),
            "version": format!("1.{}.{}", i % 50, i % 7),
            "supplier": {"name": format!("Vendor {}", i % 100)},
            "purl": format!("pkg:npm/pkg{i}@1.{}.{}", i % 50, i % 7),
            "hashes": [{"alg": "SHA-256", "content": format!("{:064x}", i)}],
            "licenses": [{"license": {"id": "MIT"}}]
        }));
        deps.push(serde_json::json!({"ref": format!("c{i}"), "dependsOn": if i + 1 < n { vec![format!("c{}", i + 1)] } else { vec![] }}));
    }
    serde_json::to_vec(&serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "metadata": {"timestamp": "2026-11-28T10:00:00Z", "component": {"type": "application", "bom-ref": "root", "name": "root", "version": "1"}},
        "components": comps, "dependencies": deps
    }))
    .expect("serialise")
}

fn spdx(n: usize) -> Vec<u8> {
    let mut pkgs = Vec::with_capacity(n);
    let mut rels = vec![
        serde_json::json!({"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-c0"}),
    ];
    for i in 0..n {
        pkgs.push(serde_json::json!({
            "SPDXID": format!("SPDXRef-c{i}"), "name": format!("pkg{i}"),
            "versionInfo": format!("1.{}.{}", i % 50, i % 7),
            "supplier": format!("Organization: Vendor {}", i % 100),
            "downloadLocation": "NOASSERTION", "filesAnalyzed": false,
            "checksums": [{"algorithm": "SHA256", "checksumValue": format!("{:064x}", i)}],
            "licenseConcluded": "MIT", "licenseDeclared": "MIT", "copyrightText": "NOASSERTION",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": format!("pkg:npm/pkg{i}@1.{}.{}", i % 50, i % 7)}]
        }));
        if i + 1 < n {
            rels.push(serde_json::json!({"spdxElementId": format!("SPDXRef-c{i}"), "relationshipType": "DEPENDS_ON", "relatedSpdxElement": format!("SPDXRef-c{}", i + 1)}));
        }
    }
    serde_json::to_vec(&serde_json::json!({
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
        "name": "bench", "documentNamespace": "https://example.com/bench",
        "creationInfo": {"created": "2026-11-28T10:00:00Z", "creators": ["Tool: bench"]},
        "packages": pkgs, "relationships": rels
    }))
    .expect("serialise")
}

/// Generated inputs by (format, size), built once and kept for the process.
type Inputs = std::sync::Mutex<std::collections::HashMap<(String, usize), &'static [u8]>>;

fn input(format: &str, n: usize) -> &'static [u8] {
    static CACHE: OnceLock<Inputs> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().expect("lock");
    map.entry((format.to_string(), n)).or_insert_with(|| {
        let v = if format == "cdx" {
            cyclonedx(n)
        } else {
            spdx(n)
        };
        Box::leak(v.into_boxed_slice())
    })
}

fn run(b: Bencher, format: &str, n: usize, sets: Option<Vec<RuleSet>>) {
    let bytes = input(format, n);
    // As `craft sbom check`: schema validation runs beside the interpreter.
    let opts = ReadOptions {
        validate_schema: sets.as_ref().is_some_and(|s| s.contains(&RuleSet::Schema)),
        ..ReadOptions::default()
    };
    b.counter(BytesCount::new(bytes.len())).bench(|| {
        let loaded = read_bytes(Path::new("bench.json"), bytes.to_vec(), &opts).expect("reads");
        if let Some(sets) = &sets {
            let r = check(
                &loaded,
                &CheckOptions {
                    sets: sets.clone(),
                    ..CheckOptions::default()
                },
            );
            divan::black_box(r.findings.len());
        }
        divan::black_box(loaded.sbom.components.len())
    });
}

/// The floor: parse the bytes into a `serde_json::Value`, nothing else.
#[divan::bench(args = SIZES)]
fn cdx_serde_json_floor(b: Bencher, n: usize) {
    let bytes = input("cdx", n);
    b.counter(BytesCount::new(bytes.len())).bench(|| {
        divan::black_box(serde_json::from_slice::<serde_json::Value>(bytes).expect("json"))
    });
}

/// Parse and build the model.
#[divan::bench(args = SIZES)]
fn cdx_read(b: Bencher, n: usize) {
    run(b, "cdx", n, None);
}

/// Parse, build the model, validate by the official schema (`check --only schema`).
#[divan::bench(args = SIZES)]
fn cdx_read_schema(b: Bencher, n: usize) {
    run(b, "cdx", n, Some(vec![RuleSet::Schema]));
}

/// Parse, build the model, schema + NTIA + BSI (`check`).
#[divan::bench(args = SIZES)]
fn cdx_read_all_rules(b: Bencher, n: usize) {
    run(b, "cdx", n, Some(RuleSet::ALL.to_vec()));
}

#[divan::bench(args = SIZES)]
fn spdx_serde_json_floor(b: Bencher, n: usize) {
    let bytes = input("spdx", n);
    b.counter(BytesCount::new(bytes.len())).bench(|| {
        divan::black_box(serde_json::from_slice::<serde_json::Value>(bytes).expect("json"))
    });
}

#[divan::bench(args = SIZES)]
fn spdx_read(b: Bencher, n: usize) {
    run(b, "spdx", n, None);
}

#[divan::bench(args = SIZES)]
fn spdx_read_schema(b: Bencher, n: usize) {
    run(b, "spdx", n, Some(vec![RuleSet::Schema]));
}

#[divan::bench(args = SIZES)]
fn spdx_read_all_rules(b: Bencher, n: usize) {
    run(b, "spdx", n, Some(RuleSet::ALL.to_vec()));
}

/// Parse into craft's document (`dom`), the form the readers use; nothing else.
#[divan::bench(args = SIZES)]
fn cdx_dom_parse(b: Bencher, n: usize) {
    let text = std::str::from_utf8(input("cdx", n)).expect("utf-8");
    b.counter(BytesCount::new(text.len())).bench(|| {
        let bump = bumpalo::Bump::new();
        let v = craft_sbom::dom::parse(text, &bump).expect("json");
        divan::black_box(v.is_object())
    });
}

/// Schema validation alone, on an already parsed document.
#[divan::bench(args = SIZES)]
fn cdx_schema_only(b: Bencher, n: usize) {
    let text = std::str::from_utf8(input("cdx", n)).expect("utf-8");
    let bump = bumpalo::Bump::new();
    let value = craft_sbom::dom::parse(text, &bump).expect("json");
    let v = craft_sbom::SchemaId::CycloneDx16.dom_validator();
    b.counter(BytesCount::new(text.len()))
        .bench(|| divan::black_box(v.is_valid(&value)));
}

/// Model building alone, on an already parsed document.
#[divan::bench(args = SIZES)]
fn cdx_interpret_only(b: Bencher, n: usize) {
    let text = std::str::from_utf8(input("cdx", n)).expect("utf-8");
    let bump = bumpalo::Bump::new();
    let value = craft_sbom::dom::parse(text, &bump).expect("json");
    b.counter(BytesCount::new(text.len())).bench(|| {
        divan::black_box(
            craft_sbom::cyclonedx::from_dom(&value)
                .expect("cdx")
                .0
                .components
                .len(),
        )
    });
}
