//! SPDX licence expressions, checked with the `spdx` crate.

use craft_model::License;

/// The parse mode craft calls valid: the SPDX specification's grammar and licence list,
/// deprecated identifiers allowed (they are still list members), `+` allowed on any licence
/// (the grammar allows it; the crate forbids it on GPL by default), nothing imprecise.
const MODE: spdx::ParseMode = spdx::ParseMode {
    allow_slash_as_or_operator: false,
    allow_imprecise_license_names: false,
    allow_postfix_plus_on_gpl: true,
    allow_deprecated: true,
    allow_unknown: false,
};

/// Whether `text` is a valid SPDX licence expression (or `NONE` / `NOASSERTION`).
pub fn is_valid_expression(text: &str) -> bool {
    let t = text.trim();
    if t == "NONE" || t == "NOASSERTION" {
        return true;
    }
    !t.is_empty() && spdx::Expression::parse_mode(t, MODE).is_ok()
}

/// A licence statement from an expression text, with its validity recorded.
pub fn expression(text: &str) -> License {
    License::Expression {
        expression: text.trim().to_string(),
        valid: is_valid_expression(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity() {
        for ok in [
            "MIT",
            "Apache-2.0 OR MIT",
            "GPL-2.0-only WITH Linux-syscall-note",
            "(MIT AND BSD-3-Clause) OR LicenseRef-foo",
            "GPL-2.0",
            "GPL-2.0+",
            "NOASSERTION",
            "NONE",
            "DocumentRef-x:LicenseRef-y",
        ] {
            assert!(is_valid_expression(ok), "{ok}");
        }
        for bad in ["", "MIT/Apache-2.0", "Apache 2", "GPLv2", "MIT AND"] {
            assert!(!is_valid_expression(bad), "{bad}");
        }
    }
}
