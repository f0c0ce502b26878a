"""Event mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph_gateway.context import Info
from graph_gateway.types.arguments import target_id
from graph_gateway.types.decorators import mutation
from graph_gateway.types.event import Event
from graph_gateway.types.inputs import CreateEventInput, UpdateEventInput, service_body

EVENT_ID = strawberry.argument(description="The event's id.")


@strawberry.type
class EventMutations:
    """Create, change and delete events."""

    @mutation("Create an event.")
    async def create_event(
        self,
        info: Info,
        input: Annotated[CreateEventInput, strawberry.argument(description="The event.")],
    ) -> Event:
        """Create an event."""
        calendar = info.context.calendar
        record = await calendar.create_event(service_body(input))
        return Event.from_record(record)

    @mutation("Change some fields of an event.")
    async def update_event(
        self,
        info: Info,
        id: Annotated[strawberry.ID, EVENT_ID],
        input: Annotated[UpdateEventInput, strawberry.argument(description="The changes.")],
    ) -> Event:
        """Change some fields of an event."""
        calendar = info.context.calendar
        event_id = target_id(id, kind="event")
        changes = service_body(input)
        return Event.from_record(await calendar.update_event(event_id, changes=changes))

    @mutation("Delete an event; answers its id.")
    async def delete_event(
        self, info: Info, id: Annotated[strawberry.ID, EVENT_ID]
    ) -> strawberry.ID:
        """Delete an event."""
        await info.context.calendar.delete_event(target_id(id, kind="event"))
        return id
