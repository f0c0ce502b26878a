"""The demo month `make run` seeds: tags, events and diary entries in Korean and English.

Pure data, computed from the month's first day, so a second seed can tell what is already there.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
# The README's examples show this month; the demo has it too, so they work as written in any month.
README_MONTH = date(2026, 11, 1)

TAGS = {
    "work": ("업무 Work", "#2563EB"),
    "family": ("가족 Family", "#DB2777"),
    "exercise": ("운동 Exercise", "#16A34A"),
    "travel": ("여행 Travel", "#F59E0B"),
    "study": ("공부 Study", "#7C3AED"),
}


@dataclass(frozen=True)
class DemoEvent:
    """An event to have in the demo month (local Seoul times)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    tags: tuple[str, ...]
    description: str | None = None
    location: str | None = None
    all_day: bool = False

    @property
    def key(self) -> tuple[str, datetime]:
        """What tells it apart from the other events: its title and start."""
        return self.title, self.starts_at

    def as_input(self, tag_ids: Mapping[str, str]) -> dict[str, Any]:
        """The `createEvent` input that makes it, with the tags' ids."""
        return {
            "title": self.title,
            "description": self.description,
            "location": self.location,
            "startsAt": self.starts_at.isoformat(),
            "endsAt": self.ends_at.isoformat(),
            "allDay": self.all_day,
            "tagIds": [tag_ids[key] for key in self.tags],
        }


@dataclass(frozen=True)
class DemoEntry:
    """A diary entry to have in the demo month."""

    day: date
    title: str
    content: str
    mood: str
    weather: str
    tags: tuple[str, ...]

    @property
    def key(self) -> tuple[date, str]:
        """What tells it apart from the other entries: its date and title."""
        return self.day, self.title

    def as_input(self, tag_ids: Mapping[str, str]) -> dict[str, Any]:
        """The `createDiaryEntry` input that makes it, with the tags' ids."""
        return {
            "date": self.day.isoformat(),
            "title": self.title,
            "content": self.content,
            "mood": self.mood,
            "weather": self.weather,
            "tagIds": [tag_ids[key] for key in self.tags],
        }


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """That day's local Seoul time."""
    return datetime.combine(day, time(hour, minute), tzinfo=SEOUL)


def demo_events(first: date) -> Iterator[DemoEvent]:
    """The month's events: weekly routines, a trip and a few one-offs."""
    # The weekly routines: weekday, title, start and end (hour, minute), tags, description,
    # location.
    weekly = (
        (calendar.MONDAY, "주간 팀 회의 · Weekly team sync", (10, 0), (11, 0), ("work",),
         "이번 주 우선순위 정리. Agree on this week's priorities.", "본사 3층 회의실 (HQ, room 3)"),
        (calendar.WEDNESDAY, "요가 Yoga", (19, 30), (20, 30), ("exercise",), None, None),
        (calendar.SUNDAY, "가족 저녁 식사 · Family dinner", (18, 0), (20, 0), ("family",),
         None, "부모님 댁 (parents' place)"),
    )  # fmt: skip
    tags: tuple[str, ...]  # none, one or two in either table
    days = calendar.monthrange(first.year, first.month)[1]
    for day in (first + timedelta(days=n) for n in range(days)):
        for weekday, title, start, end, tags, description, location in weekly:
            if day.weekday() == weekday:
                yield DemoEvent(title, at(day, *start), at(day, *end), tags, description, location)
    # The one-offs: title, start and end (day of the month, hour, minute), tags, description,
    # location, all day. 07:30 in Seoul is the previous evening in UTC: `days(timeZone:
    # "Asia/Seoul")` shows the Jeju flight on the 20th, `days(timeZone: "UTC")` on the 19th.
    one_offs = (
        ("치과 검진 Dentist check-up", (3, 9, 0), (3, 10, 0), (), None, None, False),
        ("분기 보고서 마감 · Quarterly report due", (12, 0, 0), (13, 0, 0), ("work",),
         "Finance wants the numbers by end of day. 숫자 확인!", None, True),
        ("제주행 첫 비행기 · Early flight to Jeju", (20, 7, 30), (20, 8, 40), ("travel",),
         None, "김포공항 (GMP)", False),
        ("제주 여행 Jeju trip", (20, 0, 0), (23, 0, 0), ("travel", "family"),
         "한라산, 오름, 흑돼지 🐷", "제주도 Jeju", True),
        ("한국어 스터디 · Korean study group", (25, 20, 0), (25, 21, 30), ("study",),
         "Chapter 7: 존댓말 (honorifics)", "Online", False),
        ("늦은 밤 영화 · Late-night movie", (27, 23, 0), (28, 1, 0), ("family",),
         None, "CGV 용산", False),
    )  # fmt: skip
    for title, (d1, h1, m1), (d2, h2, m2), tags, description, location, all_day in one_offs:
        starts_at, ends_at = at(first.replace(day=d1), h1, m1), at(first.replace(day=d2), h2, m2)
        yield DemoEvent(title, starts_at, ends_at, tags, description, location, all_day)


def demo_entries(first: date) -> Iterator[DemoEntry]:
    """The month's diary entries, every few days."""
    notes = (
        ("새로운 시작", "이번 달 목표: 매일 30분 걷기. This month: a 30-minute walk a day.",
         "HAPPY", "SUNNY", ("exercise",)),
        ("Busy Monday", "회의가 길었다. The sync ran long but we agreed on the plan.",
         "TIRED", "CLOUDY", ("work",)),
        ("비 오는 날", "창밖으로 비 소리. Rain all day; read a book with tea ☕.",
         "CALM", "RAINY", ()),
        ("Yoga felt great", "요가 후에 몸이 가볍다. Stretching after work helps.",
         "JOYFUL", "PARTLY_CLOUDY", ("exercise",)),
        ("가족 모임", "엄마가 만든 김치찌개 최고! Mum's kimchi stew, the best.",
         "HAPPY", "SUNNY", ("family",)),
        ("Deadline stress", "보고서 마감이 다가온다. Numbers don't add up yet.",
         "ANXIOUS", "WINDY", ("work",)),
        ("제주 도착", "바다 색이 믿기지 않는다. The sea looks unreal. 🌊",
         "JOYFUL", "SUNNY", ("travel",)),
        ("Fog on Hallasan", "한라산 정상은 안개 속. Couldn't see a thing, still worth it.",
         "NEUTRAL", "FOGGY", ("travel", "exercise")),
        ("공부 기록", "존댓말이 어렵다. Honorifics are hard, practice more.",
         "NEUTRAL", "CLOUDY", ("study",)),
        ("Month in review", "이번 달도 수고했어. Good month overall.",
         "CALM", "SNOWY", ()),
    )  # fmt: skip
    days = calendar.monthrange(first.year, first.month)[1]
    for index, (title, content, mood, weather, tags) in enumerate(notes):
        day = first.replace(day=min(days, 1 + index * 3))
        yield DemoEntry(day, title, content, mood, weather, tags)
