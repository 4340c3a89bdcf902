//! Vulnerability data: any bytes (a record, a feed, an archive, a CSV) go through the
//! importer's format detection and every reader without a panic, and within the limits.

#![no_main]

use craft_vulndb::parse::Problem;
use craft_vulndb::walk::{walk_reader, Limits, Sink};
use craft_vulndb::{Item, Source};
use libfuzzer_sys::fuzz_target;

struct Count(u64);

impl Sink for Count {
    fn item(&mut self, _: &str, item: Item) -> Result<(), craft_vulndb::Error> {
        if let Item::Record(r) = item {
            assert!(!r.id.is_empty());
        }
        self.0 += 1;
        Ok(())
    }
    fn problem(&mut self, _: &str, _: Option<Source>, p: Problem) {
        assert!(!p.code.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_document: 1 << 20,
        max_stream: 4 << 20,
        max_depth: 3,
        parallel: false,
    };
    let mut sink = Count(0);
    let _ = walk_reader("fuzz", &mut &data[..], &limits, &mut sink);
});
