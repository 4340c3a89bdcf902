//! Coordinated vulnerability disclosure documents: RFC 9116 `security.txt` (checked and
//! written) and the draft of a disclosure policy (Annex I Part II (5)-(6); BSI TR-03183-3).

use jiff::Timestamp;

/// The file name CSAF 2.0 section 5.1 gives a document with tracking id `id`: lower case,
/// every run of characters other than `+`, `-`, `a-z`, `0-9` replaced by `_`, then `.json`.
pub fn csaf_file_name(id: &str) -> String {
    let mut out = String::new();
    let mut run = false;
    for c in id.to_lowercase().chars() {
        if c == '+' || c == '-' || c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
            run = false;
        } else if !run {
            out.push('_');
            run = true;
        }
    }
    out + ".json"
}

/// The fields RFC 9116 section 2.5 defines, plus `CSAF` (CSAF 2.0 section 7.1.8).
const FIELDS: &[&str] = &[
    "acknowledgments",
    "canonical",
    "contact",
    "encryption",
    "expires",
    "hiring",
    "policy",
    "preferred-languages",
    "csaf",
];

/// Check the text of a `security.txt` as of `now` (RFC 3339): at least one `Contact`
/// (`mailto:`, `https:` or `tel:`), exactly one `Expires` (RFC 3339, not past, at most a year
/// ahead as RFC 9116 recommends), at most one `Preferred-Languages`, web URIs over HTTPS,
/// only `Field: value` lines and comments (an OpenPGP cleartext signature is allowed).
///
/// # Errors
/// The first problem, with its line.
pub fn check_security_txt(text: &str, now: &str) -> Result<(), String> {
    let now: Timestamp = now
        .parse()
        .map_err(|e| format!("bad check time {now}: {e}"))?;
    let mut contact = 0;
    let mut expires = Vec::new();
    let mut languages = 0;
    let mut in_signature = false;
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = raw.trim_end_matches('\r');
        if line.starts_with("-----BEGIN PGP SIGNATURE-----") {
            in_signature = true;
            continue;
        }
        if in_signature {
            if line.starts_with("-----END PGP SIGNATURE-----") {
                in_signature = false;
            }
            continue;
        }
        if line.trim().is_empty()
            || line.starts_with('#')
            || line.starts_with("-----BEGIN PGP SIGNED MESSAGE-----")
            || line.starts_with("Hash:")
        {
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("line {line_no}: not `Field: value`: {line}"))?;
        let key = name.trim().to_ascii_lowercase();
        let value = value.trim().trim_start_matches("- ").trim();
        if name.contains(' ') || name.is_empty() {
            return Err(format!("line {line_no}: `{name}` is not a field name"));
        }
        if value.is_empty() {
            return Err(format!("line {line_no}: {name} has no value"));
        }
        if !FIELDS.contains(&key.as_str()) {
            // RFC 9116 2.4: unknown fields are allowed and ignored.
            continue;
        }
        match key.as_str() {
            "contact" => {
                contact += 1;
                if !(value.starts_with("mailto:")
                    || value.starts_with("https://")
                    || value.starts_with("tel:"))
                {
                    return Err(format!(
                        "line {line_no}: Contact `{value}` must be a mailto:, https:// or tel: URI"
                    ));
                }
            }
            "expires" => expires.push((line_no, value.to_string())),
            "preferred-languages" => languages += 1,
            _ => {
                if !value.starts_with("https://")
                    && !(key == "encryption"
                        && (value.starts_with("openpgp4fpr:") || value.starts_with("dns:")))
                {
                    return Err(format!(
                        "line {line_no}: {name} `{value}` must be an https:// URI"
                    ));
                }
            }
        }
    }
    if contact == 0 {
        return Err("no Contact field (RFC 9116 2.5.3 requires one)".into());
    }
    let [(line_no, value)] = expires.as_slice() else {
        return Err(format!(
            "{} Expires fields; RFC 9116 2.5.5 requires exactly one",
            expires.len()
        ));
    };
    let at: Timestamp = value
        .parse()
        .ok()
        .filter(|_| is_rfc3339(value))
        .ok_or_else(|| format!("line {line_no}: Expires `{value}` is not an RFC 3339 date-time"))?;
    if at <= now {
        return Err(format!("line {line_no}: expired on {at}"));
    }
    if at.as_second() - now.as_second() > 366 * 86_400 {
        return Err(format!(
            "line {line_no}: Expires {at} is more than a year ahead (RFC 9116 2.5.5 advises less)"
        ));
    }
    if languages > 1 {
        return Err("Preferred-Languages appears more than once (RFC 9116 2.5.8)".into());
    }
    Ok(())
}

/// Whether `s` has the shape of an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, optional
/// fraction, then `Z` or `+HH:MM` (no space, no zone name).
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|x| x.is_ascii_digit()),
        _ => false,
    }
}

/// What a `security.txt` says.
#[derive(Debug, Clone, Default)]
pub struct SecurityTxt {
    /// Contact URIs, in order of preference (`mailto:…`, `https://…`).
    pub contacts: Vec<String>,
    /// When it expires (RFC 3339).
    pub expires: String,
    /// The CVD policy's URL.
    pub policy: Option<String>,
    /// Where this file is served (`https://example.com/.well-known/security.txt`).
    pub canonical: Option<String>,
    /// The CSAF provider-metadata.json URL.
    pub csaf: Option<String>,
    /// OpenPGP key URL.
    pub encryption: Option<String>,
    /// Languages (`en, de`).
    pub languages: Option<String>,
}

/// The text of a `security.txt` (RFC 9116), unsigned (sign it with the key its
/// `Encryption` names before serving it, as BSI TR-03183-3 asks).
pub fn security_txt(s: &SecurityTxt) -> String {
    let mut out = String::from(
        "# security.txt (RFC 9116), written by craft. Sign it (OpenPGP cleartext) before \
         serving it\n# at /.well-known/security.txt, and renew Expires before it passes.\n",
    );
    for c in &s.contacts {
        out.push_str(&format!("Contact: {c}\n"));
    }
    out.push_str(&format!("Expires: {}\n", s.expires));
    for (name, v) in [
        ("Encryption", &s.encryption),
        ("Policy", &s.policy),
        ("Canonical", &s.canonical),
        ("Preferred-Languages", &s.languages),
        ("CSAF", &s.csaf),
    ] {
        if let Some(v) = v {
            out.push_str(&format!("{name}: {v}\n"));
        }
    }
    out
}

/// What the CVD policy draft needs.
#[derive(Debug, Clone, Default)]
pub struct PolicyFacts {
    /// The manufacturer.
    pub manufacturer: String,
    /// The product(s) it covers.
    pub products: Vec<String>,
    /// The contact for reports (email or URL).
    pub contact: String,
    /// The Member State of the main establishment (for the CSIRT).
    pub member_state: Option<String>,
    /// End of the support period.
    pub support_end: Option<String>,
}

/// A coordinated vulnerability disclosure policy draft (Markdown) with the parts BSI
/// TR-03183-3 reports (the national CSIRT, reporter assurances, response times, anonymous
/// reporting, how the process ends); the bracketed parts are the maker's to decide.
pub fn cvd_policy(f: &PolicyFacts) -> String {
    let csirt = f.member_state.as_deref().map_or_else(
        || {
            "the CSIRT designated as coordinator in our Member State of main establishment"
                .to_string()
        },
        |m| format!("the CSIRT designated as coordinator in {m}"),
    );
    format!(
        "# Coordinated vulnerability disclosure policy — {manufacturer}\n\n\
         Draft written by craft from craft.toml (Annex I Part II (5)-(6) of Regulation (EU) \
         2024/2847). Review every bracketed part before publishing.\n\n\
         ## Scope\n\n{products}\n\n\
         ## How to report\n\n\
         Send reports to {contact}. You may write in [the languages you accept]; you may report \
         anonymously, and you may ask {csirt} to act as an intermediary.\n\n\
         ## What we promise\n\n\
         - We acknowledge a report within [3] working days and give a first assessment within \
         [10] working days.\n\
         - We keep you informed until the vulnerability is fixed, and credit you if you wish.\n\
         - We will not take legal action against good-faith research that follows this policy.\n\n\
         ## What we ask\n\n\
         - Give us reasonable time to fix before disclosure: [90] days from the report, or \
         until a fix is available if sooner.\n\
         - Do not access, modify or delete data that is not yours; stop once you have shown \
         the problem.\n\n\
         ## How it ends\n\n\
         Once a fix is available we publish a security advisory (CSAF 2.0) describing the \
         vulnerability, the affected and fixed versions and what users should do (Annex I \
         Part II (4), (8)). Actively exploited vulnerabilities are notified to {csirt} and \
         ENISA as Article 14 requires.\n\n\
         ## Support period\n\n\
         We handle vulnerabilities in these products until {support} (Art. 13(8)).\n",
        manufacturer = f.manufacturer,
        products = if f.products.is_empty() {
            "[the products this policy covers]".to_string()
        } else {
            f.products
                .iter()
                .map(|p| format!("- {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        },
        contact = f.contact,
        support = f
            .support_end
            .as_deref()
            .unwrap_or("[the end of the support period]"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-29T00:00:00Z";

    #[test]
    fn csaf_file_names_follow_section_5_1() {
        assert_eq!(csaf_file_name("ACME-2026-004"), "acme-2026-004.json");
        assert_eq!(
            csaf_file_name("cisco-sa-20190513-secureboot"),
            "cisco-sa-20190513-secureboot.json"
        );
        assert_eq!(csaf_file_name("BSI-2022_2001"), "bsi-2022_2001.json");
        assert_eq!(csaf_file_name("a  b//c"), "a_b_c.json");
    }

    #[test]
    fn a_written_file_passes_the_check() {
        let s = SecurityTxt {
            contacts: vec!["mailto:psirt@acme.example".into()],
            expires: "2027-06-01T00:00:00Z".into(),
            policy: Some("https://acme.example/cvd".into()),
            csaf: Some("https://acme.example/.well-known/csaf/provider-metadata.json".into()),
            ..SecurityTxt::default()
        };
        check_security_txt(&security_txt(&s), NOW).unwrap();
    }

    #[test]
    fn broken_files_name_their_problem() {
        let ok = "Contact: mailto:a@b.example\nExpires: 2027-06-01T00:00:00Z\n";
        for (text, needle) in [
            ("Expires: 2027-06-01T00:00:00Z\n", "no Contact"),
            ("Contact: mailto:a@b.example\n", "0 Expires"),
            (&format!("{ok}Expires: 2027-06-01T00:00:00Z\n"), "2 Expires"),
            (
                "Contact: a@b.example\nExpires: 2027-06-01T00:00:00Z\n",
                "mailto:",
            ),
            (
                "Contact: mailto:a@b.example\nExpires: 2026-01-01T00:00:00Z\n",
                "expired",
            ),
            (
                "Contact: mailto:a@b.example\nExpires: 2030-01-01T00:00:00Z\n",
                "a year",
            ),
            ("Contact: mailto:a@b.example\nExpires: soon\n", "RFC 3339"),
            (
                "Contact: mailto:a@b.example\nExpires: 2027-01-01 00:00:00Z\n",
                "RFC 3339",
            ),
            (
                "Contact: mailto:a@b.example\nExpires: 2027-01-01T00:00Z\n",
                "RFC 3339",
            ),
            (
                "Contact: mailto:a@b.example\nExpires: 2027-01-01T00:00:00+01:00[Europe/Berlin]\n",
                "RFC 3339",
            ),
            (&format!("{ok}Policy: http://acme.example/cvd\n"), "https"),
            (&format!("{ok}just text\n"), "line 3"),
        ] {
            let e = check_security_txt(text, NOW).unwrap_err();
            assert!(e.contains(needle), "{needle}: {e}");
        }
        // Comments, unknown fields and a cleartext signature are fine.
        let signed = format!(
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n# hi\n{ok}X-Other: 1\n\
             -----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n"
        );
        check_security_txt(&signed, NOW).unwrap();
    }
}
