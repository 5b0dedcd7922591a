"""A score card's bars as SVG written on the server: on a fixed 0-5 axis, so that bars of every indicator compare.

Right to left in Arabic: labels start at the right edge and bars grow from the right, as in the budget charts
(`gisportal.finances.charts`); the numbers come written in the page's language (`finances.figures`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from gisportal.community_scorecards.models import HIGHEST
from gisportal.finances import figures

FONT = "font-family=\"system-ui,'Noto Sans Arabic',sans-serif\""
GROUP, PROVIDER, ONLINE = "#0b5a6b", "#b35806", "#5e3c99"  # distinct in colour and in grey


@dataclass(frozen=True)
class Bar:
    label: str
    score: float | None  # None: not scored by this source
    tone: str = GROUP


def _text(x: float, y: float, text: str, *, rtl: bool, anchor: str = "start", size: int = 13) -> str:
    direction = ' direction="rtl"' if rtl else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{direction}>{escape(text)}</text>'


def score_bars(items: Sequence[Bar], *, rtl: bool, title: str, width: int = 340) -> str:
    """One row per source: its label above, its bar on the 0-5 axis and the score written after it."""
    pad, value_room, row = 4, 44, 36
    span = width - 2 * pad - value_room
    parts = []
    for tick in range(HIGHEST + 1):  # grid lines at 0 … 5, the same place on every chart
        offset = span * tick / HIGHEST
        x = width - pad - offset if rtl else pad + offset
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="16" y2="{len(items) * row + 4}" stroke="#e3e9ed"/>')
    for i, item in enumerate(items):
        y = i * row
        parts.append(_text(width - pad if rtl else pad, y + 13, item.label, rtl=rtl, size=12))
        if item.score is None:
            parts.append(_text(width - pad if rtl else pad, y + 30, figures.DASH, rtl=rtl, size=12))
            continue
        length = span * item.score / HIGHEST
        x = width - pad - length if rtl else pad
        parts.append(f'<rect x="{x:.1f}" y="{y + 18}" width="{length:.1f}" height="13" rx="2" fill="{item.tone}"/>')
        value_x = (x - 5) if rtl else (x + length + 5)
        parts.append(_text(value_x, y + 29, figures.number(item.score, 1), rtl=rtl, size=12))
    height = max(len(items), 1) * row + 6
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" {FONT} fill="#223">{"".join(parts)}</svg>'
    )
