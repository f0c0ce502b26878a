"""The `Idempotency-Key` of each write the gateway sends a service during one GraphQL request."""

from __future__ import annotations

import hashlib
import uuid


class WriteKeys:
    """The keys of one request's writes to the services, in the order they are sent.

    With a client key they are derived from it, so a retried request sends the same keys in the
    same order (mutations run one after another) and the services replay what already ran;
    without one they are random, so only the gateway's own retries of a call match.
    """

    def __init__(self, *, user_id: int, client_key: str | None) -> None:
        self._seed = f"{user_id}\n{client_key}" if client_key else None
        self._count = 0

    def next(self) -> str:
        """The key for the next write call."""
        self._count += 1
        if self._seed is None:
            return uuid.uuid4().hex
        return hashlib.sha256(f"{self._seed}\n{self._count}".encode()).hexdigest()
