//! CSAF 2.0 VEX (the `csaf_vex` profile of OASIS CSAF 2.0): read, write and validate.
//!
//! A CSAF VEX groups everything said about one vulnerability in one `vulnerabilities[]`
//! item: the products under their status (`product_status.known_not_affected` …), the
//! justification as a `flags[]` label (CSAF's five labels are OpenVEX's five
//! justifications), the impact statement as a `threats[]` item of category `impact`, the
//! action statement as a `remediations[]` item; products are defined once in the
//! `product_tree` with their purl and CPE.
//!
//! What CSAF cannot say per statement (statement boundaries and order, the status notes,
//! the aliases of each statement, the other dialects' extras) is kept in one note per
//! vulnerability titled [`STATEMENTS_NOTE`], whose text is JSON; craft reads it back when it
//! still agrees with the document (so a hand-edited status wins over it), so OpenVEX →
//! CycloneDX → CSAF → OpenVEX keeps every statement exactly.
//!
//! [`validate`] checks a document as the specification asks: the strict JSON schema (the
//! official one with `additionalProperties: false` on every object, as the BSI validator
//! and the TC's `generate_strict_schema.py` do) and the mandatory tests of section 6.1,
//! which the `csaf-rs` crate implements (checked against the TC's own test suite).

use super::{source_of, uuid8, Document, Product, Statement, VexError};
use crate::{Justification, Status};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// The title of the note that keeps, per vulnerability, what CSAF cannot say per statement.
pub const STATEMENTS_NOTE: &str = "craft:statements";

/// The impact statement written for a `not_affected` statement that has neither a
/// justification nor an impact statement (CSAF requires one: test 6.1.27.9).
pub const NO_IMPACT: &str = "No impact statement was given.";

/// The remediation details written for an `affected` statement without an action
/// statement (CSAF requires a remediation: test 6.1.27.10).
pub const NO_ACTION: &str = "No action statement was given.";

/// What a CSAF document needs that the VEX model does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The publisher's namespace: a URL of its organisation (CSAF `publisher.namespace`).
    pub namespace: String,
    /// The publisher's category (`vendor` for a maker's own products).
    pub category: String,
    /// The document title; by default one is made from the content.
    pub title: Option<String>,
    /// The release date used when the document has no timestamp (RFC 3339).
    pub now: String,
}

const CATEGORIES: [&str; 6] = [
    "coordinator",
    "discoverer",
    "other",
    "translator",
    "user",
    "vendor",
];

impl Options {
    /// Options for a publisher in `namespace`, category `vendor`.
    pub fn new(namespace: &str, now: &str) -> Options {
        Options {
            namespace: namespace.to_string(),
            category: "vendor".to_string(),
            title: None,
            now: now.to_string(),
        }
    }
}

/// The CSAF product status list a statement's products go to.
fn status_list(s: &Statement) -> &str {
    match s.extra.get("csaf:status").map(String::as_str) {
        Some(k) if status_of(k) == Some(s.status) => k,
        _ => base_list(s.status),
    }
}

/// The four lists the VEX profile knows (6.1.27.7).
const BASE: [&str; 4] = [
    "known_affected",
    "known_not_affected",
    "under_investigation",
    "fixed",
];

/// The base list of a status.
fn base_list(s: Status) -> &'static str {
    match s {
        Status::Affected => "known_affected",
        Status::NotAffected => "known_not_affected",
        Status::UnderInvestigation => "under_investigation",
        Status::Fixed => "fixed",
    }
}

/// The status a CSAF product status list means.
fn status_of(list: &str) -> Option<Status> {
    Some(match list {
        "known_affected" | "first_affected" | "last_affected" => Status::Affected,
        "known_not_affected" => Status::NotAffected,
        "under_investigation" => Status::UnderInvestigation,
        "fixed" | "first_fixed" | "recommended" => Status::Fixed,
        _ => return None,
    })
}

/// The product status lists in the order craft reads them.
const LISTS: [&str; 8] = [
    "known_affected",
    "first_affected",
    "last_affected",
    "known_not_affected",
    "under_investigation",
    "fixed",
    "first_fixed",
    "recommended",
];

const REMEDIATIONS: [&str; 5] = [
    "mitigation",
    "no_fix_planned",
    "none_available",
    "vendor_fix",
    "workaround",
];

fn remediation_category(s: &Statement) -> &str {
    match s.extra.get("csaf:remediation").map(String::as_str) {
        Some(k) if REMEDIATIONS.contains(&k) => k,
        _ => match s.status {
            // The maker has not shipped a fixed release yet; the details say what to do.
            Status::Affected => "none_available",
            Status::Fixed => "vendor_fix",
            Status::NotAffected | Status::UnderInvestigation => "mitigation",
        },
    }
}

fn is_cve(id: &str) -> bool {
    id.strip_prefix("CVE-").is_some_and(|r| {
        r.split_once('-').is_some_and(|(y, n)| {
            y.len() == 4
                && n.len() >= 4
                && y.bytes().all(|b| b.is_ascii_digit())
                && n.bytes().all(|b| b.is_ascii_digit())
        })
    })
}

/// One statement's entry in the [`STATEMENTS_NOTE`].
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    /// The statement's place in the document (CSAF groups statements by vulnerability).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<usize>,
    /// The CSAF product ids the statement's products went to.
    products: Vec<String>,
    /// The statement's own product ids, when they differ from `products` (a product
    /// under two statuses of one vulnerability, or a statement naming no product).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    originals: Option<Vec<String>>,
    status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    impact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    extra: BTreeMap<String, String>,
}

/// The document as a CSAF 2.0 VEX (`csaf_vex` profile).
pub fn write(doc: &Document, opts: &Options) -> Value {
    // Vulnerabilities in the order first named, each with its statements.
    let mut order: Vec<&str> = Vec::new();
    let mut by_vuln: HashMap<&str, Vec<(usize, &Statement)>> = HashMap::new();
    for (n, s) in doc.statements.iter().enumerate() {
        let e = by_vuln.entry(s.vulnerability.as_str()).or_default();
        if e.is_empty() {
            order.push(&s.vulnerability);
        }
        e.push((n, s));
    }
    // Products once, in the order first named (variants as they are made).
    let mut tree = Tree::default();
    let vulnerabilities: Vec<Value> = order
        .iter()
        .map(|v| vulnerability(v, &by_vuln[v], &mut tree))
        .collect();
    // CSAF wants RFC 3339 with an offset, and an id without surrounding or inner line
    // breaks; what does not qualify is replaced (the date by `now`, the id by a UUID).
    let date = doc
        .timestamp
        .clone()
        .filter(|t| has_offset(t))
        .unwrap_or_else(|| opts.now.clone());
    let id = doc
        .id
        .clone()
        .filter(|i| is_tracking_id(i))
        .unwrap_or_else(|| {
            format!(
                "urn:uuid:{}",
                uuid8(&Sha256::digest(
                    serde_json::to_vec(&vulnerabilities).unwrap_or_default()
                ))
            )
        });
    let author = doc
        .author
        .clone()
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| "unspecified".to_string());
    let title = opts.title.clone().unwrap_or_else(|| {
        format!(
            "VEX by {author}: {} statements on {} vulnerabilities",
            doc.statements.len(),
            order.len()
        )
    });
    let category = if CATEGORIES.contains(&opts.category.as_str()) {
        opts.category.as_str()
    } else {
        "other"
    };
    if tree.names.is_empty() {
        // The profile needs a product tree (6.1.27.4), and the schema a non-empty one.
        tree.names
            .push(json!({"name": UNSPECIFIED, "product_id": UNSPECIFIED}));
    }
    let mut d = Map::new();
    d.insert(
        "document".into(),
        json!({
            "category": "csaf_vex",
            "csaf_version": "2.0",
            "publisher": {"category": category, "name": author, "namespace": opts.namespace},
            "title": title,
            "tracking": {
                "current_release_date": date,
                "generator": {"engine": {"name": "craft", "version": env!("CARGO_PKG_VERSION")}},
                "id": id,
                "initial_release_date": date,
                "revision_history": [{"date": date, "number": "1", "summary": "Initial version."}],
                "status": "final",
                "version": "1"
            }
        }),
    );
    d.insert(
        "product_tree".into(),
        json!({ "full_product_names": tree.names }),
    );
    if !vulnerabilities.is_empty() {
        d.insert("vulnerabilities".into(), Value::Array(vulnerabilities));
    }
    Value::Object(d)
}

/// The product id standing for "no product named" (a CycloneDX vulnerability may affect
/// nothing listed; CSAF statuses need a product).
pub const UNSPECIFIED: &str = "unspecified";

/// The product tree being written: each CSAF product id once.
#[derive(Default)]
struct Tree {
    ids: BTreeSet<String>,
    names: Vec<Value>,
}

impl Tree {
    /// The CSAF product id for `p` in status list `list` of a vulnerability that already
    /// uses the ids `used`: its own id, or, when an earlier statement about the same
    /// vulnerability named it (CycloneDX does so per version range), a variant
    /// `id#list` (`id#list-2`, …) so that each statement keeps its own products.
    fn id_for(&mut self, p: &Product, list: &str, used: &mut BTreeSet<String>) -> String {
        let mut id = p.id.clone();
        let mut n = 1;
        while used.contains(&id) {
            id = if n == 1 {
                format!("{}#{list}", p.id)
            } else {
                format!("{}#{list}-{n}", p.id)
            };
            n += 1;
        }
        used.insert(id.clone());
        if self.ids.insert(id.clone()) {
            let mut name = full_product_name(p);
            if id != p.id {
                name["product_id"] = json!(id);
                name["name"] = json!(format!("{} ({})", p.name(), list.replace('_', " ")));
            }
            self.names.push(name);
        }
        id
    }

    /// The placeholder for a statement naming no product, a variant per statement.
    fn unspecified(&mut self, list: &str, used: &mut BTreeSet<String>) -> String {
        let p = Product {
            id: UNSPECIFIED.to_string(),
            purl: None,
            cpe23: None,
        };
        self.id_for(&p, list, used)
    }
}

/// An RFC 3339 date-time with a time zone (`Z` or `±hh:mm`), as CSAF's `date-time` wants.
fn has_offset(t: &str) -> bool {
    let Some((_, time)) = t.split_once(['T', 't']) else {
        return false;
    };
    time.ends_with(['Z', 'z'])
        || time
            .rfind(['+', '-'])
            .is_some_and(|i| time[i + 1..].len() == 5 && time.as_bytes()[i + 3] == b':')
}

/// CSAF's tracking id pattern `^[\S](.*[\S])?$`: no surrounding space, no line break.
fn is_tracking_id(id: &str) -> bool {
    !id.is_empty() && id.trim() == id && !id.contains(['\n', '\r'])
}

/// A purl CSAF 2.0's pattern accepts (`pkg:type/…`).
fn csaf_purl(u: &str) -> bool {
    u.len() >= 7
        && u.strip_prefix("pkg:").is_some_and(|r| {
            r.split_once('/').is_some_and(|(t, rest)| {
                !t.is_empty()
                    && !rest.is_empty()
                    && t.bytes().next().is_some_and(|b| !b.is_ascii_digit())
                    && t.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
            })
        })
        && !u.contains(char::is_whitespace)
}

/// A CPE 2.3 formatted string with its 13 parts (CSAF's pattern checks them further).
fn csaf_cpe(c: &str) -> bool {
    c.starts_with("cpe:2.3:") && c.split(':').count() == 13 && !c.contains(char::is_whitespace)
}

fn full_product_name(p: &Product) -> Value {
    let mut helper = Map::new();
    if let Some(u) = p.purl.as_deref().filter(|u| csaf_purl(u)) {
        helper.insert("purl".into(), json!(u));
    }
    if let Some(c) = p.cpe23.as_deref().filter(|c| csaf_cpe(c)) {
        helper.insert("cpe".into(), json!(c));
    }
    let mut f = Map::new();
    f.insert("name".into(), json!(p.name()));
    f.insert("product_id".into(), json!(p.id));
    if !helper.is_empty() {
        f.insert(
            "product_identification_helper".into(),
            Value::Object(helper),
        );
    }
    Value::Object(f)
}

/// One `vulnerabilities[]` item from the statements about `id`.
fn vulnerability(id: &str, statements: &[(usize, &Statement)], tree: &mut Tree) -> Value {
    let mut v = Map::new();
    if is_cve(id) {
        v.insert("cve".into(), json!(id));
    }
    // The other names: the id itself when it is no CVE, then every statement's aliases.
    let mut ids: Vec<&str> = Vec::new();
    if !is_cve(id) {
        ids.push(id);
    }
    for (_, s) in statements {
        for a in &s.aliases {
            if a != id && !a.trim().is_empty() && !ids.contains(&a.as_str()) {
                ids.push(a);
            }
        }
    }
    if !ids.is_empty() {
        let ids: Vec<Value> = ids
            .iter()
            .map(|a| json!({"system_name": source_of(a), "text": a}))
            .collect();
        v.insert("ids".into(), Value::Array(ids));
    }
    let mut status: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut flags: Vec<Value> = Vec::new();
    let mut flagged: BTreeSet<String> = BTreeSet::new();
    let mut threats: Vec<Value> = Vec::new();
    let mut remediations: Vec<Value> = Vec::new();
    let mut notes: Vec<Value> = Vec::new();
    let mut kept: Vec<Kept> = Vec::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    for &(n, s) in statements {
        let list_name = status_list(s);
        let mut ids: Vec<String> = s
            .products
            .iter()
            .map(|p| tree.id_for(p, list_name, &mut used))
            .collect();
        if ids.is_empty() {
            ids.push(tree.unspecified(list_name, &mut used));
        }
        let list = status.entry(list_name).or_default();
        for p in &ids {
            if !list.contains(p) {
                list.push(p.clone());
            }
        }
        if let Some(j) = s.justification {
            // At most one flag per product and vulnerability (6.1.33).
            let fresh: Vec<&String> = ids
                .iter()
                .filter(|p| flagged.insert(p.to_string()))
                .collect();
            if !fresh.is_empty() {
                flags.push(json!({"label": j.name(), "product_ids": fresh}));
            }
        }
        let nonempty = |t: &Option<String>| t.clone().filter(|t| !t.trim().is_empty());
        let impact = match (nonempty(&s.impact), s.status, s.justification) {
            (Some(i), _, _) => Some(i),
            (None, Status::NotAffected, None) => Some(NO_IMPACT.to_string()),
            _ => None,
        };
        if let Some(i) = impact {
            threats.push(json!({"category": "impact", "details": i, "product_ids": ids}));
        }
        let action = match (nonempty(&s.action), s.status) {
            (Some(a), _) => Some(a),
            (None, Status::Affected) => Some(NO_ACTION.to_string()),
            _ => None,
        };
        if let Some(a) = action {
            remediations.push(json!({
                "category": remediation_category(s),
                "details": a,
                "product_ids": ids
            }));
        }
        if let Some(n) = nonempty(&s.notes) {
            notes.push(json!({
                "category": "details",
                "title": format!("Status notes ({})", ids.join(", ")),
                "text": n
            }));
        }
        let originals: Vec<String> = s.products.iter().map(|p| p.id.clone()).collect();
        kept.push(Kept {
            n: Some(n),
            originals: (originals != ids).then_some(originals),
            products: ids,
            status: s.status.name().to_string(),
            aliases: s.aliases.clone(),
            impact: s.impact.clone(),
            action: s.action.clone(),
            notes: s.notes.clone(),
            extra: s.extra.clone(),
        });
    }
    notes.insert(
        0,
        json!({
            "category": "description",
            "title": "VEX status",
            "text": summary(id, statements)
        }),
    );
    notes.push(json!({
        "category": "other",
        "title": STATEMENTS_NOTE,
        "text": serde_json::to_string(&kept).unwrap_or_default()
    }));
    v.insert("notes".into(), Value::Array(notes));
    // The profile wants one of the four base lists (6.1.27.7); products only under
    // `first_affected` and the like are listed under their base list as well.
    if !BASE.iter().any(|b| status.contains_key(b)) {
        let extra: Vec<(&str, Vec<String>)> = status
            .iter()
            .filter_map(|(l, ids)| Some((base_list(status_of(l)?), ids.clone())))
            .collect();
        for (b, ids) in extra {
            let list = status.entry(b).or_default();
            for p in ids {
                if !list.contains(&p) {
                    list.push(p);
                }
            }
        }
    }
    v.insert("product_status".into(), json!(status));
    if !flags.is_empty() {
        v.insert("flags".into(), Value::Array(flags));
    }
    if !remediations.is_empty() {
        v.insert("remediations".into(), Value::Array(remediations));
    }
    if !threats.is_empty() {
        v.insert("threats".into(), Value::Array(threats));
    }
    Value::Object(v)
}

/// One sentence for people: how many products have which status.
fn summary(id: &str, statements: &[(usize, &Statement)]) -> String {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, s) in statements {
        *by.entry(s.status.name()).or_default() += s.products.len();
    }
    let parts: Vec<String> = by
        .iter()
        .map(|(k, n)| format!("{k}: {n} product{}", if *n == 1 { "" } else { "s" }))
        .collect();
    format!("{id}: {}.", parts.join("; "))
}

/// What the document says about one product of one vulnerability.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Said {
    list: String,
    justification: Option<Justification>,
    impact: Option<String>,
    action: Option<String>,
    remediation: Option<String>,
}

/// Read a CSAF 2.0 document's vulnerabilities as VEX statements.
pub fn read(v: &Value) -> Result<Document, VexError> {
    let doc = v
        .get("document")
        .ok_or_else(|| VexError::at("/document", "missing: not a CSAF document"))?;
    let version = doc.get("csaf_version").and_then(Value::as_str);
    if !matches!(version, Some("2.0" | "2.1")) {
        return Err(VexError::at(
            "/document/csaf_version",
            format!("CSAF version {version:?} is not 2.0 or 2.1"),
        ));
    }
    let tree = v.get("product_tree");
    let defined = product_definitions(tree);
    let groups = product_groups(tree);
    let mut placed: Vec<(Option<usize>, Statement)> = Vec::new();
    for (i, vu) in v
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        placed.extend(read_vulnerability(i, vu, &defined, &groups)?);
    }
    // In craft's own order when every statement knows its place.
    if placed.iter().all(|(n, _)| n.is_some()) {
        placed.sort_by_key(|(n, _)| *n);
    }
    let statements = placed.into_iter().map(|(_, s)| s).collect();
    let s = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    Ok(Document {
        id: s("/document/tracking/id"),
        author: s("/document/publisher/name"),
        timestamp: s("/document/tracking/current_release_date"),
        statements,
    })
}

/// Every product the tree defines, by id: its purl and CPE.
fn product_definitions(tree: Option<&Value>) -> HashMap<String, (Option<String>, Option<String>)> {
    let mut out = HashMap::new();
    let mut add = |f: &Value| {
        if let Some(id) = f.get("product_id").and_then(Value::as_str) {
            let h = f.get("product_identification_helper");
            let get = |k: &str| {
                h.and_then(|h| h.get(k))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            // CSAF 2.1 lists purls in `purls`.
            let purl = get("purl").or_else(|| {
                h.and_then(|h| h.get("purls"))
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
                    .map(str::to_string)
            });
            out.entry(id.to_string()).or_insert((purl, get("cpe")));
        }
    };
    let Some(tree) = tree else { return out };
    for f in tree
        .get("full_product_names")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        add(f);
    }
    for r in tree
        .get("relationships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(f) = r.get("full_product_name") {
            add(f);
        }
    }
    let mut stack: Vec<&Value> = tree
        .get("branches")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    while let Some(b) = stack.pop() {
        if let Some(p) = b.get("product") {
            add(p);
        }
        stack.extend(
            b.get("branches")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    out
}

fn product_groups(tree: Option<&Value>) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for g in tree
        .and_then(|t| t.get("product_groups"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(id) = g.get("group_id").and_then(Value::as_str) {
            out.entry(id.to_string())
                .or_insert_with(|| strings(g, "product_ids"));
        }
    }
    out
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// The products an item (flag, threat, remediation) names, directly or by group.
fn covered(item: &Value, groups: &HashMap<String, Vec<String>>) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = strings(item, "product_ids").into_iter().collect();
    for g in strings(item, "group_ids") {
        out.extend(groups.get(&g).into_iter().flatten().cloned());
    }
    out
}

fn read_vulnerability(
    i: usize,
    vu: &Value,
    defined: &HashMap<String, (Option<String>, Option<String>)>,
    groups: &HashMap<String, Vec<String>>,
) -> Result<Vec<(Option<usize>, Statement)>, VexError> {
    let at = format!("/vulnerabilities/{i}");
    let ids: Vec<String> = vu
        .get("ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| x.get("text").and_then(Value::as_str).map(str::to_string))
        .collect();
    let id = vu
        .get("cve")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| ids.first().cloned())
        .ok_or_else(|| VexError::at(&at, "names no vulnerability: neither `cve` nor `ids`"))?;
    let aliases: Vec<String> = ids.iter().filter(|a| **a != id).cloned().collect();
    let items = |k: &str| -> Vec<(&Value, BTreeSet<String>)> {
        vu.get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|x| (x, covered(x, groups)))
            .collect()
    };
    let flags = items("flags");
    let threats: Vec<_> = items("threats")
        .into_iter()
        .filter(|(t, _)| t.get("category").and_then(Value::as_str) == Some("impact"))
        .collect();
    let remediations = items("remediations");
    let text = |x: &Value, k: &str| x.get(k).and_then(Value::as_str).map(str::to_string);
    // What the document says about each product, in document order.
    let mut said: Vec<(String, Said)> = Vec::new();
    let status = vu.get("product_status");
    // A product under a specific list (`first_affected`…) and its base list too is read
    // once, under the specific one.
    let specific: BTreeSet<(String, Status)> = LISTS
        .iter()
        .filter(|l| !BASE.contains(l))
        .flat_map(|l| {
            let st = status_of(l);
            status
                .map(|s| strings(s, l))
                .unwrap_or_default()
                .into_iter()
                .filter_map(move |p| Some((p, st?)))
        })
        .collect();
    for list in LISTS {
        for p in status.map(|s| strings(s, list)).unwrap_or_default() {
            if BASE.contains(&list)
                && status_of(list).is_some_and(|st| specific.contains(&(p.clone(), st)))
            {
                continue;
            }
            let flag = flags.iter().find(|(_, c)| c.contains(&p)).map(|(f, _)| *f);
            let justification = match flag.and_then(|f| text(f, "label")) {
                Some(l) => Some(Justification::from_name(&l).ok_or_else(|| {
                    VexError::at(format!("{at}/flags"), format!("unknown flag label `{l}`"))
                })?),
                None => None,
            };
            let impact = threats
                .iter()
                .find(|(_, c)| c.contains(&p))
                .and_then(|(t, _)| text(t, "details"))
                .filter(|d| d != NO_IMPACT);
            let remediation = remediations
                .iter()
                .find(|(_, c)| c.contains(&p))
                .map(|(r, _)| *r);
            said.push((
                p,
                Said {
                    list: list.to_string(),
                    justification,
                    impact,
                    action: remediation
                        .and_then(|r| text(r, "details"))
                        .filter(|d| d != NO_ACTION),
                    remediation: remediation.and_then(|r| text(r, "category")),
                },
            ));
        }
    }
    let product = |p: &str| {
        let (purl, cpe23) = defined.get(p).cloned().unwrap_or_default();
        Product {
            id: p.to_string(),
            purl,
            cpe23,
        }
    };
    // craft's own note, when it still agrees with the document.
    if let Some(kept) = kept_statements(vu, &said) {
        return Ok(kept
            .into_iter()
            .map(|(k, s)| {
                (
                    k.n,
                    Statement {
                        vulnerability: id.clone(),
                        aliases: k.aliases,
                        products: match &k.originals {
                            // A variant has its product's purl and CPE.
                            Some(o) => o
                                .iter()
                                .enumerate()
                                .map(|(i, p)| {
                                    let (purl, cpe23) = defined
                                        .get(p)
                                        .or_else(|| k.products.get(i).and_then(|v| defined.get(v)))
                                        .cloned()
                                        .unwrap_or_default();
                                    Product {
                                        id: p.clone(),
                                        purl,
                                        cpe23,
                                    }
                                })
                                .collect(),
                            None => k.products.iter().map(|p| product(p)).collect(),
                        },
                        status: status_of(&s.list).unwrap_or(Status::UnderInvestigation),
                        justification: s.justification,
                        impact: k.impact,
                        action: k.action,
                        notes: k.notes,
                        extra: k.extra,
                    },
                )
            })
            .collect());
    }
    // Otherwise: one statement per run of products about which the same is said.
    let mut out: Vec<(Option<usize>, Statement)> = Vec::new();
    let mut last: Option<&Said> = None;
    for (p, s) in &said {
        if last == Some(s) {
            if let Some((_, st)) = out.last_mut() {
                st.products.push(product(p));
            }
            continue;
        }
        last = Some(s);
        let status = status_of(&s.list).unwrap_or(Status::UnderInvestigation);
        let mut extra = BTreeMap::new();
        if !matches!(
            s.list.as_str(),
            "known_affected" | "known_not_affected" | "under_investigation" | "fixed"
        ) {
            extra.insert("csaf:status".to_string(), s.list.clone());
        }
        if let Some(r) = &s.remediation {
            extra.insert("csaf:remediation".to_string(), r.clone());
        }
        out.push((
            None,
            Statement {
                vulnerability: id.clone(),
                aliases: aliases.clone(),
                products: vec![product(p)],
                status,
                justification: s.justification,
                impact: s.impact.clone(),
                action: s.action.clone(),
                notes: None,
                extra,
            },
        ));
    }
    Ok(out)
}

/// The statements of craft's note when they still describe the document: every product
/// of every entry has the entry's status there, the products of one entry are all said
/// the same, and the entries cover every (product, status) the document states.
fn kept_statements(vu: &Value, said: &[(String, Said)]) -> Option<Vec<(Kept, Said)>> {
    let note = vu
        .get("notes")?
        .as_array()?
        .iter()
        .find(|n| n.get("title").and_then(Value::as_str) == Some(STATEMENTS_NOTE))?;
    let kept: Vec<Kept> = serde_json::from_str(note.get("text")?.as_str()?).ok()?;
    let by: HashMap<&str, &Said> = said.iter().map(|(p, s)| (p.as_str(), s)).collect();
    if by.len() != said.len() {
        // A product under two statuses: the note cannot say which statement is which.
        return None;
    }
    let mut covered = BTreeSet::new();
    let mut out = Vec::with_capacity(kept.len());
    for k in kept {
        let first = *by.get(k.products.first()?.as_str())?;
        let status = Status::from_name(&k.status)?;
        let model = Statement {
            vulnerability: String::new(),
            aliases: Vec::new(),
            products: Vec::new(),
            status,
            justification: None,
            impact: None,
            action: None,
            notes: None,
            extra: k.extra.clone(),
        };
        for p in &k.products {
            let s = *by.get(p.as_str())?;
            // The document must still say what the note's statement wrote: the same list,
            // impact, action and remediation category.
            let category = s.remediation.as_deref();
            if s != first
                || s.list != status_list(&model)
                || s.impact != k.impact.clone().filter(|i| !i.trim().is_empty())
                || s.action != k.action.clone().filter(|a| !a.trim().is_empty())
                || category.is_some_and(|c| c != remediation_category(&model))
            {
                return None;
            }
            covered.insert(p.clone());
        }
        out.push((k, first.clone()));
    }
    (covered.len() == by.len()).then_some(out)
}

/// One finding of [`validate`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The test: `schema` (the strict JSON schema) or a mandatory test id (`6.1.27.9`).
    pub test: String,
    /// Where (a JSON Pointer).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

/// The CSAF version a document declares.
pub fn version(v: &Value) -> Option<&str> {
    v.pointer("/document/csaf_version").and_then(Value::as_str)
}

/// Validate a CSAF document: the strict JSON schema of CSAF 2.0 and every mandatory test
/// (section 6.1); for a CSAF 2.1 document, `csaf-rs`'s schema and 2.1 mandatory tests.
/// No finding means valid.
pub fn validate(v: Value) -> Vec<Finding> {
    let mut out = strict_schema(&v);
    out.extend(mandatory(v));
    out
}

/// [`validate`] from the document's bytes, on two threads: one parses and runs the strict
/// schema while the other parses and runs the mandatory tests (each needs its own tree:
/// `csaf-rs` owns the one it reads). The CSAF version the document declares, and the same
/// findings in the same order as [`validate`].
///
/// # Errors
/// The bytes are not JSON.
pub fn validate_bytes(bytes: &[u8]) -> Result<(Option<String>, Vec<Finding>), serde_json::Error> {
    std::thread::scope(|s| {
        let schema = s.spawn(|| serde_json::from_slice::<Value>(bytes).map(|v| strict_schema(&v)));
        let rest = serde_json::from_slice::<Value>(bytes)
            .map(|v| (version(&v).map(str::to_string), mandatory(v)));
        let mut out = match schema.join() {
            Ok(r) => r?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let (declared, rest) = rest?;
        out.extend(rest);
        Ok((declared, out))
    })
}

/// The strict-schema findings of a CSAF 2.0 document (none for other versions: their
/// schema runs with the mandatory tests).
fn strict_schema(v: &Value) -> Vec<Finding> {
    if version(v) == Some("2.0") {
        validate_schema(v)
    } else {
        Vec::new()
    }
}

/// The mandatory tests (`csaf-rs`), and for CSAF 2.1 its schema.
fn mandatory(v: Value) -> Vec<Finding> {
    use csaf_rs::validation::{validate_by_preset, TestResultStatus};
    let mut out = Vec::new();
    let results = match version(&v) {
        Some("2.0") => {
            let doc = csaf_rs::csaf2_0::loader::load_document(v);
            doc.map(|d| {
                unparsed(&d, &mut out);
                validate_by_preset(&d, "2.0", "mandatory")
            })
        }
        Some("2.1") => {
            let doc = csaf_rs::csaf2_1::loader::load_document(v);
            doc.map(|d| {
                unparsed(&d, &mut out);
                validate_by_preset(&d, "2.1", "basic")
            })
        }
        other => {
            out.push(Finding {
                test: "schema".to_string(),
                pointer: "/document/csaf_version".to_string(),
                message: format!("CSAF version {other:?} is not 2.0 or 2.1"),
            });
            return out;
        }
    };
    match results {
        Ok(Ok(r)) => {
            for t in r.test_results {
                if let TestResultStatus::Failure { mut errors, .. } = t.status {
                    // csaf-rs reports some tests' findings in hash order: sorted, so the
                    // same document always gives the same report.
                    errors.sort_by(|a, b| {
                        (&a.instance_path, &a.message).cmp(&(&b.instance_path, &b.message))
                    });
                    for e in errors {
                        out.push(Finding {
                            test: t.test_id.clone(),
                            pointer: e.instance_path,
                            message: e.message,
                        });
                    }
                }
            }
        }
        Ok(Err(e)) => out.push(Finding {
            test: "mandatory".to_string(),
            pointer: String::new(),
            message: e.to_string(),
        }),
        Err(e) => out.push(Finding {
            test: "mandatory".to_string(),
            pointer: String::new(),
            message: e.to_string(),
        }),
    }
    out
}

/// The strict-schema findings alone (what [`validate`] reports under `schema` for CSAF 2.0).
pub fn validate_schema(v: &Value) -> Vec<Finding> {
    strict_2_0()
        .iter_errors(v)
        .map(|e| Finding {
            test: "schema".to_string(),
            pointer: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect()
}

/// `csaf-rs` runs the mandatory tests on the document read into its CSAF types; a document
/// that does not read (empty strings where the schema wants text, say) has its tests
/// skipped. That is said, so "no mandatory-test finding" never passes for "tested".
fn unparsed<D: csaf_rs::csaf::raw::HasParsed>(doc: &D, out: &mut Vec<Finding>) {
    if let Err(e) = doc.get_parsed() {
        out.push(Finding {
            test: "mandatory".to_string(),
            pointer: String::new(),
            message: format!(
                "the mandatory tests could not run: the document does not read as CSAF ({e}); \
                 mend the schema findings first"
            ),
        });
    }
}

const CSAF_2_0: &str = include_str!("../../schemas/csaf-2.0.schema.json");
const CVSS_2_0: &str = include_str!("../../schemas/cvss-v2.0.json");
const CVSS_3_0: &str = include_str!("../../schemas/cvss-v3.0.json");
const CVSS_3_1: &str = include_str!("../../schemas/cvss-v3.1.json");

/// The strict CSAF 2.0 schema, compiled once: the official schema with
/// `additionalProperties: false` on every object that lists its properties, and the CPE
/// pattern anchored as a whole (known issue 693 of CSAF 2.0, as the BSI validator does).
fn strict_2_0() -> &'static jsonschema::Validator {
    static CELL: OnceLock<jsonschema::Validator> = OnceLock::new();
    CELL.get_or_init(|| {
        let parse = |t: &str| -> Value {
            serde_json::from_str(t).unwrap_or_else(|e| panic!("bundled schema is not JSON: {e}"))
        };
        let mut schema = parse(CSAF_2_0);
        make_strict(&mut schema);
        anchor_cpe(&mut schema);
        let registry = jsonschema::Registry::new()
            .add("https://www.first.org/cvss/cvss-v2.0.json", parse(CVSS_2_0))
            .and_then(|r| r.add("https://www.first.org/cvss/cvss-v3.0.json", parse(CVSS_3_0)))
            .and_then(|r| r.add("https://www.first.org/cvss/cvss-v3.1.json", parse(CVSS_3_1)))
            .and_then(|r| r.prepare())
            .unwrap_or_else(|e| panic!("bundled CVSS schemas do not register: {e}"));
        jsonschema::options()
            .should_validate_formats(true)
            .with_registry(&registry)
            .build(&schema)
            .unwrap_or_else(|e| panic!("bundled CSAF 2.0 schema does not compile: {e}"))
    })
}

fn make_strict(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            m.values_mut().for_each(make_strict);
        }
        Value::Array(a) => a.iter_mut().for_each(make_strict),
        _ => {}
    }
}

fn anchor_cpe(schema: &mut Value) {
    let p = "/$defs/full_product_name_t/properties/product_identification_helper/properties/cpe/pattern";
    if let Some(Value::String(s)) = schema.pointer_mut(p) {
        if let Some(inner) = s.strip_prefix('^').and_then(|s| s.strip_suffix('$')) {
            *s = format!("^({inner})$");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids_are_recognised_by_the_schema_pattern() {
        assert!(is_cve("CVE-2024-12345"));
        assert!(!is_cve("CVE-24-1234"));
        assert!(!is_cve("cve-2024-1234"));
        assert!(!is_cve("GHSA-xxxx-yyyy-zzzz"));
        assert!(!is_cve("CVE-2024-123"));
    }

    #[test]
    fn the_strict_schema_compiles_and_is_strict() {
        let mut schema: Value = serde_json::from_str(CSAF_2_0).expect("JSON");
        make_strict(&mut schema);
        assert_eq!(schema["additionalProperties"], Value::Bool(false));
        anchor_cpe(&mut schema);
        let p = schema
            .pointer("/$defs/full_product_name_t/properties/product_identification_helper/properties/cpe/pattern")
            .and_then(Value::as_str)
            .expect("pattern");
        assert!(p.starts_with("^((cpe:2") && p.ends_with(")$"), "{p}");
        let _ = strict_2_0();
    }
}
