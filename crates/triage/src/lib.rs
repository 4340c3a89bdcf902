//! craft's triage: for each finding, whether it really affects the product, decided from
//! facts of the build and recorded with its proof in the vocabulary every VEX dialect
//! shares (status `affected` / `not_affected` / `under_investigation`, and for
//! `not_affected` one of the five justifications).
//!
//! Triage works in layers, each a module: [`kernel`] (the kernel's architecture and its
//! configuration's compiled files), [`rules`] (the product's own `triage.toml`), [`decisions`] (people's decisions,
//! `craft triage set`, with their history). [`vex`]
//! writes the decisions as VEX documents. A finding no layer can decide stays
//! `under_investigation` — never silently dropped, never guessed `not_affected`.

#![warn(missing_docs)]

pub mod buildtime;
pub mod decisions;
pub mod kernel;
pub mod patches;
pub mod rules;
pub mod vex;

use serde::{Deserialize, Serialize};

/// The status of a finding, as the VEX dialects name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The product is affected.
    Affected,
    /// The product is not affected; a justification says why.
    NotAffected,
    /// Not yet known.
    UnderInvestigation,
    /// Fixed in the product.
    Fixed,
}

impl Status {
    /// The status an OpenVEX name (or CSAF's product status) stands for.
    pub fn from_name(s: &str) -> Option<Status> {
        Some(match s {
            "affected" | "known_affected" => Status::Affected,
            "not_affected" | "known_not_affected" => Status::NotAffected,
            "under_investigation" => Status::UnderInvestigation,
            "fixed" => Status::Fixed,
            _ => return None,
        })
    }

    /// The name in reports (OpenVEX's).
    pub fn name(self) -> &'static str {
        match self {
            Status::Affected => "affected",
            Status::NotAffected => "not_affected",
            Status::UnderInvestigation => "under_investigation",
            Status::Fixed => "fixed",
        }
    }
}

/// Why a product is not affected (OpenVEX 0.2.0's justifications; CycloneDX and CSAF
/// have the same five under other names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    /// The component is not in the product.
    ComponentNotPresent,
    /// The vulnerable code is not in the product (not compiled, another architecture).
    VulnerableCodeNotPresent,
    /// The vulnerable code is present but cannot be executed.
    VulnerableCodeNotInExecutePath,
    /// The vulnerable code cannot be controlled by an adversary.
    VulnerableCodeCannotBeControlledByAdversary,
    /// Mitigations already in the product prevent exploitation.
    InlineMitigationsAlreadyExist,
}

impl Justification {
    /// All five, in OpenVEX's order.
    pub const ALL: [Justification; 5] = [
        Justification::ComponentNotPresent,
        Justification::VulnerableCodeNotPresent,
        Justification::VulnerableCodeNotInExecutePath,
        Justification::VulnerableCodeCannotBeControlledByAdversary,
        Justification::InlineMitigationsAlreadyExist,
    ];

    /// The justification an OpenVEX (or CSAF flag) name stands for.
    pub fn from_name(s: &str) -> Option<Justification> {
        Justification::ALL.into_iter().find(|j| j.name() == s)
    }

    /// The name in reports (OpenVEX's).
    pub fn name(self) -> &'static str {
        match self {
            Justification::ComponentNotPresent => "component_not_present",
            Justification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            Justification::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
            Justification::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            Justification::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
        }
    }
}

/// The layer of triage that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// The code is another architecture's (`arch/<other>/`).
    Architecture,
    /// The code is not kernel-image code (`tools/`, `scripts/`, `Documentation/`).
    NotImageCode,
    /// The kernel configuration does not compile the code (Kbuild Makefiles and `.config`).
    KernelConfig,
    /// The build's own list of what it compiled (compile_commands.json, `.cmd` files, a
    /// list of sources) does not have the code.
    BuildList,
    /// Every source file the fix changes is not compiled, and its other changes are to
    /// shared headers named for those sources (an inference from the fix's files; see
    /// docs/kernel.md).
    SubsystemHeader,
    /// The files the configuration compiles include the vulnerable code.
    Compiled,
    /// The data is insufficient (no files named, a file craft cannot place).
    Insufficient,
    /// A rule of the product's `triage.toml` decided (its id and reason are cited).
    Rule,
    /// A person decided (`craft triage set`; who, when and why are cited).
    Manual,
    /// A VEX statement decided (a supplier's document, or the one an SPDX 3 SBOM carries).
    Vex,
    /// A patch the build applies names the vulnerability (file name or `CVE:` tag).
    Patch,
    /// The SBOM lists the component only as a build-time tool or build/development
    /// dependency: it is not in the product.
    BuildOnly,
    /// The product's threat model shows the component reachable from no entry point (the
    /// model element is cited).
    ThreatModel,
}

impl Layer {
    /// The layers of kernel triage that decide `not_affected`, in the order reports list
    /// them.
    pub const KERNEL_DISMISSALS: [Layer; 5] = [
        Layer::Architecture,
        Layer::NotImageCode,
        Layer::KernelConfig,
        Layer::BuildList,
        Layer::SubsystemHeader,
    ];

    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Architecture => "architecture",
            Layer::NotImageCode => "not-image-code",
            Layer::KernelConfig => "kernel-config",
            Layer::BuildList => "build-list",
            Layer::SubsystemHeader => "subsystem-header",
            Layer::Compiled => "compiled",
            Layer::Insufficient => "insufficient-data",
            Layer::Rule => "rule",
            Layer::Manual => "manual",
            Layer::Vex => "vex",
            Layer::Patch => "patch",
            Layer::BuildOnly => "build-only",
            Layer::ThreatModel => "threat-model",
        }
    }
}

/// A triage decision with its proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The status.
    pub status: Status,
    /// For `not_affected`, why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<Justification>,
    /// The layer that decided.
    pub layer: Layer,
    /// One sentence naming the evidence (the file, the Makefile line, the config symbol).
    pub reason: String,
    /// The fact behind the decision for each file the record names.
    pub files: Vec<kernel::FileFact>,
}
