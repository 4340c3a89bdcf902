//! The Kbuild walk on small trees written by the tests: one `check` builds the tree, walks
//! it, and compares the compiled set.

use craft_kernel::{compiled_files, Compiled, Config, How, Tree};

/// A tree of `files` (path, content; sources may be empty) walked with `config`.
fn walk(files: &[(&str, &str)], config: &str) -> Compiled {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let tree = Tree::open(dir.path(), None).expect("tree");
    compiled_files(&tree, &Config::parse(config), None).expect("walk")
}

fn check(out: &Compiled, expect: &[(&str, How)]) {
    let got: Vec<(&str, How)> = out.files.iter().map(|f| (f.path.as_str(), f.how)).collect();
    assert_eq!(got, expect, "diagnostics: {:?}", out.diagnostics);
}

const TOP: (&str, &str) = ("Makefile", "# top\n");
const KBUILD: (&str, &str) = (
    "Kbuild",
    "obj-y += init/ drivers/ $(ARCH_CORE)\nobj-y += $(ARCH_LIB)\n",
);
const ARCH: (&str, &str) = (
    "arch/toy/Makefile",
    "core-y += arch/toy/kernel/\nlibs-y += arch/toy/lib/\nexport BITS := 64\n",
);

#[test]
fn objects_composites_modules_and_libraries() {
    let out = walk(
        &[
            TOP,
            KBUILD,
            ARCH,
            ("init/Makefile", "obj-y := main.o\nobj-$(CONFIG_OFF) += off.o\n"),
            ("init/main.c", ""),
            ("init/off.c", ""),
            ("arch/toy/kernel/Makefile", "obj-y += head_$(BITS).o\n"),
            ("arch/toy/kernel/head_64.S", ""),
            ("arch/toy/kernel/head_32.S", ""),
            ("arch/toy/lib/Makefile", "lib-y += memcpy.o\n"),
            ("arch/toy/lib/memcpy.c", ""),
            ("lib/Makefile", "lib-y += sort.o\nobj-y += gen.o\n"),
            ("lib/sort.c", ""),
            (
                "drivers/Makefile",
                "obj-$(CONFIG_NET) += net/\nobj-$(CONFIG_USB) += usb/\nobj-$(CONFIG_GPU) += gpu/\n",
            ),
            // A composite module and a composite built-in.
            (
                "drivers/net/Kbuild",
                "obj-$(CONFIG_E1000) += e1000.o\ne1000-y := main.o hw.o\ne1000-$(CONFIG_E1000_PTP) += ptp.o\nobj-y += core.o\ncore-objs := a.o\n",
            ),
            ("drivers/net/Makefile", "obj-y += ignored.o\n"),
            ("drivers/net/main.c", ""),
            ("drivers/net/hw.c", ""),
            ("drivers/net/ptp.c", ""),
            ("drivers/net/e1000.c", ""),
            ("drivers/net/a.c", ""),
            ("drivers/net/ignored.c", ""),
            // A directory reached only as a module: its obj-y is not built.
            ("drivers/usb/Makefile", "obj-m += usbcore.o\nobj-y += notlinked.o\n"),
            ("drivers/usb/usbcore.c", ""),
            ("drivers/usb/notlinked.c", ""),
            ("drivers/gpu/Makefile", "obj-y += gpu.o\n"),
            ("drivers/gpu/gpu.c", ""),
        ],
        "# Linux/toy 6.1.0 Kernel Configuration\nCONFIG_NET=y\nCONFIG_USB=m\nCONFIG_E1000=m\n# CONFIG_OFF is not set\n",
    );
    check(
        &out,
        &[
            ("arch/toy/kernel/head_64.S", How::BuiltIn),
            ("arch/toy/lib/memcpy.c", How::Library),
            ("drivers/net/a.c", How::BuiltIn),
            ("drivers/net/hw.c", How::Module),
            ("drivers/net/main.c", How::Module),
            ("init/main.c", How::BuiltIn),
            ("drivers/usb/usbcore.c", How::Module),
            ("lib/sort.c", How::Library),
        ]
        .into_iter()
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect::<Vec<_>>(),
    );
    // `lib/gen.o` has no source: generated.
    assert_eq!(out.unresolved.len(), 1);
    assert_eq!(out.unresolved[0].object, "lib/gen.o");
    // The evidence: the chain of lines with their symbols.
    let hw = out
        .files
        .iter()
        .find(|f| f.path == "drivers/net/hw.c")
        .expect("hw");
    let lines: Vec<String> = hw
        .lines
        .iter()
        .map(|o| format!("{}:{}", o.file, o.line))
        .collect();
    assert_eq!(
        lines,
        [
            "Kbuild:1",
            "drivers/Makefile:1",
            "drivers/net/Kbuild:1",
            "drivers/net/Kbuild:2"
        ]
    );
    assert_eq!(hw.symbols, ["CONFIG_E1000", "CONFIG_NET"]);
    // Absence is proven where the walk was certain.
    assert!(out.proves_absent("drivers/net/ptp.c").is_ok());
    assert!(out.proves_absent("drivers/gpu/gpu.c").is_ok());
    assert!(out.proves_absent("drivers/net/hw.c").is_err());
    // Not compiled (its directory is reached only through obj-m), but named by a list
    // beside compiled code: craft does not claim it absent.
    assert!(!out
        .files
        .iter()
        .any(|f| f.path == "drivers/usb/notlinked.c"));
    assert!(out.proves_absent("drivers/usb/notlinked.c").is_err());
}

#[test]
fn what_cannot_be_followed_makes_a_directory_uncertain() {
    let out = walk(
        &[
            TOP,
            KBUILD,
            ARCH,
            (
                "init/Makefile",
                "obj-y += $(shell ls *.o)\nccflags-y += $(shell echo -O2)\n",
            ),
            ("arch/toy/kernel/Makefile", ""),
            ("arch/toy/lib/Makefile", ""),
            ("lib/Makefile", ""),
            ("init/x.c", ""),
            ("init/sub/y.c", ""),
            (
                "drivers/Makefile",
                "ccflags-y := $(shell echo -O2)\nobj-y += missing/\n",
            ),
            ("drivers/z.c", ""),
        ],
        "# Linux/toy 6.1.0 Kernel Configuration\n",
    );
    assert_eq!(out.uncertain_directories, ["drivers/missing", "init"]);
    let why = out.proves_absent("init/x.c").expect_err("uncertain");
    assert!(why.contains("`init/`"), "{why}");
    assert!(out.proves_absent("init/sub/y.c").is_err());
    // `$(shell)` in a flags line does not make `drivers/` uncertain.
    assert!(out.proves_absent("drivers/z.c").is_ok());
    assert!(out
        .diagnostics
        .iter()
        .any(|d| d.file == "init/Makefile" && d.line == 1 && d.uncertain));
    assert!(out
        .diagnostics
        .iter()
        .any(|d| d.file == "drivers/Makefile" && d.line == 1 && !d.uncertain));
}

#[test]
fn recipe_descents_targets_and_extra() {
    let out = walk(
        &[
            TOP,
            ("Kbuild", "obj-y += arch/toy/\n"),
            ("arch/toy/Makefile", "# arch\n"),
            (
                "arch/toy/Kbuild",
                "obj-y += piggy.o\nextra-y += head.o\n$(obj)/piggy.o: $(obj)/rm/blob\n$(obj)/rm/blob: FORCE\n\t$(Q)$(MAKE) $(build)=$(obj)/rm $@\n",
            ),
            ("arch/toy/piggy.S", ""),
            ("arch/toy/head.S", ""),
            ("arch/toy/rm/Makefile", "rm-y := a.o\nrm-$(CONFIG_X) += b.o\ntargets += $(rm-y)\nobj-y += never.o\n"),
            ("arch/toy/rm/a.c", ""),
            ("arch/toy/rm/b.c", ""),
            ("arch/toy/rm/never.c", ""),
        ],
        "# Linux/toy 6.1.0 Kernel Configuration\nCONFIG_X=y\n",
    );
    check(
        &out,
        &[
            ("arch/toy/head.S", How::Extra),
            ("arch/toy/piggy.S", How::BuiltIn),
            ("arch/toy/rm/a.c", How::Target),
            ("arch/toy/rm/b.c", How::Target),
        ],
    );
}

#[test]
fn bad_configs_and_trees_are_errors_or_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(
        Tree::open(dir.path(), None).is_err(),
        "no Makefile: not a tree"
    );
    std::fs::write(dir.path().join("Makefile"), "").expect("write");
    let tree = Tree::open(dir.path(), None).expect("tree");
    // No architecture named, none given.
    let e = compiled_files(&tree, &Config::parse("CONFIG_A=y\n"), None).expect_err("no arch");
    assert!(e.to_string().contains("--arch"), "{e}");
    // An architecture the tree lacks.
    let e = compiled_files(&tree, &Config::parse(""), Some("sparc")).expect_err("no arch dir");
    assert!(e.to_string().contains("arch/sparc/Makefile"), "{e}");
}

/// The review's cases: what craft must not claim absent.
#[test]
fn issue6_review_cases_are_not_proven_absent() {
    let out = walk(
        &[
            TOP,
            KBUILD,
            ARCH,
            ("arch/toy/kernel/Makefile", ""),
            ("arch/toy/lib/Makefile", ""),
            // A scheduler-like directory: `build.c` #includes `rt.c`, named in no list.
            ("init/Makefile", "obj-y += build.o\n"),
            ("init/build.c", ""),
            ("init/rt.c", ""),
            // lib-y is not expanded as a composite (Makefile.lib): `memcpy-` is not its parts.
            ("lib/Makefile", "lib-y += memcpy.o\nmemcpy-$(CONFIG_NOPE) += fast.o\n"),
            ("lib/memcpy.c", ""),
            ("lib/fast.c", ""),
            // A helper list fed by a shell, then used by obj-y; a late definition; a
            // condition on a compiler probe; a target-specific variable before a tab line.
            (
                "drivers/Makefile",
                "objs-y := $(shell echo a.o)\nobj-y += $(objs-y)\nobj-y += $(late)\nlate = b.o\n\
                 ifeq ($(call cc-option-yn,-mfoo),y)\nobj-y += c.o\nendif\nd.o: X = 1\n\tobj-y += d.o\n",
            ),
            ("drivers/a.c", ""),
            ("drivers/b.c", ""),
            ("drivers/c.c", ""),
            ("drivers/d.c", ""),
        ],
        "# Linux/toy 6.1.0 Kernel Configuration\n",
    );
    assert!(
        out.proves_absent("init/rt.c").is_err(),
        "may be included by build.c"
    );
    assert!(
        out.files.iter().any(|f| f.path == "lib/memcpy.c"),
        "{:?}",
        out.files
    );
    // The shell-fed helper and the compiler probe make drivers/ uncertain.
    assert!(
        out.uncertain_directories.iter().any(|d| d == "drivers"),
        "{:?}",
        out.diagnostics
    );
    assert!(out.proves_absent("drivers/a.c").is_err());
    assert!(out.proves_absent("drivers/c.c").is_err());
    // The late definition and the tab line after a target-specific variable are make's.
    assert!(out.files.iter().any(|f| f.path == "drivers/b.c"));
    assert!(
        out.files.iter().any(|f| f.path == "drivers/d.c"),
        "{:?}",
        out.files
    );
}

/// The second review's cases: code built from another directory's Makefile, limits and
/// the architecture Makefile's lists.
#[test]
fn issue6_second_review_cases() {
    let mut many = String::new();
    for i in 0..1001 {
        many.push_str(&format!("obj- += $(shell echo {i})\n"));
    }
    many.push_str("obj-y += $(shell cat list)\n");
    let out = walk(
        &[
            TOP,
            (
                "Kbuild",
                "obj-y += arch/toy/ lib/ drivers/ $(ARCH_DRIVERS)\n",
            ),
            (
                "arch/toy/Makefile",
                "drivers-$(call cc-option-yn,-mtoy) += drivers/toy/\n",
            ),
            ("arch/toy/Kbuild", "obj-y += vdso/\n"),
            // The arch vDSO includes lib/vdso/Makefile and builds lib/vdso's code from here.
            (
                "arch/toy/vdso/Makefile",
                "include $(srctree)/lib/vdso/Makefile\nobj-y += vgettimeofday.o\n",
            ),
            ("arch/toy/vdso/vgettimeofday.c", ""),
            ("lib/vdso/Makefile", "GENERIC_VDSO := 1\n"),
            ("lib/vdso/gettimeofday.c", ""),
            ("lib/Makefile", "obj-y += sort.o\n"),
            ("lib/sort.c", ""),
            // A thousand diagnostics, then an object list fed by a shell.
            ("drivers/Makefile", many.as_str()),
            ("drivers/foo.c", ""),
            ("drivers/toy/toy.c", ""),
        ],
        "# Linux/toy 6.1.0 Kernel Configuration\n",
    );
    assert!(out.proves_absent("lib/vdso/gettimeofday.c").is_err());
    assert!(
        out.uncertain_directories.iter().any(|d| d == "drivers"),
        "{:?}",
        out.uncertain_directories
    );
    assert!(out.proves_absent("drivers/foo.c").is_err());
    // The arch Makefile's driver list could not be evaluated: the top is uncertain.
    assert!(
        out.uncertain_directories.iter().any(|d| d == "."),
        "{:?}",
        out.uncertain_directories
    );
    assert!(out.proves_absent("drivers/toy/toy.c").is_err());
}

/// A path of another version is found in this tree only where one file is clearly the same.
#[test]
fn moved_files_are_found_only_when_unambiguous() {
    let t = Tree::in_memory(
        [
            "drivers/soc/imx/imx8mp-blk-ctrl.c",
            "drivers/misc/habanalabs/common/device.c",
            "drivers/base/core/device.c",
            "drivers/media/pci/zoran/zoran_device.c",
            "drivers/usb/host/fotg210-hcd.c",
            "drivers/bus/mhi/host/main.c",
            "drivers/net/ethernet/mellanox/mlx5/core/main.c",
            "drivers/net/wireless/ath/ath11k/core/main.c",
            "tools/testing/foo/only.c",
            "fs/only.c",
            "drivers/net/wireguard/send.c",
            "drivers/gpu/core/unique.c",
        ]
        .map(|p| (p.to_string(), String::new())),
    );
    for (record, here) in [
        // 1. the same directory name and first two directories
        (
            "drivers/media/staging/zoran/zoran_device.c",
            Some("drivers/media/pci/zoran/zoran_device.c"),
        ),
        // 2. the same last three components
        (
            "drivers/accel/habanalabs/common/device.c",
            Some("drivers/misc/habanalabs/common/device.c"),
        ),
        // 3. the only file of that name under the top directory, same directory name …
        (
            "drivers/pmdomain/imx/imx8mp-blk-ctrl.c",
            Some("drivers/soc/imx/imx8mp-blk-ctrl.c"),
        ),
        // … or same first two directories
        (
            "drivers/usb/fotg210/fotg210-hcd.c",
            Some("drivers/usb/host/fotg210-hcd.c"),
        ),
        // Two files share `core/main.c`: neither is chosen.
        ("drivers/bus/mhi/core/main.c", None),
        // Another top-level directory, tools/, or nothing in common but the name.
        ("drivers/only.c", None),
        ("drivers/x/y/only.c", None),
        ("drivers/accel/other/device.c", None),
        // A name unique under drivers/ and the same first two directories, but nothing
        // else in common; a common directory name.
        ("drivers/net/ethernet/mlx5/steering/hws/send.c", None),
        ("drivers/accel/core/unique.c", None),
    ] {
        assert_eq!(t.moved(record), here, "{record}");
    }
}
