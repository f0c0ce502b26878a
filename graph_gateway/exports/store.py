"""Export archives on disk: `<root>/<user id>-<random id>.zip`, written via a partial file.

An archive is built under a `.partial-` name and renamed into place when complete, so a
download never sees half an archive; a crash leaves a partial file for the sweep. Archives
are removed when their URL expires (the sweep) or when their owner is deleted.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

_EXPORT_ID = re.compile(r"^[0-9a-f]{32}$")
PARTIAL_PREFIX = ".partial-"


class ExportStore:
    """The folder of export archives."""

    def __init__(self, root: Path, *, lifetime_s: int) -> None:
        self.root = root
        self.lifetime_s = lifetime_s

    def new_partial(self) -> Path:
        """A fresh path to build an archive at."""
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root / f"{PARTIAL_PREFIX}{secrets.token_hex(16)}.zip"

    def publish(self, partial: Path, *, user_id: int) -> str:
        """Move a finished archive into place; its export id."""
        export_id = secrets.token_hex(16)
        partial.rename(self.path(user_id=user_id, export_id=export_id))
        return export_id

    def path(self, *, user_id: int, export_id: str) -> Path:
        """Where an archive lives; ValueError for an id `new_partial` could not have made."""
        if not _EXPORT_ID.match(export_id):
            raise ValueError("not an export id")
        return self.root / f"{user_id}-{export_id}.zip"

    def remove_user(self, user_id: int) -> None:
        """Delete every archive of a user."""
        if self.root.is_dir():
            for path in self.root.glob(f"{user_id}-*.zip"):
                path.unlink(missing_ok=True)

    def sweep(self) -> int:
        """Delete archives whose URLs have expired, and stale partial files; how many."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - self.lifetime_s
        removed = 0
        for path in self.root.iterdir():
            if path.suffix == ".zip" and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
