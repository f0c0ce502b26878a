"""`User.timeZone`: set at sign-up or by `updateMe`; the default of `days`, and the zone in which
`DiaryEntry.events` and `Event.diaryEntries` compare dates (Seoul, Los Angeles, a DST day)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graph_gateway.accounts.helpers import ME, SIGN_UP, fresh_email, sign_up
from tests.graph_gateway.conftest import PASSWORD, Gateway, error_codes

UPDATE_ME = "mutation($i: UpdateMeInput!) { updateMe(input: $i) { displayName timeZone } }"
EVENT = """mutation($s: DateTime!, $e: DateTime!) {
  createEvent(input: {title: "run", startsAt: $s, endsAt: $e}) { id }
}"""
ENTRY = """mutation($d: Date!) {
  createDiaryEntry(input: {date: $d, content: "일기"}) { id events { title startsAt } }
}"""
EVENT_ENTRIES = "query($id: ID!) { event(id: $id) { diaryEntries { date } } }"


async def _event(gateway: Gateway, token: str, starts: str, ends: str) -> str:
    data = await gateway.ok(EVENT, {"s": starts, "e": ends}, token=token)
    event_id: str = data["createEvent"]["id"]
    return event_id


async def _entry_events(gateway: Gateway, token: str, day: str) -> list[Any]:
    data = await gateway.ok(ENTRY, {"d": day}, token=token)
    events: list[Any] = data["createDiaryEntry"]["events"]
    return events


async def test_time_zone_defaults_to_utc_and_is_validated(gateway: Gateway) -> None:
    session = await sign_up(gateway)
    assert (await gateway.ok(ME, token=session.token))["me"]["timeZone"] == "UTC"
    for bad in ("Mars/Olympus", "", "/etc/localtime", "../UTC", "x" * 300):
        body = await gateway.post(SIGN_UP, {"e": fresh_email(), "p": PASSWORD, "z": bad})
        assert error_codes(body) == ["BAD_USER_INPUT"], bad
        assert body["errors"][0]["extensions"]["field"] == "timeZone"
        changed = await gateway.post(UPDATE_ME, {"i": {"timeZone": bad}}, token=session.token)
        assert error_codes(changed) == ["BAD_USER_INPUT"]
    assert (await gateway.ok(ME, token=session.token))["me"]["timeZone"] == "UTC"


async def test_update_me_changes_only_what_is_given(gateway: Gateway) -> None:
    session = await sign_up(gateway, time_zone="Asia/Seoul")
    data = await gateway.ok(UPDATE_ME, {"i": {"displayName": " 민지 "}}, token=session.token)
    assert data["updateMe"] == {"displayName": "민지", "timeZone": "Asia/Seoul"}
    data = await gateway.ok(UPDATE_ME, {"i": {"timeZone": "Europe/Berlin"}}, token=session.token)
    assert data["updateMe"] == {"displayName": "민지", "timeZone": "Europe/Berlin"}
    # The next request sees the change at once (this process forgot its cached session).
    assert (await gateway.ok(ME, token=session.token))["me"]["timeZone"] == "Europe/Berlin"
    data = await gateway.ok(
        UPDATE_ME, {"i": {"timeZone": None, "displayName": None}}, token=session.token
    )
    assert data["updateMe"] == {"displayName": None, "timeZone": "UTC"}


async def test_seoul_entry_lists_the_morning_run_of_its_local_date(gateway: Gateway) -> None:
    session = await sign_up(gateway, time_zone="Asia/Seoul")
    # 07:00 in Seoul on the 28th is 22:00 UTC on the 27th.
    run = await _event(
        gateway, session.token, "2026-11-28T07:00:00+09:00", "2026-11-28T08:00:00+09:00"
    )
    late = await _event(
        gateway, session.token, "2026-11-28T23:30:00+09:00", "2026-11-29T00:30:00+09:00"
    )
    await _event(gateway, session.token, "2026-11-27T22:00:00+09:00", "2026-11-27T23:00:00+09:00")
    events = await _entry_events(gateway, session.token, "2026-11-28")
    assert [e["startsAt"] for e in events] == [
        "2026-11-27T22:00:00+00:00",
        "2026-11-28T14:30:00+00:00",
    ]
    for event_id in (run, late):
        data = await gateway.ok(EVENT_ENTRIES, {"id": event_id}, token=session.token)
        assert {"date": "2026-11-28"} in data["event"]["diaryEntries"]
    # The same data read as a UTC user: the run belongs to the 27th.
    await gateway.ok(UPDATE_ME, {"i": {"timeZone": "UTC"}}, token=session.token)
    data = await gateway.ok(EVENT_ENTRIES, {"id": run}, token=session.token)
    assert data["event"]["diaryEntries"] == []


async def test_los_angeles_evening_event_stays_on_its_local_date(gateway: Gateway) -> None:
    session = await sign_up(gateway, time_zone="America/Los_Angeles")
    # 20:00 in Los Angeles on the 10th is 04:00 UTC on the 11th.
    await _event(gateway, session.token, "2026-06-10T20:00:00-07:00", "2026-06-10T21:00:00-07:00")
    assert len(await _entry_events(gateway, session.token, "2026-06-10")) == 1
    assert await _entry_events(gateway, session.token, "2026-06-11") == []


@pytest.mark.parametrize(
    ("zone", "day", "inside", "outside"),
    [
        # New York springs forward on 2026-03-08: a 23-hour day, 05:00Z to 04:00Z next day.
        ("America/New_York", "2026-03-08", "2026-03-09T03:30:00Z", "2026-03-09T04:30:00Z"),
        # ...and falls back on 2026-11-01: a 25-hour day, 04:00Z to 05:00Z next day.
        ("America/New_York", "2026-11-01", "2026-11-02T04:30:00Z", "2026-11-02T05:30:00Z"),
    ],
)
async def test_dst_days_are_23_or_25_hours_long(
    gateway: Gateway, zone: str, day: str, inside: str, outside: str
) -> None:
    session = await sign_up(gateway, time_zone=zone)
    await _event(gateway, session.token, inside, inside)
    await _event(gateway, session.token, outside, outside)
    events = await _entry_events(gateway, session.token, day)
    assert [e["startsAt"] for e in events] == [inside.replace("Z", "+00:00")]
    days = await gateway.ok(
        "query($d: Date!) { days(from: $d, to: $d) { date events { startsAt } } }",
        {"d": day},
        token=session.token,
    )
    assert days["days"][0]["events"] == [{"startsAt": inside.replace("Z", "+00:00")}]


async def test_days_defaults_to_the_users_zone_and_an_argument_overrides_it(
    gateway: Gateway,
) -> None:
    session = await sign_up(gateway, time_zone="Asia/Seoul")
    await _event(gateway, session.token, "2026-11-28T07:00:00+09:00", "2026-11-28T08:00:00+09:00")
    query = (
        'query($z: String) { days(from: "2026-11-27", to: "2026-11-28", timeZone: $z) '
        "{ date events { id } } }"
    )
    local = (await gateway.ok(query, {}, token=session.token))["days"]
    assert [len(d["events"]) for d in local] == [0, 1]
    explicit_null = (await gateway.ok(query, {"z": None}, token=session.token))["days"]
    assert [len(d["events"]) for d in explicit_null] == [0, 1]
    utc = (await gateway.ok(query, {"z": "UTC"}, token=session.token))["days"]
    assert [len(d["events"]) for d in utc] == [1, 0]
