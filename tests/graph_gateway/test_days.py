"""`days`: local days in any IANA time zone, each with its events and diary entries."""

from __future__ import annotations

from datetime import date, timedelta

from tests.graph_gateway.conftest import Gateway
from tests.graph_gateway.factories import make_entry, make_event

DAYS = """
query($from: Date!, $to: Date!, $tz: String) {
  days(from: $from, to: $to, timeZone: $tz) {
    date events { title } diaryEntries { content }
  }
}"""


async def test_a_late_evening_utc_event_lands_on_the_next_seoul_day(
    gateway: Gateway, token: str
) -> None:
    # 2026-03-10 20:00 UTC is 2026-03-11 05:00 in Seoul (UTC+9).
    await make_event(
        gateway,
        token,
        title="Late call",
        startsAt="2026-03-10T20:00:00Z",
        endsAt="2026-03-10T21:00:00Z",
    )
    await make_entry(gateway, token, date="2026-03-11", content="일기")
    variables = {"from": "2026-03-10", "to": "2026-03-11"}

    seoul = (await gateway.ok(DAYS, {**variables, "tz": "Asia/Seoul"}, token=token))["days"]
    assert seoul == [
        {"date": "2026-03-10", "events": [], "diaryEntries": []},
        {
            "date": "2026-03-11",
            "events": [{"title": "Late call"}],
            "diaryEntries": [{"content": "일기"}],
        },
    ]
    utc = (await gateway.ok(DAYS, variables, token=token))["days"]
    assert [d["events"] for d in utc] == [[{"title": "Late call"}], []]
    # The default is UTC, and an explicit null means the default too.
    assert (await gateway.ok(DAYS, {**variables, "tz": None}, token=token))["days"] == utc


async def test_multi_day_events_show_on_every_local_day_they_touch(
    gateway: Gateway, token: str
) -> None:
    await make_event(
        gateway,
        token,
        title="Trip",
        startsAt="2026-08-01T12:00:00-07:00",
        endsAt="2026-08-03T09:00:00-07:00",
    )
    days = (
        await gateway.ok(
            DAYS,
            {"from": "2026-07-31", "to": "2026-08-04", "tz": "America/Los_Angeles"},
            token=token,
        )
    )["days"]
    assert [d["date"] for d in days if d["events"]] == ["2026-08-01", "2026-08-02", "2026-08-03"]


async def test_sixty_two_days_at_most(gateway: Gateway, token: str) -> None:
    start = date(2026, 1, 1)
    ok = await gateway.ok(
        DAYS,
        {"from": start.isoformat(), "to": (start + timedelta(days=61)).isoformat()},
        token=token,
    )
    assert len(ok["days"]) == 62
    too_many = await gateway.post(
        DAYS,
        {"from": start.isoformat(), "to": (start + timedelta(days=62)).isoformat()},
        token=token,
    )
    assert too_many["data"] == {"days": None}
    assert too_many["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "to"}
    backwards = await gateway.post(DAYS, {"from": "2026-01-02", "to": "2026-01-01"}, token=token)
    assert backwards["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "to"}


async def test_unknown_time_zone_is_refused(gateway: Gateway, token: str) -> None:
    gateway.reset_counts()
    for zone in ("Mars/Olympus", "", "../../etc/passwd", "Asia/Seoul\x00"):
        body = await gateway.post(
            DAYS, {"from": "2026-01-01", "to": "2026-01-02", "tz": zone}, token=token
        )
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "timeZone"}
    assert gateway.calendar.calls == gateway.diary.calls == []
