# Used by scripts/peers/vulndb_peers.sh. Offline OSV import into cve-bin-tool's own SQLite DB, using only its own code:
# OSV_Source.update_cve_entries (reads ~/.cache/cve-bin-tool/osv/**), OSV_Source.format_data,
# CVEDB.init_database + CVEDB.populate_db (the same calls refresh_cache_and_update_db makes after the download).
# Only the network steps (gsutil ls / all.zip download) are skipped: the cache dir is pre-filled by the caller.
import asyncio, os, sys, time, resource, sqlite3
from cve_bin_tool.data_sources.osv_source import OSV_Source
from cve_bin_tool.cvedb import CVEDB
t0 = time.perf_counter()
osv = OSV_Source(incremental_update=False)
osv.time_of_last_update = None
asyncio.run(osv.update_cve_entries())
t1 = time.perf_counter()
data = osv.format_data(osv.all_cve_entries)
t2 = time.perf_counter()
db = CVEDB(sources=[osv], version_check=False)
db.data = [(data, osv.source_name)]
db.init_database(); db.populate_db()
t3 = time.perf_counter()
c = sqlite3.connect(db.dbpath)
q = lambda s: c.execute(s).fetchone()[0]
print(f"records_read={len(osv.all_cve_entries)} severity_rows={len(data[0])} range_rows={len(data[1])} "
      f"db_cve_severity={q('select count(*) from cve_severity')} db_cve_range={q('select count(*) from cve_range')} "
      f"read={t1-t0:.2f}s format={t2-t1:.2f}s sqlite={t3-t2:.2f}s total={t3-t0:.2f}s dbsize={os.path.getsize(db.dbpath)/1e6:.1f}MB "
      f"maxrss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f}MB")
