"""Password rules per OWASP and NIST SP 800-63B: length over composition, no common passwords.

`common_passwords.txt.gz` is the list Django ships (`django/contrib/auth/common-passwords.txt.gz`,
BSD licence, itself from Royce Williams' 20k most common passwords), cut to the entries of 8 or
more characters: shorter ones are refused by length anyway.
"""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from pathlib import Path

from graph_gateway.errors import BadUserInputError

MIN_PASSWORD_LENGTH = 8
# OWASP: allow at least 64; the ceiling bounds the hashing work one request can ask for.
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased (read once per process)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def check_password(password: str, *, email: str | None = None, field: str = "password") -> None:
    """Refuse a password that is too short, too long, common, or the account's own email."""
    # Length in characters as the user typed them: a composed Hangul syllable counts once.
    length = len(unicodedata.normalize("NFC", password))
    if not MIN_PASSWORD_LENGTH <= length <= MAX_PASSWORD_LENGTH:
        raise BadUserInputError(
            f"The password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
            field=field,
        )
    folded = password.strip().lower()
    if folded in common_passwords():
        raise BadUserInputError(
            "This password is on the list of commonly used passwords; choose another",
            field=field,
        )
    if email is not None and folded in {email.lower(), email.lower().partition("@")[0]}:
        raise BadUserInputError("The password must not be the email address", field=field)
