"""The last successful backup's time, as `make backup` records it in `<root>/last-success.json`.

The file holds `{"finished_at": "<ISO 8601 UTC>", "backup_dir": "<path>"}`; metrics and alerts
read it through `last_backup_finished_at`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

LAST_SUCCESS = "last-success.json"


def last_backup_finished_at(root: Path) -> datetime | None:
    """When the last successful backup under `root` finished (UTC); None if none is recorded."""
    try:
        raw = json.loads((root / LAST_SUCCESS).read_text())
        finished = datetime.fromisoformat(str(raw["finished_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return finished.astimezone(UTC) if finished.tzinfo else finished.replace(tzinfo=UTC)
