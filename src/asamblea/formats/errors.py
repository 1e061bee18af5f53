"""Errors raised by every file reader and writer in `asamblea.formats`.

Contract (shared by the PrefLib, CSV and BLT readers): a bad file raises `FormatError` with a
human message in Spanish, the path when known and the 1-based line number when the problem is on a
line. `str(error)` is ready to show to a user; the CLI prints it and exits with status 2, never a
traceback.
"""

from __future__ import annotations

from pathlib import Path


class FormatError(ValueError):
    """A file that cannot be read as the format it claims to be."""

    def __init__(self, message: str, *, line: int | None = None, path: str | Path | None = None):
        self.message = message
        self.line = line
        self.path = None if path is None else str(path)
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"línea {self.line}"
        return f"{where}: {self.message}" if where else self.message

    def at(self, path: str | Path) -> FormatError:
        """The same error with the file path filled in (readers add it once at the top)."""
        return FormatError(self.message, line=self.line, path=path)


class FormatWarning(UserWarning):
    """Something a reader repaired or left out, said as `FormatError` says a problem."""

    def __init__(self, message: str, *, line: int | None = None, path: str | Path | None = None):
        self.message = message
        self.line = line
        self.path = None if path is None else str(path)
        super().__init__(FormatError(message, line=line, path=path).args[0])

    def at(self, path: str | Path) -> FormatWarning:
        """The same warning with the file path filled in."""
        return FormatWarning(self.message, line=self.line, path=path)
