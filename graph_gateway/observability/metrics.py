"""The gateway's own Prometheus metrics (the shared HTTP and SQL ones are in `fc_common`).

Every label is bounded: operation names by `BoundedLabels` (the first `MAX_OPERATION_NAMES`
distinct names a client sends keep their own series, the rest share `other`), upstream routes
by their template (`/events/{id}`), everything else by a closed set of values.
"""

from __future__ import annotations

import re
import threading

from prometheus_client import Counter, Histogram

from fc_common.metrics import DURATION_BUCKETS

MAX_OPERATION_NAMES = 200
MAX_ERROR_CODES = 50
OTHER = "other"
PHASE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)

OPERATION_DURATION = Histogram(
    "fc_graphql_operation_duration_seconds",
    "GraphQL operations, by operation name, type and outcome (success, partial, error, refused).",
    ["operation_name", "operation_type", "outcome"],
    buckets=DURATION_BUCKETS,
)
PHASE_DURATION = Histogram(
    "fc_graphql_phase_duration_seconds",
    "Time in each phase of a GraphQL operation (parse, validate, execute).",
    ["phase", "operation_name"],
    buckets=PHASE_BUCKETS,
)
ERRORS = Counter(
    "fc_graphql_errors_total", "GraphQL errors answered, by `extensions.code`.", ["code"]
)
QUERY_LIMIT_REFUSALS = Counter(
    "fc_graphql_query_limit_refusals_total",
    "Documents refused as QUERY_TOO_COMPLEX, by the limit they crossed.",
    ["limit"],
)
RATE_LIMIT_REFUSALS = Counter(
    "fc_rate_limit_refusals_total",
    "Requests refused by a rate limit (RATE_LIMITED), by bucket.",
    ["bucket"],
)
DOCUMENT_CACHE = Counter(
    "fc_graphql_document_cache_total",
    "Parsed-and-validated document cache lookups, by result (hit, miss).",
    ["result"],
)
PERSISTED_QUERIES = Counter(
    "fc_graphql_persisted_queries_total",
    "Persisted query lookups by result (hit, miss, registered, refused).",
    ["result"],
)
UPSTREAM_DURATION = Histogram(
    "fc_upstream_request_duration_seconds",
    "Calls to the services (retries included), by service, route template and status.",
    ["service", "route", "status"],
    buckets=DURATION_BUCKETS,
)
UPSTREAM_RETRIES = Counter(
    "fc_upstream_retries_total", "Reads retried after a failed attempt, by service.", ["service"]
)

_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


class BoundedLabels:
    """Label values as given for the first `limit` distinct ones, then `other` for the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, value: str) -> str:
        if value in self._seen:
            return value
        with self._lock:
            if len(self._seen) >= self.limit:
                return OTHER
            self._seen.add(value)
        return value


operation_names = BoundedLabels(MAX_OPERATION_NAMES)
error_codes = BoundedLabels(MAX_ERROR_CODES)


def route_template(path: str) -> str:
    """A service path with its ids replaced: `/events/12/tags` → `/events/{id}/tags`."""
    return _ID_SEGMENT.sub("/{id}", path.split("?", 1)[0])
