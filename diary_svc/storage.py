"""Where image bytes live: the `ImageStore` interface and its one implementation, files on disk.

Keys are random (never chosen by a client) and files are written atomically, so a reader sees
either a whole image or none, and a crash leaves at most a stray temporary or an orphan file for
the sweep (`diary_svc.gc`) to remove.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

_KEY = re.compile(r"^[0-9a-f]{32}$")
_TEMP_PREFIX = ".tmp-"
_COPY_CHUNK = 1024 * 1024


class UnknownKeyError(KeyError):
    """No stored object has this key."""


@dataclass(frozen=True, slots=True)
class StoredObject:
    """One stored object: its key, size and when it was last written."""

    key: str
    byte_size: int
    modified_at: datetime


class ImageStore(Protocol):
    """Bytes under opaque keys: put once, read many, delete, list for the sweep."""

    def put(self, source: BinaryIO, *, key: str | None = None) -> StoredObject:
        """Store everything `source` yields atomically, under a new key (or `key`, replacing
        what it held: for objects derived deterministically from another)."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open a stored object for reading; `UnknownKeyError` when it is missing."""
        ...

    def delete(self, key: str) -> None:
        """Remove an object; a missing one is not an error."""
        ...

    def scan(self) -> Iterator[StoredObject]:
        """Every stored object, in no particular order."""
        ...

    def remove_stale_temporaries(self, *, older_than: datetime) -> int:
        """Remove unfinished writes last touched before `older_than`; return how many."""
        ...


def is_valid_key(key: str) -> bool:
    """Whether `key` has the shape `new_key` makes (so it can never name a path outside)."""
    return _KEY.match(key) is not None


def new_key() -> str:
    """A fresh random key: 128 bits of randomness as lower-case hex."""
    return secrets.token_hex(16)


class FileImageStore:
    """Objects as files under `root/ab/cd/<key>`, written via a temporary file and a rename."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not is_valid_key(key):
            raise UnknownKeyError(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, source: BinaryIO, *, key: str | None = None) -> StoredObject:
        """Copy `source` to a temporary file, fsync it, rename it into place, fsync the folder."""
        key = key if key is not None else new_key()
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.parent / f"{_TEMP_PREFIX}{new_key()}"
        try:
            with temp.open("xb") as out:
                shutil.copyfileobj(source, out, _COPY_CHUNK)
                out.flush()
                os.fsync(out.fileno())
            temp.rename(final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        _fsync_dir(final.parent)
        stat = final.stat()
        return StoredObject(key=key, byte_size=stat.st_size, modified_at=_mtime(stat.st_mtime))

    def open(self, key: str) -> BinaryIO:
        """Open the file behind `key` for reading."""
        try:
            return self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise UnknownKeyError(key) from exc

    def delete(self, key: str) -> None:
        """Unlink the file behind `key` and make the removal durable."""
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        _fsync_dir(path.parent)

    def scan(self) -> Iterator[StoredObject]:
        """Walk the two shard levels and yield every file with a valid key name."""
        for path in self._files():
            if is_valid_key(path.name):
                stat = path.stat()
                yield StoredObject(
                    key=path.name, byte_size=stat.st_size, modified_at=_mtime(stat.st_mtime)
                )

    def remove_stale_temporaries(self, *, older_than: datetime) -> int:
        """Unlink temporaries a crashed `put` left behind."""
        removed = 0
        for path in self._files():
            stale = _mtime(path.stat().st_mtime) < older_than
            if path.name.startswith(_TEMP_PREFIX) and stale:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _files(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for first in _subdirs(self.root):
            for second in _subdirs(first):
                yield from (p for p in second.iterdir() if p.is_file())


def _subdirs(path: Path) -> Iterator[Path]:
    """Shard folders only: two lower-case hex characters (skips `.incoming` and the like)."""
    return (p for p in path.iterdir() if p.is_dir() and re.fullmatch(r"[0-9a-f]{2}", p.name))


def _mtime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def _fsync_dir(path: Path) -> None:
    """Make a rename or unlink in `path` durable (POSIX needs the folder itself synced)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
