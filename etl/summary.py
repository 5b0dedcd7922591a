"""What an import tells its caller: the counts of the summary line, or why it was refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

Progress = Callable[[int, int], None]


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

    def line(self) -> str:
        counts = ", ".join(f"{getattr(self, f.name):,} {f.name}" for f in fields(self) if f.type == "int")
        note = " (dry run: nothing stored)" if self.dry_run else ""
        return f"{counts}{note}"
