"""Routes for the owner's tags: create, list, read, rename/recolor, delete, batch read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel

from calendar_svc import tag_reads, tag_writes
from calendar_svc.models import TagCreate, TagPublic, TagUpdate
from fc_common.batch import Items
from fc_common.errors import error_responses
from fc_common.idempotency import WriteOnceDep
from fc_common.json_rows import JsonAnswer
from fc_common.openapi import NO_CONTENT, created_responses
from fc_common.pagination import MAX_ROW_ID, IdsBody
from fc_common.service_app import DatabaseDep, ReadsDep

router = APIRouter(prefix="/tags", tags=["tags"])

TAG_OPERATIONS = ("get_tag", "update_tag", "delete_tag")

TagId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The tag's id")]


class TagList(BaseModel):
    """All of an owner's tags."""

    items: list[TagPublic]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=created_responses(
        TAG_OPERATIONS, path_param="tag_id", errors=(400, 401, 409, 413, 422)
    ),
)
def create_tag(body: TagCreate, once: WriteOnceDep, db: DatabaseDep) -> TagPublic:
    """Create a tag; its name must be new to the owner, ignoring case."""
    return once.write(db, tag_writes.create_tag, TagPublic, data=body)


# Reads answer JSON built straight from rows (`JsonAnswer`); `response_model` documents it.


@router.get("", response_model=TagList, responses=error_responses(401, 413, 422))
def list_tags(read: ReadsDep) -> JsonAnswer:
    """List the owner's tags by name."""
    return JsonAnswer({"items": read(tag_reads.list_tags)})


@router.post(
    "/batch", response_model=Items[TagPublic], responses=error_responses(400, 401, 413, 422)
)
def get_tags(body: IdsBody, read: ReadsDep) -> JsonAnswer:
    """Read many tags by id, in request order; null for a miss."""
    return JsonAnswer({"items": read(tag_reads.get_tags, ids=body.ids)})


@router.get("/{tag_id}", response_model=TagPublic, responses=error_responses(401, 404, 413, 422))
def get_tag(tag_id: TagId, read: ReadsDep) -> JsonAnswer:
    """Read one tag."""
    return JsonAnswer(read(tag_reads.get_tag, tag_id=tag_id))


@router.patch("/{tag_id}", responses=error_responses(400, 401, 404, 409, 413, 422))
def update_tag(tag_id: TagId, body: TagUpdate, once: WriteOnceDep, db: DatabaseDep) -> TagPublic:
    """Rename or recolor a tag."""
    return once.write(db, tag_writes.update_tag, TagPublic, tag_id=tag_id, data=body)


@router.delete("/{tag_id}", responses=error_responses(401, 404, 413, 422), **NO_CONTENT)
def delete_tag(tag_id: TagId, once: WriteOnceDep, db: DatabaseDep) -> None:
    """Delete a tag and its links to events, leaving a tombstone the diary follows."""
    once.write(db, tag_writes.delete_tag, type(None), tag_id=tag_id)
