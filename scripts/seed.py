"""`make seed`: the demo account and a month of demo data, through the gateway's GraphQL API.

Logs in as the demo user (signing it up the first time), then creates this month's demo tags,
events and diary entries (Korean and English) that are not there yet: running it again adds
nothing. Everything goes over HTTP, exactly as a client would send it.
"""

from __future__ import annotations

import argparse
import calendar
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from fc_common.settings import load_settings
from graph_gateway.http.graphiql.page import DEMO_EMAIL, DEMO_PASSWORD
from graph_gateway.settings import GatewaySettings
from scripts.demo_data import (
    README_MONTH,
    SEOUL,
    TAGS,
    DemoEntry,
    DemoEvent,
    at,
    demo_entries,
    demo_events,
)

DEMO_NAME = "데모 Demo"
PAGE = 100


class SeedError(Exception):
    """The gateway refused a request the seed needs."""


@dataclass(frozen=True)
class SeedReport:
    """What the seed did: the demo token, and how much it created."""

    email: str
    token: str
    created_tags: int
    created_events: int
    created_entries: int


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


@dataclass(frozen=True)
class Listing:
    """How the seed lists one kind of demo item, keys what it finds, and creates one."""

    query: str
    field: str
    create: str
    node_key: Callable[[dict[str, Any]], tuple[object, object]]


EVENT_LISTING = Listing(
    EVENTS, "events", CREATE_EVENT, lambda n: (n["title"], datetime.fromisoformat(n["startsAt"]))
)
ENTRY_LISTING = Listing(
    ENTRIES, "diaryEntries", CREATE_ENTRY, lambda n: (date.fromisoformat(n["date"]), n["title"])
)


def _create_missing(
    client: GraphQL,
    listing: Listing,
    window: dict[str, Any],
    wanted: Iterable[DemoEvent | DemoEntry],
    tag_ids: Mapping[str, str],
) -> int:
    """Create each wanted item whose key is not listed in `window` yet; how many were created."""
    have = {listing.node_key(n) for n in _pages(client, listing.query, listing.field, window)}
    missing = [item for item in wanted if item.key not in have]
    for item in missing:
        client.run(listing.create, {"i": item.as_input(tag_ids)})
    return len(missing)


def ensure_events(client: GraphQL, first: date, tag_ids: Mapping[str, str]) -> int:
    """Create the month's demo events that are not there yet (same title and start)."""
    window = {
        "from": at(first - timedelta(days=1), 0).isoformat(),
        "to": at(first + timedelta(days=33), 0).isoformat(),
    }
    return _create_missing(client, EVENT_LISTING, window, demo_events(first), tag_ids)


def ensure_entries(client: GraphQL, first: date, tag_ids: Mapping[str, str]) -> int:
    """Create the month's demo diary entries that are not there yet (same date and title)."""
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    window = {"from": first.isoformat(), "to": last.isoformat()}
    return _create_missing(client, ENTRY_LISTING, window, demo_entries(first), tag_ids)


def seed(graphql_url: str, *, month: date | None = None, timeout: float = 30.0) -> SeedReport:
    """Seed the demo account with `month` (default: this month in Seoul) and the README's month;
    idempotent."""
    months = demo_months(month or datetime.now(SEOUL).date())
    with httpx.Client(timeout=timeout) as http:
        client = GraphQL(http, graphql_url)
        token = log_in_or_sign_up(client)
        tag_ids, created_tags = ensure_tags(client)
        created_events = sum(ensure_events(client, first, tag_ids) for first in months)
        created_entries = sum(ensure_entries(client, first, tag_ids) for first in months)
    return SeedReport(DEMO_EMAIL, token, created_tags, created_events, created_entries)


def demo_months(month: date) -> list[date]:
    """The first days of the months the demo holds: `month`'s and the README's."""
    return sorted({month.replace(day=1), README_MONTH})


def default_graphql_url() -> str:
    """Where the gateway listens according to the environment (`GATEWAY_HOST`/`GATEWAY_PORT`)."""
    settings = load_settings(GatewaySettings, service="seed")
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
