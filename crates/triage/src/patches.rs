//! Patches the build applies, as evidence that a CVE is fixed: a patch file named after
//! the CVE (`CVE-2024-5535.patch`, `0001-fix-CVE-2024-5535.patch`), or whose header carries
//! Yocto's `CVE:` tag (`CVE: CVE-2024-5535 CVE-2024-6119`, required by OE-Core for security
//! patches). Each becomes a `fixed` VEX statement for the component the patches are listed
//! under, citing the file and the line or name that named the CVE.

use crate::vex::{Document, Product, Statement};
use crate::Status;
use std::collections::BTreeMap;

/// The CVE ids in `s` (`CVE-YYYY-NNNN…`, any case), uppercased, in order, each once.
pub fn cve_ids(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i..i + 4].eq_ignore_ascii_case(b"CVE-") {
            let year = b[i + 4..].iter().take_while(|c| c.is_ascii_digit()).count();
            let at = i + 4 + year;
            if year == 4 && b.get(at) == Some(&b'-') {
                let seq = b[at + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                if seq >= 4 {
                    let id = s[i..at + 1 + seq].to_ascii_uppercase();
                    if !out.contains(&id) {
                        out.push(id);
                    }
                    i = at + 1 + seq;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// The CVEs a patch names, each with how: the `CVE:` lines of its header (before the
/// first `---` line, `diff`, `--- a/…` or `Index:`) when it has any — OE-Core's tag is the
/// patch author's statement; else its file name, unless the path says it is a test or a
/// revert (`tests/CVE-2024-1-test.patch`, `0001-Revert-fix-for-CVE-…`).
pub fn cves_in_patch(path: &str, text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_end() == "---"
            || line.starts_with("diff ")
            || line.starts_with("--- ")
            || line.starts_with("Index:")
        {
            break;
        }
        if let Some(rest) = line.strip_prefix("CVE:") {
            for id in cve_ids(rest) {
                if !out.iter().any(|(x, _)| *x == id) {
                    out.push((id, format!("`CVE:` tag, line {}", n + 1)));
                }
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    let lower = path.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split(['/', '\\']).collect();
    let name = parts.last().copied().unwrap_or("");
    let doubtful = parts
        .iter()
        .any(|p| matches!(*p, "test" | "tests" | "testing" | "selftests" | "testdata"))
        || name.contains("test")
        || name.contains("revert");
    if doubtful {
        return out;
    }
    cve_ids(name)
        .into_iter()
        .map(|id| (id, "named in the file name".to_string()))
        .collect()
}

/// `fixed` statements for `component` from its patches: (the file as the product
/// directory names it, its text).
pub fn document(component: &str, patches: &[(String, String)]) -> Document {
    let mut statements = Vec::new();
    for (file, text) in patches {
        for (id, how) in cves_in_patch(file, text) {
            statements.push(Statement {
                vulnerability: id,
                aliases: Vec::new(),
                products: vec![Product::new(None, None, component)],
                status: Status::Fixed,
                justification: None,
                impact: None,
                action: None,
                notes: Some(format!("patched by {file} ({how})")),
                extra: BTreeMap::new(),
            });
        }
    }
    Document {
        id: None,
        author: Some("the build's patches".to_string()),
        timestamp: None,
        statements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_names_and_cve_tags() {
        assert_eq!(
            cve_ids("0001-fix-cve-2024-5535-and-CVE-2023-12345.patch CVE-24-1 CVE-2024-12"),
            vec!["CVE-2024-5535", "CVE-2023-12345"]
        );
        assert_eq!(cve_ids("CVE-"), Vec::<String>::new());
        assert_eq!(
            cve_ids("ĆVE-2024-1234 ünïcode CVE-2024-99999"),
            vec!["CVE-2024-99999"]
        );
        let text = "From abc\nSubject: [PATCH] fix\n\nCVE: CVE-2024-6119, CVE-2024-5535\nUpstream-Status: Backport\n---\n a.c | 1 +\nCVE: CVE-2099-0001\n";
        // The tags, when there are: then the name is not the author's statement.
        assert_eq!(
            cves_in_patch("CVE-2023-0001.patch", text),
            vec![
                (
                    "CVE-2024-6119".to_string(),
                    "`CVE:` tag, line 4".to_string()
                ),
                (
                    "CVE-2024-5535".to_string(),
                    "`CVE:` tag, line 4".to_string()
                ),
            ]
        );
        assert_eq!(
            cves_in_patch("p/CVE-2024-5535.patch", "Subject: fix\n---\n"),
            vec![(
                "CVE-2024-5535".to_string(),
                "named in the file name".to_string()
            )]
        );
        for doubtful in [
            "p/tests/CVE-2024-5535.patch",
            "p/CVE-2024-5535-test.patch",
            "p/0001-Revert-CVE-2024-5535.patch",
        ] {
            assert!(cves_in_patch(doubtful, "x\n").is_empty(), "{doubtful}");
        }
        let d = document(
            "openssl",
            &[
                ("patches/openssl/a.patch".into(), text.into()),
                (
                    "patches/openssl/CVE-2024-2511.patch".into(),
                    "Subject: x\n".into(),
                ),
            ],
        );
        assert_eq!(d.statements.len(), 3);
        assert_eq!(d.statements[0].status, Status::Fixed);
        assert_eq!(
            d.statements[0].notes.as_deref(),
            Some("patched by patches/openssl/a.patch (`CVE:` tag, line 4)")
        );
        assert_eq!(d.statements[0].products[0].id, "openssl");
    }
}
