"""Petition pages read in Arabic and French, and their catalogues leave nothing untranslated."""

import html
import re
from pathlib import Path

import pytest

from gisportal.petitions.models import Petition
from tests.budgeting.test_translations import PLACEHOLDER, plural_forms, read_catalogue

pytestmark = pytest.mark.django_db
CATALOGUES = [
    Path(__file__).resolve().parents[2] / "gisportal" / "petitions" / "locale" / lang / "LC_MESSAGES" / "django.po"
    for lang in ("ar", "fr")
]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_entry_is_translated_and_keeps_its_placeholders(path: Path) -> None:
    header, *entries = read_catalogue(path)
    nplurals = int(re.search(r"nplurals=(\d+)", plural_forms(header)).group(1))  # type: ignore[union-attr]
    assert entries
    for entry in entries:
        msgid = entry.fields["msgid"]
        assert "fuzzy" not in entry.flags and all(entry.translations), msgid
        wanted = set(PLACEHOLDER.findall(msgid + entry.fields.get("msgid_plural", "")))
        if "msgid_plural" in entry.fields:
            assert len(entry.translations) == nplurals, msgid
            assert all(set(PLACEHOLDER.findall(t)) <= wanted for t in entry.translations), msgid
        else:
            assert set(PLACEHOLDER.findall(entry.translations[0])) == wanted, msgid


PAGES = {
    "ar": ["العرائض الموجّهة إلى", "مفتوحة للتوقيع", "وقّعي هذه العريضة", "سجل العريضة", "من 5 توقيعًا"],
    "fr": [
        "Pétitions à",
        "Ouverte aux signatures",
        "Signer cette pétition",
        "Historique de la pétition",
        "signatures sur 5",
    ],
}
ENGLISH = ["Open for signatures", "Sign this petition", "What you can do", "Start a petition"]


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_pages_read_in_the_language_asked_for(client, open_petition: Petition, lang: str) -> None:  # type: ignore[no-untyped-def]
    prefix = "/ar" if lang == "ar" else ""
    text = ""
    for url in (f"{prefix}/petitions/6211/", f"{prefix}/petitions/6211/{open_petition.pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        text += html.unescape(response.content.decode())
    for phrase in PAGES[lang]:
        assert phrase in text, phrase
    for english in ENGLISH:
        assert english not in text, english
