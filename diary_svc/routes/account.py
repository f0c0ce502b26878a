"""`DELETE /account`: erase everything the caller owns, image files included."""

from __future__ import annotations

from fastapi import Request

from diary_svc import image_reads
from diary_svc.entry_writes import delete_owner_data
from diary_svc.routes.images import image_shelf
from fc_common.db import Database
from fc_common.service_routes import account_router


def _remove_files(request: Request, db: Database, owner_id: int) -> None:
    # Files first: a crash after this leaves rows pointing at nothing, which the gateway's
    # retry of this same call removes; rows first would leave files no row names.
    keys = db.query(image_reads.storage_keys, owner_id=owner_id)
    image_shelf(request).remove_files(keys)


router = account_router(
    delete_owner_data,
    before=_remove_files,
    description="Delete the caller's image files, then all their entries, links and images; "
    "repeatable.",
)
