"""A municipality's spaces in one place: each participation app says what it offers and what is open now."""

from collections.abc import Callable
from dataclasses import dataclass

from layers.models import Municipality


@dataclass(frozen=True)
class Opening:
    what: str  # already translated, e.g. "Petition 'Lights on Avenue Bourguiba': 120 of 300 signatures"
    url: str
    until: str = ""  # already formatted closing date, or "" when open-ended


@dataclass(frozen=True)
class Space:
    order: int  # where it sits on the municipality's page: reporting 10, maps 20, budgets 30, petitions 40 …
    name: str  # already translated, e.g. "Petitions"
    url: str
    open_now: tuple[Opening, ...] = ()


SpaceSource = Callable[[Municipality], Space | None]
OpenSource = Callable[[], list[tuple[Municipality, Opening]]]  # what is open across every municipality

SPACES: list[SpaceSource] = []
OPEN_EVERYWHERE: list[OpenSource] = []


def register(space: SpaceSource, open_everywhere: OpenSource | None = None) -> None:
    """Called from an app's ready(): `space` for a municipality's page, `open_everywhere` for the national one."""
    if space not in SPACES:
        SPACES.append(space)
    if open_everywhere is not None and open_everywhere not in OPEN_EVERYWHERE:
        OPEN_EVERYWHERE.append(open_everywhere)


def of(municipality: Municipality) -> list[Space]:
    return sorted((s for source in SPACES if (s := source(municipality)) is not None), key=lambda s: s.order)


def open_everywhere() -> list[tuple[Municipality, Opening]]:
    return sorted((item for source in OPEN_EVERYWHERE for item in source()), key=lambda item: item[0].name_fr)
