"""The budget pages' catalogues leave nothing untranslated and keep every placeholder."""

import re
from pathlib import Path

import pytest

from tests.budgeting.test_translations import PLACEHOLDER, read_catalogue

LOCALE = Path(__file__).resolve().parents[2] / "gisportal" / "finances" / "locale"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_entry_is_translated_and_keeps_its_placeholders(language):
    header, *entries = read_catalogue(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert header.fields["msgid"] == "" and len(entries) > 150
    for entry in entries:
        assert "fuzzy" not in entry.flags, entry.fields["msgid"]
        wanted = sorted(PLACEHOLDER.findall(entry.fields["msgid"]))
        for translation in entry.translations:
            assert translation, entry.fields["msgid"]
            found = sorted(PLACEHOLDER.findall(translation))
            # An Arabic form for 1 or 2 may say the number in words instead of the placeholder.
            assert found == wanted or (language == "ar" and set(found) <= set(wanted)), entry.fields["msgid"]
    if language == "ar":
        assert re.search(r"nplurals=6", header.fields["msgstr"])
