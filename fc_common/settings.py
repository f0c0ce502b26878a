"""Settings shared by every process; each package subclasses `CommonSettings` with a prefix."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar, Literal, Self, TypeVar

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_INTERNAL_TOKEN = "dev-internal-token-change-me"  # noqa: S105 - the refused default

Environment = Literal["development", "test", "production"]
MIN_PRODUCTION_SECRET_LENGTH = 32

SettingsT = TypeVar("SettingsT", bound="CommonSettings")


class CommonSettings(BaseSettings):
    """Fields every process has; the shared ones read `FC_*`, the rest the package's own prefix."""

    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore")

    # Unset means production: a forgotten variable must never relax a safety rule.
    environment: Environment = Field("production", validation_alias="FC_ENVIRONMENT")
    internal_token: SecretStr = Field(
        SecretStr(DEV_INTERNAL_TOKEN), validation_alias="FC_INTERNAL_TOKEN"
    )
    log_level: str = Field("INFO", validation_alias="FC_LOG_LEVEL")
    log_format: Literal["auto", "json", "console"] = Field("auto", validation_alias="FC_LOG_FORMAT")
    log_file: Path | None = Field(None, validation_alias="FC_LOG_FILE")
    shutdown_timeout_s: float = Field(20.0, gt=0, validation_alias="FC_SHUTDOWN_TIMEOUT_S")
    # On SIGTERM, readiness fails at once and requests are still served this long before the
    # process stops listening: time for a balancer that polls readiness to stop sending.
    drain_delay_s: float = Field(0.0, ge=0, le=60, validation_alias="FC_DRAIN_DELAY_S")
    # Bind with SO_REUSEPORT, so a new process can start beside this one on the same port.
    reuse_port: bool = Field(False, validation_alias="FC_REUSE_PORT")
    # Off where migrations run once before any replica starts (a cluster; see `python -m cluster`).
    migrate_on_start: bool = Field(True, validation_alias="FC_MIGRATE_ON_START")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    data_dir: Path = Field(Path("./data"), validation_alias="FC_DATA_DIR")
    max_body_bytes: int = Field(1_048_576, gt=0)
    # Unset: SQLite file `database_file` under FC_DATA_DIR, so FC_DATA_DIR moves all local data.
    database_url: str = ""
    database_file: ClassVar[str] = "data.db"
    # Prometheus `/metrics` on its own port (0: off); each package sets its default.
    metrics_port: int = Field(0, ge=0, le=65535)

    @model_validator(mode="after")
    def _complete_and_refuse_unsafe(self) -> Self:
        """Derive the database URL; refuse every unsafe setting at once (see `unsafe_settings`)."""
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / self.database_file}"
        if problems := self.unsafe_settings():
            raise ValueError("; ".join(problems))
        return self

    def unsafe_settings(self) -> list[str]:
        """What is unsafe for this environment, one line per setting (subclasses add theirs)."""
        token = self.internal_token.get_secret_value()
        if self.environment == "production" and (
            token == DEV_INTERNAL_TOKEN or len(token) < MIN_PRODUCTION_SECRET_LENGTH
        ):
            return [
                f"FC_INTERNAL_TOKEN must be a random secret of {MIN_PRODUCTION_SECRET_LENGTH}+ "
                "characters in production"
            ]
        return []

    @property
    def json_logs(self) -> bool:
        """Whether logs are JSON lines (everywhere but an interactive development console)."""
        if self.log_format == "auto":
            return self.environment != "development"
        return self.log_format == "json"


def load_settings(settings_class: type[SettingsT], *, service: str) -> SettingsT:
    """Read settings from the environment, or exit 2 naming every bad setting (no traceback)."""
    try:
        return settings_class()
    except ValidationError as error:
        lines = [_describe(settings_class, problem) for problem in error.errors()]
        print(
            f"{service}: refusing to start; fix these settings "
            "(FC_ENVIRONMENT is production unless set):",
            *(f"  - {line}" for text in lines for line in text.split("; ")),
            sep="\n",
            file=sys.stderr,
        )
        raise SystemExit(2) from None


def _describe(settings_class: type[CommonSettings], problem: Any) -> str:
    """One validation problem as `VARIABLE: what is wrong`."""
    message = str(problem["msg"]).removeprefix("Value error, ")
    if not problem["loc"]:
        return message
    name = str(problem["loc"][0])
    field = settings_class.model_fields.get(name)
    alias = field.validation_alias if field is not None else None
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    variable = alias if isinstance(alias, str) else f"{prefix}{name}".upper()
    return f"{variable}: {message}"
