"""OpenStreetMap opening hours read as people say them, in each language, and whether a place is open at a time."""

import pytest
from django.utils import translation

from maps.opening_hours import EN_DASH, parse, readable

MONDAY, FRIDAY, SATURDAY, SUNDAY = 0, 4, 5, 6


def said(hours: str, language: str = "en") -> str:
    """The hours in words, with their en dashes as hyphens (as the expectations below are typed)."""
    with translation.override(language):
        return readable(hours)[0].replace(EN_DASH, "-")


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        ("Mo-Sa 08:00-20:00", "Monday to Saturday: 08:00-20:00; Sunday: closed"),
        ("24/7", "Open 24 hours, every day"),
        ("08:00-12:00,14:00-18:00", "Every day: 08:00-12:00, 14:00-18:00"),
        ("Mo,We,Fr 09:00-17:00", "Monday, Wednesday, Friday: 09:00-17:00; Tuesday, Thursday, Saturday, Sunday: closed"),
        (
            "Mo-Fr 08:00-12:00,14:00-18:00; Sa 08:00-12:00",
            "Monday to Friday: 08:00-12:00, 14:00-18:00; Saturday: 08:00-12:00; Sunday: closed",
        ),
        # A later rule replaces the days it names; a comma before a day adds a rule.
        ("Mo-Su 08:00-20:00; Fr off", "Monday to Thursday, Saturday, Sunday: 08:00-20:00; Friday: closed"),
        ("Mo-Fr 08:00-17:00, Sa 09:00-12:00", "Monday to Friday: 08:00-17:00; Saturday: 09:00-12:00; Sunday: closed"),
        # A range of days round the weekend, hours past midnight, loose spaces as people type them.
        ("Fr-Mo 20:00-02:00", "Monday, Friday to Sunday: 20:00-02:00; Tuesday to Thursday: closed"),
        ("Sa,Su  10:00 - 13:00", "Saturday, Sunday: 10:00-13:00; Monday to Friday: closed"),
    ],
)
def test_common_forms_in_words(hours: str, words: str) -> None:
    assert said(hours) == words


@pytest.mark.parametrize(
    "hours",
    ["Mo-Fr 08:00-17:00; PH off", "sunrise-sunset", "Mo-Fr 25:00-26:00", "Jan-Mar Mo 10:00-12:00", "mo-fr 8-17"],
)
def test_anything_else_is_shown_as_given(hours: str) -> None:
    assert parse(hours) is None
    assert said(hours) == hours


def test_in_french_and_arabic() -> None:
    assert EN_DASH in readable("Mo 08:00-20:00")[0]  # between the two ends of a range, as typeset
    assert said("Mo-Sa 08:00-20:00", "fr") == "Du lundi au samedi : 08:00-20:00 ; dimanche : fermé"
    assert said("Mo-Sa 08:00-20:00", "ar") == "من الاثنين إلى السبت: 08:00-20:00؛ الأحد: مغلق"
    assert said("24/7", "fr") == "Ouvert 24 h sur 24, 7 jours sur 7"


def test_open_at_a_time() -> None:
    week = parse("Mo-Fr 08:00-12:00,14:00-18:00; Sa 22:00-02:00")
    assert week is not None
    assert week.is_open(MONDAY, 9 * 60)
    assert not week.is_open(MONDAY, 13 * 60)  # the lunch break
    assert not week.is_open(MONDAY, 18 * 60)  # closing time is closed
    assert week.is_open(SATURDAY, 23 * 60)
    assert week.is_open(SUNDAY, 60)  # Saturday night, after midnight
    assert not week.is_open(SUNDAY, 3 * 60)
    assert not week.is_open(FRIDAY, 20 * 60)
    assert parse("24/7").is_open(SUNDAY, 0)  # type: ignore[union-attr]
    # What the map's script reads: minutes from midnight, Monday first, past 1440 after midnight.
    assert week.as_json()[MONDAY] == [[480, 720], [840, 1080]]
    assert week.as_json()[SATURDAY] == [[1320, 1560]]
