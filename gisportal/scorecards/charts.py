"""The scorecards' own picture, drawn on the server like the budget pages' (gisportal.finances.charts, whose text and
font it reuses): a score as a bar out of its maximum, with the governorate's and the country's medians marked on it.
Right to left in Arabic: labels from the right edge, bars growing from the right."""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from gisportal.finances.charts import FONT, _text

OWN = "#0b5a6b"
GOVERNORATE = "#e08a1e"  # the governorate's median: an orange tick
NATIONAL = "#223"  # the national median: a dark tick


@dataclass(frozen=True)
class Against:
    label: str
    share: float | None  # the score as a share of its maximum, 0 to 1; None: not scored
    governorate: float | None  # the medians, as shares of the same maximum
    national: float | None
    text: str  # the score as written at the row's end, "20 / 30"


def against_medians(items: Sequence[Against], *, rtl: bool, title: str, width: int = 340) -> str:
    """One row per criterion: its label, then a track the length of the maximum score, the bar of the score and two
    ticks, the governorate's median and the national one (each with its tooltip in the table beside)."""
    pad, value_room, row = 4, 70, 40
    span = width - 2 * pad - value_room
    parts = []

    def x_of(share: float) -> float:
        return width - pad - span * share if rtl else pad + span * share

    for i, item in enumerate(items):
        y = i * row
        parts.append(_text(width - pad if rtl else pad, y + 14, item.label, rtl=rtl))
        track = x_of(1) if rtl else pad
        parts.append(f'<rect x="{track:.1f}" y="{y + 20}" width="{span:.1f}" height="14" rx="2" fill="#e6eef2"/>')
        if item.share is not None:
            length = span * max(0.0, min(item.share, 1.0))
            x = width - pad - length if rtl else pad
            parts.append(f'<rect x="{x:.1f}" y="{y + 20}" width="{length:.1f}" height="14" rx="2" fill="{OWN}"/>')
        for share, colour, dash in (
            (item.governorate, GOVERNORATE, ""),
            (item.national, NATIONAL, ' stroke-dasharray="3 2"'),
        ):
            if share is not None:
                x = x_of(max(0.0, min(share, 1.0)))
                parts.append(
                    f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 16}" y2="{y + 38}" stroke="{colour}" '
                    f'stroke-width="2.5"{dash}/>'
                )
        value_x = x_of(1) - 5 if rtl else x_of(1) + 5
        parts.append(_text(value_x, y + 32, item.text, rtl=rtl, size=12))
    height = max(len(items) * row, row)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" {FONT} fill="#223">{"".join(parts)}</svg>'
    )
