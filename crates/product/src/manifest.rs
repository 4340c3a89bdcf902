//! `craft.toml`: the product description a product directory holds.
//!
//! ```toml
//! [product]
//! name = "Acme industrial gateway"
//! model = "AGW-200"
//! manufacturer = "Acme Devices GmbH"
//! support-end = "2031-12"          # Art. 13(19): at least month and year
//!
//! [[release]]
//! version = "2.1.0"
//! placed-on-market = "2026-11-20"
//! sboms = ["bootloader.cdx.json", "rootfs.spdx.json", "app.cdx.xml"]
//!
//! [vulndb]
//! import = ["vulndata"]            # build the product's database from these files
//!
//! [policy]
//! fail-on = ["kev", "critical"]
//! ```
//!
//! Unknown keys are errors (a misspelt `support_end` must not silently mean "no support
//! period"); every error names the file, line and column.

use crate::date::Date;
use crate::Error;
use craft_scan::FailOn;
use craft_version::cpe::Wfn;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file name craft looks for in a product directory.
pub const FILE_NAME: &str = "craft.toml";

/// Largest `craft.toml` read (it is a hand-written description, not data).
const MAX_BYTES: u64 = 4 << 20;

/// `craft.toml`, as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manifest {
    /// The product.
    pub product: ProductInfo,
    /// Its releases, oldest first.
    #[serde(default, rename = "release")]
    pub releases: Vec<Release>,
    /// Where the vulnerability data comes from.
    #[serde(default)]
    pub vulndb: VulnDbConfig,
    /// What fails `craft check`.
    #[serde(default)]
    pub policy: Policy,
    /// The kernel's build, for kernel triage of the Linux findings.
    #[serde(default)]
    pub kernel: Option<KernelConfig>,
    /// Triage settings.
    #[serde(default)]
    pub triage: TriageConfig,
    /// The manufacturer (Art. 13(15)-(17); Annex II points 1-2).
    #[serde(default)]
    pub manufacturer: Option<Manufacturer>,
    /// Harmonised standards, common specifications and certification schemes applied
    /// (Art. 27; Annex VII point 5).
    #[serde(default, rename = "standard")]
    pub standards: Vec<craft_cra::scope::Standard>,
    /// Where the product's disclosure documents are.
    #[serde(default)]
    pub disclosure: Disclosure,
}

/// `[disclosure]`: the documents of coordinated vulnerability disclosure, relative to the
/// product directory (Annex I Part II (4)-(6)).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Disclosure {
    /// The coordinated vulnerability disclosure policy (Annex I Part II (5)).
    #[serde(default)]
    pub policy: Option<PathBuf>,
    /// The RFC 9116 security.txt served at /.well-known/security.txt.
    #[serde(default)]
    pub security_txt: Option<PathBuf>,
    /// The CSAF provider directory (`craft advisory`), holding provider-metadata.json.
    #[serde(default)]
    pub csaf: Option<PathBuf>,
}

/// `[manufacturer]`: who places the product on the market, and how to reach them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manufacturer {
    /// Name, registered trade name or registered trademark.
    pub name: String,
    /// Postal address.
    #[serde(default)]
    pub address: Option<String>,
    /// Email address (or another digital contact in `website`).
    #[serde(default)]
    pub email: Option<String>,
    /// Website.
    #[serde(default)]
    pub website: Option<String>,
    /// The single point of contact for users, including vulnerability reports (Art. 13(17)):
    /// an email address or a URL.
    #[serde(default)]
    pub contact_point: Option<String>,
    /// Micro, small, medium or large (Commission Recommendation 2003/361/EC).
    #[serde(default)]
    pub size: Option<craft_cra::scope::Size>,
    /// The Member State of the main establishment in the Union (ISO 3166-1 alpha-2), whose
    /// coordinator CSIRT receives Article 14 notifications (Art. 14(7)).
    #[serde(default)]
    pub main_establishment: Option<String>,
    /// The IANA time zone Article 14 clocks are shown and counted in (`Europe/Berlin`).
    #[serde(default)]
    pub time_zone: Option<String>,
}

impl Manufacturer {
    /// A postal address, an email or website, and the single point of contact are declared
    /// (Art. 13(16)-(17)).
    pub fn has_contact(&self) -> bool {
        let set = |o: &Option<String>| o.as_deref().is_some_and(|s| !s.trim().is_empty());
        set(&self.address) && (set(&self.email) || set(&self.website)) && set(&self.contact_point)
    }
}

/// `[triage]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TriageConfig {
    /// Other products' (variants') decision logs whose decisions hold here too, where the
    /// facts agree (the same component version, range, kernel configuration); relative to
    /// the product directory. `craft triage set` writes this product's own log only.
    #[serde(default)]
    pub shared_decisions: Vec<PathBuf>,
}

/// `[kernel]`: the product's kernel build. Paths are relative to the product directory.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KernelConfig {
    /// The kernel `.config` the product ships.
    pub config: PathBuf,
    /// The kernel source tree (its Makefiles, Kbuild and Kconfig files at least).
    pub tree: PathBuf,
    /// The tree's file paths, one per line, when the sources are not all at hand.
    #[serde(default)]
    pub file_list: Option<PathBuf>,
    /// What a real build compiled (a build directory's `.cmd` files, a
    /// compile_commands.json, or a list of sources).
    #[serde(default)]
    pub compiled: Option<PathBuf>,
    /// The architecture, when the `.config` does not say.
    #[serde(default)]
    pub arch: Option<String>,
}

/// `[product]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProductInfo {
    /// Product name.
    pub name: String,
    /// Model or type designation.
    #[serde(default)]
    pub model: Option<String>,
    /// The manufacturer placing it on the market.
    #[serde(default)]
    pub manufacturer: Option<String>,
    /// End of the support period (Art. 13(8), (19)): `YYYY-MM` or `YYYY-MM-DD`; a month
    /// means its last day.
    #[serde(default)]
    pub support_end: Option<Date>,
    /// Why the support period is shorter than five years, when it is (Art. 13(8): only when
    /// the product is expected to be in use for less time).
    #[serde(default)]
    pub support_period_reason: Option<String>,
    /// The operating systems and hardware the product runs on, as CPE names (part `o` or
    /// `h`): NVD configurations that apply only on a platform are judged against them and
    /// the platform CPEs the SBOMs name.
    #[serde(default)]
    pub platform: Vec<String>,
    /// Hardware (a device with its software) or software (Art. 3(1)).
    #[serde(default)]
    pub kind: Option<craft_cra::scope::Kind>,
    /// The product type, in words (Annex II point 3): "industrial IoT gateway".
    #[serde(default, rename = "type")]
    pub product_type: Option<String>,
    /// The intended purpose (Art. 3(12); Annex II point 4).
    #[serde(default)]
    pub intended_purpose: Option<String>,
    /// Its core functions, as ids of craft's function vocabulary (`craft scope --list
    /// functions`): they decide the class (Art. 7(1)).
    #[serde(default)]
    pub functions: Vec<String>,
    /// Functions of components it integrates (an operating system, a browser engine), which
    /// do not classify it by themselves (Art. 7(1); FAQ 3.2).
    #[serde(default)]
    pub integrates: Vec<String>,
    /// Its interfaces (`craft scope --list interfaces`): ethernet, wifi, usb, debug...
    #[serde(default)]
    pub interfaces: Vec<String>,
    /// The Member States where it is made available (ISO 3166-1 alpha-2), for Article 14.
    #[serde(default)]
    pub markets: Vec<String>,
    /// Free and open-source software (Art. 3(48)).
    #[serde(default)]
    pub foss: bool,
    /// The maker is an open-source software steward (Art. 3(14), Art. 24).
    #[serde(default)]
    pub steward: bool,
    /// The technical documentation is public (Art. 32(5)).
    #[serde(default)]
    pub documentation_public: bool,
}

/// `[[release]]`: one version of the product as placed on the market.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Release {
    /// The product version.
    pub version: String,
    /// When it was (or will be) first placed on the market.
    #[serde(default)]
    pub placed_on_market: Option<Date>,
    /// Its SBOM files, relative to the product directory (any format `craft sbom` reads).
    pub sboms: Vec<PathBuf>,
    /// VEX documents that speak for its components (a supplier's: OpenVEX, CycloneDX VEX,
    /// CSAF VEX or SPDX 3), relative to the product directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vex: Vec<PathBuf>,
    /// The patches the build applies, by component name: patch files, or directories of
    /// them (`*.patch`, `*.diff`, searched 4 levels deep); a CVE a patch names (file name or
    /// `CVE:` tag) is `fixed` in that component.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub patches: std::collections::BTreeMap<String, Vec<PathBuf>>,
}

/// `[vulndb]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VulnDbConfig {
    /// The database directory, relative to the product directory (default: `--db`,
    /// `CRAFT_DB`, else the user's database that `craft db update` keeps).
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// Files or directories of vulnerability data to import before each check (an offline
    /// mirror or a sample); relative to the product directory. With `import` and no `path`,
    /// the database is the product's own `.craft/vulndb`.
    #[serde(default)]
    pub import: Vec<PathBuf>,
}

/// `[policy]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Policy {
    /// `craft check` exits 1 when an affected finding of a supported release meets one of
    /// these (the same levels as `craft scan --fail-on`).
    #[serde(default)]
    pub fail_on: Vec<FailOn>,
}

/// A product directory: its `craft.toml`, read and checked.
#[derive(Debug, Clone)]
pub struct ProductDir {
    /// The directory.
    pub dir: PathBuf,
    /// Its `craft.toml`.
    pub manifest: Manifest,
    /// Its `triage.toml`, when it has one.
    pub rules: Option<craft_triage::rules::Rules>,
    /// Its `triage-decisions.jsonl` (empty when it has none).
    pub decisions: craft_triage::decisions::Log,
    /// Its `scope.toml`: the answers to `craft scope`'s questions, when it has one.
    pub scope_answers: Option<craft_cra::scope::Answers>,
    /// Its Article 14 cases (`reports/*.json`).
    pub cases: Vec<craft_cra::report::Case>,
    /// Its `requirements.toml`: the Annex I evidence, when it has one.
    pub requirements: Option<craft_cra::requirements::RequirementsFile>,
    /// Its `threat-model.toml`: the risk assessment, when it has one.
    pub threat: Option<crate::risk::ThreatModel>,
}

impl ProductDir {
    /// Read `DIR/craft.toml` (or the file itself when `path` names one).
    ///
    /// # Errors
    /// The file cannot be read, is not TOML, has unknown or mistyped keys, or states
    /// something impossible (no release, two releases of one version, a release without
    /// SBOMs); each error names the file and, where it has one, the line and column.
    pub fn open(path: &Path) -> Result<ProductDir, Error> {
        let (dir, file) = if path.is_dir() {
            (path.to_path_buf(), path.join(FILE_NAME))
        } else {
            let dir = path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            (dir, path.to_path_buf())
        };
        let io = |e: std::io::Error| Error::Io {
            file: file.clone(),
            source: e,
        };
        if !file.exists() {
            return Err(Error::Invalid {
                file,
                line: None,
                message: "no such file: a product directory holds a craft.toml (the product, \
                          its releases and their SBOMs; docs/check.md shows one)"
                    .into(),
            });
        }
        let len = fs_err::metadata(&file).map_err(io)?.len();
        if len > MAX_BYTES {
            return Err(Error::Invalid {
                file,
                line: None,
                message: format!("{len} bytes; a craft.toml is at most {MAX_BYTES}"),
            });
        }
        let text = fs_err::read_to_string(&file).map_err(io)?;
        let manifest = parse(&text, &file)?;
        let rules = read_rules(&dir.join(RULES_FILE))?;
        let mut decisions = read_decisions(&dir.join(craft_triage::decisions::FILE_NAME))?;
        for shared in &manifest.triage.shared_decisions {
            let path = dir.join(shared);
            if !path.is_file() {
                return Err(Error::Invalid {
                    file: file.clone(),
                    line: None,
                    message: format!(
                        "[triage] shared-decisions: `{}` is not a file",
                        path.display()
                    ),
                });
            }
            decisions.merge(read_decisions(&path)?);
        }
        let scope_answers = crate::scope::read_answers(&dir.join(crate::scope::SCOPE_FILE))?;
        let cases = crate::reports::read_cases(&dir.join(crate::reports::REPORTS_DIR))?;
        let requirements =
            crate::requirements::read(&dir.join(crate::requirements::REQUIREMENTS_FILE))?;
        let threat = crate::risk::read(&dir)?;
        Ok(ProductDir {
            dir,
            manifest,
            rules,
            decisions,
            scope_answers,
            cases,
            requirements,
            threat,
        })
    }

    /// The path of a file the manifest names (relative to the product directory).
    pub fn resolve(&self, p: &Path) -> PathBuf {
        self.dir.join(p)
    }

    /// The declared platform as CPE names (checked when the manifest was read).
    pub fn platform(&self) -> Vec<Wfn> {
        self.manifest
            .product
            .platform
            .iter()
            .filter_map(|c| Wfn::parse(c).ok())
            .collect()
    }

    /// The directory craft keeps its state in (`.craft/` in the product directory).
    pub fn state_dir(&self) -> PathBuf {
        self.dir.join(".craft")
    }
}

impl Manifest {
    /// The manufacturer's name, from `[manufacturer]` or `[product] manufacturer`.
    pub fn manufacturer_name(&self) -> Option<&str> {
        self.manufacturer
            .as_ref()
            .map(|m| m.name.as_str())
            .or(self.product.manufacturer.as_deref())
    }
}

/// The product's triage rules, beside `craft.toml`.
pub const RULES_FILE: &str = "triage.toml";

/// Read and check `file` when it exists.
fn read_rules(file: &Path) -> Result<Option<craft_triage::rules::Rules>, Error> {
    let Some(text) = read_small(file, "triage.toml")? else {
        return Ok(None);
    };
    Ok(Some(craft_triage::rules::Rules::parse(
        &text,
        &file.display().to_string(),
    )?))
}

/// The text of a hand-written product file (at most [`MAX_BYTES`]), when it exists.
pub(crate) fn read_small(file: &Path, what: &str) -> Result<Option<String>, Error> {
    if !file.exists() {
        return Ok(None);
    }
    let io = |e: std::io::Error| Error::Io {
        file: file.to_path_buf(),
        source: e,
    };
    let len = fs_err::metadata(file).map_err(io)?.len();
    if len > MAX_BYTES {
        return Err(Error::Invalid {
            file: file.to_path_buf(),
            line: None,
            message: format!("{len} bytes; a {what} is at most {MAX_BYTES}"),
        });
    }
    fs_err::read_to_string(file).map(Some).map_err(io)
}

/// The largest decision log craft reads (about 200,000 decisions).
const MAX_DECISIONS_BYTES: u64 = 128 * 1024 * 1024;

/// Read and check the decision log `file` (an empty log when it does not exist).
pub fn read_decisions(file: &Path) -> Result<craft_triage::decisions::Log, Error> {
    let name = file.display().to_string();
    if !file.exists() {
        return Ok(craft_triage::decisions::Log {
            file: name,
            entries: Vec::new(),
        });
    }
    let io = |e: std::io::Error| Error::Io {
        file: file.to_path_buf(),
        source: e,
    };
    let len = fs_err::metadata(file).map_err(io)?.len();
    if len > MAX_DECISIONS_BYTES {
        return Err(Error::Invalid {
            file: file.to_path_buf(),
            line: None,
            message: format!("{len} bytes; a decision log is at most {MAX_DECISIONS_BYTES}"),
        });
    }
    let bytes = fs_err::read(file).map_err(io)?;
    Ok(craft_triage::decisions::Log::parse_bytes(&bytes, &name)?)
}

/// Parse and check the text of a `craft.toml` read from `file`.
///
/// # Errors
/// As [`ProductDir::open`].
pub fn parse(text: &str, file: &Path) -> Result<Manifest, Error> {
    let manifest: Manifest = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_col(text, s.start));
        Error::Invalid {
            file: file.to_path_buf(),
            line,
            message: e.message().to_string(),
        }
    })?;
    let invalid = |needle: &str, message: String| Error::Invalid {
        file: file.to_path_buf(),
        line: text.find(needle).map(|at| line_col(text, at)),
        message,
    };
    if manifest.product.name.trim().is_empty() {
        return Err(invalid("name", "[product] name is empty".into()));
    }
    if manifest.releases.is_empty() {
        return Err(invalid(
            "[product]",
            "no [[release]]: declare at least one release and its SBOM files".into(),
        ));
    }
    for cpe in &manifest.product.platform {
        let at = format!("\"{cpe}\"");
        match Wfn::parse(cpe) {
            Err(e) => return Err(invalid(&at, format!("[product] platform: {e}"))),
            Ok(w) if !matches!(w.part().unquoted().as_deref(), Some("o" | "h")) => {
                return Err(invalid(
                    &at,
                    format!(
                        "[product] platform: `{cpe}` is not an operating system (part o) or \
                         hardware (part h)"
                    ),
                ))
            }
            Ok(_) => {}
        }
    }
    if let (Some(short), Some(m)) = (&manifest.product.manufacturer, &manifest.manufacturer) {
        if short != &m.name {
            return Err(invalid(
                "[manufacturer]",
                format!(
                    "[product] manufacturer = \"{short}\" but [manufacturer] name = \"{}\": \
                     name the manufacturer once, in [manufacturer]",
                    m.name
                ),
            ));
        }
    }
    if let Some(tz) = manifest
        .manufacturer
        .as_ref()
        .and_then(|m| m.time_zone.as_deref())
    {
        if let Err(e) = craft_cra::report::zone(tz) {
            return Err(invalid(
                &format!("\"{tz}\""),
                format!("[manufacturer] time-zone: {e}"),
            ));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for r in &manifest.releases {
        let at = format!("\"{}\"", r.version);
        if r.version.trim().is_empty() {
            return Err(invalid(
                "version",
                "a [[release]] has an empty version".into(),
            ));
        }
        if !seen.insert(r.version.as_str()) {
            return Err(invalid(
                &at,
                format!("release {} is declared twice", r.version),
            ));
        }
        if r.sboms.is_empty() {
            return Err(invalid(
                &at,
                format!("release {} lists no SBOM file (`sboms = [...]`)", r.version),
            ));
        }
    }
    Ok(manifest)
}

/// `dir/rel` when `rel` names a regular file inside `dir`: relative, without `..`, and with
/// no symbolic link on the way (files the product directory cites are part of the reviewed
/// repository; a path out of it is refused, not followed).
pub fn confined(dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel.as_os_str().is_empty()
        || rel.is_absolute()
        || rel.components().any(|c| {
            !matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
    {
        return None;
    }
    let mut at = dir.to_path_buf();
    for c in rel.components() {
        at.push(c);
        if std::fs::symlink_metadata(&at).map_or(true, |m| m.file_type().is_symlink()) {
            return None;
        }
    }
    std::fs::symlink_metadata(&at)
        .is_ok_and(|m| m.is_file())
        .then_some(at)
}

/// 1-based line and column of byte offset `at`.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |nl| before.len() - nl - 1)
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[product]
name = "Gateway"
support-end = "2031-12"

[[release]]
version = "1.0"
placed-on-market = 2026-03-02
sboms = ["a.cdx.json"]
"#;

    #[test]
    fn reads_a_minimal_manifest_with_both_date_forms() {
        let m = parse(GOOD, Path::new("craft.toml")).unwrap();
        assert_eq!(m.product.support_end.unwrap().to_string(), "2031-12");
        assert_eq!(
            m.releases[0].placed_on_market.unwrap().to_string(),
            "2026-03-02"
        );
        assert!(m.policy.fail_on.is_empty());
    }

    #[test]
    fn unknown_keys_are_errors_with_a_location() {
        let text = GOOD.replace("support-end", "support_end");
        let e = parse(&text, Path::new("p/craft.toml")).unwrap_err();
        let s = e.to_string();
        assert!(s.contains("p/craft.toml:4:1"), "{s}");
        assert!(s.contains("support_end"), "{s}");
    }

    #[test]
    fn impossible_declarations_are_errors() {
        let twice = format!("{GOOD}\n[[release]]\nversion = \"1.0\"\nsboms = [\"b.json\"]\n");
        let e = parse(&twice, Path::new("craft.toml")).unwrap_err();
        assert!(e.to_string().contains("declared twice"), "{e}");
        let none = GOOD.replace("sboms = [\"a.cdx.json\"]", "sboms = []");
        let e = parse(&none, Path::new("craft.toml")).unwrap_err();
        assert!(e.to_string().contains("lists no SBOM"), "{e}");
        let e = parse("[product]\nname = \"x\"\n", Path::new("craft.toml")).unwrap_err();
        assert!(e.to_string().contains("no [[release]]"), "{e}");
        let bad = GOOD.replace("\"2031-12\"", "\"2031-13\"");
        let e = parse(&bad, Path::new("craft.toml")).unwrap_err();
        assert!(e.to_string().contains("craft.toml:4:"), "{e}");
        let level = format!("{GOOD}\n[policy]\nfail-on = [\"severe\"]\n");
        assert!(parse(&level, Path::new("craft.toml")).is_err());
        let app = GOOD.replace(
            "[product]\n",
            "[product]\nplatform = [\"cpe:2.3:a:acme:app:1:*:*:*:*:*:*:*\"]\n",
        );
        let e = parse(&app, Path::new("craft.toml")).unwrap_err();
        assert!(e.to_string().contains("craft.toml:3:"), "{e}");
        assert!(e.to_string().contains("not an operating system"), "{e}");
        let junk = GOOD.replace("[product]\n", "[product]\nplatform = [\"cpe:junk\"]\n");
        assert!(parse(&junk, Path::new("craft.toml")).is_err());
    }

    #[test]
    fn hostile_text_is_an_error_not_a_panic() {
        for t in [
            "",
            "\u{0}",
            "[product",
            "product = 1",
            "[[release]]\nsboms = 3",
        ] {
            assert!(parse(t, Path::new("craft.toml")).is_err(), "{t:?}");
        }
    }
}
