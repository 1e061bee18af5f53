"""Domain errors. Each carries an English message id (translated at the edge) and its parameters.

The web and CLI layers translate `message` through the gettext catalogs and format it with
`params`, so an error raised deep in a rule reaches the user in their own language.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A rule of the domain was broken by a request; nothing has been written."""

    status = 400

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params: Mapping[str, object] = params

    def __str__(self) -> str:
        try:
            return self.message.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.message


class Invalid(DomainError):
    """The request is well-formed but breaks a rule (bad value, wrong state)."""

    status = 422


class NotFound(DomainError):
    """The thing asked for does not exist, or the actor may not know it exists."""

    status = 404


class Forbidden(DomainError):
    """The actor is known but may not do this."""

    status = 403


class Unauthenticated(DomainError):
    """The action needs a logged-in account."""

    status = 401


class Conflict(DomainError):
    """The action clashes with the current state (already done, taken name, ...)."""

    status = 409


class RateLimited(DomainError):
    """Too many attempts; try again later."""

    status = 429


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext "no-op" marker name
    """Mark a message for translation without translating it here (core has no locale)."""
    return message
