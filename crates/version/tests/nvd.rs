//! CPE names and NVD applicability statements from real records:
//! - every CPE string of the CISA vulnrichment CVE 5.1 records (`cve/cisa-vulnrichment`)
//!   parses (or fails with a reason) and binds back to itself;
//! - every `cpeApplicability` of the Linux kernel CNA's records evaluates without error;
//! - the NVD API 2.0 `configurations` of Dependency-Track's fixtures evaluate as expected.

use crate::common::{corpus, files};
use craft_version::cpe::Wfn;
use craft_version::nvd::{configurations, evaluate, Truth};
use craft_version::Scheme;
use serde_json::Value;

fn collect_cpes(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "cpes" {
                    if let Some(a) = x.as_array() {
                        out.extend(a.iter().filter_map(Value::as_str).map(str::to_string));
                    }
                } else {
                    collect_cpes(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_cpes(x, out)),
        _ => {}
    }
}

#[test]
fn cve_record_cpes_parse_and_bind_back() {
    let Some(dir) = corpus("cve/cisa-vulnrichment") else {
        return;
    };
    let records = files(&dir, &|p| p.extension().is_some_and(|e| e == "json"));
    assert!(records.len() > 40_000, "records: {}", records.len());
    let mut cpes = Vec::new();
    for r in &records {
        let v: Value = serde_json::from_slice(&std::fs::read(r).unwrap()).unwrap();
        collect_cpes(&v, &mut cpes);
    }
    let (mut fs, mut uri, mut failed) = (0usize, 0usize, Vec::new());
    let mut not_round_trip = Vec::new();
    for c in &cpes {
        match Wfn::parse(c) {
            Ok(w) if c.starts_with("cpe:2.3:") => {
                fs += 1;
                if !w.to_string().eq_ignore_ascii_case(c) {
                    not_round_trip.push(format!("{c} → {w}"));
                }
            }
            Ok(_) => uri += 1,
            Err(e) => failed.push(e.to_string()),
        }
    }
    eprintln!(
        "cve CPEs: {} strings in {} records; {fs} CPE 2.3 and {uri} CPE 2.2 URIs parse; \
         {} malformed rejected",
        cpes.len(),
        records.len(),
        failed.len()
    );
    for f in failed.iter().take(30) {
        eprintln!("  rejected: {f}");
    }
    assert!(cpes.len() > 100_000);
    // The corpus holds a few dozen malformed names (unquoted `:`, doubled prefixes).
    assert!(failed.len() < 100, "{} rejected", failed.len());
    assert!(
        not_round_trip.is_empty(),
        "{} do not bind back:\n{}",
        not_round_trip.len(),
        not_round_trip[..not_round_trip.len().min(20)].join("\n")
    );
}

#[test]
fn kernel_cna_applicability_evaluates() {
    let Some(dir) = corpus("kernel/linux-kernel-cna-vulns/cve/published") else {
        return;
    };
    let records = files(&dir, &|p| p.extension().is_some_and(|e| e == "json"));
    assert!(records.len() > 10_000, "records: {}", records.len());
    let kernel =
        |v: &str| Wfn::parse(&format!("cpe:2.3:o:linux:linux_kernel:{v}:*:*:*:*:*:*:*")).unwrap();
    let probes = [kernel("6.1.55"), kernel("5.10.200"), kernel("4.19.0")];
    let (mut with, mut configs, mut entries) = (0, 0, 0);
    let mut applies = [0usize; 3];
    let mut unknown = Vec::new();
    for r in &records {
        let v: Value = serde_json::from_slice(&std::fs::read(r).unwrap()).unwrap();
        let Some(app) = v.pointer("/containers/cna/cpeApplicability") else {
            continue;
        };
        with += 1;
        let parsed = configurations(app).unwrap_or_else(|e| panic!("{}: {e}", r.display()));
        configs += parsed.len();
        entries += parsed
            .iter()
            .flat_map(|c| &c.nodes)
            .map(|n| n.matches.len())
            .sum::<usize>();
        for (i, p) in probes.iter().enumerate() {
            let e = evaluate(&parsed, std::slice::from_ref(p), Scheme::Kernel);
            match e.applies {
                Truth::True => applies[i] += 1,
                Truth::False => {}
                Truth::Unknown => unknown.extend(e.unknown),
            }
        }
    }
    eprintln!(
        "kernel CNA: {with} of {} records have cpeApplicability: {configs} configurations, \
         {entries} cpeMatch entries; records that apply to 6.1.55: {}, 5.10.200: {}, \
         4.19.0: {}; undecidable: {}",
        records.len(),
        applies[0],
        applies[1],
        applies[2],
        unknown.len()
    );
    for u in unknown.iter().take(10) {
        eprintln!("  unknown: {u}");
    }
    assert!(with > 14_000, "{with}");
    assert!(unknown.is_empty(), "{} undecidable", unknown.len());
    // An older stable branch is hit by more records than a newer one.
    assert!(applies[2] > 0 && applies[1] > 0 && applies[0] > 0);
}

#[test]
fn nvd_api_configurations_evaluate() {
    let Some(dir) =
        corpus("vulndb/dependency-track-fixtures/vuln-data-source/nvd/src/test/resources")
    else {
        return;
    };
    let load = |name: &str| -> Value {
        let v: Value = serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap();
        v.pointer("/cve/configurations")
            .or_else(|| v.pointer("/configurations"))
            .cloned()
            .unwrap_or_else(|| panic!("{name}: no configurations"))
    };
    let mut n = 0;
    for f in files(&dir, &|p| p.extension().is_some_and(|e| e == "json")) {
        let v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        if let Some(c) = v.pointer("/cve/configurations") {
            configurations(c).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            n += 1;
        }
    }
    eprintln!("dependency-track NVD fixtures: {n} records with configurations read");
    assert!(n >= 5, "{n}");
    // CVE-2021-0002: an AND of vulnerable firmware and a non-vulnerable hardware platform.
    let c = configurations(&load("CVE-2021-0002-duplicate-exact-version-matches.json")).unwrap();
    let and = c
        .iter()
        .find(|c| c.operator == craft_version::nvd::Operator::And)
        .expect("an AND configuration");
    assert!(and
        .nodes
        .iter()
        .flat_map(|n| &n.matches)
        .any(|m| !m.vulnerable));
    let fw = |v: &str| {
        Wfn::parse(&format!(
            "cpe:2.3:o:intel:ethernet_controller_e810_firmware:{v}:*:*:*:*:linux:*:*"
        ))
        .unwrap()
    };
    let hw = Wfn::parse("cpe:2.3:h:intel:ethernet_controller_e810:-:*:*:*:*:*:*:*").unwrap();
    let only_one = std::slice::from_ref(and);
    let e = evaluate(only_one, &[fw("1.4.10"), hw.clone()], Scheme::Generic);
    assert_eq!(e.applies, Truth::True);
    assert_eq!(
        e.vulnerable.len(),
        1,
        "only the firmware is vulnerable: {:?}",
        e.vulnerable
    );
    assert_eq!(
        evaluate(only_one, &[fw("1.4.11"), hw.clone()], Scheme::Generic).applies,
        Truth::False
    );
    assert_eq!(
        evaluate(only_one, &[fw("1.4.10")], Scheme::Generic).applies,
        Truth::False
    );
    assert_eq!(
        evaluate(only_one, &[hw], Scheme::Generic).applies,
        Truth::False
    );
}
