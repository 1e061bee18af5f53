"""Votes pages and API: drafting, casting, receipts, results and the public board."""
