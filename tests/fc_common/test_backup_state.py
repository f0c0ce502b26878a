"""The last successful backup's time, as the backup-age metric reads it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from fc_common.backup_state import LAST_SUCCESS, last_backup_finished_at


def test_no_record_is_none(tmp_path: Path) -> None:
    assert last_backup_finished_at(tmp_path) is None
    (tmp_path / LAST_SUCCESS).write_text("{not json")
    assert last_backup_finished_at(tmp_path) is None
    (tmp_path / LAST_SUCCESS).write_text(json.dumps({"backup_dir": "x"}))
    assert last_backup_finished_at(tmp_path) is None


def test_the_recorded_time_is_read_as_utc(tmp_path: Path) -> None:
    record = {"finished_at": "2026-12-01T12:00:00+09:00", "backup_dir": "/b"}
    (tmp_path / LAST_SUCCESS).write_text(json.dumps(record))
    assert last_backup_finished_at(tmp_path) == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
