//! `threat-model.toml`: the model as written, and its checked form.
//!
//! Reading is two phases, as a compiler does it: the TOML is parsed with spans (a syntax or
//! type error stops there, with its line and column), then every reference, rating and
//! rule of the model is checked and *every* problem is reported at once
//! ([`ModelErrors`]), each with the file, line and column of the element at fault.

use crate::risk::{Impact, Tables, Vector};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use toml::Spanned;

/// One problem of a model, placed like a compiler places it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ModelError {
    /// The file.
    pub file: String,
    /// Line (1-based).
    pub line: usize,
    /// Column (1-based).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Every problem of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct ModelErrors(pub Vec<ModelError>);

/// A security property of an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Property {
    /// Confidentiality.
    Confidentiality,
    /// Integrity.
    Integrity,
    /// Availability.
    Availability,
    /// Authenticity.
    Authenticity,
    /// Authorization.
    Authorization,
    /// Non-repudiation.
    NonRepudiation,
    /// Privacy (of personal data).
    Privacy,
}

impl Property {
    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Property::Confidentiality => "confidentiality",
            Property::Integrity => "integrity",
            Property::Availability => "availability",
            Property::Authenticity => "authenticity",
            Property::Authorization => "authorization",
            Property::NonRepudiation => "non-repudiation",
            Property::Privacy => "privacy",
        }
    }
}

/// Impact ratings by category (ISO/SAE 21434 Annex F: safety, financial, operational,
/// privacy). The rating of the whole is the highest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Impacts {
    /// Safety (F.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety: Option<Impact>,
    /// Financial (F.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub financial: Option<Impact>,
    /// Operational (F.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operational: Option<Impact>,
    /// Privacy (F.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<Impact>,
}

impl Impacts {
    /// The highest rating, if any category is rated.
    pub fn overall(&self) -> Option<Impact> {
        [self.safety, self.financial, self.operational, self.privacy]
            .into_iter()
            .flatten()
            .max()
    }
}

/// The kind of an interface (what rules know about it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InterfaceKind {
    /// Wired Ethernet.
    Ethernet,
    /// Wi-Fi.
    Wifi,
    /// Bluetooth Low Energy.
    Ble,
    /// Other short-range radio (Zigbee, Thread, Z-Wave, sub-GHz).
    Radio,
    /// Cellular (LTE, 5G, NB-IoT).
    Cellular,
    /// USB.
    Usb,
    /// A UART console.
    Uart,
    /// JTAG or SWD.
    Jtag,
    /// An SD card or other removable storage.
    SdCard,
    /// The software update channel.
    Update,
    /// A cloud API the device calls or serves.
    CloudApi,
    /// A local web user interface.
    WebUi,
    /// A fieldbus (Modbus, CAN, RS-485).
    Fieldbus,
    /// Anything else.
    Other,
}

impl InterfaceKind {
    /// A debug interface (UART console, JTAG/SWD).
    pub fn is_debug(self) -> bool {
        matches!(self, InterfaceKind::Uart | InterfaceKind::Jtag)
    }

    /// Removable storage.
    pub fn is_removable(self) -> bool {
        matches!(self, InterfaceKind::SdCard | InterfaceKind::Usb)
    }
}

/// How a service behind an interface authenticates its callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Authentication {
    /// Not at all.
    None,
    /// A password.
    Password,
    /// A key (SSH keys, pre-shared keys).
    Key,
    /// Certificates (mutual TLS).
    Certificate,
    /// Bearer tokens.
    Token,
    /// Not applicable: the interface has no service (a sensor bus, storage).
    NotApplicable,
}

/// The credentials an interface ships with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credentials {
    /// Unique per device (Annex I Part I (2)(d)).
    Unique,
    /// Set by the user at first use.
    UserSet,
    /// A default the same on every unit.
    Default,
    /// Shared between units or products.
    Shared,
    /// None needed.
    None,
}

/// The kind of a countermeasure (what rules look for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CountermeasureKind {
    /// A verified boot chain.
    SecureBoot,
    /// Updates verified by signature before they are installed.
    SignedUpdates,
    /// Refusal to install an older image (anti-rollback counter).
    RollbackProtection,
    /// Debug interfaces disabled or locked on production units.
    DebugDisabled,
    /// Authentication of callers.
    Authentication,
    /// Encryption of data in transit or at rest.
    Encryption,
    /// Keys and secrets in protected storage (secure element, TPM, encrypted partition).
    SecureStorage,
    /// Rate limiting and resource limits.
    RateLimiting,
    /// Least privilege (sandboxing, separate users, capabilities).
    LeastPrivilege,
    /// Input validation and hardening.
    InputValidation,
    /// Logging and monitoring.
    Monitoring,
    /// Network filtering (firewall, service not exposed).
    Filtering,
    /// Anything else.
    Other,
}

impl CountermeasureKind {
    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            CountermeasureKind::SecureBoot => "secure-boot",
            CountermeasureKind::SignedUpdates => "signed-updates",
            CountermeasureKind::RollbackProtection => "rollback-protection",
            CountermeasureKind::DebugDisabled => "debug-disabled",
            CountermeasureKind::Authentication => "authentication",
            CountermeasureKind::Encryption => "encryption",
            CountermeasureKind::SecureStorage => "secure-storage",
            CountermeasureKind::RateLimiting => "rate-limiting",
            CountermeasureKind::LeastPrivilege => "least-privilege",
            CountermeasureKind::InputValidation => "input-validation",
            CountermeasureKind::Monitoring => "monitoring",
            CountermeasureKind::Filtering => "filtering",
            CountermeasureKind::Other => "other",
        }
    }
}

/// Whether a countermeasure is in the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CmStatus {
    /// In the product: counts for the residual risk.
    Implemented,
    /// Decided, not yet in the product: counts only for the target risk.
    Planned,
}

/// How a risk above the threshold is treated (ISO/SAE 21434 15.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Treatment {
    /// Reduce it with countermeasures (the default).
    Reduce,
    /// Avoid it: remove the risk source (the countermeasure removes the entry point).
    Avoid,
    /// Share it (insurance, a contract): a reason and an expiry are required.
    Share,
    /// Retain (accept) it: a reason and an expiry are required.
    Retain,
}

impl Treatment {
    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Treatment::Reduce => "reduce",
            Treatment::Avoid => "avoid",
            Treatment::Share => "share",
            Treatment::Retain => "retain",
        }
    }
}

/// An AND/OR gate of an attack tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Gate {
    /// Every child is needed.
    And,
    /// Any child is enough.
    Or,
}

// ---------------------------------------------------------------------------------------
// The file as written.

type S = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    settings: Option<Spanned<RawSettings>>,
    #[serde(default)]
    asset: Vec<Spanned<RawAsset>>,
    #[serde(default)]
    boundary: Vec<Spanned<RawBoundary>>,
    #[serde(default)]
    component: Vec<Spanned<RawComponent>>,
    #[serde(default)]
    interface: Vec<Spanned<RawInterface>>,
    #[serde(default)]
    flow: Vec<Spanned<RawFlow>>,
    #[serde(default)]
    countermeasure: Vec<Spanned<RawCountermeasure>>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
    #[serde(default)]
    tree: Vec<Spanned<RawTree>>,
    #[serde(default)]
    path: Vec<Spanned<RawPath>>,
    #[serde(default)]
    suppress: Vec<Spanned<RawSuppress>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSettings {
    #[serde(default)]
    threshold: Option<Spanned<u8>>,
    #[serde(default)]
    tables: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAsset {
    id: S,
    name: String,
    #[serde(default)]
    description: Option<String>,
    properties: Vec<Property>,
    #[serde(default)]
    impact: Option<Impacts>,
    #[serde(default)]
    secret: bool,
    #[serde(default)]
    stored_on: Vec<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBoundary {
    id: S,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawComponent {
    id: S,
    name: String,
    #[serde(default)]
    sbom: Vec<String>,
    #[serde(default)]
    boundary: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawInterface {
    id: S,
    name: String,
    kind: InterfaceKind,
    exposure: Vector,
    #[serde(default)]
    reaches: Vec<S>,
    #[serde(default)]
    authentication: Option<Authentication>,
    #[serde(default)]
    credentials: Option<Credentials>,
    #[serde(default = "yes")]
    production: bool,
    #[serde(default)]
    boundary: Option<S>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFlow {
    id: S,
    from: S,
    to: S,
    #[serde(default)]
    assets: Vec<S>,
    encrypted: bool,
    #[serde(default)]
    protocol: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCountermeasure {
    id: S,
    name: String,
    kind: CountermeasureKind,
    #[serde(default = "implemented")]
    status: CmStatus,
    #[serde(default)]
    protects: Vec<S>,
    #[serde(default)]
    raises: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    by: Vec<S>,
    #[serde(default)]
    annex_i: Vec<S>,
    #[serde(default)]
    en18031: Vec<String>,
    #[serde(default)]
    evidence: Vec<String>,
}

fn implemented() -> CmStatus {
    CmStatus::Implemented
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawStep {
    id: S,
    text: String,
    #[serde(default)]
    component: Option<S>,
    #[serde(default)]
    rating: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    #[serde(default)]
    countermeasures: Vec<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTree {
    id: S,
    #[serde(default)]
    text: Option<String>,
    gate: Gate,
    children: Vec<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPath {
    id: S,
    title: String,
    entry: S,
    asset: S,
    property: Property,
    #[serde(default)]
    impact: Option<Impacts>,
    steps: Vec<S>,
    #[serde(default)]
    treatment: Option<Treatment>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default, deserialize_with = "date_or_string")]
    expires: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSuppress {
    rule: S,
    #[serde(default)]
    element: Option<S>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default, deserialize_with = "date_or_string")]
    expires: Option<Spanned<String>>,
}

/// A TOML date (`2027-06-30`) or a string, as text, with its span.
fn date_or_string<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Spanned<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DateLike {
        Text(String),
        Date(toml::value::Datetime),
    }
    let s = Spanned::<DateLike>::deserialize(d)?;
    let span = s.span();
    let text = match s.into_inner() {
        DateLike::Text(t) => t,
        DateLike::Date(d) => d.to_string(),
    };
    Ok(Some(Spanned::new(span, text)))
}

// ---------------------------------------------------------------------------------------
// The checked model.

/// Where an element is written: line and column, 1-based.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct At {
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
}

/// An asset.
#[derive(Debug, Clone, Serialize)]
pub struct Asset {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The properties that matter.
    pub properties: Vec<Property>,
    /// Its impact ratings.
    pub impact: Impacts,
    /// A secret (a key, a credential).
    pub secret: bool,
    /// Interfaces of removable storage it is stored on (indices).
    #[serde(skip)]
    pub stored_on: Vec<usize>,
    /// Where it is written.
    pub at: At,
}

/// A trust boundary.
#[derive(Debug, Clone, Serialize)]
pub struct Boundary {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Where it is written.
    pub at: At,
}

/// A component of the product, linked to SBOM components.
#[derive(Debug, Clone, Serialize)]
pub struct Component {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The SBOM components it stands for: names, purls or CPEs (`*` globs).
    pub sbom: Vec<String>,
    /// Its trust boundary (index).
    #[serde(skip)]
    pub boundary: Option<usize>,
    /// Where it is written.
    pub at: At,
}

/// An interface or entry point.
#[derive(Debug, Clone, Serialize)]
pub struct Interface {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: InterfaceKind,
    /// Its exposure.
    pub exposure: Vector,
    /// The components it reaches (indices).
    #[serde(skip)]
    pub reaches: Vec<usize>,
    /// How the service behind it authenticates callers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Authentication>,
    /// Its credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
    /// Present and enabled on production units.
    pub production: bool,
    /// Its trust boundary (index).
    #[serde(skip)]
    pub boundary: Option<usize>,
    /// Where it is written.
    pub at: At,
}

/// An element of the model a flow or countermeasure can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "kebab-case")]
pub enum Element {
    /// An asset.
    Asset(usize),
    /// A trust boundary.
    Boundary(usize),
    /// A component.
    Component(usize),
    /// An interface.
    Interface(usize),
    /// A data flow.
    Flow(usize),
}

/// A data flow.
#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    /// Its id.
    pub id: String,
    /// From (a component or interface).
    #[serde(skip)]
    pub from: Element,
    /// To (a component or interface).
    #[serde(skip)]
    pub to: Element,
    /// The assets it carries (indices).
    #[serde(skip)]
    pub assets: Vec<usize>,
    /// Encrypted in transit.
    pub encrypted: bool,
    /// The protocol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Where it is written.
    pub at: At,
}

/// A countermeasure.
#[derive(Debug, Clone, Serialize)]
pub struct Countermeasure {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: CountermeasureKind,
    /// Implemented or planned.
    pub status: CmStatus,
    /// The elements it protects.
    #[serde(skip)]
    pub protects: Vec<Element>,
    /// The lowest level (index, per factor index) it forces on each step it is attached to.
    #[serde(skip)]
    pub raises: Vec<(usize, usize)>,
    /// The components that enforce it (indices): a vulnerability in one of them voids it.
    #[serde(skip)]
    pub by: Vec<usize>,
    /// The Annex I items it serves (ids).
    pub annex_i: Vec<String>,
    /// The EN 18031 mechanisms it implements.
    pub en18031: Vec<String>,
    /// Its evidence (`file:`, `url:`).
    pub evidence: Vec<String>,
    /// Where it is written.
    pub at: At,
}

/// An attack step.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Its id.
    pub id: String,
    /// What the attacker does.
    pub text: String,
    /// The component it attacks (index).
    #[serde(skip)]
    pub component: Option<usize>,
    /// Its rating: level index per factor (the tables' factor order).
    #[serde(skip)]
    pub rating: Vec<usize>,
    /// Countermeasures attached (indices).
    #[serde(skip)]
    pub countermeasures: Vec<usize>,
    /// Where it is written.
    pub at: At,
}

/// A node of an attack tree: a step or a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "kebab-case")]
pub enum Node {
    /// A step.
    Step(usize),
    /// A gate.
    Tree(usize),
}

/// An AND/OR gate.
#[derive(Debug, Clone, Serialize)]
pub struct Tree {
    /// Its id.
    pub id: String,
    /// What it achieves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The gate.
    pub gate: Gate,
    /// Its children.
    #[serde(skip)]
    pub children: Vec<Node>,
    /// Where it is written.
    pub at: At,
}

/// An attack path: from an entry point to an asset, the steps in order (an AND).
#[derive(Debug, Clone, Serialize)]
pub struct Path {
    /// Its id.
    pub id: String,
    /// Its title (the threat scenario).
    pub title: String,
    /// The entry point (interface index).
    #[serde(skip)]
    pub entry: usize,
    /// The asset (index).
    #[serde(skip)]
    pub asset: usize,
    /// The property it threatens.
    pub property: Property,
    /// The impact (the asset's unless the path states its own damage scenario's).
    pub impact: Impact,
    /// The steps, in order.
    #[serde(skip)]
    pub steps: Vec<Node>,
    /// The treatment.
    pub treatment: Treatment,
    /// Why (required to share or retain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Until when a retained or shared risk is accepted (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where it is written.
    pub at: At,
}

/// A rule suppressed, with its reason.
#[derive(Debug, Clone, Serialize)]
pub struct Suppression {
    /// The rule id.
    pub rule: String,
    /// The element it is suppressed for (all of them when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// Why.
    pub reason: String,
    /// Until when (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where it is written.
    pub at: At,
}

/// A checked threat model: every reference resolved, every step rated, no cycle.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// The file it was read from.
    pub file: String,
    /// Risk values above it need treatment.
    pub threshold: u8,
    /// A product's own rating tables (a path relative to the model), if it names some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tables: Option<String>,
    /// Assets.
    pub assets: Vec<Asset>,
    /// Trust boundaries.
    pub boundaries: Vec<Boundary>,
    /// Components.
    pub components: Vec<Component>,
    /// Interfaces.
    pub interfaces: Vec<Interface>,
    /// Data flows.
    pub flows: Vec<Flow>,
    /// Countermeasures.
    pub countermeasures: Vec<Countermeasure>,
    /// Attack steps.
    pub steps: Vec<Step>,
    /// Attack-tree gates.
    pub trees: Vec<Tree>,
    /// Attack paths.
    pub paths: Vec<Path>,
    /// Rule suppressions.
    pub suppressions: Vec<Suppression>,
}

/// The default acceptance threshold: risk values 1 and 2 are accepted, 3 and above need
/// treatment.
pub const DEFAULT_THRESHOLD: u8 = 2;

/// Only the `[settings] tables` key of a model: read first, so the caller can load the
/// product's own tables before the model is checked against them.
///
/// # Errors
/// The text is not TOML.
pub fn tables_setting(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Only {
        settings: Option<OnlyTables>,
    }
    #[derive(Deserialize)]
    struct OnlyTables {
        tables: Option<String>,
    }
    toml::from_str::<Only>(text)
        .ok()
        .and_then(|o| o.settings)
        .and_then(|s| s.tables)
}

/// 1-based line and column of byte offset `at`.
fn place(text: &str, at: usize) -> At {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |n| before[n + 1..].chars().count())
        + 1;
    At { line, column }
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<ModelError>,
}

impl Ctx<'_> {
    fn at(&self, span: std::ops::Range<usize>) -> At {
        place(self.text, span.start)
    }

    fn err(&mut self, span: std::ops::Range<usize>, message: impl Into<String>) {
        let At { line, column } = self.at(span);
        self.errors.push(ModelError {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        });
    }
}

/// " (did you mean `x`?)" for the closest known ids, or nothing.
fn suggest<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> String {
    let near = crate::catalogue::suggest(wanted, known);
    if near.is_empty() {
        String::new()
    } else {
        format!(" (did you mean `{}`?)", near.join("`, `"))
    }
}

/// The ids of one kind of element, for resolving references.
struct Ids(
    HashMap<String, usize>,
    HashMap<String, std::ops::Range<usize>>,
);

/// Whether an id is made of the characters every output can carry unescaped (Mermaid node
/// labels, DOT, Markdown tables, CSV): letters, digits, `.`, `_`, `:`, `-`.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'))
}

impl Ids {
    fn collect<'a>(cx: &mut Ctx<'_>, what: &str, ids: impl Iterator<Item = &'a S>) -> Ids {
        let mut map = HashMap::new();
        let mut spans = HashMap::new();
        for (i, id) in ids.enumerate() {
            let v = id.get_ref();
            if !valid_id(v) {
                cx.err(
                    id.span(),
                    format!("{what} id `{v}`: use letters, digits, `.`, `_`, `:` and `-` only"),
                );
            } else if map.insert(v.clone(), i).is_some() {
                cx.err(id.span(), format!("{what} `{v}` is defined twice"));
            } else {
                spans.insert(v.clone(), id.span());
            }
        }
        Ids(map, spans)
    }

    fn resolve(&self, cx: &mut Ctx<'_>, what: &str, r: &S) -> Option<usize> {
        let found = self.0.get(r.get_ref()).copied();
        if found.is_none() {
            let hint = suggest(r.get_ref(), self.0.keys().map(String::as_str));
            cx.err(r.span(), format!("unknown {what} `{}`{hint}", r.get_ref()));
        }
        found
    }
}

/// Read and check a model against rating tables. `file` names it in errors.
///
/// # Errors
/// Every problem found, each with its line and column.
pub fn parse(file: &str, text: &str, tables: &Tables) -> Result<Model, ModelErrors> {
    let mut cx = Ctx {
        file,
        text,
        errors: Vec::new(),
    };
    let raw: RawFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            cx.err(e.span().unwrap_or(0..0), e.message().to_string());
            return Err(ModelErrors(cx.errors));
        }
    };
    let assets_ids = Ids::collect(&mut cx, "asset", raw.asset.iter().map(|a| &a.get_ref().id));
    let boundary_ids = Ids::collect(
        &mut cx,
        "boundary",
        raw.boundary.iter().map(|a| &a.get_ref().id),
    );
    let component_ids = Ids::collect(
        &mut cx,
        "component",
        raw.component.iter().map(|a| &a.get_ref().id),
    );
    let interface_ids = Ids::collect(
        &mut cx,
        "interface",
        raw.interface.iter().map(|a| &a.get_ref().id),
    );
    let flow_ids = Ids::collect(&mut cx, "flow", raw.flow.iter().map(|a| &a.get_ref().id));
    let cm_ids = Ids::collect(
        &mut cx,
        "countermeasure",
        raw.countermeasure.iter().map(|a| &a.get_ref().id),
    );
    let step_ids = Ids::collect(&mut cx, "step", raw.step.iter().map(|a| &a.get_ref().id));
    let tree_ids = Ids::collect(&mut cx, "tree", raw.tree.iter().map(|a| &a.get_ref().id));
    let path_ids = Ids::collect(&mut cx, "path", raw.path.iter().map(|a| &a.get_ref().id));
    // One namespace across kinds, so a reference never has two meanings.
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (kind, list) in [
        ("asset", &assets_ids),
        ("boundary", &boundary_ids),
        ("component", &component_ids),
        ("interface", &interface_ids),
        ("flow", &flow_ids),
        ("countermeasure", &cm_ids),
        ("step", &step_ids),
        ("tree", &tree_ids),
        ("path", &path_ids),
    ] {
        let mut names: Vec<&String> = list.0.keys().collect();
        names.sort();
        for id in names {
            if let Some(other) = seen.insert(id.as_str(), kind) {
                let span = list.1.get(id).cloned().unwrap_or(0..0);
                cx.err(
                    span,
                    format!("`{id}` is both a {other} and a {kind}: ids must be unique"),
                );
            }
        }
    }

    let (threshold, tables_file) = match &raw.settings {
        Some(s) => {
            let s = s.get_ref();
            let t = match &s.threshold {
                Some(t) if !(1..=5).contains(t.get_ref()) => {
                    cx.err(t.span(), "threshold: a risk value from 1 to 5");
                    DEFAULT_THRESHOLD
                }
                Some(t) => *t.get_ref(),
                None => DEFAULT_THRESHOLD,
            };
            (t, s.tables.clone())
        }
        None => (DEFAULT_THRESHOLD, None),
    };

    let boundaries: Vec<Boundary> = raw
        .boundary
        .iter()
        .map(|b| Boundary {
            id: b.get_ref().id.get_ref().clone(),
            name: b.get_ref().name.clone(),
            at: cx.at(b.span()),
        })
        .collect();
    let components: Vec<Component> = raw
        .component
        .iter()
        .map(|c| {
            let r = c.get_ref();
            let boundary = r
                .boundary
                .as_ref()
                .and_then(|b| boundary_ids.resolve(&mut cx, "boundary", b));
            if r.sbom
                .iter()
                .any(|p| p.trim().is_empty() || p.trim() == "*")
            {
                cx.err(
                    r.id.span(),
                    format!(
                        "component `{}`: an `sbom` pattern is empty or only `*` (it would match \
                         every component)",
                        r.id.get_ref()
                    ),
                );
            }
            Component {
                id: r.id.get_ref().clone(),
                name: r.name.clone(),
                sbom: r.sbom.clone(),
                boundary,
                at: cx.at(c.span()),
            }
        })
        .collect();
    let interfaces: Vec<Interface> = raw
        .interface
        .iter()
        .map(|i| {
            let r = i.get_ref();
            let reaches = r
                .reaches
                .iter()
                .filter_map(|c| component_ids.resolve(&mut cx, "component", c))
                .collect();
            let boundary = r
                .boundary
                .as_ref()
                .and_then(|b| boundary_ids.resolve(&mut cx, "boundary", b));
            Interface {
                id: r.id.get_ref().clone(),
                name: r.name.clone(),
                kind: r.kind,
                exposure: r.exposure,
                reaches,
                authentication: r.authentication,
                credentials: r.credentials,
                production: r.production,
                boundary,
                at: cx.at(i.span()),
            }
        })
        .collect();
    let assets: Vec<Asset> = raw
        .asset
        .iter()
        .map(|a| {
            let r = a.get_ref();
            let impact = r.impact.unwrap_or_default();
            if impact.overall().is_none() {
                cx.err(
                    r.id.span(),
                    format!(
                        "asset `{}` has no impact rating: rate at least one of safety, \
                         financial, operational, privacy (negligible, moderate, major, severe)",
                        r.id.get_ref()
                    ),
                );
            }
            if r.properties.is_empty() {
                cx.err(
                    r.id.span(),
                    format!(
                        "asset `{}` names no security property (confidentiality, integrity, \
                         availability, authenticity, …)",
                        r.id.get_ref()
                    ),
                );
            }
            let stored_on = r
                .stored_on
                .iter()
                .filter_map(|s| {
                    let i = interface_ids.resolve(&mut cx, "interface", s)?;
                    if !interfaces[i].kind.is_removable() {
                        cx.err(
                            s.span(),
                            format!(
                                "`{}` is not removable storage (an interface of kind sd-card or \
                                 usb)",
                                s.get_ref()
                            ),
                        );
                    }
                    Some(i)
                })
                .collect();
            Asset {
                id: r.id.get_ref().clone(),
                name: r.name.clone(),
                description: r.description.clone(),
                properties: r.properties.clone(),
                impact,
                secret: r.secret,
                stored_on,
                at: cx.at(a.span()),
            }
        })
        .collect();
    let endpoint = |cx: &mut Ctx<'_>, r: &S| -> Option<Element> {
        if let Some(&c) = component_ids.0.get(r.get_ref()) {
            Some(Element::Component(c))
        } else if let Some(&i) = interface_ids.0.get(r.get_ref()) {
            Some(Element::Interface(i))
        } else {
            let hint = suggest(
                r.get_ref(),
                component_ids
                    .0
                    .keys()
                    .chain(interface_ids.0.keys())
                    .map(String::as_str),
            );
            cx.err(
                r.span(),
                format!("unknown component or interface `{}`{hint}", r.get_ref()),
            );
            None
        }
    };
    let flows: Vec<Flow> = raw
        .flow
        .iter()
        .map(|f| {
            let r = f.get_ref();
            let from = endpoint(&mut cx, &r.from);
            let to = endpoint(&mut cx, &r.to);
            let assets = r
                .assets
                .iter()
                .filter_map(|a| assets_ids.resolve(&mut cx, "asset", a))
                .collect();
            Flow {
                id: r.id.get_ref().clone(),
                from: from.unwrap_or(Element::Flow(usize::MAX)),
                to: to.unwrap_or(Element::Flow(usize::MAX)),
                assets,
                encrypted: r.encrypted,
                protocol: r.protocol.clone(),
                at: cx.at(f.span()),
            }
        })
        .collect();
    let catalogue = crate::requirements::catalogue();
    let countermeasures: Vec<Countermeasure> = raw
        .countermeasure
        .iter()
        .map(|c| {
            let r = c.get_ref();
            let protects = r
                .protects
                .iter()
                .filter_map(|p| {
                    let v = p.get_ref();
                    let found = assets_ids
                        .0
                        .get(v)
                        .map(|&i| Element::Asset(i))
                        .or_else(|| component_ids.0.get(v).map(|&i| Element::Component(i)))
                        .or_else(|| interface_ids.0.get(v).map(|&i| Element::Interface(i)))
                        .or_else(|| flow_ids.0.get(v).map(|&i| Element::Flow(i)))
                        .or_else(|| boundary_ids.0.get(v).map(|&i| Element::Boundary(i)));
                    if found.is_none() {
                        cx.err(
                            p.span(),
                            format!(
                                "countermeasure `{}` protects `{v}`: no asset, component, \
                                 interface, flow or boundary has that id",
                                r.id.get_ref()
                            ),
                        );
                    }
                    found
                })
                .collect();
            let mut raises = Vec::new();
            for (factor, level) in &r.raises {
                match tables.factors.iter().position(|f| &f.id == factor) {
                    None => cx.err(
                        level.span(),
                        format!(
                            "countermeasure `{}` raises `{factor}`: not an attack-potential \
                             factor (factors: {})",
                            r.id.get_ref(),
                            factor_names(tables)
                        ),
                    ),
                    Some(fi) => match tables.factors[fi]
                        .levels
                        .iter()
                        .position(|l| &l.id == level.get_ref())
                    {
                        None => cx.err(
                            level.span(),
                            format!(
                                "`{}` is not a level of {factor} (levels: {})",
                                level.get_ref(),
                                level_names(tables, fi)
                            ),
                        ),
                        Some(li) => raises.push((fi, li)),
                    },
                }
            }
            for a in &r.annex_i {
                if catalogue.item(a.get_ref()).is_none() {
                    let hint = suggest(a.get_ref(), catalogue.items.iter().map(|i| i.id.as_str()));
                    cx.err(
                        a.span(),
                        format!(
                            "`{}` is not an Annex I item id (p1-1, p1-2a … p1-2m, p2-1 … \
                             p2-8){hint}",
                            a.get_ref()
                        ),
                    );
                }
            }
            if r.raises.is_empty() && r.protects.is_empty() {
                cx.err(
                    r.id.span(),
                    format!(
                        "countermeasure `{}` neither raises a factor of the steps it is \
                         attached to nor protects an element: it changes nothing",
                        r.id.get_ref()
                    ),
                );
            }
            Countermeasure {
                id: r.id.get_ref().clone(),
                name: r.name.clone(),
                kind: r.kind,
                status: r.status,
                protects,
                raises,
                by: r
                    .by
                    .iter()
                    .filter_map(|b| component_ids.resolve(&mut cx, "component", b))
                    .collect(),
                annex_i: r.annex_i.iter().map(|a| a.get_ref().clone()).collect(),
                en18031: r.en18031.clone(),
                evidence: r.evidence.clone(),
                at: cx.at(c.span()),
            }
        })
        .collect();
    let steps: Vec<Step> = raw
        .step
        .iter()
        .map(|s| {
            let r = s.get_ref();
            let component = r
                .component
                .as_ref()
                .and_then(|c| component_ids.resolve(&mut cx, "component", c));
            let rating = match &r.rating {
                None => {
                    cx.err(
                        r.id.span(),
                        format!(
                            "step `{}` has no rating: rate {}",
                            r.id.get_ref(),
                            factor_names(tables)
                        ),
                    );
                    Vec::new()
                }
                Some(rating) => rate(&mut cx, tables, r.id.get_ref(), rating),
            };
            let countermeasures = r
                .countermeasures
                .iter()
                .filter_map(|c| cm_ids.resolve(&mut cx, "countermeasure", c))
                .collect();
            Step {
                id: r.id.get_ref().clone(),
                text: r.text.clone(),
                component,
                rating,
                countermeasures,
                at: cx.at(s.span()),
            }
        })
        .collect();
    let node = |cx: &mut Ctx<'_>, r: &S| -> Option<Node> {
        if let Some(&s) = step_ids.0.get(r.get_ref()) {
            Some(Node::Step(s))
        } else if let Some(&t) = tree_ids.0.get(r.get_ref()) {
            Some(Node::Tree(t))
        } else {
            let hint = suggest(
                r.get_ref(),
                step_ids
                    .0
                    .keys()
                    .chain(tree_ids.0.keys())
                    .map(String::as_str),
            );
            cx.err(
                r.span(),
                format!("unknown step or tree `{}`{hint}", r.get_ref()),
            );
            None
        }
    };
    let trees: Vec<Tree> = raw
        .tree
        .iter()
        .map(|t| {
            let r = t.get_ref();
            if r.children.is_empty() {
                cx.err(
                    r.id.span(),
                    format!("tree `{}` has no children", r.id.get_ref()),
                );
            }
            Tree {
                id: r.id.get_ref().clone(),
                text: r.text.clone(),
                gate: r.gate,
                children: r.children.iter().filter_map(|c| node(&mut cx, c)).collect(),
                at: cx.at(t.span()),
            }
        })
        .collect();
    // Cycles: one depth-first search over the gates (linear), each back edge a cycle,
    // reported at the gate it returns to.
    for cycle in cycles(&trees) {
        let names: Vec<&str> = cycle.iter().map(|&k| trees[k].id.as_str()).collect();
        cx.err(
            raw.tree[cycle[0]].get_ref().id.span(),
            format!("attack tree cycle: {} → {}", names.join(" → "), names[0]),
        );
    }
    let today_free = |cx: &mut Ctx<'_>, e: &Option<Spanned<String>>| -> Option<String> {
        let e = e.as_ref()?;
        if crate::date::Date::parse(e.get_ref()).is_none() {
            cx.err(
                e.span(),
                format!("expires `{}`: write a date YYYY-MM-DD", e.get_ref()),
            );
        }
        Some(e.get_ref().clone())
    };
    let paths: Vec<Path> = raw
        .path
        .iter()
        .map(|p| {
            let r = p.get_ref();
            let entry = interface_ids.resolve(&mut cx, "interface", &r.entry);
            let asset = assets_ids.resolve(&mut cx, "asset", &r.asset);
            if r.steps.is_empty() {
                cx.err(
                    r.id.span(),
                    format!("path `{}` has no steps", r.id.get_ref()),
                );
            }
            let steps = r.steps.iter().filter_map(|s| node(&mut cx, s)).collect();
            let own = r.impact.and_then(|i| i.overall());
            if r.impact.is_some() && own.is_none() {
                cx.err(
                    r.id.span(),
                    format!("path `{}`: an empty impact table", r.id.get_ref()),
                );
            }
            let impact = own
                .or_else(|| asset.and_then(|a| assets[a].impact.overall()))
                .unwrap_or(Impact::Negligible);
            if let Some(a) = asset {
                if !assets[a].properties.contains(&r.property) {
                    cx.err(
                        r.asset.span(),
                        format!(
                            "path `{}` threatens the {} of `{}`, a property the asset does not \
                             list ({})",
                            r.id.get_ref(),
                            r.property.name(),
                            assets[a].id,
                            assets[a]
                                .properties
                                .iter()
                                .map(|p| p.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
            let treatment = r.treatment.unwrap_or(Treatment::Reduce);
            let reason = r.reason.clone().filter(|x| !x.trim().is_empty());
            if matches!(treatment, Treatment::Share | Treatment::Retain) && reason.is_none() {
                cx.err(
                    r.id.span(),
                    format!(
                        "path `{}`: to {} a risk, give the `reason` (an auditor will ask)",
                        r.id.get_ref(),
                        treatment.name()
                    ),
                );
            }
            if matches!(treatment, Treatment::Share | Treatment::Retain) && r.expires.is_none() {
                cx.err(
                    r.id.span(),
                    format!(
                        "path `{}`: to {} a risk, give the date it is reviewed again \
                         (`expires = YYYY-MM-DD`): an acceptance does not hold forever",
                        r.id.get_ref(),
                        treatment.name()
                    ),
                );
            }
            let expires = today_free(&mut cx, &r.expires);
            Path {
                id: r.id.get_ref().clone(),
                title: r.title.clone(),
                entry: entry.unwrap_or(0),
                asset: asset.unwrap_or(0),
                property: r.property,
                impact,
                steps,
                treatment,
                reason,
                expires,
                at: cx.at(p.span()),
            }
        })
        .collect();
    let rules: BTreeSet<&str> = super::rules::RULES.iter().map(|r| r.id).collect();
    let suppressions: Vec<Suppression> = raw
        .suppress
        .iter()
        .map(|s| {
            let r = s.get_ref();
            if !rules.contains(r.rule.get_ref().as_str()) {
                let hint = suggest(r.rule.get_ref(), rules.iter().copied());
                cx.err(
                    r.rule.span(),
                    format!("unknown rule `{}`{hint}", r.rule.get_ref()),
                );
            } else if super::rules::rule(r.rule.get_ref()).is_some_and(|x| !x.suppressible) {
                cx.err(
                    r.rule.span(),
                    format!(
                        "`{}` cannot be suppressed: fix the model or the product, or retain the \
                         risk on its path with a reason",
                        r.rule.get_ref()
                    ),
                );
            }
            let reason = r.reason.clone().filter(|x| !x.trim().is_empty());
            if reason.is_none() {
                cx.err(
                    r.rule.span(),
                    format!(
                        "suppressing `{}` needs a `reason` (an auditor will ask)",
                        r.rule.get_ref()
                    ),
                );
            }
            if let Some(e) = &r.element {
                if !seen.contains_key(e.get_ref().as_str()) {
                    cx.err(
                        e.span(),
                        format!("`{}` is no element of the model", e.get_ref()),
                    );
                }
            }
            Suppression {
                rule: r.rule.get_ref().clone(),
                element: r.element.as_ref().map(|e| e.get_ref().clone()),
                reason: reason.unwrap_or_default(),
                expires: today_free(&mut cx, &r.expires),
                at: cx.at(s.span()),
            }
        })
        .collect();
    if !cx.errors.is_empty() {
        cx.errors.sort_by_key(|e| (e.line, e.column));
        return Err(ModelErrors(cx.errors));
    }
    Ok(Model {
        file: file.to_string(),
        threshold,
        tables: tables_file,
        assets,
        boundaries,
        components,
        interfaces,
        flows,
        countermeasures,
        steps,
        trees,
        paths,
        suppressions,
    })
}

fn factor_names(tables: &Tables) -> String {
    tables
        .factors
        .iter()
        .map(|f| f.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn level_names(tables: &Tables, factor: usize) -> String {
    tables.factors[factor]
        .levels
        .iter()
        .map(|l| l.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A step's rating as level indices in the tables' factor order; every problem reported.
fn rate(
    cx: &mut Ctx<'_>,
    tables: &Tables,
    step: &str,
    rating: &Spanned<BTreeMap<String, Spanned<String>>>,
) -> Vec<usize> {
    let map = rating.get_ref();
    let mut out = Vec::with_capacity(tables.factors.len());
    for (fi, f) in tables.factors.iter().enumerate() {
        match map.get(&f.id) {
            None => {
                cx.err(
                    rating.span(),
                    format!("step `{step}`: {} ({}) is not rated", f.id, f.name),
                );
                out.push(0);
            }
            Some(l) => match f.levels.iter().position(|x| &x.id == l.get_ref()) {
                Some(li) => out.push(li),
                None => {
                    cx.err(
                        l.span(),
                        format!(
                            "step `{step}`: `{}` is not a level of {} (levels: {})",
                            l.get_ref(),
                            f.id,
                            level_names(tables, fi)
                        ),
                    );
                    out.push(0);
                }
            },
        }
    }
    for (k, v) in map {
        if !tables.factors.iter().any(|f| &f.id == k) {
            cx.err(
                v.span(),
                format!(
                    "step `{step}`: `{k}` is not an attack-potential factor (factors: {})",
                    factor_names(tables)
                ),
            );
        }
    }
    out
}

/// The cycles among gates, each as the gates on it from where it closes: one iterative
/// depth-first search (no recursion: hostile input may nest deeply).
fn cycles(trees: &[Tree]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; trees.len()];
    let mut at = vec![0usize; trees.len()];
    for root in 0..trees.len() {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some((t, next)) = stack.last_mut() {
            let t = *t;
            let Some(&child) = trees[t].children.get(*next) else {
                state[t] = 2;
                stack.pop();
                continue;
            };
            *next += 1;
            if let Node::Tree(k) = child {
                match state[k] {
                    0 => {
                        state[k] = 1;
                        at[k] = stack.len();
                        stack.push((k, 0));
                    }
                    1 => out.push(stack[at[k]..].iter().map(|&(g, _)| g).collect()),
                    _ => {}
                }
            }
        }
    }
    out
}

impl Model {
    /// The id of an element.
    pub fn element_id(&self, e: Element) -> &str {
        match e {
            Element::Asset(i) => self.assets.get(i).map(|x| x.id.as_str()),
            Element::Boundary(i) => self.boundaries.get(i).map(|x| x.id.as_str()),
            Element::Component(i) => self.components.get(i).map(|x| x.id.as_str()),
            Element::Interface(i) => self.interfaces.get(i).map(|x| x.id.as_str()),
            Element::Flow(i) => self.flows.get(i).map(|x| x.id.as_str()),
        }
        .unwrap_or("?")
    }

    /// Where an element is written.
    pub fn element_at(&self, e: Element) -> At {
        match e {
            Element::Asset(i) => self.assets.get(i).map(|x| x.at),
            Element::Boundary(i) => self.boundaries.get(i).map(|x| x.at),
            Element::Component(i) => self.components.get(i).map(|x| x.at),
            Element::Interface(i) => self.interfaces.get(i).map(|x| x.at),
            Element::Flow(i) => self.flows.get(i).map(|x| x.at),
        }
        .unwrap_or_default()
    }
}
