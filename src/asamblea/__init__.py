"""Asamblea: software libre para una Asamblea Constituyente desde abajo."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("asamblea")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
