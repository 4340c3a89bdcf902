//! A self-contained HTML report of scans: one file, inline CSS, no script and nothing
//! fetched, so it can be attached to a ticket or archived with a release. Every text from
//! an SBOM or a record is escaped.

use crate::{Finding, FindingStatus, ScanReport};
use std::fmt::Write;

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.P1{color:#fff;background:#b00020}.P2{background:#f4a261}.P3{background:#ffe08a}.P4{background:#e9ecef}
.prio{font-weight:bold;padding:1px 6px;border-radius:3px}.unknown{font-style:italic;color:#555}
details{margin:.2em 0}code{font-size:.92em}.muted{color:#666}";

/// The report of scans (`(the SBOM's path as given, its report)`), generated at `timestamp`.
pub fn html(scans: &[(&str, &ScanReport)], timestamp: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>craft scan report</title><style>{STYLE}</style></head><body>\n\
         <h1>Vulnerability report</h1><p class=\"muted\">craft {} · {}</p>\n",
        env!("CARGO_PKG_VERSION"),
        escape(timestamp)
    );
    for (sbom, r) in scans {
        let affected = r
            .findings
            .iter()
            .filter(|f| f.status == FindingStatus::Affected)
            .count();
        let mut prio = [0usize; 4];
        for f in r
            .findings
            .iter()
            .filter(|f| f.status == FindingStatus::Affected)
        {
            prio[usize::from(f.priority.rank.clamp(1, 4) - 1)] += 1;
        }
        let _ = write!(
            h,
            "<h2>{}</h2>\n<p>{} components ({} identified, {} files); <b>{affected}</b> affected \
             findings (P1 {}, P2 {}, P3 {}, P4 {}), {} undecided, {} named but not affected, {} \
             withdrawn or rejected.</p>\n",
            escape(sbom),
            r.components,
            r.identified,
            r.files,
            prio[0],
            prio[1],
            prio[2],
            prio[3],
            r.findings.len() - affected,
            r.not_affected,
            r.withdrawn
        );
        if r.findings.is_empty() {
            h.push_str("<p>No findings.</p>\n");
        } else {
            h.push_str(
                "<table><thead><tr><th>priority</th><th>vulnerability</th><th>component</th>\
                 <th>version</th><th>fixed in</th><th>CVSS</th><th>KEV</th><th>EPSS</th>\
                 <th>evidence</th></tr></thead><tbody>\n",
            );
            for f in &r.findings {
                row(&mut h, f);
            }
            h.push_str("</tbody></table>\n");
        }
        if !r.unidentified.is_empty() {
            let _ = write!(
                h,
                "<details><summary>{} components could not be identified</summary><ul>",
                r.unidentified.len()
            );
            for u in &r.unidentified {
                let _ = write!(
                    h,
                    "<li><code>{}</code>: {}</li>",
                    escape(&u.name),
                    escape(&u.reason)
                );
            }
            h.push_str("</ul></details>\n");
        }
    }
    h.push_str("</body></html>\n");
    h
}

fn row(h: &mut String, f: &Finding) {
    let undecided = f.status == FindingStatus::Unknown;
    let _ = write!(
        h,
        "<tr{}><td><span class=\"prio {}\" title=\"{}\">{}{}</span></td><td>{}",
        if undecided { " class=\"unknown\"" } else { "" },
        f.priority.label,
        escape(&f.priority.why),
        f.priority.label,
        if undecided { "?" } else { "" },
        escape(&f.id)
    );
    if !f.aliases.is_empty() {
        let _ = write!(
            h,
            "<br><span class=\"muted\">{}</span>",
            escape(&f.aliases.join(", "))
        );
    }
    let _ = write!(
        h,
        "</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><details><summary>{} {}</summary>",
        escape(&f.component_name),
        escape(&f.identity.version),
        escape(&f.fixed.join(", ")),
        f.cvss_score()
            .map_or_else(|| "–".to_string(), |s| format!("{s:.1}")),
        f.kev.as_ref().map_or_else(String::new, |k| escape(&k.date_added)),
        f.epss.as_ref().map_or_else(String::new, |e| format!("{:.3}", e.score)),
        escape(f.decided_by.source.name()),
        escape(&f.decided_by.id)
    );
    if let Some(s) = &f.summary {
        let _ = write!(h, "<p>{}</p>", escape(s));
    }
    let _ = write!(
        h,
        "<p>range: <code>{}</code><br>identity: <code>{}</code> ({})",
        escape(&f.range),
        escape(&f.identity.key),
        escape(&f.identity.via)
    );
    if let Some(reason) = &f.reason {
        let _ = write!(h, "<br>undecided: {}", escape(reason));
    }
    if let Some(note) = &f.note {
        let _ = write!(h, "<br>note: {}", escape(note));
    }
    for d in &f.disagreements {
        let _ = write!(h, "<br>disagreement: {}", escape(d));
    }
    let _ = writeln!(
        h,
        "<br>priority: {}</p></details></td></tr>",
        escape(&f.priority.why)
    );
}
