"""Mutation inputs, and how each becomes a service's JSON body.

Update inputs tell an absent field (unchanged) from an explicit null (cleared) with `UNSET`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from datetime import date, datetime

import strawberry

from graph_gateway.types.arguments import input_ids
from graph_gateway.types.enums import Mood, Weather


def _json_value(value: object) -> object:
    """A Python input value as the services' JSON wants it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mood | Weather):
        return value.value
    return value


def service_body(data: object) -> dict[str, object]:
    """The snake_case JSON body of an input object, leaving out its absent (UNSET) fields."""
    body: dict[str, object] = {}
    for field in dataclasses.fields(data):  # type: ignore[arg-type]
        name, value = field.name, getattr(data, field.name)
        if value is strawberry.UNSET:
            continue
        if name == "tag_ids":
            body[name] = None if value is None else input_ids(value, field="tagIds")
        else:
            body[name] = _json_value(value)
    return body


@strawberry.input(description="A tag's name and color.")
class TagInput:
    name: str = strawberry.field(description="1–50 characters, unique per user (any case).")
    color: str = strawberry.field(description="A color as `#RRGGBB`.")


@strawberry.input(description="A new event.")
class CreateEventInput:
    title: str = strawberry.field(description="What the event is (1–200 characters).")
    description: str | None = strawberry.field(default=None, description="Notes (≤ 5,000).")
    location: str | None = strawberry.field(default=None, description="Where (≤ 300).")
    starts_at: datetime = strawberry.field(description="When it starts, with an offset.")
    ends_at: datetime = strawberry.field(description="When it ends, not before it starts.")
    all_day: bool = strawberry.field(default=False, description="Whether it fills whole days.")
    tag_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Ids of the user's tags to put on it."
    )


@strawberry.input(description="Changes to an event: absent fields stay, null clears.")
class UpdateEventInput:
    title: str | None = strawberry.field(default=strawberry.UNSET, description="A new title.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New notes; null clears them."
    )
    location: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new place; null clears it."
    )
    starts_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="A new start."
    )
    ends_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="A new end.")
    all_day: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether it fills whole days."
    )
    tag_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the event's tags."
    )


@strawberry.input(description="A new diary entry.")
class CreateDiaryEntryInput:
    date: dt.date = strawberry.field(
        description="The day it is about (1900-01-01 to a year ahead)."
    )
    title: str | None = strawberry.field(default=None, description="An optional title (≤ 200).")
    content: str = strawberry.field(description="The text (1–20,000 characters).")
    mood: Mood | None = strawberry.field(default=None, description="How the day felt.")
    weather: Weather | None = strawberry.field(default=None, description="The weather.")
    tag_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Ids of the user's tags to put on it."
    )


@strawberry.input(description="Changes to a diary entry: absent fields stay, null clears.")
class UpdateDiaryEntryInput:
    date: dt.date | None = strawberry.field(default=strawberry.UNSET, description="A new day.")
    title: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new title; null clears it."
    )
    content: str | None = strawberry.field(default=strawberry.UNSET, description="New text.")
    mood: Mood | None = strawberry.field(
        default=strawberry.UNSET, description="A new mood; null clears it."
    )
    weather: Weather | None = strawberry.field(
        default=strawberry.UNSET, description="New weather; null clears it."
    )
    tag_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the entry's tags."
    )
