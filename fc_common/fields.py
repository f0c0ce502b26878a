"""What the services' SQLModel input models share: refusing unknown fields, and fields that a
PATCH may leave out but not send as null."""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationInfo, field_validator
from pydantic.config import JsonDict
from sqlmodel import SQLModel
from sqlmodel._compat import SQLModelConfig  # the config type SQLModel's own annotation expects

# Input models refuse unknown fields rather than silently dropping them.
INPUT = SQLModelConfig(extra="forbid")


def _drop_null(schema: JsonDict) -> None:
    """Show an optional-but-not-nullable field without its `null` branch in the JSON schema."""
    branches = schema.pop("anyOf", [])
    assert isinstance(branches, list)
    kept = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
    if len(kept) == 1 and isinstance(kept[0], dict):
        schema.update(kept[0])
    elif kept:
        schema["anyOf"] = kept


# May be left out of a PATCH, but not sent as null (refused by `PartialUpdate`).
NOT_NULLABLE: Any = Field(default=None, json_schema_extra=_drop_null)


class PartialUpdate(SQLModel):
    """A PATCH body: absent fields stay as they are; `tag_ids`, if any, replaces the links.

    A field declared `= NOT_NULLABLE` may be left out but not sent as null.
    """

    model_config = INPUT

    @field_validator("*")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields[info.field_name or ""]
        if value is None and field.json_schema_extra is _drop_null:
            raise ValueError("cannot be null")
        return value

    def changes(self) -> dict[str, Any]:
        """The row's columns this update sets (tag links are handled apart)."""
        return self.model_dump(exclude_unset=True, exclude={"tag_ids"})
