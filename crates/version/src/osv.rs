//! OSV `affected[]` ranges: `ranges[]` of `SEMVER`, `ECOSYSTEM` or `GIT` type with
//! `introduced` / `fixed` / `last_affected` / `limit` events, and the `versions` list,
//! evaluated for one version.
//!
//! The evaluation is the OSV specification's: events are sorted by version (`introduced: 0`
//! first); a version is affected when the last event at or below it is an `introduced`
//! (with `last_affected`, the version itself is still affected; with `fixed`, it is not).
//! `limit` bounds the range from above. A version listed in `versions` is affected. `GIT`
//! ranges name commits, which a version string cannot be placed among: they answer
//! [`Verdict::Unknown`] unless `versions` decides.

use crate::{compare, Scheme};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

pub use crate::range::Verdict;

/// The scheme an OSV ecosystem's versions follow (`None`: no total order known to craft).
pub fn ecosystem_scheme(ecosystem: &str) -> Option<Scheme> {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    Some(match base {
        "Debian" | "Ubuntu" => Scheme::Deb,
        "Alpine" | "Chainguard" | "Wolfi" => Scheme::Apk,
        "Red Hat" | "Rocky Linux" | "AlmaLinux" | "openSUSE" | "SUSE" | "Mageia" => Scheme::Rpm,
        "npm" => Scheme::Npm,
        "crates.io" => Scheme::Cargo,
        "Go" => Scheme::Golang,
        "PyPI" => Scheme::Pypi,
        "Maven" => Scheme::Maven,
        "NuGet" => Scheme::Nuget,
        "RubyGems" => Scheme::Gem,
        "Linux" => Scheme::Kernel,
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl Event {
    fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// Evaluate one OSV `affected[]` entry for `version` in `scheme`.
///
/// A `GIT` range names commits: it says nothing about a version number. When the entry
/// also has a version range that could be read (PyPA's records carry both), that range
/// decides. When it has only `GIT` ranges, a version in its `versions` list is affected and
/// any other is unknown: the list was enumerated from tags when the record was written, and
/// a range with no fix yet also covers releases made since.
///
/// `Go` versions in OSV have no `v` prefix; it is added for the `golang` scheme.
pub fn evaluate(affected: &Value, version: &str, scheme: Scheme) -> Verdict {
    Affected::from_value(affected).evaluate(version, scheme)
}

/// One OSV `affected[]` entry, read once from its JSON for repeated evaluation (a matcher
/// judges many components against the same ranges).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Affected {
    /// `versions`: the enumerated affected versions.
    versions: Vec<String>,
    /// The events of each range that is not `GIT`.
    ranges: Vec<Vec<Event>>,
    /// Whether the entry has a `GIT` range.
    git: bool,
}

impl Affected {
    /// Read an `affected[]` entry (what it lacks is empty; unknown event kinds are left out).
    pub fn from_value(affected: &Value) -> Affected {
        let versions = affected
            .get("versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        let mut out = Affected {
            versions,
            ..Affected::default()
        };
        for range in affected
            .get("ranges")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if range.get("type").and_then(Value::as_str) == Some("GIT") {
                out.git = true;
                continue;
            }
            let events = range
                .get("events")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| {
                    let (k, v) = e.as_object()?.iter().next()?;
                    let v = v.as_str()?.to_string();
                    Some(match k.as_str() {
                        "introduced" => Event::Introduced(v),
                        "fixed" => Event::Fixed(v),
                        "last_affected" => Event::LastAffected(v),
                        "limit" => Event::Limit(v),
                        _ => return None,
                    })
                })
                .collect();
            out.ranges.push(events);
        }
        out
    }

    /// Read an `affected[]` entry from its JSON text, as [`Affected::from_value`] reads
    /// it, without building a `serde_json::Value` (a matcher reads thousands). `None` when
    /// the text is not JSON.
    pub fn from_json(text: &str) -> Option<Affected> {
        match serde_json::from_str::<Object<Plain<'_>>>(text) {
            Ok(Object(plain)) => plain.into_affected(),
            Err(_) => None,
        }
        .or_else(|| {
            serde_json::from_str::<Value>(text)
                .ok()
                .map(|v| Affected::from_value(&v))
        })
    }

    /// Evaluate this entry for `version` in `scheme` (see [`evaluate`]).
    pub fn evaluate(&self, version: &str, scheme: Scheme) -> Verdict {
        let version = go_prefixed(scheme, version);
        if let Err(e) = crate::validate(scheme, &version) {
            return Verdict::Unknown(e.to_string());
        }
        let listed = self.versions.iter().any(|v| {
            *v == version
                || compare(scheme, &version, &go_prefixed(scheme, v)) == Ok(Ordering::Equal)
        });
        if listed {
            return Verdict::Affected;
        }
        let mut unknown = None;
        for events in &self.ranges {
            match in_range(events, &version, scheme) {
                Ok(true) => return Verdict::Affected,
                Ok(false) => {}
                Err(e) => {
                    unknown.get_or_insert(e);
                }
            }
        }
        match unknown {
            Some(why) => Verdict::Unknown(why),
            None if self.ranges.is_empty() && self.git => Verdict::Unknown(
                "a GIT range names commits, not versions, and the version is not among those \
                 the record lists"
                    .to_string(),
            ),
            None => Verdict::NotAffected,
        }
    }
}

/// The common shape of an `affected[]` entry, read directly from its text: string
/// versions, ranges with a string `type` and events of exactly one known kind. Anything
/// else is read through a `Value` by [`Affected::from_value`], whose reading is the
/// reference (a test holds the two equal).
#[derive(serde::Deserialize)]
struct Plain<'a> {
    #[serde(default, borrow)]
    versions: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    ranges: Vec<Object<PlainRange<'a>>>,
}

/// A value that must be a JSON object: a derived `Deserialize` also reads a struct from an
/// array of its fields in order, which the general reading (by key) never does.
pub struct Object<T>(pub T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Map<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Map<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, m: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(m))
            }
        }
        d.deserialize_map(Map(std::marker::PhantomData)).map(Object)
    }
}

#[derive(serde::Deserialize)]
struct PlainRange<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    events: Vec<OneEntry<'a>>,
}

/// A JSON object of exactly one entry whose value is a string, borrowed from the text
/// (an OSV event: which kind it is does not then depend on how a map orders its keys).
/// Anything else — no entry, several, a value that is not a string or has escapes — is
/// an error, for the caller to read the general way.
pub struct OneEntry<'a>(pub &'a str, pub &'a str);

impl<'de: 'a, 'a> serde::Deserialize<'de> for OneEntry<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct One<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for One<'a> {
            type Value = OneEntry<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of one string entry")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<OneEntry<'a>, A::Error> {
                let Some((k, v)) = m.next_entry::<&'de str, &'de str>()? else {
                    return Err(serde::de::Error::custom("an empty object"));
                };
                if m.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(serde::de::Error::custom("an object of several entries"));
                }
                Ok(OneEntry(k, v))
            }
        }
        d.deserialize_map(One(std::marker::PhantomData))
    }
}

impl Plain<'_> {
    /// The entry, or `None` when an event does not have exactly one kind (left to the
    /// general reading).
    fn into_affected(self) -> Option<Affected> {
        let mut out = Affected {
            versions: self.versions.into_iter().map(Cow::into_owned).collect(),
            ..Affected::default()
        };
        for Object(range) in self.ranges {
            if range.kind.as_deref() == Some("GIT") {
                out.git = true;
                continue;
            }
            let mut events = Vec::with_capacity(range.events.len());
            for OneEntry(kind, v) in range.events {
                let v = v.to_string();
                let event = match kind {
                    "introduced" => Event::Introduced(v),
                    "fixed" => Event::Fixed(v),
                    "last_affected" => Event::LastAffected(v),
                    "limit" => Event::Limit(v),
                    _ => return None,
                };
                events.push(event);
            }
            out.ranges.push(events);
        }
        Some(out)
    }
}

/// A version as the scheme's comparison needs it: OSV's Go versions lack the `v`.
fn go_prefixed(scheme: Scheme, v: &str) -> Cow<'_, str> {
    if scheme == Scheme::Golang && !v.starts_with('v') && v != "0" {
        Cow::Owned(format!("v{v}"))
    } else {
        Cow::Borrowed(v)
    }
}

/// The OSV specification's algorithm on one range's events: sort them by version
/// (`introduced: 0` first), then walk them, switching "vulnerable" on at an `introduced` at
/// or below the version and off at a `fixed` at or below it or a `last_affected` below it.
///
/// Evaluated without sorting: the events that switch are exactly those at or below the
/// version (a `last_affected` strictly below), and the walk ends in the state of the
/// greatest of them (among equal versions, the last in the record's order, as the stable
/// sort leaves them). Each event is compared with the version once, and only the switching
/// events with each other.
fn in_range(events: &[Event], version: &str, scheme: Scheme) -> Result<bool, String> {
    let zero = |e: &Event| e.version() == "0" && matches!(e, Event::Introduced(_));
    // The version against each event; every event must be a version of the scheme.
    let mut ords = Vec::with_capacity(events.len());
    for e in events {
        let open_limit = matches!(e, Event::Limit(_)) && e.version() == "*";
        if zero(e) || open_limit {
            ords.push(Ordering::Greater);
            continue;
        }
        let ev = go_prefixed(scheme, e.version());
        match compare(scheme, version, &ev) {
            Ok(o) => ords.push(o),
            Err(_) => {
                return Err(match crate::validate(scheme, &ev) {
                    Err(x) => x.to_string(),
                    Ok(()) => format!("`{ev}` cannot be compared with `{version}`"),
                })
            }
        }
    }
    let mut limited = false;
    let mut below_a_limit = false;
    for (e, o) in events.iter().zip(&ords) {
        if matches!(e, Event::Limit(_)) {
            limited = true;
            below_a_limit |= e.version() == "*" || *o == Ordering::Less;
        }
    }
    if limited && !below_a_limit {
        return Ok(false);
    }
    let order = |a: &Event, b: &Event| match (zero(a), zero(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => compare(
            scheme,
            &go_prefixed(scheme, a.version()),
            &go_prefixed(scheme, b.version()),
        )
        .unwrap_or(Ordering::Equal),
    };
    let mut last: Option<&Event> = None;
    for (e, o) in events.iter().zip(&ords) {
        let switches = match e {
            Event::Introduced(_) => zero(e) || *o != Ordering::Less,
            Event::Fixed(_) => *o != Ordering::Less,
            Event::LastAffected(_) => *o == Ordering::Greater,
            Event::Limit(_) => false,
        };
        if switches && last.is_none_or(|l| order(e, l) != Ordering::Less) {
            last = Some(e);
        }
    }
    Ok(matches!(last, Some(Event::Introduced(_))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The specification's algorithm as written: sort the events (stable), then walk them.
    fn walk(events: &[(usize, &str)], version: &str) -> bool {
        let mut sorted: Vec<&(usize, &str)> = events.iter().collect();
        let key = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
        sorted.sort_by(
            |a, b| match (a.1 == "0" && a.0 == 0, b.1 == "0" && b.0 == 0) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => key(a.1).cmp(&key(b.1)),
            },
        );
        let mut vulnerable = false;
        for (kind, v) in sorted {
            let o = key(version).cmp(&key(v));
            let o = if *kind == 0 && *v == "0" {
                Ordering::Greater
            } else {
                o
            };
            match kind {
                0 if o != Ordering::Less => vulnerable = true,
                1 if o != Ordering::Less => vulnerable = false,
                2 if o == Ordering::Greater => vulnerable = false,
                _ => {}
            }
        }
        vulnerable
    }

    proptest::proptest! {
        #[test]
        fn evaluation_agrees_with_the_sorted_walk(
            events in proptest::collection::vec((0usize..3, 0usize..6), 0..7),
            at in 0usize..6,
        ) {
            const V: [&str; 6] = ["0", "1.0.0", "1.2.0", "2.0.0", "2.0.1", "3.1.0"];
            let version = ["0.5.0", "1.0.0", "1.5.0", "2.0.0", "2.0.1", "9.0.0"][at];
            let ev: Vec<(usize, &str)> = events
                .iter()
                .map(|(k, v)| (*k, if *k == 0 { V[*v] } else { V[(*v).max(1)] }))
                .collect();
            let names = ["introduced", "fixed", "last_affected"];
            let json_events: Vec<Value> = ev
                .iter()
                .map(|(k, v)| json!({ names[*k]: v }))
                .collect();
            let a = json!({"ranges": [{"type": "SEMVER", "events": json_events}]});
            let want = if walk(&ev, version) { Verdict::Affected } else { Verdict::NotAffected };
            proptest::prop_assert_eq!(evaluate(&a, version, Scheme::Semver), want);
        }
    }

    proptest::proptest! {
        #[test]
        fn reading_the_text_agrees_with_reading_the_value(
            events in proptest::collection::vec(
                proptest::collection::vec((0usize..6, 0usize..4), 0..3), 0..6),
            kinds in proptest::collection::vec(0usize..4, 0..3),
            versions in proptest::collection::vec(0usize..4, 0..3),
        ) {
            // Event kinds, the known ones and two the general reading must decide on; values
            // of several JSON types; range types present, absent, GIT or not a string.
            let names = ["introduced", "fixed", "last_affected", "limit", "aaa", "zzz"];
            let values = [json!("1.0.0"), json!("0"), json!(2), json!(null)];
            let types = [json!("SEMVER"), json!("GIT"), json!(7), Value::Null];
            let ranges: Vec<Value> = kinds
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let evs: Vec<Value> = events
                        .get(i)
                        .into_iter()
                        .flatten()
                        .map(|(n, v)| json!({ names[*n]: values[*v].clone() }))
                        .chain(events.get(i + 3).map(|e| {
                            let mut o = serde_json::Map::new();
                            for (n, v) in e {
                                o.insert(names[*n].to_string(), values[*v].clone());
                            }
                            Value::Object(o)
                        }))
                        .collect();
                    let mut r = json!({ "events": evs });
                    if !types[*k].is_null() {
                        r["type"] = types[*k].clone();
                    }
                    r
                })
                .collect();
            let vs: Vec<Value> = versions.iter().map(|v| values[*v].clone()).collect();
            let a = json!({"versions": vs, "ranges": ranges, "package": {"name": "x"}});
            let text = a.to_string();
            proptest::prop_assert_eq!(Affected::from_json(&text), Some(Affected::from_value(&a)));
        }
    }

    #[test]
    fn arrays_in_place_of_objects_are_read_as_the_value_reads_them() {
        // A derived reader would take `["ECOSYSTEM", [...]]` as a range; the value reading
        // ignores anything but an object.
        for text in [
            r#"{"ranges": [["ECOSYSTEM", [{"introduced": "0"}]]]}"#,
            r#"{"ranges": [{"type": "ECOSYSTEM", "events": [["0"]]}]}"#,
            r#"[["1.0"], [["ECOSYSTEM", [{"introduced": "0"}]]]]"#,
        ] {
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                Affected::from_json(text),
                Some(Affected::from_value(&v)),
                "{text}"
            );
            assert_eq!(
                Affected::from_json(text)
                    .unwrap()
                    .evaluate("1.0.0", Scheme::Semver),
                Verdict::NotAffected,
                "{text}"
            );
        }
    }

    #[test]
    fn text_that_is_not_json_is_not_an_entry() {
        assert_eq!(Affected::from_json("{\"ranges\": ["), None);
        assert_eq!(Affected::from_json("[1]"), Some(Affected::default()));
    }

    #[test]
    fn a_git_range_beside_a_version_range_does_not_make_it_unknown() {
        // PYSEC-2023-74 (requests), abridged: a GIT range and the ECOSYSTEM range.
        let a = json!({"ranges": [
            {"type": "GIT", "repo": "https://github.com/psf/requests",
             "events": [{"introduced": "0"}, {"fixed": "74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5"}]},
            {"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}]});
        assert_eq!(evaluate(&a, "2.31.0", Scheme::Pypi), Verdict::NotAffected);
        assert_eq!(evaluate(&a, "2.30.0", Scheme::Pypi), Verdict::Affected);
        assert_eq!(evaluate(&a, "2.2.1", Scheme::Pypi), Verdict::NotAffected);
        // GIT only: a listed version is affected; any other is unknown (see `events`).
        let git =
            json!({"ranges": [{"type": "GIT", "repo": "r", "events": [{"introduced": "0"}]}]});
        assert!(matches!(
            evaluate(&git, "1.0.1", Scheme::Pypi),
            Verdict::Unknown(_)
        ));
    }

    #[test]
    fn events() {
        let a = json!({"ranges": [{"type": "SEMVER", "events": [
            {"introduced": "0"}, {"fixed": "1.2.0"}, {"introduced": "2.0.0"}, {"last_affected": "2.3.1"}]}]});
        let e = |v| evaluate(&a, v, Scheme::Semver);
        assert_eq!(e("0.1.0"), Verdict::Affected);
        assert_eq!(e("1.2.0"), Verdict::NotAffected);
        assert_eq!(e("1.9.9"), Verdict::NotAffected);
        assert_eq!(e("2.0.0"), Verdict::Affected);
        assert_eq!(e("2.3.1"), Verdict::Affected);
        assert_eq!(e("2.3.2"), Verdict::NotAffected);
        assert!(matches!(e("not-a-version"), Verdict::Unknown(_)));
        let listed = json!({"versions": ["1.0.0"], "ranges": [{"type": "GIT", "events": [{"introduced": "abc"}]}]});
        assert_eq!(
            evaluate(&listed, "1.0.0", Scheme::Semver),
            Verdict::Affected
        );
        assert!(matches!(
            evaluate(&listed, "1.0.1", Scheme::Semver),
            Verdict::Unknown(_)
        ));
        let limited = json!({"ranges": [{"type": "ECOSYSTEM", "events": [
            {"introduced": "1.0-1"}, {"limit": "2.0-1"}]}]});
        assert_eq!(evaluate(&limited, "1.5-1", Scheme::Deb), Verdict::Affected);
        assert_eq!(
            evaluate(&limited, "2.5-1", Scheme::Deb),
            Verdict::NotAffected
        );
        assert_eq!(ecosystem_scheme("Debian:12"), Some(Scheme::Deb));
    }
}
