"""argon2id password hashing, with a dummy hash so unknown emails cost as much as known ones."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

DUMMY_PASSWORD = "not-a-real-password-used-only-to-spend-time"  # noqa: S105 - a timing decoy


class Passwords:
    """Hash and verify passwords with argon2id at the configured cost."""

    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )
        self._dummy_hash = self._hasher.hash(DUMMY_PASSWORD)

    def hash(self, password: str) -> str:
        """A salted argon2id hash of the password."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether the password matches the hash (never raises for a mismatch)."""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def spend_time(self, password: str) -> None:
        """Verify against a dummy hash, so a wrong email takes as long as a wrong password."""
        self.verify(self._dummy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other parameters than the current ones."""
        return self._hasher.check_needs_rehash(password_hash)
