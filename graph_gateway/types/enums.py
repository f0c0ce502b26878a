"""The enums of the contract: a diary entry's mood and weather, the diary service's own names
(`fc_common.diary_enums`) shown as GraphQL enums."""

from __future__ import annotations

import strawberry

from fc_common import diary_enums

Mood = strawberry.enum(diary_enums.Mood, name="Mood", description="How the day felt.")
Weather = strawberry.enum(
    diary_enums.Weather, name="Weather", description="What the weather was like."
)
