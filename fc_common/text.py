"""Text rules every service applies to user input: storable Unicode and escaped LIKE patterns."""

from __future__ import annotations

LIKE_ESCAPE = "\\"

NO_NUL_PATTERN = r"^[^\x00]*$"
"""A JSON-schema pattern for text without NUL, so clients (and schemathesis) know the rule."""


def storable_text(value: str) -> str:
    """Refuse text a database cannot hold as given: NUL characters and unpaired surrogates."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode (no unpaired surrogates)") from exc
    return value


def like_pattern(needle: str) -> str:
    """A `%needle%` LIKE pattern matching `needle` literally (use with `escape=LIKE_ESCAPE`)."""
    escaped = (
        needle.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"
