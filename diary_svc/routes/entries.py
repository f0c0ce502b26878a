"""`/entries`: create, read, update, delete and list diary entries, and the batch lookups."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from diary_svc import entry_reads, image_queries, queries
from diary_svc.entry_search import EntrySearch
from diary_svc.images import ImageShelf
from diary_svc.models import DateRangesBody, EntryCreate, EntryPublic, EntryUpdate
from fc_common.batch import Items, Results, TagPagesBody
from fc_common.db import Database
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
    filters: Annotated[EntrySearch, Query()], caller: CallerDep, db: DatabaseDep
) -> Page[EntryPublic]:
    """List the caller's entries by (date, id), filtered by inclusive dates, mood and tag."""
    return _entries_page(filters, caller.user_id, db)


@router.post("/search", response_model=Page[EntryPublic], responses=_BODY_ERRORS)
def search_entries(body: EntrySearch, caller: CallerDep, db: DatabaseDep) -> Page[EntryPublic]:
    """The same list with its filters in a JSON body, so user text never travels in a URL."""
    return _entries_page(body, caller.user_id, db)


def _entries_page(search: EntrySearch, owner_id: int, db: Database) -> Page[EntryPublic]:
    """One page of the owner's entries matching `search`."""
    key = entry_reads.parse_entry_cursor(search.after) if search.after is not None else None
    with db.read() as session:
        return entry_reads.list_entries(
            session=session,
            owner_id=owner_id,
            filters=search.filters(),
            first=search.first,
            after=key,
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
