//! CPE names: CPE 2.3 formatted strings and CPE 2.2 URIs read into well-formed names (WFN,
//! NISTIR 7695), bound back to formatted strings, and matched as NISTIR 7696 defines.
//!
//! A [`Wfn`] has eleven attributes, each [`Av::Any`] (`*`), [`Av::Na`] (`-`) or a value.
//! Values are kept in WFN form: characters other than letters, digits and `_` are quoted
//! with `\`, except the wildcards `*` (any sequence) and `?` (one character), which are
//! allowed unquoted only at the start or end of a value.

use std::fmt;

/// Why a string is not a CPE name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{cpe}` is not a valid CPE name: {reason}")]
pub struct CpeError {
    /// The input (shortened when long).
    pub cpe: String,
    /// What is wrong with it.
    pub reason: String,
}

/// One attribute value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Av {
    /// ANY (`*`): every value.
    Any,
    /// NA (`-`): not applicable.
    Na,
    /// A value in WFN form (special characters quoted, wildcards unquoted).
    Value(String),
}

/// The eleven attribute names, in binding order.
pub const ATTRIBUTES: [&str; 11] = [
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
];

/// A well-formed CPE name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Wfn {
    /// The attributes in [`ATTRIBUTES`] order.
    pub attrs: [Av; 11],
}

/// Longest CPE 2.3 formatted string accepted.
pub const MAX_LENGTH: usize = 16 * 1024;

/// Longest CPE 2.2 URI accepted: a quarter of [`MAX_LENGTH`], so that its binding (at most
/// twice as long, quoting included) is always a formatted string craft reads back.
pub const MAX_URI_LENGTH: usize = MAX_LENGTH / 4;

impl Wfn {
    /// The `part` attribute (`a`, `o`, `h`).
    pub fn part(&self) -> &Av {
        &self.attrs[0]
    }

    /// The `vendor` attribute.
    pub fn vendor(&self) -> &Av {
        &self.attrs[1]
    }

    /// The `product` attribute.
    pub fn product(&self) -> &Av {
        &self.attrs[2]
    }

    /// The `version` attribute.
    pub fn version(&self) -> &Av {
        &self.attrs[3]
    }

    /// Parse a CPE 2.3 formatted string (`cpe:2.3:…`) or a CPE 2.2 URI (`cpe:/…`).
    pub fn parse(text: &str) -> Result<Wfn, CpeError> {
        if text.len() > MAX_LENGTH {
            return Err(error(text, "longer than 16 KiB"));
        }
        if let Some(rest) = text.strip_prefix("cpe:2.3:") {
            parse_fs(text, rest)
        } else if let Some(rest) = text.strip_prefix("cpe:/") {
            if text.len() > MAX_URI_LENGTH {
                return Err(error(text, "a CPE 2.2 URI longer than 4 KiB"));
            }
            parse_uri(text, rest)
        } else {
            Err(error(text, "does not start with `cpe:2.3:` or `cpe:/`"))
        }
    }

    /// The attribute-wise relation of `self` (the source, e.g. an NVD match criterion) to
    /// `target` (NISTIR 7696 §6.1).
    pub fn compare(&self, target: &Wfn) -> [Relation; 11] {
        std::array::from_fn(|i| compare_av(&self.attrs[i], &target.attrs[i]))
    }

    /// Whether `self` names `target` or a superset of it (NISTIR 7696 `CPE_SUPERSET` or
    /// `CPE_EQUAL`): every attribute is a superset or equal.
    pub fn matches(&self, target: &Wfn) -> bool {
        self.compare(target)
            .iter()
            .all(|r| matches!(r, Relation::Superset | Relation::Equal))
    }
}

fn error(text: &str, reason: impl Into<String>) -> CpeError {
    CpeError {
        cpe: crate::truncate(text),
        reason: reason.into(),
    }
}

/// Split a formatted string on unescaped `:`.
fn split_fs(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b':' => {
                out.push(&s[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push(&s[start.min(s.len())..]);
    out
}

fn parse_fs(text: &str, rest: &str) -> Result<Wfn, CpeError> {
    let parts = split_fs(rest);
    if parts.len() != 11 {
        return Err(error(
            text,
            format!("{} components after `cpe:2.3:`, expected 11", parts.len()),
        ));
    }
    let mut attrs: [Av; 11] = std::array::from_fn(|_| Av::Any);
    for (i, p) in parts.iter().enumerate() {
        attrs[i] = unbind_fs(p).map_err(|r| error(text, format!("{}: {r}", ATTRIBUTES[i])))?;
    }
    check_part(text, &attrs[0])?;
    Ok(Wfn { attrs })
}

fn check_part(text: &str, part: &Av) -> Result<(), CpeError> {
    match part {
        Av::Value(p) if matches!(p.as_str(), "a" | "o" | "h") => Ok(()),
        Av::Any => Ok(()),
        _ => Err(error(text, "part is not `a`, `o`, `h` or `*`")),
    }
}

/// One formatted-string component to its WFN value (NISTIR 7695 §6.2.3).
fn unbind_fs(s: &str) -> Result<Av, String> {
    match s {
        "*" => return Ok(Av::Any),
        "-" => return Ok(Av::Na),
        "" => return Err("empty component".into()),
        _ => {}
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 4);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\\' => {
                let n = *b.get(i + 1).ok_or("a trailing `\\`")?;
                if !n.is_ascii_graphic() {
                    return Err(format!("`\\` before {:?}", char::from(n)));
                }
                out.push('\\');
                out.push(char::from(n));
                i += 2;
                continue;
            }
            b'*' | b'?' => out.push(char::from(c)),
            c if c.is_ascii_alphanumeric() || c == b'_' => out.push(char::from(c)),
            // `.` and `-` are written bare in formatted strings, quoted in a WFN.
            b'.' | b'-' => {
                out.push('\\');
                out.push(char::from(c));
            }
            c if c.is_ascii_graphic() => {
                return Err(format!("`{}` must be quoted with `\\`", char::from(c)))
            }
            c => return Err(format!("byte 0x{c:02x} is not printable ASCII")),
        }
        i += 1;
    }
    check_wildcards(&out)?;
    Ok(Av::Value(out.to_ascii_lowercase()))
}

/// A CPE 2.2 URI (NISTIR 7695 §6.1.3): up to seven components, the edition possibly packed
/// (`~edition~sw_edition~target_sw~target_hw~other`).
fn parse_uri(text: &str, rest: &str) -> Result<Wfn, CpeError> {
    let parts: Vec<&str> = rest.split(':').collect();
    if parts.len() > 7 {
        return Err(error(text, "more than 7 components"));
    }
    let mut attrs: [Av; 11] = std::array::from_fn(|_| Av::Any);
    for (i, p) in parts.iter().enumerate() {
        if i == 5 && p.starts_with('~') {
            let packed: Vec<&str> = p[1..].split('~').collect();
            if packed.len() != 5 {
                return Err(error(text, "a packed edition has 5 fields"));
            }
            for (j, q) in packed.iter().enumerate() {
                let idx = [5, 7, 8, 9, 10][j];
                attrs[idx] = decode_uri(q).map_err(|r| error(text, r))?;
            }
            continue;
        }
        attrs[i] = decode_uri(p).map_err(|r| error(text, r))?;
    }
    check_part(text, &attrs[0])?;
    Ok(Wfn { attrs })
}

/// One URI component to its WFN value: `%01` is `?`, `%02` is `*`, other escapes are
/// quoted characters; empty is ANY and `-` is NA.
fn decode_uri(s: &str) -> Result<Av, String> {
    match s {
        "" => return Ok(Av::Any),
        "-" => return Ok(Av::Na),
        _ => {}
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 4);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            let hex = crate::pct::hex_at(b, i, false)
                .ok_or_else(|| format!("`%` at byte {i} without two hex digits"))?;
            match hex {
                0x01 => out.push('?'),
                0x02 => out.push('*'),
                h if h.is_ascii_alphanumeric() || h == b'_' => out.push(char::from(h)),
                h if h.is_ascii_graphic() => {
                    out.push('\\');
                    out.push(char::from(h));
                }
                h => return Err(format!("%{h:02X} is not a printable character")),
            }
            i += 3;
            continue;
        }
        match c {
            c if c.is_ascii_alphanumeric() || c == b'_' => out.push(char::from(c)),
            b'.' | b'-' | b'~' => {
                out.push('\\');
                out.push(char::from(c));
            }
            c => return Err(format!("`{}` must be percent-encoded", char::from(c))),
        }
        i += 1;
    }
    check_wildcards(&out)?;
    // A lone `%02` is `*`: every value, i.e. ANY (and binds as `*`).
    if out == "*" {
        return Ok(Av::Any);
    }
    Ok(Av::Value(out.to_ascii_lowercase()))
}

/// Unquoted `*` only alone at the start or end of a value, and `?` only in runs at its
/// start or end (NISTIR 7695 §5.3.2), whether written as such or as a URI's `%02`/`%01`.
fn check_wildcards(v: &str) -> Result<(), String> {
    let u = units(v);
    let n = u.len();
    for (i, x) in u.iter().enumerate() {
        match *x {
            "*" if i != 0 && i != n - 1 => {
                return Err("`*` inside a value (only at its start or end)".into())
            }
            "?" => {
                let at_start = u[..i].iter().all(|y| *y == "?");
                let at_end = u[i..].iter().all(|y| *y == "?");
                if !at_start && !at_end {
                    return Err("`?` inside a value (only at its start or end)".into());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

impl fmt::Display for Wfn {
    /// The CPE 2.3 formatted string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cpe:2.3")?;
        for a in &self.attrs {
            f.write_str(":")?;
            match a {
                Av::Any => f.write_str("*")?,
                Av::Na => f.write_str("-")?,
                Av::Value(v) => {
                    // Bind: `\.`, `\-` and `\_` are written bare; other quoting stays.
                    let b = v.as_bytes();
                    let mut i = 0;
                    while i < b.len() {
                        if b[i] == b'\\' && matches!(b.get(i + 1), Some(b'.' | b'-' | b'_')) {
                            write!(f, "{}", char::from(b[i + 1]))?;
                            i += 2;
                        } else {
                            write!(f, "{}", char::from(b[i]))?;
                            i += 1;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The relation of a source attribute value to a target one (NISTIR 7696 Table 6-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The source names more than the target.
    Superset,
    /// The source names less than the target.
    Subset,
    /// The same.
    Equal,
    /// Nothing in common.
    Disjoint,
    /// Not defined (a wildcard in the target).
    Undefined,
}

fn has_wildcard(v: &str) -> bool {
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'*' | b'?' => return true,
            _ => i += 1,
        }
    }
    false
}

fn compare_av(source: &Av, target: &Av) -> Relation {
    use Relation::{Disjoint, Equal, Subset, Superset, Undefined};
    match (source, target) {
        (Av::Any, Av::Any) | (Av::Na, Av::Na) => Equal,
        (Av::Any, _) => Superset,
        (Av::Na, Av::Any) => Subset,
        (Av::Na, Av::Value(t)) => {
            if has_wildcard(t) {
                Undefined
            } else {
                Disjoint
            }
        }
        (Av::Value(_), Av::Any) => Subset,
        (Av::Value(_), Av::Na) => Disjoint,
        (Av::Value(s), Av::Value(t)) => {
            if has_wildcard(t) {
                Undefined
            } else if s == t {
                Equal
            } else if has_wildcard(s) && wildcard_match(s, t) {
                Superset
            } else {
                Disjoint
            }
        }
    }
}

/// The characters of a WFN value; a quoted character (`\.`) is one.
fn units(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let w = if b[i] == b'\\' { 2.min(b.len() - i) } else { 1 };
        out.push(&s[i..i + w]);
        i += w;
    }
    out
}

/// Whether the pattern `p` (WFN form, wildcards only at its ends) matches `t` (WFN form,
/// no wildcards), as NISTIR 7696's `compareStrings`: a leading or trailing `*` matches any
/// sequence, each leading or trailing `?` exactly one character.
fn wildcard_match(p: &str, t: &str) -> bool {
    let pc = units(p);
    let (mut lo, mut hi) = (0, pc.len());
    let (mut lead_star, mut lead_q) = (false, 0);
    if pc.first() == Some(&"*") {
        lead_star = true;
        lo = 1;
    } else {
        while lo < hi && pc[lo] == "?" {
            lead_q += 1;
            lo += 1;
        }
    }
    let (mut trail_star, mut trail_q) = (false, 0);
    if hi > lo && pc[hi - 1] == "*" {
        trail_star = true;
        hi -= 1;
    } else {
        while hi > lo && pc[hi - 1] == "?" {
            trail_q += 1;
            hi -= 1;
        }
    }
    let body = &pc[lo..hi];
    let tc = units(t);
    if tc.len() < body.len() {
        return false;
    }
    (0..=tc.len() - body.len()).any(|start| {
        let after = tc.len() - start - body.len();
        tc[start..start + body.len()] == *body
            && (lead_star || start == lead_q)
            && (trail_star || after == trail_q)
    })
}

/// A plain string (a version, a vendor) as a WFN value: lower-case, every character but
/// letters, digits and `_` quoted; `None` when it is empty or has a character a CPE name
/// cannot carry (beyond printable ASCII).
pub fn quote(plain: &str) -> Option<String> {
    let mut out = String::with_capacity(plain.len() + 4);
    for c in plain.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_graphic() {
            out.push('\\');
            out.push(c);
        } else {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

impl Av {
    /// The value without WFN quoting (`1\.0` → `1.0`), for versions and display.
    pub fn unquoted(&self) -> Option<String> {
        match self {
            Av::Value(v) => {
                let mut out = String::with_capacity(v.len());
                let mut esc = false;
                for c in v.chars() {
                    if c == '\\' && !esc {
                        esc = true;
                        continue;
                    }
                    esc = false;
                    out.push(c);
                }
                Some(out)
            }
            Av::Any | Av::Na => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Wfn {
        Wfn::parse(s).unwrap()
    }

    #[test]
    fn formatted_strings_round_trip() {
        for s in [
            "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
            "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
            "cpe:2.3:a:foo\\\\bar:big\\$money_2010:*:*:*:*:special:ipod_touch:80gb:*",
            "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*",
        ] {
            assert_eq!(w(s).to_string(), s);
        }
        assert_eq!(
            w("cpe:2.3:a:Acme:Widget:1.0:*:*:*:*:*:*:*").to_string(),
            "cpe:2.3:a:acme:widget:1.0:*:*:*:*:*:*:*"
        );
    }

    #[test]
    fn uris_unbind() {
        // Found by fuzzing: a lone `%02` is ANY, so the name binds and parses back to itself.
        // Found by fuzzing: a 4 KiB URI bound to a formatted string over the old 4 KiB limit.
        let long = w(&format!("cpe:/a:{}", "w".repeat(MAX_URI_LENGTH - 7)));
        assert!(Wfn::parse(&long.to_string()).is_ok());
        let any = w("cpe:/a:%02:%02");
        assert_eq!(any.vendor(), &Av::Any);
        assert_eq!(Wfn::parse(&any.to_string()).unwrap(), any);
        assert_eq!(
            w("cpe:/a:microsoft:internet_explorer:8.%02:sp%01").to_string(),
            "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*"
        );
        assert_eq!(
            w("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~").to_string(),
            "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*"
        );
        assert_eq!(
            w("cpe:/a:redhat:enterprise_linux:8::appstream").to_string(),
            "cpe:2.3:a:redhat:enterprise_linux:8:*:appstream:*:*:*:*:*"
        );
    }

    #[test]
    fn malformed_names_are_errors() {
        for bad in [
            "cpe:2.3:a:ibm:sterling_connect:direct:6.0.0.0:*:*:*:*:*:*:*",
            "cpe:2.3:a:foo",
            "cpe:2.3:x:foo:bar:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:foo:b*r:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:foo:bar!:*:*:*:*:*:*:*:*",
            "cpe:/a:foo bar",
            // Found by fuzzing: `%02` (`*`) inside a URI value bound to an unparsable name.
            "cpe:/a:foo:b%02r",
            "cpe:/a:foo:b%01r",
            "foo",
        ] {
            assert!(Wfn::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    /// NISTIR 7696 Table 6-2 and the examples of §6.
    #[test]
    fn attribute_relations() {
        use Relation::*;
        let v = |s: &str| Av::Value(s.into());
        assert_eq!(compare_av(&Av::Any, &Av::Any), Equal);
        assert_eq!(compare_av(&Av::Any, &Av::Na), Superset);
        assert_eq!(compare_av(&Av::Any, &v("foo")), Superset);
        assert_eq!(compare_av(&Av::Na, &Av::Any), Subset);
        assert_eq!(compare_av(&Av::Na, &Av::Na), Equal);
        assert_eq!(compare_av(&Av::Na, &v("foo")), Disjoint);
        assert_eq!(compare_av(&v("foo"), &Av::Any), Subset);
        assert_eq!(compare_av(&v("foo"), &Av::Na), Disjoint);
        assert_eq!(compare_av(&v("foo"), &v("foo")), Equal);
        assert_eq!(compare_av(&v("foo"), &v("bar")), Disjoint);
        assert_eq!(compare_av(&v("foo*"), &v("foobar")), Superset);
        assert_eq!(compare_av(&v("*bar"), &v("foobar")), Superset);
        assert_eq!(compare_av(&v("foo?"), &v("foob")), Superset);
        assert_eq!(compare_av(&v("foo?"), &v("foobar")), Disjoint);
        assert_eq!(compare_av(&v("??\\.0"), &v("10\\.0")), Superset);
        assert_eq!(compare_av(&v("foo"), &v("fo*")), Undefined);
        // A name matches itself and is matched by a more general one.
        let criteria = w("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*");
        let target = w("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*");
        assert!(criteria.matches(&target));
        assert!(!target.matches(&criteria));
        assert!(target.matches(&target));
        let other = w("cpe:2.3:a:microsoft:internet_explorer:7.0:sp1:*:*:*:*:*:*");
        assert!(!criteria.matches(&other));
    }
}
