"""The maps' icon font is Font Awesome cut down to the service types' glyphs, and up to date with them."""

import io

from fontTools.ttLib import TTFont

from maps import icons
from maps.builders import SERVICE_ICONS

NAMES = sorted({icon for icon, _ in SERVICE_ICONS.values()})


def test_the_stylesheet_is_up_to_date_with_the_service_icons() -> None:
    written = (icons.OUT / "icons.css").read_text(encoding="utf-8")
    assert written == icons.stylesheet(NAMES), "run `gisportal subset_icons` and commit what it writes"
    assert "Font Awesome Free 6.2.0" in written  # the licence header stays


def test_the_font_holds_every_icon_and_little_else() -> None:
    path = icons.OUT / icons.FONT_NAME
    face = TTFont(io.BytesIO(path.read_bytes()))
    assert set(icons.codepoints(NAMES).values()) <= set(face.getBestCmap())
    assert len(face.getGlyphOrder()) <= len(NAMES) + 2  # .notdef and a space at most
    assert path.stat().st_size < 10_000  # against 150 KB for the whole solid style


def test_a_map_page_loads_the_cut_down_icons_only(client, tozeur) -> None:
    html = client.get("/m/6211/services/").content.decode()
    assert "maps/icons/icons.css" in html and "fontawesome" not in html
