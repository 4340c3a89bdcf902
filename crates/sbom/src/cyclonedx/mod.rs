//! CycloneDX 1.2–1.7: the JSON interpreter, the XML lowering ([`xml`]) and the writer
//! ([`write`]).
//!
//! [`from_json`] builds the model from the JSON form. It is lenient: a field of the wrong type
//! is skipped with a `read-skipped` diagnostic and the rest of the document is kept. The
//! product itself (`metadata.component`) becomes a component and the document's subject;
//! nested `components` become `contains` edges from their parent; `dependencies` become
//! `depends-on` edges.

pub mod write;
pub mod xml;

use crate::dom::{Map, Value};
use crate::json::Walker;
use crate::license;
use crate::Diagnostic;
use craft_model::{
    Component, ComponentKind, DocumentInfo, Encoding, ExternalId, ExternalRef, FormatKind, Hash,
    HashAlg, License, Party, PartyKind, Property, Relationship, RelationshipKind, Sbom,
    SourceFormat, Tool,
};
use std::collections::HashSet;

/// Property names of BSI TR-03183-2 (v2) for CycloneDX.
pub mod bsi {
    /// The component's file name.
    pub const FILENAME: &str = "bsi:component:filename";
    /// Whether the component is executable.
    pub const EXECUTABLE: &str = "bsi:component:executable";
    /// Whether the component is an archive.
    pub const ARCHIVE: &str = "bsi:component:archive";
    /// Whether the component is structured.
    pub const STRUCTURED: &str = "bsi:component:structured";
}

/// Interpret a CycloneDX JSON document given as a `serde_json::Value` (see [`from_dom`]).
pub fn from_json(v: &serde_json::Value) -> Result<(Sbom, Vec<Diagnostic>), (String, String)> {
    let bump = bumpalo::Bump::new();
    from_dom(&Value::from_serde(v, &bump))
}

/// Interpret a CycloneDX JSON document.
///
/// `Err((pointer, message))` only when the top level is unusable.
///
/// The document is a [`crate::dom::Value`], as the readers parse it.
pub fn from_dom(v: &Value<'_>) -> Result<(Sbom, Vec<Diagnostic>), (String, String)> {
    let Some(root) = v.as_object() else {
        return Err((
            String::new(),
            "a CycloneDX document must be an object".into(),
        ));
    };
    let version = root
        .get("specVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut r = Reader {
        mixed_licenses_allowed: !matches!(
            version,
            "1.0" | "1.1" | "1.2" | "1.3" | "1.4" | "1.5" | "1.6"
        ),
        w: Walker::default(),
        sbom: Sbom::default(),
        ids: HashSet::new(),
    };
    if let Some(fmt) = root.get("bomFormat") {
        if fmt.as_str() != Some("CycloneDX") {
            return Err((
                "/bomFormat".into(),
                format!("`bomFormat` is {fmt}, expected \"CycloneDX\""),
            ));
        }
    }
    let spec_version =
        r.w.string(root, "specVersion", "")
            .unwrap_or_else(|| "unknown".into());
    let mut doc = DocumentInfo {
        format: Some(SourceFormat {
            kind: FormatKind::CycloneDx,
            spec_version,
            encoding: Encoding::Json,
        }),
        namespace: r.w.string(root, "serialNumber", ""),
        revision: root.get("version").and_then(Value::as_u64),
        ..DocumentInfo::default()
    };
    if let Some(meta) = r.w.object(root, "metadata", "") {
        r.metadata(meta, &mut doc);
    }
    let comps = r.w.array(root, "components", "");
    r.sbom.components.reserve(comps.len());
    r.components(comps, "/components", None);
    let deps = r.w.array(root, "dependencies", "");
    r.dependencies(deps);
    r.sbom.document = doc;
    Ok((r.sbom, r.w.diags))
}

struct Reader {
    /// CycloneDX 1.7 allows licences and an expression side by side.
    mixed_licenses_allowed: bool,
    w: Walker,
    sbom: Sbom,
    ids: HashSet<String>,
}

impl Reader {
    fn metadata(&mut self, meta: &Map<'_>, doc: &mut DocumentInfo) {
        let at = "/metadata";
        doc.created = self.w.string(meta, "timestamp", at);
        for (i, a) in self.w.array(meta, "authors", at).iter().enumerate() {
            if let Some(p) = self.contact(a, &format!("{at}/authors/{i}")) {
                doc.authors.push(p);
            }
        }
        for key in ["manufacturer", "manufacture", "supplier"] {
            if let Some(o) = meta.get(key) {
                if let Some(p) = self.entity(o, &format!("{at}/{key}")) {
                    if !doc.authors.contains(&p) {
                        doc.authors.push(p);
                    }
                }
            }
        }
        match meta.get("tools") {
            Some(Value::Array(tools)) => {
                for t in tools.iter().filter_map(Value::as_object) {
                    if let Some(tool) = self.tool(t, at) {
                        doc.tools.push(tool);
                    }
                }
            }
            Some(Value::Object(tools)) => {
                let tat = format!("{at}/tools");
                for key in ["components", "services"] {
                    for t in self
                        .w
                        .array(tools, key, &tat)
                        .iter()
                        .filter_map(Value::as_object)
                    {
                        if let Some(tool) = self.tool(t, &tat) {
                            doc.tools.push(tool);
                        }
                    }
                }
            }
            None | Some(Value::Null) => {}
            Some(other) => self.w.wrong_type(at, "tools", "an array or object", other),
        }
        if let Some(c) = meta.get("component") {
            let cat = format!("{at}/component");
            if let Some(id) = self.component(c, &cat, None) {
                doc.name = self.sbom.component(&id).map(|c| c.name.clone());
                doc.subjects.push(id);
            }
        }
    }

    fn tool(&mut self, t: &Map<'_>, at: &str) -> Option<Tool> {
        let name = self.w.string(t, "name", at)?;
        let vendor = self
            .w
            .string(t, "vendor", at)
            .or_else(|| self.w.string(t, "group", at))
            .or_else(|| {
                t.get("supplier")
                    .or_else(|| t.get("manufacturer"))
                    .or_else(|| t.get("provider"))
                    .and_then(|s| s.get("name"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .or_else(|| t.get("author").and_then(Value::as_str).map(str::to_string));
        Some(Tool {
            vendor,
            name,
            version: self.w.string(t, "version", at),
        })
    }

    /// An `organizationalEntity` (name, url[], contact[]).
    fn entity(&mut self, v: &Value<'_>, at: &str) -> Option<Party> {
        let Some(o) = v.as_object() else {
            self.w.not_object(at, v);
            return None;
        };
        let name = self.w.string(o, "name", at);
        let url = self.w.strings(o, "url", at).into_iter().next();
        let contact = self.w.array(o, "contact", at).first().and_then(|c| {
            let c = c.as_object()?;
            Some((
                c.get("name").and_then(Value::as_str).map(str::to_string),
                c.get("email").and_then(Value::as_str).map(str::to_string),
            ))
        });
        let (cname, email) = contact.unwrap_or_default();
        let name = name.or(cname)?;
        Some(Party {
            kind: PartyKind::Organization,
            name,
            email,
            url,
        })
    }

    /// An `organizationalContact` (name, email).
    fn contact(&mut self, v: &Value<'_>, at: &str) -> Option<Party> {
        let Some(o) = v.as_object() else {
            self.w.not_object(at, v);
            return None;
        };
        let email = self.w.string(o, "email", at);
        let name = self.w.string(o, "name", at).or_else(|| email.clone())?;
        Some(Party {
            kind: PartyKind::Person,
            name,
            email,
            url: None,
        })
    }

    fn components(&mut self, list: &[Value<'_>], at: &str, parent: Option<&str>) {
        for (i, c) in list.iter().enumerate() {
            self.component(c, &format!("{at}/{i}"), parent);
        }
    }

    /// Read one component (and its nested components); returns its id.
    fn component(&mut self, v: &Value<'_>, at: &str, parent: Option<&str>) -> Option<String> {
        let Some(o) = v.as_object() else {
            self.w.not_object(at, v);
            return None;
        };
        let name = match self.w.string(o, "name", at) {
            Some(n) => n,
            None => {
                self.w.diags.push(Diagnostic::skipped(
                    at,
                    "component without a `name`; kept with an empty name",
                ));
                String::new()
            }
        };
        // Ids are compared exactly (no trimming): `dependencies` must find them as written.
        let bom_ref = self
            .w
            .str(o, "bom-ref", at)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let id = self.unique_id(bom_ref, at);
        let mut c = Component {
            id: id.clone(),
            kind: self
                .w
                .str(o, "type", at)
                .map(component_kind)
                .unwrap_or_default(),
            name,
            version: self.w.string(o, "version", at),
            group: self.w.string(o, "group", at),
            description: self.w.string(o, "description", at),
            copyright: self.w.string(o, "copyright", at),
            ..Component::default()
        };
        if let Some(s) = o.get("supplier") {
            c.supplier = self.entity(s, &format!("{at}/supplier"));
        }
        c.originator = match o.get("manufacturer") {
            Some(m) => self.entity(m, &format!("{at}/manufacturer")),
            None => None,
        };
        if c.originator.is_none() {
            let authors = self.w.array(o, "authors", at);
            if let Some(a) = authors.first() {
                c.originator = self.contact(a, &format!("{at}/authors/0"));
            } else if let Some(a) = self.w.string(o, "author", at) {
                c.originator = Some(Party {
                    kind: PartyKind::Person,
                    name: a,
                    email: None,
                    url: None,
                });
            }
        }
        if let Some(p) = self.w.string(o, "purl", at) {
            c.purls.push(p);
        }
        if let Some(p) = self.w.string(o, "cpe", at) {
            c.cpes.push(p);
        }
        // Further identities: `evidence.identity` (an object in 1.5, an array in 1.6+).
        if let Some(ev) = self.w.object(o, "evidence", at) {
            let ids: Vec<&Value> = match ev.get("identity") {
                Some(Value::Array(a)) => a.iter().collect(),
                Some(v @ Value::Object(_)) => vec![v],
                _ => vec![],
            };
            for id in ids {
                let field = id.get("field").and_then(Value::as_str);
                let Some(value) = id.get("concludedValue").and_then(Value::as_str) else {
                    continue;
                };
                let list = match field {
                    Some("cpe") => &mut c.cpes,
                    Some("purl") => &mut c.purls,
                    _ => continue,
                };
                list.push(value.to_string());
            }
            // Once, not a `contains` per identity: that was quadratic in their number.
            for list in [&mut c.cpes, &mut c.purls] {
                let mut seen = HashSet::new();
                list.retain(|x| seen.insert(x.clone()));
            }
        }
        if let Some(s) = self.w.object(o, "swid", at) {
            if let Some(tag) = s.get("tagId").and_then(Value::as_str) {
                c.other_ids.push(ExternalId {
                    scheme: "swid".into(),
                    value: tag.to_string(),
                });
            }
        }
        for (key, scheme) in [("omniborId", "gitoid"), ("swhid", "swh")] {
            for value in self.w.strings(o, key, at) {
                c.other_ids.push(ExternalId {
                    scheme: scheme.into(),
                    value,
                });
            }
        }
        self.hashes(o, at, &mut c.hashes);
        self.licenses(o, at, &mut c);
        // Distribution hashes are added unless already there (a set: a `contains` per hash
        // was quadratic in their number).
        let mut known_hashes: HashSet<Hash> = c.hashes.iter().cloned().collect();
        for (i, r) in self.w.array(o, "externalReferences", at).iter().enumerate() {
            let rat = format!("{at}/externalReferences/{i}");
            let Some(r) = r.as_object() else {
                self.w.not_object(&rat, r);
                continue;
            };
            let (Some(kind), Some(url)) = (
                self.w.string(r, "type", &rat),
                self.w.string(r, "url", &rat),
            ) else {
                continue;
            };
            if kind == "distribution" {
                // BSI TR-03183-2 v2.1 puts the deployable file's hash here.
                let mut hashes = Vec::new();
                self.hashes(r, &rat, &mut hashes);
                for h in hashes {
                    if known_hashes.insert(h.clone()) {
                        c.hashes.push(h);
                    }
                }
                if c.download_location.is_none() {
                    c.download_location = Some(url.clone());
                }
            }
            c.external_refs.push(ExternalRef {
                kind,
                url,
                comment: self.w.string(r, "comment", &rat),
            });
        }
        for (i, p) in self.w.array(o, "properties", at).iter().enumerate() {
            let pat = format!("{at}/properties/{i}");
            let Some(p) = p.as_object() else {
                self.w.not_object(&pat, p);
                continue;
            };
            if let Some(name) = self.w.string(p, "name", &pat) {
                let value = self.w.string(p, "value", &pat).unwrap_or_default();
                c.properties.push(Property { name, value });
            }
        }
        c.file_name = c
            .property(bsi::FILENAME)
            .map(str::to_string)
            .or_else(|| (c.kind == ComponentKind::File).then(|| c.name.clone()));
        self.sbom.components.push(c);
        if let Some(parent) = parent {
            self.sbom.relationships.push(Relationship {
                from: parent.to_string(),
                kind: RelationshipKind::Contains,
                to: id.clone(),
            });
        }
        let nested = self.w.array(o, "components", at);
        self.components(nested, &format!("{at}/components"), Some(&id));
        Some(id)
    }

    /// A document-unique id: the `bom-ref` when present and unused, else a synthetic one.
    fn unique_id(&mut self, bom_ref: Option<String>, at: &str) -> String {
        let id = match bom_ref {
            Some(r) if self.ids.contains(&r) => {
                self.w.diags.push(Diagnostic::new(
                    "duplicate-id",
                    crate::Severity::Error,
                    format!(
                        "`bom-ref` {r:?} is used by an earlier component; every bom-ref must \
                         be unique (read on under a new id)"
                    ),
                    crate::Location::pointer(format!("{at}/bom-ref")),
                ));
                format!("{r}#dup{}", self.ids.len())
            }
            Some(r) => r,
            None => format!("craft:{at}"),
        };
        self.ids.insert(id.clone());
        id
    }

    fn hashes(&mut self, o: &Map<'_>, at: &str, out: &mut Vec<Hash>) {
        for (i, h) in self.w.array(o, "hashes", at).iter().enumerate() {
            let hat = format!("{at}/hashes/{i}");
            let Some(h) = h.as_object() else {
                self.w.not_object(&hat, h);
                continue;
            };
            if let (Some(alg), Some(content)) =
                (self.w.str(h, "alg", &hat), self.w.str(h, "content", &hat))
            {
                out.push(Hash {
                    alg: HashAlg::parse(alg),
                    value: content.trim().to_ascii_lowercase(),
                });
            }
        }
    }

    /// `licenses`: SPDX ids and expressions join with `AND`; named licences are kept by
    /// name when nothing else is given. 1.6 `acknowledgement: concluded` goes to the
    /// concluded licence, everything else to the declared one.
    fn licenses(&mut self, o: &Map<'_>, at: &str, c: &mut Component) {
        let mut declared: Vec<(String, bool)> = Vec::new();
        let mut concluded: Vec<(String, bool)> = Vec::new();
        let list = self.w.array(o, "licenses", at);
        let has_expr = list.iter().any(|l| l.get("expression").is_some());
        if has_expr && list.len() > 1 && !self.mixed_licenses_allowed {
            self.w.diags.push(Diagnostic::new(
                "cdx-license-choice",
                crate::Severity::Error,
                "`licenses` must be either licences or exactly one expression, not a mix \
                 (CycloneDX licenseChoice)",
                crate::Location::pointer(format!("{at}/licenses")),
            ));
        }
        for (i, l) in self.w.array(o, "licenses", at).iter().enumerate() {
            let lat = format!("{at}/licenses/{i}");
            let Some(l) = l.as_object() else {
                self.w.not_object(&lat, l);
                continue;
            };
            let (text, is_expr, ack) = if let Some(e) = self.w.string(l, "expression", &lat) {
                let ack = l.get("acknowledgement").and_then(Value::as_str);
                (e, true, ack)
            } else if let Some(lic) = self.w.object(l, "license", &lat) {
                let lat = format!("{lat}/license");
                let ack = lic.get("acknowledgement").and_then(Value::as_str);
                if let Some(id) = self.w.string(lic, "id", &lat) {
                    (id, true, ack)
                } else if let Some(name) = self.w.string(lic, "name", &lat) {
                    (name, false, ack)
                } else {
                    continue;
                }
            } else {
                continue;
            };
            let target = if ack == Some("concluded") {
                &mut concluded
            } else {
                &mut declared
            };
            target.push((text, is_expr));
        }
        c.license_declared = combine(declared);
        c.license_concluded = combine(concluded);
    }

    fn dependencies(&mut self, deps: &[Value<'_>]) {
        for (i, d) in deps.iter().enumerate() {
            let at = format!("/dependencies/{i}");
            let Some(d) = d.as_object() else {
                self.w.not_object(&at, d);
                continue;
            };
            let Some(from) = self
                .w
                .str(d, "ref", &at)
                .filter(|r| !r.is_empty())
                .map(str::to_string)
            else {
                continue;
            };
            self.sbom.dependencies_stated.insert(from.clone());
            for to in self.w.strings(d, "dependsOn", &at) {
                self.sbom.relationships.push(Relationship {
                    from: from.clone(),
                    kind: RelationshipKind::DependsOn,
                    to,
                });
            }
            for to in self.w.strings(d, "provides", &at) {
                self.sbom.relationships.push(Relationship {
                    from: from.clone(),
                    kind: RelationshipKind::Other("provides".into()),
                    to,
                });
            }
        }
        let known: HashSet<&str> = self.sbom.components.iter().map(|c| c.id.as_str()).collect();
        for (i, r) in self.sbom.relationships.iter().enumerate() {
            for end in [&r.from, &r.to] {
                if !known.contains(end.as_str()) {
                    self.w.diags.push(Diagnostic::new(
                        "read-dangling-ref",
                        crate::Severity::Warning,
                        format!("dependency names {end:?}, which no component has as `bom-ref`"),
                        crate::Location::pointer(format!("/dependencies (edge {i})")),
                    ));
                }
            }
        }
    }
}

/// Join licence statements: all expressions → one `AND` expression; only names → a name.
fn combine(items: Vec<(String, bool)>) -> Option<License> {
    match items.len() {
        0 => None,
        1 => {
            let (text, is_expr) = items.into_iter().next()?;
            Some(if is_expr {
                license::expression(&text)
            } else {
                License::Named { name: text }
            })
        }
        _ => {
            if items.iter().all(|(_, e)| *e) {
                let joined = items
                    .iter()
                    .map(|(t, _)| {
                        if t.contains(' ') {
                            format!("({t})")
                        } else {
                            t.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" AND ");
                Some(license::expression(&joined))
            } else {
                Some(License::Named {
                    name: items
                        .into_iter()
                        .map(|(t, _)| t)
                        .collect::<Vec<_>>()
                        .join(" AND "),
                })
            }
        }
    }
}

/// The model kind for a CycloneDX component `type`.
pub fn component_kind(t: &str) -> ComponentKind {
    match t {
        "application" => ComponentKind::Application,
        "framework" => ComponentKind::Framework,
        "library" => ComponentKind::Library,
        "container" => ComponentKind::Container,
        "platform" => ComponentKind::Platform,
        "operating-system" => ComponentKind::OperatingSystem,
        "device" => ComponentKind::Device,
        "device-driver" => ComponentKind::DeviceDriver,
        "firmware" => ComponentKind::Firmware,
        "file" => ComponentKind::File,
        "machine-learning-model" => ComponentKind::MachineLearningModel,
        "data" => ComponentKind::Data,
        "cryptographic-asset" => ComponentKind::CryptographicAsset,
        other => ComponentKind::Other(other.to_string()),
    }
}

/// The CycloneDX `type` for a model kind (kinds CycloneDX lacks map to the closest).
pub fn kind_name(k: &ComponentKind) -> &'static str {
    match k {
        ComponentKind::Application => "application",
        ComponentKind::Framework => "framework",
        ComponentKind::Library => "library",
        ComponentKind::Container => "container",
        ComponentKind::Platform => "platform",
        ComponentKind::OperatingSystem => "operating-system",
        ComponentKind::Device => "device",
        ComponentKind::DeviceDriver => "device-driver",
        ComponentKind::Firmware => "firmware",
        ComponentKind::File | ComponentKind::Source | ComponentKind::Archive => "file",
        ComponentKind::MachineLearningModel => "machine-learning-model",
        ComponentKind::Data => "data",
        ComponentKind::CryptographicAsset => "cryptographic-asset",
        ComponentKind::Install | ComponentKind::Other(_) => "library",
    }
}
