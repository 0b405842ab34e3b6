"""Benchmarks for Commonplace: run them all with ``make bench``.

``python -m tests.benchmarks.run`` measures, on SQLite and on PostgreSQL, the
library's raw append rate, create+publish through the application and through
HTTP, and the load time of an artifact with 1,000 revisions; then search on a
synthetic corpus (corpus.py, search_measures.py, search_run.py): the rebuild rate,
search latency directly and through HTTP, publish -> searchable and the processes'
peak memory. See docs/benchmarks.md. No module here is named ``test_*``, so pytest
never collects them.
"""

import warnings

# tests.conftest (whose fixtures' data the benchmarks reuse) imports FastAPI's TestClient.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
