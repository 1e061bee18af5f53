"""Use cases of the archive of testimonies (Memory): cases and their team, keys, intake,
reading, consent, export. Each takes the session, and the caller owns the transaction.

The design and what it protects against: docs/archive.md.
"""
