"""`DELETE /account`: erase everything the caller owns (the gateway's account deletion)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from calendar_svc import queries
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
def delete_account_data(caller: CallerDep, db: DatabaseDep) -> None:
    """Delete all the caller's events and tags in one transaction; repeating it is harmless."""
    with db.write() as session:
        queries.delete_owner_data(session=session, owner_id=caller.user_id)
