"""Diary service settings, read from `DIARY_*` (and the shared `FC_*`) variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from fc_common.settings import CommonSettings


class DiarySettings(CommonSettings):
    """Where the diary service listens and which database it keeps its data in."""

    model_config = SettingsConfigDict(env_prefix="DIARY_", populate_by_name=True, extra="ignore")

    port: int = Field(5002, ge=0, le=65535)
    database_file = "diary.db"
    metrics_port: int = Field(9102, ge=0, le=65535)

    # Unset: `images/` under FC_DATA_DIR (so `./data/images/` by default); see `image_root`.
    image_dir: Path | None = None
    max_image_bytes: int = Field(50 * 1024 * 1024, gt=0)
    max_image_pixels: int = Field(50_000_000, gt=0)
    max_images_per_entry: int = Field(20, ge=1)
    # Sweep orphaned files on start; off on all but one replica sharing the store.
    image_sweep: bool = True
    # Files younger than this are never swept: their upload may still be writing its row.
    image_sweep_grace_s: float = Field(3600.0, ge=0)
    # Test-only: exit between storing an image file and committing its row (the crash test).
    test_crash_after_file_write: bool = False

    def unsafe_settings(self) -> list[str]:
        """Also the crash hook anywhere but the test environment."""
        problems = super().unsafe_settings()
        if self.test_crash_after_file_write and self.environment != "test":
            problems.append("DIARY_TEST_CRASH_AFTER_FILE_WRITE is for FC_ENVIRONMENT=test only")
        return problems

    @property
    def image_root(self) -> Path:
        """The image store's folder: `DIARY_IMAGE_DIR`, else `images/` under the data folder."""
        return self.image_dir if self.image_dir is not None else self.data_dir / "images"
