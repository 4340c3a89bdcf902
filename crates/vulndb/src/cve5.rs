//! CVE List V5 records (CVE JSON 5.0/5.1): the CNA container becomes one record, each ADP
//! container another, so that a CNA's ranges and CISA's enrichment keep their own
//! provenance and dates.
//!
//! The Linux kernel CNA's own repository (`vulns.git`, `cve/published/` and
//! `cve/rejected/`) publishes records as the CNA authored them: no `datePublished`, no
//! short name, and a rejection shown by the folder, not by `state`. Such records (the
//! kernel CNA's org id and no `datePublished`) are stored under
//! [`Source::KernelCna`]; one found under a `rejected` folder is [`Status::Rejected`].

use crate::parse::{clip, cvss_rating, cwe_id, english, items, reference_urls, str_at, Problem};
use crate::record::{normalize_time, Affected, Fact, Record, Source, Status};
use serde_json::{json, Map, Value};

/// Org ids of CNAs whose records carry no short name, by the name craft gives them.
const KNOWN_ORGS: &[(&str, &str)] = &[
    ("416baaa9-dc9f-4396-8d5f-8c081fb06d67", "Linux"),
    ("f4215fc3-5b6b-47ff-a258-f7189bd81038", "Linux"),
    ("1bb62c36-49e3-4200-9d77-64a1400537cc", "Go"),
];

/// Whether `v` is a CVE 5 record.
pub fn is_cve5(v: &Value) -> bool {
    v.get("cveMetadata").is_some_and(Value::is_object)
        && v.get("containers").is_some_and(Value::is_object)
}

fn org_name(meta: Option<&Value>, fallback: &Value) -> String {
    let short = meta.and_then(|m| str_at(m, "shortName"));
    if let Some(s) = short.or_else(|| str_at(fallback, "assignerShortName")) {
        return s.to_string();
    }
    let org = meta
        .and_then(|m| str_at(m, "orgId"))
        .or_else(|| str_at(fallback, "assignerOrgId"))
        .unwrap_or("");
    KNOWN_ORGS
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(org))
        .map_or_else(|| org.to_string(), |(_, n)| (*n).to_string())
}

/// Read one CVE 5 record into its CNA record and its ADP records. `origin` is where it was
/// found (its folder decides a kernel CNA rejection).
pub fn read(v: &Value, origin: &str, problems: &mut Vec<Problem>) -> Result<Vec<Record>, Problem> {
    let meta = &v["cveMetadata"];
    let id = str_at(meta, "cveId")
        .or_else(|| str_at(meta, "cveID"))
        .and_then(crate::record::cve_id)
        .ok_or_else(|| Problem::skip("missing-id", "`cveMetadata.cveId` is not a CVE id"))?;
    let state = str_at(meta, "state").unwrap_or("PUBLISHED");
    let containers = &v["containers"];
    let mut out = Vec::new();
    let cna = containers.get("cna").filter(|c| c.is_object());
    if let Some(cna) = cna {
        let pm = cna.get("providerMetadata");
        let assigner = org_name(pm, meta);
        let org = pm.and_then(|m| str_at(m, "orgId")).unwrap_or("");
        let kernel_repo = assigner == "Linux"
            && meta.get("datePublished").is_none()
            && KNOWN_ORGS
                .iter()
                .any(|(o, n)| *n == "Linux" && o.eq_ignore_ascii_case(org));
        let source = if kernel_repo {
            Source::KernelCna
        } else {
            Source::Cve
        };
        let rejected = state.eq_ignore_ascii_case("REJECTED")
            || (kernel_repo && origin.split(['/', '\\', '!']).any(|c| c == "rejected"));
        let modified = pm
            .and_then(|m| str_at(m, "dateUpdated"))
            .or_else(|| str_at(meta, "dateUpdated"))
            .map(normalize_time);
        let mut rec = container(
            cna,
            source,
            &id,
            assigner,
            modified,
            meta,
            if rejected {
                Status::Rejected
            } else {
                Status::Published
            },
            problems,
        );
        if rejected && rec.details.is_none() {
            rec.details = english(cna.get("rejectedReasons")).map(str::to_string);
        }
        out.push(rec);
    } else if state.eq_ignore_ascii_case("REJECTED") {
        // A rejected record may carry only a `rejectedReasons` in a bare CNA container; one
        // without any container still says the id is rejected.
        out.push(container(
            &Value::Null,
            Source::Cve,
            &id,
            org_name(None, meta),
            str_at(meta, "dateUpdated").map(normalize_time),
            meta,
            Status::Rejected,
            problems,
        ));
    }
    for adp in items(containers, "adp") {
        let pm = adp.get("providerMetadata");
        let assigner = org_name(pm, &Value::Null);
        let modified = pm
            .and_then(|m| str_at(m, "dateUpdated"))
            .map(normalize_time);
        out.push(container(
            adp,
            Source::CveAdp,
            &id,
            assigner,
            modified,
            meta,
            Status::Published,
            problems,
        ));
    }
    if out.is_empty() {
        return Err(Problem::skip(
            "no-container",
            "the record has neither a CNA nor an ADP container",
        ));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn container(
    c: &Value,
    source: Source,
    id: &str,
    assigner: String,
    modified: Option<String>,
    meta: &Value,
    status: Status,
    problems: &mut Vec<Problem>,
) -> Record {
    let mut severities = Vec::new();
    let mut facts = Vec::new();
    for m in items(c, "metrics") {
        let Some(obj) = m.as_object() else { continue };
        for (k, val) in obj {
            match k.as_str() {
                "cvssV2_0" | "cvssV3_0" | "cvssV3_1" | "cvssV4_0" => {
                    let kind = match k.as_str() {
                        "cvssV2_0" => "cvss2",
                        "cvssV3_0" => "cvss3.0",
                        "cvssV3_1" => "cvss3.1",
                        _ => "cvss4.0",
                    };
                    severities.extend(cvss_rating(
                        &assigner,
                        Some(kind),
                        str_at(val, "vectorString"),
                        val.get("baseScore").and_then(Value::as_f64),
                        k,
                        problems,
                    ));
                }
                "other" => {
                    let kind = str_at(val, "type").unwrap_or("other").to_ascii_lowercase();
                    facts.push(Fact {
                        kind,
                        value: val.get("content").cloned().unwrap_or(Value::Null),
                    });
                }
                _ => {}
            }
        }
    }
    let mut cwes = Vec::new();
    for pt in items(c, "problemTypes") {
        for d in items(pt, "descriptions") {
            if let Some(cwe) = str_at(d, "cweId")
                .and_then(cwe_id)
                .or_else(|| str_at(d, "description").and_then(cwe_id))
            {
                cwes.push(cwe);
            }
        }
    }
    cwes.sort();
    cwes.dedup();
    let mut affected = Vec::new();
    for a in items(c, "affected") {
        let range = serde_json::to_vec(a).unwrap_or_default();
        let mut keys = Vec::new();
        for cpe in items(a, "cpes") {
            match cpe.as_str().map(craft_version::cpe::Wfn::parse) {
                Some(Ok(w)) => keys.extend(crate::key::of_cpe(&w)),
                _ => problems.push(Problem::note(
                    "cpe-unreadable",
                    "an `affected[].cpes` entry is not a CPE name",
                )),
            }
        }
        if let (Some(pkg), Some(ty)) = (
            str_at(a, "packageName"),
            str_at(a, "collectionURL").and_then(collection_type),
        ) {
            keys.push(crate::key::of_osv_package(ty, pkg, None));
        }
        if let (Some(v), Some(p)) = (str_at(a, "vendor"), str_at(a, "product")) {
            if !(v.eq_ignore_ascii_case("n/a") && p.eq_ignore_ascii_case("n/a")) {
                keys.push(crate::key::of_vendor_product(v, p));
            }
        }
        keys.sort();
        keys.dedup();
        if keys.is_empty() {
            problems.push(Problem::note(
                "affected-without-product",
                "an `affected[]` entry names no product, package or CPE (kept out of the index)",
            ));
        }
        for key in keys {
            affected.push(Affected {
                key,
                ecosystem: "cve5".to_string(),
                form: "cve5",
                range: range.clone(),
            });
        }
    }
    let references = reference_urls(c, problems);
    let mut wrapper = Map::new();
    wrapper.insert("cveMetadata".into(), meta.clone());
    let slot = if source == Source::CveAdp {
        "adp"
    } else {
        "cna"
    };
    wrapper.insert(
        "containers".into(),
        if slot == "adp" {
            json!({ "adp": [c] })
        } else {
            json!({ "cna": c })
        },
    );
    Record {
        source,
        assigner,
        id: id.to_string(),
        aliases: Vec::new(),
        modified,
        published: str_at(meta, "datePublished").map(normalize_time),
        status,
        // An ADP's title names the ADP's programme ("CISA ADP Vulnrichment"), not the
        // vulnerability.
        summary: str_at(c, "title")
            .filter(|_| source != Source::CveAdp)
            .map(|s| clip(s, 4096, "title", problems)),
        details: english(c.get("descriptions")).map(|s| clip(s, 1 << 20, "descriptions", problems)),
        severities,
        cwes,
        references,
        affected,
        facts,
        body: serde_json::to_vec(&Value::Object(wrapper)).unwrap_or_default(),
    }
}

/// The OSV ecosystem a CVE 5 `collectionURL` stands for.
fn collection_type(url: &str) -> Option<&'static str> {
    let host = url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .split('/')
        .next()?;
    Some(match host {
        "pkg.go.dev" | "proxy.golang.org" => "Go",
        "pypi.org" | "pypi.python.org" => "PyPI",
        "npmjs.com" | "registry.npmjs.org" => "npm",
        "crates.io" => "crates.io",
        "repo.maven.apache.org" | "repo1.maven.org" | "central.sonatype.com" => "Maven",
        "rubygems.org" => "RubyGems",
        "nuget.org" | "api.nuget.org" => "NuGet",
        "packagist.org" => "Packagist",
        _ => return None,
    })
}
