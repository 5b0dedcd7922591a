"""One way of writing a date per language, on every page: day first in French and Arabic, "7 Dec 2026" in English."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

from layers.models import Complaint
from tests.conftest import Town

MOMENT = datetime.datetime(2026, 12, 7, 14, 5, tzinfo=ZoneInfo("Africa/Tunis"))
WRITTEN = {
    "fr": ("07/12/2026", "07/12/2026 14:05"),
    "ar": ("07/12/2026", "07/12/2026 14:05"),
    "en": ("7 Dec 2026", "7 Dec 2026 14:05"),
}


@pytest.mark.parametrize("language", WRITTEN)
def test_every_format_of_a_language_writes_a_date_one_way(language):
    date, moment = WRITTEN[language]
    with translation.override(language):
        for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
            assert formats.date_format(MOMENT, name) == date
        for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert formats.date_format(MOMENT, name) == moment
        assert formats.time_format(MOMENT) == "14:05"


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_typed_date_is_read_day_first(language):
    from django import forms

    with translation.override(language):
        assert forms.DateField().clean("03/04/2026") == datetime.date(2026, 4, 3)


@pytest.mark.parametrize(("prefix", "language"), [("/ar/", "ar"), ("/", "fr"), ("/en/", "en")])
def test_the_status_page_writes_its_dates_in_the_pages_format(client, tozeur: Town, prefix, language):
    Complaint.objects.filter(pk=tozeur.complaint.pk).update(created_at=MOMENT, due_at=MOMENT)
    html = client.get(f"{prefix}report/{tozeur.complaint.tracking_code}/").content.decode()
    date, moment = WRITTEN[language]
    assert f"<dd>{moment}</dd>" in html  # reported
    assert f"<dd>{date}</dd>" in html  # answer expected by
    assert not re.search(r"\b12/07/2026\b", html)  # never month first
