"""`/entries`: create, read, update, delete and list diary entries, and the batch lookups."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from diary_svc import entry_reads, image_queries, queries
from diary_svc.images import ImageShelf
from diary_svc.models import DateRangesBody, EntryCreate, EntryPublic, EntryUpdate, Mood
from fc_common.batch import DEFAULT_PAGE_SIZE, Items, PageSize, Results, TagPagesBody
from fc_common.errors import NotFoundError, error_responses
from fc_common.idempotency import WriteOnceDep
from fc_common.internal_auth import CallerDep
from fc_common.pagination import MAX_ROW_ID, IdsBody, Page
from fc_common.service_app import DatabaseDep

router = APIRouter(prefix="/entries", tags=["entries"], responses=error_responses(401, 413, 422))

EntryId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The entry's id")]

_BODY_ERRORS = error_responses(400)
_BODY_OR_MISSING_ERRORS = error_responses(400, 404)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _not_found() -> NotFoundError:
    return NotFoundError("Entry not found")


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=EntryPublic, responses=_BODY_ERRORS
)
def create_entry(body: EntryCreate, once: WriteOnceDep, db: DatabaseDep) -> EntryPublic:
    """Write a new diary entry for the caller."""
    with db.write() as session:
        create = partial(
            queries.create_entry, session=session, owner_id=once.owner_id, data=body, now=_now()
        )
        return once.run(session, create, EntryPublic)


@router.get("", response_model=Page[EntryPublic])
def list_entries(
    caller: CallerDep,
    db: DatabaseDep,
    date_from: Annotated[dt.date | None, Query(alias="from", description="Earliest date")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Latest date")] = None,
    mood: Mood | None = None,
    tag_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    first: Annotated[PageSize, Query()] = DEFAULT_PAGE_SIZE,
    after: Annotated[str | None, Query(max_length=512, description="A page's end_cursor")] = None,
) -> Page[EntryPublic]:
    """List the caller's entries by (date, id), filtered by inclusive dates, mood and tag."""
    key = entry_reads.parse_entry_cursor(after) if after is not None else None
    filters = entry_reads.EntryFilters(
        date_from=date_from, date_to=date_to, mood=mood, tag_id=tag_id
    )
    with db.read() as session:
        return entry_reads.list_entries(
            session=session, owner_id=caller.user_id, filters=filters, first=first, after=key
        )


@router.post("/batch", response_model=Items[EntryPublic], responses=_BODY_ERRORS)
def get_entries(body: IdsBody, caller: CallerDep, db: DatabaseDep) -> Items[EntryPublic]:
    """Read many of the caller's entries by id, in request order (null for misses)."""
    with db.read() as session:
        found = entry_reads.get_entries(session=session, owner_id=caller.user_id, ids=body.ids)
    return Items[EntryPublic](items=found)


@router.post("/by-date-range", response_model=Results[list[EntryPublic]], responses=_BODY_ERRORS)
def entries_by_date_range(
    body: DateRangesBody, caller: CallerDep, db: DatabaseDep
) -> Results[list[EntryPublic]]:
    """The caller's entries dated within each inclusive range, one list per range."""
    with db.read() as session:
        found = entry_reads.entries_in_ranges(
            session=session, owner_id=caller.user_id, ranges=body.ranges
        )
    return Results[list[EntryPublic]](results=found)


@router.post("/by-tag", response_model=Results[Page[EntryPublic]], responses=_BODY_ERRORS)
def entries_by_tag(
    body: TagPagesBody, caller: CallerDep, db: DatabaseDep
) -> Results[Page[EntryPublic]]:
    """A page of the caller's entries carrying each requested tag id, one page per request."""
    requests = [
        entry_reads.TagPageQuery(
            tag_id=r.tag_id,
            first=r.first,
            after=(
                entry_reads.parse_entry_cursor(r.after, field=f"requests.{i}.after")
                if r.after is not None
                else None
            ),
        )
        for i, r in enumerate(body.requests)
    ]
    with db.read() as session:
        pages = entry_reads.entry_pages_by_tag(
            session=session, owner_id=caller.user_id, requests=requests
        )
    return Results[Page[EntryPublic]](results=pages)


@router.get("/{entry_id}", response_model=EntryPublic, responses=error_responses(404))
def get_entry(entry_id: EntryId, caller: CallerDep, db: DatabaseDep) -> EntryPublic:
    """Read one of the caller's entries."""
    with db.read() as session:
        entry = entry_reads.get_entry(session=session, owner_id=caller.user_id, entry_id=entry_id)
    if entry is None:
        raise _not_found()
    return entry


@router.patch("/{entry_id}", response_model=EntryPublic, responses=_BODY_OR_MISSING_ERRORS)
def update_entry(
    entry_id: EntryId, body: EntryUpdate, once: WriteOnceDep, db: DatabaseDep
) -> EntryPublic:
    """Change some fields of one of the caller's entries; `tag_ids` replaces the set."""
    with db.write() as session:
        update = partial(
            queries.update_entry,
            session=session,
            owner_id=once.owner_id,
            entry_id=entry_id,
            data=body,
            now=_now(),
        )
        entry = once.run(session, update, EntryPublic | None)
    if entry is None:
        raise _not_found()
    return entry


@router.delete(
    "/{entry_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(404),
)
def delete_entry(entry_id: EntryId, request: Request, once: WriteOnceDep, db: DatabaseDep) -> None:
    """Delete one of the caller's entries with its tag links and images."""
    with db.write() as session:
        image_keys = image_queries.entry_storage_keys(
            session=session, owner_id=once.owner_id, entry_id=entry_id
        )
        delete = partial(
            queries.delete_entry, session=session, owner_id=once.owner_id, entry_id=entry_id
        )
        deleted = once.run(session, delete, bool)
    if not deleted:
        raise _not_found()
    # The rows went with the entry (ON DELETE CASCADE); their files go now.
    shelf: ImageShelf = request.app.state.images
    shelf.remove_files(image_keys)
