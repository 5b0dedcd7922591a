"""Walk the citizen pages as a visitor would, by their links, and list what a person would trip over.

Every page reached from the home page is checked for: an error status, a source text (English msgid)
left untranslated in the page's language, no way back to the home page, and links that lead nowhere.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client
from django.utils.translation import trans_real

# Not citizen pages: staff, machine formats and downloads (their own tests check them).
SKIPPED = re.compile(
    r"^/(?:(?:ar|en)/)?(?:admin|accounts|imports|staff|api|ogc|tiles|open311|basemap|media|i18n|routes)/"
    r"|\.(?:json|geojson|csv|gpkg|pbf|svg|png|jpg|ics|zip|html|xml|txt|fgb|parquet)(?:\?|$)"
    r"|/(?:download|export)/"
)
MUNICIPALITY_PAGE = re.compile(r"^/(?:(?:ar|en)/)?[a-z-]+/(\d{4})/")  # /petitions/6211/…, /m/6211/…
PAGES_OF_A_KIND = 3  # e.g. three municipalities' maps, three petitions, three filtered lists
CHECKED_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
IGNORED_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def source_texts(language: str) -> set[str]:
    """The English texts the language's catalogues translate into something else, and are no translation themselves.

    ("Vote" is French for the voting phase as well as the English for the button "Voter".)
    """
    sources, translations = set(), set()
    catalogue = trans_real.translation(language)._catalog  # type: ignore[attr-defined]  # merged: every app's
    for key, translated in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04")[-1]  # without its context
        translations.add(" ".join(translated.split()))
        if msgid and translated and translated != msgid and re.search(r"[A-Za-z]{3}", msgid):
            sources.add(" ".join(msgid.split()))
    return sources - translations


class PageText(HTMLParser):
    """The page's links and the texts a reader sees, leaving out user content (`dir="auto"`) and code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.texts: list[str] = []
        self._skipping: list[str] = []  # open elements whose text is not the portal's own

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag in VOID_ELEMENTS:
            if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
                self.texts.append(values["value"] or "")
        elif (
            self._skipping
            or tag in IGNORED_ELEMENTS
            or values.get("dir") == "auto"
            or "translate" in values
            or (tag != "html" and "lang" in values)  # a language's own name on its button, a quote
        ):
            self._skipping.append(tag)
        if not self._skipping:
            self.texts.extend(value for name in CHECKED_ATTRIBUTES if (value := values.get(name)))

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.texts.append(data)


@dataclass
class Walk:
    language: str
    visited: dict[str, int] = field(default_factory=dict)  # path → status
    untranslated: dict[str, set[str]] = field(default_factory=dict)  # path → texts
    without_way_home: list[str] = field(default_factory=list)
    without_way_to_municipality: list[str] = field(default_factory=list)  # a page of one municipality's
    broken_links: dict[str, str] = field(default_factory=dict)  # target → the page linking to it

    @property
    def errors(self) -> dict[str, int]:
        return {path: status for path, status in self.visited.items() if status >= 400}


def walk(client: Client, start: str, *, language: str, limit: int = 400) -> Walk:
    """Breadth-first from `start`, following same-site links of citizen pages (at most `limit` pages)."""
    result = Walk(language)
    sources = source_texts(language) if language != "en" else set()
    home = urlsplit(start).path
    queue: deque[tuple[str, str]] = deque([(start, "")])
    seen = {start}
    variants: dict[str, int] = {}  # pages of one kind queued (ids and queries aside): a few of each
    while queue and len(result.visited) < limit:
        path, referrer = queue.popleft()
        response = client.get(path, follow=True, HTTP_ACCEPT_LANGUAGE=language)
        result.visited[path] = response.status_code
        if response.status_code >= 400:
            result.broken_links[path] = referrer
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        page = PageText()
        page.feed(response.content.decode())
        left = {text for raw in page.texts if (text := " ".join(raw.split())) in sources}
        if left:
            result.untranslated[path] = left
        targets = [urldefrag(urljoin(path, link))[0] for link in page.links]
        local = [urlsplit(t) for t in targets if urlsplit(t).netloc in {"", "testserver"}]
        if not any(parts.path == home for parts in local):
            result.without_way_home.append(path)
        landed = response.request["PATH_INFO"]  # after redirects, e.g. to the sign-in page
        if (code := MUNICIPALITY_PAGE.search(landed)) and not any(
            parts.path == f"{home}m/{code[1]}/" for parts in local
        ):
            result.without_way_to_municipality.append(path)
        for parts in local:
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or SKIPPED.search(target):
                continue
            kind = re.sub(r"\d+", "N", parts.path) + ("?" if parts.query else "")
            variants[kind] = variants.get(kind, 0) + 1
            if variants[kind] > PAGES_OF_A_KIND:
                continue
            seen.add(target)
            queue.append((target, path))
    return result
