"""`exportMyData`: build the archive, publish it, and sign a download URL for it."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from anyio import to_thread

from graph_gateway.accounts.api_keys import ApiKeys
from graph_gateway.accounts.auth import NO_ACCOUNT, Accounts, existing
from graph_gateway.clients.base import Upstream
from graph_gateway.clients.calendar import CalendarClient
from graph_gateway.clients.diary import DiaryClient
from graph_gateway.errors import UnauthenticatedError
from graph_gateway.exports.archive import ArchiveWriter, write_archive
from graph_gateway.exports.store import ExportStore
from graph_gateway.http.image_urls import ImageUrlSigner
from graph_gateway.types.account_inputs import DataExport
from graph_gateway.write_keys import WriteKeys


@dataclass(kw_only=True, eq=False)
class Exporter:
    """Build export archives, a bounded number at a time per process."""

    store: ExportStore
    signer: ImageUrlSigner
    accounts: Accounts
    api_keys: ApiKeys
    calendar: Upstream
    diary: Upstream
    max_bytes: int
    concurrency: int
    _slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        # Archives cost disk and the services' time: a few at once, the rest wait their turn.
        self._slots = asyncio.Semaphore(self.concurrency)

    async def export(self, *, user_id: int, request_base_url: str) -> DataExport:
        """Archive everything the user owns; a signed URL to download it."""
        async with self._slots:
            user = existing(await self.accounts.get_user(user_id))
            keys = await to_thread.run_sync(self.api_keys.list, user_id)
            partial = self.store.new_partial()
            writer = ArchiveWriter(partial, max_bytes=self.max_bytes)
            try:
                await write_archive(
                    writer,
                    user=user,
                    keys=keys,
                    calendar=CalendarClient(
                        self.calendar,
                        user_id=user_id,
                        keys=WriteKeys(user_id=user_id, client_key=None),
                    ),
                    diary=DiaryClient(
                        self.diary,
                        user_id=user_id,
                        keys=WriteKeys(user_id=user_id, client_key=None),
                    ),
                    diary_upstream=self.diary,
                )
                byte_size = await to_thread.run_sync(writer.close)
            except BaseException:
                writer.abort()
                partial.unlink(missing_ok=True)
                raise
            export_id = self.store.publish(partial, user_id=user_id)
        if await self.accounts.get_user(user_id) is None:  # deleted while we were writing
            self.store.remove_user(user_id)
            raise UnauthenticatedError(NO_ACCOUNT)
        expires_at = int(time.time()) + self.store.lifetime_s
        url = self.signer.export_url(
            export_id=export_id,
            user_id=user_id,
            expires_at=expires_at,
            request_base_url=request_base_url,
        )
        return DataExport(
            url=url, expires_at=datetime.fromtimestamp(expires_at, UTC), byte_size=byte_size
        )
