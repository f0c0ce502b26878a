"""Tag mutations; deleting a tag also removes it from the diary's entries."""

from __future__ import annotations

import contextlib
from typing import Annotated

import strawberry

from graph_gateway.errors import NotFoundError, ServiceUnavailableError
from graph_gateway.types.arguments import TagId, describe, target_id
from graph_gateway.types.decorators import mutation
from graph_gateway.types.info import Info
from graph_gateway.types.inputs import TagInput, service_body
from graph_gateway.types.tag import Tag

NewTag = Annotated[TagInput, describe("The tag.")]
TagChanges = Annotated[TagInput, describe("The new name and color.")]


@strawberry.type
class TagMutations:
    """Create, change and delete tags."""

    @mutation("Create a tag.")
    async def create_tag(self, info: Info, input: NewTag) -> Tag:
        return await info.context.calendar.tags.create(service_body(input))

    @mutation("Rename or recolor a tag.")
    async def update_tag(self, info: Info, id: TagId, input: TagChanges) -> Tag:
        calendar = info.context.calendar
        return await calendar.tags.update(target_id(id, kind="tag"), service_body(input))

    @mutation("Delete a tag from the calendar and the diary; answers its id.")
    async def delete_tag(self, info: Info, id: TagId) -> strawberry.ID:
        tag_id = target_id(id, kind="tag")
        try:
            await info.context.calendar.tags.delete(tag_id)
        except NotFoundError:
            # A retry after a failed diary cleanup lands here: finish the cleanup, then refuse.
            with contextlib.suppress(ServiceUnavailableError):
                await info.context.diary.forget_tag(tag_id)
            raise
        await info.context.diary.forget_tag(tag_id)
        return id
