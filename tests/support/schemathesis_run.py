"""Run schemathesis (4.x Python API) against a live service: every operation, then stateful links.

Each operation gets positive and negative examples and every built-in check. One exception:
`positive_data_acceptance` is replaced by `accepts_positive_data`, which lets a service refuse
schema-valid input with 422 when the refusal is a rule JSON Schema cannot express (a date relative
to today, text that is blank or holds NUL) and the caller names those rules explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

SETTINGS = settings(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)

Check = Callable[[Any, Any, Any], bool | None]


def accepts_positive_data(unexpressible: Collection[str]) -> Check:
    """A check: schema-valid input is accepted, or refused with 422 by one of the named rules."""

    def check(_ctx: Any, response: Any, case: Any) -> bool | None:
        meta = case.meta
        if meta is None or not meta.generation.mode.is_positive or response.status_code < 400:
            return None
        if response.status_code in (401, 403, 404, 409, 429):
            return None
        body = response.json() if response.status_code == 422 else {}
        message = str(body.get("message", ""))
        if any(rule in message for rule in unexpressible):
            return None
        raise AssertionError(
            f"{case.operation.label}: schema-valid request refused with "
            f"{response.status_code}: {response.text[:300]}"
        )

    return check


def _credential_only(headers: dict[str, str]) -> dict[str, str]:
    """The headers that are a security scheme, not a parameter schemathesis generates."""
    return {k: v for k, v in headers.items() if k.lower() == "x-internal-token"}


def _sent_headers(case: Any, headers: dict[str, str]) -> dict[str, str]:
    """All the headers for a positive step; for a negative one (a chain mixes both), only the
    credential, so a header parameter it breaks on purpose reaches the service broken."""
    meta = case.meta
    negative = meta is not None and not meta.generation.mode.is_positive
    return _credential_only(headers) if negative else headers


def check_every_operation(
    schema: Any, *, headers: dict[str, str], examples: int, unexpressible: Collection[str]
) -> None:
    """Positive then negative examples for every operation, with every check."""
    extra = [accepts_positive_data(unexpressible)]
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        # Negative cases may break a header parameter on purpose: send only the credential then.
        sent = headers if mode is GenerationMode.POSITIVE else _credential_only(headers)
        for result in schema.get_all_operations():
            try:
                _check_operation(result.ok(), mode, headers=sent, examples=examples, extra=extra)
            except Unsatisfiable:
                # Nothing to break in an operation without inputs (e.g. `GET /health`).
                if mode is GenerationMode.POSITIVE:
                    raise


def _check_operation(
    operation: Any, mode: GenerationMode, *, headers: dict[str, str], examples: int, extra: Any
) -> None:
    """Generate cases for one operation in one mode, call the service and run every check."""

    @settings(SETTINGS, max_examples=examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        case.call_and_validate(
            headers=headers, additional_checks=extra, excluded_checks=[positive_data_acceptance]
        )

    run()


def check_stateful(
    schema: Any,
    *,
    headers: dict[str, str],
    examples: int,
    steps: int,
    unexpressible: Collection[str],
    reset: Callable[[], None],
) -> None:
    """Chains of calls along the schema's links (create, then read / change / delete it).

    `reset` must put the service's data back as it was at the start (`empty_database`); it runs
    before each scenario. Which steps Hypothesis can take next depends on the answers (a link is
    followed only from a 201), and it replays a scenario's prefix to explore from there: on data
    left by earlier scenarios the same prefix gets other answers (a tag name now taken: 409, an
    id now deleted: 404), which Hypothesis reports as `FlakyStrategyDefinition`.
    """
    extra = [accepts_positive_data(unexpressible)]
    base = schema.as_state_machine()

    class Machine(base):  # type: ignore[valid-type,misc]
        def __init__(self) -> None:
            reset()
            super().__init__()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": _sent_headers(case, headers)}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(
                response,
                headers=_sent_headers(case, headers),
                additional_checks=extra,
                excluded_checks=[positive_data_acceptance],
            )

    Machine.run(settings=settings(SETTINGS, max_examples=examples, stateful_step_count=steps))


def load_schema(base_url: str) -> Any:
    """The service's OpenAPI, read from the running process."""
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json")
