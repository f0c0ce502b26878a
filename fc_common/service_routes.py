"""The routes both services have: `DELETE /account` and the internal `/maintenance` prefix."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request

from fc_common.db import Database
from fc_common.errors import error_responses
from fc_common.internal_auth import CallerDep, require_internal_token
from fc_common.openapi import NO_CONTENT
from fc_common.service_app import DatabaseDep

DeleteOwnerData = Callable[..., None]
"""A write function (`session=`, `owner_id=`) deleting every row an owner has; repeatable."""
BeforeErase = Callable[[Request, Database, int], None]
"""What must go before the rows (request, database, owner id), e.g. files the rows name."""


def account_router(
    delete_owner_data: DeleteOwnerData, *, description: str, before: BeforeErase | None = None
) -> APIRouter:
    """`DELETE /account`: erase everything the caller owns (the gateway's account deletion)."""
    router = APIRouter(prefix="/account", tags=["account"])

    @router.delete(
        "", responses=error_responses(401, 413, 422), description=description, **NO_CONTENT
    )
    def delete_account_data(request: Request, caller: CallerDep, db: DatabaseDep) -> None:
        if before is not None:
            before(request, db, caller.user_id)
        with db.write() as session:
            delete_owner_data(session=session, owner_id=caller.user_id)

    return router


def maintenance_router(*error_statuses: int) -> APIRouter:
    """`/maintenance`: what the gateway's background jobs call across users (internal token)."""
    return APIRouter(
        prefix="/maintenance",
        tags=["maintenance"],
        dependencies=[Depends(require_internal_token)],
        responses=error_responses(*error_statuses),
    )
