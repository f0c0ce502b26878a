"""A diary entry's mood and weather: the diary stores these names, the gateway's GraphQL enums
show them (one list, so the two can never drift apart)."""

from __future__ import annotations

import enum


class Mood(enum.StrEnum):
    """How the day felt (the GraphQL `Mood` names)."""

    JOYFUL = "JOYFUL"
    HAPPY = "HAPPY"
    CALM = "CALM"
    NEUTRAL = "NEUTRAL"
    TIRED = "TIRED"
    SAD = "SAD"
    ANXIOUS = "ANXIOUS"
    ANGRY = "ANGRY"


class Weather(enum.StrEnum):
    """What the sky did (the GraphQL `Weather` names)."""

    SUNNY = "SUNNY"
    PARTLY_CLOUDY = "PARTLY_CLOUDY"
    CLOUDY = "CLOUDY"
    RAINY = "RAINY"
    STORMY = "STORMY"
    SNOWY = "SNOWY"
    FOGGY = "FOGGY"
    WINDY = "WINDY"
