"""Retention keeps the newest `FC_BACKUP_KEEP` backups and none older than `FC_BACKUP_KEEP_DAYS`,
but never the newest one, nor a folder that is not a backup; a failed backup leaves nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backup.capture import prune, take_backup
from backup.locations import DATABASES, BackupSettings, Locations
from backup.manifest import Manifest


def _backup(root: Path, name: str, age: timedelta) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    Manifest(started_at=(datetime.now(UTC) - age).isoformat()).write(folder)
    return folder


def test_the_count_limit_is_kept_at_its_edge(tmp_path: Path) -> None:
    folders = [_backup(tmp_path, f"b{n}", timedelta(hours=n)) for n in range(4)]
    (tmp_path / "notes").mkdir()
    removed = prune(BackupSettings(root=tmp_path, keep=3), keep_also=folders[0])
    assert removed == [folders[3]]
    assert (tmp_path / "notes").is_dir()
    assert prune(BackupSettings(root=tmp_path, keep=3), keep_also=folders[0]) == []


def test_old_backups_go_but_never_the_newest(tmp_path: Path) -> None:
    old = _backup(tmp_path, "old", timedelta(days=31))
    older = _backup(tmp_path, "older", timedelta(days=40))
    settings = BackupSettings(root=tmp_path, keep=10, keep_days=30)
    assert prune(settings, keep_also=old) == [older]
    assert old.is_dir(), "the newest backup stays, however old"
    fresh = _backup(tmp_path, "fresh", timedelta(days=29, hours=23))
    assert prune(settings, keep_also=fresh) == [old]


def test_a_backup_of_a_missing_database_fails_and_creates_nothing(tmp_path: Path) -> None:
    missing = {name: f"sqlite:///{tmp_path / name}.db" for name in DATABASES}
    locations = Locations(database_urls=missing, image_root=tmp_path / "images", addresses=())
    with pytest.raises(FileNotFoundError, match="no database"):
        take_backup(locations, BackupSettings(root=tmp_path / "backups"))
    assert not list(tmp_path.glob("*.db")), "the source must not be created by the backup"
    assert list((tmp_path / "backups").iterdir()) == []
