"""The services count a list's matches only when the query selects `totalCount`.

Counting is a second scan of every match: the gateway asks for it (`count` in the search body)
exactly when the connection's selection holds `totalCount`, directly, aliased, or in a fragment.
"""

from __future__ import annotations

import json

import pytest

from tests.graph_gateway.conftest import Gateway
from tests.graph_gateway.factories import make_entry, make_event

EVENT_QUERIES = {
    "events(first: 1) { edges { node { id } } }": False,
    "events(first: 1) { edges { node { id } } pageInfo { hasNextPage } }": False,
    "events(first: 1) { totalCount }": True,
    "events(first: 1) { n: totalCount edges { cursor } }": True,
    "events(first: 1) { ...Counted } } fragment Counted on EventConnection { totalCount": True,
    "events(first: 1) { ... on EventConnection { totalCount } }": True,
    # A nested connection's totalCount is not this list's.
    "events(first: 1) { edges { node { tags { events(first: 1) { totalCount } } } } }": False,
}


@pytest.mark.parametrize(("selection", "counted"), list(EVENT_QUERIES.items()))
async def test_events_count_only_when_total_count_is_selected(
    gateway: Gateway, token: str, selection: str, counted: bool
) -> None:
    for day in ("2026-03-10", "2026-03-11"):
        await make_event(gateway, token, startsAt=f"{day}T09:00:00Z", endsAt=f"{day}T10:00:00Z")
    gateway.reset_counts()
    data = await gateway.ok(f"{{ {selection} }}", token=token)
    search = [r for r in gateway.calendar.requests if r.url.path == "/events/search"]
    assert [json.loads(r.content)["count"] for r in search] == [counted]
    connection = data["events"]
    assert connection.get("totalCount", connection.get("n", 2)) == 2
    assert len(connection.get("edges", [None])) == 1


@pytest.mark.parametrize("counted", [False, True])
async def test_diary_entries_count_only_when_total_count_is_selected(
    gateway: Gateway, token: str, counted: bool
) -> None:
    for day in ("2026-03-10", "2026-03-11"):
        await make_entry(gateway, token, date=day)
    gateway.reset_counts()
    total = "totalCount" if counted else ""
    data = await gateway.ok(
        f"{{ diaryEntries(first: 1) {{ {total} pageInfo {{ hasNextPage }} }} }}", token=token
    )
    search = [r for r in gateway.diary.requests if r.url.path == "/entries/search"]
    assert [json.loads(r.content)["count"] for r in search] == [counted]
    assert data["diaryEntries"]["pageInfo"] == {"hasNextPage": True}
    assert data["diaryEntries"].get("totalCount", 2) == 2
