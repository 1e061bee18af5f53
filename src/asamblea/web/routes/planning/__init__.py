"""Democratic planning pages and API."""
