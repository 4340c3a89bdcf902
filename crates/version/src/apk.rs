//! Alpine Linux (apk) package versions, ordered as apk-tools 2.12 orders them.
//!
//! Grammar: `digits{.digits}[letter]{_suffix[digits]}[-r digits]`, with the pre-release
//! suffixes `alpha` < `beta` < `pre` < `rc` (older than no suffix) and the post-release
//! suffixes `cvs` < `svn` < `git` < `hg` < `p` (newer). apk compares token by token; a
//! component after a `.` with leading zeros compares as a fraction (`1.01` < `1.1`).
//!
//! A string that apk's tokenizer rejects is an error here (apk itself would fall back to a
//! string comparison). apk's quirks are kept, because they are what the package manager
//! does: after a component of zeros a pre-release suffix does not make a version older
//! (`1.0_rc1` > `1.0`, while `1.1_rc1` < `1.1`).

use crate::{ParseError, Scheme};
use std::cmp::Ordering;

/// Token kinds in apk-tools' order (the order matters: see [`compare_valid`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tok {
    Invalid,
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    RevisionNo,
    End,
}

const PRE: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

/// Longest digit run accepted (apk reads numbers into a machine integer).
const MAX_DIGITS: usize = 18;

struct Cursor<'a> {
    s: &'a [u8],
    tok: Tok,
}

impl Cursor<'_> {
    /// Read the value of the current token and move to the next one (apk's `get_token`).
    fn value(&mut self) -> i64 {
        let s = self.s;
        let mut i = 0;
        let mut v: i64 = 0;
        let mut next = Tok::Invalid;
        match self.tok {
            Tok::DigitOrZero if s.first() == Some(&b'0') => {
                while s.get(i) == Some(&b'0') {
                    i += 1;
                }
                next = Tok::Digit;
                v = -(i64::try_from(i).unwrap_or(i64::MAX));
            }
            Tok::DigitOrZero | Tok::Digit | Tok::SuffixNo | Tok::RevisionNo => {
                while let Some(d) = s.get(i).filter(|c| c.is_ascii_digit()) {
                    v = v.saturating_mul(10).saturating_add(i64::from(d - b'0'));
                    i += 1;
                }
            }
            Tok::Letter => {
                v = i64::from(s[0]);
                i = 1;
            }
            Tok::Suffix => {
                if let Some(n) = PRE.iter().position(|p| s.starts_with(p.as_bytes())) {
                    i = PRE[n].len();
                    v = n as i64 - PRE.len() as i64;
                } else if let Some(n) = POST.iter().position(|p| s.starts_with(p.as_bytes())) {
                    i = POST[n].len();
                    v = n as i64;
                } else {
                    self.tok = Tok::Invalid;
                    return -1;
                }
            }
            Tok::Invalid | Tok::End => {
                self.tok = Tok::Invalid;
                return -1;
            }
        }
        self.s = &s[i..];
        if self.s.is_empty() {
            self.tok = Tok::End;
        } else if next != Tok::Invalid {
            self.tok = next;
        } else {
            self.next_token();
        }
        v
    }

    /// Decide the kind of the next token from the separator at hand (apk's `next_token`).
    fn next_token(&mut self) {
        let s = self.s;
        let t = self.tok;
        let mut n = Tok::Invalid;
        match s.first() {
            None | Some(0) => n = Tok::End,
            Some(c) if matches!(t, Tok::Digit | Tok::DigitOrZero) && c.is_ascii_lowercase() => {
                n = Tok::Letter;
            }
            Some(c) if t == Tok::Letter && c.is_ascii_digit() => n = Tok::Digit,
            Some(c) if t == Tok::Suffix && c.is_ascii_digit() => n = Tok::SuffixNo,
            Some(c) => {
                let mut skip = 1;
                match c {
                    b'.' => n = Tok::DigitOrZero,
                    b'_' => n = Tok::Suffix,
                    b'-' if s.get(1) == Some(&b'r') => {
                        n = Tok::RevisionNo;
                        skip = 2;
                    }
                    _ => {}
                }
                self.s = &s[skip.min(s.len())..];
            }
        }
        if n < t
            && !((n == Tok::DigitOrZero && t == Tok::Digit)
                || (n == Tok::Suffix && t == Tok::SuffixNo)
                || (n == Tok::Digit && t == Tok::Letter))
        {
            n = Tok::Invalid;
        }
        self.tok = n;
    }
}

/// Check that apk's tokenizer reads `text` to the end.
pub fn validate(text: &str) -> Result<(), ParseError> {
    let err = |reason: &str| ParseError::new(Scheme::Apk, text, reason);
    if text.is_empty() {
        return Err(err("the version is empty"));
    }
    if !text.as_bytes()[0].is_ascii_digit() {
        return Err(err("the version does not start with a digit"));
    }
    if text
        .as_bytes()
        .split(|c| !c.is_ascii_digit())
        .any(|run| run.len() > MAX_DIGITS)
    {
        return Err(err("a number has more than 18 digits"));
    }
    let mut c = Cursor {
        s: text.as_bytes(),
        tok: Tok::Digit,
    };
    loop {
        match c.tok {
            Tok::End => return Ok(()),
            Tok::Invalid => {
                let at = text.len() - c.s.len();
                return Err(err(&format!(
                    "unexpected text at byte {at} (expected digits, `.`, one letter, `_suffix` or `-rN`)"
                )));
            }
            _ => {
                c.value();
            }
        }
    }
}

/// Compare two versions `validate` accepted (apk's `apk_version_compare_blob`).
pub(crate) fn compare_valid(a: &str, b: &str) -> Ordering {
    let mut a = Cursor {
        s: a.as_bytes(),
        tok: Tok::Digit,
    };
    let mut b = Cursor {
        s: b.as_bytes(),
        tok: Tok::Digit,
    };
    let (mut av, mut bv) = (0, 0);
    while a.tok == b.tok && a.tok != Tok::End && a.tok != Tok::Invalid && av == bv {
        av = a.value();
        bv = b.value();
    }
    if av != bv {
        return av.cmp(&bv);
    }
    if a.tok == b.tok {
        return Ordering::Equal;
    }
    // Equal so far: the longer one is newer, unless what follows is a pre-release suffix.
    if a.tok == Tok::Suffix && a.value() < 0 {
        return Ordering::Less;
    }
    if b.tok == Tok::Suffix && b.value() < 0 {
        return Ordering::Greater;
    }
    b.tok.cmp(&a.tok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        validate(a).unwrap();
        validate(b).unwrap();
        compare_valid(a, b)
    }

    #[test]
    fn suffixes_and_revisions() {
        assert_eq!(c("1.1_rc1", "1.1"), Ordering::Less);
        // apk-tools 2.12 quirk, kept for fidelity: after a `.0` component the tokenizer
        // reads an empty number before the suffix, so `1.0_rc1` sorts *after* `1.0`.
        assert_eq!(c("1.0_rc1", "1.0"), Ordering::Greater);
        assert_eq!(c("1.0_p1", "1.0"), Ordering::Greater);
        assert_eq!(c("1.0-r1", "1.0"), Ordering::Greater);
        assert_eq!(c("1.0a", "1.0"), Ordering::Greater);
        assert_eq!(c("1.01", "1.1"), Ordering::Less);
        assert_eq!(c("1.2.3", "1.2.3"), Ordering::Equal);
    }

    #[test]
    fn garbage_is_an_error() {
        for bad in ["", "a1", "1.0-x", "1.0_foo", "1.0bc", "1.0 1"] {
            assert!(validate(bad).is_err(), "{bad:?} accepted");
        }
    }
}
