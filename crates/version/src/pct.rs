//! Percent-encoding as package URLs and `vers` ranges use it (RFC 3986 `%XX`).

/// The byte escaped at `b[i..i + 3]` (`%XX`); `upper_only` refuses lower-case hex digits.
pub(crate) fn hex_at(b: &[u8], i: usize, upper_only: bool) -> Option<u8> {
    let digit = |c: Option<&u8>| match c {
        Some(c @ b'0'..=b'9') => Some(c - b'0'),
        Some(c @ b'A'..=b'F') => Some(c - b'A' + 10),
        Some(c @ b'a'..=b'f') if !upper_only => Some(c - b'a' + 10),
        _ => None,
    };
    (b.get(i) == Some(&b'%'))
        .then(|| Some(digit(b.get(i + 1))? * 16 + digit(b.get(i + 2))?))
        .flatten()
}

/// Append `s` to `out`, every byte `keep` refuses written as `%XX` (upper-case hex).
pub(crate) fn encode(s: &str, keep: impl Fn(u8) -> bool, out: &mut String) {
    for b in s.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Decode `%XX` escapes once. With `canonical`, escapes must use upper-case hex and may not
/// encode a byte that `canonical` says is written as is.
pub(crate) fn decode(s: &str, canonical: Option<fn(u8) -> bool>) -> Result<String, String> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match (hex_at(b, i, canonical.is_some()), canonical) {
            (Some(v), Some(plain)) if plain(v) => {
                return Err(format!(
                    "`{}` at byte {i} encodes a character that is written as is",
                    &s[i..i + 3]
                ))
            }
            (Some(v), _) => out.push(v),
            (None, Some(_)) => {
                return Err(format!(
                    "`%` at byte {i} is not followed by two upper-case hex digits"
                ))
            }
            (None, None) => {
                return Err(format!("`%` at byte {i} is not followed by two hex digits"))
            }
        }
        i += 3;
    }
    String::from_utf8(out).map_err(|_| "a percent-escape decodes to invalid UTF-8".to_string())
}
