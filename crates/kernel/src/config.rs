//! A kernel `.config`: `CONFIG_FOO=y|m|"text"|number` and `# CONFIG_FOO is not set`.
//!
//! Lenient: a line that is neither is reported with its number and skipped (the symbol on
//! it, if any, is then "not known" rather than "not set").

use std::collections::BTreeMap;

/// A parsed `.config`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Every set symbol with its value as written (`y`, `m`, `"text"`, `0x10`, `64`).
    pub symbols: BTreeMap<String, String>,
    /// The architecture named by the header (`# Linux/arm64 6.1.192 Kernel Configuration`).
    pub arch: Option<String>,
    /// The kernel version named by the header.
    pub version: Option<String>,
    /// Lines that could not be read: (line, message).
    pub problems: Vec<(u32, String)>,
    /// Symbols on such lines: neither set nor known to be unset.
    pub unreadable: std::collections::BTreeSet<String>,
}

impl Config {
    /// Parse the text of a `.config`.
    pub fn parse(text: &str) -> Config {
        let mut c = Config::default();
        for (i, line) in text.lines().enumerate() {
            let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(comment) = line.strip_prefix('#') {
                let comment = comment.trim();
                if let Some(rest) = comment.strip_prefix("Linux/") {
                    let mut parts = rest.split_whitespace();
                    c.arch = parts.next().map(str::to_string);
                    c.version = parts.next().map(str::to_string);
                } else if let Some(name) = comment.strip_suffix(" is not set") {
                    if !valid_symbol(name) {
                        c.problems
                            .push((no, format!("`{name}` is not a configuration symbol")));
                    }
                }
                continue;
            }
            let Some((name, value)) = line.split_once('=') else {
                c.problems.push((
                    no,
                    format!("neither `CONFIG_…=value` nor a comment: `{}`", short(line)),
                ));
                continue;
            };
            if !valid_symbol(name) {
                c.problems.push((
                    no,
                    format!("`{}` is not a configuration symbol", short(name)),
                ));
                continue;
            }
            let ok = matches!(value, "y" | "m")
                || (value.len() >= 2 && value.starts_with('"') && value.ends_with('"'))
                || value.parse::<i64>().is_ok()
                || value
                    .strip_prefix("0x")
                    .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()));
            if !ok {
                c.problems.push((
                    no,
                    format!(
                        "`{name}` has the value `{}`, which is neither y, m, a string nor a number",
                        short(value)
                    ),
                ));
                // Neither set nor unset for what depends on it: the proofs resting on it
                // say so.
                c.unreadable.insert(name.to_string());
                continue;
            }
            c.symbols.insert(name.to_string(), value.to_string());
        }
        c
    }

    /// The source architecture directory (`arch/<srcarch>`): from the header, else from the
    /// architecture symbol that is set.
    pub fn srcarch(&self) -> Option<String> {
        let from_header = self.arch.as_deref().map(|a| match a {
            "x86_64" | "i386" | "x86" => "x86",
            "sparc64" | "sparc32" => "sparc",
            "sh64" => "sh",
            "parisc64" => "parisc",
            "um" => "um",
            other => other,
        });
        if let Some(a) = from_header {
            return Some(a.to_string());
        }
        [
            ("CONFIG_X86", "x86"),
            ("CONFIG_ARM64", "arm64"),
            ("CONFIG_ARM", "arm"),
            ("CONFIG_MIPS", "mips"),
            ("CONFIG_RISCV", "riscv"),
            ("CONFIG_PPC", "powerpc"),
            ("CONFIG_S390", "s390"),
            ("CONFIG_LOONGARCH", "loongarch"),
            ("CONFIG_SPARC", "sparc"),
            ("CONFIG_SUPERH", "sh"),
            ("CONFIG_XTENSA", "xtensa"),
            ("CONFIG_PARISC", "parisc"),
            ("CONFIG_M68K", "m68k"),
            ("CONFIG_MICROBLAZE", "microblaze"),
            ("CONFIG_ARC", "arc"),
            ("CONFIG_CSKY", "csky"),
            ("CONFIG_OPENRISC", "openrisc"),
            ("CONFIG_NIOS2", "nios2"),
            ("CONFIG_HEXAGON", "hexagon"),
            ("CONFIG_ALPHA", "alpha"),
            ("CONFIG_IA64", "ia64"),
            ("CONFIG_UML", "um"),
        ]
        .iter()
        .find(|(s, _)| self.symbols.get(*s).is_some_and(|v| v == "y"))
        .map(|(_, a)| (*a).to_string())
    }
}

fn valid_symbol(name: &str) -> bool {
    name.strip_prefix("CONFIG_")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

fn short(s: &str) -> &str {
    match s.char_indices().nth(80) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_and_reports_bad_lines() {
        let c = Config::parse(
            "#\n# Linux/x86_64 6.1.192 Kernel Configuration\nCONFIG_A=y\nCONFIG_B=m\n\
             CONFIG_S=\"x y\"\nCONFIG_N=64\nCONFIG_H=0x1f\n# CONFIG_C is not set\n\
             garbage\nCONFIG_BAD=maybe\nFOO=y\n# CONFIG_ is not set\n",
        );
        assert_eq!(c.srcarch().as_deref(), Some("x86"));
        assert_eq!(c.version.as_deref(), Some("6.1.192"));
        assert_eq!(c.symbols.len(), 5);
        assert_eq!(c.symbols["CONFIG_S"], "\"x y\"");
        let lines: Vec<u32> = c.problems.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![9, 10, 11, 12]);
    }

    #[test]
    fn arch_from_symbols() {
        let c = Config::parse("CONFIG_ARM64=y\n");
        assert_eq!(c.srcarch().as_deref(), Some("arm64"));
    }
}
