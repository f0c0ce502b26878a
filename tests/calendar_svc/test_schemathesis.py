"""Schemathesis against the running calendar service: no 500s, no undocumented status, no drift.

Every operation with positive and negative examples, then chains of calls along the links, on
the shared runner (`tests/support/schemathesis_run.py`), which starts each chain on empty data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.calendar_svc.conftest import running_calendar
from tests.support.schemathesis_run import check_every_operation, check_stateful, load_schema
from tests.support.service_app import headers_for
from tests.support.sql import empty_database

pytestmark = pytest.mark.e2e

# Rules JSON Schema cannot state; a 422 for schema-valid input must cite one of these.
UNEXPRESSIBLE = (
    "ends_at must not be before starts_at",  # across fields, and across a PATCH and the row
    "an event spans at most 366 days",
    "datetime out of range",  # a valid offset moving a date past year 1 or 9999 in UTC
    "Unknown tag id(s)",  # a well-formed id of a tag the owner does not have
    "at least 1 character",  # a title or tag name of only spaces is empty once trimmed
    "NUL characters",
    "unpaired surrogates",
    "Invalid cursor",  # an opaque string the schema cannot describe
    "Idempotency-Key was used for a different request",  # an earlier write's key
)
HEADERS = headers_for()


def test_every_operation_conforms_to_the_openapi(database_url: str, tmp_path: Path) -> None:
    with running_calendar(database_url, tmp_path) as service:
        schema = load_schema(service.url)
        assert len(list(schema.get_all_operations())) == 19
        check_every_operation(schema, headers=HEADERS, examples=25, unexpressible=UNEXPRESSIBLE)


def test_linked_calls_conform_to_the_openapi(database_url: str, tmp_path: Path) -> None:
    with running_calendar(database_url, tmp_path) as service:
        schema = load_schema(service.url)
        assert len(schema.as_state_machine().bundles) >= 2, "no links: nothing to chain"
        check_stateful(
            schema,
            headers=HEADERS,
            examples=25,
            steps=8,
            unexpressible=UNEXPRESSIBLE,
            reset=lambda: empty_database(database_url),
        )
