//! The rules that generate candidate threats from a model: what a reviewer of a connected
//! device looks for first. Each has a stable id (used in `[[suppress]]`, in reports and in
//! docs/risk.md), fires on a model element, and may be suppressed only with a reason.

use super::model::{Authentication, CmStatus, CountermeasureKind, Credentials, Element, Model};
use crate::risk::Vector;

/// A rule.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Rule {
    /// Stable id.
    pub id: &'static str,
    /// One line.
    pub title: &'static str,
    /// When it fires and how to fix it.
    pub doc: &'static str,
    /// The Annex I items it concerns.
    pub annex_i: &'static [&'static str],
    /// Whether a `[[suppress]]` may silence it.
    pub suppressible: bool,
}

/// Every rule, in the order reports list them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "risk-unauthenticated-service",
        title: "exposed network service without authentication",
        doc: "An interface exposed to a network (remote or adjacent) reaches a service, and \
              neither says how callers authenticate (`authentication`) nor is protected by an \
              implemented countermeasure of kind `authentication`. Fix: authenticate callers \
              (keys, certificates, tokens), or state `authentication = \"not-applicable\"` \
              for an interface that carries no service.",
        annex_i: &["p1-2d"],
        suppressible: true,
    },
    Rule {
        id: "risk-debug-interface",
        title: "debug interface reachable on production hardware",
        doc: "A UART console or JTAG/SWD port is present on production units (`production = \
              true`, the default) and no implemented countermeasure of kind `debug-disabled` \
              (fuses, a locked console, a removed header) protects it. Fix: disable or lock \
              it in production, or mark the interface `production = false`.",
        annex_i: &["p1-2d", "p1-2j"],
        suppressible: true,
    },
    Rule {
        id: "risk-unsigned-update",
        title: "unsigned or unauthenticated update path",
        doc: "An interface of kind `update` has no implemented countermeasure of kind \
              `signed-updates` protecting it: an attacker who controls the channel installs \
              their own firmware. Fix: verify a signature over every image before it is \
              installed.",
        annex_i: &["p1-2c", "p1-2f", "p2-7"],
        suppressible: true,
    },
    Rule {
        id: "risk-no-rollback-protection",
        title: "no rollback protection on the update path",
        doc: "An interface of kind `update` has no implemented countermeasure of kind \
              `rollback-protection`: a validly signed but vulnerable old image can be \
              re-installed. Fix: an anti-rollback counter checked by the bootloader.",
        annex_i: &["p1-2c", "p1-2f"],
        suppressible: true,
    },
    Rule {
        id: "risk-default-credentials",
        title: "default or shared credentials",
        doc: "An interface ships with credentials that are the same on every unit \
              (`credentials = \"default\"` or `\"shared\"`). Fix: unique credentials per \
              device, or credentials the user sets at first use.",
        annex_i: &["p1-2b", "p1-2d"],
        suppressible: true,
    },
    Rule {
        id: "risk-plaintext-flow",
        title: "plaintext data flow across a trust boundary",
        doc: "A data flow is not encrypted (`encrypted = false`), its two ends lie in \
              different trust boundaries, and no implemented countermeasure of kind \
              `encryption` protects it. Fix: encrypt it (TLS, an encrypted tunnel).",
        annex_i: &["p1-2e", "p1-2f"],
        suppressible: true,
    },
    Rule {
        id: "risk-secret-on-removable-media",
        title: "secret stored unencrypted on removable media",
        doc: "A secret asset (`secret = true`) is stored on an interface of kind `sd-card` or \
              `usb` and no implemented countermeasure of kind `encryption` or \
              `secure-storage` protects it. Fix: encrypt it, or keep it in a secure element.",
        annex_i: &["p1-2e"],
        suppressible: true,
    },
    Rule {
        id: "risk-no-rate-limit",
        title: "no rate limiting on a remote interface",
        doc: "An interface exposed to the network reaches a service and no implemented \
              countermeasure of kind `rate-limiting` protects it or the services behind it: a \
              flood makes the device unavailable (Annex I Part I (2)(h)). Fix: rate and \
              resource limits.",
        annex_i: &["p1-2h"],
        suppressible: true,
    },
    Rule {
        id: "risk-exploitable-vulnerability",
        title: "a component with a known exploitable vulnerability on an exposed interface",
        doc: "A scan finding (known exploited, or CVSS 7.0 and above) still affects a \
              component that a network or adjacent interface reaches. The steps that attack \
              the component are raised (their factors capped by the tables' `[[exploit]]` \
              rows), the countermeasures it enforces (`by`) are void, and the paths through \
              them re-rated. Fix: update the component, or triage the finding (VEX).",
        annex_i: &["p1-2a"],
        suppressible: false,
    },
    Rule {
        id: "risk-interface-without-path",
        title: "interface without an attack path",
        doc: "A production interface is the entry of no attack path: the assessment does not \
              say what an attacker could do through it. Fix: add the paths, or record why \
              none exists with a suppression.",
        annex_i: &[],
        suppressible: true,
    },
    Rule {
        id: "risk-asset-without-path",
        title: "asset without an attack path",
        doc: "No attack path targets an asset: its protection is not assessed. Fix: add the \
              paths, or record why none exists with a suppression.",
        annex_i: &[],
        suppressible: true,
    },
    Rule {
        id: "risk-unmitigated",
        title: "risk above the threshold, not mitigated or accepted",
        doc: "An attack path's residual risk (implemented countermeasures only) is above the \
              model's threshold and its treatment is `reduce` or `avoid`. Fix: implement \
              countermeasures, or retain/share the risk with a reason. Never suppressible.",
        annex_i: &["p1-1"],
        suppressible: false,
    },
    Rule {
        id: "risk-acceptance-expired",
        title: "risk acceptance expired",
        doc: "A retained or shared risk above the threshold has passed its `expires` date. \
              Fix: review it and record a new decision. Never suppressible.",
        annex_i: &["p1-1"],
        suppressible: false,
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// A rule firing on an element, before severity and suppressions are judged.
pub(crate) struct Hit {
    pub rule: &'static str,
    pub element: Element,
    pub message: String,
    /// For `risk-exploitable-vulnerability`: a finding is known exploited.
    pub known_exploited: bool,
}

fn protected(model: &Model, element: Element, kinds: &[CountermeasureKind]) -> bool {
    model.countermeasures.iter().any(|c| {
        c.status == CmStatus::Implemented
            && kinds.contains(&c.kind)
            && c.protects.contains(&element)
    })
}

/// The boundary an end of a flow lies in (`None`: outside every declared boundary).
fn boundary_of(model: &Model, e: Element) -> Option<usize> {
    match e {
        Element::Component(c) => model.components.get(c).and_then(|c| c.boundary),
        Element::Interface(i) => model.interfaces.get(i).and_then(|i| i.boundary),
        _ => None,
    }
}

/// The design rules (all but the vulnerability and path-status ones, which need the
/// evaluation).
pub(crate) fn design(model: &Model) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (i, it) in model.interfaces.iter().enumerate() {
        let el = Element::Interface(i);
        let remote = matches!(it.exposure, Vector::Network | Vector::Adjacent);
        let service = !it.reaches.is_empty();
        let behind = |kinds: &[CountermeasureKind]| {
            protected(model, el, kinds)
                || it
                    .reaches
                    .iter()
                    .any(|&c| protected(model, Element::Component(c), kinds))
        };
        if remote
            && service
            && it.production
            && matches!(it.authentication, None | Some(Authentication::None))
            && !behind(&[CountermeasureKind::Authentication])
        {
            hits.push(Hit {
                known_exploited: false,
                rule: "risk-unauthenticated-service",
                element: el,
                message: format!(
                    "interface `{}` ({}) reaches {} and {}",
                    it.id,
                    it.name,
                    names(model, &it.reaches),
                    if it.authentication.is_none() {
                        "does not say how callers authenticate"
                    } else {
                        "does not authenticate callers"
                    }
                ),
            });
        }
        if it.kind.is_debug()
            && it.production
            && !protected(model, el, &[CountermeasureKind::DebugDisabled])
        {
            hits.push(Hit {
                known_exploited: false,
                rule: "risk-debug-interface",
                element: el,
                message: format!(
                    "debug interface `{}` ({}) is present on production units and nothing \
                     disables it",
                    it.id, it.name
                ),
            });
        }
        if it.kind == super::model::InterfaceKind::Update {
            if !behind(&[CountermeasureKind::SignedUpdates]) {
                hits.push(Hit {
                    known_exploited: false,
                    rule: "risk-unsigned-update",
                    element: el,
                    message: format!(
                        "update path `{}` ({}): no implemented signed-updates countermeasure",
                        it.id, it.name
                    ),
                });
            }
            if !behind(&[CountermeasureKind::RollbackProtection]) {
                hits.push(Hit {
                    known_exploited: false,
                    rule: "risk-no-rollback-protection",
                    element: el,
                    message: format!(
                        "update path `{}` ({}): no implemented rollback-protection \
                         countermeasure",
                        it.id, it.name
                    ),
                });
            }
        }
        if matches!(
            it.credentials,
            Some(Credentials::Default | Credentials::Shared)
        ) {
            hits.push(Hit {
                known_exploited: false,
                rule: "risk-default-credentials",
                element: el,
                message: format!(
                    "interface `{}` ({}) ships with {} credentials",
                    it.id,
                    it.name,
                    if it.credentials == Some(Credentials::Default) {
                        "default"
                    } else {
                        "shared"
                    }
                ),
            });
        }
        if it.exposure == Vector::Network
            && service
            && it.production
            && !behind(&[CountermeasureKind::RateLimiting])
        {
            hits.push(Hit {
                known_exploited: false,
                rule: "risk-no-rate-limit",
                element: el,
                message: format!(
                    "network interface `{}` ({}) reaches {} with no rate limiting",
                    it.id,
                    it.name,
                    names(model, &it.reaches)
                ),
            });
        }
        if it.production && !model.paths.iter().any(|p| p.entry == i) {
            hits.push(Hit {
                known_exploited: false,
                rule: "risk-interface-without-path",
                element: el,
                message: format!("no attack path enters through `{}` ({})", it.id, it.name),
            });
        }
    }
    for (f, flow) in model.flows.iter().enumerate() {
        let el = Element::Flow(f);
        if !flow.encrypted
            && boundary_of(model, flow.from) != boundary_of(model, flow.to)
            && !protected(model, el, &[CountermeasureKind::Encryption])
        {
            hits.push(Hit {
                known_exploited: false,
                rule: "risk-plaintext-flow",
                element: el,
                message: format!(
                    "flow `{}` ({} → {}) crosses a trust boundary unencrypted{}",
                    flow.id,
                    model.element_id(flow.from),
                    model.element_id(flow.to),
                    flow.protocol
                        .as_deref()
                        .map_or_else(String::new, |p| format!(" ({p})"))
                ),
            });
        }
    }
    for (a, asset) in model.assets.iter().enumerate() {
        let el = Element::Asset(a);
        if asset.secret
            && !asset.stored_on.is_empty()
            && !protected(
                model,
                el,
                &[
                    CountermeasureKind::Encryption,
                    CountermeasureKind::SecureStorage,
                ],
            )
        {
            let on: Vec<&str> = asset
                .stored_on
                .iter()
                .map(|&i| model.interfaces[i].id.as_str())
                .collect();
            hits.push(Hit {
                known_exploited: false,
                rule: "risk-secret-on-removable-media",
                element: el,
                message: format!(
                    "secret `{}` ({}) is stored on removable media ({}) unencrypted",
                    asset.id,
                    asset.name,
                    on.join(", ")
                ),
            });
        }
        if !model.paths.iter().any(|p| p.asset == a) {
            hits.push(Hit {
                known_exploited: false,
                rule: "risk-asset-without-path",
                element: el,
                message: format!("no attack path targets `{}` ({})", asset.id, asset.name),
            });
        }
    }
    hits
}

fn names(model: &Model, components: &[usize]) -> String {
    components
        .iter()
        .map(|&c| format!("`{}`", model.components[c].id))
        .collect::<Vec<_>>()
        .join(", ")
}
