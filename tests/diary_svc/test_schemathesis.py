"""Schemathesis against the running diary service: no 500s, no undocumented status, no drift."""

from __future__ import annotations

from pathlib import Path

from tests.diary_svc.conftest import running_diary
from tests.support.schemathesis_run import check_every_operation, check_stateful, load_schema
from tests.support.service_app import headers_for
from tests.support.sql import empty_database

# Rules JSON Schema cannot state; a 422 for schema-valid input must cite one of these.
UNEXPRESSIBLE = (
    "date must be between",  # relative to today
    "content must not be blank",
    "NUL characters",
    "unpaired surrogates",
    "end must not be before start",
    "Invalid cursor",  # an opaque string the schema cannot describe
    "Idempotency-Key was used for a different request",  # an earlier write's key
    "is not a JPEG, PNG, WebP or GIF image",  # checked by content, which no schema describes
)
HEADERS = headers_for()


def test_every_operation_conforms_to_the_openapi(database_url: str, tmp_path: Path) -> None:
    with running_diary(database_url, tmp_path) as service:
        schema = load_schema(service.url)
        check_every_operation(schema, headers=HEADERS, examples=20, unexpressible=UNEXPRESSIBLE)


def test_linked_calls_conform_to_the_openapi(database_url: str, tmp_path: Path) -> None:
    with running_diary(database_url, tmp_path) as service:
        schema = load_schema(service.url)
        check_stateful(
            schema,
            headers=HEADERS,
            examples=10,
            steps=6,
            unexpressible=UNEXPRESSIBLE,
            reset=lambda: empty_database(database_url),
        )
