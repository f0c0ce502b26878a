"""`Date` and `DateTime` read strictly: `YYYY-MM-DD`, and ISO 8601 date-times with an offset.

Strawberry's defaults accept whatever `date.fromisoformat` and `dateutil` do (`"20250101"`, a
date-time without an offset, read as local time) and echo the whole value back in the error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


def _strict(
    pattern: re.Pattern[str], parse: Callable[[str], Any], expected: str
) -> Callable[[object], Any]:
    """A `parse_value` that accepts only strings matching `pattern` that `parse` reads."""

    def parse_value(value: object) -> Any:
        if isinstance(value, str) and pattern.fullmatch(value):
            try:
                return parse(value.replace("z", "Z"))
            except ValueError:
                pass
        raise StrawberryInputCoercionError(f"Expected {expected}")

    return parse_value


Date = strawberry.scalar(
    name="Date",
    description="A calendar date, `YYYY-MM-DD`.",
    serialize=dt.date.isoformat,
    parse_value=_strict(_DATE, dt.date.fromisoformat, "a date as YYYY-MM-DD"),
)

DateTime = strawberry.scalar(
    name="DateTime",
    description="An ISO 8601 date-time with an offset (`Z` or `±HH:MM`); served in UTC.",
    serialize=dt.datetime.isoformat,
    parse_value=_strict(
        _DATE_TIME, dt.datetime.fromisoformat, "an ISO 8601 date-time with an offset"
    ),
)

SCALAR_OVERRIDES: dict[object, Any] = {dt.date: Date, dt.datetime: DateTime}
"""For `Schema(scalar_overrides=...)`."""
