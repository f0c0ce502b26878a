"""Where the system keeps its data, read from the same environment variables as the processes."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from calendar_svc.settings import CalendarSettings
from diary_svc.settings import DiarySettings
from graph_gateway.settings import GatewaySettings

# The order of capture: accounts, then the diary (rows, then the image files its rows name),
# then the calendar; restore reconciles what changed between these moments (see README).
DATABASES = ("gateway", "diary", "calendar")


class BackupSettings(BaseSettings):
    """Where backups go and how many are kept (`FC_BACKUP_*`; `BACKUP_DIR` names one backup)."""

    model_config = SettingsConfigDict(env_prefix="FC_BACKUP_", extra="ignore")

    root: Path = Path("./backups")
    keep: int = Field(14, ge=1, description="Newest backups kept")
    keep_days: float = Field(30.0, gt=0, description="Older backups than this are removed")
    dir: Path | None = Field(None, validation_alias="BACKUP_DIR")


@dataclass(frozen=True, slots=True)
class Locations:
    """Each database's URL, the image store's folder, and each process's address."""

    database_urls: dict[str, str]
    image_root: Path
    addresses: tuple[tuple[str, int], ...]

    @classmethod
    def from_environment(cls) -> Locations:
        """The configured locations; the processes' own settings classes read them."""
        # Only locations are read, never secrets: so no environment's secret rules apply here.
        relaxed = {"environment": "development"}
        calendar = CalendarSettings(**relaxed)  # type: ignore[arg-type]
        diary = DiarySettings(**relaxed)  # type: ignore[arg-type]
        gateway = GatewaySettings(**relaxed)  # type: ignore[arg-type]
        return cls(
            database_urls={
                "gateway": gateway.database_url,
                "diary": diary.database_url,
                "calendar": calendar.database_url,
            },
            image_root=diary.image_root,
            addresses=tuple((s.host, s.port) for s in (gateway, calendar, diary)),
        )

    def running(self) -> list[str]:
        """The `host:port` of each process that accepts connections (the system is up)."""
        up = []
        for host, port in self.addresses:
            try:
                with socket.create_connection((host, port), timeout=0.5):
                    up.append(f"{host}:{port}")
            except OSError:
                continue
        return up
