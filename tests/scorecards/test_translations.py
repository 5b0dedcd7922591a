"""The scorecards' catalogues leave nothing untranslated and keep every placeholder."""

from pathlib import Path

import pytest

from tests.budgeting.test_translations import PLACEHOLDER, read_catalogue

LOCALE = Path(__file__).resolve().parents[2] / "gisportal" / "scorecards" / "locale"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_entry_is_translated_and_keeps_its_placeholders(language):
    header, *entries = read_catalogue(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert header.fields["msgid"] == "" and len(entries) > 100
    for entry in entries:
        assert "fuzzy" not in entry.flags, entry.fields["msgid"]
        wanted = sorted(PLACEHOLDER.findall(entry.fields["msgid"]))
        for translation in entry.translations:
            assert translation, entry.fields["msgid"]
            assert sorted(PLACEHOLDER.findall(translation)) == wanted, entry.fields["msgid"]
