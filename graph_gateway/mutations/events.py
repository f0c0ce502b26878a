"""Event mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph_gateway.types.arguments import EventId, delete_named, describe, target_id
from graph_gateway.types.decorators import mutation
from graph_gateway.types.event import Event
from graph_gateway.types.info import Info
from graph_gateway.types.inputs import CreateEventInput, UpdateEventInput, service_body

NewEvent = Annotated[CreateEventInput, describe("The event.")]
EventChanges = Annotated[UpdateEventInput, describe("The changes.")]


@strawberry.type
class EventMutations:
    """Create, change and delete events."""

    @mutation("Create an event.")
    async def create_event(self, info: Info, input: NewEvent) -> Event:
        calendar = info.context.calendar
        return await calendar.events.create(service_body(input))

    @mutation("Change some fields of an event.")
    async def update_event(self, info: Info, id: EventId, input: EventChanges) -> Event:
        calendar = info.context.calendar
        event_id = target_id(id, kind="event")
        return await calendar.events.update(event_id, service_body(input))

    @mutation("Delete an event; answers its id.")
    async def delete_event(self, info: Info, id: EventId) -> strawberry.ID:
        return await delete_named(id, kind="event", delete=info.context.calendar.events.delete)
