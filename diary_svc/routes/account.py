"""`DELETE /account`: erase everything the caller owns, image files included."""

from __future__ import annotations

from fastapi import Request

from diary_svc import entry_writes, image_reads
from diary_svc.routes.images import image_shelf
from fc_common.db import Database
from fc_common.service_routes import account_router


def _erase(request: Request, db: Database, owner_id: int) -> None:
    keys = db.query(image_reads.storage_keys, owner_id=owner_id)
    # Files first: a crash after this leaves rows pointing at nothing, which the gateway's
    # retry of this same call removes; rows first would leave files no row names.
    image_shelf(request).remove_files(keys)
    with db.write() as session:
        entry_writes.delete_owner_data(session=session, owner_id=owner_id)


router = account_router(
    _erase,
    description="Delete the caller's image files, then all their entries, links and images; "
    "repeatable.",
)
