//! A compact JSON document that borrows from its text.
//!
//! `serde_json::Value` spends most of a large SBOM's parse on allocation: a `String` per
//! string and a B-tree node (room for eleven members) per object, every one zeroed and freed
//! again. Here strings are slices of the input text (only strings with escapes are copied),
//! and every array and object is one slice in a [`Bump`] arena, so a document costs about
//! its own size again, is built with a handful of allocations and freed in one.
//!
//! The grammar, the error messages and positions, and the nesting limit (128) are
//! `serde_json`'s: the document is built through its deserializer. Duplicate member names keep
//! the last value, as `serde_json::Value` does.
//!
//! The same document is what the schema validator reads ([`Dom`] implements `jsonschema`'s
//! representation traits) and what the interpreters walk, so nothing is parsed twice.

use bumpalo::Bump;
use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use jsonschema::JsonType;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};

/// Seeded per call, so crafted input cannot aim at collisions; ahash is several times
/// faster than std's SipHash on the short keys of an SBOM.
type Seeded = ahash::RandomState;

/// A JSON number, as `serde_json` reads it (without arbitrary precision).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// Anything else (a fraction or an exponent, or an integer out of range).
    Float(f64),
}

/// One JSON value borrowed from the text and the arena.
///
/// `==` compares structure (member order too); [`equals`] is JSON equality.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(&'a str),
    /// An array.
    Array(&'a [Value<'a>]),
    /// An object.
    Object(Map<'a>),
}

/// An object's members, in document order, names unique.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Map<'a>(&'a [(&'a str, Value<'a>)]);

impl<'a> Map<'a> {
    /// The value of member `key`.
    pub fn get(&self, key: &str) -> Option<&'a Value<'a>> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Whether member `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Members in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a Value<'a>)> + 'a {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    /// Member names in document order.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().map(|(k, _)| *k)
    }

    /// Member values in document order.
    pub fn values(&self) -> impl Iterator<Item = &'a Value<'a>> + 'a {
        self.0.iter().map(|(_, v)| v)
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> Value<'a> {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&'a Value<'a>> {
        match self {
            Value::Object(m) => m.get(key),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Map<'a>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&'a [Value<'a>]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as `u64`, if it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The number as `i64`, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The number as `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// The JSON type's name with an article, for messages ("an object").
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// An owned `serde_json::Value` with the same content.
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => n
                .to_serde()
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::String(s) => serde_json::Value::String((*s).to_string()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Value::to_serde).collect()),
            Value::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_serde()))
                    .collect(),
            ),
        }
    }

    /// The same content as `value`, with strings borrowed from it and containers in `bump`.
    pub fn from_serde(value: &'a serde_json::Value, bump: &'a Bump) -> Value<'a> {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(Number::from_serde(n)),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(a) => Value::Array(
                bump.alloc_slice_fill_iter(a.iter().map(|v| Value::from_serde(v, bump))),
            ),
            serde_json::Value::Object(m) => Value::Object(Map(bump.alloc_slice_fill_iter(
                m.iter()
                    .map(|(k, v)| (k.as_str(), Value::from_serde(v, bump))),
            ))),
        }
    }
}

impl Number {
    fn as_u64(self) -> Option<u64> {
        match self {
            Number::PosInt(u) => Some(u),
            Number::NegInt(_) | Number::Float(_) => None,
        }
    }

    fn as_i64(self) -> Option<i64> {
        match self {
            Number::PosInt(u) => i64::try_from(u).ok(),
            Number::NegInt(i) => Some(i),
            Number::Float(_) => None,
        }
    }

    #[allow(clippy::cast_precision_loss)]
    fn as_f64(self) -> Option<f64> {
        Some(match self {
            Number::PosInt(u) => u as f64,
            Number::NegInt(i) => i as f64,
            Number::Float(f) => f,
        })
    }

    fn to_serde(self) -> Option<serde_json::Number> {
        match self {
            Number::PosInt(u) => Some(u.into()),
            Number::NegInt(i) => Some(i.into()),
            Number::Float(f) => serde_json::Number::from_f64(f),
        }
    }

    fn from_serde(n: &serde_json::Number) -> Number {
        if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    /// Mathematical equality, as JSON Schema's `const`, `enum` and `uniqueItems` compare.
    #[allow(clippy::float_cmp, clippy::cast_precision_loss)]
    fn equals(self, other: Number) -> bool {
        match (self, other) {
            (Number::PosInt(a), Number::PosInt(b)) => a == b,
            (Number::NegInt(a), Number::NegInt(b)) => a == b,
            (Number::PosInt(_), Number::NegInt(_)) | (Number::NegInt(_), Number::PosInt(_)) => {
                false
            }
            (Number::Float(a), Number::Float(b)) => a == b,
            (Number::Float(f), Number::PosInt(u)) | (Number::PosInt(u), Number::Float(f)) => {
                f.fract() == 0.0
                    && (0.0..18_446_744_073_709_551_616.0).contains(&f)
                    && f as u64 == u
            }
            (Number::Float(f), Number::NegInt(i)) | (Number::NegInt(i), Number::Float(f)) => {
                f.fract() == 0.0
                    && (-9_223_372_036_854_775_808.0..0.0).contains(&f)
                    && f as i64 == i
            }
        }
    }
}

impl fmt::Display for Value<'_> {
    /// Compact JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_serde().fmt(f)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_serde() {
            Some(n) => n.fmt(f),
            None => f.write_str("NaN"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Parsing

/// Parse `text` into a document whose containers live in `bump`.
///
/// Errors are `serde_json`'s, with their line and column.
pub fn parse<'a>(text: &'a str, bump: &'a Bump) -> serde_json::Result<Value<'a>> {
    let scratch = Scratch::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed {
        bump,
        scratch: &scratch,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Elements and members of the containers being read, innermost last; each container moves
/// its own into the arena when it closes.
#[derive(Default)]
struct Scratch<'a> {
    items: RefCell<Vec<Value<'a>>>,
    members: RefCell<Vec<(&'a str, Value<'a>)>>,
}

#[derive(Clone, Copy)]
struct Seed<'s, 'a> {
    bump: &'a Bump,
    scratch: &'s Scratch<'a>,
}

impl<'a> DeserializeSeed<'a> for Seed<'_, 'a> {
    type Value = Value<'a>;

    fn deserialize<D: de::Deserializer<'a>>(self, d: D) -> Result<Value<'a>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'a> Visitor<'a> for Seed<'_, 'a> {
    type Value = Value<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value<'a>, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value<'a>, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value<'a>, E> {
        Ok(Value::Bool(b))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value<'a>, E> {
        Ok(Value::Number(Number::PosInt(u)))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value<'a>, E> {
        Ok(Value::Number(if let Ok(u) = u64::try_from(i) {
            Number::PosInt(u)
        } else {
            Number::NegInt(i)
        }))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value<'a>, E> {
        Ok(Value::Number(Number::Float(f)))
    }

    fn visit_borrowed_str<E>(self, s: &'a str) -> Result<Value<'a>, E> {
        Ok(Value::String(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value<'a>, E> {
        Ok(Value::String(self.bump.alloc_str(s)))
    }

    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<Value<'a>, A::Error> {
        let start = self.scratch.items.borrow().len();
        while let Some(v) = seq.next_element_seed(self)? {
            self.scratch.items.borrow_mut().push(v);
        }
        let mut items = self.scratch.items.borrow_mut();
        let slice = self.bump.alloc_slice_copy(&items[start..]);
        items.truncate(start);
        Ok(Value::Array(slice))
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Value<'a>, A::Error> {
        let start = self.scratch.members.borrow().len();
        while let Some(k) = map.next_key_seed(Key(self.bump))? {
            let v = map.next_value_seed(self)?;
            self.scratch.members.borrow_mut().push((k, v));
        }
        let mut members = self.scratch.members.borrow_mut();
        dedup_last(&mut members, start);
        let slice = self.bump.alloc_slice_copy(&members[start..]);
        members.truncate(start);
        Ok(Value::Object(Map(slice)))
    }
}

/// Keep only the last of members with the same name in `members[start..]`, in place.
fn dedup_last(members: &mut Vec<(&str, Value<'_>)>, start: usize) {
    let own = &members[start..];
    let duplicated = if own.len() <= 16 {
        own.iter()
            .enumerate()
            .any(|(i, (k, _))| own[i + 1..].iter().any(|(l, _)| l == k))
    } else {
        let mut seen = HashSet::with_capacity_and_hasher(own.len(), Seeded::new());
        !own.iter().all(|(k, _)| seen.insert(*k))
    };
    if !duplicated {
        return;
    }
    let mut seen = HashSet::with_hasher(Seeded::new());
    let mut keep: Vec<_> = members[start..]
        .iter()
        .rev()
        .filter(|(k, _)| seen.insert(*k))
        .copied()
        .collect();
    keep.reverse();
    members.truncate(start);
    members.extend(keep);
}

/// A member name: borrowed from the text unless it has escapes.
struct Key<'a>(&'a Bump);

impl<'a> DeserializeSeed<'a> for Key<'a> {
    type Value = &'a str;

    fn deserialize<D: de::Deserializer<'a>>(self, d: D) -> Result<&'a str, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'a> Visitor<'a> for Key<'a> {
    type Value = &'a str;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, s: &'a str) -> Result<&'a str, E> {
        Ok(s)
    }

    fn visit_str<E>(self, s: &str) -> Result<&'a str, E> {
        Ok(self.0.alloc_str(s))
    }
}

// ---------------------------------------------------------------------------------------
// The representation `jsonschema` validates

/// Marker type: documents of this module as a `jsonschema` instance representation.
pub struct Dom;

impl Json for Dom {
    type Node<'a> = &'a Value<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = ();

    // Lookups are linear scans of a short slice: a pass over the members is never dearer.
    const KEYS_PER_LOOKUP: usize = 4;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(Self::Node<'_>) -> T) -> T {
        f(&Value::String(string))
    }
}

impl JsonNumber for Number {
    fn as_u64(&self) -> Option<u64> {
        Number::as_u64(*self)
    }

    fn as_i64(&self) -> Option<i64> {
        Number::as_i64(*self)
    }

    fn as_f64(&self) -> Option<f64> {
        Number::as_f64(*self)
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(self.to_serde().unwrap_or_else(|| 0.into()))
    }
}

impl<'a> Node<'a, Dom> for &'a Value<'a> {
    type Object = Map<'a>;
    type Array = &'a [Value<'a>];
    type Number = Number;

    fn as_object(&self) -> Option<Map<'a>> {
        match self {
            Value::Object(m) => Some(*m),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&'a [Value<'a>]> {
        Value::as_array(self)
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        Value::as_str(self).map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<Number> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        Value::as_bool(self)
    }

    fn is_null(&self) -> bool {
        Value::is_null(self)
    }

    fn json_type(&self) -> JsonType {
        match self {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    fn string_length_within(&self, min: u64, max: u64) -> Option<bool> {
        let s = Value::as_str(self)?;
        let bytes = s.len() as u64;
        // A code point is one to four bytes.
        if bytes < min || bytes.div_ceil(4) > max {
            return Some(false);
        }
        if min <= bytes.div_ceil(4) && bytes <= max {
            return Some(true);
        }
        Some((min..=max).contains(&(s.chars().count() as u64)))
    }

    fn equals_value(&self, expected: &serde_json::Value) -> bool {
        equals_serde(self, expected)
    }

    fn to_value(&self) -> Cow<'a, serde_json::Value> {
        Cow::Owned(self.to_serde())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(
            std::ptr::from_ref::<Value<'a>>(*self) as usize
        ))
    }
}

/// The members of a [`Map`], as `jsonschema` iterates them.
pub struct Members<'a>(std::slice::Iter<'a, (&'a str, Value<'a>)>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (*k, v))
    }
}

impl<'a> Object<'a, Dom> for Map<'a> {
    type Node = &'a Value<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, key: &Box<str>) -> Option<&'a Value<'a>> {
        Map::get(self, key)
    }

    fn members(&self) -> Members<'a> {
        Members(self.0.iter())
    }
}

impl<'a> Array<'a, Dom> for &'a [Value<'a>] {
    type Node = &'a Value<'a>;
    type ElementsIter = std::slice::Iter<'a, Value<'a>>;

    fn len(&self) -> usize {
        <[Value<'a>]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Value<'a>> {
        self.iter()
    }

    fn is_unique(&self) -> bool {
        is_unique(self)
    }
}

// ---------------------------------------------------------------------------------------
// Equality, as JSON Schema defines it

/// JSON equality: numbers compare mathematically, objects ignore member order.
pub fn equals(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x.equals(*y),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equals(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| equals(v, w)))
        }
        _ => false,
    }
}

/// JSON equality against a `serde_json::Value` (a schema's `const` or `enum` entry).
fn equals_serde(a: &Value<'_>, b: &serde_json::Value) -> bool {
    use serde_json::Value as S;
    match (a, b) {
        (Value::Null, S::Null) => true,
        (Value::Bool(x), S::Bool(y)) => x == y,
        (Value::Number(x), S::Number(y)) => x.equals(Number::from_serde(y)),
        (Value::String(x), S::String(y)) => *x == y.as_str(),
        (Value::Array(x), S::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equals_serde(p, q))
        }
        (Value::Object(x), S::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| equals_serde(v, w)))
        }
        _ => false,
    }
}

/// Feed `v` to `h` so that values [`equals`] calls equal hash alike.
fn hash_value<H: Hasher>(v: &Value<'_>, state: &Seeded, h: &mut H) {
    match v {
        Value::Null => h.write_u8(0),
        Value::Bool(b) => {
            h.write_u8(1);
            b.hash(h);
        }
        Value::Number(n) => {
            h.write_u8(2);
            // Equal numbers have equal `f64` values (distinct ones may too: `equals` decides).
            let f = n.as_f64().unwrap_or(0.0);
            let f = if f == 0.0 { 0.0 } else { f };
            h.write_u64(f.to_bits());
        }
        Value::String(s) => {
            h.write_u8(3);
            s.hash(h);
        }
        Value::Array(a) => {
            h.write_u8(4);
            h.write_usize(a.len());
            for x in a.iter() {
                hash_value(x, state, h);
            }
        }
        Value::Object(m) => {
            // Order-independent: the sum of each member's own hash.
            h.write_u8(5);
            h.write_usize(m.len());
            let mut sum = 0u64;
            for (k, x) in m.iter() {
                let mut mh = state.build_hasher();
                k.hash(&mut mh);
                hash_value(x, state, &mut mh);
                sum = sum.wrapping_add(mh.finish());
            }
            h.write_u64(sum);
        }
    }
}

/// `uniqueItems`: no two elements equal.
fn is_unique(items: &[Value<'_>]) -> bool {
    match items.len() {
        0 | 1 => return true,
        2..=8 => {
            return items
                .iter()
                .enumerate()
                .all(|(i, a)| items[i + 1..].iter().all(|b| !equals(a, b)))
        }
        _ => {}
    }
    if items.iter().all(Value::is_string) {
        let mut seen = HashSet::with_capacity_and_hasher(items.len(), Seeded::new());
        return items.iter().all(|v| seen.insert(v.as_str()));
    }
    let state = Seeded::new();
    let mut buckets: std::collections::HashMap<u64, Vec<usize>> =
        std::collections::HashMap::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        let mut h = state.build_hasher();
        hash_value(v, &state, &mut h);
        let bucket = buckets.entry(h.finish()).or_default();
        if bucket.iter().any(|&j| equals(&items[j], v)) {
            return false;
        }
        bucket.push(i);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<T>(text: &str, f: impl FnOnce(Value<'_>) -> T) -> T {
        let bump = Bump::new();
        f(parse(text, &bump).expect("parses"))
    }

    #[test]
    fn strings_borrow_unless_escaped_and_keep_their_content() {
        let text = r#"{"a": "plain", "b\u0041": "tab\there", "n": [1, -2, 2.5, 1e300]}"#;
        let bump = Bump::new();
        let v = parse(text, &bump).unwrap();
        let plain = v.get("a").unwrap().as_str().unwrap();
        assert!(text.as_bytes().as_ptr_range().contains(&plain.as_ptr()));
        assert_eq!(v.get("bA").unwrap().as_str(), Some("tab\there"));
        let n = v.get("n").unwrap().as_array().unwrap();
        assert_eq!(n[0].as_u64(), Some(1));
        assert_eq!(n[1].as_i64(), Some(-2));
        assert_eq!(n[2].as_f64(), Some(2.5));
    }

    #[test]
    fn matches_serde_json_on_content_and_errors() {
        let texts = [
            r#"{"z": 1, "a": [true, false, null, {"x": "y"}], "e": {}, "f": []}"#,
            r#"{"a": 1, "a": 2, "b": {"c": 3, "c": [4]}}"#,
            "[1, 2",
            r#"{"a": "\ud800"}"#,
            "{} x",
            "\"unterminated",
            "01",
        ];
        for t in texts {
            let bump = Bump::new();
            match (
                parse(t, &bump),
                serde_json::from_str::<serde_json::Value>(t),
            ) {
                (Ok(a), Ok(b)) => assert_eq!(a.to_serde(), b, "{t}"),
                (Err(a), Err(b)) => {
                    assert_eq!((a.line(), a.column()), (b.line(), b.column()), "{t}");
                    assert_eq!(a.to_string(), b.to_string(), "{t}");
                }
                (a, b) => panic!("{t}: ours {:?}, serde_json {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }

    #[test]
    fn nesting_is_bounded_like_serde_json() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        let bump = Bump::new();
        let err = parse(&deep, &bump).unwrap_err();
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }

    #[test]
    fn equality_and_uniqueness_follow_json_schema() {
        with(
            r#"[{"a": 1, "b": [1.0]}, {"b": [1], "a": 1.0}, 1, 1.0, "x", "x"]"#,
            |v| {
                let a = v.as_array().unwrap();
                assert!(equals(&a[0], &a[1]));
                assert!(equals(&a[2], &a[3]));
                assert!(!equals(&a[0], &a[2]));
                assert!(!is_unique(&a[..2]));
                assert!(is_unique(&a[1..3]));
                assert!(!is_unique(&a[4..]));
            },
        );
        let many: Vec<String> = (0..20).map(|i| format!("{{\"k\": {i}}}")).collect();
        let unique = format!("[{}]", many.join(","));
        with(&unique, |v| assert!(is_unique(v.as_array().unwrap())));
        let repeated = format!("[{}, {{\"k\": 3.0}}]", many.join(","));
        with(&repeated, |v| assert!(!is_unique(v.as_array().unwrap())));
    }

    #[test]
    fn serde_round_trip_keeps_content() {
        let s = serde_json::json!({"a": [1, "b", null, {"c": 2.5}], "d": true});
        let bump = Bump::new();
        assert_eq!(Value::from_serde(&s, &bump).to_serde(), s);
    }
}
