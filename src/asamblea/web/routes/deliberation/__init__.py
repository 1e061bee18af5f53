"""Deliberation pages and API: proposals, supports, arguments, amendments, escalation and
the charter."""
