"""IANA time zones: validated by name against the system's zone database."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from graph_gateway.errors import BadUserInputError

DEFAULT_TIME_ZONE = "UTC"


@cache
def _known_names() -> frozenset[str]:
    return frozenset(available_timezones()) | {DEFAULT_TIME_ZONE}


@cache
def time_zone(name: str, field: str = "timeZone") -> ZoneInfo:
    """The IANA zone `name` (e.g. `Asia/Seoul`); BAD_USER_INPUT on `field` for anything else."""
    if name not in _known_names():
        raise BadUserInputError(f"Unknown time zone {name!r}", field=field)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadUserInputError(f"Unknown time zone {name!r}", field=field) from exc
