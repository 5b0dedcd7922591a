"""Charts as SVG written on the server: they show without JavaScript, and each has its table beside it.

Right to left in Arabic: labels start at the right edge, bars grow from the right, and the years run from right to
left, as an Arabic reader reads a time axis. Numbers come already written in the page's language (figures).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

# Sequential, readable by colour-blind readers and in grey: ColorBrewer's Blues, light to dark.
CLASSES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "url(#no-data)"
FONT = "font-family=\"system-ui,'Noto Sans Arabic',sans-serif\""


def _text(x: float, y: float, text: str, *, rtl: bool, anchor: str = "start", size: int = 13, extra: str = "") -> str:
    direction = ' direction="rtl"' if rtl else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{direction}{extra}>'
        f"{escape(text)}</text>"
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # what the bar's length shows
    text: str  # the value as written at the bar's end
    tone: str = "#0b5a6b"


def bars(items: Sequence[Bar], *, rtl: bool, title: str, width: int = 340) -> str:
    """Horizontal bars, one row each: the label above, the bar and its value below it."""
    pad, value_room, row = 4, 110, 38
    longest = max((item.value for item in items), default=0) or 1
    span = width - 2 * pad - value_room
    parts = []
    for i, item in enumerate(items):
        y = i * row
        length = max(span * item.value / longest, 1 if item.value > 0 else 0)
        start = width - pad if rtl else pad
        parts.append(_text(start, y + 14, item.label, rtl=rtl))
        x = width - pad - length if rtl else pad
        parts.append(f'<rect x="{x:.1f}" y="{y + 19}" width="{length:.1f}" height="14" rx="2" fill="{item.tone}"/>')
        value_x = (x - 5) if rtl else (x + length + 5)
        parts.append(_text(value_x, y + 31, item.text, rtl=rtl, size=12))
    height = max(len(items) * row, row)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" {FONT} fill="#223">{"".join(parts)}</svg>'
    )


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: Sequence[float | None]  # one per year, None where nothing is loaded


def _step(top: float) -> float:
    """A round step giving 3 to 6 grid lines up to `top`."""
    step = 10 ** len(str(int(top))) / 10 if top >= 1 else 0.1
    while top / step > 6:
        step *= 2
    while top / step < 3:
        step /= 2
    return step


def columns(
    years: Sequence[int],
    series: Sequence[Series],
    *,
    rtl: bool,
    title: str,
    number: Callable[[float], str],
    year_text: Callable[[int], str] = str,
    width: int = 340,
    height: int = 210,
    top: float | None = None,
) -> str:
    """Grouped columns, a group per year (oldest first in reading order), with a value axis and grid lines.
    `number(value)` writes an axis value; `year_text(year)` a year, in the page's language; `top` the axis's top
    (100 for percents), by default the largest value."""
    axis, bottom, top_pad = 46, 22, 8
    top = top or max((v for s in series for v in s.values if v is not None), default=0) or 1
    step = _step(top)
    ceiling = step * -(-top // step)
    plot_w, plot_h = width - axis - 4, height - bottom - top_pad

    def y_of(value: float) -> float:
        return top_pad + plot_h * (1 - value / ceiling)

    parts = []
    ticks = round(ceiling / step)
    for i in range(ticks + 1):
        value = i * step
        y = y_of(value)
        x0, x1 = (4, width - axis) if rtl else (axis, width - 4)
        parts.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dde5ea"/>')
        label_x = width - axis + 4 if rtl else axis - 4
        parts.append(_text(label_x, y + 4, number(value), rtl=False, anchor="start" if rtl else "end", size=11))
    group = plot_w / max(len(years), 1)
    bar = min(group * 0.8 / max(len(series), 1), 18)
    for i, year in enumerate(years):
        slot = (len(years) - 1 - i) if rtl else i
        left = (4 if rtl else axis) + slot * group + (group - bar * len(series)) / 2
        for j, s in enumerate(series):
            amount = s.values[i]
            if amount is None:
                continue
            k = (len(series) - 1 - j) if rtl else j
            y = y_of(amount)
            tip = f"{s.name} {year_text(year)}: {number(amount)}"
            parts.append(
                f'<rect x="{left + k * bar:.1f}" y="{y:.1f}" width="{bar - 1:.1f}" height="{top_pad + plot_h - y:.1f}" '
                f'fill="{s.colour}"><title>{escape(tip)}</title></rect>'
            )
        centre = (4 if rtl else axis) + slot * group + group / 2
        parts.append(_text(centre, height - 6, year_text(year), rtl=False, anchor="middle", size=11))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" {FONT} fill="#223">{"".join(parts)}</svg>'
    )


def breaks(values: Sequence[float], classes: int = len(CLASSES)) -> list[float]:
    """Upper bounds of quantile classes of `values` (the last is the maximum); fewer classes when values repeat."""
    ordered = sorted(values)
    if not ordered:
        return []
    found: list[float] = []
    for i in range(1, classes + 1):
        bound = ordered[max(0, -(-i * len(ordered) // classes) - 1)]
        if not found or bound > found[-1]:
            found.append(bound)
    return found


def class_of(value: float | None, bounds: Sequence[float]) -> int | None:
    if value is None:
        return None
    return next((i for i, bound in enumerate(bounds) if value <= bound), len(bounds) - 1)


@dataclass(frozen=True)
class Area:
    code: str
    path: str
    tone: int | None  # class index, None: no data
    title: str  # "Bou Arada: 97 / 100", or "Bou Arada: no data"
    href: str


def choropleth(areas: Sequence[Area], *, width: int, height: int, title: str, tones: Sequence[str] = CLASSES) -> str:
    """The municipalities filled by class; a hatched grey where there is no data. Each links to its page."""
    styles = "".join(f".t{i}{{fill:{tone}}}" for i, tone in enumerate(tones))
    parts = [
        f"<style>path{{stroke:#fff;stroke-width:.5}}.nd{{fill:{NO_DATA}}}{styles}"
        "a:focus path,a:hover path{stroke:#c0392b;stroke-width:1.5}</style>",
        '<defs><pattern id="no-data" width="4" height="4" patternUnits="userSpaceOnUse">'
        '<rect width="4" height="4" fill="#eee"/><path d="M0 4L4 0" stroke="#bbb" stroke-width=".8"/></pattern></defs>',
    ]
    for area in areas:
        tone = "nd" if area.tone is None else f"t{area.tone}"
        parts.append(
            f'<a href="{escape(area.href)}"><path class="{tone}" d="{area.path}">'
            f"<title>{escape(area.title)}</title></path></a>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="choropleth">{"".join(parts)}</svg>'
    )
