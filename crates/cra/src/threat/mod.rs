//! Risk assessment as code: the product's `threat-model.toml`, rated with the ISO/SAE 21434
//! tables of [`crate::risk`], checked by rules, and linked to live scan findings.
//!
//! The pieces:
//! - [`model`]: the file (assets with impact ratings, trust boundaries, components linked to
//!   SBOM components, interfaces with their exposure, data flows, countermeasures, attack
//!   steps, AND/OR attack trees, attack paths, rule suppressions), parsed with spans and
//!   checked all at once.
//! - [`assess`]: the evaluation. Each path is rated three times: *initial* (no
//!   countermeasure), *residual* (the implemented ones) and *target* (implemented and
//!   planned). A step's rating is its level per attack-potential factor. A live scan
//!   finding of a class the tables' `[[exploit]]` rows name (known exploited; CVSS 7.0 and
//!   above) on the step's component caps its factors (a published exploit makes the step
//!   itself easier); then each countermeasure attached to it raises factors to at least the
//!   levels it names, unless such a finding affects a component that enforces the
//!   countermeasure (`by`): a vulnerability in the enforcer voids it. A path is judged on
//!   its residual rating. An
//!   AND (a path's
//!   steps, an `and` gate) takes, per factor, the hardest level of its children; an `or`
//!   gate takes its easiest child (lowest attack potential). The sum gives the feasibility
//!   (Table G.7), and impact × feasibility the risk (Table H.8).
//! - [`rules`]: candidate threats from the design (unauthenticated services, debug ports,
//!   unsigned updates, plaintext flows across boundaries, …) and from the findings.
//! - [`render`]: the register (table rows, CSV), attack-tree diagrams (SVG, Mermaid, DOT), the
//!   heat map, the Annex I coverage matrix and the Markdown chapter.
//!
//! Architecture invariant: a pure function of (model, tables, findings, today); no IO.

pub mod model;
pub mod render;
pub mod rules;
pub mod skeleton;

use crate::risk::{Feasibility, Impact, Tables, Vector};
use crate::Date;
use craft_model::glob;
use model::{At, CmStatus, Element, Gate, Model, Node, Property, Treatment};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// A scan finding as the risk model sees it.
#[derive(Debug, Clone, Serialize)]
pub struct VulnFinding {
    /// The vulnerability id.
    pub id: String,
    /// The SBOM component's name.
    pub component: String,
    /// Its purls and CPEs.
    pub ids: Vec<String>,
    /// In a known-exploited catalogue (CISA KEV).
    pub known_exploited: bool,
    /// The highest CVSS base score.
    pub score: Option<f64>,
}

impl VulnFinding {
    /// The `[[exploit]]` class it falls in: `known-exploited`, `high` (CVSS ≥ 7.0), or none.
    pub fn class(&self) -> Option<&'static str> {
        if self.known_exploited {
            Some("known-exploited")
        } else if self.score.is_some_and(|s| s >= 7.0) {
            Some("high")
        } else {
            None
        }
    }
}

/// One rating of a path or node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rated {
    /// The level id per factor.
    pub levels: BTreeMap<String, String>,
    /// The attack potential (sum of the level values).
    pub potential: u32,
    /// The feasibility (Table G.7).
    pub feasibility: Feasibility,
    /// The risk value (Table H.8).
    pub risk: u8,
}

/// Where a path stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathStatus {
    /// Its initial and its residual risk are within the threshold.
    Acceptable,
    /// The implemented countermeasures bring it within the threshold.
    Mitigated,
    /// Above the threshold, retained or shared with a reason (not expired).
    Accepted,
    /// Above the threshold, and its acceptance has expired.
    Expired,
    /// Above the threshold, to be reduced or avoided, and not yet.
    Unmitigated,
}

impl PathStatus {
    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            PathStatus::Acceptable => "acceptable",
            PathStatus::Mitigated => "mitigated",
            PathStatus::Accepted => "accepted",
            PathStatus::Expired => "expired",
            PathStatus::Unmitigated => "unmitigated",
        }
    }

    /// Whether `craft risk check` fails on it.
    pub fn fails(self) -> bool {
        matches!(self, PathStatus::Expired | PathStatus::Unmitigated)
    }
}

/// One attack path, rated.
#[derive(Debug, Clone, Serialize)]
pub struct PathResult {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The entry interface's id.
    pub entry: String,
    /// The exposure of the entry.
    pub exposure: Vector,
    /// The asset's id.
    pub asset: String,
    /// The property threatened.
    pub property: Property,
    /// The impact rating.
    pub impact: Impact,
    /// Without countermeasures.
    pub initial: Rated,
    /// With the implemented countermeasures (and the findings).
    pub residual: Rated,
    /// With the planned ones too.
    pub target: Rated,
    /// The implemented countermeasures on its steps.
    pub countermeasures: Vec<String>,
    /// The planned ones.
    pub planned: Vec<String>,
    /// The findings that raised a step or voided a countermeasure (vulnerability ids).
    pub vulnerabilities: Vec<String>,
    /// Countermeasures voided by a finding in a component that enforces them.
    pub voided: Vec<String>,
    /// The findings lower its residual attack potential (against the design alone).
    pub raised: bool,
    /// The treatment.
    pub treatment: Treatment,
    /// Its reason, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its expiry, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The outcome.
    pub status: PathStatus,
    /// Where it is written.
    pub at: At,
}

/// How serious a candidate threat is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Reported; does not fail the check.
    Warning,
    /// Fails `craft risk check` unless suppressed.
    Error,
}

/// A candidate threat a rule generated.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// The rule id.
    pub rule: &'static str,
    /// The element's id.
    pub element: String,
    /// What the rule found.
    pub message: String,
    /// The Annex I items concerned.
    pub annex_i: &'static [&'static str],
    /// The feasibility by the attack-vector approach (G.4) of the element's exposure.
    pub feasibility: Feasibility,
    /// The estimated risk (impact of the assets concerned × that feasibility).
    pub risk: u8,
    /// Its level.
    pub level: Level,
    /// The reason it is suppressed, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
    /// Where the element is written.
    pub at: At,
}

/// A security objective derived from a path above the threshold.
#[derive(Debug, Clone, Serialize)]
pub struct Objective {
    /// `SO-<path id>`.
    pub id: String,
    /// The path.
    pub path: String,
    /// The objective.
    pub statement: String,
    /// How the risk is treated.
    pub treatment: Treatment,
    /// Why (retain, share).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The countermeasures that implement it (implemented and planned).
    pub countermeasures: Vec<String>,
    /// The Annex I items they implement.
    pub requirements: Vec<String>,
    /// Met: the path is mitigated or its risk accepted.
    pub met: bool,
}

/// One Annex I item and the countermeasures serving it.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The item id.
    pub item: String,
    /// Its reference.
    pub reference: String,
    /// Implemented countermeasures serving it.
    pub implemented: Vec<String>,
    /// Planned ones.
    pub planned: Vec<String>,
    /// Paths whose steps carry one of them.
    pub paths: Vec<String>,
    /// Open (unsuppressed) candidate threats concerning it.
    pub open_candidates: usize,
}

/// A component the model shows unreachable, with the findings that justifies not_affected.
#[derive(Debug, Clone, Serialize)]
pub struct Unreachable {
    /// The component's id.
    pub component: String,
    /// Where it is written.
    pub at: At,
    /// The findings on it (vulnerability ids).
    pub findings: Vec<String>,
}

/// Counts for summaries.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Assets.
    pub assets: usize,
    /// Interfaces.
    pub interfaces: usize,
    /// Components.
    pub components: usize,
    /// Countermeasures (implemented, planned).
    pub countermeasures: (usize, usize),
    /// Attack paths.
    pub paths: usize,
    /// Paths above the threshold before countermeasures.
    pub above_initial: usize,
    /// Paths above the threshold after the implemented countermeasures.
    pub above_residual: usize,
    /// Paths by status name.
    pub by_status: BTreeMap<&'static str, usize>,
    /// Candidate threats not suppressed, errors.
    pub open_errors: usize,
    /// Candidate threats not suppressed, warnings.
    pub open_warnings: usize,
    /// Candidate threats suppressed.
    pub suppressed: usize,
    /// Findings linked to model components.
    pub linked_findings: usize,
    /// Paths the findings raise (their residual attack potential is lower than the
    /// design's alone).
    pub raised_paths: usize,
    /// The acceptance threshold.
    pub threshold: u8,
}

impl Summary {
    /// The paths by status, for people: `5 acceptable, 18 mitigated, 1 unmitigated`.
    pub fn statuses(&self) -> String {
        self.by_status
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The assessment of a model.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// The model's file.
    pub file: String,
    /// Counts.
    pub summary: Summary,
    /// The paths, in file order.
    pub paths: Vec<PathResult>,
    /// The candidate threats, errors first.
    pub candidates: Vec<Candidate>,
    /// The security objectives.
    pub objectives: Vec<Objective>,
    /// The Annex I coverage.
    pub coverage: Vec<Coverage>,
    /// Components no entry point reaches that have findings.
    pub unreachable: Vec<Unreachable>,
    /// Countermeasures a live finding voids (on a path or not).
    pub voided: Vec<String>,
}

impl Assessment {
    /// Whether `craft risk check` fails: a path unmitigated or its acceptance expired, or a
    /// candidate threat at error level not suppressed.
    pub fn failed(&self) -> bool {
        self.summary.open_errors > 0 || self.paths.iter().any(|p| p.status.fails())
    }
}

/// A rating (a level index per factor) rated: the level ids, the attack potential, the
/// feasibility and the risk for `impact`.
fn rated(tables: &Tables, levels: &[usize], impact: Impact) -> Rated {
    let mut named = BTreeMap::new();
    for (f, &l) in tables.factors.iter().zip(levels) {
        if let Some(level) = f.levels.get(l) {
            named.insert(f.id.clone(), level.id.clone());
        }
    }
    let potential = tables.potential_of(levels);
    let feasibility = tables.feasibility(potential);
    Rated {
        levels: named,
        potential,
        feasibility,
        risk: tables.risk(impact, feasibility),
    }
}

/// Raise `levels` to at least the levels a countermeasure names.
pub(crate) fn raise(levels: &mut [usize], cm: &model::Countermeasure) {
    for &(fi, li) in &cm.raises {
        if let Some(x) = levels.get_mut(fi) {
            *x = (*x).max(li);
        }
    }
}

/// Which countermeasures count.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Initial,
    Residual,
    Target,
}

/// Every tree gate in an order where a gate comes after the gates it contains.
fn tree_order(model: &Model) -> Vec<usize> {
    let mut order = Vec::with_capacity(model.trees.len());
    let mut state = vec![0u8; model.trees.len()]; // 0 new, 1 open, 2 done
    for root in 0..model.trees.len() {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some((t, next)) = stack.last_mut() {
            let t = *t;
            let child = model.trees[t].children.get(*next).copied();
            *next += 1;
            match child {
                None => {
                    state[t] = 2;
                    order.push(t);
                    stack.pop();
                }
                Some(Node::Tree(k)) if state[k] == 0 => {
                    state[k] = 1;
                    stack.push((k, 0));
                }
                Some(_) => {}
            }
        }
    }
    order
}

/// Combine children: AND takes per factor the hardest level, OR the easiest child.
fn combine<'a>(
    tables: &Tables,
    gate: Gate,
    children: impl Iterator<Item = &'a Vec<usize>>,
    width: usize,
) -> Vec<usize> {
    match gate {
        Gate::And => {
            let mut out = vec![0; width];
            for c in children {
                for (o, &l) in out.iter_mut().zip(c) {
                    *o = (*o).max(l);
                }
            }
            out
        }
        Gate::Or => children
            .min_by_key(|c| tables.potential_of(c))
            .cloned()
            .unwrap_or_else(|| vec![0; width]),
    }
}

/// The link from SBOM components to the model's: an index of the components' `sbom`
/// patterns (exact names and ids in a map, globs in a list).
pub struct Linker {
    exact: HashMap<String, Vec<usize>>,
    globs: Vec<(String, usize)>,
}

impl Linker {
    /// Index a model's components.
    pub fn new(model: &Model) -> Linker {
        let mut exact: HashMap<String, Vec<usize>> = HashMap::new();
        let mut globs = Vec::new();
        for (i, c) in model.components.iter().enumerate() {
            for p in &c.sbom {
                let p = p.trim().to_ascii_lowercase();
                if p.contains('*') {
                    globs.push((p, i));
                } else {
                    exact.entry(p).or_default().push(i);
                }
            }
        }
        Linker { exact, globs }
    }

    /// The model components (indices) an SBOM component stands in: its name or one of
    /// its purls or CPEs matches a pattern (case-insensitive).
    pub fn components(&self, name: &str, ids: &[String]) -> BTreeSet<usize> {
        self.link(name, ids, true)
    }

    /// As [`Linker::components`], by the patterns without `*` only: what a `not_affected`
    /// claim may rest on (a glob may catch packages the modeller never meant).
    pub fn exact_components(&self, name: &str, ids: &[String]) -> BTreeSet<usize> {
        self.link(name, ids, false)
    }

    fn link(&self, name: &str, ids: &[String], globs: bool) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        let keys = std::iter::once(name).chain(ids.iter().map(String::as_str));
        for k in keys {
            let k = k.to_ascii_lowercase();
            if let Some(v) = self.exact.get(&k) {
                out.extend(v);
            }
            if globs {
                for (g, i) in &self.globs {
                    if glob(g, &k) {
                        out.insert(*i);
                    }
                }
            }
        }
        out
    }
}

/// Components reached from production interfaces through `reaches` and data flows (taken
/// both ways: a response travels back along a flow). Without `only`, the search also
/// starts from every path's entry, every component a step attacks and every component that
/// enforces a countermeasure on a step (it handles the attacker's input). With `only`, it
/// starts from the production interfaces of those exposures alone.
fn reachable(model: &Model, only: Option<&[Vector]>) -> Vec<bool> {
    let n = model.components.len();
    let mut seen = vec![false; n];
    let mut iface_seen = vec![false; model.interfaces.len()];
    let mut queue = VecDeque::new();
    for (i, it) in model.interfaces.iter().enumerate() {
        if it.production && only.is_none_or(|o| o.contains(&it.exposure)) {
            iface_seen[i] = true;
            queue.push_back(Element::Interface(i));
        }
    }
    if only.is_none() {
        // What the attack paths say an attacker reaches is reached, and passes it on: the
        // entry of every path, and every component a step attacks.
        for p in &model.paths {
            if let Some(false) = iface_seen.get(p.entry).copied() {
                iface_seen[p.entry] = true;
                queue.push_back(Element::Interface(p.entry));
            }
        }
        for s in &model.steps {
            let enforcers = s
                .countermeasures
                .iter()
                .flat_map(|&k| model.countermeasures[k].by.iter().copied());
            for c in s.component.into_iter().chain(enforcers) {
                if !seen[c] {
                    seen[c] = true;
                    queue.push_back(Element::Component(c));
                }
            }
        }
    }
    // Adjacency through flows.
    let mut adj: HashMap<Element, Vec<Element>> = HashMap::new();
    for f in &model.flows {
        if matches!(f.from, Element::Flow(usize::MAX)) || matches!(f.to, Element::Flow(usize::MAX))
        {
            continue;
        }
        adj.entry(f.from).or_default().push(f.to);
        adj.entry(f.to).or_default().push(f.from);
    }
    while let Some(e) = queue.pop_front() {
        let mut next: Vec<Element> = adj.get(&e).cloned().unwrap_or_default();
        if let Element::Interface(i) = e {
            next.extend(
                model.interfaces[i]
                    .reaches
                    .iter()
                    .map(|&c| Element::Component(c)),
            );
        }
        for x in next {
            match x {
                Element::Component(c) if !seen[c] => {
                    seen[c] = true;
                    queue.push_back(x);
                }
                Element::Interface(i) if !iface_seen[i] => {
                    // An interface is only an entry when it is on production units; as a
                    // flow's far end it carries data either way.
                    iface_seen[i] = true;
                    queue.push_back(x);
                }
                _ => {}
            }
        }
    }
    seen
}

/// The components the model shows unreachable (`true`): no interface reaches them, no data
/// flow connects them (either way) to one that is reached, no attack step targets them, and
/// none enforces a countermeasure on a step. The claim needs a model that says what every
/// entry reaches: while a production interface has an empty `reaches` (a first model, say),
/// nothing is claimed unreachable (all `false`).
pub fn unreachable_components(model: &Model) -> Vec<bool> {
    if !states_reachability(model) {
        return vec![false; model.components.len()];
    }
    reachable(model, None).into_iter().map(|r| !r).collect()
}

/// Whether every production interface says which components it reaches.
pub fn states_reachability(model: &Model) -> bool {
    model
        .interfaces
        .iter()
        .all(|i| !i.production || !i.reaches.is_empty())
}

/// Assess a model: rate every path, run the rules, link the findings, derive objectives and
/// the Annex I coverage. `today` judges expiries.
pub fn assess(model: &Model, tables: &Tables, findings: &[VulnFinding], today: Date) -> Assessment {
    let width = tables.factors.len();
    // Findings per model component.
    let linker = Linker::new(model);
    let mut by_component: Vec<Vec<&VulnFinding>> = vec![Vec::new(); model.components.len()];
    let mut linked = 0;
    for f in findings {
        let cs = linker.components(&f.component, &f.ids);
        linked += usize::from(!cs.is_empty());
        for c in cs {
            by_component[c].push(f);
        }
    }
    // The caps each component's findings impose, per factor (the easiest level allowed).
    let caps: Vec<Option<(Vec<usize>, Vec<String>)>> = by_component
        .iter()
        .map(|fs| {
            let mut cap: Option<Vec<usize>> = None;
            let mut ids = BTreeSet::new();
            for f in fs {
                let Some(class) = f.class() else { continue };
                let row = tables.exploit_caps(class);
                if row.is_empty() {
                    continue;
                }
                ids.insert(f.id.clone());
                let c = cap.get_or_insert_with(|| vec![usize::MAX; width]);
                for (fi, li) in row {
                    c[fi] = c[fi].min(li);
                }
            }
            cap.map(|c| (c, ids.into_iter().collect()))
        })
        .collect();
    // Countermeasures a finding voids: one of the components enforcing it is affected.
    let voided: Vec<bool> = model
        .countermeasures
        .iter()
        .map(|c| c.by.iter().any(|&b| caps[b].is_some()))
        .collect();
    let order = tree_order(model);
    // `live`: whether the findings count (without them: what the design alone gives).
    let evaluate = |mode: Mode, live: bool| -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let steps: Vec<Vec<usize>> = model
            .steps
            .iter()
            .map(|s| {
                let mut l = s.rating.clone();
                l.resize(width, 0);
                if mode != Mode::Initial {
                    let cap = s.component.and_then(|c| caps[c].as_ref()).filter(|_| live);
                    if let Some((cap, _)) = cap {
                        for (x, &c) in l.iter_mut().zip(cap) {
                            *x = (*x).min(c);
                        }
                    }
                    for &c in &s.countermeasures {
                        let cm = &model.countermeasures[c];
                        let counts = cm.status == CmStatus::Implemented || mode == Mode::Target;
                        if counts && !(live && voided[c]) {
                            raise(&mut l, cm);
                        }
                    }
                }
                l
            })
            .collect();
        let mut trees: Vec<Vec<usize>> = vec![Vec::new(); model.trees.len()];
        for &t in &order {
            let tree = &model.trees[t];
            let kids: Vec<&Vec<usize>> = tree
                .children
                .iter()
                .map(|c| match *c {
                    Node::Step(s) => &steps[s],
                    Node::Tree(k) => &trees[k],
                })
                .collect();
            trees[t] = combine(tables, tree.gate, kids.into_iter(), width);
        }
        (steps, trees)
    };
    let initial = evaluate(Mode::Initial, false);
    let residual = evaluate(Mode::Residual, true);
    let target = evaluate(Mode::Target, true);
    let designed = evaluate(Mode::Residual, false);
    let path_levels = |p: &model::Path, (steps, trees): &(Vec<Vec<usize>>, Vec<Vec<usize>>)| {
        combine(
            tables,
            Gate::And,
            p.steps.iter().map(|n| match *n {
                Node::Step(s) => &steps[s],
                Node::Tree(t) => &trees[t],
            }),
            width,
        )
    };
    let today_day = today.first_day();
    // Each path's steps and countermeasures, computed once (hostile models share big gates
    // between many paths).
    let path_steps: Vec<Vec<usize>> = model
        .paths
        .iter()
        .map(|p| steps_of(model, &p.steps).collect())
        .collect();
    let path_cms: Vec<BTreeSet<usize>> = path_steps
        .iter()
        .map(|steps| {
            steps
                .iter()
                .flat_map(|&s| model.steps[s].countermeasures.iter().copied())
                .collect()
        })
        .collect();
    // The paths through each component: a step attacks it, or a countermeasure on a step
    // is enforced by it.
    let mut component_paths: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); model.components.len()];
    for (pi, steps) in path_steps.iter().enumerate() {
        for &s in steps {
            if let Some(c) = model.steps[s].component {
                component_paths[c].insert(pi);
            }
        }
        for &k in &path_cms[pi] {
            for &c in &model.countermeasures[k].by {
                component_paths[c].insert(pi);
            }
        }
    }
    let mut paths = Vec::with_capacity(model.paths.len());
    let mut raised_paths = 0;
    for (pi, p) in model.paths.iter().enumerate() {
        let (mut implemented, mut planned, mut vulns) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        let mut void = BTreeSet::new();
        for &s in &path_steps[pi] {
            let step = &model.steps[s];
            for &c in &step.countermeasures {
                let cm = &model.countermeasures[c];
                if cm.status == CmStatus::Implemented {
                    implemented.insert(cm.id.clone());
                } else {
                    planned.insert(cm.id.clone());
                }
                if voided[c] {
                    void.insert(cm.id.clone());
                    for &b in &cm.by {
                        if let Some((_, ids)) = caps[b].as_ref() {
                            vulns.extend(ids.iter().cloned());
                        }
                    }
                }
            }
            if let Some((_, ids)) = step.component.and_then(|c| caps[c].as_ref()) {
                vulns.extend(ids.iter().cloned());
            }
        }

        let i = rated(tables, &path_levels(p, &initial), p.impact);
        let r = rated(tables, &path_levels(p, &residual), p.impact);
        // Raised: the findings make the path easier than the design alone does.
        let raised = r.potential < tables.potential_of(&path_levels(p, &designed));
        raised_paths += usize::from(raised);
        let t = rated(tables, &path_levels(p, &target), p.impact);
        let expired = p
            .expires
            .as_deref()
            .and_then(Date::parse)
            .is_some_and(|d| d.last_day() < today_day);
        // Judged on the residual rating: a live finding can lift a path the design kept
        // within the threshold above it.
        let status = if r.risk <= model.threshold {
            if i.risk <= model.threshold {
                PathStatus::Acceptable
            } else {
                PathStatus::Mitigated
            }
        } else {
            match p.treatment {
                Treatment::Share | Treatment::Retain if expired => PathStatus::Expired,
                Treatment::Share | Treatment::Retain => PathStatus::Accepted,
                Treatment::Reduce | Treatment::Avoid => PathStatus::Unmitigated,
            }
        };
        paths.push(PathResult {
            id: p.id.clone(),
            title: p.title.clone(),
            entry: model.interfaces[p.entry].id.clone(),
            exposure: model.interfaces[p.entry].exposure,
            asset: model.assets[p.asset].id.clone(),
            property: p.property,
            impact: p.impact,
            initial: i,
            residual: r,
            target: t,
            countermeasures: implemented.into_iter().collect(),
            planned: planned.into_iter().collect(),
            vulnerabilities: vulns.into_iter().collect(),
            raised,
            voided: void.into_iter().collect(),
            treatment: p.treatment,
            reason: p.reason.clone(),
            expires: p.expires.clone(),
            status,
            at: p.at,
        });
    }

    // Candidate threats.
    let max_impact = model
        .assets
        .iter()
        .filter_map(|a| a.impact.overall())
        .max()
        .unwrap_or(Impact::Negligible);
    let impact_of = |e: Element| -> Impact {
        let from_paths = |f: &dyn Fn(&model::Path) -> bool| {
            model.paths.iter().filter(|p| f(p)).map(|p| p.impact).max()
        };
        match e {
            Element::Asset(a) => model.assets[a].impact.overall(),
            Element::Interface(i) => from_paths(&|p| p.entry == i),
            Element::Flow(f) => model.flows[f]
                .assets
                .iter()
                .filter_map(|&a| model.assets[a].impact.overall())
                .max(),
            Element::Component(c) => component_paths[c]
                .iter()
                .map(|&pi| model.paths[pi].impact)
                .max(),
            Element::Boundary(_) => None,
        }
        .unwrap_or(max_impact)
    };
    const BY_EXPOSURE: [Vector; 4] = [
        Vector::Network,
        Vector::Adjacent,
        Vector::Local,
        Vector::Physical,
    ];
    let reach_by_exposure: Vec<(Vector, Vec<bool>)> = (0..BY_EXPOSURE.len())
        .map(|k| (BY_EXPOSURE[k], reachable(model, Some(&BY_EXPOSURE[..=k]))))
        .collect();
    let exposure_of = |e: Element| -> Vector {
        match e {
            Element::Interface(i) => model.interfaces[i].exposure,
            Element::Asset(a) => model.assets[a]
                .stored_on
                .iter()
                .map(|&i| model.interfaces[i].exposure)
                .min_by_key(|v| exposure_rank(*v))
                .unwrap_or(Vector::Physical),
            Element::Flow(f) => [model.flows[f].from, model.flows[f].to]
                .into_iter()
                .filter_map(|x| match x {
                    Element::Interface(i) => model.interfaces.get(i).map(|i| i.exposure),
                    _ => None,
                })
                .min_by_key(|v| exposure_rank(*v))
                .unwrap_or(Vector::Adjacent),
            // The most exposed entry from which the component is reached, through
            // `reaches` and data flows.
            Element::Component(c) => reach_by_exposure
                .iter()
                .find(|(_, r)| r[c])
                .map_or(Vector::Physical, |(v, _)| *v),
            Element::Boundary(_) => Vector::Local,
        }
    };
    let mut hits = rules::design(model);
    let exposed = &reach_by_exposure[1].1;
    for (c, fs) in by_component.iter().enumerate() {
        if !exposed[c] {
            continue;
        }
        let mut kev: Vec<&str> = Vec::new();
        let mut high: Vec<&str> = Vec::new();
        for f in fs {
            match f.class() {
                Some("known-exploited") => kev.push(&f.id),
                Some(_) => high.push(&f.id),
                None => {}
            }
        }
        if kev.is_empty() && high.is_empty() {
            continue;
        }
        kev.sort_unstable();
        kev.dedup();
        high.sort_unstable();
        high.dedup();
        let raised: Vec<&str> = component_paths[c]
            .iter()
            .filter(|&&pi| paths[pi].raised)
            .map(|&pi| paths[pi].id.as_str())
            .collect();
        let list = |v: &[&str]| {
            let shown: Vec<&str> = v.iter().take(5).copied().collect();
            let more = v.len().saturating_sub(5);
            format!(
                "{}{}",
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        };
        let mut parts = Vec::new();
        if !kev.is_empty() {
            parts.push(format!("known exploited: {}", list(&kev)));
        }
        if !high.is_empty() {
            parts.push(format!("CVSS ≥ 7.0: {}", list(&high)));
        }
        hits.push(rules::Hit {
            known_exploited: !kev.is_empty(),
            rule: "risk-exploitable-vulnerability",
            element: Element::Component(c),
            message: format!(
                "component `{}` ({}) is reachable from an exposed interface and has {}; {}",
                model.components[c].id,
                model.components[c].name,
                parts.join("; "),
                if component_paths[c].is_empty() {
                    "no attack path covers it: add one".to_string()
                } else if raised.is_empty() {
                    "the countermeasures on its attack paths hold: no path raised".to_string()
                } else {
                    format!("paths raised: {}", raised.join(", "))
                }
            ),
        });
    }
    let mut candidates: Vec<Candidate> =
        hits.into_iter()
            .map(|h| {
                let rule = rules::rule(h.rule).expect("a rule of the catalogue");
                let element = model.element_id(h.element).to_string();
                let feasibility = tables.by_vector(exposure_of(h.element));
                let risk = tables.risk(impact_of(h.element), feasibility);
                let level = match h.rule {
                    "risk-interface-without-path" | "risk-asset-without-path" => Level::Warning,
                    "risk-exploitable-vulnerability" if h.known_exploited => Level::Error,
                    _ if risk > model.threshold => Level::Error,
                    _ => Level::Warning,
                };
                let suppressed = model
                    .suppressions
                    .iter()
                    .find(|s| {
                        s.rule == h.rule
                            && s.element.as_deref().is_none_or(|e| e == element)
                            && s.expires
                                .as_deref()
                                .and_then(Date::parse)
                                .is_none_or(|d| d.last_day() >= today_day)
                    })
                    .map(|s| s.reason.clone());
                let mut message = h.message;
                if suppressed.is_none() {
                    if let Some(s) = model.suppressions.iter().find(|s| {
                        s.rule == h.rule && s.element.as_deref().is_none_or(|e| e == element)
                    }) {
                        message.push_str(&format!(
                            " (its suppression expired on {})",
                            s.expires.as_deref().unwrap_or("?")
                        ));
                    }
                }
                Candidate {
                    rule: rule.id,
                    element,
                    message,
                    annex_i: rule.annex_i,
                    feasibility,
                    risk,
                    level,
                    suppressed,
                    at: model.element_at(h.element),
                }
            })
            .collect();
    // Path statuses as candidates too, so one list carries every reason to fail.
    for (p, mp) in paths.iter().zip(&model.paths) {
        let (rule, message) = match p.status {
            PathStatus::Unmitigated => (
                "risk-unmitigated",
                format!(
                    "path `{}` ({}): residual risk {} is above the threshold {}{}",
                    p.id,
                    p.title,
                    p.residual.risk,
                    model.threshold,
                    if p.target.risk <= model.threshold {
                        format!(
                            "; the planned countermeasures ({}) would bring it to {}",
                            p.planned.join(", "),
                            p.target.risk
                        )
                    } else {
                        String::new()
                    }
                ),
            ),
            PathStatus::Expired => (
                "risk-acceptance-expired",
                format!(
                    "path `{}` ({}): risk {} {} until {}, expired",
                    p.id,
                    p.title,
                    p.residual.risk,
                    if p.treatment == Treatment::Share {
                        "shared"
                    } else {
                        "retained"
                    },
                    p.expires.as_deref().unwrap_or("?")
                ),
            ),
            _ => continue,
        };
        let r = rules::rule(rule).expect("a rule of the catalogue");
        candidates.push(Candidate {
            rule: r.id,
            element: p.id.clone(),
            message,
            annex_i: r.annex_i,
            feasibility: p.residual.feasibility,
            risk: p.residual.risk,
            level: Level::Error,
            suppressed: None,
            at: mp.at,
        });
    }
    let rank = |c: &Candidate| rules::RULES.iter().position(|r| r.id == c.rule);
    candidates.sort_by(|a, b| {
        (
            a.suppressed.is_some(),
            std::cmp::Reverse(a.level),
            rank(a),
            a.at.line,
        )
            .cmp(&(
                b.suppressed.is_some(),
                std::cmp::Reverse(b.level),
                rank(b),
                b.at.line,
            ))
    });

    // Objectives.
    let objectives: Vec<Objective> = paths
        .iter()
        .zip(&model.paths)
        .filter(|(p, _)| p.initial.risk.max(p.residual.risk) > model.threshold)
        .map(|(p, mp)| {
            let asset = &model.assets[mp.asset];
            let mut cms: Vec<String> = p.countermeasures.clone();
            cms.extend(p.planned.iter().cloned());
            let requirements: BTreeSet<String> = cms
                .iter()
                .filter_map(|id| model.countermeasures.iter().find(|c| &c.id == id))
                .flat_map(|c| c.annex_i.iter().cloned())
                .collect();
            let statement = match p.treatment {
                Treatment::Reduce | Treatment::Avoid => format!(
                    "The {} of {} shall be protected against {} (from `{}`), to a risk of at \
                     most {}.",
                    p.property.name(),
                    asset.name,
                    lowercase_first(&p.title),
                    p.entry,
                    model.threshold
                ),
                Treatment::Share | Treatment::Retain => format!(
                    "The risk to the {} of {} from {} (from `{}`) is {} at {}.",
                    p.property.name(),
                    asset.name,
                    lowercase_first(&p.title),
                    p.entry,
                    if p.treatment == Treatment::Share {
                        "shared"
                    } else {
                        "retained"
                    },
                    p.residual.risk
                ),
            };
            Objective {
                id: format!("SO-{}", p.id),
                path: p.id.clone(),
                statement,
                treatment: p.treatment,
                reason: p.reason.clone(),
                countermeasures: cms,
                requirements: requirements.into_iter().collect(),
                met: matches!(p.status, PathStatus::Mitigated | PathStatus::Accepted),
            }
        })
        .collect();

    // Annex I coverage.
    let coverage: Vec<Coverage> = crate::requirements::catalogue()
        .items
        .iter()
        .map(|item| {
            let serving: Vec<usize> = model
                .countermeasures
                .iter()
                .enumerate()
                .filter(|(_, c)| c.annex_i.contains(&item.id))
                .map(|(i, _)| i)
                .collect();
            let of = |s: CmStatus| -> Vec<String> {
                serving
                    .iter()
                    .filter(|&&i| model.countermeasures[i].status == s)
                    .map(|&i| model.countermeasures[i].id.clone())
                    .collect()
            };
            let covered: Vec<String> = model
                .paths
                .iter()
                .zip(&path_cms)
                .filter(|(_, cms)| serving.iter().any(|c| cms.contains(c)))
                .map(|(p, _)| p.id.clone())
                .collect();
            Coverage {
                item: item.id.clone(),
                reference: item.reference.clone(),
                implemented: of(CmStatus::Implemented),
                planned: of(CmStatus::Planned),
                paths: covered,
                open_candidates: candidates
                    .iter()
                    .filter(|c| c.suppressed.is_none() && c.annex_i.contains(&item.id.as_str()))
                    .count(),
            }
        })
        .collect();

    // Components no entry point reaches, with their findings.
    let reached: Vec<bool> = unreachable_components(model).iter().map(|u| !u).collect();
    let unreachable: Vec<Unreachable> = model
        .components
        .iter()
        .enumerate()
        .filter(|(c, _)| !reached[*c] && !by_component[*c].is_empty())
        .map(|(c, comp)| {
            let ids: BTreeSet<String> = by_component[c].iter().map(|f| f.id.clone()).collect();
            Unreachable {
                component: comp.id.clone(),
                at: comp.at,
                findings: ids.into_iter().collect(),
            }
        })
        .collect();

    let mut by_status = BTreeMap::new();
    for p in &paths {
        *by_status.entry(p.status.name()).or_default() += 1;
    }
    let summary = Summary {
        assets: model.assets.len(),
        interfaces: model.interfaces.len(),
        components: model.components.len(),
        countermeasures: (
            model
                .countermeasures
                .iter()
                .filter(|c| c.status == CmStatus::Implemented)
                .count(),
            model
                .countermeasures
                .iter()
                .filter(|c| c.status == CmStatus::Planned)
                .count(),
        ),
        paths: paths.len(),
        above_initial: paths
            .iter()
            .filter(|p| p.initial.risk > model.threshold)
            .count(),
        above_residual: paths
            .iter()
            .filter(|p| p.residual.risk > model.threshold)
            .count(),
        by_status,
        open_errors: candidates
            .iter()
            .filter(|c| c.suppressed.is_none() && c.level == Level::Error)
            .count(),
        open_warnings: candidates
            .iter()
            .filter(|c| c.suppressed.is_none() && c.level == Level::Warning)
            .count(),
        suppressed: candidates.iter().filter(|c| c.suppressed.is_some()).count(),
        linked_findings: linked,
        raised_paths,
        threshold: model.threshold,
    };
    Assessment {
        file: model.file.clone(),
        summary,
        paths,
        candidates,
        objectives,
        coverage,
        unreachable,
        voided: model
            .countermeasures
            .iter()
            .zip(&voided)
            .filter(|(_, v)| **v)
            .map(|(c, _)| c.id.clone())
            .collect(),
    }
}

/// Lower is more exposed.
fn exposure_rank(v: Vector) -> u8 {
    match v {
        Vector::Network => 0,
        Vector::Adjacent => 1,
        Vector::Local => 2,
        Vector::Physical => 3,
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Every step under a list of nodes (each once), without recursion.
pub fn steps_of<'a>(model: &'a Model, nodes: &'a [Node]) -> impl Iterator<Item = usize> + 'a {
    let mut stack: Vec<Node> = nodes.iter().rev().copied().collect();
    let mut seen_trees = BTreeSet::new();
    let mut seen_steps = BTreeSet::new();
    std::iter::from_fn(move || {
        while let Some(n) = stack.pop() {
            match n {
                Node::Step(s) => {
                    if seen_steps.insert(s) {
                        return Some(s);
                    }
                }
                Node::Tree(t) => {
                    if seen_trees.insert(t) {
                        stack.extend(model.trees[t].children.iter().rev().copied());
                    }
                }
            }
        }
        None
    })
}
