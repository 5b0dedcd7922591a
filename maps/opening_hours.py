"""OpenStreetMap opening hours (`Mo-Sa 08:00-20:00`) as people read them, in the page's language.

The common forms only: `24/7`; rules separated by `;`, each later one replacing the days it names; a `,`
before a day adds a rule (`Mo-Fr 08:00-17:00, Sa 09:00-12:00`); days as ranges and lists (`Mo-Fr`, `Mo,We,Fr`,
`Sa-Mo`), none meaning every day; several time ranges (`08:00-12:00,14:00-18:00`), past midnight
(`20:00-02:00`); `off` or `closed`. Anything else (public holidays, months, weeks, comments…) is not
parsed: `parse` answers None and the hours are shown as they were written.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, pgettext

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_MINUTES = 24 * 60
EN_DASH = "\u2013"
_DAY = "(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAYS = re.compile(rf"^{_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*$")
_TIMES = re.compile(r"^\d\d?:\d\d-\d\d?:\d\d(?:,\d\d?:\d\d-\d\d?:\d\d)*$")
# "…17:00, Sa 09:00-12:00": a comma between hours and a day adds a rule (between two days it lists them).
_ADDED_RULE = re.compile(rf"(?:(?<=\d)|(?<=off)|(?<=closed)),\s*(?={_DAY}\b)")
_LOOSE_TIMES = re.compile(r"(?<=\d)\s*([,-])\s*(?=\d)")  # "08:00 - 12:00, 14:00-18:00" as "08:00-12:00,14:00-18:00"
Interval = tuple[int, int]  # minutes from the day's midnight; the end passes 1440 when it closes after midnight


@dataclass(frozen=True)
class Week:
    """The opening intervals of each day, Monday first."""

    days: tuple[tuple[Interval, ...], ...]

    def is_open(self, weekday: int, minute: int) -> bool:
        """At `minute` past midnight on `weekday` (0 = Monday): within one of its intervals or yesterday's late one."""
        yesterday = self.days[(weekday - 1) % 7]
        return any(start <= minute < end for start, end in self.days[weekday]) or any(
            minute < end - DAY_MINUTES for _start, end in yesterday
        )

    def as_json(self) -> list[list[list[int]]]:
        """For the map's script, which says "open now" by the reader's clock."""
        return [[list(interval) for interval in day] for day in self.days]


def _minutes(text: str, *, end: bool) -> int | None:
    hours, minutes = (int(part) for part in text.split(":"))
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        return None
    return hours * 60 + minutes


def _intervals(text: str) -> tuple[Interval, ...] | None:
    if text in {"off", "closed"}:
        return ()
    if not _TIMES.match(text):
        return None
    intervals = []
    for pair in text.split(","):
        first, last = pair.split("-")
        start, end = _minutes(first, end=False), _minutes(last, end=True)
        if start is None or end is None or start == end:
            return None
        intervals.append((start, end if end > start else end + DAY_MINUTES))
    return tuple(intervals)


def _days(text: str) -> list[int] | None:
    if not _DAYS.match(text):
        return None
    days: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        start, end = DAYS.index(first), DAYS.index(last or first)
        days += [(start + step) % 7 for step in range((end - start) % 7 + 1)]  # Sa-Mo wraps round the week
    return days


def parse(hours: str) -> Week | None:
    """The week the hours describe, or None when they use anything beyond the common forms."""
    text = _LOOSE_TIMES.sub(r"\1", " ".join(hours.split()))
    if not text:
        return None
    if text == "24/7":
        return Week((((0, DAY_MINUTES),),) * 7)
    week: list[tuple[Interval, ...]] = [()] * 7
    for rule in filter(None, (part.strip() for part in text.split(";"))):
        replaced: set[int] = set()
        for piece in _ADDED_RULE.split(rule):
            days_text, _, times_text = piece.strip().rpartition(" ")
            days = _days(days_text) if days_text else list(range(7))
            intervals = _intervals(times_text)
            if days is None or intervals is None:
                return None
            for day in days:
                # A rule replaces what earlier rules said of its days; its added pieces (", Sa …") add to it.
                week[day] = (() if day not in replaced else week[day]) + intervals
                replaced.add(day)
    return Week(tuple(tuple(sorted(day)) for day in week))


def _clock(minute: int) -> str:
    if minute > DAY_MINUTES:
        minute -= DAY_MINUTES  # closes after midnight: 26:00 is 02:00 (and 24:00 stays midnight's 24:00)
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _day_names() -> list[str]:
    return [
        gettext("Monday"),
        gettext("Tuesday"),
        gettext("Wednesday"),
        gettext("Thursday"),
        gettext("Friday"),
        gettext("Saturday"),
        gettext("Sunday"),
    ]


def _days_label(days: list[int], names: list[str]) -> str:
    """Monday to Friday; Monday, Wednesday, Friday; every day."""
    if len(days) == 7:
        return gettext("Every day")
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    labels = []
    for run in runs:
        if len(run) >= 3:
            labels.append(gettext("%(first)s to %(last)s") % {"first": names[run[0]], "last": names[run[-1]]})
        else:
            labels += [names[day] for day in run]
    return pgettext("between the items of a list", ", ").join(labels)


def describe(week: Week) -> str:
    """The week in words, in the active language: "Monday to Saturday: 08:00-20:00; Sunday: closed"."""
    if all(day == ((0, DAY_MINUTES),) for day in week.days):
        return gettext("Open 24 hours, every day")
    names = _day_names()
    by_hours: dict[tuple[Interval, ...], list[int]] = {}
    for day, intervals in enumerate(week.days):
        by_hours.setdefault(intervals, []).append(day)
    parts = []
    # The days it opens, in the week's order; the days it is closed last.
    for intervals, days in sorted(by_hours.items(), key=lambda item: (not item[0], item[1][0])):
        times = pgettext("between the items of a list", ", ").join(
            f"{_clock(start)}{EN_DASH}{_clock(end)}" for start, end in intervals
        )
        parts.append(
            pgettext("a day and its opening hours", "%(days)s: %(hours)s")
            % {"days": _days_label(days, names), "hours": times or gettext("closed")}
        )
    text = pgettext("between the days of opening hours", "; ").join(parts)
    return text[:1].upper() + text[1:]


def readable(hours: str) -> tuple[str, Week | None]:
    """The hours to show (in words when parsed, else as written) and the week to say "open now" from."""
    week = parse(hours)
    return (describe(week) if week else hours), week


def in_words(collection: str) -> dict[str, Any]:
    """Service points (a GeoJSON FeatureCollection's text) with their `hours` in words and, where parsed, the
    `week` their popup says "open now" from."""
    data = json.loads(collection)
    for feature in data["features"]:
        properties = feature["properties"]
        properties["hours"], week = readable(properties.get("hours") or "")
        if week is not None:
            properties["week"] = week.as_json()
    return data
