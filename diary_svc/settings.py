"""Diary service settings, read from `DIARY_*` (and the shared `FC_*`) variables."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from fc_common.settings import CommonSettings


class DiarySettings(CommonSettings):
    """Where the diary service listens and which database it keeps its data in."""

    model_config = SettingsConfigDict(env_prefix="DIARY_", populate_by_name=True, extra="ignore")

    port: int = Field(5002, ge=0, le=65535)
    database_url: str = "sqlite:///./data/diary.db"

    image_dir: Path = Path("./data/images")
    max_image_bytes: int = Field(50 * 1024 * 1024, gt=0)
    max_image_pixels: int = Field(50_000_000, gt=0)
    max_images_per_entry: int = Field(20, ge=1)
    # Files younger than this are never swept: their upload may still be writing its row.
    image_sweep_grace_s: float = Field(3600.0, ge=0)
    # Test-only: exit between storing an image file and committing its row (the crash test).
    test_crash_after_file_write: bool = False

    @model_validator(mode="after")
    def _crash_hook_only_in_tests(self) -> Self:
        """Refuse the crash hook anywhere but the test environment."""
        if self.test_crash_after_file_write and self.environment != "test":
            raise ValueError("DIARY_TEST_CRASH_AFTER_FILE_WRITE is for FC_ENVIRONMENT=test only")
        return self
