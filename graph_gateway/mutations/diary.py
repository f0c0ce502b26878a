"""Diary entry mutations; tag ids are checked against the calendar before any write."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph_gateway.context import Info
from graph_gateway.errors import BadUserInputError
from graph_gateway.types.arguments import target_id
from graph_gateway.types.decorators import mutation
from graph_gateway.types.diary import DiaryEntry
from graph_gateway.types.inputs import (
    CreateDiaryEntryInput,
    UpdateDiaryEntryInput,
    service_body,
)

ENTRY_ID = strawberry.argument(description="The entry's id.")
MAX_TAGS_PER_ENTRY = 50


async def _checked_body(info: Info, data: object) -> dict[str, Any]:
    """The service body, once every tag id is known to be one of the user's tags."""
    body = service_body(data)
    tag_ids = body.get("tag_ids")
    if tag_ids and len(tag_ids) > MAX_TAGS_PER_ENTRY:
        raise BadUserInputError(f"At most {MAX_TAGS_PER_ENTRY} tags", field="tagIds")
    if tag_ids:
        tags = await info.context.loaders.tag.load_many(tag_ids)
        if any(tag is None for tag in tags):
            raise BadUserInputError("Unknown tag id", field="tagIds")
    return body


@strawberry.type
class DiaryMutations:
    """Write, change and delete diary entries."""

    @mutation("Write a diary entry.")
    async def create_diary_entry(
        self,
        info: Info,
        input: Annotated[CreateDiaryEntryInput, strawberry.argument(description="The entry.")],
    ) -> DiaryEntry:
        """Write a diary entry."""
        diary = info.context.diary
        body = await _checked_body(info, input)
        return DiaryEntry.from_record(await diary.create_entry(body))

    @mutation("Change some fields of a diary entry.")
    async def update_diary_entry(
        self,
        info: Info,
        id: Annotated[strawberry.ID, ENTRY_ID],
        input: Annotated[UpdateDiaryEntryInput, strawberry.argument(description="The changes.")],
    ) -> DiaryEntry:
        """Change some fields of a diary entry."""
        diary = info.context.diary
        entry_id = target_id(id, kind="diary entry")
        body = await _checked_body(info, input)
        return DiaryEntry.from_record(await diary.update_entry(entry_id, changes=body))

    @mutation("Delete a diary entry and its images; answers its id.")
    async def delete_diary_entry(
        self, info: Info, id: Annotated[strawberry.ID, ENTRY_ID]
    ) -> strawberry.ID:
        """Delete a diary entry and its images."""
        await info.context.diary.delete_entry(target_id(id, kind="diary entry"))
        return id
