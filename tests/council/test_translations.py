"""The council pages read in Arabic and French (catalogues compiled by `make setup`), nothing left untranslated."""

from pathlib import Path

import pytest

from tests.budgeting.test_translations import PLACEHOLDER, read_catalogue

APP = Path(__file__).resolve().parents[2] / "gisportal" / "council"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_every_message_is_translated_with_its_placeholders(lang: str) -> None:
    entries = read_catalogue(APP / "locale" / lang / "LC_MESSAGES" / "django.po")[1:]
    assert len(entries) > 150
    for entry in entries:
        assert "fuzzy" not in entry.flags, entry.fields
        source = entry.fields["msgid"]
        for translated in entry.translations:
            assert translated, source
            if lang == "fr" or "%(n)s" not in translated:  # Arabic's dual and zero forms name no number
                wanted = set(PLACEHOLDER.findall(source)) - ({"%(n)s"} if lang == "ar" else set())
                assert wanted <= set(PLACEHOLDER.findall(translated)), (source, translated)


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("/ar", ["اطرح سؤالًا على المجلس", "جدول الأعمال", "تابع البث المباشر", 'dir="rtl"']),
        ("", ["Poser une question au conseil", "Ordre du jour", "Suivre en direct", 'dir="ltr"']),
        ("/en", ["Ask the council a question", "Agenda", "Watch the live stream", 'dir="ltr"']),
    ],
)
def test_the_meeting_page_in_each_language(client, meeting, prefix: str, words: list[str]) -> None:
    html = client.get(f"{prefix}/council/6211/{meeting.pk}/").content.decode()
    for word in words:
        assert word in html
