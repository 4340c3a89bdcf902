# Used by scripts/peers/vulndb_peers.sh. Time sbom-cve-check's own CVEList indexing (VulnDatabase.create_index, the cache-miss path), no SBOM, no cache.
import sys, time, pathlib, resource, json
from sbom_cve_check.products.products import init_products_database
from sbom_cve_check.database.db_cvelist import CveListVulnDatabase
from sbom_cve_check.database.db_base import VulnDatabase
from sbom_cve_check.database.locking import database_locks
import os
d = os.environ.get("SCC_DBS", "/tmp/craft-peer-bench/scc-dbs"); os.makedirs(d, exist_ok=True); os.environ["SBOM_CVE_CHECK_DATABASES_DIR"] = d; database_locks.configure([])
init_products_database([], load_defaults=True)      # builtin product->CPE alias DB, as the CLI does
db = CveListVulnDatabase(path=pathlib.Path(sys.argv[1]), name="cvelist", offline_mode=True, auto_update_max_age=None, cache_index_path=None)
n = rej = 0
t0 = time.perf_counter()
idx = VulnDatabase.create_index(db)                 # parse every cves/*/*/CVE-*.json, map comp name -> CVE ids
t1 = time.perf_counter()
ids = set().union(*idx.values())
t2 = time.perf_counter()
s = json.dumps({k: sorted(v) for k, v in idx.items()})
t3 = time.perf_counter()
print(f"index {t1-t0:.2f}s names={len(idx)} cves_indexed={len(ids)} json_dump={t3-t2:.2f}s ({len(s)/1e6:.1f} MB) maxrss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f}MB")
