//! Identity resolution: from a package URL to the CPE names NVD uses for the same software,
//! and back, for the packages embedded Linux and RTOS products ship.
//!
//! NVD names C/C++ software by vendor and product (`cpe:2.3:a:openssl:openssl`), while SBOMs
//! name the package a distribution or build system made of it (`pkg:deb/debian/libssl3`,
//! `pkg:yocto/openssl`, `pkg:rpm/fedora/openssl-libs`). [`Table`] maps known package names —
//! upstream names, Yocto recipes, Debian source and binary packages, RPM subpackages — to
//! the CPE vendor and product, and each [`Candidate`] records why it was proposed. The
//! built-in table covers the usual suspects of a device (openssl, busybox, curl, zlib, the
//! kernel, u-boot, dropbear, openssh, glibc…); [`Table::extend`] adds a product's own.

use crate::cpe::{quote, Av, Wfn};
use crate::purl::Purl;

/// One mapping: package names to a CPE vendor and product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Package names that denote this software (upstream, Yocto recipe, Debian and RPM
    /// binary or source package), lower-case.
    pub names: Vec<String>,
    /// CPE part: `a` (application), `o` (operating system), `h` (hardware).
    pub part: char,
    /// CPE vendor.
    pub vendor: String,
    /// CPE product.
    pub product: String,
}

/// A proposed CPE name and the reason for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The CPE name (version filled when the purl has one).
    pub cpe: Wfn,
    /// Why: which table entry matched which name, and how the version was derived.
    pub reason: String,
}

/// The mapping table.
#[derive(Debug, Clone)]
pub struct Table {
    entries: Vec<Entry>,
}

/// The built-in mappings: (names, part, vendor, product). Vendor/product pairs are NVD's.
const BUILTIN: &[(&[&str], char, &str, &str)] = &[
    (
        &[
            "openssl",
            "libssl3",
            "libssl1.1",
            "libssl-dev",
            "libcrypto3",
            "openssl-libs",
            "libopenssl3",
        ],
        'a',
        "openssl",
        "openssl",
    ),
    (
        &[
            "busybox",
            "busybox-static",
            "busybox-hwclock",
            "busybox-syslog",
            "busybox-udhcpc",
        ],
        'a',
        "busybox",
        "busybox",
    ),
    (
        &[
            "curl",
            "libcurl",
            "libcurl4",
            "libcurl3-gnutls",
            "libcurl-minimal",
            "curl-minimal",
        ],
        'a',
        "haxx",
        "curl",
    ),
    (
        &["zlib", "zlib1g", "libz1", "zlib-ng-compat"],
        'a',
        "zlib",
        "zlib",
    ),
    (
        &[
            "linux",
            "linux-yocto",
            "linux-yocto-rt",
            "linux-yocto-tiny",
            "kernel",
            "linux-image",
            "kernel-core",
        ],
        'o',
        "linux",
        "linux_kernel",
    ),
    (
        &["u-boot", "u-boot-tools", "u-boot-fw-utils", "libubootenv"],
        'a',
        "denx",
        "u-boot",
    ),
    (
        &["dropbear", "dropbear-bin"],
        'a',
        "dropbear_ssh_project",
        "dropbear_ssh",
    ),
    (
        &[
            "openssh",
            "openssh-server",
            "openssh-client",
            "openssh-sshd",
            "openssh-ssh",
            "openssh-clients",
        ],
        'a',
        "openbsd",
        "openssh",
    ),
    (
        &[
            "glibc",
            "libc6",
            "eglibc",
            "glibc-common",
            "glibc-minimal-langpack",
        ],
        'a',
        "gnu",
        "glibc",
    ),
    (&["bash", "bash-static"], 'a', "gnu", "bash"),
    (
        &["sqlite", "sqlite3", "libsqlite3-0", "sqlite-libs"],
        'a',
        "sqlite",
        "sqlite",
    ),
    (
        &["expat", "libexpat1", "libexpat", "expat-libs"],
        'a',
        "libexpat_project",
        "libexpat",
    ),
    (&["libxml2", "libxml2-2"], 'a', "xmlsoft", "libxml2"),
    (
        &["systemd", "libsystemd0", "systemd-libs", "udev", "libudev1"],
        'a',
        "systemd_project",
        "systemd",
    ),
    (
        &["dbus", "libdbus-1-3", "dbus-libs"],
        'a',
        "freedesktop",
        "dbus",
    ),
    (
        &["wpa-supplicant", "wpa_supplicant", "wpasupplicant"],
        'a',
        "w1.fi",
        "wpa_supplicant",
    ),
    (&["hostapd"], 'a', "w1.fi", "hostapd"),
    (&["dnsmasq", "dnsmasq-base"], 'a', "thekelleys", "dnsmasq"),
    (
        &["mbedtls", "libmbedtls14", "mbed-tls"],
        'a',
        "arm",
        "mbed_tls",
    ),
    (&["lighttpd"], 'a', "lighttpd", "lighttpd"),
    (&["nginx", "nginx-core"], 'a', "f5", "nginx"),
    (&["libpng", "libpng16-16"], 'a', "libpng", "libpng"),
    (&["openvpn"], 'a', "openvpn", "openvpn"),
    (
        &["ncurses", "libncurses6", "libncursesw6", "ncurses-libs"],
        'a',
        "gnu",
        "ncurses",
    ),
    (
        &["util-linux", "util-linux-libs"],
        'a',
        "kernel",
        "util-linux",
    ),
    (
        &["e2fsprogs", "libext2fs2"],
        'a',
        "e2fsprogs_project",
        "e2fsprogs",
    ),
    (&["libgcrypt", "libgcrypt20"], 'a', "gnupg", "libgcrypt"),
    (&["gnutls", "libgnutls30"], 'a', "gnu", "gnutls"),
    (&["bluez", "bluez5", "libbluetooth3"], 'a', "bluez", "bluez"),
    (&["iptables", "libxtables12"], 'a', "netfilter", "iptables"),
    (
        &["avahi", "avahi-daemon", "libavahi-client3"],
        'a',
        "avahi",
        "avahi",
    ),
    (
        &["xz", "liblzma5", "xz-libs", "xz-utils"],
        'a',
        "tukaani",
        "xz",
    ),
    (&["bzip2", "libbz2-1.0", "bzip2-libs"], 'a', "bzip", "bzip2"),
    (
        &["libarchive", "libarchive13"],
        'a',
        "libarchive",
        "libarchive",
    ),
    (&["json-c", "libjson-c5"], 'a', "json-c_project", "json-c"),
    (
        &["libjpeg-turbo", "libjpeg62-turbo"],
        'a',
        "libjpeg-turbo",
        "libjpeg-turbo",
    ),
    (&["freetype", "libfreetype6"], 'a', "freetype", "freetype"),
    (
        &["python3", "python", "python3-core", "libpython3"],
        'a',
        "python",
        "python",
    ),
    (&["perl", "perl-base"], 'a', "perl", "perl"),
    (&["ntp", "ntpd"], 'a', "ntp", "ntp"),
    (&["chrony"], 'a', "tuxfamily", "chrony"),
    (&["mosquitto"], 'a', "eclipse", "mosquitto"),
    (&["zephyr", "zephyr-kernel"], 'o', "zephyrproject", "zephyr"),
    (&["freertos", "freertos-kernel"], 'o', "amazon", "freertos"),
    (&["grub", "grub2", "grub-efi"], 'a', "gnu", "grub2"),
    (
        &["trusted-firmware-a", "tf-a", "arm-trusted-firmware"],
        'a',
        "arm",
        "trusted_firmware-a",
    ),
    (&["optee-os", "optee_os"], 'a', "linaro", "op-tee"),
];

/// The vendor and product names CVE Numbering Authorities write in CVE 5 records for
/// software NVD names otherwise: (NVD vendor, NVD product, [(CNA vendor, CNA product)]).
/// Surveyed over CISA's vulnrichment records (the curl CNA writes `curl`/`curl` where NVD
/// writes `haxx:curl`); "n/a" vendors and other vendors' forks are left out.
/// A (vendor, product) pair.
type Names = (&'static str, &'static str);

const CNA_NAMES: &[(&str, &str, &[Names])] = &[
    ("haxx", "curl", &[("curl", "curl")]),
    (
        "gnu",
        "glibc",
        &[("the gnu c library", "glibc"), ("gnu libc", "glibc")],
    ),
    (
        "zephyrproject",
        "zephyr",
        &[("zephyrproject-rtos", "zephyr")],
    ),
    ("tukaani", "xz", &[("tukaani-project", "xz")]),
    (
        "eclipse",
        "mosquitto",
        &[("eclipse foundation", "mosquitto")],
    ),
    ("amazon", "freertos", &[("freertos", "freertos-kernel")]),
    ("linaro", "op-tee", &[("op-tee", "optee_os")]),
];

impl Default for Table {
    fn default() -> Table {
        Table {
            entries: BUILTIN
                .iter()
                .map(|(names, part, vendor, product)| Entry {
                    names: names.iter().map(|n| (*n).to_string()).collect(),
                    part: *part,
                    vendor: (*vendor).to_string(),
                    product: (*product).to_string(),
                })
                .collect(),
        }
    }
}

/// Whether a package built from the kernel's source is the kernel (image, modules) rather
/// than its headers, tools, documentation or firmware.
fn is_kernel_itself(name: &str) -> bool {
    const NOT: &[&str] = &[
        "libc", "headers", "tools", "kbuild", "doc", "firmware", "source", "devsrc", "perf",
        "cpupower",
    ];
    !NOT.iter().any(|n| name.contains(n))
}

/// The upstream version inside a distribution's version: the Debian upstream part (no epoch,
/// no revision), the RPM version (no epoch, no release), a Yocto `PV` without `+git…`.
pub fn upstream_version(ty: &str, version: &str) -> (String, &'static str) {
    match ty {
        "deb" => match crate::deb::DebVersion::parse(version) {
            Ok(v) => (
                v.upstream
                    .split(['~', '+'])
                    .next()
                    .unwrap_or(v.upstream)
                    .to_string(),
                "the upstream part of the Debian version",
            ),
            Err(_) => (version.to_string(), "the version as written"),
        },
        "rpm" | "apk" | "alpm" => {
            let no_epoch = version.split_once(':').map_or(version, |(_, v)| v);
            let v = match ty {
                "apk" => no_epoch.split("-r").next().unwrap_or(no_epoch),
                _ => no_epoch.rsplit_once('-').map_or(no_epoch, |(v, _)| v),
            };
            (v.to_string(), "the version without epoch and release")
        }
        "yocto" => (
            version.split("+git").next().unwrap_or(version).to_string(),
            "the recipe's PV without the +git suffix",
        ),
        _ => (version.to_string(), "the version as written"),
    }
}

impl Table {
    /// Add mappings (a product's own, from its configuration); they are tried first.
    pub fn extend(&mut self, entries: impl IntoIterator<Item = Entry>) {
        let mut new: Vec<Entry> = entries.into_iter().collect();
        new.append(&mut self.entries);
        self.entries = new;
    }

    /// CPE candidates for a package URL, with the reason for each.
    pub fn candidates(&self, purl: &Purl) -> Vec<Candidate> {
        let name = purl.name.to_ascii_lowercase();
        // `pkg:deb/debian/libssl3?...&upstream=openssl` names the source package.
        let source = purl
            .qualifiers
            .get("upstream")
            .or_else(|| purl.qualifiers.get("source"))
            .map(|s| {
                s.split_whitespace()
                    .next()
                    .unwrap_or(s)
                    .to_ascii_lowercase()
            });
        let mut out = Vec::new();
        for e in &self.entries {
            // Packages built from the kernel's source that are not the kernel: its headers
            // for user space (`linux-libc-dev`, Yocto's `linux-libc-headers`), tools,
            // documentation, firmware. Kernel vulnerabilities concern the running kernel.
            if e.product == "linux_kernel" && !is_kernel_itself(&name) {
                continue;
            }
            let by = if e.names.contains(&name) {
                format!("package name `{name}`")
            } else if let Some(s) = source.as_ref().filter(|s| e.names.contains(s)) {
                format!("source package `{s}`")
            } else if name.starts_with("linux-image-") && e.product == "linux_kernel" {
                format!("Debian kernel image package `{name}`")
            } else {
                continue;
            };
            let mut attrs: [Av; 11] = std::array::from_fn(|_| Av::Any);
            attrs[0] = Av::Value(e.part.to_string());
            attrs[1] = Av::Value(quote(&e.vendor).unwrap_or_default());
            attrs[2] = Av::Value(quote(&e.product).unwrap_or_default());
            let mut reason = format!(
                "{by} of `pkg:{}` is {}:{} in the identity table",
                purl.ty, e.vendor, e.product
            );
            if let Some(v) = &purl.version {
                let (upstream, how) = upstream_version(&purl.ty, v);
                if let Some(q) = quote(&upstream) {
                    attrs[3] = Av::Value(q);
                    reason.push_str(&format!("; version {upstream} is {how} `{v}`"));
                }
            }
            out.push(Candidate {
                cpe: Wfn { attrs },
                reason,
            });
        }
        out
    }

    /// The CPE vendors the table knows for a product (for CPEs written without a vendor).
    pub fn vendors_of_product(&self, product: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for e in self.entries.iter().filter(|e| e.product == product) {
            if !out.contains(&e.vendor.as_str()) {
                out.push(&e.vendor);
            }
        }
        out
    }

    /// The other (vendor, product) names CVE 5 records use for the software NVD names
    /// `vendor:product` ([`CNA_NAMES`]).
    pub fn cna_names(
        &self,
        vendor: &str,
        product: &str,
    ) -> &'static [(&'static str, &'static str)] {
        CNA_NAMES
            .iter()
            .find(|(v, p, _)| *v == vendor && *p == product)
            .map_or(&[], |(_, _, names)| names)
    }

    /// Package names known for a CPE name's vendor and product (the way back).
    pub fn package_names(&self, cpe: &Wfn) -> Vec<&str> {
        let (Some(vendor), Some(product)) = (cpe.vendor().unquoted(), cpe.product().unquoted())
        else {
            return Vec::new();
        };
        self.entries
            .iter()
            .filter(|e| e.vendor == vendor && e.product == product)
            .flat_map(|e| e.names.iter().map(String::as_str))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cna_names_are_lower_case_and_known_to_the_table() {
        let t = super::Table::default();
        for (v, p, names) in super::CNA_NAMES {
            assert!(!t.cna_names(v, p).is_empty());
            assert!(
                !t.vendors_of_product(p).is_empty(),
                "{v}:{p} not in BUILTIN"
            );
            for (cv, cp) in *names {
                assert_eq!(*cv, cv.to_lowercase());
                assert_eq!(*cp, cp.to_lowercase());
            }
        }
        assert!(t.cna_names("openssl", "openssl").is_empty());
    }

    use super::*;

    fn cands(purl: &str) -> Vec<Candidate> {
        Table::default().candidates(&Purl::parse(purl).unwrap())
    }

    #[test]
    fn kernel_headers_and_tools_are_not_the_kernel() {
        for p in [
            "pkg:deb/debian/linux-libc-dev@5.10.136-1?upstream=linux",
            "pkg:generic/linux-libc-headers@6.6",
            "pkg:deb/debian/linux-headers-6.1.0-18-amd64@6.1.76-1?upstream=linux",
            "pkg:deb/debian/linux-kbuild-6.1@6.1.76-1?upstream=linux",
        ] {
            assert!(cands(p).is_empty(), "{p}");
        }
        assert_eq!(
            cands("pkg:deb/debian/linux-image-6.1.0-18-amd64@6.1.76-1").len(),
            1
        );
    }

    #[test]
    fn distribution_packages_resolve_to_upstream_cpes() {
        let c = cands("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64");
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].cpe.to_string(),
            "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*"
        );
        assert!(
            c[0].reason.contains("libssl3") && c[0].reason.contains("Debian"),
            "{}",
            c[0].reason
        );
        let c = cands("pkg:yocto/linux-yocto@6.1.55+gitAUTOINC+abc");
        assert_eq!(
            c[0].cpe.to_string(),
            "cpe:2.3:o:linux:linux_kernel:6.1.55:*:*:*:*:*:*:*"
        );
        let c = cands("pkg:rpm/fedora/openssh-server@9.3p1-1.fc39");
        assert_eq!(
            c[0].cpe.to_string(),
            "cpe:2.3:a:openbsd:openssh:9.3p1:*:*:*:*:*:*:*"
        );
        let c = cands("pkg:deb/debian/libfoo1@1.0-1?upstream=busybox");
        assert!(c[0].reason.contains("source package `busybox`"));
        assert!(cands("pkg:npm/left-pad@1.3.0").is_empty());
    }

    #[test]
    fn tables_extend_and_map_back() {
        let mut t = Table::default();
        t.extend([Entry {
            names: vec!["acme-agent".into()],
            part: 'a',
            vendor: "acme".into(),
            product: "agent".into(),
        }]);
        let c = t.candidates(&Purl::parse("pkg:generic/acme-agent@2.1").unwrap());
        assert_eq!(
            c[0].cpe.to_string(),
            "cpe:2.3:a:acme:agent:2.1:*:*:*:*:*:*:*"
        );
        let back = t.package_names(&Wfn::parse("cpe:2.3:a:haxx:curl:8.0:*:*:*:*:*:*:*").unwrap());
        assert!(back.contains(&"libcurl4"));
    }
}
