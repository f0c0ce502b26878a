"""Settings shared by every process; each package subclasses `CommonSettings` with a prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_INTERNAL_TOKEN = "dev-internal-token-change-me"  # noqa: S105 - the refused default

Environment = Literal["development", "test", "production"]


class CommonSettings(BaseSettings):
    """Fields every process has; the shared ones read `FC_*`, the rest the package's own prefix."""

    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore")

    environment: Environment = Field("development", validation_alias="FC_ENVIRONMENT")
    internal_token: SecretStr = Field(
        SecretStr(DEV_INTERNAL_TOKEN), validation_alias="FC_INTERNAL_TOKEN"
    )
    log_level: str = Field("INFO", validation_alias="FC_LOG_LEVEL")
    log_format: Literal["auto", "json", "console"] = Field("auto", validation_alias="FC_LOG_FORMAT")
    log_file: Path | None = Field(None, validation_alias="FC_LOG_FILE")
    shutdown_timeout_s: float = Field(20.0, gt=0, validation_alias="FC_SHUTDOWN_TIMEOUT_S")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    data_dir: Path = Field(Path("./data"), validation_alias="FC_DATA_DIR")
    max_body_bytes: int = Field(1_048_576, gt=0)
    # Prometheus `/metrics` on its own port (0: off); each package sets its default.
    metrics_port: int = Field(0, ge=0, le=65535)

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Self:
        """Refuse the development internal token anywhere but development and test."""
        token = self.internal_token.get_secret_value()
        if self.environment == "production" and (token == DEV_INTERNAL_TOKEN or len(token) < 32):
            raise ValueError(
                "FC_INTERNAL_TOKEN must be set to a random secret of 32+ characters in production"
            )
        return self

    @property
    def json_logs(self) -> bool:
        """Whether logs are JSON lines (everywhere but an interactive development console)."""
        if self.log_format == "auto":
            return self.environment != "development"
        return self.log_format == "json"
