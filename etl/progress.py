"""A progress bar for long imports, drawn on a terminal only, then the steps after the last row."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from etl.models import ImportJob


class ProgressBar:
    def __init__(self, label: str, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.label, self.stream, self.width = label, stream, width
        self.started = time.monotonic()
        self.enabled = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        share = done / total if total else 1.0
        filled = int(share * self.width)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {share:4.0%} {done:,}/{total:,} features, {rate:,.0f}/s")
        self.stream.flush()

    def phase(self, name: str) -> None:
        if self.enabled and name != "reading":  # the bar itself is the reading
            self.stream.write(f"\n{self.label}: {ImportJob.Phase(name).label}…")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
