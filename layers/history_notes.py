"""What a feature's history page shows beside its versions: the imports that wrote it. etl registers the source
(layers never imports the apps above it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model


@dataclass(frozen=True)
class HistoryNote:
    text: str
    url: str | None
    when: datetime


Source = Callable[[type[Model], Any], list[HistoryNote]]
SOURCES: list[Source] = []


def register(source: Source) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def notes_of(model: type[Model], pk: Any) -> list[HistoryNote]:
    """Every note on one feature, oldest first (its import is its first version)."""
    return sorted((note for source in SOURCES for note in source(model, pk)), key=lambda note: note.when)
