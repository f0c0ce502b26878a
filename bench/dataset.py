"""The bench's dataset: one busy user and many others, generated and loaded through the REST APIs.

The main user signs up through the gateway (a real account and token); the other users exist
only in the services, as the owner ids the gateway would send for them, which is all the owner
filters see. Rows go in with concurrent requests carrying the internal token.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from bench.stats import BenchError

MOODS = ("JOYFUL", "HAPPY", "CALM", "NEUTRAL", "TIRED", "SAD", "ANXIOUS", "ANGRY")
WEATHERS = ("SUNNY", "PARTLY_CLOUDY", "CLOUDY", "RAINY", "STORMY", "SNOWY", "FOGGY", "WINDY")
MAIN_EMAIL = "bench@example.com"
MAIN_PASSWORD = "bench-password-1234"  # noqa: S105 - a throwaway account in a temp database
LOAD_CONCURRENCY = 16

SIGN_UP = """
mutation SignUp($email: String!, $password: String!) {
  signUp(email: $email, password: $password, displayName: "Bench") { token user { id } }
}"""
LOG_IN = """
mutation LogIn($email: String!, $password: String!) {
  logIn(email: $email, password: $password) { token }
}"""


@dataclass(frozen=True, slots=True)
class DatasetSize:
    """How much data to make: the main user's, then how many other users and what each has."""

    events: int
    tags: int
    entry_days: int
    other_users: int
    other_events: int
    other_tags: int
    other_entries: int


FULL = DatasetSize(
    events=2000, tags=50, entry_days=365, other_users=100, other_events=20, other_tags=5,
    other_entries=10,
)  # fmt: skip
TINY = DatasetSize(
    events=120, tags=8, entry_days=40, other_users=3, other_events=5, other_tags=2,
    other_entries=10,
)  # fmt: skip
"""A dataset small enough for a smoke test."""


@dataclass(frozen=True, slots=True)
class Dataset:
    """What the operations need to know about the loaded data."""

    user_id: int
    year: int
    tag_ids: list[int]
    event_ids: list[int]
    entry_count: int

    @property
    def month(self) -> tuple[date, date]:
        """The 31-day month the month view asks for: July, both ends inclusive."""
        return date(self.year, 7, 1), date(self.year, 7, 31)


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    """Post one GraphQL operation to the gateway; fail on any error in the answer."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise BenchError(f"GraphQL call failed ({response.status_code}): {body}")
    data: dict[str, Any] = body["data"]
    return data


async def log_in(gateway_url: str) -> str:
    """A fresh access token for the main user."""
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
        data = await graphql(client, LOG_IN, {"email": MAIN_EMAIL, "password": MAIN_PASSWORD})
    token: str = data["logIn"]["token"]
    return token


def _event_body(rng: random.Random, year: int, n: int, tag_ids: list[int]) -> dict[str, Any]:
    """One event somewhere in the year, 0–3 tags."""
    day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    all_day = rng.random() < 0.1
    if all_day:
        starts = datetime(day.year, day.month, day.day, tzinfo=UTC)
        ends = starts + timedelta(days=1)
    else:
        starts = datetime(day.year, day.month, day.day, rng.randrange(6, 21), tzinfo=UTC)
        starts += timedelta(minutes=rng.choice((0, 15, 30, 45)))
        ends = starts + timedelta(minutes=rng.choice((15, 30, 60, 90, 120, 240)))
    body: dict[str, Any] = {
        "title": f"Event {n}: {rng.choice(('Standup', 'Lunch', 'Review', '운동', 'Call'))}",
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "all_day": all_day,
        "tag_ids": rng.sample(tag_ids, k=min(len(tag_ids), rng.randrange(4))),
    }
    if rng.random() < 0.5:
        body["description"] = "Notes for the meeting, agenda and follow-ups. " * 3
    if rng.random() < 0.3:
        body["location"] = rng.choice(("Room 4", "Seoul office", "Online"))
    return body


def _entry_body(rng: random.Random, day: date, tag_ids: list[int]) -> dict[str, Any]:
    """One diary entry for a day; about half carry a tag or two."""
    return {
        "date": day.isoformat(),
        "title": f"Day {day.isoformat()}",
        "content": "오늘은 좋은 하루였다. A fine day with a long walk and some reading. " * 4,
        "mood": rng.choice(MOODS),
        "weather": rng.choice(WEATHERS),
        "tag_ids": rng.sample(tag_ids, k=min(len(tag_ids), rng.choice((0, 0, 1, 2)))),
    }


class _Loader:
    """POSTs rows to a service for an owner, at most `LOAD_CONCURRENCY` in flight."""

    def __init__(self, clients: dict[str, httpx.AsyncClient]) -> None:
        self.clients = clients
        self.limit = asyncio.Semaphore(LOAD_CONCURRENCY)

    async def post(self, service: str, path: str, owner: int, body: dict[str, Any]) -> int:
        async with self.limit:
            response = await self.clients[service].post(
                path, json=body, headers={"X-User-Id": str(owner)}
            )
        if response.status_code != 201:
            raise BenchError(f"{service} {path} → {response.status_code}: {response.text[:300]}")
        row_id: int = response.json()["id"]
        return row_id

    async def many(self, calls: Iterable[Awaitable[int]]) -> list[int]:
        return list(await asyncio.gather(*calls))

    async def tags(self, owner: int, count: int, rng: random.Random) -> list[int]:
        return await self.many(
            self.post("calendar", "/tags", owner, {"name": f"tag {i:02d}", "color": _color(rng)})
            for i in range(count)
        )

    async def user(
        self, owner: int, rng: random.Random, year: int, *, events: int, tags: int, days: list[date]
    ) -> tuple[list[int], list[int]]:
        tag_ids = await self.tags(owner, tags, rng)
        event_ids = await self.many(
            self.post("calendar", "/events", owner, _event_body(rng, year, n, tag_ids))
            for n in range(events)
        )
        await self.many(
            self.post("diary", "/entries", owner, _entry_body(rng, day, tag_ids)) for day in days
        )
        return tag_ids, event_ids


def _color(rng: random.Random) -> str:
    return f"#{rng.randrange(0x1000000):06X}"


async def load_dataset(
    *,
    gateway_url: str,
    service_urls: dict[str, str],
    internal_token: str,
    size: DatasetSize,
    seed: int = 6,
) -> Dataset:
    """Sign the main user up, then load everyone's tags, events and diary entries."""
    rng = random.Random(seed)
    year = datetime.now(UTC).year
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
        data = await graphql(client, SIGN_UP, {"email": MAIN_EMAIL, "password": MAIN_PASSWORD})
    user_id = int(data["signUp"]["user"]["id"])
    headers = {"X-Internal-Token": internal_token}
    limits = httpx.Limits(
        max_connections=LOAD_CONCURRENCY, max_keepalive_connections=LOAD_CONCURRENCY
    )
    clients = {
        name: httpx.AsyncClient(base_url=url, headers=headers, timeout=60, limits=limits)
        for name, url in service_urls.items()
    }
    try:
        loader = _Loader(clients)
        start = date(year, 1, 1)
        main_days = [start + timedelta(days=i) for i in range(size.entry_days)]
        tag_ids, event_ids = await loader.user(
            user_id, rng, year, events=size.events, tags=size.tags, days=main_days
        )
        # Each other user draws from its own generator, so their data does not depend on timing.
        others = [random.Random(seed * 1000 + n) for n in range(1, size.other_users + 1)]
        await asyncio.gather(
            *(
                loader.user(
                    user_id + n,
                    other_rng,
                    year,
                    events=size.other_events,
                    tags=size.other_tags,
                    days=sorted(
                        other_rng.sample(main_days, k=min(len(main_days), size.other_entries))
                    ),
                )
                for n, other_rng in enumerate(others, start=1)
            )
        )
    finally:
        for client in clients.values():
            await client.aclose()
    return Dataset(
        user_id=user_id, year=year, tag_ids=tag_ids, event_ids=event_ids, entry_count=len(main_days)
    )
