"""The gateway's hardening settings (`GATEWAY_*`), and the parts built from them.

The base class of `GatewaySettings`: upstream retries, breakers and the request deadline; document
limits; rate limits; persisted queries. `FC_ENVIRONMENT=production` also turns introspection and
"did you mean" suggestions off.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Self

from pydantic import Field, field_validator, model_validator
from strawberry.extensions import DisableIntrospection, SchemaExtension

from fc_common.settings import CommonSettings
from graph_gateway.argument_bounds import ArgumentBoundsExtension
from graph_gateway.clients.resilience import CircuitBreaker, RetryPolicy
from graph_gateway.document_cache import DocumentCache, document_cache_extension
from graph_gateway.persisted_queries import (
    PersistedQueryMode,
    PersistedQueryStore,
    load_manifest,
    persisted_query_extension,
)
from graph_gateway.query_limits import QueryLimits, query_limits_extension
from graph_gateway.rate_limit import RateLimitConfig, RateLimiter, parse_limit, parse_networks
from graph_gateway.request_guard import request_guard_extension

ExtensionFactory = Callable[[], SchemaExtension] | type[SchemaExtension]


class HardeningSettings(CommonSettings):
    """Timeouts, breakers, document limits and rate limits (the base of `GatewaySettings`)."""

    request_deadline_s: float = Field(15.0, gt=0, description="Time budget of one request")
    upstream_retries: int = Field(2, ge=0, le=5, description="Extra attempts for reads")
    breaker_failure_threshold: int = Field(5, ge=1)
    breaker_reset_timeout_s: float = Field(10.0, gt=0)
    slow_upstream_s: float = Field(1.0, gt=0, description="Answers slower than this: degraded")

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
        default_factory=list, description="Proxies whose X-Forwarded-For is believed (IPs/CIDRs)"
    )

    persisted_queries: PersistedQueryMode = Field(
        "automatic", description="off, automatic (Apollo APQ) or allow_list (manifest only)"
    )
    persisted_query_manifest: Path | None = Field(
        None, description="Apollo persisted query manifest: the allow-list"
    )
    persisted_query_cache_size: int = Field(1_000, ge=1, description="APQ documents remembered")

    @model_validator(mode="after")
    def _allow_list_has_a_manifest(self) -> Self:
        """Refuse allow-list mode without a readable, well-formed manifest."""
        if self.persisted_queries == "allow_list":
            if self.persisted_query_manifest is None:
                raise ValueError("GATEWAY_PERSISTED_QUERIES=allow_list needs a manifest")
            load_manifest(self.persisted_query_manifest)
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
        parse_limit(value)
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _are_networks(cls, value: list[str]) -> list[str]:
        """Refuse proxy entries that are not addresses or CIDR blocks."""
        parse_networks(value)
        return value

    @field_validator("rate_limit_storage_uri")
    @classmethod
    def _is_storage(cls, value: str) -> str:
        """Refuse storage the limiter cannot use."""
        if not value.startswith(("memory://", "redis://", "rediss://")):
            raise ValueError("rate limit storage must be memory:// or redis://")
        return value

    @property
    def rate_limits_on(self) -> bool:
        """Whether requests are rate-limited."""
        if self.rate_limit_enabled is None:
            return self.environment != "test"
        return self.rate_limit_enabled

    def query_limits(self) -> QueryLimits:
        """The document limits."""
        return QueryLimits(
            max_document_chars=self.max_query_chars,
            max_tokens=self.max_query_tokens,
            max_depth=self.max_query_depth,
            max_aliases=self.max_query_aliases,
            max_cost=self.max_query_cost,
        )

    def rate_limiter(self) -> RateLimiter | None:
        """A limiter over the configured storage, or None when rate limits are off."""
        if not self.rate_limits_on:
            return None
        return RateLimiter(
            RateLimitConfig(
                storage_uri=self.rate_limit_storage_uri,
                per_client=self.rate_limit_per_client,
                auth_per_ip=self.rate_limit_sign_in_per_ip,
                auth_per_email=self.rate_limit_sign_in_per_email,
                per_api_key=self.rate_limit_per_api_key,
                export_per_user=self.rate_limit_export_per_user,
                trusted_proxies=tuple(self.trusted_proxies),
            )
        )

    def breaker(self, service: str) -> CircuitBreaker:
        """A circuit breaker for one service."""
        return CircuitBreaker(
            service,
            failure_threshold=self.breaker_failure_threshold,
            reset_timeout_s=self.breaker_reset_timeout_s,
            slow_call_s=self.slow_upstream_s,
        )

    def persisted_query_store(self) -> PersistedQueryStore:
        """The persisted documents: the manifest's, or an empty APQ cache."""
        manifest = self.persisted_query_manifest
        return PersistedQueryStore(
            self.persisted_queries,
            manifest=load_manifest(manifest) if manifest is not None else None,
            capacity=self.persisted_query_cache_size,
        )

    def retry_policy(self) -> RetryPolicy | None:
        """How reads are retried (None: never)."""
        return RetryPolicy(attempts=1 + self.upstream_retries) if self.upstream_retries else None


def guard_extensions(
    settings: HardeningSettings, limiter: RateLimiter | None
) -> tuple[list[ExtensionFactory], list[ExtensionFactory]]:
    """The hardening extensions: (those that must run first, those that follow the others)."""
    first: list[ExtensionFactory] = [
        persisted_query_extension(settings.persisted_query_store()),
        request_guard_extension(limiter=limiter, deadline_s=settings.request_deadline_s),
    ]
    production = settings.environment == "production"
    then: list[ExtensionFactory] = [
        query_limits_extension(settings.query_limits()),
        # After the limits: a document they refuse is never validated, nor cached.
        document_cache_extension(DocumentCache(), hide_suggestions=production),
        # After validation: the arguments of a valid document, before anything runs.
        ArgumentBoundsExtension,
    ]
    if production:
        then.append(DisableIntrospection)
    return first, then
