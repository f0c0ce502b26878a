"""`make backup`: capture every database and the image store online, write the manifest.

Order: the gateway's accounts, then the diary's database, then the image files its rows name
(copied and checked against each row's SHA-256), then the calendar. Writes go on meanwhile; what
changes between the captures is reconciled on restore (see README, "Backups and restore").
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
import structlog

from backup import databases
from backup.locations import DATABASES, BackupSettings, Locations
from backup.manifest import DatabaseRecord, Manifest, now_iso, sha256_of, write_json
from diary_svc.storage import FileImageStore, UnknownKeyError
from fc_common.backup_state import LAST_SUCCESS

log = structlog.get_logger("fc.backup")

IMAGES = "images"
ImageRow = tuple[str, str]


def _read(conn: sa.Connection) -> tuple[str | None, dict[str, int], list[ImageRow]]:
    """A captured database's revision, row counts and (for the diary) its images' keys."""
    counts = databases.row_counts(conn)
    images: list[ImageRow] = []
    if "image" in counts:
        rows = conn.execute(sa.text("SELECT storage_key, sha256 FROM image ORDER BY id"))
        images = [(str(r[0]), str(r[1])) for r in rows]
    return databases.revision(conn), counts, images


def take_backup(locations: Locations, settings: BackupSettings) -> Path:
    """Capture everything into a new folder; its path. Nothing is kept if a step fails."""
    started = datetime.now(UTC)
    folder = settings.dir or settings.root / started.strftime("%Y-%m-%dT%H-%M-%SZ")
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} exists and is not empty")
    folder.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(started_at=started.isoformat())
    try:
        for name in DATABASES:
            url = locations.database_urls[name]
            copy, (revision, rows, images) = databases.capture(url, folder / name, _read)
            engine = "sqlite" if databases.is_sqlite(url) else "postgresql"
            manifest.databases[name] = DatabaseRecord(copy.name, engine, revision, rows)
            if name == "diary":
                manifest.images_gone = _copy_images(locations.image_root, folder / IMAGES, images)
        manifest.checksums = {
            str(path.relative_to(folder)): sha256_of(path)
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }
        manifest.finished_at = now_iso()
        manifest.write(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    log.info("backup finished", backup_dir=str(folder), images=len(manifest.checksums))
    return folder


def record_success(root: Path, folder: Path) -> None:
    """Write `<root>/last-success.json`, which the backup-age metric and alert read."""
    root.mkdir(parents=True, exist_ok=True)
    finished_at = Manifest.read(folder).finished_at
    write_json(
        root / LAST_SUCCESS, {"finished_at": finished_at, "backup_dir": str(folder.resolve())}
    )


def _copy_images(root: Path, dest: Path, images: list[ImageRow]) -> list[str]:
    """Copy each row's file, checking its SHA-256; the keys whose file was deleted meanwhile."""
    source, target = FileImageStore(root), FileImageStore(dest)
    gone = []
    for key, sha256 in images:
        try:
            with source.open(key) as handle:
                stored = target.put(handle, key=key)
        except UnknownKeyError:
            gone.append(key)  # its row was deleted after the diary's capture
            continue
        with target.open(stored.key) as copy:
            copied = sha256_of(Path(copy.name))
        if copied != sha256:
            raise ValueError(f"image {key} does not match its row's SHA-256")
    return gone


def prune(settings: BackupSettings, *, keep_also: Path) -> list[Path]:
    """Remove backups beyond the newest `keep` and older than `keep_days`; the removed."""
    if not settings.root.is_dir():
        return []
    found: list[tuple[str, Path]] = []
    for folder in settings.root.iterdir():
        try:
            found.append((Manifest.read(folder).started_at, folder))
        except ValueError:
            continue  # not a backup (or a damaged one): never ours to delete
    found.sort(reverse=True)
    cutoff = datetime.now(UTC) - timedelta(days=settings.keep_days)
    removed = []
    for index, (started_at, folder) in enumerate(found):
        too_many = index >= settings.keep
        too_old = datetime.fromisoformat(started_at) < cutoff
        if (too_many or too_old) and folder.resolve() != keep_also.resolve() and index > 0:
            shutil.rmtree(folder)
            removed.append(folder)
    return removed
