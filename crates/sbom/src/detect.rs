//! Format sniffing from content.

/// What the first bytes of an input look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// A JSON document (CycloneDX, SPDX 2 or SPDX 3; the keys decide which).
    Json,
    /// An XML document (CycloneDX XML).
    Xml,
    /// SPDX tag-value text.
    TagValue,
    /// A zstd frame (Yocto `.spdx.tar.zst`).
    Zstd,
    /// A POSIX tar archive (Yocto `.spdx.tar`).
    Tar,
    /// Nothing craft reads; the reason says what was seen.
    Unknown(String),
}

/// Sniff the format of `bytes`.
pub fn detect(bytes: &[u8]) -> Detected {
    // A zstd frame, or a zstd skippable frame (pzstd and `zstd -T` write one first).
    if bytes.starts_with(&[0x28, 0xB5, 0x2F, 0xFD])
        || (bytes.len() >= 4
            && (0x50..=0x5F).contains(&bytes[0])
            && bytes[1..4] == [0x2A, 0x4D, 0x18])
    {
        return Detected::Zstd;
    }
    if bytes.len() > 262 && &bytes[257..262] == b"ustar" {
        return Detected::Tar;
    }
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return Detected::Unknown(
            "gzip data: unpack it first (craft reads .tar and .tar.zst archives)".into(),
        );
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Detected::Unknown("a zip archive".into());
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let body = &body[start..];
    match body.first() {
        Some(b'{') | Some(b'[') => return Detected::Json,
        Some(b'<') => return Detected::Xml,
        None => return Detected::Unknown("the input is empty".into()),
        _ => {}
    }
    // Tag-value: skip comment lines, then expect `Tag: value` with a known SPDX tag.
    let head = &body[..body.len().min(64 * 1024)];
    let head = String::from_utf8_lossy(head);
    for line in head.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((tag, _)) = line.split_once(':') {
            if matches!(
                tag.trim(),
                "SPDXVersion" | "DataLicense" | "SPDXID" | "DocumentName" | "DocumentNamespace"
            ) {
                return Detected::TagValue;
            }
        }
        break;
    }
    let preview: String = head.chars().take(40).collect();
    Detected::Unknown(format!(
        "the content starts with {preview:?}, which is neither JSON, XML, SPDX tag-value nor a \
         tar/zstd archive"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_format() {
        assert_eq!(detect(b"  {\"bomFormat\":1}"), Detected::Json);
        assert_eq!(detect(b"\xEF\xBB\xBF<?xml version='1.0'?>"), Detected::Xml);
        assert_eq!(
            detect(b"# comment\nSPDXVersion: SPDX-2.3\n"),
            Detected::TagValue
        );
        assert_eq!(detect(&[0x28, 0xB5, 0x2F, 0xFD, 0]), Detected::Zstd);
        assert!(matches!(detect(b""), Detected::Unknown(_)));
        assert!(matches!(detect(b"hello: world"), Detected::Unknown(_)));
    }
}
