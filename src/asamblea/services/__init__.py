"""Use cases: each one runs inside the caller's transaction, checks who may act, and audits.

Services never commit: the web or CLI layer opens the transaction (`with sessions.begin()`),
calls one use case, and the whole change is written, or none of it.
"""
