"""Notices' pages (the inbox and preferences) and, later, their API."""
