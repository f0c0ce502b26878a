"""Gateway settings, read from `GATEWAY_*` (and the shared `FC_*`) variables.

A leaf: values and their validation only (pydantic and the standard library). What is built from
them is built where it is used: the services in `app.py`'s lifespan, the extensions in
`schema.py`. `FC_ENVIRONMENT=production` also turns introspection and "did you mean"
suggestions off.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from fc_common.settings import MIN_PRODUCTION_SECRET_LENGTH, CommonSettings

PersistedQueryMode = Literal["off", "automatic", "allow_list"]
# What the `limits` library reads as one limit: "300/minute", "10 per 2 hours".
_RATE_LIMIT = re.compile(
    r"^\s*[0-9]+\s*(/|\s*per\s*)\s*[0-9]*\s*(second|minute|hour|day|month|year)s?\s*$",
    re.IGNORECASE,
)

DEV_JWT_SECRET = "dev-jwt-secret-change-me-not-for-production"  # noqa: S105 - the refused default
MIN_PRODUCTION_PASSWORD_MEMORY_KIB = 19_456  # OWASP's floor for argon2id


class GatewaySettings(CommonSettings):
    """Where the gateway listens, its accounts database, the services it calls, its tokens and
    its hardening (deadline, retries, breakers, document limits, rate limits, persisted queries)."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", populate_by_name=True, extra="ignore")

    port: int = Field(5000, ge=0, le=65535)
    metrics_port: int = Field(9100, ge=0, le=65535)
    # Roomy for JSON, so an over-long document is refused as QUERY_TOO_COMPLEX by
    # GATEWAY_MAX_QUERY_CHARS rather than cut off as a body; uploads have their own limit.
    max_body_bytes: int = Field(4 * 1_048_576, gt=0)
    database_file = "gateway.db"
    calendar_url: str = "http://127.0.0.1:5001"
    diary_url: str = "http://127.0.0.1:5002"

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    # Access tokens are short-lived; a session lives on through its rotating refresh token.
    jwt_ttl_minutes: int = Field(15, ge=1, le=24 * 60)
    jwt_issuer: str = "fortune-compass-gateway"
    jwt_audience: str = "fortune-compass"

    refresh_token_ttl_days: float = Field(14, gt=0, le=365, description="Idle session timeout")
    session_max_days: float = Field(90, gt=0, le=3650, description="Absolute session lifetime")
    # How long a process trusts what it read about a session or key: revocation reaches every
    # replica within this (the contract says one second, so it may not be more).
    auth_cache_ttl_s: float = Field(1.0, ge=0, le=1.0)
    # Unset: derived from the JWT secret. Keys the hashes of API keys and refresh tokens.
    credential_secret: SecretStr | None = None
    max_api_keys_per_user: int = Field(20, ge=1, le=1000)

    # Exports: archives under `export_dir` (unset: $FC_DATA_DIR/exports), downloadable for
    # `export_url_ttl_minutes`, at most `export_max_bytes`, `export_concurrency` built at once.
    export_dir: Path | None = None
    export_url_ttl_minutes: int = Field(60, ge=1, le=7 * 24 * 60)
    # GraphQL `Int` is 32-bit, and `DataExport.byteSize` must hold the size.
    export_max_bytes: int = Field(1024**3, ge=1024, le=2**31 - 1)
    export_concurrency: int = Field(2, ge=1, le=32)
    # How often owed account erasures are retried and expired exports swept.
    maintenance_interval_s: float = Field(30.0, gt=0)

    # argon2id cost (RFC 9106's second recommendation); tests lower it, production may not.
    password_time_cost: int = Field(3, ge=1)
    password_memory_kib: int = Field(65_536, ge=64)
    password_parallelism: int = Field(4, ge=1)

    # `GATEWAY_CORS_ORIGINS`: comma-separated (`http://a,http://b`) or a JSON list.
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://localhost:4000"]
    )

    upstream_connect_timeout_s: float = Field(2.0, gt=0)
    upstream_timeout_s: float = Field(10.0, gt=0)
    upstream_max_connections: int = Field(100, ge=1)
    readiness_timeout_s: float = Field(2.0, gt=0)

    request_deadline_s: float = Field(15.0, gt=0, description="Time budget of one request")
    upstream_retries: int = Field(2, ge=0, le=5, description="Extra attempts for reads")
    breaker_failure_threshold: int = Field(5, ge=1)
    breaker_reset_timeout_s: float = Field(10.0, gt=0)
    slow_upstream_s: float = Field(1.0, gt=0, description="Answers slower than this: degraded")

    compiled_execution: bool = Field(
        True, description="Run cached documents through plans built once (graph_gateway/execution)"
    )

    max_query_chars: int = Field(32_768, ge=1_024)
    max_query_tokens: int = Field(2_000, ge=100)
    max_query_depth: int = Field(12, ge=2)
    max_query_aliases: int = Field(30, ge=0)
    max_query_cost: int = Field(50_000, ge=100)

    rate_limit_enabled: bool | None = Field(
        None, description="Unset: on, except when FC_ENVIRONMENT=test"
    )
    rate_limit_storage_uri: str = Field("memory://", description="memory:// or redis://host:port")
    rate_limit_per_client: str = "300/minute"
    rate_limit_sign_in_per_ip: str = "10/minute"
    rate_limit_sign_in_per_email: str = "30/hour"
    rate_limit_per_api_key: str = "120/minute"
    rate_limit_export_per_user: str = "5/hour"
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Proxies whose X-Forwarded-For and -Proto are believed (IPs/CIDRs)",
    )

    persisted_queries: PersistedQueryMode = Field(
        "automatic", description="off, automatic (Apollo APQ) or allow_list (manifest only)"
    )
    persisted_query_manifest: Path | None = Field(
        None, description="Apollo persisted query manifest: the allow-list"
    )
    persisted_query_cache_size: int = Field(1_000, ge=1, description="APQ documents remembered")
    persisted_query_storage_uri: str = Field(
        "memory://", description="memory:// (this process) or redis://… (shared by replicas)"
    )
    persisted_query_ttl_s: int = Field(
        86_400, ge=60, description="How long a shared APQ document is kept after its last use"
    )

    # The response cache (graph_gateway/response_cache): unset, off. redis://… shared by replicas.
    response_cache_uri: str | None = Field(None, description="redis://host:port/db; unset: off")
    response_cache_ttl_s: int = Field(60, ge=1, le=3600, description="How long an answer is kept")
    response_cache_max_entry_bytes: int = Field(
        1_048_576, ge=1_024, le=64 * 1_048_576, description="Larger answers are not kept"
    )
    # Each Redis call waits at most this long: a slow Redis costs a request little, then is
    # bypassed (as a Redis that is down).
    response_cache_timeout_s: float = Field(0.1, ge=0.005, le=2.0)
    response_cache_key_prefix: str = Field("fc:rc:", min_length=1, max_length=64)

    # Diary images: the upload limit and the signed, expiring URLs that show them.
    max_image_bytes: int = Field(50 * 1024 * 1024, gt=0)
    image_url_ttl_minutes: int = Field(60, ge=1, le=7 * 24 * 60)
    # Unset: derived from the JWT secret (a separate key, so one never verifies the other).
    image_url_secret: SecretStr | None = None
    # The gateway's address as browsers reach it (e.g. behind a proxy); unset: the request's.
    public_url: str | None = None

    # Client Idempotency-Keys are kept this long: 24 hours at least, as clients are promised.
    idempotency_retention_hours: int = Field(24, ge=24, le=24 * 30)
    # How often tag deletions are carried from the calendar to the diary (after a crash).
    tag_sync_interval_s: float = Field(30.0, gt=0)

    # GraphiQL at GET /graphql, its files served from the pinned npm packages (`make node`).
    graphiql: bool = True
    # Unset: the project's own node_modules/.
    node_modules_dir: Path | None = None

    # Where `make backup` records its last success (read for the backup-age metric).
    backup_root: Path = Field(Path("./backups"), validation_alias="FC_BACKUP_ROOT")

    @model_validator(mode="after")
    def _allow_list_has_a_manifest(self) -> Self:
        """Refuse allow-list mode without a readable, well-formed manifest."""
        if self.persisted_queries == "allow_list":
            if self.persisted_query_manifest is None:
                raise ValueError("GATEWAY_PERSISTED_QUERIES=allow_list needs a manifest")
            load_manifest(self.persisted_query_manifest)
        return self

    @model_validator(mode="after")
    def _cached_urls_stay_valid(self) -> Self:
        """Refuse a cache TTL over half a signed image URL's life (a cached answer holds URLs)."""
        if self.response_cache_ttl_s * 2 > self.image_url_ttl_minutes * 60:
            raise ValueError(
                "GATEWAY_RESPONSE_CACHE_TTL_S must be at most half of "
                "GATEWAY_IMAGE_URL_TTL_MINUTES (in seconds)"
            )
        return self

    @field_validator(
        "rate_limit_per_client",
        "rate_limit_sign_in_per_ip",
        "rate_limit_sign_in_per_email",
        "rate_limit_per_api_key",
        "rate_limit_export_per_user",
    )
    @classmethod
    def _is_limit(cls, value: str) -> str:
        """Refuse limit strings the `limits` library cannot read."""
        if not _RATE_LIMIT.match(value):
            raise ValueError(f"not a rate limit: {value!r} (e.g. '300/minute')")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _are_networks(cls, value: list[str]) -> list[str]:
        """Refuse proxy entries that are not addresses or CIDR blocks."""
        parse_networks(value)
        return value

    @field_validator("response_cache_uri")
    @classmethod
    def _is_redis(cls, value: str | None) -> str | None:
        """Refuse a response cache anywhere but Redis (its point is to be shared by replicas)."""
        if not value:
            return None  # an empty variable: off
        if not value.startswith(("redis://", "rediss://")):
            raise ValueError("the response cache must be redis:// or rediss://")
        return value

    @field_validator("rate_limit_storage_uri", "persisted_query_storage_uri")
    @classmethod
    def _is_storage(cls, value: str) -> str:
        """Refuse storage the limiter or the APQ store cannot use."""
        if not value.startswith(("memory://", "redis://", "rediss://")):
            raise ValueError("storage must be memory:// or redis://")
        return value

    @property
    def rate_limits_on(self) -> bool:
        """Whether requests are rate-limited."""
        if self.rate_limit_enabled is None:
            return self.environment != "test"
        return self.rate_limit_enabled

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Read a comma-separated or JSON list of origins from the environment."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [origin.strip() for origin in text.split(",") if origin.strip()]
        return value

    def unsafe_settings(self) -> list[str]:
        """Also a development or short JWT secret, or weak hashing, in production."""
        problems = super().unsafe_settings()
        if self.environment != "production":
            return problems
        secret = self.jwt_secret.get_secret_value()
        if secret == DEV_JWT_SECRET or len(secret) < MIN_PRODUCTION_SECRET_LENGTH:
            problems.append(
                "GATEWAY_JWT_SECRET must be a random secret of "
                f"{MIN_PRODUCTION_SECRET_LENGTH}+ characters in production"
            )
        if self.password_memory_kib < MIN_PRODUCTION_PASSWORD_MEMORY_KIB:
            problems.append(
                f"GATEWAY_PASSWORD_MEMORY_KIB must be at least {MIN_PRODUCTION_PASSWORD_MEMORY_KIB}"
                " in production (argon2id floor)"
            )
        if self.password_time_cost < 2:
            problems.append("GATEWAY_PASSWORD_TIME_COST must be at least 2 in production")
        return problems


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: list[str] | tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Proxy addresses or CIDR blocks; raise ValueError for anything else."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def load_manifest(path: Path) -> dict[str, str]:
    """Read a persisted query manifest into `{hash: document}`; ValueError when malformed.

    Apollo's format (`{"operations": [{"id", "body"}, ...]}`) or a plain `{hash: document}`
    object; each id must be the SHA-256 of its body.
    """
    raw = json.loads(path.read_bytes())
    if isinstance(raw, dict) and isinstance(raw.get("operations"), list):
        pairs = [(op.get("id"), op.get("body")) for op in raw["operations"]]
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        raise ValueError(f"{path}: not a persisted query manifest")
    manifest: dict[str, str] = {}
    for key, body in pairs:
        if not isinstance(key, str) or not isinstance(body, str) or sha256_hex(body) != key:
            raise ValueError(f"{path}: entry {key!r} is not the SHA-256 of its document")
        manifest[key] = body
    return manifest


def sha256_hex(document: str) -> str:
    """The SHA-256 of a document, as APQ names it."""
    return hashlib.sha256(document.encode()).hexdigest()
