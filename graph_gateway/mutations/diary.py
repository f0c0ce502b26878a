"""Diary entry mutations; tag ids are checked against the calendar before any write."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph_gateway.clients.service_json import JsonBody
from graph_gateway.errors import BadUserInputError
from graph_gateway.types.arguments import EntryId, delete_named, describe, target_id
from graph_gateway.types.decorators import mutation
from graph_gateway.types.diary import DiaryEntry
from graph_gateway.types.info import Info
from graph_gateway.types.inputs import CreateDiaryEntryInput, UpdateDiaryEntryInput, service_body

NewEntry = Annotated[CreateDiaryEntryInput, describe("The entry.")]
EntryChanges = Annotated[UpdateDiaryEntryInput, describe("The changes.")]
MAX_TAGS_PER_ENTRY = 50


async def _checked_body(info: Info, data: object) -> JsonBody:
    """The service body, once every tag id is known to be one of the user's tags."""
    body = service_body(data)
    tag_ids = body.get("tag_ids")
    if isinstance(tag_ids, list) and tag_ids:
        if len(tag_ids) > MAX_TAGS_PER_ENTRY:
            raise BadUserInputError(f"At most {MAX_TAGS_PER_ENTRY} tags", field="tagIds")
        tags = await info.context.loaders.tag.load_many(tag_ids)
        if any(tag is None for tag in tags):
            raise BadUserInputError("Unknown tag id", field="tagIds")
    return body


@strawberry.type
class DiaryMutations:
    """Write, change and delete diary entries."""

    @mutation("Write a diary entry.")
    async def create_diary_entry(self, info: Info, input: NewEntry) -> DiaryEntry:
        diary = info.context.diary
        return await diary.entries.create(await _checked_body(info, input))

    @mutation("Change some fields of a diary entry.")
    async def update_diary_entry(self, info: Info, id: EntryId, input: EntryChanges) -> DiaryEntry:
        diary = info.context.diary
        entry_id = target_id(id, kind="diary entry")
        return await diary.entries.update(entry_id, await _checked_body(info, input))

    @mutation("Delete a diary entry and its images; answers its id.")
    async def delete_diary_entry(self, info: Info, id: EntryId) -> strawberry.ID:
        delete = info.context.diary.entries.delete
        return await delete_named(id, kind="diary entry", delete=delete)
