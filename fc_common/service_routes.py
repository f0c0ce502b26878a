"""The routes both services have: `DELETE /account` and the internal `/maintenance` prefix."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request, Response, status

from fc_common.db import Database
from fc_common.errors import error_responses
from fc_common.internal_auth import CallerDep, require_internal_token
from fc_common.service_app import DatabaseDep

Erase = Callable[[Request, Database, int], None]
"""Delete everything an owner has in one service (request, database, owner id); repeatable."""


def account_router(erase: Erase, *, description: str) -> APIRouter:
    """`DELETE /account`: erase everything the caller owns (the gateway's account deletion)."""
    router = APIRouter(prefix="/account", tags=["account"])

    @router.delete(
        "",
        status_code=status.HTTP_204_NO_CONTENT,
        response_class=Response,
        responses=error_responses(401, 413, 422),
        description=description,
    )
    def delete_account_data(request: Request, caller: CallerDep, db: DatabaseDep) -> None:
        erase(request, db, caller.user_id)

    return router


def maintenance_router(*error_statuses: int) -> APIRouter:
    """`/maintenance`: what the gateway's background jobs call across users (internal token)."""
    return APIRouter(
        prefix="/maintenance",
        tags=["maintenance"],
        dependencies=[Depends(require_internal_token)],
        responses=error_responses(*error_statuses),
    )
