//! The outputs of an assessment: CSV register, attack-tree diagrams (Mermaid, Graphviz DOT,
//! SVG), the before/after heat map (SVG), and the risk-assessment chapter of the technical
//! documentation (Markdown). Every output is a deterministic function of the model and the
//! assessment, so a reviewed file diffs cleanly.

use super::model::{CmStatus, Gate, Model, Node};
use super::{Assessment, PathResult};
use crate::risk::{Feasibility, Impact, Tables, Vector};
use std::fmt::Write as _;

/// Feasibility as reports write it.
pub fn feasibility_name(f: Feasibility) -> &'static str {
    match f {
        Feasibility::VeryLow => "very low",
        Feasibility::Low => "low",
        Feasibility::Medium => "medium",
        Feasibility::High => "high",
    }
}

/// Impact as reports write it.
pub fn impact_name(i: Impact) -> &'static str {
    match i {
        Impact::Negligible => "negligible",
        Impact::Moderate => "moderate",
        Impact::Major => "major",
        Impact::Severe => "severe",
    }
}

/// Exposure as reports write it.
pub fn exposure_name(v: Vector) -> &'static str {
    match v {
        Vector::Network => "network",
        Vector::Adjacent => "adjacent",
        Vector::Local => "local",
        Vector::Physical => "physical",
    }
}

/// One CSV field: quoted when needed, and a leading `=`, `+`, `-`, `@` neutralised so a
/// spreadsheet never runs it as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The risk register as CSV (RFC 4180), one row per attack path.
pub fn register_csv(a: &Assessment) -> String {
    let mut out = String::from(
        "id,title,entry,exposure,asset,property,impact,initial_potential,initial_feasibility,\
         initial_risk,residual_potential,residual_feasibility,residual_risk,target_risk,\
         countermeasures,planned,vulnerabilities,treatment,status,reason,expires\r\n",
    );
    for p in &a.paths {
        let row = [
            p.id.clone(),
            p.title.clone(),
            p.entry.clone(),
            exposure_name(p.exposure).into(),
            p.asset.clone(),
            p.property.name().into(),
            impact_name(p.impact).into(),
            p.initial.potential.to_string(),
            feasibility_name(p.initial.feasibility).into(),
            p.initial.risk.to_string(),
            p.residual.potential.to_string(),
            feasibility_name(p.residual.feasibility).into(),
            p.residual.risk.to_string(),
            p.target.risk.to_string(),
            p.countermeasures.join(" "),
            p.planned.join(" "),
            p.vulnerabilities.join(" "),
            p.treatment.name().into(),
            p.status.name().into(),
            p.reason.clone().unwrap_or_default(),
            p.expires.clone().unwrap_or_default(),
        ];
        let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A diagram node.
struct DNode {
    lines: Vec<String>,
    kind: Kind,
    children: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Path,
    And,
    Or,
    Step,
}

/// The most nodes one diagram draws (a shared subtree is drawn at each use; hostile models
/// could otherwise blow up).
const MAX_NODES: usize = 2_000;

/// Diagram nodes of the chosen paths (all when `only` is empty), roots first.
fn diagram(
    model: &Model,
    a: &Assessment,
    tables: &Tables,
    only: &[String],
) -> (Vec<DNode>, Vec<usize>) {
    let mut nodes: Vec<DNode> = Vec::new();
    let mut roots = Vec::new();
    for (p, r) in model.paths.iter().zip(&a.paths) {
        if !only.is_empty() && !only.contains(&p.id) {
            continue;
        }
        let root = nodes.len();
        nodes.push(DNode {
            lines: vec![
                format!("{}: {}", p.id, p.title),
                format!("{} of {} · from {}", p.property.name(), r.asset, r.entry),
                format!(
                    "risk {} → {} ({})",
                    r.initial.risk,
                    r.residual.risk,
                    r.status.name()
                ),
            ],
            kind: Kind::Path,
            children: Vec::new(),
        });
        roots.push(root);
        // Expand without recursion: (parent, node).
        let mut work: Vec<(usize, Node)> = p.steps.iter().rev().map(|n| (root, *n)).collect();
        while let Some((parent, n)) = work.pop() {
            if nodes.len() >= MAX_NODES {
                break;
            }
            let me = nodes.len();
            match n {
                Node::Step(s) => {
                    let step = &model.steps[s];
                    let mut lines = vec![format!("{}: {}", step.id, step.text)];

                    // The step's own rating, and with its implemented countermeasures (the
                    // design's; live findings show on the path's rating).
                    let mut guarded = step.rating.clone();
                    for &c in &step.countermeasures {
                        let cm = &model.countermeasures[c];
                        if cm.status == CmStatus::Implemented {
                            super::raise(&mut guarded, cm);
                        }
                    }
                    let (before, after) = (
                        tables.potential_of(&step.rating),
                        tables.potential_of(&guarded),
                    );
                    lines.push(if before == after {
                        format!(
                            "feasibility {} ({before})",
                            feasibility_name(tables.feasibility(before))
                        )
                    } else {
                        format!(
                            "feasibility {} ({before}) → {} ({after})",
                            feasibility_name(tables.feasibility(before)),
                            feasibility_name(tables.feasibility(after))
                        )
                    });
                    let cms: Vec<String> = step
                        .countermeasures
                        .iter()
                        .map(|&c| {
                            let cm = &model.countermeasures[c];
                            if cm.status == CmStatus::Planned {
                                format!("{} (planned)", cm.id)
                            } else {
                                cm.id.clone()
                            }
                        })
                        .collect();
                    if !cms.is_empty() {
                        lines.push(format!("countermeasures: {}", cms.join(", ")));
                    }
                    nodes.push(DNode {
                        lines,
                        kind: Kind::Step,
                        children: Vec::new(),
                    });
                }
                Node::Tree(t) => {
                    let tree = &model.trees[t];
                    let gate = if tree.gate == Gate::And { "AND" } else { "OR" };
                    let mut lines = vec![format!("{} [{gate}]", tree.id)];
                    if let Some(text) = &tree.text {
                        lines.push(text.clone());
                    }
                    nodes.push(DNode {
                        lines,
                        kind: if tree.gate == Gate::And {
                            Kind::And
                        } else {
                            Kind::Or
                        },
                        children: Vec::new(),
                    });
                    work.extend(tree.children.iter().rev().map(|c| (me, *c)));
                }
            }
            nodes[parent].children.push(me);
        }
    }
    (nodes, roots)
}

/// Text inside a Mermaid label: its entity codes (`#quot;`, `#35;`) for every character
/// Mermaid or the HTML it renders would read as syntax, `#` first so a user's own entity
/// codes stay text.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The attack trees as a Mermaid flowchart.
pub fn mermaid(model: &Model, a: &Assessment, tables: &Tables, only: &[String]) -> String {
    let (nodes, _) = diagram(model, a, tables, only);
    let mut out = String::from("flowchart TD\n");
    for (i, n) in nodes.iter().enumerate() {
        let label = n
            .lines
            .iter()
            .map(|l| mermaid_text(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let (open, close) = match n.kind {
            Kind::Path => ("[[\"", "\"]]"),
            Kind::And | Kind::Or => ("{{\"", "\"}}"),
            Kind::Step => ("[\"", "\"]"),
        };
        let _ = writeln!(out, "  n{i}{open}{label}{close}");
    }
    for (i, n) in nodes.iter().enumerate() {
        let edge = match n.kind {
            Kind::Or => "-.->|or|",
            _ => "-->",
        };
        for c in &n.children {
            let _ = writeln!(out, "  n{i} {edge} n{c}");
        }
    }
    out
}

fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

/// The attack trees as a Graphviz DOT digraph.
pub fn dot(model: &Model, a: &Assessment, tables: &Tables, only: &[String]) -> String {
    let (nodes, _) = diagram(model, a, tables, only);
    let mut out = String::from(
        "digraph attack_trees {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for (i, n) in nodes.iter().enumerate() {
        let label = n
            .lines
            .iter()
            .map(|l| dot_text(l))
            .collect::<Vec<_>>()
            .join("\\n");
        let shape = match n.kind {
            Kind::Path => "shape=box, style=\"rounded,bold\"",
            Kind::And => "shape=trapezium",
            Kind::Or => "shape=invtrapezium",
            Kind::Step => "shape=box",
        };
        let _ = writeln!(out, "  n{i} [{shape}, label=\"{label}\"];");
    }
    for (i, n) in nodes.iter().enumerate() {
        for c in &n.children {
            let style = if n.kind == Kind::Or {
                " [style=dashed, label=\"or\"]"
            } else {
                ""
            };
            let _ = writeln!(out, "  n{i} -> n{c}{style};");
        }
    }
    out.push_str("}\n");
    out
}

/// XML text escaping.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow (controls, U+FFFE, U+FFFF).
            c if ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{FFFE}' | '\u{FFFF}') =>
            {
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
    out
}

/// Wrap text at `width` characters on spaces.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

const BOX_W: f64 = 230.0;
const LINE_H: f64 = 14.0;
const GAP_X: f64 = 16.0;
const GAP_Y: f64 = 34.0;

/// The attack trees as one SVG image: each path a tree, top to bottom.
pub fn svg(model: &Model, a: &Assessment, tables: &Tables, only: &[String]) -> String {
    let (nodes, roots) = diagram(model, a, tables, only);
    let text: Vec<Vec<String>> = nodes
        .iter()
        .map(|n| n.lines.iter().flat_map(|l| wrap(l, 38)).collect())
        .collect();
    let height = |i: usize| text[i].len() as f64 * LINE_H + 10.0;
    // Post-order placement without recursion: leaves left to right, parents centred.
    let mut x = vec![0.0f64; nodes.len()];
    let mut depth = vec![0usize; nodes.len()];
    let mut body = String::new();
    let mut top = 20.0;
    let mut width: f64 = 400.0;
    for &root in &roots {
        let mut next_leaf = 10.0;
        let mut order = Vec::new();
        let mut stack = vec![(root, false)];
        while let Some((n, visited)) = stack.pop() {
            if visited {
                order.push(n);
                continue;
            }
            stack.push((n, true));
            for &c in nodes[n].children.iter().rev() {
                depth[c] = depth[n] + 1;
                stack.push((c, false));
            }
        }
        for &n in &order {
            if nodes[n].children.is_empty() {
                x[n] = next_leaf;
                next_leaf += BOX_W + GAP_X;
            } else {
                let first = x[nodes[n].children[0]];
                let last = x[*nodes[n].children.last().expect("children")];
                x[n] = (first + last) / 2.0;
            }
        }
        let levels = order.iter().map(|&n| depth[n]).max().unwrap_or(0) + 1;
        let mut row_h = vec![0.0f64; levels];
        for &n in &order {
            row_h[depth[n]] = row_h[depth[n]].max(height(n));
        }
        let mut row_y = vec![top; levels];
        for d in 1..levels {
            row_y[d] = row_y[d - 1] + row_h[d - 1] + GAP_Y;
        }
        for &n in &order {
            let (nx, ny) = (x[n], row_y[depth[n]]);
            for &c in &nodes[n].children {
                let dash = if nodes[n].kind == Kind::Or {
                    " stroke-dasharray=\"5,3\""
                } else {
                    ""
                };
                let _ = writeln!(
                    body,
                    "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#555\"{dash}/>",
                    nx + BOX_W / 2.0,
                    ny + height(n),
                    x[c] + BOX_W / 2.0,
                    row_y[depth[c]]
                );
            }
            let (fill, stroke) = match nodes[n].kind {
                Kind::Path => ("#e8eefc", "#2a4d9b"),
                Kind::And => ("#f3f3f3", "#555"),
                Kind::Or => ("#fff6e0", "#a0720a"),
                Kind::Step => ("#ffffff", "#555"),
            };
            let _ = writeln!(
                body,
                "<rect x=\"{nx:.1}\" y=\"{ny:.1}\" width=\"{BOX_W}\" height=\"{:.1}\" rx=\"4\" \
                 fill=\"{fill}\" stroke=\"{stroke}\"/>",
                height(n)
            );
            for (k, line) in text[n].iter().enumerate() {
                let weight = if k == 0 { " font-weight=\"bold\"" } else { "" };
                let _ = writeln!(
                    body,
                    "<text x=\"{:.1}\" y=\"{:.1}\"{weight}>{}</text>",
                    nx + 6.0,
                    ny + 15.0 + k as f64 * LINE_H,
                    xml(line)
                );
            }
        }
        width = width.max(next_leaf + 10.0);
        top = row_y[levels - 1] + row_h[levels - 1] + 40.0;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{width:.0}\" height=\"{top:.0}\" viewBox=\"0 0 {width:.0} {top:.0}\" \
         font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n<title>Attack trees \
         ({})</title>\n{body}</svg>\n",
        xml(&a.file)
    )
}

/// The risk colour of a value 1-5.
fn risk_colour(v: u8) -> &'static str {
    match v {
        0 | 1 => "#cfe8cf",
        2 => "#e6f0b0",
        3 => "#ffe08a",
        4 => "#ffb070",
        _ => "#f07a6a",
    }
}

/// The heat map: paths by impact × feasibility, before countermeasures and after the
/// implemented ones, side by side.
pub fn heatmap(a: &Assessment, tables: &Tables) -> String {
    const CELL: f64 = 64.0;
    let impacts = [
        Impact::Severe,
        Impact::Major,
        Impact::Moderate,
        Impact::Negligible,
    ];
    let feas = [
        Feasibility::VeryLow,
        Feasibility::Low,
        Feasibility::Medium,
        Feasibility::High,
    ];
    let mut body = String::new();
    type Pick = fn(&PathResult) -> Feasibility;
    let grids: [(&str, Pick); 2] = [
        ("Before countermeasures", |p| p.initial.feasibility),
        ("After implemented countermeasures", |p| {
            p.residual.feasibility
        }),
    ];
    for (g, (title, pick)) in grids.iter().enumerate() {
        let ox = 110.0 + g as f64 * (4.0 * CELL + 150.0);
        let oy = 60.0;
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"40\" font-weight=\"bold\" font-size=\"13\">{}</text>",
            ox,
            xml(title)
        );
        for (r, imp) in impacts.iter().enumerate() {
            let _ = writeln!(
                body,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                ox - 8.0,
                oy + r as f64 * CELL + CELL / 2.0 + 4.0,
                impact_name(*imp)
            );
            for (c, f) in feas.iter().enumerate() {
                let n = a
                    .paths
                    .iter()
                    .filter(|p| p.impact == *imp && pick(p) == *f)
                    .count();
                let v = tables.risk(*imp, *f);
                let (x, y) = (ox + c as f64 * CELL, oy + r as f64 * CELL);
                let over = v > a.summary.threshold;
                let _ = writeln!(
                    body,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{CELL}\" height=\"{CELL}\" fill=\"{}\" \
                     stroke=\"{}\" stroke-width=\"{}\"/>",
                    risk_colour(v),
                    if over { "#8a1c10" } else { "#777" },
                    if over { 2 } else { 1 }
                );
                let _ = writeln!(
                    body,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"18\" \
                     font-weight=\"bold\">{}</text>",
                    x + CELL / 2.0,
                    y + CELL / 2.0 + 2.0,
                    if n == 0 { String::new() } else { n.to_string() }
                );
                let _ = writeln!(
                    body,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"9\" \
                     fill=\"#444\">risk {v}</text>",
                    x + CELL - 4.0,
                    y + CELL - 5.0
                );
            }
        }
        for (c, f) in feas.iter().enumerate() {
            let _ = writeln!(
                body,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                ox + c as f64 * CELL + CELL / 2.0,
                oy + 4.0 * CELL + 16.0,
                feasibility_name(*f)
            );
        }
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#444\">attack \
             feasibility</text>",
            ox + 2.0 * CELL,
            oy + 4.0 * CELL + 34.0
        );
    }
    let width = 110.0 + 2.0 * (4.0 * CELL) + 150.0 + 40.0;
    let height = 60.0 + 4.0 * CELL + 70.0;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" \
         font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n<title>Risk heat map \
         ({}): attack paths by impact and feasibility; cells above the threshold {} outlined\
         </title>\n{body}<text x=\"10\" y=\"{:.0}\" fill=\"#444\">{} attack paths; threshold \
         {}: {} above it before, {} after</text>\n</svg>\n",
        xml(&a.file),
        a.summary.threshold,
        height - 10.0,
        a.summary.paths,
        a.summary.threshold,
        a.summary.above_initial,
        a.summary.above_residual
    )
}

/// Text in a Markdown table cell or list item: pipes escaped, line breaks flattened.
fn md(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// The risk-assessment chapter of the technical documentation (Annex VII (3)), Markdown.
pub fn chapter(model: &Model, a: &Assessment, tables: &Tables, product: &str) -> String {
    let mut o = String::new();
    let s = &a.summary;
    let _ = writeln!(o, "# Cybersecurity risk assessment: {}\n", md(product));
    let _ = writeln!(
        o,
        "Generated by craft from `{}`. Article 13(2)-(3) of Regulation (EU) 2024/2847 requires \
         this assessment; Annex I Part I (2) applies on its basis, and Annex VII (3) puts it \
         in the technical documentation.\n",
        md(&a.file)
    );
    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(
        o,
        "- {} assets, {} interfaces, {} components, {} countermeasures implemented and {} \
         planned, {} attack paths.",
        s.assets, s.interfaces, s.components, s.countermeasures.0, s.countermeasures.1, s.paths
    );
    let _ = writeln!(
        o,
        "- Acceptance threshold: risk value {}. Paths above it: {} before countermeasures, {} \
         after the implemented ones.",
        s.threshold, s.above_initial, s.above_residual
    );
    let _ = writeln!(o, "- Paths: {}.", s.statuses());
    let _ = writeln!(
        o,
        "- Candidate threats from craft's rules: {} open errors, {} open warnings, {} \
         suppressed with a reason.",
        s.open_errors, s.open_warnings, s.suppressed
    );
    if s.linked_findings > 0 {
        let _ = writeln!(
            o,
            "- Scan findings linked to model components: {}; paths re-rated because of them: \
             {}.",
            s.linked_findings, s.raised_paths
        );
    }
    let _ = writeln!(o, "\n## Method\n");
    let _ = writeln!(
        o,
        "Attack feasibility is rated by attack potential ({}), each factor per attack step. \
         Along a path (and under an AND gate) each factor takes the hardest level of its \
         steps; an OR gate takes its easiest branch. The sum of the factor values gives the \
         feasibility (ISO/SAE 21434 Table G.7); impact × feasibility gives the risk value ({}). A countermeasure \
         raises the factors of the steps it is attached to; a live scan finding on a step's \
         component caps them, before the countermeasures, and voids the countermeasures that \
         component enforces ({}). A path is judged on its residual rating. Candidate threats found by rules are estimated with the \
         attack-vector approach ({}).\n",
        tables
            .factors
            .iter()
            .map(|f| format!("{}: {}", f.name, f.table))
            .collect::<Vec<_>>()
            .join("; "),
        tables.matrix.table,
        if tables.exploit.is_empty() {
            "no rows".to_string()
        } else {
            tables
                .exploit
                .iter()
                .map(|e| format!("{}: {}", e.when, e.reason))
                .collect::<Vec<_>>()
                .join("; ")
        },
        tables.vector.table
    );
    let _ = writeln!(o, "## Assets\n");
    let _ = writeln!(
        o,
        "| Asset | Properties | Safety | Financial | Operational | Privacy |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|");
    let opt = |i: Option<Impact>| i.map_or("–", impact_name);
    for x in &model.assets {
        let _ = writeln!(
            o,
            "| `{}` {} | {} | {} | {} | {} | {} |",
            x.id,
            md(&x.name),
            x.properties
                .iter()
                .map(|p| p.name())
                .collect::<Vec<_>>()
                .join(", "),
            opt(x.impact.safety),
            opt(x.impact.financial),
            opt(x.impact.operational),
            opt(x.impact.privacy)
        );
    }
    let _ = writeln!(o, "\n## Interfaces and entry points\n");
    let _ = writeln!(
        o,
        "| Interface | Kind | Exposure | Reaches | On production units |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|");
    for i in &model.interfaces {
        let _ = writeln!(
            o,
            "| `{}` {} | {:?} | {} | {} | {} |",
            i.id,
            md(&i.name),
            i.kind,
            exposure_name(i.exposure),
            i.reaches
                .iter()
                .map(|&c| format!("`{}`", model.components[c].id))
                .collect::<Vec<_>>()
                .join(", "),
            if i.production { "yes" } else { "no" }
        );
    }
    if !model.flows.is_empty() {
        let _ = writeln!(o, "\n## Data flows and trust boundaries\n");
        let _ = writeln!(
            o,
            "Trust boundaries: {}.\n",
            model
                .boundaries
                .iter()
                .map(|b| format!("`{}` ({})", b.id, md(&b.name)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(o, "| Flow | From | To | Assets | Encrypted |");
        let _ = writeln!(o, "|---|---|---|---|---|");
        for f in &model.flows {
            let _ = writeln!(
                o,
                "| `{}` | `{}` | `{}` | {} | {} |",
                f.id,
                model.element_id(f.from),
                model.element_id(f.to),
                f.assets
                    .iter()
                    .map(|&x| format!("`{}`", model.assets[x].id))
                    .collect::<Vec<_>>()
                    .join(", "),
                if f.encrypted {
                    md(f.protocol.as_deref().unwrap_or("yes"))
                } else {
                    "**no**".to_string()
                }
            );
        }
    }
    let _ = writeln!(o, "\n## Attack paths and risk\n");
    let _ = writeln!(
        o,
        "| Path | Threat | Entry | Asset | Impact | Initial | Residual | Treatment | Status |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|---|---|---|");
    for p in &a.paths {
        let _ = writeln!(
            o,
            "| `{}` | {} | `{}` | `{}` ({}) | {} | {} ({}) | {} ({}) | {} | {} |",
            p.id,
            md(&p.title),
            p.entry,
            p.asset,
            p.property.name(),
            impact_name(p.impact),
            p.initial.risk,
            feasibility_name(p.initial.feasibility),
            p.residual.risk,
            feasibility_name(p.residual.feasibility),
            p.treatment.name(),
            p.status.name()
        );
    }
    let _ = writeln!(o, "\n## Countermeasures\n");
    let _ = writeln!(
        o,
        "| Countermeasure | Kind | Status | Annex I | EN 18031 | Evidence |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|");
    for c in &model.countermeasures {
        let _ = writeln!(
            o,
            "| `{}` {} | {} | {} | {} | {} | {} |",
            c.id,
            md(&c.name),
            c.kind.name(),
            if c.status == CmStatus::Implemented {
                "implemented"
            } else {
                "planned"
            },
            c.annex_i.join(", "),
            md(&c.en18031.join(", ")),
            md(&c.evidence.join(", "))
        );
    }
    let _ = writeln!(o, "\n## Security objectives\n");
    if a.objectives.is_empty() {
        let _ = writeln!(o, "No risk is above the threshold before countermeasures.");
    }
    for ob in &a.objectives {
        let _ = writeln!(
            o,
            "- **{}** {} Treatment: {}{}. Countermeasures: {}. Requirements: {}. {}",
            ob.id,
            md(&ob.statement),
            ob.treatment.name(),
            ob.reason
                .as_deref()
                .map_or_else(String::new, |r| format!(" ({})", md(r))),
            if ob.countermeasures.is_empty() {
                "none".to_string()
            } else {
                ob.countermeasures.join(", ")
            },
            if ob.requirements.is_empty() {
                "none".to_string()
            } else {
                ob.requirements.join(", ")
            },
            if ob.met { "Met." } else { "**Open.**" }
        );
    }
    let _ = writeln!(o, "\n## Annex I coverage\n");
    let _ = writeln!(
        o,
        "| Item | Implemented | Planned | Paths | Open candidate threats |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|");
    for c in &a.coverage {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            c.reference,
            c.implemented.join(", "),
            c.planned.join(", "),
            c.paths.len(),
            c.open_candidates
        );
    }
    let _ = writeln!(o, "\n## Candidate threats from the rules\n");
    if a.candidates.is_empty() {
        let _ = writeln!(o, "None.");
    }
    for c in &a.candidates {
        let _ = writeln!(
            o,
            "- `{}` on `{}`: {}{}",
            c.rule,
            c.element,
            md(&c.message),
            c.suppressed
                .as_deref()
                .map_or_else(String::new, |r| format!(" — suppressed: {}", md(r)))
        );
    }
    if !a.unreachable.is_empty() {
        let _ = writeln!(o, "\n## Components no entry point reaches\n");
        for u in &a.unreachable {
            let _ = writeln!(
                o,
                "- `{}` ({}:{}): findings {} are not exploitable through any entry point of \
                 the model.",
                u.component,
                md(&a.file),
                u.at.line,
                u.findings.join(", ")
            );
        }
    }
    o
}
