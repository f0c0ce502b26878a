"""Calendar service settings, read from `CALENDAR_*` (and the shared `FC_*`) variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from fc_common.settings import CommonSettings


class CalendarSettings(CommonSettings):
    """Where the calendar service listens and which database it keeps its data in."""

    model_config = SettingsConfigDict(env_prefix="CALENDAR_", populate_by_name=True, extra="ignore")

    port: int = Field(5001, ge=0, le=65535)
    database_file = "calendar.db"
    metrics_port: int = Field(9101, ge=0, le=65535)
