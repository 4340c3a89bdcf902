//! Maven artifact versions, ordered as Maven's `ComparableVersion` (maven-artifact 3.5–3.8;
//! 3.9 changed how zeros before a qualifier normalise, and the vers-spec/univers vectors,
//! which this follows, keep the earlier order).
//!
//! A version is split at `.` and `-` and at every change between digits and letters into a
//! tree: `-` (and a letter–digit change) opens a sub-list. Numbers compare as numbers;
//! qualifiers order `alpha` (`a` before a digit) < `beta` (`b`) < `milestone` (`m`) < `rc`
//! (`cr`) < `snapshot` < release (`""`, `ga`, `final`, `release`) < `sp`, and unknown
//! qualifiers after all of them, alphabetically. Trailing zeros and release qualifiers are
//! dropped (`1.0.0` = `1` = `1-ga`).
//!
//! Maven accepts any string as a version; craft rejects only empty strings, whitespace and
//! characters outside printable ASCII.
//!
//! Like Maven's, this order is not transitive when a qualifier follows `.` in one version
//! and `-` in another (a string item meets a sub-list and they compare by kind):
//! `9` < `9.sp` < `9-rc` < `9`. craft keeps Maven's answer for each pair.

use crate::{ParseError, Scheme};
use std::cmp::Ordering;

/// One item of a parsed version.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// A number: its digits without leading zeros (`""` is zero).
    Int(String),
    /// A qualifier, lower-case, aliases resolved.
    Str(String),
    /// A sub-list.
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

/// A parsed Maven version.
#[derive(Debug, Clone)]
pub struct MavenVersion {
    items: Vec<Item>,
}

impl Item {
    fn int(digits: &str) -> Item {
        Item::Int(digits.trim_start_matches('0').to_string())
    }

    fn string(s: &str, followed_by_digit: bool) -> Item {
        let s = if followed_by_digit && s.len() == 1 {
            match s {
                "a" => "alpha",
                "b" => "beta",
                "m" => "milestone",
                other => other,
            }
        } else {
            s
        };
        let s = match s {
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            other => other,
        };
        Item::Str(s.to_string())
    }

    fn is_null(&self) -> bool {
        match self {
            Item::Int(d) => d.is_empty(),
            Item::Str(s) => s.is_empty(),
            Item::List(l) => l.is_empty(),
        }
    }

    /// `this.compareTo(other)`, `None` standing for Java's `null` (a missing item).
    fn cmp_opt(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Int(d), None) => {
                if d.is_empty() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Int(a), Some(Item::Int(b))) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Item::Int(_), Some(_)) => Ordering::Greater,
            (Item::Str(s), None) => qualifier(s).cmp(&qualifier("")),
            (Item::Str(_), Some(Item::Int(_) | Item::List(_))) => Ordering::Less,
            (Item::Str(a), Some(Item::Str(b))) => qualifier(a).cmp(&qualifier(b)),
            (Item::List(l), None) => l.first().map_or(Ordering::Equal, |f| f.cmp_opt(None)),
            (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => list_cmp(a, b),
        }
    }
}

/// A qualifier's sort key: its index among the known ones, or after all of them.
fn qualifier(q: &str) -> (usize, &str) {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => (i, ""),
        None => (QUALIFIERS.len(), q),
    }
}

fn list_cmp(a: &[Item], b: &[Item]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let r = match (a.get(i), b.get(i)) {
            (None, None) => Ordering::Equal,
            (None, Some(r)) => r.cmp_opt(None).reverse(),
            (Some(l), r) => l.cmp_opt(r),
        };
        if r != Ordering::Equal {
            return r;
        }
    }
    Ordering::Equal
}

/// Drop trailing null items (zeros, release qualifiers, empty lists), scanning from the end
/// past sub-lists and stopping at the first other non-null item, innermost lists first
/// (`ListItem.normalize` of maven-artifact 3.8).
fn normalize(list: &mut Vec<Item>) {
    for item in list.iter_mut() {
        if let Item::List(l) = item {
            normalize(l);
        }
    }
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// A builder of nested lists: `path` holds the indices of the open sub-lists.
struct Tree {
    root: Vec<Item>,
    depth: usize,
}

impl Tree {
    fn current(&mut self) -> &mut Vec<Item> {
        let mut list = &mut self.root;
        for _ in 0..self.depth {
            match list.last_mut() {
                Some(Item::List(l)) => list = l,
                _ => unreachable!("each open level ends with its sub-list"),
            }
        }
        list
    }

    fn push(&mut self, item: Item) {
        self.current().push(item);
    }

    fn open(&mut self) {
        self.current().push(Item::List(Vec::new()));
        self.depth += 1;
    }
}

/// Most `.`/`-`-separated parts accepted.
const MAX_PARTS: usize = 10_000;

/// Deepest nesting accepted (each `-` or letter–digit change nests once).
const MAX_ITEMS: usize = 1000;

impl MavenVersion {
    /// Parse a version (any printable ASCII string).
    pub fn parse(text: &str) -> Result<MavenVersion, ParseError> {
        let err = |reason: &str| ParseError::new(Scheme::Maven, text, reason);
        if text.is_empty() {
            return Err(err("the version is empty"));
        }
        if let Some(c) = text.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(err(&format!("{c:?} is not printable ASCII")));
        }
        if text.bytes().filter(|b| matches!(b, b'.' | b'-')).count() > MAX_PARTS {
            return Err(err("more than 10,000 parts"));
        }
        let v = text.to_ascii_lowercase();
        let b = v.as_bytes();
        let mut t = Tree {
            root: Vec::new(),
            depth: 0,
        };
        let mut is_digit = false;
        let mut start = 0;
        let item = |digit: bool, s: &str| {
            if digit {
                Item::int(s)
            } else {
                Item::string(s, false)
            }
        };
        for (i, &c) in b.iter().enumerate() {
            match c {
                b'.' => {
                    t.push(if i == start {
                        Item::Int(String::new())
                    } else {
                        item(is_digit, &v[start..i])
                    });
                    start = i + 1;
                }
                b'-' => {
                    t.push(if i == start {
                        Item::Int(String::new())
                    } else {
                        item(is_digit, &v[start..i])
                    });
                    start = i + 1;
                    t.open();
                }
                c if c.is_ascii_digit() => {
                    if !is_digit && i > start {
                        t.push(Item::string(&v[start..i], true));
                        start = i;
                        t.open();
                    }
                    is_digit = true;
                }
                _ => {
                    if is_digit && i > start {
                        t.push(Item::int(&v[start..i]));
                        start = i;
                        t.open();
                    }
                    is_digit = false;
                }
            }
            if t.depth > MAX_ITEMS {
                return Err(err("more than 1000 nested parts"));
            }
        }
        if v.len() > start {
            t.push(item(is_digit, &v[start..]));
        }
        let mut items = t.root;
        normalize(&mut items);
        Ok(MavenVersion { items })
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        list_cmp(&self.items, &other.items)
    }
}

crate::order_from_cmp!(MavenVersion);

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        MavenVersion::parse(a)
            .unwrap()
            .cmp(&MavenVersion::parse(b).unwrap())
    }

    #[test]
    fn qualifiers_and_padding() {
        assert_eq!(c("1", "1.0.0"), Ordering::Equal);
        assert_eq!(c("1-ga", "1"), Ordering::Equal);
        assert_eq!(c("1-alpha-1", "1-beta"), Ordering::Less);
        assert_eq!(c("1a1", "1-alpha-1"), Ordering::Equal);
        assert_eq!(c("1-rc1", "1-cr1"), Ordering::Equal);
        assert_eq!(c("1-snapshot", "1"), Ordering::Less);
        assert_eq!(c("1-sp1", "1"), Ordering::Greater);
        assert_eq!(c("1.1", "1-sp1"), Ordering::Greater);
        assert_eq!(c("1-xyz", "1-sp"), Ordering::Greater);
        assert_eq!(c("1.0.1", "1.0-1"), Ordering::Greater);
        assert_eq!(c("2.0.0.Final", "2"), Ordering::Equal);
    }
}
