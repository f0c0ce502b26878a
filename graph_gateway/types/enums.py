"""The enums of the contract: a diary entry's mood and weather (same names as the diary service)."""

from __future__ import annotations

from enum import StrEnum

import strawberry


@strawberry.enum(description="How the day felt.")
class Mood(StrEnum):
    JOYFUL = "JOYFUL"
    HAPPY = "HAPPY"
    CALM = "CALM"
    NEUTRAL = "NEUTRAL"
    TIRED = "TIRED"
    SAD = "SAD"
    ANXIOUS = "ANXIOUS"
    ANGRY = "ANGRY"


@strawberry.enum(description="What the weather was like.")
class Weather(StrEnum):
    SUNNY = "SUNNY"
    PARTLY_CLOUDY = "PARTLY_CLOUDY"
    CLOUDY = "CLOUDY"
    RAINY = "RAINY"
    STORMY = "STORMY"
    SNOWY = "SNOWY"
    FOGGY = "FOGGY"
    WINDY = "WINDY"
