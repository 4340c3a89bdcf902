//! SPDX 3.0 JSON-LD: the interpreter.
//!
//! [`from_json`] reads the `@graph` of an SPDX 3.0.x JSON-LD document — as written by Yocto's
//! `create-spdx-3.0`, the SPDX tools and the specification's examples — into the model. It
//! does not run a JSON-LD processor: it reads the compact form those tools write, and accepts
//! the other spellings of a term met in the wild (full IRIs, `spdx:` prefixes, names without
//! their profile prefix; see `terms.rs`). Elements are found by `spdxId` (or `@id`) through
//! one index built up front, so reading is linear in the size of the document.
//!
//! # Mapping
//!
//! | SPDX 3 | model |
//! |---|---|
//! | `software_Package`, `ai_AIPackage`, `dataset_DatasetPackage`, `software_SoftwareArtifact` | [`Component`]; kind from `software_primaryPurpose` (AI and dataset packages: machine-learning model, data) |
//! | `software_File`, `software_Snippet` | [`Component`] of kind file; a file's `name` is also its file name; a snippet is contained by its `software_snippetFromFile` |
//! | `spdxId` (else `@id`) | [`Component::id`] |
//! | `software_packageVersion`, `software_packageUrl` | version, purls |
//! | `externalIdentifier[]`: `cpe23`, `cpe22` / `packageUrl` / others (`swid`, `gitoid`, `swhid`…) | cpes / purls / other ids (scheme = the SPDX type) |
//! | `verifiedUsing[]` `Hash` (`algorithm`, `hashValue`) | hashes (hex lower-cased) |
//! | `suppliedBy`, `originatedBy` (Agent ids) | supplier, originator (the first agent) |
//! | `software_downloadLocation`, `software_homePage`, `externalRef[]` | download location, `website` and CycloneDX-typed external references |
//! | `software_copyrightText`, `description` (else `summary`) | copyright, description |
//! | `software_primaryPurpose`, `software_additionalPurpose`, `software_sourceInfo` | properties `spdx:primaryPurpose`, `spdx:additionalPurpose`, `spdx:sourceInfo`; purpose `executable` / `archive` also sets the BSI properties |
//! | `hasDeclaredLicense` / `hasConcludedLicense` to licence elements | licence declared / concluded (several are joined with `AND`) |
//! | other `Relationship`s, one edge per `to` | [`Relationship`]s (`generates` reversed to generated-from; `LifecycleScopedRelationship` scope `build` → build dependency, `development` / `test` → development dependency) |
//! | `build_Build` `hasInput` / `hasOutput` | each output generated-from each input |
//! | `hasDistributionArtifact` | an edge, and the artifact's name as the package's file name when it has none |
//! | `SpdxDocument` (else `software_Sbom`) | document name, namespace (its `spdxId`), `dataLicense`, `comment` |
//! | its `CreationInfo` (often the blank node `_:creationinfo`) | created, authors (`Person`, `Organization`, `Agent`), tools (`Tool`, `SoftwareAgent`) |
//! | `rootElement` (through nested `software_Sbom`s) and `describes` from the document | document subjects |
//!
//! Licences are rebuilt as SPDX expressions: `simplelicensing_LicenseExpression` as written,
//! listed licences by their id (`https://spdx.org/licenses/MIT` → `MIT`, also when the IRI is
//! not an element of the document), custom licences as `LicenseRef-…`, and the expanded
//! licensing sets and operators (`AND`, `OR`, `+`, `WITH`) recursively.
//!
//! **Not read:** security elements (vulnerabilities, VEX assessments), annotations, and edges
//! with an end that is not a component (between builds, to vulnerabilities) or that lies in
//! another document (`import`, `namespaceMap`). Each kind is reported once with its count, as
//! an `info` finding, not once per element; malformed values and references to missing
//! elements are `read-skipped` / `read-dangling-ref` warnings. Agents written the SPDX 2 way
//! (`Organization: Acme (sec@acme.example)`) instead of by reference are accepted.

mod terms;
#[cfg(test)]
mod tests;

use crate::dom::Value;
use crate::{license, Diagnostic, Location, Severity};
use craft_model::{
    Component, ComponentKind, DocumentInfo, Encoding, ExternalId, ExternalRef, FormatKind, Hash,
    HashAlg, Party, PartyKind, Property, Relationship, RelationshipKind, Sbom, SourceFormat, Tool,
};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use terms::{as_str, local, El, Rel, Ty};

/// Longest licence expression read from licence elements, in bytes (hundreds of licences).
/// Elements are expanded once, but every use copies the text: the bound keeps sets of
/// shared members from growing the model far beyond the size of the document.
const MAX_LICENCE_TEXT: usize = 16 * 1024;

/// Interpret a SPDX 3 JSON-LD document given as a `serde_json::Value` (see [`from_dom`]).
pub fn from_json(v: &serde_json::Value) -> Result<(Sbom, Vec<Diagnostic>), (String, String)> {
    let bump = bumpalo::Bump::new();
    from_dom(&Value::from_serde(v, &bump))
}

/// Interpret an SPDX 3.0 JSON-LD document (a top-level `@context` and `@graph`).
///
/// Lenient: what cannot be interpreted is skipped with a [`Diagnostic`]. `Err((pointer,
/// message))` only when the top level is unusable (no `@graph` array).
///
/// The document is a [`crate::dom::Value`], as the readers parse it.
pub fn from_dom(v: &Value<'_>) -> Result<(Sbom, Vec<Diagnostic>), (String, String)> {
    let graph = graph(v)?;
    let mut r = Reader::new(graph.elements, graph.base);
    r.components();
    r.relationships();
    r.build_edges();
    r.licences();
    r.file_names();
    r.document(v);
    r.report_skipped();
    Ok((r.sbom, r.diags))
}

/// The elements of a document.
struct Graph<'a> {
    elements: &'a [Value<'a>],
    /// JSON Pointer of the element array; `None` when the document is a single element
    /// without `@graph`.
    base: Option<&'static str>,
}

/// The elements of the document.
fn graph<'a>(v: &'a Value<'a>) -> Result<Graph<'a>, (String, String)> {
    let graph = |elements, base| Ok(Graph { elements, base });
    match v {
        Value::Object(root) => match root.get("@graph") {
            Some(Value::Array(g)) => graph(g, Some("/@graph")),
            Some(other) => Err((
                "/@graph".into(),
                format!(
                    "`@graph` is {}, expected an array of elements",
                    other.type_name()
                ),
            )),
            None if El::new(root).type_name().is_some() => graph(std::slice::from_ref(v), None),
            None => Err((
                String::new(),
                "an SPDX 3 JSON-LD document needs a `@graph` array of elements".into(),
            )),
        },
        Value::Array(g) => graph(g, Some("")),
        other => Err((
            String::new(),
            format!(
                "an SPDX 3 document must be a JSON-LD object, found {}",
                other.type_name()
            ),
        )),
    }
}

/// One element of the graph.
struct Node<'a> {
    el: El<'a>,
    ty: Ty,
    type_name: &'a str,
    id: Option<&'a str>,
    /// Position in `@graph`.
    pos: usize,
}

/// What a relationship end resolves to.
enum End<'a> {
    /// A component (index into `Sbom::components`).
    Comp(usize),
    /// An element that is not a component (index into `Reader::nodes`).
    Node(usize),
    /// `NoneElement`, `NoAssertionElement` and their licence twins: no edge, nothing wrong.
    Vocabulary,
    /// An id no element of the document has.
    Missing(&'a str),
    /// Not a reference at all.
    Invalid,
}

/// Why relationships were skipped, for the summary findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Why {
    /// An end is an element that is not a component.
    NotComponent,
    /// An end names no element of the document.
    Dangling,
    /// An end is an element of another document (imported, or in a mapped namespace).
    External,
    /// A licence reference could not be turned into an expression.
    Licence,
}

/// Count and first occurrence of one kind of skipped item.
struct Tally {
    count: usize,
    pointer: String,
    example: String,
}

struct Reader<'a> {
    base: Option<&'static str>,
    nodes: Vec<Node<'a>>,
    /// Element id → index into `nodes` (the first element with that id).
    by_id: HashMap<&'a str, usize>,
    /// Node index → component index.
    comp: Vec<Option<usize>>,
    sbom: Sbom,
    diags: Vec<Diagnostic>,
    /// Edges already pushed, by component index.
    edges: HashSet<(usize, RelationshipKind, usize)>,
    declared: Vec<Vec<String>>,
    concluded: Vec<Vec<String>>,
    /// (component, declared?, licence id) already read: a licence named again is not
    /// expanded and copied again.
    licensed: HashSet<(usize, bool, &'a str)>,
    /// (component, declared?, expression) already in `declared` / `concluded`.
    licence_seen: HashSet<(usize, bool, String)>,
    /// Licence elements expanded so far, by node (`None`: unreadable, or being expanded).
    licence_texts: RefCell<HashMap<usize, Option<String>>>,
    /// Build node → (input components, output components).
    builds: BTreeMap<usize, (Vec<usize>, Vec<usize>)>,
    /// (package, distribution artifact) component pairs.
    artifacts: Vec<(usize, usize)>,
    /// Components the document describes through `describes` relationships.
    described: Vec<usize>,
    skipped: BTreeMap<(&'a str, Why), Tally>,
    unread_types: BTreeMap<&'a str, Tally>,
    duplicate_ids: Option<Tally>,
    /// Ids of elements of other documents (`import[].externalSpdxId`).
    imported: HashSet<&'a str>,
    /// Namespaces of other documents (`namespaceMap[].namespace`).
    namespaces: Namespaces,
}

/// Namespaces as a byte trie: whether an id starts with one of them costs one step per byte
/// of the id, however many there are (a scan of all of them per missing id was quadratic).
#[derive(Default)]
struct Namespaces {
    /// (node, byte) → child node; node 0 is the root.
    next: HashMap<(usize, u8), usize>,
    /// Nodes where a namespace ends.
    ends: HashSet<usize>,
}

impl Namespaces {
    fn insert(&mut self, ns: &str) {
        let mut node = 0;
        for &b in ns.as_bytes() {
            let fresh = self.next.len() + 1;
            node = *self.next.entry((node, b)).or_insert(fresh);
        }
        self.ends.insert(node);
    }

    /// Whether `id` starts with one of the namespaces.
    fn prefixes(&self, id: &str) -> bool {
        let mut node = 0;
        for &b in id.as_bytes() {
            if self.ends.contains(&node) {
                return true;
            }
            match self.next.get(&(node, b)) {
                Some(&n) => node = n,
                None => return false,
            }
        }
        self.ends.contains(&node)
    }
}

impl<'a> Reader<'a> {
    fn new(graph: &'a [Value<'a>], base: Option<&'static str>) -> Self {
        let mut r = Reader {
            base,
            nodes: Vec::with_capacity(graph.len()),
            by_id: HashMap::with_capacity(graph.len()),
            comp: Vec::new(),
            sbom: Sbom::default(),
            diags: Vec::new(),
            edges: HashSet::new(),
            declared: Vec::new(),
            concluded: Vec::new(),
            licensed: HashSet::new(),
            licence_seen: HashSet::new(),
            licence_texts: RefCell::new(HashMap::new()),
            builds: BTreeMap::new(),
            artifacts: Vec::new(),
            described: Vec::new(),
            skipped: BTreeMap::new(),
            unread_types: BTreeMap::new(),
            duplicate_ids: None,
            imported: HashSet::new(),
            namespaces: Namespaces::default(),
        };
        for (pos, v) in graph.iter().enumerate() {
            let Value::Object(obj) = v else {
                r.diags.push(Diagnostic::skipped(
                    r.pointer(pos),
                    format!("graph element is {}, expected an object", v.type_name()),
                ));
                continue;
            };
            let el = El::new(obj);
            let type_name = match el.type_name() {
                Some(t) => t,
                None if el.get("relationshipType").is_some() => "Relationship",
                None => {
                    r.diags.push(Diagnostic::skipped(
                        r.pointer(pos),
                        "graph element without `type`; skipped",
                    ));
                    continue;
                }
            };
            let ty = Ty::of(type_name);
            if matches!(ty, Ty::Security | Ty::Other) {
                match r.unread_types.get_mut(type_name) {
                    Some(t) => t.count += 1,
                    None => {
                        let t = Tally {
                            count: 1,
                            pointer: r.pointer(pos),
                            example: String::new(),
                        };
                        r.unread_types.insert(type_name, t);
                    }
                }
            }
            let id = el.id();
            let n = r.nodes.len();
            if let Some(id) = id {
                if r.by_id.contains_key(id) {
                    let at = r.pointer(pos);
                    let t = r.duplicate_ids.get_or_insert(Tally {
                        count: 0,
                        pointer: at,
                        example: id.to_string(),
                    });
                    t.count += 1;
                } else {
                    r.by_id.insert(id, n);
                }
            }
            r.nodes.push(Node {
                el,
                ty,
                type_name,
                id,
                pos,
            });
        }
        r.comp = vec![None; r.nodes.len()];
        for node in r.nodes.iter().filter(|n| n.ty == Ty::Document) {
            let objects = |key| node.el.items(key).iter().filter_map(Value::as_object);
            for m in objects("import") {
                if let Some(id) = El::new(m).str("externalSpdxId") {
                    r.imported.insert(id);
                }
            }
            for m in objects("namespaceMap") {
                if let Some(ns) = El::new(m).str("namespace") {
                    r.namespaces.insert(ns);
                }
            }
        }
        r
    }

    /// Whether a missing id names an element of another document.
    fn is_external(&self, id: &str) -> bool {
        self.imported.contains(id) || self.namespaces.prefixes(id)
    }

    /// JSON Pointer of the element at `pos` in `@graph`.
    fn pointer(&self, pos: usize) -> String {
        match self.base {
            Some(b) => format!("{b}/{pos}"),
            None => String::new(),
        }
    }

    fn warn(&mut self, at: impl Into<String>, message: impl Into<String>) {
        self.diags.push(Diagnostic::skipped(at, message));
    }

    /// A non-empty string property; a value of another type is reported and ignored.
    fn text(&mut self, el: El<'a>, key: &str, at: &str) -> Option<String> {
        let v = el.get(key)?;
        match as_str(v) {
            Some(s) => Some(s.to_string()),
            None if v.as_str().is_some() || v.as_array().is_some_and(<[_]>::is_empty) => None,
            None => {
                self.warn(
                    format!("{at}/{key}"),
                    format!("`{key}` is {}, expected a string; ignored", v.type_name()),
                );
                None
            }
        }
    }

    // ---------------------------------------------------------------- components

    fn components(&mut self) {
        for n in 0..self.nodes.len() {
            if !self.nodes[n].ty.is_component() {
                continue;
            }
            if let Some(id) = self.nodes[n].id {
                if self.by_id.get(id) != Some(&n) {
                    continue; // a later element with a used id: counted in `duplicate_ids`
                }
            }
            let c = self.component(n);
            self.comp[n] = Some(self.sbom.components.len());
            self.sbom.components.push(c);
        }
        let len = self.sbom.components.len();
        self.declared = vec![Vec::new(); len];
        self.concluded = vec![Vec::new(); len];
    }

    fn component(&mut self, n: usize) -> Component {
        let (el, ty, pos, id) = {
            let node = &self.nodes[n];
            (node.el, node.ty, node.pos, node.id)
        };
        let at = self.pointer(pos);
        let id = match id {
            Some(id) => id.to_string(),
            None => {
                let id = format!("_:craft-element-{pos}");
                self.warn(
                    at.clone(),
                    format!("element without `spdxId`; read with the id `{id}`"),
                );
                id
            }
        };
        let name = self.text(el, "name", &at).unwrap_or_else(|| {
            if ty != Ty::Snippet {
                self.diags.push(
                    Diagnostic::skipped(
                        at.clone(),
                        "component without a `name`; kept with an empty name",
                    )
                    .for_component(&id),
                );
            }
            String::new()
        });
        let primary = el.str("software_primaryPurpose").map(local);
        let additional: Vec<&str> = el
            .items("software_additionalPurpose")
            .iter()
            .filter_map(as_str)
            .map(local)
            .collect();
        let kind = match ty {
            Ty::File | Ty::Snippet => ComponentKind::File,
            Ty::AiPackage => ComponentKind::MachineLearningModel,
            Ty::DatasetPackage => ComponentKind::Data,
            _ => primary.map(terms::purpose).unwrap_or_default(),
        };
        let mut c = Component {
            kind,
            version: self.text(el, "software_packageVersion", &at),
            download_location: self.text(el, "software_downloadLocation", &at),
            copyright: self.text(el, "software_copyrightText", &at),
            description: self
                .text(el, "description", &at)
                .or_else(|| self.text(el, "summary", &at)),
            file_name: (ty == Ty::File && !name.is_empty()).then(|| name.clone()),
            id,
            name,
            ..Component::default()
        };
        if let Some(p) = self.text(el, "software_packageUrl", &at) {
            c.purls.push(p);
        }
        self.identifiers(el, &at, &mut c);
        self.hashes(el, &at, &mut c);
        c.supplier = self.party_ref(el, "suppliedBy", &at);
        c.originator = self.party_ref(el, "originatedBy", &at);
        if let Some(url) = self.text(el, "software_homePage", &at) {
            c.external_refs.push(ExternalRef {
                kind: "website".into(),
                url,
                comment: None,
            });
        }
        self.external_refs(el, &at, &mut c);
        let mut prop = |name: &str, value: &str| {
            c.properties.push(Property {
                name: name.into(),
                value: value.into(),
            })
        };
        if let Some(p) = primary {
            prop("spdx:primaryPurpose", p);
        }
        for p in &additional {
            prop("spdx:additionalPurpose", p);
        }
        if let Some(s) = el.str("software_sourceInfo") {
            prop("spdx:sourceInfo", s);
        }
        let purposes = || primary.into_iter().chain(additional.iter().copied());
        if purposes().any(|p| p == "executable") {
            prop(crate::cyclonedx::bsi::EXECUTABLE, "executable");
        }
        if purposes().any(|p| p == "archive") {
            prop(crate::cyclonedx::bsi::ARCHIVE, "archive");
        }
        c
    }

    fn identifiers(&mut self, el: El<'a>, at: &str, c: &mut Component) {
        let key = if el.get("externalIdentifier").is_some() {
            "externalIdentifier"
        } else {
            "externalIdentifiers"
        };
        for (j, x) in el.items(key).iter().enumerate() {
            let xat = format!("{at}/{key}/{j}");
            let Some(x) = x.as_object().map(El::new) else {
                self.warn(xat, "external identifier is not an object; skipped");
                continue;
            };
            let (Some(t), Some(value)) = (x.str("externalIdentifierType"), x.str("identifier"))
            else {
                self.warn(
                    xat,
                    "external identifier without `externalIdentifierType` or `identifier`; \
                     skipped",
                );
                continue;
            };
            let value = value.to_string();
            match local(t) {
                "cpe23" | "cpe22" => c.cpes.push(value),
                "packageUrl" => c.purls.push(value),
                scheme => c.other_ids.push(ExternalId {
                    scheme: scheme.to_string(),
                    value,
                }),
            }
        }
        dedup(&mut c.cpes);
        dedup(&mut c.purls);
        dedup(&mut c.other_ids);
    }

    fn hashes(&mut self, el: El<'a>, at: &str, c: &mut Component) {
        for (j, h) in el.items("verifiedUsing").iter().enumerate() {
            let hat = format!("{at}/verifiedUsing/{j}");
            let Some(h) = h.as_object().map(El::new) else {
                self.warn(hat, "integrity method is not an object; skipped");
                continue;
            };
            // A `PackageVerificationCode` is not a digest of the component's content.
            if h.type_name().is_some_and(|t| local(t) != "Hash") {
                continue;
            }
            let (Some(alg), Some(value)) = (h.str("algorithm"), h.str("hashValue")) else {
                self.diags.push(
                    Diagnostic::skipped(hat, "hash without `algorithm` or `hashValue`; skipped")
                        .for_component(&c.id),
                );
                continue;
            };
            c.hashes.push(Hash {
                alg: HashAlg::parse(local(alg)),
                value: value.to_ascii_lowercase(),
            });
        }
        dedup(&mut c.hashes);
    }

    fn external_refs(&mut self, el: El<'a>, at: &str, c: &mut Component) {
        for (j, x) in el.items("externalRef").iter().enumerate() {
            let xat = format!("{at}/externalRef/{j}");
            let Some(x) = x.as_object().map(El::new) else {
                self.warn(xat, "external reference is not an object; skipped");
                continue;
            };
            let t = x.str("externalRefType").map(local).unwrap_or("other");
            let comment = x.str("comment");
            let locators: Vec<&str> = x.items("locator").iter().filter_map(as_str).collect();
            if locators.is_empty() {
                self.warn(xat, "external reference without `locator`; skipped");
            }
            for url in locators {
                let (kind, exact) = terms::ref_kind(t, url);
                let comment = match (comment, exact) {
                    (Some(cm), _) => Some(cm.to_string()),
                    (None, true) => None,
                    (None, false) => Some(format!("SPDX externalRefType `{t}`")),
                };
                c.external_refs.push(ExternalRef {
                    kind: kind.into(),
                    url: url.into(),
                    comment,
                });
            }
        }
    }

    // ---------------------------------------------------------------- agents

    /// An element given by reference (an id, `{"@id": …}`) or inline.
    fn resolve(&self, v: &'a Value<'a>) -> Option<(Ty, El<'a>)> {
        let el = match v {
            Value::String(id) => {
                let n = *self.by_id.get(id.trim())?;
                return Some((self.nodes[n].ty, self.nodes[n].el));
            }
            Value::Object(o) => El::new(o),
            _ => return None,
        };
        if el.is_reference() {
            let n = *self.by_id.get(el.id()?)?;
            return Some((self.nodes[n].ty, self.nodes[n].el));
        }
        Some((el.type_name().map_or(Ty::Agent, Ty::of), el))
    }

    /// The first named agent of an agent-valued property, as a party.
    fn party_ref(&mut self, el: El<'a>, key: &str, at: &str) -> Option<Party> {
        let agents = el.items(key);
        let mut nameless = false;
        for (j, v) in agents.iter().enumerate() {
            match self.resolve(v) {
                Some((ty, agent)) => match party(ty, agent) {
                    Some(p) => return Some(p),
                    None => nameless = true,
                },
                None => match as_str(v).and_then(spdx2_party) {
                    Some(p) => return Some(p),
                    None => {
                        let at = match agents.len() {
                            1 => format!("{at}/{key}"),
                            _ => format!("{at}/{key}/{j}"),
                        };
                        self.dangling(at, key, v);
                    }
                },
            }
        }
        if nameless {
            self.warn(
                format!("{at}/{key}"),
                format!("`{key}` names no agent with a `name`; ignored"),
            );
        }
        None
    }

    fn dangling(&mut self, at: String, key: &str, v: &Value<'_>) {
        let what = as_str(v).unwrap_or("a value that is not a reference");
        self.diags.push(Diagnostic::new(
            "read-dangling-ref",
            Severity::Warning,
            format!("`{key}` names `{what}`, which is no element of the document; ignored"),
            Location::pointer(at),
        ));
    }

    // ---------------------------------------------------------------- relationships

    fn end(&self, v: &'a Value<'a>) -> End<'a> {
        let id = match v {
            Value::Object(o) => El::new(o).id(),
            other => as_str(other),
        };
        let Some(id) = id else {
            return End::Invalid;
        };
        match self.by_id.get(id) {
            Some(&n) => match self.comp[n] {
                Some(c) => End::Comp(c),
                None => End::Node(n),
            },
            None if is_none_or_no_assertion(id) => End::Vocabulary,
            None => End::Missing(id),
        }
    }

    fn describe(&self, e: &End<'a>) -> String {
        match e {
            End::Comp(_) => "a component".into(),
            End::Node(n) => format!("`{}`", self.nodes[*n].type_name),
            End::Vocabulary => "`NoneElement`".into(),
            End::Missing(id) if self.is_external(id) => format!("`{id}` (in another document)"),
            End::Missing(id) => format!("`{id}` (not in the document)"),
            End::Invalid => "a value that is not a reference".into(),
        }
    }

    /// Count one skipped item; the pointer and example are kept for the first only.
    fn tally(&mut self, rt: &'a str, why: Why, at: &str, example: impl FnOnce() -> String) {
        match self.skipped.get_mut(&(rt, why)) {
            Some(t) => t.count += 1,
            None => {
                let t = Tally {
                    count: 1,
                    pointer: at.to_string(),
                    example: example(),
                };
                self.skipped.insert((rt, why), t);
            }
        }
    }

    /// Record an edge that cannot be kept because of its ends.
    fn skip_edge(&mut self, rt: &'a str, at: &str, from: &End<'a>, to: &End<'a>) {
        let why = match (from, to) {
            (End::Vocabulary, _) | (_, End::Vocabulary) => return,
            (End::Invalid, _) | (_, End::Invalid) => Why::Dangling,
            _ => {
                let ends = [from, to];
                let missing = |external: bool| {
                    ends.iter()
                        .any(|e| matches!(e, End::Missing(id) if self.is_external(id) == external))
                };
                if missing(false) {
                    Why::Dangling
                } else if missing(true) {
                    Why::External
                } else {
                    Why::NotComponent
                }
            }
        };
        if let Some(t) = self.skipped.get_mut(&(rt, why)) {
            t.count += 1;
            return;
        }
        let example = format!("from {} to {}", self.describe(from), self.describe(to));
        self.tally(rt, why, at, || example);
    }

    fn push_edge(&mut self, from: usize, kind: RelationshipKind, to: usize) {
        let (Some(a), Some(b)) = (self.sbom.components.get(from), self.sbom.components.get(to))
        else {
            return;
        };
        if self.edges.insert((from, kind.clone(), to)) {
            let r = Relationship {
                from: a.id.clone(),
                kind,
                to: b.id.clone(),
            };
            self.sbom.relationships.push(r);
        }
    }

    fn relationships(&mut self) {
        for n in 0..self.nodes.len() {
            match self.nodes[n].ty {
                Ty::Relationship => self.relationship(n),
                Ty::Snippet => {
                    // A snippet lies in a file: the file contains it.
                    let (el, at) = (self.nodes[n].el, self.pointer(self.nodes[n].pos));
                    if let (Some(v), Some(s)) = (el.get("software_snippetFromFile"), self.comp[n]) {
                        match self.end(v) {
                            End::Comp(f) => self.push_edge(f, RelationshipKind::Contains, s),
                            _ => self.dangling(
                                format!("{at}/software_snippetFromFile"),
                                "software_snippetFromFile",
                                v,
                            ),
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn relationship(&mut self, n: usize) {
        let (el, pos) = (self.nodes[n].el, self.nodes[n].pos);
        let at = self.pointer(pos);
        let Some(rt) = el.str("relationshipType").map(local) else {
            self.warn(at, "relationship without `relationshipType`; skipped");
            return;
        };
        let Some(from_v) = el.get("from") else {
            self.warn(at, "relationship without `from`; skipped");
            return;
        };
        let from = self.end(from_v);
        let tos = el.items("to");
        let scope = el.str("scope").map(local);
        let rel = terms::relationship(rt, scope);
        let from_build = matches!(from, End::Node(b) if self.nodes[b].ty == Ty::Build);
        match rel {
            Rel::Declared | Rel::Concluded => {
                let End::Comp(c) = from else {
                    for t in tos {
                        let to = self.end(t);
                        self.skip_edge(rt, &at, &from, &to);
                    }
                    return;
                };
                for t in tos {
                    let declared = rel == Rel::Declared;
                    let id = t.as_str().map(str::trim);
                    if id.is_some_and(|id| self.licensed.contains(&(c, declared, id))) {
                        continue;
                    }
                    match self.licence(t, 0) {
                        Some(text) => {
                            if let Some(id) = id {
                                self.licensed.insert((c, declared, id));
                            }
                            let list = if declared {
                                &mut self.declared
                            } else {
                                &mut self.concluded
                            };
                            if let Some(l) = list.get_mut(c) {
                                if self.licence_seen.insert((c, declared, text.clone())) {
                                    l.push(text);
                                }
                            }
                        }
                        None => {
                            let example = || format!("`{}`", as_str(t).unwrap_or("?"));
                            self.tally(rt, Why::Licence, &at, example);
                        }
                    }
                }
            }
            Rel::Input | Rel::Output if from_build => {
                let End::Node(b) = from else { return };
                for t in tos {
                    match self.end(t) {
                        End::Comp(c) => {
                            let io = self.builds.entry(b).or_default();
                            if rel == Rel::Input {
                                io.0.push(c);
                            } else {
                                io.1.push(c);
                            }
                        }
                        to => self.skip_edge(rt, &at, &from, &to),
                    }
                }
            }
            Rel::Input | Rel::Output | Rel::Distribution | Rel::Edge { .. } => {
                let distribution = rel == Rel::Distribution;
                let (kind, reverse) = match rel {
                    Rel::Edge { kind, reverse } => (kind, reverse),
                    _ => (RelationshipKind::Other(rt.to_string()), false),
                };
                for t in tos {
                    let to = self.end(t);
                    match (&from, &to) {
                        (End::Comp(a), End::Comp(b)) => {
                            let (a, b) = if reverse { (*b, *a) } else { (*a, *b) };
                            self.push_edge(a, kind.clone(), b);
                            if distribution {
                                self.artifacts.push((a, b));
                            }
                        }
                        (End::Node(d), End::Comp(b))
                            if kind == RelationshipKind::Describes
                                && matches!(self.nodes[*d].ty, Ty::Document | Ty::Collection) =>
                        {
                            self.described.push(*b);
                        }
                        _ => self.skip_edge(rt, &at, &from, &to),
                    }
                }
            }
        }
    }

    /// Each output of a build is generated from each of its inputs.
    fn build_edges(&mut self) {
        let builds = std::mem::take(&mut self.builds);
        for (inputs, outputs) in builds.values() {
            for &o in outputs {
                for &i in inputs {
                    if o != i {
                        self.push_edge(o, RelationshipKind::GeneratedFrom, i);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- licences

    /// The SPDX expression of a licence reference (an id, an IRI of a listed licence, or an
    /// inline licence element).
    fn licence(&self, v: &'a Value, depth: usize) -> Option<String> {
        if depth > 16 {
            return None;
        }
        match v {
            Value::String(s) => {
                let s = s.trim();
                match self.by_id.get(s) {
                    Some(&n) => self.licence_node(n, depth),
                    None => licence_iri(s),
                }
            }
            Value::Object(o) => {
                let el = El::new(o);
                if el.is_reference() {
                    return self.licence(o.get("@id").or_else(|| o.get("spdxId"))?, depth);
                }
                self.licence_element(el, depth)
            }
            _ => None,
        }
    }

    /// A licence element found by id, expanded once: sets share members, and expanding them
    /// anew at each use takes time exponential in their nesting (a set of four copies of a
    /// set of four copies…). A cycle back to the element finds it unreadable.
    fn licence_node(&self, n: usize, depth: usize) -> Option<String> {
        if let Some(known) = self.licence_texts.borrow().get(&n) {
            return known.clone();
        }
        self.licence_texts.borrow_mut().insert(n, None);
        let text = self
            .licence_element(self.nodes[n].el, depth)
            .filter(|t| t.len() <= MAX_LICENCE_TEXT);
        self.licence_texts.borrow_mut().insert(n, text.clone());
        text
    }

    fn licence_element(&self, el: El<'a>, depth: usize) -> Option<String> {
        let t = local(el.type_name()?);
        let sub = |key: &str| self.licence(el.get(key)?, depth + 1);
        let set = |op: &str| {
            let members: Vec<String> = el
                .items("expandedlicensing_member")
                .iter()
                .filter_map(|m| self.licence(m, depth + 1))
                .collect();
            let len: usize = members.iter().map(String::len).sum();
            (!members.is_empty() && len <= MAX_LICENCE_TEXT).then(|| join(&members, op))
        };
        match t {
            "LicenseExpression" => el
                .str("simplelicensing_licenseExpression")
                .map(str::to_string),
            "ListedLicense" | "ListedLicenseException" | "License" => listed_id(el),
            "CustomLicense" => custom_ref(el, "LicenseRef-"),
            "CustomLicenseAddition" => custom_ref(el, "AdditionRef-"),
            "OrLaterOperator" => sub("expandedlicensing_subjectLicense")
                .map(|l| format!("{}+", l.trim_end_matches('+'))),
            "WithAdditionOperator" => Some(format!(
                "{} WITH {}",
                sub("expandedlicensing_subjectExtendableLicense")?,
                sub("expandedlicensing_subjectAddition")?
            )),
            "ConjunctiveLicenseSet" => set("AND"),
            "DisjunctiveLicenseSet" => set("OR"),
            "NoAssertionLicense" => Some("NOASSERTION".into()),
            "NoneLicense" => Some("NONE".into()),
            _ => None,
        }
    }

    fn licences(&mut self) {
        let declared = std::mem::take(&mut self.declared);
        let concluded = std::mem::take(&mut self.concluded);
        for (c, (d, k)) in self
            .sbom
            .components
            .iter_mut()
            .zip(declared.iter().zip(&concluded))
        {
            c.license_declared = statement(d);
            c.license_concluded = statement(k);
        }
    }

    /// A package's file name is the name of its distribution artifact, when it has none.
    fn file_names(&mut self) {
        for &(p, f) in &self.artifacts {
            let Some(name) = self
                .sbom
                .components
                .get(f)
                .and_then(|f| f.file_name.clone().or_else(|| Some(f.name.clone())))
                .filter(|n| !n.is_empty())
            else {
                continue;
            };
            if let Some(p) = self.sbom.components.get_mut(p) {
                if p.file_name.is_none() {
                    p.file_name = Some(name);
                }
            }
        }
    }

    // ---------------------------------------------------------------- document

    fn document(&mut self, root: &Value<'_>) {
        let docs: Vec<usize> = (0..self.nodes.len())
            .filter(|&n| self.nodes[n].ty == Ty::Document)
            .collect();
        if docs.len() > 1 {
            let at = self.pointer(self.nodes[docs[1]].pos);
            self.diags.push(Diagnostic::new(
                "read-skipped",
                Severity::Info,
                format!(
                    "{} `SpdxDocument` elements; the first is read as the document",
                    docs.len()
                ),
                Location::pointer(at),
            ));
        }
        let sbom_node = (0..self.nodes.len()).find(|&n| {
            self.nodes[n].ty == Ty::Collection && local(self.nodes[n].type_name) == "Sbom"
        });
        let main = docs.first().copied().or(sbom_node);
        let mut doc = DocumentInfo {
            name: [main, sbom_node]
                .into_iter()
                .flatten()
                .find_map(|n| self.nodes[n].el.str("name"))
                .map(str::to_string),
            comment: main
                .and_then(|n| self.nodes[n].el.str("comment"))
                .map(str::to_string),
            namespace: main.and_then(|n| self.nodes[n].id).map(str::to_string),
            data_license: main
                .and_then(|n| self.nodes[n].el.get("dataLicense"))
                .and_then(|v| self.licence(v, 0).or_else(|| as_str(v).map(str::to_string))),
            ..DocumentInfo::default()
        };

        // Creation info: the document's, else the SBOM's, else the first in the graph.
        let info = [main, sbom_node]
            .into_iter()
            .flatten()
            .find_map(|n| self.nodes[n].el.get("creationInfo"))
            .and_then(|v| self.resolve(v))
            .map(|(_, el)| el)
            .or_else(|| {
                self.nodes
                    .iter()
                    .find(|n| n.ty == Ty::CreationInfo)
                    .map(|n| n.el)
            });
        if let Some(ci) = info {
            self.creation_info(ci, main, &mut doc);
        }

        // Subjects: root elements, through nested SBOMs and bundles, then `describes`.
        let mut subjects: Vec<usize> = Vec::new();
        if let Some(m) = main {
            let mut seen = HashSet::from([m]);
            self.roots(m, 0, &mut seen, &mut subjects);
        }
        subjects.extend(self.described.iter().copied());
        for c in subjects {
            if let Some(comp) = self.sbom.components.get(c) {
                doc.subjects.push(comp.id.clone());
            }
        }
        dedup(&mut doc.subjects);

        let spec_version = spec_version(root, info);
        doc.format = Some(SourceFormat {
            kind: FormatKind::Spdx3,
            spec_version,
            encoding: Encoding::JsonLd,
        });
        self.sbom.document = doc;
    }

    fn roots(&self, n: usize, depth: usize, seen: &mut HashSet<usize>, out: &mut Vec<usize>) {
        for v in self.nodes[n].el.items("rootElement") {
            match self.end(v) {
                End::Comp(c) => out.push(c),
                End::Node(m)
                    if depth < 8
                        && matches!(self.nodes[m].ty, Ty::Document | Ty::Collection)
                        && seen.insert(m) =>
                {
                    self.roots(m, depth + 1, seen, out);
                }
                _ => {}
            }
        }
    }

    fn creation_info(&mut self, ci: El<'a>, main: Option<usize>, doc: &mut DocumentInfo) {
        let at = match main {
            Some(n) => format!("{}/creationInfo", self.pointer(self.nodes[n].pos)),
            None => String::new(),
        };
        doc.created = ci.str("created").map(str::to_string);
        for key in ["createdBy", "createdUsing"] {
            for (j, v) in ci.items(key).iter().enumerate() {
                let Some((ty, agent)) = self.resolve(v) else {
                    self.dangling(format!("{at}/{key}/{j}"), key, v);
                    continue;
                };
                let is_tool = key == "createdUsing" || matches!(ty, Ty::Tool | Ty::SoftwareAgent);
                if is_tool {
                    if let Some(name) = agent.str("name") {
                        let tool = Tool {
                            vendor: None,
                            name: name.to_string(),
                            version: None,
                        };
                        doc.tools.push(tool);
                    }
                } else if let Some(p) = party(ty, agent) {
                    doc.authors.push(p);
                }
            }
        }
        dedup(&mut doc.tools);
        dedup(&mut doc.authors);
    }

    // ---------------------------------------------------------------- findings

    fn report_skipped(&mut self) {
        for (t, tally) in std::mem::take(&mut self.unread_types) {
            self.diags.push(Diagnostic::new(
                "read-skipped",
                Severity::Info,
                format!(
                    "{} `{t}` element{} not read: not part of the SBOM model",
                    tally.count,
                    if tally.count == 1 { " is" } else { "s are" }
                ),
                Location::pointer(tally.pointer),
            ));
        }
        for ((rt, why), t) in std::mem::take(&mut self.skipped) {
            let (code, severity, message) = match why {
                Why::NotComponent => (
                    "read-skipped",
                    Severity::Info,
                    format!(
                        "{} `{rt}` edge{} not read: an end is not a component (e.g. {})",
                        t.count,
                        if t.count == 1 { " is" } else { "s are" },
                        t.example
                    ),
                ),
                Why::External => (
                    "read-skipped",
                    Severity::Info,
                    format!(
                        "{} `{rt}` edge{} not read: an end is an element of another document \
                         (e.g. {})",
                        t.count,
                        if t.count == 1 { " is" } else { "s are" },
                        t.example
                    ),
                ),
                Why::Dangling => (
                    "read-dangling-ref",
                    Severity::Warning,
                    format!(
                        "{} `{rt}` edge{} skipped: an end is no element of the document (e.g. {})",
                        t.count,
                        if t.count == 1 { " was" } else { "s were" },
                        t.example
                    ),
                ),
                Why::Licence => (
                    "read-skipped",
                    Severity::Warning,
                    format!(
                        "{} licence{} named by `{rt}` could not be read as an SPDX expression \
                         (e.g. {}); skipped",
                        t.count,
                        if t.count == 1 { "" } else { "s" },
                        t.example
                    ),
                ),
            };
            self.diags.push(Diagnostic::new(
                code,
                severity,
                message,
                Location::pointer(t.pointer),
            ));
        }
        if let Some(t) = self.duplicate_ids.take() {
            self.diags.push(Diagnostic::new(
                "read-duplicate-ref",
                Severity::Warning,
                format!(
                    "{} element{} reuse an id of an earlier element (e.g. `{}`); the first is read",
                    t.count,
                    if t.count == 1 { "" } else { "s" },
                    t.example
                ),
                Location::pointer(t.pointer),
            ));
        }
    }
}

/// An agent element as a party: `Person` is a person, any other agent an organisation.
fn party(ty: Ty, agent: El<'_>) -> Option<Party> {
    let name = agent.str("name")?.to_string();
    let mut email = None;
    let mut url = None;
    let ids = agent
        .get_any(&["externalIdentifier", "externalIdentifiers"])
        .map(|v| terms::items(Some(v)))
        .unwrap_or_default();
    for x in ids.iter().filter_map(Value::as_object).map(El::new) {
        let (Some(t), Some(value)) = (x.str("externalIdentifierType"), x.str("identifier")) else {
            continue;
        };
        match local(t) {
            "email" if email.is_none() => {
                email = Some(value.trim_start_matches("mailto:").to_string());
            }
            _ if url.is_none()
                && (value.starts_with("https://") || value.starts_with("http://")) =>
            {
                url = Some(value.to_string());
            }
            _ => {}
        }
    }
    if url.is_none() {
        url = agent
            .items("externalRef")
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|r| terms::items(r.get("locator")))
            .filter_map(as_str)
            .find(|l| l.starts_with("https://") || l.starts_with("http://"))
            .map(str::to_string);
    }
    Some(Party {
        kind: if ty == Ty::Person {
            PartyKind::Person
        } else {
            PartyKind::Organization
        },
        name,
        email,
        url,
    })
}

/// A party written the SPDX 2 way (`Organization: Acme (sec@acme.example)`, `Person: …`),
/// as some SPDX 3 documents still do.
fn spdx2_party(s: &str) -> Option<Party> {
    let (kind, rest) = if let Some(r) = s.strip_prefix("Organization:") {
        (PartyKind::Organization, r)
    } else {
        (PartyKind::Person, s.strip_prefix("Person:")?)
    };
    let rest = rest.trim();
    let (name, email) = match rest.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
        Some((name, email)) if !email.trim().is_empty() => {
            (name.trim(), Some(email.trim().to_string()))
        }
        _ => (rest, None),
    };
    (!name.is_empty()).then(|| Party {
        kind,
        name: name.to_string(),
        email,
        url: None,
    })
}

/// Whether `id` is one of the vocabulary individuals that mean "none" or "no assertion".
fn is_none_or_no_assertion(id: &str) -> bool {
    terms::is_vocabulary(id)
        && matches!(
            local(id),
            "NoneElement" | "NoAssertionElement" | "NoneLicense" | "NoAssertionLicense"
        )
}

/// A licence named by a string that is no element of the document: a listed licence IRI,
/// a `NoneLicense` / `NoAssertionLicense` individual, or (sloppy but seen) an expression.
fn licence_iri(s: &str) -> Option<String> {
    if terms::is_vocabulary(s) {
        match local(s) {
            "NoAssertionLicense" | "NoAssertionElement" => return Some("NOASSERTION".into()),
            "NoneLicense" | "NoneElement" => return Some("NONE".into()),
            _ => {}
        }
    }
    if let Some(id) = listed_iri(s) {
        return Some(id.to_string());
    }
    let iri_like = s.contains("://") || s.starts_with("_:") || s.starts_with("urn:");
    let bare = !s.contains(':') || s.contains("LicenseRef-");
    (!s.is_empty() && !iri_like && bare).then(|| s.to_string())
}

/// `MIT` for `https://spdx.org/licenses/MIT` (and `.html` / `.json` pages of it).
fn listed_iri(s: &str) -> Option<&str> {
    let rest = s
        .strip_prefix("https://spdx.org/licenses/")
        .or_else(|| s.strip_prefix("http://spdx.org/licenses/"))?;
    let id = rest
        .trim_end_matches(".html")
        .trim_end_matches(".json")
        .trim_end_matches('/');
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

/// The id of a listed licence or exception element.
fn listed_id(el: El<'_>) -> Option<String> {
    if let Some(id) = el.id().and_then(listed_iri) {
        return Some(id.to_string());
    }
    if let Some(id) = el
        .get_any(&["licenseId", "expandedlicensing_licenseId"])
        .and_then(as_str)
    {
        return Some(id.to_string());
    }
    if let Some(name) = el.str("name").filter(|n| !n.contains(char::is_whitespace)) {
        return Some(name.to_string());
    }
    custom_ref(el, "LicenseRef-")
}

/// `LicenseRef-…` (or `AdditionRef-…`) for a custom licence element, from its id.
fn custom_ref(el: El<'_>, prefix: &str) -> Option<String> {
    let id = el.id().or_else(|| el.str("name"))?;
    let last = id.rsplit(['/', '#', ':']).find(|s| !s.is_empty())?;
    if last.starts_with(prefix) {
        return Some(last.to_string());
    }
    Some(format!("{prefix}{}", crate::spdx2::id_chars(last)))
}

/// Join expressions with an operator, parenthesising compound ones.
fn join(parts: &[String], op: &str) -> String {
    if let [one] = parts {
        return one.clone();
    }
    parts
        .iter()
        .map(|p| {
            let compound = p.contains(" AND ")
                || p.contains(" OR ")
                || p.contains(" and ")
                || p.contains(" or ");
            if compound {
                format!("({p})")
            } else {
                p.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(&format!(" {op} "))
}

/// The licence statement of a component from the expressions its relationships name:
/// several are joined with `AND`; `NOASSERTION` / `NONE` give way to real statements.
fn statement(exprs: &[String]) -> Option<craft_model::License> {
    let real: Vec<String> = exprs
        .iter()
        .filter(|e| !matches!(e.trim(), "NOASSERTION" | "NONE"))
        .cloned()
        .collect();
    let text = if real.is_empty() {
        exprs.first()?.clone()
    } else {
        join(&real, "AND")
    };
    Some(license::expression(&text))
}

/// The spec version from the `@context` IRI (`https://spdx.org/rdf/3.0.1/spdx-context.jsonld`
/// → `3.0.1`), else from `CreationInfo.specVersion`, else `3.0`.
fn spec_version(root: &Value<'_>, info: Option<El<'_>>) -> String {
    let context = terms::items(root.get("@context"));
    let from_context = context.iter().filter_map(Value::as_str).find_map(|s| {
        let i = s.find("spdx.org/rdf/")?;
        let v = s[i + "spdx.org/rdf/".len()..].split('/').next()?;
        v.starts_with(|c: char| c.is_ascii_digit()).then_some(v)
    });
    from_context
        .or_else(|| info.and_then(|ci| ci.str("specVersion")))
        .map(|v| v.trim_start_matches("SPDX-").to_string())
        .unwrap_or_else(|| "3.0".into())
}

/// Remove repeated items, keeping the first of each: one pass, where a `contains` check per
/// push was quadratic in the length of the list.
fn dedup<T: Clone + Eq + std::hash::Hash>(list: &mut Vec<T>) {
    let mut seen = HashSet::new();
    list.retain(|x| seen.insert(x.clone()));
}
