"""Property-based tests of the running service against its own OpenAPI: every check, stateful too.

No 500s, no undocumented status codes, no responses that break the schema, and refusals for
data the schema rules out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.calendar_svc.conftest import running_calendar
from tests.support.service_app import TOKEN

MAX_EXAMPLES = 25
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
AUTH = {"X-Internal-Token": TOKEN}

# Rules JSON Schema cannot state, so schema-valid input may still be refused with 422 here:
# an event's ends_at >= starts_at and span <= 366 days (across fields, and across a PATCH and
# the stored row), and cursors, which are opaque strings only the service can read.
NOT_EXPRESSIBLE = {
    ("POST", "/events"),
    ("PATCH", "/events/{event_id}"),
    ("GET", "/events"),
    ("POST", "/events/by-tag"),
}


def excluded_checks(case: Any) -> list[Any]:
    """Skip the positive-acceptance check only where a 422 can come from such a rule."""
    key = (case.operation.method.upper(), case.operation.path)
    return [positive_data_acceptance] if key in NOT_EXPRESSIBLE else []


@pytest.fixture
def schema(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """The OpenAPI schema of a calendar service running as a real process on a fresh database."""
    with running_calendar(database_url, tmp_path) as service:
        yield schemathesis.openapi.from_url(f"{service.url}/openapi.json")


@pytest.mark.e2e
def test_service_honours_its_openapi(schema: Any) -> None:
    """One running service for both phases: each operation alone, then linked sequences."""
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 17
    for operation in operations:
        # Health routes take no input at all, so there is nothing to make invalid.
        negative = [] if operation.path.startswith("/health") else [GenerationMode.NEGATIVE]
        for mode in [GenerationMode.POSITIVE, *negative]:

            @HYPOTHESIS
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case: Any) -> None:
                case.call_and_validate(headers=AUTH, excluded_checks=excluded_checks(case))

            check()

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": AUTH}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(
                response,
                excluded_checks=excluded_checks(case),
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

    links = sum(1 for _ in schema.as_state_machine().bundles)
    assert links >= 2, "no links: the stateful phase would test nothing"
    Machine.run(settings=settings(parent=HYPOTHESIS, stateful_step_count=8))
