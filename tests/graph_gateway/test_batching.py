"""No N+1: count the requests that reach each service, whatever the number of objects.

Every related field goes through a per-request DataLoader, so a query makes at most one call
per service per level of the query. The counts below are exact: a new call on any level fails.
"""

from __future__ import annotations

from collections import Counter

from tests.graph_gateway.conftest import Gateway
from tests.graph_gateway.factories import make_entry, make_event, make_tag

FIFTY_EVENTS = """
{
  events(first: 50, from: "2026-03-01T00:00:00Z") {
    totalCount
    edges { node {
      id tags { name }
      diaryEntries { id tags { name } events { id } }
    } }
  }
}"""

MONTH = """
{
  days(from: "2026-03-01", to: "2026-03-31", timeZone: "Asia/Seoul") {
    date
    events { id tags { id name } diaryEntries { id } }
    diaryEntries { id tags { id name } events { id } }
  }
}"""


async def seed_month(gateway: Gateway, token: str) -> None:
    """50 tagged events over 25 days of March 2026, one tagged entry on each of those days."""
    tags = [(await make_tag(gateway, token))["id"] for _ in range(3)]
    for n in range(50):
        day = 1 + n // 2
        await make_event(
            gateway,
            token,
            title=f"event {n}",
            startsAt=f"2026-03-{day:02}T{9 + n % 2 * 3:02}:00:00Z",
            endsAt=f"2026-03-{day:02}T{10 + n % 2 * 3:02}:00:00Z",
            tagIds=tags[: 1 + n % 3],
        )
    for day in range(1, 26):
        await make_entry(gateway, token, date=f"2026-03-{day:02}", tagIds=tags[day % 3 :])


async def test_fifty_events_with_tags_and_entries(gateway: Gateway, token: str) -> None:
    await seed_month(gateway, token)
    gateway.reset_counts()

    data = await gateway.ok(FIFTY_EVENTS, token=token)

    edges = data["events"]["edges"]
    assert len(edges) == 50
    assert all(e["node"]["tags"] and len(e["node"]["diaryEntries"]) == 1 for e in edges)
    assert Counter(gateway.calendar.calls) == {
        ("POST", "/events/search"): 1,  # level 1: the page (tags come embedded: no call)
        ("POST", "/tags/batch"): 1,  # level 3: DiaryEntry.tags
        ("POST", "/events/overlapping"): 1,  # level 3: DiaryEntry.events
    }
    assert Counter(gateway.diary.calls) == {("POST", "/entries/by-date-range"): 1}  # level 2


async def test_a_month_of_days_with_events_tags_and_entries(gateway: Gateway, token: str) -> None:
    await seed_month(gateway, token)
    # One event spanning two days: its entries' date range is a key no Day asked for.
    await make_event(
        gateway,
        token,
        title="overnight",
        startsAt="2026-03-27T22:00:00Z",
        endsAt="2026-03-28T02:00:00Z",
    )
    gateway.reset_counts()

    data = await gateway.ok(MONTH, token=token)

    days = data["days"]
    assert len(days) == 31
    assert sum(len(d["events"]) for d in days) >= 51
    assert sum(len(d["diaryEntries"]) for d in days) == 25
    assert Counter(gateway.calendar.calls) == {
        ("POST", "/events/overlapping"): 2,  # level 2: Day.events; level 3: DiaryEntry.events
        ("POST", "/tags/batch"): 1,  # level 3: DiaryEntry.tags
    }
    assert Counter(gateway.diary.calls) == {
        (
            "POST",
            "/entries/by-date-range",
        ): 2,  # level 2: Day.diaryEntries; level 3: Event.diaryEntries
    }
