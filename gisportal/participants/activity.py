"""A participant's own activity in one place: each participation app registers what it knows of her."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from gisportal.participants.models import Participant


@dataclass(frozen=True)
class Activity:
    when: datetime
    what: str  # already translated, e.g. "Ballot cast in Tozeur's 2026 participatory budget"
    url: str


SOURCES: list[Callable[[Participant], list[Activity]]] = []


def register(source: Callable[[Participant], list[Activity]]) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def of(participant: Participant) -> list[Activity]:
    return sorted((item for source in SOURCES for item in source(participant)), key=lambda a: a.when, reverse=True)
