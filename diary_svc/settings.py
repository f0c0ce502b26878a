"""Diary service settings, read from `DIARY_*` (and the shared `FC_*`) variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from fc_common.settings import CommonSettings


class DiarySettings(CommonSettings):
    """Where the diary service listens and which database it keeps its data in."""

    model_config = SettingsConfigDict(env_prefix="DIARY_", populate_by_name=True, extra="ignore")

    port: int = Field(5002, ge=0, le=65535)
    database_url: str = "sqlite:///./data/diary.db"
