"""Build the account machinery (sessions, keys, authenticator, erasure, exports) from settings,
and the background upkeep it needs."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

import structlog
from anyio import to_thread

from fc_common.db import Database
from graph_gateway.accounts.api_keys import ApiKeys
from graph_gateway.accounts.auth import Accounts
from graph_gateway.accounts.authenticator import Authenticator
from graph_gateway.accounts.credentials import CredentialHasher
from graph_gateway.accounts.deletion import AccountEraser
from graph_gateway.accounts.passwords import Passwords
from graph_gateway.accounts.sessions import Sessions
from graph_gateway.accounts.tokens import Tokens
from graph_gateway.clients.base import Upstream
from graph_gateway.exports.exporter import Exporter
from graph_gateway.exports.store import ExportStore
from graph_gateway.http.image_urls import ImageUrlSigner
from graph_gateway.settings import GatewaySettings

log = structlog.get_logger("graph_gateway.accounts")

_CREDENTIAL_KEY_LABEL = b"fortune-compass credentials v1"
# Dead sessions are kept a while, so a reused refresh token is still recognised as one.
DEAD_SESSION_RETENTION = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class AccountParts:
    """Everything the schema needs for accounts, built once per process."""

    users: Accounts
    authenticator: Authenticator
    api_keys: ApiKeys
    eraser: AccountEraser
    exporter: Exporter
    exports: ExportStore


def credential_key(settings: GatewaySettings) -> bytes:
    """The key of the credential hashes: its own setting, else derived from the JWT secret."""
    if settings.credential_secret is not None:
        return settings.credential_secret.get_secret_value().encode()
    secret = settings.jwt_secret.get_secret_value().encode()
    return hmac.new(secret, _CREDENTIAL_KEY_LABEL, hashlib.sha256).digest()


def build_account_parts(
    settings: GatewaySettings,
    *,
    db: Database,
    passwords: Passwords,
    calendar: Upstream,
    diary: Upstream,
    signer: ImageUrlSigner,
) -> AccountParts:
    """Wire the account machinery together."""
    hasher = CredentialHasher(credential_key(settings))
    tokens = Tokens(
        secret=settings.jwt_secret.get_secret_value(),
        ttl=timedelta(minutes=settings.jwt_ttl_minutes),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )
    sessions = Sessions(
        db=db,
        tokens=tokens,
        hasher=hasher,
        refresh_ttl=timedelta(days=settings.refresh_token_ttl_days),
        max_lifetime=timedelta(days=settings.session_max_days),
        on_revoke=lambda user_id: authenticator.forget_user(user_id),
    )
    api_keys = ApiKeys(db=db, hasher=hasher, max_per_user=settings.max_api_keys_per_user)
    authenticator = Authenticator(
        sessions=sessions, api_keys=api_keys, hasher=hasher, ttl_s=settings.auth_cache_ttl_s
    )
    accounts = Accounts(db=db, passwords=passwords, sessions=sessions)
    exports = ExportStore(
        settings.export_dir or settings.data_dir / "exports",
        lifetime_s=settings.export_url_ttl_minutes * 60,
    )
    eraser = AccountEraser(
        db=db, calendar=calendar, diary=diary, exports=exports, forget=authenticator.forget_user
    )
    exporter = Exporter(
        store=exports,
        signer=signer,
        accounts=accounts,
        api_keys=api_keys,
        calendar=calendar,
        diary=diary,
        max_bytes=settings.export_max_bytes,
        concurrency=settings.export_concurrency,
    )
    return AccountParts(
        users=accounts,
        authenticator=authenticator,
        api_keys=api_keys,
        eraser=eraser,
        exporter=exporter,
        exports=exports,
    )


class Upkeep:
    """The background loop that finishes owed account erasures, sweeps expired exports and
    prunes dead sessions. Stopping lets the current round finish (never cut mid-transaction)."""

    def __init__(self, parts: AccountParts, *, interval_s: float) -> None:
        self.parts = parts
        self.interval_s = interval_s
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Run the loop in the background: a round now, then one every `interval_s`."""
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Ask the loop to end and wait for its current round."""
        self._stop.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            await self.run_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval_s)

    async def run_once(self) -> None:
        """One round of upkeep; a failure is logged and retried next round."""
        parts = self.parts
        try:
            await parts.eraser.resume()
            await to_thread.run_sync(parts.exports.sweep)
            await to_thread.run_sync(
                lambda: parts.users.sessions.prune(older_than=DEAD_SESSION_RETENTION)
            )
        except Exception:  # a background loop must outlive any one failure
            log.exception("account upkeep failed; retrying later")
