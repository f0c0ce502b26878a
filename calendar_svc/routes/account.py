"""`DELETE /account`: erase all the caller's events and tags (the gateway's account deletion)."""

from __future__ import annotations

from fastapi import Request

from calendar_svc import event_writes
from fc_common.db import Database
from fc_common.service_routes import account_router


def _erase(_: Request, db: Database, owner_id: int) -> None:
    with db.write() as session:
        event_writes.delete_owner_data(session=session, owner_id=owner_id)


router = account_router(
    _erase,
    description="Delete all the caller's events and tags in one transaction; "
    "repeating it is harmless.",
)
