"""Account deletion that survives a crash anywhere: a journal row, then each service, then done.

1. One transaction in the gateway's database: the account becomes a tombstone (email freed,
   password dead), its sessions, refresh tokens and API keys are deleted, and a journal row
   says the erasure is owed. From here nothing of the account is reachable, and the email can
   sign up again (as a new account with a new id: the tombstone keeps the old id taken).
2. Each service deletes everything of the user (`DELETE /account`, idempotent), image files
   included; then the gateway removes the user's export archives.
3. One transaction deletes the journal row and the tombstone.

A SIGKILL of the gateway or of a service between these steps leaves the journal row, and the
gateway finishes it at its next start (and keeps retrying while a service is down).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
import structlog
from anyio import to_thread
from sqlmodel import col, select

from fc_common.db import Database
from graph_gateway.accounts import api_key_queries, queries, session_queries
from graph_gateway.accounts.models import AccountDeletion
from graph_gateway.clients.base import Upstream
from graph_gateway.clients.calendar import CalendarClient
from graph_gateway.clients.diary import DiaryClient
from graph_gateway.errors import ServiceUnavailableError
from graph_gateway.exports.store import ExportStore
from graph_gateway.write_keys import WriteKeys

log = structlog.get_logger("graph_gateway.deletion")


@dataclass(frozen=True, kw_only=True, eq=False)
class AccountEraser:
    """Erase accounts everywhere, and finish erasures a crash interrupted."""

    db: Database
    calendar: Upstream
    diary: Upstream
    exports: ExportStore
    # Told the user id once the account is a tombstone, so this process forgets its sessions.
    forget: Callable[[int], None]

    async def erase(self, user_id: int) -> None:
        """Erase an account: gone for its owner at once, its data as soon as the services answer."""
        await to_thread.run_sync(self._begin, user_id)
        self.forget(user_id)
        try:
            await self.finish(user_id)
        except ServiceUnavailableError as exc:
            log.warning("account erasure postponed", user_id=user_id, service=exc.service)

    def _begin(self, user_id: int) -> None:
        with self.db.write() as session:
            queries.make_tombstone(session=session, user_id=user_id)
            session_queries.delete_user_sessions(session=session, user_id=user_id)
            api_key_queries.delete_user_keys(session=session, user_id=user_id)
            if session.get(AccountDeletion, user_id) is None:
                session.add(AccountDeletion(user_id=user_id, requested_at=datetime.now(UTC)))

    async def finish(self, user_id: int) -> None:
        """Delete the user's data in each service, their exports, then the journal and the row."""
        await CalendarClient(
            self.calendar, user_id=user_id, keys=WriteKeys(user_id=user_id, client_key=None)
        ).erase_account()
        await DiaryClient(
            self.diary, user_id=user_id, keys=WriteKeys(user_id=user_id, client_key=None)
        ).erase_account()
        await to_thread.run_sync(self.exports.remove_user, user_id)
        await to_thread.run_sync(self._end, user_id)
        log.info("account erased", user_id=user_id)

    def _end(self, user_id: int) -> None:
        with self.db.write() as session:
            session.execute(
                sa.delete(AccountDeletion).where(col(AccountDeletion.user_id) == user_id)
            )
            queries.delete_user(session=session, user_id=user_id)

    def pending(self) -> list[int]:
        """The users whose erasure is still owed, oldest first."""
        with self.db.read() as session:
            rows = session.exec(select(AccountDeletion).order_by(col(AccountDeletion.requested_at)))
            return [row.user_id for row in rows]

    async def resume(self) -> int:
        """Try to finish every owed erasure once; how many are still owed."""
        owed = 0
        for user_id in await to_thread.run_sync(self.pending):
            try:
                await self.finish(user_id)
            except ServiceUnavailableError as exc:
                owed += 1
                log.warning("account erasure still owed", user_id=user_id, service=exc.service)
        return owed
