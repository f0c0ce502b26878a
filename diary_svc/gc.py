"""`python -m diary_svc.gc` (also run at service start): remove image files no row refers to.

A file is an orphan when no image row names it (or, for a thumbnail, its image's row): a crash
struck between storing it and committing its row, or between deleting a row and its files.
Files younger than the grace period are left alone, since their upload may still be about to
commit its row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import structlog

from diary_svc import image_reads
from diary_svc.images import ImageShelf
from diary_svc.settings import DiarySettings
from diary_svc.thumbnails import derived_keys
from fc_common.db import Database, create_db_engine
from fc_common.logging import configure_logging
from fc_common.settings import load_settings

log = structlog.get_logger("diary.gc")


@dataclass(frozen=True, slots=True)
class SweepReport:
    """What a sweep found and removed."""

    kept: int
    orphans_removed: int
    temporaries_removed: int


def sweep(*, db: Database, shelf: ImageShelf, grace: dt.timedelta, now: dt.datetime) -> SweepReport:
    """Remove orphan files, unfinished writes and abandoned spooled uploads older than `grace`."""
    cutoff = now - grace
    # Keys are read before the store is listed: a row committed after this read belongs to a
    # file written moments before, which the grace period protects.
    with db.read() as session:
        images = image_reads.referenced_storage_keys(session=session)
    referenced = images | {key for image in images for key in derived_keys(image)}
    kept = removed = 0
    for stored in shelf.store.scan():
        if stored.key in referenced or stored.modified_at >= cutoff:
            kept += 1
            continue
        shelf.store.delete(stored.key)
        removed += 1
        log.info("orphan image file removed", storage_key=stored.key, byte_size=stored.byte_size)
    temporaries = shelf.store.remove_stale_temporaries(older_than=cutoff)
    temporaries += _remove_stale_files(shelf.spool_dir, older_than=cutoff)
    report = SweepReport(kept=kept, orphans_removed=removed, temporaries_removed=temporaries)
    log.info(
        "image sweep done",
        kept=report.kept,
        orphans_removed=report.orphans_removed,
        temporaries_removed=report.temporaries_removed,
    )
    return report


def _remove_stale_files(folder: Path, *, older_than: dt.datetime) -> int:
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        if path.is_file() and modified < older_than:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def main() -> None:
    """Sweep the store the environment's settings name, once."""
    settings = load_settings(DiarySettings, service="diary_svc gc")
    configure_logging(settings, service="diary_svc")
    db = Database(create_db_engine(settings.database_url))
    try:
        sweep(
            db=db,
            shelf=ImageShelf.from_settings(settings),
            grace=dt.timedelta(seconds=settings.image_sweep_grace_s),
            now=dt.datetime.now(dt.UTC),
        )
    finally:
        db.dispose()


if __name__ == "__main__":
    main()
