"""Open a file a person named, and say in their language why it cannot be read.

Every reader in `asamblea.formats` takes its text through `read_text`, so a missing file, a
folder given as a file, a file without read permission and bytes that are not UTF-8 each get
their own message naming the path (a `FormatError`, shown by the CLI with exit status 2).
"""

from __future__ import annotations

from pathlib import Path

from asamblea.formats.errors import FormatError


def check_file(path: str | Path) -> Path:
    """The path, if it names a file that exists; otherwise why not."""
    found = Path(path)
    if found.is_dir():
        raise FormatError("es una carpeta, no un archivo", path=path)
    if not found.exists():
        raise FormatError("no existe el archivo", path=path)
    return found


def read_text(path: str | Path) -> str:
    """The UTF-8 text of a file (a leading byte-order mark is kept for the reader to drop)."""
    try:
        return check_file(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(f"no es texto UTF-8 ({error.reason})", path=path) from None
    except PermissionError:
        raise FormatError("no hay permiso para leer el archivo", path=path) from None
    except OSError as error:
        raise FormatError(f"no se puede leer el archivo ({error.strerror})", path=path) from None
