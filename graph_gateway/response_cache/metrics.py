"""The response cache's Prometheus metrics (labels from closed sets)."""

from __future__ import annotations

from prometheus_client import Counter

LOOKUPS = Counter(
    "fc_response_cache_requests_total",
    "GraphQL requests as the response cache saw them: hit, miss, uncacheable (a mutation, "
    "anonymous, an Idempotency-Key, an upload, a field not cached) or unavailable (Redis failed).",
    ["result"],
)
STORES = Counter(
    "fc_response_cache_stores_total",
    "Answers after a miss: stored, or not (errors, too_large, unavailable).",
    ["result"],
)
INVALIDATIONS = Counter(
    "fc_response_cache_invalidations_total",
    "Generation bumps after a user's mutation: done or failed.",
    ["result"],
)
REDIS_FAILURES = Counter(
    "fc_response_cache_redis_failures_total",
    "Redis calls of the response cache that failed or timed out, by operation.",
    ["operation"],
)
