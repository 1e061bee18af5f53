"""Calendars and feeds: the public and private feed files, the person's calendars page and
the API to see, rotate and revoke their private address."""
