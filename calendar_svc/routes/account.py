"""`DELETE /account`: erase all the caller's events and tags (the gateway's account deletion)."""

from __future__ import annotations

from calendar_svc.event_writes import delete_owner_data
from fc_common.service_routes import account_router

router = account_router(
    delete_owner_data,
    description="Delete all the caller's events and tags in one transaction; "
    "repeating it is harmless.",
)
