"""The enums of the contract: a diary entry's mood and weather, the diary service's own names
(`fc_common.diary_enums`) shown as GraphQL enums."""

from __future__ import annotations

import strawberry

from fc_common.diary_enums import Mood, Weather

# `strawberry.enum` marks the classes themselves, so they stay plain types for mypy.
strawberry.enum(Mood, description="How the day felt.")
strawberry.enum(Weather, description="What the weather was like.")

__all__ = ["Mood", "Weather"]
