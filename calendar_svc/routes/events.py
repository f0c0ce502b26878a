"""Routes for the owner's events: CRUD, the paginated list and the gateway's batch lookups."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from calendar_svc import event_reads, event_writes
from calendar_svc.event_search import EventSearch
from calendar_svc.models import EventCreate, EventPublic, EventUpdate, RangesBody
from fc_common.batch import Items, Results, TagPagesBody
from fc_common.db import Database
from fc_common.errors import error_responses
from fc_common.idempotency import WriteOnceDep
from fc_common.internal_auth import CallerDep
from fc_common.openapi import created_responses
from fc_common.pagination import MAX_ROW_ID, IdsBody, Page
from fc_common.service_app import DatabaseDep

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


@router.get("", responses=error_responses(401, 413, 422))
def list_events(
    filters: Annotated[EventSearch, Query()], caller: CallerDep, db: DatabaseDep
) -> Page[EventPublic]:
    """List the owner's events by start time, filtered, one keyset page at a time."""
    return _events_page(filters, caller.user_id, db)


@router.post("/search", responses=error_responses(400, 401, 413, 422))
def search_events(body: EventSearch, caller: CallerDep, db: DatabaseDep) -> Page[EventPublic]:
    """The same list with its filters in a JSON body, so user text never travels in a URL."""
    return _events_page(body, caller.user_id, db)


def _events_page(filters: EventSearch, owner_id: int, db: Database) -> Page[EventPublic]:
    """One page of the owner's events matching `filters`."""
    return db.query(event_reads.list_events, owner_id=owner_id, **filters.model_dump())


@router.post("/batch", responses=error_responses(400, 401, 413, 422))
def get_events(body: IdsBody, caller: CallerDep, db: DatabaseDep) -> Items[EventPublic]:
    """Read many events by id, in request order; null for a miss."""
    events = db.query(event_reads.get_events, owner_id=caller.user_id, ids=body.ids)
    return Items[EventPublic](items=events)


@router.post("/overlapping", responses=error_responses(400, 401, 413, 422))
def events_overlapping(
    body: RangesBody, caller: CallerDep, db: DatabaseDep
) -> Results[list[EventPublic]]:
    """For each time range, the owner's events overlapping it, in request order."""
    results = db.query(event_reads.events_overlapping, owner_id=caller.user_id, ranges=body.ranges)
    return Results[list[EventPublic]](results=results)


@router.post("/by-tag", responses=error_responses(400, 401, 413, 422))
def events_by_tag(
    body: TagPagesBody, caller: CallerDep, db: DatabaseDep
) -> Results[Page[EventPublic]]:
    """For each tag request, one page of the owner's events carrying that tag."""
    pages = db.query(event_reads.events_by_tag, owner_id=caller.user_id, requests=body.requests)
    return Results[Page[EventPublic]](results=pages)


@router.get("/{event_id}", responses=error_responses(401, 404, 413, 422))
def get_event(event_id: EventId, caller: CallerDep, db: DatabaseDep) -> EventPublic:
    """Read one event with its tags."""
    return db.query(event_reads.get_event, owner_id=caller.user_id, event_id=event_id)


@router.patch("/{event_id}", responses=error_responses(400, 401, 404, 413, 422))
def update_event(
    event_id: EventId, body: EventUpdate, once: WriteOnceDep, db: DatabaseDep
) -> EventPublic:
    """Change some of an event's fields; `tag_ids` replaces its tags."""
    return once.write(db, event_writes.update_event, EventPublic, event_id=event_id, data=body)


@router.delete(
    "/{event_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404, 413, 422),
)
def delete_event(event_id: EventId, once: WriteOnceDep, db: DatabaseDep) -> None:
    """Delete an event and its tag links."""
    once.write(db, event_writes.delete_event, type(None), event_id=event_id)
