"""Consultation pages read in Arabic and French, and their catalogues leave nothing untranslated."""

import re
from pathlib import Path

import django
import pytest
from django.test import Client

from gisportal.consultations import services
from gisportal.consultations.models import Consultation
from gisportal.participants.models import Participant
from tests.budgeting.test_translations import PLACEHOLDER, page_text, plural_forms, read_catalogue

pytestmark = pytest.mark.django_db
LOCALE = Path(__file__).resolve().parents[2] / "gisportal" / "consultations" / "locale"
CATALOGUES = [LOCALE / lang / "LC_MESSAGES" / "django.po" for lang in ("ar", "fr")]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_entry_is_translated_and_keeps_its_placeholders(path: Path) -> None:
    header, *entries = read_catalogue(path)
    nplurals = int(re.search(r"nplurals=(\d+)", plural_forms(header)).group(1))  # type: ignore[union-attr]
    assert len(entries) > 150
    for entry in entries:
        msgid = entry.fields["msgid"]
        assert "fuzzy" not in entry.flags, msgid
        assert all(entry.translations), f"untranslated: {msgid!r}"
        wanted = set(PLACEHOLDER.findall(msgid + entry.fields.get("msgid_plural", "")))
        if "msgid_plural" in entry.fields:
            assert len(entry.translations) == nplurals, msgid
            assert all(set(PLACEHOLDER.findall(t)) <= wanted for t in entry.translations), msgid
        else:
            assert set(PLACEHOLDER.findall(entry.translations[0])) == wanted, msgid


def test_the_arabic_plural_rule_is_djangos_own() -> None:
    djangos = read_catalogue(Path(django.__file__).parent / "conf" / "locale" / "ar" / "LC_MESSAGES" / "django.po")[0]
    assert plural_forms(read_catalogue(CATALOGUES[0])[0]) == plural_forms(djangos)


PAGES = {
    "ar": ["الاستشارات العمومية", "مفتوحة للتعليقات", "برنامج صحي محلي", "تعليق واحد"],
    "fr": ["Consultations publiques", "Ouverte aux commentaires", "Programme local de santé", "1 commentaire"],
}
ENGLISH = ["Public consultations", "Open for comments", "Local health programme", "Confirm your phone or e-mail"]


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_pages_read_in_the_language_asked_for(
    client: Client, consultation: Consultation, residents: list[Participant], lang: str
) -> None:
    services.comment(
        consultation=consultation, participant=residents[0], body="Avis", section=consultation.sections.first()
    )
    prefix = "/ar" if lang == "ar" else ""
    text = page_text(client, f"{prefix}/consultations/")
    for phrase in PAGES[lang]:
        assert phrase in text, phrase
    page = page_text(client, f"{prefix}/consultations/6211/{consultation.pk}/")
    for english in ENGLISH:
        assert english not in text and english not in page, english
    assert ('dir="rtl"' in page) == (lang == "ar")
