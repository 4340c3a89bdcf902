//! Manual triage decisions: `triage-decisions.jsonl` in the product directory, an
//! append-only log written by `craft triage set`, one JSON object per line:
//!
//! ```json
//! {"at":"2026-11-29T07:10:00Z","by":"alice@acme.example","vulnerability":"CVE-2024-0727",
//!  "component":"openssl","facts":{"version":"3.0.13","range":"< 3.0.14 (nvd)"},
//!  "status":"not_affected","justification":"vulnerable_code_not_in_execute_path",
//!  "reason":"PKCS12 files are never parsed: the gateway has no certificate import.",
//!  "previous":{"status":"affected","source":"scan"}}
//! ```
//!
//! (one line in the file). An entry decides a finding — the same vulnerability (or an
//! alias) in a component of the same name — in every release (or only in `release`, when
//! it names one) for as long as the **facts** it was decided on hold: the component's
//! version and the vulnerability data's range that matched. When either changes (the next
//! release ships another version, a database update moves the range) the decision is
//! *re-opened*: it decides nothing and the finding is reported with what changed. The last
//! entry that applies wins; earlier ones stay as the history (`previous` records the state
//! each entry replaced).

use crate::{Decision, Justification, Layer, Status};
use serde::{Deserialize, Serialize};

/// The file name in the product directory.
pub const FILE_NAME: &str = "triage-decisions.jsonl";

/// What a decision was taken on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// The component's version as the SBOM stated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The range that matched, as the finding states it.
    pub range: String,
    /// For a kernel finding of a product with a `[kernel]` build: the SHA-256 of its
    /// `.config` (a decision about code the configuration leaves out no longer holds when
    /// the configuration changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_config: Option<String>,
}

/// The state an entry replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Previous {
    /// Its status.
    pub status: Status,
    /// Its justification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<Justification>,
    /// Where it came from: `scan`, `rule <id>`, or `<by> at <at>` (an earlier entry).
    pub source: String,
}

/// One decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub by: String,
    /// The vulnerability (its id or an alias).
    pub vulnerability: String,
    /// The component's name.
    pub component: String,
    /// Only this release, when set; else every release with the same facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// What it was decided on.
    pub facts: Facts,
    /// The releases that had the finding on these facts when it was decided.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub releases: Vec<String>,
    /// The decision.
    pub status: Status,
    /// For `not_affected`, why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<Justification>,
    /// Why, in the decider's words.
    pub reason: String,
    /// The state it replaced.
    pub previous: Previous,
    /// From another product's log (`[triage] shared-decisions`): it decides where its facts
    /// hold, and is never re-opened here.
    #[serde(skip)]
    pub shared: bool,
}

impl Entry {
    /// What is wrong with the entry, if anything (the same checks reading applies).
    pub fn problem(&self) -> Option<String> {
        let blank = |s: &str| s.trim().is_empty();
        if craft_model::unix_from_rfc3339(&self.at).is_none() {
            return Some(format!("`at` is not an RFC 3339 time: {:?}", self.at));
        }
        for (field, v) in [
            ("by", &self.by),
            ("vulnerability", &self.vulnerability),
            ("component", &self.component),
            ("reason", &self.reason),
        ] {
            if blank(v) {
                return Some(format!("`{field}` is empty"));
            }
        }
        match (self.status, self.justification) {
            (Status::NotAffected, None) => {
                Some("a `not_affected` decision needs a `justification`".into())
            }
            (s, Some(_)) if s != Status::NotAffected => Some(format!(
                "a justification belongs to `not_affected` only, not `{}`",
                s.name()
            )),
            _ => None,
        }
    }

    /// The decision it makes, citing who, when and why.
    pub fn decision(&self) -> Decision {
        Decision {
            status: self.status,
            justification: self.justification,
            layer: Layer::Manual,
            reason: format!(
                "decided by {} on {}: {}",
                self.by,
                self.at.get(..10).unwrap_or(&self.at),
                self.reason
            ),
            files: Vec::new(),
        }
    }
}

/// A line of the log that is not a decision.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct LogError {
    /// The file.
    pub file: String,
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Order entries by `at` (stable: file order among equal times).
fn by_time(entries: &mut [Entry]) {
    entries.sort_by_key(|e| craft_model::unix_from_rfc3339(&e.at).unwrap_or(i64::MIN));
}

/// The finding a decision is looked up for.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The vulnerability's id.
    pub vulnerability: &'a str,
    /// Its aliases.
    pub aliases: &'a [String],
    /// The component's name.
    pub component: &'a str,
    /// The release.
    pub release: &'a str,
    /// The component's version.
    pub version: Option<&'a str>,
    /// The range that matched.
    pub range: &'a str,
    /// For a kernel finding: the SHA-256 of the product's kernel `.config`, if it has one.
    pub kernel_config: Option<&'a str>,
    /// The product's releases, oldest first (as `craft.toml` lists them).
    pub order: &'a [String],
}

/// A decision found for a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// The facts hold: the entry decides.
    InForce(&'a Entry),
    /// The facts changed since: the entry decides nothing; `why` says what changed.
    Reopened {
        /// The entry.
        entry: &'a Entry,
        /// What changed.
        why: String,
    },
}

/// The decisions of a product, in the order they were taken.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Log {
    /// The file (for messages).
    pub file: String,
    /// Every entry, oldest first.
    pub entries: Vec<Entry>,
}

impl Log {
    /// Read a log. Blank lines are skipped.
    ///
    /// # Errors
    /// A line that is not one JSON object with the fields above, or whose entry is
    /// inconsistent ([`Entry::problem`]); the error names the line.
    pub fn parse(text: &str, file: &str) -> Result<Log, LogError> {
        Log::parse_bytes(text.as_bytes(), file)
    }

    /// Read a log from its bytes (a UTF-8 byte-order mark is skipped; a line that is not
    /// UTF-8 is an error naming it). Entries are ordered by `at`, file order among equal
    /// times, so the newest decision wins whatever order a merge left the lines in.
    ///
    /// # Errors
    /// As [`Log::parse`].
    pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<Log, LogError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut entries = Vec::new();
        for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
            let err = |message: String| LogError {
                file: file.to_string(),
                line: i + 1,
                message,
            };
            let line = std::str::from_utf8(line).map_err(|e| {
                err(format!(
                    "not UTF-8 (at byte {} of the line)",
                    e.valid_up_to()
                ))
            })?;
            if line.trim().is_empty() {
                continue;
            }
            if !line.trim_start().starts_with('{') {
                return Err(err("not a decision: each line is one JSON object".into()));
            }
            let entry: Entry =
                serde_json::from_str(line).map_err(|e| err(format!("not a decision: {e}")))?;
            if let Some(p) = entry.problem() {
                return Err(err(p));
            }
            entries.push(entry);
        }
        by_time(&mut entries);
        Ok(Log {
            file: file.to_string(),
            entries,
        })
    }

    /// Add the entries of another log (a variant's, shared): all are ordered by time again.
    pub fn merge(&mut self, other: Log) {
        self.entries.extend(other.entries.into_iter().map(|mut e| {
            e.shared = true;
            e
        }));
        by_time(&mut self.entries);
    }

    /// The entries that apply to `s`, newest first: same component name, the
    /// vulnerability or an alias (ASCII case ignored), and no release or `s`'s.
    fn applying<'l, 's>(
        &'l self,
        s: &'s Subject<'_>,
    ) -> impl Iterator<Item = &'l Entry> + use<'l, 's> {
        self.entries.iter().rev().filter(move |e| {
            e.component == s.component
                && e.release.as_deref().is_none_or(|r| r == s.release)
                && std::iter::once(s.vulnerability)
                    .chain(s.aliases.iter().map(String::as_str))
                    .any(|v| v.eq_ignore_ascii_case(&e.vulnerability))
        })
    }

    /// The decision for `s`. The newest entry taken on the same facts (the component's
    /// version and the matched range) is in force. Else the newest entry whose facts
    /// changed *for this release* is re-opened: `s`'s release had the finding on the
    /// entry's facts when it was decided, or comes after every release that had. An older
    /// release that had other facts all along is simply undecided.
    pub fn decide(&self, s: &Subject<'_>) -> Option<Outcome<'_>> {
        // A variant's decision on a kernel finding holds only on the same .config; this
        // product's own decisions taken before it had a [kernel] hold until re-taken.
        let same_config = |e: &Entry| match (e.facts.kernel_config.as_deref(), s.kernel_config) {
            (Some(c), here) => Some(c) == here,
            (None, Some(_)) => !e.shared,
            (None, None) => true,
        };
        let same = |e: &Entry| {
            e.facts.version.as_deref() == s.version && e.facts.range == s.range && same_config(e)
        };
        if let Some(e) = self.applying(s).find(|e| same(e)) {
            return Some(Outcome::InForce(e));
        }
        let rank = |r: &str| s.order.iter().position(|o| o == r);
        let entry = self.applying(s).filter(|e| !e.shared).find(|e| {
            e.releases.iter().any(|r| r == s.release)
                || match rank(s.release) {
                    Some(here) => e
                        .releases
                        .iter()
                        .filter_map(|r| rank(r))
                        .all(|then| then < here),
                    None => true,
                }
        })?;
        let why = if entry.facts.version.as_deref() != s.version {
            format!(
                "the component's version is now {} ({} decided for {})",
                s.version.unwrap_or("unstated"),
                entry.by,
                entry
                    .facts
                    .version
                    .as_deref()
                    .unwrap_or("an unstated version")
            )
        } else if entry.facts.range != s.range {
            format!(
                "the vulnerability data now says `{}` ({} decided on `{}`)",
                s.range, entry.by, entry.facts.range
            )
        } else {
            format!(
                "the kernel configuration changed ({} decided on the .config with SHA-256 {})",
                entry.by,
                entry.facts.kernel_config.as_deref().unwrap_or("?")
            )
        };
        Some(Outcome::Reopened { entry, why })
    }

    /// The entries about one vulnerability (id or alias; all when `None`) and component
    /// (all when `None`), oldest first: the history.
    pub fn history<'a>(
        &'a self,
        vulnerability: Option<&'a str>,
        component: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| {
            vulnerability.is_none_or(|v| v.eq_ignore_ascii_case(&e.vulnerability))
                && component.is_none_or(|c| c == e.component)
        })
    }

    /// One entry as its line in the file (no newline).
    ///
    /// # Errors
    /// The entry is inconsistent ([`Entry::problem`]).
    pub fn line(entry: &Entry) -> Result<String, String> {
        if let Some(p) = entry.problem() {
            return Err(p);
        }
        serde_json::to_string(entry).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: &str, status: Status, justification: Option<Justification>) -> Entry {
        Entry {
            at: "2026-11-29T07:10:00Z".into(),
            by: "alice".into(),
            vulnerability: "CVE-2024-0727".into(),
            component: "openssl".into(),
            release: None,
            facts: Facts {
                version: Some(version.into()),
                range: "< 3.0.14 (nvd)".into(),
                kernel_config: None,
            },
            releases: vec!["2.0.0".into()],
            status,
            justification,
            reason: "no PKCS12 import".into(),
            previous: Previous {
                status: Status::Affected,
                justification: None,
                source: "scan".into(),
            },
            shared: false,
        }
    }

    const ORDER: &[String] = &[];

    fn subject<'a>(version: &'a str, range: &'a str, aliases: &'a [String]) -> Subject<'a> {
        Subject {
            vulnerability: "GHSA-xxxx",
            aliases,
            component: "openssl",
            release: "2.1.0",
            version: Some(version),
            range,
            kernel_config: None,
            order: ORDER,
        }
    }

    #[test]
    fn the_last_entry_decides_while_its_facts_hold() {
        let na = entry(
            "3.0.13",
            Status::NotAffected,
            Some(Justification::VulnerableCodeNotInExecutePath),
        );
        let mut affected = entry("3.0.13", Status::Affected, None);
        affected.at = "2026-11-30T08:00:00Z".into();
        let text = format!(
            "{}\n\n{}\n",
            Log::line(&na).unwrap(),
            Log::line(&affected).unwrap()
        );
        let log = Log::parse(&text, "d.jsonl").unwrap();
        assert_eq!(log.entries, vec![na.clone(), affected.clone()]);
        // The newest by time wins, whatever the order of the lines (a merge).
        let swapped = format!(
            "{}\n{}\n",
            Log::line(&affected).unwrap(),
            Log::line(&na).unwrap()
        );
        assert_eq!(
            Log::parse(&swapped, "d").unwrap().entries,
            vec![na.clone(), affected.clone()]
        );
        let aliases = vec!["cve-2024-0727".to_string()];
        // Found by alias, case ignored; the later entry wins.
        assert_eq!(
            log.decide(&subject("3.0.13", "< 3.0.14 (nvd)", &aliases)),
            Some(Outcome::InForce(&affected))
        );
        assert_eq!(log.history(Some("CVE-2024-0727"), None).count(), 2);
        // An older release that had another version all along: undecided, not re-opened;
        // a later one: re-opened.
        let order: Vec<String> = ["1.0.0", "2.0.0", "2.1.0"].map(String::from).to_vec();
        let mut older = subject("3.0.9", "< 3.0.14 (nvd)", &aliases);
        older.order = &order;
        older.release = "1.0.0";
        assert_eq!(log.decide(&older), None);
        older.release = "2.1.0";
        assert!(matches!(log.decide(&older), Some(Outcome::Reopened { .. })));
        // Another version: re-opened, saying so.
        match log.decide(&subject("3.0.15", "< 3.0.14 (nvd)", &aliases)) {
            Some(Outcome::Reopened { why, .. }) => {
                assert!(
                    why.contains("now 3.0.15") && why.contains("3.0.13"),
                    "{why}"
                )
            }
            other => panic!("{other:?}"),
        }
        // The data's range moved: re-opened.
        match log.decide(&subject("3.0.13", "< 3.0.16 (nvd)", &aliases)) {
            Some(Outcome::Reopened { why, .. }) => assert!(why.contains("< 3.0.16"), "{why}"),
            other => panic!("{other:?}"),
        }
        // Nothing for another vulnerability or component.
        assert_eq!(log.decide(&subject("3.0.13", "< 3.0.14 (nvd)", &[])), None);
        // A decision on a kernel configuration holds while it does.
        let mut kernel = na.clone();
        kernel.facts.kernel_config = Some("aa".into());
        let log = Log::parse(&Log::line(&kernel).unwrap(), "d").unwrap();
        let mut s = subject("3.0.13", "< 3.0.14 (nvd)", &aliases);
        s.release = "2.0.0";
        s.kernel_config = Some("aa");
        assert!(matches!(log.decide(&s), Some(Outcome::InForce(_))));
        s.kernel_config = Some("bb");
        match log.decide(&s) {
            Some(Outcome::Reopened { why, .. }) => {
                assert!(why.contains("kernel configuration changed"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        // A variant's shared decision holds where its facts do, and is never re-opened.
        let mut mine = Log::default();
        mine.merge(Log::parse(&Log::line(&na).unwrap(), "variant").unwrap());
        assert!(matches!(
            mine.decide(&subject("3.0.13", "< 3.0.14 (nvd)", &aliases)),
            Some(Outcome::InForce(_))
        ));
        assert_eq!(
            mine.decide(&subject("3.0.15", "< 3.0.14 (nvd)", &aliases)),
            None
        );
        // A release-scoped entry applies to its release only.
        let mut scoped = na.clone();
        scoped.release = Some("2.0.0".into());
        let log = Log::parse(&Log::line(&scoped).unwrap(), "d").unwrap();
        assert_eq!(
            log.decide(&subject("3.0.13", "< 3.0.14 (nvd)", &aliases)),
            None
        );
    }

    #[test]
    fn bad_lines_are_refused_with_their_line() {
        let good = Log::line(&entry(
            "1",
            Status::NotAffected,
            Some(Justification::ComponentNotPresent),
        ))
        .unwrap();
        for (bad, why) in [
            ("{", "not a decision"),
            ("[]", "one JSON object"),
            (
                &good.replace("\"reason\":\"no PKCS12 import\"", "\"reason\":\" \""),
                "`reason` is empty",
            ),
            (
                &good.replace(",\"justification\":\"component_not_present\"", ""),
                "needs a `justification`",
            ),
            (&good.replace("not_affected", "maybe"), "not a decision"),
            (
                &good.replace("2026-11-29T07:10:00Z", "yesterday"),
                "RFC 3339",
            ),
            (
                &good.replace("\"by\"", "\"who\":\"x\",\"by\""),
                "unknown field",
            ),
        ] {
            let text = format!("{good}\n{bad}\n");
            let e = Log::parse(&text, "d.jsonl").unwrap_err();
            assert_eq!(e.line, 2, "{bad}");
            assert!(e.to_string().starts_with("d.jsonl:2: "), "{e}");
            assert!(e.message.contains(why), "{bad}: {e}");
        }
        // A byte-order mark is skipped; bytes that are not UTF-8 name their line.
        let bom = format!("\u{feff}{good}\n");
        assert_eq!(Log::parse(&bom, "d").unwrap().entries.len(), 1);
        let mut bad = format!("{good}\n").into_bytes();
        bad.extend_from_slice(b"{\"at\": \"\xff\"}\n");
        let e = Log::parse_bytes(&bad, "d").unwrap_err();
        assert_eq!((e.line, e.message.contains("not UTF-8")), (2, true), "{e}");
        let mut affected_with_j = entry(
            "1",
            Status::Affected,
            Some(Justification::ComponentNotPresent),
        );
        assert!(Log::line(&affected_with_j).is_err());
        affected_with_j.justification = None;
        assert!(Log::line(&affected_with_j).is_ok());
    }
}
