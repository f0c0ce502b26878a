"""List filters reach the services in JSON bodies, never in URLs, and are bounded before that.

`search` and `after` are the user's own text: in a URL they would meet URL length limits and
end up in every proxy's access log. The searches are read-only, so they are retried like a GET.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from graph_gateway.clients.base import Upstream
from graph_gateway.clients.calendar import CalendarClient
from graph_gateway.clients.resilience import RetryPolicy
from graph_gateway.clients.service_json import no_content
from graph_gateway.errors import ServiceUnavailableError
from graph_gateway.write_keys import WriteKeys
from tests.graph_gateway.conftest import Gateway, error_codes
from tests.graph_gateway.factories import make_entry, make_event

EVENTS = """
query($search: String, $after: String) {
  events(search: $search, after: $after, first: 1) { totalCount edges { cursor node { id } } }
}"""
ENTRIES = """
query($after: String, $mood: Mood) {
  diaryEntries(after: $after, mood: $mood, first: 1) { totalCount edges { cursor } }
}"""
SEARCH_BOUND = 200
HUGE_CURSOR = "A" * 130_000
EMPTY_PAGE = {
    "items": [],
    "cursors": [],
    "total_count": 0,
    "has_next_page": False,
    "end_cursor": None,
}


def sent_body(request: httpx.Request) -> dict[str, Any]:
    """The JSON body of an upstream request that carried its filters in the body, not the URL."""
    assert request.url.query == b"", request.url
    body: dict[str, Any] = json.loads(request.content)
    return body


async def test_a_search_at_its_bound_and_a_cursor_travel_in_the_body(
    gateway: Gateway, token: str
) -> None:
    needle = "검" * SEARCH_BOUND  # 600 bytes of UTF-8, the longest search allowed
    for _ in range(2):
        await make_event(gateway, token, title=needle)
    gateway.reset_counts()

    first = await gateway.ok(EVENTS, {"search": needle}, token=token)
    assert first["events"]["totalCount"] == 2
    cursor = first["events"]["edges"][0]["cursor"]
    second = await gateway.ok(EVENTS, {"search": needle, "after": cursor}, token=token)
    assert second["events"]["edges"][0]["node"]["id"] != first["events"]["edges"][0]["node"]["id"]

    assert gateway.calendar.calls == [("POST", "/events/search")] * 2
    bodies = [sent_body(r) for r in gateway.calendar.requests]
    assert [(b["search"], b["after"], b["first"]) for b in bodies] == [
        (needle, None, 1),
        (needle, cursor, 1),
    ]


async def test_entry_filters_and_cursor_travel_in_the_body(gateway: Gateway, token: str) -> None:
    for day in ("2026-03-10", "2026-03-11"):
        await make_entry(gateway, token, date=day, mood="CALM")
    gateway.reset_counts()

    page = await gateway.ok(ENTRIES, {"mood": "CALM"}, token=token)
    cursor = page["diaryEntries"]["edges"][0]["cursor"]
    after = await gateway.ok(ENTRIES, {"mood": "CALM", "after": cursor}, token=token)
    assert after["diaryEntries"]["totalCount"] == 2

    assert [c for c in gateway.diary.calls if c[1].startswith("/entries")] == [
        ("POST", "/entries/search")
    ] * 2
    bodies = [sent_body(r) for r in gateway.diary.requests]
    assert [(b["mood"], b["after"]) for b in bodies] == [("CALM", None), ("CALM", cursor)]


async def test_a_search_over_its_bound_is_refused_before_any_upstream_call(
    gateway: Gateway, token: str
) -> None:
    gateway.reset_counts()
    body = await gateway.post(EVENTS, {"search": "x" * (SEARCH_BOUND + 1)}, token=token)
    assert [e["extensions"] for e in body["errors"]] == [
        {"code": "BAD_USER_INPUT", "field": "search"}
    ]
    assert gateway.calendar.calls == []


async def test_a_130_kb_cursor_is_refused_before_any_upstream_call(
    gateway: Gateway, token: str
) -> None:
    gateway.reset_counts()
    for query in (EVENTS, ENTRIES):
        body = await gateway.post(query, {"after": HUGE_CURSOR}, token=token)
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["extensions"]["field"] == "after"
        assert "Traceback" not in json.dumps(body)
    assert gateway.calendar.calls == gateway.diary.calls == []


async def test_a_search_is_retried_like_a_get_and_a_write_is_not() -> None:
    seen: list[tuple[str, str]] = []
    failures_left = {"/events/search": 1, "/events": 1}

    def unavailable_once(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        if failures_left.get(request.url.path, 0) > 0:
            failures_left[request.url.path] -= 1
            return httpx.Response(503)
        return httpx.Response(200, json=EMPTY_PAGE)

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(unavailable_once), base_url="http://calendar"
    ) as http:
        upstream = Upstream(
            name="calendar",
            http=http,
            internal_token="t" * 32,
            retry=RetryPolicy(attempts=2, base_delay_s=0.001),
        )
        page = await CalendarClient(
            upstream, user_id=1, keys=WriteKeys(user_id=1, client_key=None)
        ).list_events(start=None, end=None, tag_id=None, search="walk", first=5, after=None)
        assert page.total_count == 0
        assert seen == [("POST", "/events/search")] * 2

        seen.clear()
        with pytest.raises(ServiceUnavailableError):
            await upstream.call(
                "POST", "/events", user_id=1, body={}, parse=no_content, idempotent=False
            )
        assert seen == [("POST", "/events")]  # a write is sent once
