"""The operations the bench drives, and for each the direct service calls it needs (its floor).

An operation is a GraphQL document with the variables to cycle through; its floor is the list
of REST calls a perfect gateway would make for it, each with the bodies to cycle through. The
counting pass checks that the gateway makes exactly those calls, so the floor stays honest.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.dataset import Dataset

EVENT = "query Event($id: ID!) { event(id: $id) { id title startsAt } }"
EVENTS = """query Events($first: Int!) {
  events(first: $first) {
    totalCount
    edges { node { id title startsAt endsAt tags { id name color } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
MONTH = """query Month($from: Date!, $to: Date!) {
  days(from: $from, to: $to) {
    date
    events { title tags { name } }
    diaryEntries { title mood }
  }
}"""
DIARY = """query Diary($first: Int!) {
  diaryEntries(first: $first) {
    edges { node { id date title mood tags { id name } events { id title } } }
  }
}"""
CREATE_EVENT = """mutation CreateEvent($input: CreateEventInput!) {
  createEvent(input: $input) { id title startsAt tags { name } }
}"""
CREATED_EVENTS = 1000
SCALING_SIZES = (10, 50, 100)

_NUMERIC_SEGMENT = re.compile(r"/\d+(?=/|$)")


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP request ready to replay: method, path (with query) and JSON body."""

    method: str
    path: str
    body: Any = None

    def tsv_line(self, headers: dict[str, str]) -> str:
        """The request as a line of the Lua replay script's file."""
        body = "" if self.body is None else json.dumps(self.body, ensure_ascii=False)
        fields = [self.method, self.path, body]
        for name, value in headers.items():
            fields += [name, value]
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError("a request field holds a tab or newline")
        return "\t".join(fields)


def route_of(method: str, path: str) -> str:
    """`GET /events/12?first=5` → `GET /events/{id}`: what the counting pass compares."""
    return f"{method} {_NUMERIC_SEGMENT.sub('/{id}', path.split('?', 1)[0])}"


@dataclass(frozen=True, slots=True)
class FloorCall:
    """A direct service call an operation needs, with the requests to cycle through."""

    service: str
    calls: list[Call]

    @property
    def route(self) -> str:
        """Its method and path template."""
        return route_of(self.calls[0].method, self.calls[0].path)


@dataclass(frozen=True, slots=True)
class Operation:
    """A GraphQL operation to drive, with its floor."""

    name: str
    query: str
    variables: list[dict[str, Any]]
    floor: list[FloorCall]
    result_size: int | None = None
    writes: bool = False

    def requests(self) -> list[Call]:
        """The gateway requests to cycle through."""
        return [
            Call("POST", "/graphql", {"query": self.query, "variables": v}) for v in self.variables
        ]

    @property
    def minimum_upstream(self) -> Counter[tuple[str, str]]:
        """The (service, route) calls one request should make: exactly the floor's."""
        return Counter((f.service, f.route) for f in self.floor)


def _day_range(day: date) -> dict[str, str]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return {"start": start.isoformat(), "end": (start + timedelta(days=1)).isoformat()}


def _create_inputs(dataset: Dataset) -> list[dict[str, Any]]:
    """Distinct event inputs, dated the year after the dataset so reads do not see them."""
    inputs: list[dict[str, Any]] = []
    base = datetime(dataset.year + 1, 1, 1, 8, tzinfo=UTC)
    tags = dataset.tag_ids
    for n in range(CREATED_EVENTS):
        starts = base + timedelta(hours=7 * n)
        inputs.append(
            {
                "title": f"Bench event {n}",
                "startsAt": starts.isoformat(),
                "endsAt": (starts + timedelta(hours=1)).isoformat(),
                "tagIds": [str(tags[(n + j) % len(tags)]) for j in range(n % 3)],
            }
        )
    return inputs


def _rest_event_input(variables: dict[str, Any]) -> dict[str, Any]:
    graphql_input = variables["input"]
    return {
        "title": graphql_input["title"],
        "starts_at": graphql_input["startsAt"],
        "ends_at": graphql_input["endsAt"],
        "tag_ids": [int(t) for t in graphql_input["tagIds"]],
    }


async def build_operations(dataset: Dataset, diary: httpx.AsyncClient) -> list[Operation]:
    """The operations in the order they run (writes last), with floors built from the data.

    `diary` is a client carrying the internal token and the main user's id: the diary list's
    floor needs the page's dates and tag ids.
    """
    operations: list[Operation] = []
    ids = dataset.event_ids[:: max(1, len(dataset.event_ids) // 200)]
    operations.append(
        Operation(
            name="event(id)",
            query=EVENT,
            variables=[{"id": str(i)} for i in ids],
            # The gateway reads objects by id through its DataLoaders: the batch route.
            floor=[
                FloorCall("calendar", [Call("POST", "/events/batch", {"ids": [i]}) for i in ids])
            ],
        )
    )
    for n in SCALING_SIZES:
        operations.append(
            Operation(
                name=f"events(first: {n})",
                query=EVENTS,
                variables=[{"first": n}],
                floor=[FloorCall("calendar", [Call("POST", "/events/search", {"first": n})])],
                result_size=n,
            )
        )
    first, last = dataset.month
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    operations.append(
        Operation(
            name="days(31 days)",
            query=MONTH,
            variables=[{"from": first.isoformat(), "to": last.isoformat()}],
            floor=[
                FloorCall(
                    "calendar",
                    [
                        Call(
                            "POST", "/events/overlapping", {"ranges": [_day_range(d) for d in days]}
                        )
                    ],
                ),
                FloorCall(
                    "diary",
                    [
                        Call(
                            "POST",
                            "/entries/by-date-range",
                            {
                                "ranges": [
                                    {"start": d.isoformat(), "end": d.isoformat()} for d in days
                                ]
                            },
                        )
                    ],
                ),
            ],
        )
    )
    page = (await diary.post("/entries/search", json={"first": 50})).raise_for_status().json()
    entry_tag_ids = sorted({t for entry in page["items"] for t in entry["tag_ids"]})
    entry_days = [date.fromisoformat(entry["date"]) for entry in page["items"]]
    operations.append(
        Operation(
            name="diaryEntries(first: 50)",
            query=DIARY,
            variables=[{"first": 50}],
            floor=[
                FloorCall("diary", [Call("POST", "/entries/search", {"first": 50})]),
                FloorCall("calendar", [Call("POST", "/tags/batch", {"ids": entry_tag_ids})]),
                FloorCall(
                    "calendar",
                    [
                        Call(
                            "POST",
                            "/events/overlapping",
                            {"ranges": [_day_range(d) for d in entry_days]},
                        )
                    ],
                ),
            ],
        )
    )
    inputs = _create_inputs(dataset)
    operations.append(
        Operation(
            name="createEvent",
            query=CREATE_EVENT,
            variables=[{"input": i} for i in inputs],
            floor=[
                FloorCall(
                    "calendar",
                    [Call("POST", "/events", _rest_event_input({"input": i})) for i in inputs],
                )
            ],
            writes=True,
        )
    )
    return operations


def write_request_file(path: Path, calls: list[Call], headers: dict[str, str]) -> Path:
    """Write requests for the Lua replay script: one tab-separated line each."""
    lines = []
    for call in calls:
        call_headers = dict(headers)
        if call.body is not None:
            call_headers["Content-Type"] = "application/json"
        lines.append(call.tsv_line(call_headers))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
