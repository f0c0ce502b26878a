"""Typed factories that create data through the gateway's own mutations."""

from __future__ import annotations

import itertools
from typing import Any

from tests.graph_gateway.conftest import Gateway

_names = itertools.count(1)

EVENT_FIELDS = (
    "id title description location startsAt endsAt allDay tags { id name } createdAt updatedAt"
)
ENTRY_FIELDS = (
    "id date title content mood weather tags { id name } images { id } createdAt updatedAt"
)


async def make_tag(gateway: Gateway, token: str, **overrides: Any) -> dict[str, Any]:
    """Create a tag (a unique name by default) and return it."""
    tag_input = {"name": f"tag {next(_names)}", "color": "#336699", **overrides}
    data = await gateway.ok(
        "mutation($input: TagInput!) { createTag(input: $input) { id name color } }",
        {"input": tag_input},
        token=token,
    )
    tag: dict[str, Any] = data["createTag"]
    return tag


async def make_event(gateway: Gateway, token: str, **overrides: Any) -> dict[str, Any]:
    """Create an event (an hour on 2026-03-10 UTC by default) and return it."""
    event_input = {
        "title": "Meeting",
        "startsAt": "2026-03-10T10:00:00+00:00",
        "endsAt": "2026-03-10T11:00:00+00:00",
        **overrides,
    }
    data = await gateway.ok(
        "mutation($input: CreateEventInput!) "
        f"{{ createEvent(input: $input) {{ {EVENT_FIELDS} }} }}",
        {"input": event_input},
        token=token,
    )
    event: dict[str, Any] = data["createEvent"]
    return event


async def make_entry(gateway: Gateway, token: str, **overrides: Any) -> dict[str, Any]:
    """Write a diary entry (on 2026-03-10 by default) and return it."""
    entry_input = {"date": "2026-03-10", "content": "오늘은 좋은 날 🌸", **overrides}
    data = await gateway.ok(
        "mutation($input: CreateDiaryEntryInput!) "
        f"{{ createDiaryEntry(input: $input) {{ {ENTRY_FIELDS} }} }}",
        {"input": entry_input},
        token=token,
    )
    entry: dict[str, Any] = data["createDiaryEntry"]
    return entry
