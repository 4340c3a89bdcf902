//! Lenient access to JSON values: read what can be read, record what could not.
//!
//! Interpreters walk a [`crate::dom::Value`] with a [`Walker`], which keeps the JSON Pointer of
//! the value at hand and collects a [`Diagnostic`] for every field of the wrong type, so that
//! one bad field never loses the rest of the document.

use crate::dom::{Map, Value};
use crate::Diagnostic;

/// Collects reader diagnostics while walking a document.
#[derive(Debug, Default)]
pub(crate) struct Walker {
    pub diags: Vec<Diagnostic>,
}

/// Escape one JSON Pointer reference token (RFC 6901).
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Walker {
    /// The string at `obj[key]`; a non-string value is reported and ignored.
    pub fn str<'a>(&mut self, obj: &Map<'a>, key: &str, at: &str) -> Option<&'a str> {
        match obj.get(key)? {
            Value::String(s) => Some(s),
            Value::Null => None,
            other => {
                self.wrong_type(at, key, "a string", other);
                None
            }
        }
    }

    /// A non-empty string at `obj[key]`, trimmed and owned.
    pub fn string(&mut self, obj: &Map<'_>, key: &str, at: &str) -> Option<String> {
        self.str(obj, key, at)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// The object at `obj[key]`; a non-object value is reported and ignored.
    pub fn object<'a>(&mut self, obj: &Map<'a>, key: &str, at: &str) -> Option<&'a Map<'a>> {
        match obj.get(key)? {
            Value::Object(o) => Some(o),
            Value::Null => None,
            other => {
                self.wrong_type(at, key, "an object", other);
                None
            }
        }
    }

    /// The array at `obj[key]`, or empty; a non-array value is reported and ignored.
    pub fn array<'a>(&mut self, obj: &Map<'a>, key: &str, at: &str) -> &'a [Value<'a>] {
        match obj.get(key) {
            Some(Value::Array(a)) => a,
            None | Some(Value::Null) => &[],
            Some(other) => {
                self.wrong_type(at, key, "an array", other);
                &[]
            }
        }
    }

    /// Every string element of the array at `obj[key]`; others are reported.
    pub fn strings(&mut self, obj: &Map<'_>, key: &str, at: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, v) in self.array(obj, key, at).iter().enumerate() {
            match v {
                Value::String(s) => out.push((*s).to_string()),
                other => self.diags.push(Diagnostic::skipped(
                    format!("{at}/{}/{i}", escape(key)),
                    format!("expected a string, found {}", other.type_name()),
                )),
            }
        }
        out
    }

    /// Report `obj[key]` as having the wrong type.
    pub fn wrong_type(&mut self, at: &str, key: &str, expected: &str, found: &Value<'_>) {
        self.diags.push(Diagnostic::skipped(
            format!("{at}/{}", escape(key)),
            format!(
                "`{key}` should be {expected}, found {}; ignored",
                found.type_name()
            ),
        ));
    }

    /// Report an element of an array that is not an object.
    pub fn not_object(&mut self, at: &str, found: &Value<'_>) {
        self.diags.push(Diagnostic::skipped(
            at.to_string(),
            format!("expected an object, found {}; skipped", found.type_name()),
        ));
    }
}
