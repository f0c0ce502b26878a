"""`/entries`: create, read, update, delete and list diary entries, and the batch lookups."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status

from diary_svc import entry_reads, entry_writes, image_reads
from diary_svc.entry_search import EntrySearch
from diary_svc.images import ImageShelf
from diary_svc.models import DateRangesBody, EntryCreate, EntryPublic, EntryUpdate
from fc_common.batch import Items, Results, TagPagesBody
from fc_common.errors import NotFoundError, error_responses
from fc_common.idempotency import WriteOnceDep
from fc_common.json_rows import JsonAnswer
from fc_common.openapi import NO_CONTENT
from fc_common.pagination import MAX_ROW_ID, IdsBody, Page
from fc_common.service_app import SINGLE_VALUED_QUERY, DatabaseDep, ReadsDep

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


# Reads answer JSON built straight from rows (`JsonAnswer`); `response_model` documents it.


@router.get("", response_model=Page[EntryPublic], dependencies=SINGLE_VALUED_QUERY)
def list_entries(filters: Annotated[EntrySearch, Query()], read: ReadsDep) -> JsonAnswer:
    """List the caller's entries by (date, id), filtered by inclusive dates, mood and tag."""
    return JsonAnswer(read(entry_reads.list_entries, **filters.model_dump()))


@router.post("/search", response_model=Page[EntryPublic], responses=_BODY_ERRORS)
def search_entries(body: EntrySearch, read: ReadsDep) -> JsonAnswer:
    """The same list with its filters in a JSON body, so user text never travels in a URL."""
    return JsonAnswer(read(entry_reads.list_entries, **body.model_dump()))


@router.post("/batch", response_model=Items[EntryPublic], responses=_BODY_ERRORS)
def get_entries(body: IdsBody, read: ReadsDep) -> JsonAnswer:
    """Read many of the caller's entries by id, in request order (null for misses)."""
    return JsonAnswer({"items": read(entry_reads.get_entries, ids=body.ids)})


@router.post("/by-date-range", response_model=Results[list[EntryPublic]], responses=_BODY_ERRORS)
def entries_by_date_range(body: DateRangesBody, read: ReadsDep) -> JsonAnswer:
    """The caller's entries dated within each inclusive range, one list per range."""
    return JsonAnswer({"results": read(entry_reads.entries_in_ranges, ranges=body.ranges)})


@router.post("/by-tag", response_model=Results[Page[EntryPublic]], responses=_BODY_ERRORS)
def entries_by_tag(body: TagPagesBody, read: ReadsDep) -> JsonAnswer:
    """A page of the caller's entries carrying each requested tag id, one page per request."""
    return JsonAnswer({"results": read(entry_reads.entries_by_tag, requests=body.requests)})


@router.get("/{entry_id}", response_model=EntryPublic, responses=error_responses(404))
def get_entry(entry_id: EntryId, read: ReadsDep) -> JsonAnswer:
    """Read one of the caller's entries."""
    return JsonAnswer(read(entry_reads.get_entry, entry_id=entry_id))


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


@router.delete("/{entry_id}", responses=error_responses(404), **NO_CONTENT)
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
