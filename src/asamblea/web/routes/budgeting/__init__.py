"""Participatory budgeting pages and API."""
