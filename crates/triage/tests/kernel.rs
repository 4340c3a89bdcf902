//! Kernel triage on a small tree held in memory: one `decide` is the only caller of the API.

use craft_kernel::{compiled_files, Built, Config, Tree};
use craft_triage::kernel::{FileState, KernelContext};
use craft_triage::{Justification, Layer, Status};

const CONFIG: &str = "# Linux/arm 6.1.0 Kernel Configuration\nCONFIG_NET=y\nCONFIG_E1000=m\n";

fn tree() -> Tree {
    Tree::in_memory(
        [
            ("Makefile", ""),
            ("Kbuild", "obj-y += arch/$(SRCARCH)/ drivers/ net/\nobj-$(CONFIG_SAMPLES) += samples/\n"),
            ("arch/arm/Makefile", ""),
            ("arch/arm/Kbuild", "obj-y += mm.o\n"),
            ("arch/arm/mm.c", ""),
            ("arch/x86/kernel/cpu.c", ""),
            ("drivers/Makefile", "obj-$(CONFIG_E1000) += e1000/\nobj-$(CONFIG_WIFI) += wifi/\nobj-$(CONFIG_CAN) += can/\n"),
            ("drivers/can/Makefile", "ccflags-y += -I$(src)/include\nobj-y += can_core.o\n"),
            ("drivers/can/can_core.c", ""),
            ("drivers/can/include/can_priv.h", ""),
            ("include/linux/can/skb.h", ""),
            ("include/linux/e1000.h", ""),
            ("drivers/e1000/Makefile", "obj-$(CONFIG_E1000) += e1000.o\ne1000-y := main.o\nifdef CONFIG_E1000_PTP\ne1000-y += ptp.o\nendif\n"),
            ("drivers/e1000/main.c", ""),
            ("drivers/e1000/ptp.c", ""),
            ("drivers/e1000/e1000.h", ""),
            ("drivers/wifi/Makefile", "obj-y += wifi.o\n"),
            ("drivers/wifi/wifi.c", ""),
            ("drivers/wifi/wifi.h", ""),
            ("net/Makefile", "obj-y += core.o\nobj-y += $(shell ls)\n"),
            ("net/core.c", ""),
            ("net/other.c", ""),
            ("include/linux/skbuff.h", ""),
            ("tools/perf/builtin.c", ""),
            ("lib/x.dts", ""),
            ("samples/demo.c", ""),
        ]
        .map(|(p, t)| (p.to_string(), t.to_string())),
    )
}

fn decide(files: &[&str]) -> craft_triage::Decision {
    decide_with(files, None)
}

/// As the build's list (`.cmd` texts, else a plain list) says.
fn decide_with(files: &[&str], list: Option<(&[&str], bool)>) -> craft_triage::Decision {
    let config = Config::parse(CONFIG);
    let t = tree();
    let compiled = compiled_files(&t, &config, None).expect("walk");
    let built = list.map(|(texts, cmd)| {
        let mut b = if cmd {
            Built::from_cmd_files(texts.iter().copied(), &t, "build/")
        } else {
            Built::from_list(&texts.join("\n"), &t, "sources.txt")
        };
        b.judge(&compiled);
        b
    });
    let ctx = KernelContext {
        compiled: &compiled,
        config: &config,
        tree: &t,
        built: built.as_ref(),
    };
    ctx.triage(&files.iter().map(|f| f.to_string()).collect::<Vec<_>>())
}

#[test]
fn a_compiled_file_makes_the_finding_affected() {
    let d = decide(&["drivers/e1000/main.c", "drivers/e1000/ptp.c"]);
    assert_eq!((d.status, d.layer), (Status::Affected, Layer::Compiled));
    assert!(d.reason.contains("compiled as a module"), "{}", d.reason);
    assert!(d.reason.contains("CONFIG_E1000=m"), "{}", d.reason);
}

#[test]
fn absent_code_is_not_affected_with_its_proof() {
    // A part under a false `ifdef`: the line of the branch not taken is the proof.
    let d = decide(&["drivers/e1000/ptp.c"]);
    assert_eq!(d.status, Status::NotAffected);
    assert_eq!(
        d.justification,
        Some(Justification::VulnerableCodeNotPresent)
    );
    assert_eq!(d.layer, Layer::KernelConfig);
    assert!(
        d.reason.contains("drivers/e1000/Makefile:4"),
        "{}",
        d.reason
    );
    assert!(
        d.reason.contains("CONFIG_E1000_PTP is not set"),
        "{}",
        d.reason
    );
    // A directory its parent leaves out.
    let d = decide(&["drivers/wifi/wifi.c", "drivers/wifi/wifi.h"]);
    assert_eq!(d.status, Status::NotAffected);
    assert!(
        d.reason
            .contains("drivers/Makefile:2 `obj-$(CONFIG_WIFI) += wifi/` (CONFIG_WIFI is not set)"),
        "{}",
        d.reason
    );
    assert_eq!(
        d.files[1].state,
        FileState::NotCompiled,
        "a private header of a directory not built"
    );
    // Another architecture, and user-space tools.
    let d = decide(&["arch/x86/kernel/cpu.c"]);
    assert_eq!(
        (d.status, d.layer),
        (Status::NotAffected, Layer::Architecture)
    );
    let d = decide(&["tools/perf/builtin.c", "arch/x86/kernel/cpu.c"]);
    assert_eq!(
        (d.status, d.layer),
        (Status::NotAffected, Layer::Architecture)
    );
    let d = decide(&["tools/perf/builtin.c"]);
    assert_eq!(
        (d.status, d.layer),
        (Status::NotAffected, Layer::NotImageCode)
    );
    // A top-level directory the top Kbuild leaves out.
    let d = decide(&["samples/demo.c", "Documentation/x.rst"]);
    assert_eq!(d.status, Status::NotAffected);
    assert!(d.reason.contains("Kbuild:2"), "{}", d.reason);
}

#[test]
fn what_cannot_be_told_stays_under_investigation() {
    for (files, why) in [
        (&[][..], "names no files"),
        (
            &["drivers/Makefile", "drivers/Kconfig"][..],
            "only build or documentation",
        ),
        (&["include/linux/skbuff.h"][..], "shared header"),
        (&["drivers/e1000/e1000.h"][..], "next to compiled code"),
        (&["net/other.c"][..], "cannot follow"),
        (
            &["drivers/e1000/ptp.c", "include/linux/skbuff.h"][..],
            "shared header",
        ),
        (&["lib/x.dts"][..], "cannot place"),
        (&["drivers/moved/gone.c"][..], "not in this kernel tree"),
    ] {
        let d = decide(files);
        assert_eq!(d.status, Status::UnderInvestigation, "{files:?}");
        assert_eq!(d.layer, Layer::Insufficient);
        assert!(d.reason.contains(why), "{files:?}: {}", d.reason);
    }
}

#[test]
fn headers_of_a_subsystem_not_compiled_are_not_affected() {
    // A subsystem's own include directory, of which nothing is compiled.
    let d = decide(&["drivers/can/include/can_priv.h"]);
    assert_eq!(
        (d.status, d.layer),
        (Status::NotAffected, Layer::KernelConfig)
    );
    assert!(d.reason.contains("own include directory"), "{}", d.reason);
    assert!(d.reason.contains("CONFIG_CAN is not set"), "{}", d.reason);
    // A header of another version in a directory of which nothing is compiled.
    let d = decide(&["drivers/can/can_core.c", "drivers/can/gone.h"]);
    assert_eq!(d.status, Status::NotAffected, "{}", d.reason);
    assert!(d.reason.contains("another version's path"), "{}", d.reason);
    // The fix's sources are not compiled and its shared header is named for them.
    let d = decide(&["drivers/can/can_core.c", "include/linux/can/skb.h"]);
    assert_eq!(
        (d.status, d.layer, d.justification),
        (
            Status::NotAffected,
            Layer::SubsystemHeader,
            Some(Justification::VulnerableCodeNotPresent)
        )
    );
    assert!(
        d.reason.contains(
            "include/linux/can/skb.h: the fix's shared header, named for its sources (`can`)"
        ),
        "{}",
        d.reason
    );
    assert!(d.reason.contains("CONFIG_CAN is not set"), "{}", d.reason);
}

#[test]
fn a_shared_header_not_named_for_absent_sources_keeps_the_finding_open() {
    for files in [
        // Named for nothing the fix leaves out.
        &["drivers/can/can_core.c", "include/linux/skbuff.h"][..],
        // Named for a directory of which code is compiled (`e1000/main.c`), by a source
        // that is not (`ptp.c`): the header may serve the compiled code.
        &["drivers/e1000/ptp.c", "include/linux/e1000.h"][..],
        // A source of the fix is compiled: affected, whatever the header.
        &["drivers/wifi/wifi.c", "include/linux/can/skb.h"][..],
    ] {
        let d = decide(files);
        assert_ne!(d.status, Status::NotAffected, "{files:?}: {}", d.reason);
        assert_ne!(d.layer, Layer::SubsystemHeader, "{files:?}");
    }
}

#[test]
fn the_builds_own_list_decides_what_the_walk_cannot() {
    // `.cmd` files: net/core.c compiled, including net/other.c and the shared header.
    let cmd: &[&str] = &["source_net/core.o := net/core.c\n\
        deps_net/core.o := \\\n  include/linux/skbuff.h \\\n  net/other.c \\\n\n"];
    let d = decide_with(&["net/other.c"], Some((cmd, true)));
    assert_eq!(d.status, Status::Affected, "{}", d.reason);
    assert!(
        d.reason.contains("included by a source the build compiled"),
        "{}",
        d.reason
    );
    let d = decide_with(&["include/linux/skbuff.h"], Some((cmd, true)));
    assert_eq!(d.status, Status::Affected);
    // Neither compiled nor included by a complete build (every source the walk compiles):
    // not affected, even where the walk cannot tell.
    let cmd2: &[&str] = &[
        "source_net/core.o := net/core.c\ndeps_net/core.o := \\\n  net/core.c\n",
        "source_arch/arm/mm.o := arch/arm/mm.c\n",
        "source_drivers/e1000/main.o := drivers/e1000/main.c\n",
    ];
    for f in ["net/other.c", "include/linux/skbuff.h"] {
        let d = decide_with(&[f], Some((cmd2, true)));
        assert_eq!(
            (d.status, d.layer),
            (Status::NotAffected, Layer::BuildList),
            "{f}: {}",
            d.reason
        );
        assert!(
            d.reason.contains(
                "neither compiled nor included by the build: build/ (.cmd files: 3 sources)"
            ),
            "{}",
            d.reason
        );
    }
    // A partial build (one source of the three the walk compiles) proves no absence; the
    // walk's "compiled" stands against a list that lacks the file.
    let partial = &cmd2[..1];
    for f in ["net/other.c", "include/linux/skbuff.h"] {
        let d = decide_with(&[f], Some((partial, true)));
        assert_eq!(d.status, Status::UnderInvestigation, "{f}: {}", d.reason);
    }
    let d = decide_with(&["drivers/e1000/main.c"], Some((partial, true)));
    assert_eq!((d.status, d.layer), (Status::Affected, Layer::Compiled));
    // Another architecture's code keeps its own layer.
    let d = decide_with(&["arch/x86/kernel/cpu.c"], Some((cmd2, true)));
    assert_eq!(d.layer, Layer::Architecture);
    // A plain list cannot show what a compiled source includes: a file it lacks is left
    // to the walk (here: cannot tell); one it has is compiled.
    let list: &[&str] = &["net/core.c", "/build/src/net/other.c"];
    let d = decide_with(&["net/other.c"], Some((list, false)));
    assert_eq!(d.status, Status::Affected, "{}", d.reason);
    let d = decide_with(&["net/other.c"], Some((&["net/core.c"], false)));
    assert_eq!(d.status, Status::UnderInvestigation, "{}", d.reason);
}
