"""The ASGI application Uvicorn serves (settings from the environment)."""

import gc

from asamblea.web.app import create_app

app = create_app()

# What is loaded by now (modules, mappers, templates, catalogs) lives as long as the process.
# Frozen, the garbage collector no longer walks it: a full collection then scans only what
# requests create. Unfrozen, one ran every second or two under load and held every request for
# 100-200 ms (p99 in benchmarks/bench_votes.py; see docs/operating.md).
gc.collect()
gc.freeze()
