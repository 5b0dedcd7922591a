"""What an import tells its caller: the counts of the summary line, or why it was refused."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Protocol

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext


class Progress(Protocol):
    """Told how far an import has come: the rows staged of the file's, and each step it starts (ImportJob.Phase)."""

    def __call__(self, done: int, total: int) -> None: ...

    def phase(self, name: str) -> None: ...


class ImportFailed(Exception):
    """The import was refused; nothing was stored."""


@dataclass
class ImportSummary:
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: int = 0
    dissolved: int = 0
    dropped: int = 0
    rejected: int = 0
    report: Path | None = None
    dry_run: bool = False
    seconds: dict[str, float] = field(default_factory=dict)  # by phase, for benchmarks
    language: str = "en"  # the import's: its summary line is said in it
    record_id: int | None = None  # its ImportRecord (what `gisportal undo-import` takes)

    def line(self) -> str:
        """ "6 read, 4 imported, …" in the import's language."""
        with translation.override(self.language):
            counts = pgettext("between the items of a list", ", ").join(
                _count(f.name, getattr(self, f.name)) for f in fields(self) if f.type == "int"
            )
            return counts + (gettext(" (dry run: nothing stored)") if self.dry_run else "")


def _count(name: str, count: int) -> str:
    words = {
        "read": ngettext("%(count)s read", "%(count)s read", count),
        "imported": ngettext("%(count)s imported", "%(count)s imported", count),
        "updated": ngettext("%(count)s updated", "%(count)s updated", count),
        "unchanged": ngettext("%(count)s unchanged", "%(count)s unchanged", count),
        "repaired": ngettext("%(count)s repaired", "%(count)s repaired", count),
        "dissolved": ngettext("%(count)s dissolved", "%(count)s dissolved", count),
        "dropped": ngettext("%(count)s dropped", "%(count)s dropped", count),
        "rejected": ngettext("%(count)s rejected", "%(count)s rejected", count),
    }
    return words[name] % {"count": number_format(count, force_grouping=True)}
