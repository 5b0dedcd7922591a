"""The map icons as a stylesheet and a font of their own: only the Font Awesome glyphs the maps draw.

Font Awesome's stylesheet (80 KB) and solid font (150 KB) are the heaviest part of a first map on a phone, for
the 14 glyphs of the service types. `gisportal subset_icons` writes `maps/static/maps/icons/` from the vendored
copy (gisportal/static/vendor/fontawesome-free/); a test checks it is up to date with SERVICE_ICONS.
"""

import io
import re
from pathlib import Path

from gisportal.paths import BASE_DIR

VENDORED = BASE_DIR / "gisportal/static/vendor/fontawesome-free"
OUT = BASE_DIR / "maps/static/maps/icons"
FONT_NAME = "icons.woff2"
# Font Awesome's own rules for `.fa` (what awesome-markers and the legend write: `<i class="fa fa-trash">`).
BASE_RULES = """@font-face{font-family:"gisportal icons";font-style:normal;font-weight:900;font-display:block;\
src:url(%s) format("woff2")}
.fa{font-family:"gisportal icons";font-weight:900;-moz-osx-font-smoothing:grayscale;\
-webkit-font-smoothing:antialiased;display:inline-block;font-style:normal;font-variant:normal;line-height:1;\
text-rendering:auto}
"""


def codepoints(icons: list[str]) -> dict[str, int]:
    """Each icon's code point in the vendored stylesheet (an alias name included)."""
    css = (VENDORED / "css/fontawesome.min.css").read_text(encoding="utf-8")
    found = {}
    for icon in icons:
        match = re.search(r"\.fa-" + re.escape(icon) + r":before[^{]*\{content:\"\\([0-9a-f]+)\"\}", css)
        if match is None:
            raise LookupError(f"Font Awesome {icon!r} is not in the vendored stylesheet")
        found[icon] = int(match[1], 16)
    return found


def stylesheet(icons: list[str]) -> str:
    header = (VENDORED / "css/fontawesome.min.css").read_text(encoding="utf-8").split("*/", 1)[0] + "*/\n"
    rules = "".join(f'.fa-{icon}:before{{content:"\\{point:x}"}}\n' for icon, point in codepoints(icons).items())
    return header + "/* The glyphs the maps draw (maps/icons.py) */\n" + BASE_RULES % FONT_NAME + rules


def font(icons: list[str]) -> bytes:
    """The solid font cut down to the icons' glyphs, as WOFF2."""
    from fontTools import subset  # a development tool: the files it writes are committed

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.name_IDs = ["*"]  # the licence and copyright names stay in the font
    face = subset.load_font(str(VENDORED / "webfonts/fa-solid-900.ttf"), options)
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=sorted(codepoints(icons).values()))
    cutter.subset(face)
    out = io.BytesIO()
    subset.save_font(face, out, options)
    return out.getvalue()


def write(icons: list[str], folder: Path = OUT) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    css, woff2 = folder / "icons.css", folder / FONT_NAME
    css.write_text(stylesheet(icons), encoding="utf-8")
    woff2.write_bytes(font(icons))
    return [css, woff2]
