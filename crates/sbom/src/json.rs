//! Lenient access to JSON values: read what can be read, record what could not.
//!
//! Interpreters walk a [`serde_json::Value`] with a [`Walker`], which keeps the JSON Pointer of
//! the value at hand and collects a [`Diagnostic`] for every field of the wrong type, so that
//! one bad field never loses the rest of the document.

use crate::read::json_type;
use crate::Diagnostic;
use serde_json::{Map, Value};

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
    pub fn str<'a>(&mut self, obj: &'a Map<String, Value>, key: &str, at: &str) -> Option<&'a str> {
        match obj.get(key)? {
            Value::String(s) => Some(s.as_str()),
            Value::Null => None,
            other => {
                self.wrong_type(at, key, "a string", other);
                None
            }
        }
    }

    /// A non-empty string at `obj[key]`, trimmed and owned.
    pub fn string(&mut self, obj: &Map<String, Value>, key: &str, at: &str) -> Option<String> {
        self.str(obj, key, at)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// The object at `obj[key]`; a non-object value is reported and ignored.
    pub fn object<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Option<&'a Map<String, Value>> {
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
    pub fn array<'a>(&mut self, obj: &'a Map<String, Value>, key: &str, at: &str) -> &'a [Value] {
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
    pub fn strings(&mut self, obj: &Map<String, Value>, key: &str, at: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, v) in self.array(obj, key, at).iter().enumerate() {
            match v {
                Value::String(s) => out.push(s.clone()),
                other => self.diags.push(Diagnostic::skipped(
                    format!("{at}/{}/{i}", escape(key)),
                    format!("expected a string, found {}", json_type(other)),
                )),
            }
        }
        out
    }

    /// Report `obj[key]` as having the wrong type.
    pub fn wrong_type(&mut self, at: &str, key: &str, expected: &str, found: &Value) {
        self.diags.push(Diagnostic::skipped(
            format!("{at}/{}", escape(key)),
            format!(
                "`{key}` should be {expected}, found {}; ignored",
                json_type(found)
            ),
        ));
    }

    /// Report an element of an array that is not an object.
    pub fn not_object(&mut self, at: &str, found: &Value) {
        self.diags.push(Diagnostic::skipped(
            at.to_string(),
            format!("expected an object, found {}; skipped", json_type(found)),
        ));
    }
}
