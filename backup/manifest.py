"""A backup's manifest: what was captured, when, at which revisions, with checksums to prove it."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fc_common import __version__

MANIFEST = "manifest.json"
FORMAT = 1
_CHUNK = 1024 * 1024


@dataclass
class DatabaseRecord:
    """One captured database: its file in the backup, engine, revision and row counts."""

    file: str
    engine: str
    revision: str | None
    rows: dict[str, int]


@dataclass
class Manifest:
    """Everything `restore` and `backup-verify` need to trust and use a backup."""

    started_at: str
    finished_at: str = ""
    format: int = FORMAT
    version: str = __version__
    databases: dict[str, DatabaseRecord] = field(default_factory=dict)
    # Files relative to the backup folder → SHA-256; images included.
    checksums: dict[str, str] = field(default_factory=dict)
    # Image rows whose file was deleted while the backup ran (restore drops those rows).
    images_gone: list[str] = field(default_factory=list)

    def write(self, folder: Path) -> None:
        """Write `manifest.json` durably (temporary file, fsync, rename)."""
        write_json(folder / MANIFEST, asdict(self))

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """Read a backup's manifest; ValueError when it is missing or not one."""
        try:
            raw: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
            databases = {k: DatabaseRecord(**v) for k, v in raw.pop("databases").items()}
            return cls(**raw, databases=databases)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"{folder} has no readable {MANIFEST}: {exc}") from exc


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def now_iso() -> str:
    """The current time as ISO 8601 UTC."""
    return datetime.now(UTC).isoformat()


def write_json(path: Path, data: object) -> None:
    """Write JSON so that a reader sees the old file or the new one, never half of one."""
    temp = path.with_name(f".{path.name}.tmp")
    with temp.open("w") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    temp.replace(path)
