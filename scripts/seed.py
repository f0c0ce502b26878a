"""`make seed`: the demo account and a month of demo data, through the gateway's GraphQL API.

Logs in as the demo user (signing it up the first time), then creates this month's demo tags,
events and diary entries (Korean and English) that are not there yet: running it again adds
nothing. Everything goes over HTTP, exactly as a client would send it.
"""

from __future__ import annotations

import argparse
import calendar
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from graph_gateway.graphiql.page import DEMO_EMAIL, DEMO_PASSWORD
from graph_gateway.settings import GatewaySettings

DEMO_NAME = "데모 Demo"
SEOUL = ZoneInfo("Asia/Seoul")
PAGE = 100

TAGS = {
    "work": ("업무 Work", "#2563EB"),
    "family": ("가족 Family", "#DB2777"),
    "exercise": ("운동 Exercise", "#16A34A"),
    "travel": ("여행 Travel", "#F59E0B"),
    "study": ("공부 Study", "#7C3AED"),
}


class SeedError(Exception):
    """The gateway refused a request the seed needs."""


@dataclass(frozen=True)
class DemoEvent:
    """An event to have in the demo month (local Seoul times)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    tags: tuple[str, ...]
    description: str | None = None
    location: str | None = None
    all_day: bool = False


@dataclass(frozen=True)
class DemoEntry:
    """A diary entry to have in the demo month."""

    day: date
    title: str
    content: str
    mood: str
    weather: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class SeedReport:
    """What the seed did: the demo token, and how much it created."""

    email: str
    token: str
    created_tags: int
    created_events: int
    created_entries: int


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SEOUL)


def demo_events(first: date) -> Iterator[DemoEvent]:
    """The month's events: weekly routines, a trip and a few one-offs."""
    days = calendar.monthrange(first.year, first.month)[1]
    for day in (first + timedelta(days=n) for n in range(days)):
        if day.weekday() == calendar.MONDAY:
            yield DemoEvent(
                "주간 팀 회의 · Weekly team sync",
                _at(day, 10),
                _at(day, 11),
                ("work",),
                "이번 주 우선순위 정리. Agree on this week's priorities.",
                "본사 3층 회의실 (HQ, room 3)",
            )
        if day.weekday() == calendar.WEDNESDAY:
            yield DemoEvent("요가 Yoga", _at(day, 19, 30), _at(day, 20, 30), ("exercise",))
        if day.weekday() == calendar.SUNDAY:
            yield DemoEvent(
                "가족 저녁 식사 · Family dinner",
                _at(day, 18),
                _at(day, 20),
                ("family",),
                location="부모님 댁 (parents' place)",
            )
    yield DemoEvent(
        "치과 검진 Dentist check-up",
        _at(first.replace(day=3), 9),
        _at(first.replace(day=3), 10),
        (),
    )
    yield DemoEvent(
        "분기 보고서 마감 · Quarterly report due",
        _at(first.replace(day=12), 0),
        _at(first.replace(day=13), 0),
        ("work",),
        "Finance wants the numbers by end of day. 숫자 확인!",
        all_day=True,
    )
    # 07:30 in Seoul is the previous evening in UTC: `days(timeZone: "Asia/Seoul")` shows it on
    # the 20th, `days(timeZone: "UTC")` on the 19th.
    yield DemoEvent(
        "제주행 첫 비행기 · Early flight to Jeju",
        _at(first.replace(day=20), 7, 30),
        _at(first.replace(day=20), 8, 40),
        ("travel",),
        location="김포공항 (GMP)",
    )
    yield DemoEvent(
        "제주 여행 Jeju trip",
        _at(first.replace(day=20), 0),
        _at(first.replace(day=23), 0),
        ("travel", "family"),
        "한라산, 오름, 흑돼지 🐷",
        "제주도 Jeju",
        all_day=True,
    )
    yield DemoEvent(
        "한국어 스터디 · Korean study group",
        _at(first.replace(day=25), 20),
        _at(first.replace(day=25), 21, 30),
        ("study",),
        "Chapter 7: 존댓말 (honorifics)",
        "Online",
    )
    yield DemoEvent(
        "늦은 밤 영화 · Late-night movie",
        _at(first.replace(day=27), 23),
        _at(first.replace(day=28), 1),
        ("family",),
        location="CGV 용산",
    )


def demo_entries(first: date) -> Iterator[DemoEntry]:
    """The month's diary entries, every few days."""
    notes = (
        ("새로운 시작", "이번 달 목표: 매일 30분 걷기. This month: a 30-minute walk a day.",
         "HAPPY", "SUNNY", ("exercise",)),
        ("Busy Monday", "회의가 길었다. The sync ran long but we agreed on the plan.",
         "TIRED", "CLOUDY", ("work",)),
        ("비 오는 날", "창밖으로 비 소리. Rain all day; read a book with tea ☕.",
         "CALM", "RAINY", ()),
        ("Yoga felt great", "요가 후에 몸이 가볍다. Stretching after work helps.",
         "JOYFUL", "PARTLY_CLOUDY", ("exercise",)),
        ("가족 모임", "엄마가 만든 김치찌개 최고! Mum's kimchi stew, the best.",
         "HAPPY", "SUNNY", ("family",)),
        ("Deadline stress", "보고서 마감이 다가온다. Numbers don't add up yet.",
         "ANXIOUS", "WINDY", ("work",)),
        ("제주 도착", "바다 색이 믿기지 않는다. The sea looks unreal. 🌊",
         "JOYFUL", "SUNNY", ("travel",)),
        ("Fog on Hallasan", "한라산 정상은 안개 속. Couldn't see a thing, still worth it.",
         "NEUTRAL", "FOGGY", ("travel", "exercise")),
        ("공부 기록", "존댓말이 어렵다. Honorifics are hard, practice more.",
         "NEUTRAL", "CLOUDY", ("study",)),
        ("Month in review", "이번 달도 수고했어. Good month overall.",
         "CALM", "SNOWY", ()),
    )  # fmt: skip
    days = calendar.monthrange(first.year, first.month)[1]
    for index, (title, content, mood, weather, tags) in enumerate(notes):
        day = first.replace(day=min(days, 1 + index * 3))
        yield DemoEntry(day, title, content, mood, weather, tags)


class GraphQL:
    """A minimal GraphQL-over-HTTP client for the seed."""

    def __init__(self, http: httpx.Client, url: str) -> None:
        self.http = http
        self.url = url
        self.token: str | None = None

    def run(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Execute an operation; raise `SeedError` with the gateway's message on any error."""
        headers = {"Accept": "application/graphql-response+json, application/json;q=0.9"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = self.http.post(
            self.url, json={"query": query, "variables": dict(variables or {})}, headers=headers
        )
        payload = response.json()
        errors = payload.get("errors")
        if errors:
            codes = [(e.get("extensions") or {}).get("code") for e in errors]
            raise SeedError(f"{errors[0].get('message')} ({', '.join(map(str, codes))})")
        response.raise_for_status()
        data: dict[str, Any] = payload["data"]
        return data


AUTH_FIELDS = "{ token user { id email } }"
LOG_IN = f"mutation($e: String!, $p: String!) {{ logIn(email: $e, password: $p) {AUTH_FIELDS} }}"
SIGN_UP = (
    "mutation($e: String!, $p: String!, $n: String) "
    f"{{ signUp(email: $e, password: $p, displayName: $n) {AUTH_FIELDS} }}"
)


def log_in_or_sign_up(client: GraphQL) -> str:
    """The demo account's token, signing it up when it does not exist yet."""
    try:
        token: str = client.run(LOG_IN, {"e": DEMO_EMAIL, "p": DEMO_PASSWORD})["logIn"]["token"]
    except SeedError as login_error:
        try:
            variables = {"e": DEMO_EMAIL, "p": DEMO_PASSWORD, "n": DEMO_NAME}
            token = client.run(SIGN_UP, variables)["signUp"]["token"]
        except SeedError as signup_error:
            raise SeedError(
                f"could not log in ({login_error}) nor sign up ({signup_error}) as {DEMO_EMAIL}"
            ) from signup_error
    client.token = token
    return token


def ensure_tags(client: GraphQL) -> tuple[dict[str, str], int]:
    """The demo tags' ids by key, creating the missing ones; and how many were created."""
    existing = {t["name"].casefold(): t["id"] for t in client.run("{ tags { id name } }")["tags"]}
    ids: dict[str, str] = {}
    created = 0
    for key, (name, color) in TAGS.items():
        if name.casefold() in existing:
            ids[key] = existing[name.casefold()]
            continue
        mutation = "mutation($i: TagInput!) { createTag(input: $i) { id } }"
        ids[key] = client.run(mutation, {"i": {"name": name, "color": color}})["createTag"]["id"]
        created += 1
    return ids, created


def _pages(client: GraphQL, query: str, field: str, variables: dict[str, Any]) -> Iterator[Any]:
    """Every node of a connection, following `endCursor` to the end."""
    after: str | None = None
    while True:
        connection = client.run(query, {**variables, "after": after, "first": PAGE})[field]
        yield from (edge["node"] for edge in connection["edges"])
        if not connection["pageInfo"]["hasNextPage"]:
            return
        after = connection["pageInfo"]["endCursor"]


EVENTS = """query($from: DateTime, $to: DateTime, $first: Int, $after: String) {
  events(from: $from, to: $to, first: $first, after: $after) {
    edges { node { title startsAt } } pageInfo { hasNextPage endCursor } } }"""
ENTRIES = """query($from: Date, $to: Date, $first: Int, $after: String) {
  diaryEntries(from: $from, to: $to, first: $first, after: $after) {
    edges { node { date title } } pageInfo { hasNextPage endCursor } } }"""
CREATE_EVENT = "mutation($i: CreateEventInput!) { createEvent(input: $i) { id } }"
CREATE_ENTRY = "mutation($i: CreateDiaryEntryInput!) { createDiaryEntry(input: $i) { id } }"


def ensure_events(client: GraphQL, first: date, tag_ids: Mapping[str, str]) -> int:
    """Create the month's demo events that are not there yet (same title and start)."""
    window = {
        "from": _at(first - timedelta(days=1), 0).isoformat(),
        "to": _at(first + timedelta(days=33), 0).isoformat(),
    }
    have = {
        (node["title"], datetime.fromisoformat(node["startsAt"]))
        for node in _pages(client, EVENTS, "events", window)
    }
    created = 0
    for event in demo_events(first):
        if (event.title, event.starts_at) in have:
            continue
        data = {
            "title": event.title,
            "description": event.description,
            "location": event.location,
            "startsAt": event.starts_at.isoformat(),
            "endsAt": event.ends_at.isoformat(),
            "allDay": event.all_day,
            "tagIds": [tag_ids[key] for key in event.tags],
        }
        client.run(CREATE_EVENT, {"i": data})
        created += 1
    return created


def ensure_entries(client: GraphQL, first: date, tag_ids: Mapping[str, str]) -> int:
    """Create the month's demo diary entries that are not there yet (same date and title)."""
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    window = {"from": first.isoformat(), "to": last.isoformat()}
    have = {
        (date.fromisoformat(node["date"]), node["title"])
        for node in _pages(client, ENTRIES, "diaryEntries", window)
    }
    created = 0
    for entry in demo_entries(first):
        if (entry.day, entry.title) in have:
            continue
        data = {
            "date": entry.day.isoformat(),
            "title": entry.title,
            "content": entry.content,
            "mood": entry.mood,
            "weather": entry.weather,
            "tagIds": [tag_ids[key] for key in entry.tags],
        }
        client.run(CREATE_ENTRY, {"i": data})
        created += 1
    return created


def seed(graphql_url: str, *, month: date | None = None, timeout: float = 30.0) -> SeedReport:
    """Seed the demo account and `month` (default: this month in Seoul); idempotent."""
    first = (month or datetime.now(SEOUL).date()).replace(day=1)
    with httpx.Client(timeout=timeout) as http:
        client = GraphQL(http, graphql_url)
        token = log_in_or_sign_up(client)
        tag_ids, created_tags = ensure_tags(client)
        created_events = ensure_events(client, first, tag_ids)
        created_entries = ensure_entries(client, first, tag_ids)
    return SeedReport(DEMO_EMAIL, token, created_tags, created_events, created_entries)


def default_graphql_url() -> str:
    """Where the gateway listens according to the environment (`GATEWAY_HOST`/`GATEWAY_PORT`)."""
    settings = GatewaySettings()
    return f"http://{settings.host}:{settings.port}/graphql"


def main(argv: list[str] | None = None) -> int:
    """Seed the running gateway and say what was created."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default=None, help="the gateway's GraphQL URL")
    parser.add_argument("--month", default=None, help="YYYY-MM (default: this month)")
    args = parser.parse_args(argv)
    month = date.fromisoformat(f"{args.month}-01") if args.month else None
    try:
        report = seed(args.url or default_graphql_url(), month=month)
    except (SeedError, httpx.HTTPError) as error:
        print(f"seed failed: {error}", file=sys.stderr)
        return 1
    print(
        f"seeded {report.email}: {report.created_tags} tags, {report.created_events} events, "
        f"{report.created_entries} diary entries created"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
