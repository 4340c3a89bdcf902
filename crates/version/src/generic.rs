//! The generic scheme: versions without a declared scheme, as NVD and CPE names carry them
//! (`2.8.123e`, `1.0.2k`, `4.3p1`, `2021-03-04`, `7.0.0.3`, `r1.2`).
//!
//! Rules (deliberately simple, so a finding can be explained):
//! 1. The version is split into *numbers* (runs of digits) and *words* (runs of ASCII
//!    letters, compared case-insensitively). Any other printable character (`.`, `-`, `_`,
//!    `+`, `:`, `~`, `/`) only separates. Whitespace and non-ASCII are errors, and so is a
//!    string with no digit at all (NVD's `-` and `*` are not versions).
//! 2. The shorter version is padded with zeros, and tokens compare pairwise from the left.
//!    Kinds order *pre-release word* < *number* < *other word*: the pre-release words
//!    `dev` < `alpha`/`a` < `beta`/`b` < `pre`/`preview` < `rc`/`c` are older than any
//!    number, other words newer. Two numbers compare numerically (any length), two other
//!    words alphabetically.
//!
//! 3. A leading `v` or `V` directly before a digit is a tag prefix and ignored (`v1.2.3` =
//!    `1.2.3`: Go modules, git tags); elsewhere it is a word.
//!
//! So `1.0` = `1.0.0`, `1.0rc1` < `1.0` < `1.0.1`, `1.0.2` < `1.0.2k` < `1.0.3`,
//! `4.3` < `4.3p1`. One consequence to know: a letter beats a number in the same position
//! (`1.0.2k` > `1.0.2.1`); no real product is known to mix the two styles. This is a total
//! order (padded sequences compared lexicographically), which the property tests check.

use crate::{ParseError, Scheme};
use std::cmp::Ordering;

/// A parsed generic version.
#[derive(Debug, Clone)]
pub struct GenericVersion<'a> {
    tokens: Vec<Token<'a>>,
}

#[derive(Debug, Clone, Copy)]
enum Token<'a> {
    /// Digits without leading zeros (`""` is zero).
    Number(&'a str),
    /// Letters.
    Word(&'a str),
}

/// Rank of a pre-release word; `None` for other words.
fn pre_release(word: &str) -> Option<u8> {
    Some(match word.to_ascii_lowercase().as_str() {
        "dev" => 0,
        "alpha" | "a" => 1,
        "beta" | "b" => 2,
        "pre" | "preview" => 3,
        "rc" | "c" => 4,
        _ => return None,
    })
}

impl<'a> GenericVersion<'a> {
    /// Parse a generic version.
    pub fn parse(text: &'a str) -> Result<GenericVersion<'a>, ParseError> {
        let err = |reason: String| ParseError::new(Scheme::Generic, text, reason);
        if let Some((i, c)) = text.char_indices().find(|(_, c)| !c.is_ascii_graphic()) {
            return Err(err(format!("{c:?} at byte {i}")));
        }
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            return Err(err("no digit: not a version".into()));
        }
        let b = text.as_bytes();
        let mut tokens = Vec::new();
        // `v1.2.3`: a tag prefix, not a word.
        let mut i =
            usize::from(b.len() > 1 && matches!(b[0], b'v' | b'V') && b[1].is_ascii_digit());
        while i < b.len() {
            let start = i;
            if b[i].is_ascii_digit() {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let digits = text[start..i].trim_start_matches('0');
                tokens.push(Token::Number(digits));
            } else if b[i].is_ascii_alphabetic() {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                tokens.push(Token::Word(&text[start..i]));
            } else {
                i += 1;
            }
        }
        Ok(GenericVersion { tokens })
    }
}

fn cmp_token(a: Token<'_>, b: Token<'_>) -> Ordering {
    match (a, b) {
        (Token::Number(x), Token::Number(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Token::Number(_), Token::Word(w)) => {
            if pre_release(w).is_some() {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Token::Word(_), Token::Number(_)) => cmp_token(b, a).reverse(),
        (Token::Word(x), Token::Word(y)) => match (pre_release(x), pre_release(y)) {
            (Some(p), Some(q)) => p.cmp(&q),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => x
                .bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(y.bytes().map(|c| c.to_ascii_lowercase())),
        },
    }
}

/// How the rest of the longer version orders against zeros.
fn tail(rest: &[Token<'_>]) -> Ordering {
    rest.iter()
        .map(|t| cmp_token(*t, Token::Number("")))
        .find(|o| *o != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
}

impl Ord for GenericVersion<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.tokens.iter().zip(&other.tokens) {
            let o = cmp_token(*a, *b);
            if o != Ordering::Equal {
                return o;
            }
        }
        let n = self.tokens.len().min(other.tokens.len());
        match self.tokens.len().cmp(&other.tokens.len()) {
            Ordering::Equal => Ordering::Equal,
            Ordering::Greater => tail(&self.tokens[n..]),
            Ordering::Less => tail(&other.tokens[n..]).reverse(),
        }
    }
}

crate::order_from_cmp!(GenericVersion<'_>);

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        GenericVersion::parse(a)
            .unwrap()
            .cmp(&GenericVersion::parse(b).unwrap())
    }

    #[test]
    fn nvd_strings() {
        assert_eq!(c("2.8.123e", "2.8.123"), Ordering::Greater);
        assert_eq!(c("2.8.123e", "2.8.124"), Ordering::Less);
        assert_eq!(c("1.0.2k", "1.0.2j"), Ordering::Greater);
        assert_eq!(c("1.0.2k", "1.1.0"), Ordering::Less);
        assert_eq!(c("4.3p1", "4.3"), Ordering::Greater);
        assert_eq!(c("1.0rc1", "1.0"), Ordering::Less);
        assert_eq!(c("1.0-beta", "1.0-alpha"), Ordering::Greater);
        assert_eq!(c("1.0", "1.0.0"), Ordering::Equal);
        assert_eq!(c("2021-03-04", "2021-12-01"), Ordering::Less);
        assert_eq!(c("1.0.2k", "1.0.2.1"), Ordering::Greater);
        assert_eq!(c("1.0.1", "1.0.beta"), Ordering::Greater);
        assert_eq!(c("1.10", "1.9"), Ordering::Greater);
        // A tag prefix is not a word (Go's v1.22.0 is below 28.2).
        assert_eq!(c("v1.22.0", "28.2"), Ordering::Less);
        assert_eq!(c("v1.2.3", "1.2.3"), Ordering::Equal);
        assert_eq!(c("r1.2", "1.2"), Ordering::Greater);
        for bad in ["", "-", "*", "beta", "1.0 beta", "1.0\u{e9}"] {
            assert!(GenericVersion::parse(bad).is_err(), "{bad:?}");
        }
    }
}
