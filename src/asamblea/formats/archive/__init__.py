"""Files of the archive of testimonies: exported bundles (`bundle`), media checks (`media`)."""

from asamblea.formats.archive.bundle import (
    Bundle,
    is_safe_path,
    read_bundle,
    safe_name,
    write_bundle,
    write_zip,
)

__all__ = ["Bundle", "is_safe_path", "read_bundle", "safe_name", "write_bundle", "write_zip"]
