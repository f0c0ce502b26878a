"""`/entries`: create, read, update, delete and list diary entries, and the batch lookups."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from diary_svc import entry_reads, entry_writes, image_reads
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


def _not_found() -> NotFoundError:
    return NotFoundError("Entry not found")


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=EntryPublic, responses=_BODY_ERRORS
)
def create_entry(body: EntryCreate, once: WriteOnceDep, db: DatabaseDep) -> EntryPublic:
    """Write a new diary entry for the caller."""
    return once.write(db, entry_writes.create_entry, EntryPublic, data=body)


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


def _entries_page(filters: EntrySearch, owner_id: int, db: Database) -> Page[EntryPublic]:
    """One page of the owner's entries matching `filters`."""
    return db.query(entry_reads.list_entries, owner_id=owner_id, **filters.model_dump())


@router.post("/batch", response_model=Items[EntryPublic], responses=_BODY_ERRORS)
def get_entries(body: IdsBody, caller: CallerDep, db: DatabaseDep) -> Items[EntryPublic]:
    """Read many of the caller's entries by id, in request order (null for misses)."""
    found = db.query(entry_reads.get_entries, owner_id=caller.user_id, ids=body.ids)
    return Items[EntryPublic](items=found)


@router.post("/by-date-range", response_model=Results[list[EntryPublic]], responses=_BODY_ERRORS)
def entries_by_date_range(
    body: DateRangesBody, caller: CallerDep, db: DatabaseDep
) -> Results[list[EntryPublic]]:
    """The caller's entries dated within each inclusive range, one list per range."""
    found = db.query(entry_reads.entries_in_ranges, owner_id=caller.user_id, ranges=body.ranges)
    return Results[list[EntryPublic]](results=found)


@router.post("/by-tag", response_model=Results[Page[EntryPublic]], responses=_BODY_ERRORS)
def entries_by_tag(
    body: TagPagesBody, caller: CallerDep, db: DatabaseDep
) -> Results[Page[EntryPublic]]:
    """A page of the caller's entries carrying each requested tag id, one page per request."""
    pages = db.query(entry_reads.entries_by_tag, owner_id=caller.user_id, requests=body.requests)
    return Results[Page[EntryPublic]](results=pages)


@router.get("/{entry_id}", response_model=EntryPublic, responses=error_responses(404))
def get_entry(entry_id: EntryId, caller: CallerDep, db: DatabaseDep) -> EntryPublic:
    """Read one of the caller's entries."""
    return db.query(entry_reads.get_entry, owner_id=caller.user_id, entry_id=entry_id)


@router.patch("/{entry_id}", response_model=EntryPublic, responses=_BODY_OR_MISSING_ERRORS)
def update_entry(
    entry_id: EntryId, body: EntryUpdate, once: WriteOnceDep, db: DatabaseDep
) -> EntryPublic:
    """Change some fields of one of the caller's entries; `tag_ids` replaces the set."""
    # A miss is answered (and replayed) as null, then refused here.
    entry = once.write(
        db, entry_writes.update_entry, EntryPublic | None, entry_id=entry_id, data=body
    )
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
        # Read in the same transaction as the delete: no image can be added in between.
        image_keys = image_reads.storage_keys(
            session=session, owner_id=once.owner_id, entry_id=entry_id
        )
        delete = partial(
            entry_writes.delete_entry, session=session, owner_id=once.owner_id, entry_id=entry_id
        )
        deleted = once.run(session, delete, bool)
    if not deleted:
        raise _not_found()
    # The rows went with the entry (ON DELETE CASCADE); their files go now.
    shelf: ImageShelf = request.app.state.images
    shelf.remove_files(image_keys)
