"""`DELETE /account`: erase everything the caller owns, image files included."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from diary_svc import queries
from diary_svc.routes.images import ShelfDep
from fc_common.errors import error_responses
from fc_common.internal_auth import CallerDep
from fc_common.service_app import DatabaseDep

router = APIRouter(prefix="/account", tags=["account"])


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 413, 422),
)
def delete_account_data(caller: CallerDep, db: DatabaseDep, shelf: ShelfDep) -> None:
    """Delete the caller's image files, then all their entries, links and images; repeatable."""
    with db.read() as session:
        keys = queries.owner_storage_keys(session=session, owner_id=caller.user_id)
    # Files first: a crash after this leaves rows pointing at nothing, which the gateway's
    # retry of this same call removes; rows first would leave files no row names.
    shelf.remove_files(keys)
    with db.write() as session:
        queries.delete_owner_data(session=session, owner_id=caller.user_id)
