"""Carry tag deletions from the calendar to the diary, for the ones a crash kept from arriving.

`deleteTag` deletes the tag in the calendar (which numbers the deletion in the same transaction)
and then retires it in the diary. If the diary half never happens (the diary or the gateway died in
between), this job finds the deletion by its number and applies it: at start-up and then every
`GATEWAY_TAG_SYNC_INTERVAL_S`. Applying one twice is harmless. The same loop drops client
idempotency keys past their retention.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import TypedDict

import structlog

from graph_gateway.clients.base import Upstream
from graph_gateway.clients.service_json import no_content
from graph_gateway.http.idempotency_store import IdempotencyStore

log = structlog.get_logger("fc.gateway.tag_sync")


class Deletion(TypedDict):
    """A numbered tag deletion (passed on to the diary as the calendar sent it)."""

    seq: int


class Deletions(TypedDict):
    """A page of deletions after a number."""

    items: list[Deletion]


def _seq(raw: Deletion) -> int:
    return int(raw["seq"])


def _items(raw: Deletions) -> list[Deletion]:
    return raw["items"]


async def sync_deleted_tags(*, calendar: Upstream, diary: Upstream) -> int:
    """Apply to the diary every calendar tag deletion it has not seen; how many were sent."""
    path = "/maintenance/deleted-tags"
    seq = await diary.call("GET", f"{path}/position", user_id=None, parse=_seq, idempotent=True)
    sent = 0
    while True:
        params = {"after": str(seq)}
        items = await calendar.call(
            "GET", path, user_id=None, params=params, parse=_items, idempotent=True
        )
        if not items:
            return sent
        # Sent once: the next round carries what a failed one did not.
        body = {"items": items}
        await diary.call("POST", path, user_id=None, body=body, parse=no_content, idempotent=False)
        sent += len(items)
        seq = int(items[-1]["seq"])


async def stop(task: asyncio.Task[None]) -> None:
    """Cancel a background task and wait until it has ended."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def tidy_once(*, calendar: Upstream, diary: Upstream, keys: IdempotencyStore) -> None:
    """Sync tag deletions and drop expired idempotency keys; failures are logged, not raised."""
    try:
        sent = await sync_deleted_tags(calendar=calendar, diary=diary)
        if sent:
            log.info("tag deletions carried to the diary", count=sent)
    except Exception as exc:
        log.warning("tag deletion sync failed; retrying later", error=repr(exc))
    try:
        await asyncio.to_thread(keys.purge, now=datetime.now(UTC))
    except Exception as exc:
        log.warning("idempotency key purge failed", error=repr(exc))


async def keep_data_tidy(
    *, calendar: Upstream, diary: Upstream, keys: IdempotencyStore, interval_s: float
) -> None:
    """Forever: wait `interval_s`, then `tidy_once`."""
    while True:
        await asyncio.sleep(interval_s)
        await tidy_once(calendar=calendar, diary=diary, keys=keys)
