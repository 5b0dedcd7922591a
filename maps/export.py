"""One self-contained HTML file per municipality: every script, stylesheet, icon and font written into it."""

from html import escape
from pathlib import Path

from branca.element import Figure
from django.utils import translation

from maps import builders, selectors
from maps.assets import inline_assets


class UnknownMunicipality(LookupError):
    pass


def municipality_html(code: str, *, language: str = "fr") -> str:
    """The municipality's home map as one offline HTML page.

    Complaints are a snapshot at the opening zoom; a tap is answered from the drawn layers, not the server.
    """
    frame = selectors.municipality_frame(code)
    if frame is None:
        raise UnknownMunicipality(code)
    with translation.override(language):
        m = builders.municipality_map(frame, links=None)
        m.height = (100.0, "%")  # the whole window: the file is the map
        title = frame.name_ar if language == "ar" else frame.name_fr
        direction = "rtl" if translation.get_language_bidi() else "ltr"
        root = m.get_root()
        assert isinstance(root, Figure)
        root.title = escape(title)  # branca writes the title into <title> as it is
        html = root.render()
    html = html.replace("<html>", f'<html lang="{language}" dir="{direction}">', 1)
    return inline_assets(html)


def write_municipality_html(code: str, directory: Path, *, language: str = "fr") -> Path:
    target = directory / f"gisportal-{code}-{language}.html"
    target.write_text(municipality_html(code, language=language), encoding="utf-8")
    return target
