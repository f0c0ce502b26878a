"""Routes for the owner's events: CRUD, the paginated list and the gateway's batch lookups."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from calendar_svc import event_reads, event_writes
from calendar_svc.event_search import EventSearch
from calendar_svc.models import EventCreate, EventPublic, EventUpdate, RangesBody
from fc_common.batch import Items, Results, TagPagesBody
from fc_common.errors import error_responses
from fc_common.idempotency import WriteOnceDep
from fc_common.json_rows import JsonAnswer
from fc_common.openapi import NO_CONTENT, created_responses
from fc_common.pagination import MAX_ROW_ID, IdsBody, Page
from fc_common.service_app import SINGLE_VALUED_QUERY, DatabaseDep, ReadsDep

router = APIRouter(prefix="/events", tags=["events"])

EVENT_OPERATIONS = ("get_event", "update_event", "delete_event")

EventId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The event's id")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=created_responses(
        EVENT_OPERATIONS, path_param="event_id", errors=(400, 401, 413, 422)
    ),
)
def create_event(body: EventCreate, once: WriteOnceDep, db: DatabaseDep) -> EventPublic:
    """Create an event, tagged with some of the owner's tags."""
    return once.write(db, event_writes.create_event, EventPublic, data=body)


# Reads answer JSON built straight from rows (`JsonAnswer`); `response_model` documents it.


@router.get(
    "",
    response_model=Page[EventPublic],
    responses=error_responses(401, 413, 422),
    dependencies=SINGLE_VALUED_QUERY,
)
def list_events(filters: Annotated[EventSearch, Query()], read: ReadsDep) -> JsonAnswer:
    """List the owner's events by start time, filtered, one keyset page at a time."""
    return JsonAnswer(read(event_reads.list_events, **filters.model_dump()))


@router.post(
    "/search", response_model=Page[EventPublic], responses=error_responses(400, 401, 413, 422)
)
def search_events(body: EventSearch, read: ReadsDep) -> JsonAnswer:
    """The same list with its filters in a JSON body, so user text never travels in a URL."""
    return JsonAnswer(read(event_reads.list_events, **body.model_dump()))


@router.post(
    "/batch", response_model=Items[EventPublic], responses=error_responses(400, 401, 413, 422)
)
def get_events(body: IdsBody, read: ReadsDep) -> JsonAnswer:
    """Read many events by id, in request order; null for a miss."""
    return JsonAnswer({"items": read(event_reads.get_events, ids=body.ids)})


@router.post(
    "/overlapping",
    response_model=Results[list[EventPublic]],
    responses=error_responses(400, 401, 413, 422),
)
def events_overlapping(body: RangesBody, read: ReadsDep) -> JsonAnswer:
    """For each time range, the owner's events overlapping it, in request order."""
    return JsonAnswer({"results": read(event_reads.events_overlapping, ranges=body.ranges)})


@router.post(
    "/by-tag",
    response_model=Results[Page[EventPublic]],
    responses=error_responses(400, 401, 413, 422),
)
def events_by_tag(body: TagPagesBody, read: ReadsDep) -> JsonAnswer:
    """For each tag request, one page of the owner's events carrying that tag."""
    return JsonAnswer({"results": read(event_reads.events_by_tag, requests=body.requests)})


@router.get(
    "/{event_id}", response_model=EventPublic, responses=error_responses(401, 404, 413, 422)
)
def get_event(event_id: EventId, read: ReadsDep) -> JsonAnswer:
    """Read one event with its tags."""
    return JsonAnswer(read(event_reads.get_event, event_id=event_id))


@router.patch("/{event_id}", responses=error_responses(400, 401, 404, 413, 422))
def update_event(
    event_id: EventId, body: EventUpdate, once: WriteOnceDep, db: DatabaseDep
) -> EventPublic:
    """Change some of an event's fields; `tag_ids` replaces its tags."""
    return once.write(db, event_writes.update_event, EventPublic, event_id=event_id, data=body)


@router.delete("/{event_id}", responses=error_responses(401, 404, 413, 422), **NO_CONTENT)
def delete_event(event_id: EventId, once: WriteOnceDep, db: DatabaseDep) -> None:
    """Delete an event and its tag links."""
    once.write(db, event_writes.delete_event, type(None), event_id=event_id)
