//! The Kbuild walk: any `.config` and any Makefile texts give a result (files, diagnostics)
//! or a typed error; never a panic, a hang or a blow-up. Every compiled file exists in the
//! tree and names at least one line.

#![no_main]

use craft_kernel::{compiled_files, Config, Tree};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `.config` \0 top Kbuild \0 arch Makefile \0 a directory's Makefile
    let mut parts = text.splitn(4, '\0');
    let config = Config::parse(parts.next().unwrap_or(""));
    let kbuild = parts.next().unwrap_or("obj-y += d/");
    let arch = parts.next().unwrap_or("");
    let dir = parts.next().unwrap_or("obj-y += a.o");
    let tree = Tree::in_memory(
        [
            ("Makefile", ""),
            ("Kbuild", kbuild),
            ("arch/toy/Makefile", arch),
            ("d/Makefile", dir),
            ("d/a.c", ""),
            ("d/b.S", ""),
            ("d/sub/Makefile", dir),
            ("d/sub/c.c", ""),
        ]
        .map(|(p, t)| (p.to_string(), t.to_string())),
    );
    if let Ok(out) = compiled_files(&tree, &config, Some("toy")) {
        for f in &out.files {
            assert!(tree.exists(&f.path), "{} is not in the tree", f.path);
            assert!(!f.lines.is_empty());
        }
        for f in ["d/a.c", "d/b.S", "d/sub/c.c", "x/y.c"] {
            let _ = out.proves_absent(f);
        }
    }
});
