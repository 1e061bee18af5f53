"""The ASGI application Uvicorn serves (settings from the environment)."""

import gc

from asamblea.web.app import create_app

app = create_app()

# What is loaded by now (modules, mappers, templates, catalogs) lives as long as the process.
# Frozen, the garbage collector no longer walks it: a full collection then scans only what
# requests create (with `ReleaseContext` they leave little behind). Together they took the p99
# of casts at 500/s from 120-300 ms to 15-25 ms (benchmarks/bench_votes.py; docs/voting.md).
gc.collect()
gc.freeze()
