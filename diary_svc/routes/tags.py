"""`/tags/{tag_id}`: retire a (calendar) tag id: off all of the caller's entries, for good."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path

from diary_svc.tag_retirement import retire_tag
from fc_common.errors import error_responses
from fc_common.internal_auth import CallerDep
from fc_common.openapi import NO_CONTENT
from fc_common.pagination import MAX_ROW_ID
from fc_common.service_app import DatabaseDep

router = APIRouter(prefix="/tags", tags=["tags"], responses=error_responses(401, 413, 422))


@router.delete("/{tag_id}", **NO_CONTENT)
def remove_tag(
    tag_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A calendar tag id")],
    caller: CallerDep,
    db: DatabaseDep,
) -> None:
    """Remove a tag id from every entry of the caller's and refuse it from now on (the gateway
    calls this after deleting the tag in the calendar); 204 whether or not any entry carried it."""
    with db.write() as session:
        retire_tag(session, owner_id=caller.user_id, tag_id=tag_id, now=dt.datetime.now(dt.UTC))
