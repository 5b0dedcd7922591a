"""The pages on the small case: bad input answered plainly, a municipality without data says so, and the tags editable
by their municipality's staff only."""

import html

import pytest
from django.utils import translation

from gisportal.accounts.models import Role
from gisportal.finances import services
from gisportal.finances.models import LineTag
from tests.conftest import staff
from tests.finances.conftest import third_town

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "status", "said"),
    [
        ("/finances/6211/?year=20x8", 400, "quatre chiffres"),
        ("/ar/finances/6211/?year=x", 400, "أربعة أرقام"),
        ("/finances/6211/?year=2010", 404, "Aucun budget de Tozeur n'est chargé pour 2010."),
        ("/finances/9999/", 404, ""),
        ("/finances/?measure=happiness", 400, "Aucun indicateur ne s'appelle « happiness »."),
        ("/finances/?measure=performance_score&year=1999", 404, "pour 1999"),
        ("/finances/measures.json?measure=happiness", 400, "happiness"),
        ("/finances/6211/lines.csv?year=2010", 404, ""),
    ],
)
def test_bad_input_is_answered_plainly(client, small, path, status, said):
    page = client.get(path)
    assert page.status_code == status
    assert said in html.unescape(page.content.decode())


def test_a_municipality_without_a_budget_says_so(client, small):
    third_town()
    page = client.get("/finances/6212/")
    assert page.status_code == 200
    assert "Aucun budget de Degache n'est encore chargé dans le portail." in page.content.decode()
    national = client.get("/finances/?measure=budget_per_inhabitant&year=2018").content.decode()
    assert "Pas de données pour 1 commune" in national and '<p id="without">Degache</p>' in national


def test_the_budget_page_of_the_small_case(client, small):
    body = client.get("/en/finances/6211/?year=2018").content.decode()
    assert "100,000\u00a0TND" in body  # revenue and expenses
    assert "500\u00a0millimes" in body  # staff pay of every dinar
    assert "+66.7%" in body  # expenses, from 60,000 to 100,000 TND
    assert "to the end of March" in body
    assert "25.0% (to the end of month 3)" in body  # the execution rate
    assert "Tax on built property" in body and "Part 6: direct investment" in body
    assert "2 of 2 in Tunisia" in body.replace("\u00a0/\u00a0", " of ")  # performance score 50 after Béja's 60


def test_the_space_on_the_municipality_page(small):
    from gisportal import spaces

    with translation.override("fr"):
        found = [s for s in spaces.of(small.tozeur.municipality) if s.order == 30]
    assert [(s.name, s.url) for s in found] == [("Budget", "/finances/6211/")]


def test_staff_of_another_municipality_cannot_edit_tags(client, small):
    services.seed_default_tags(municipality=small.tozeur.municipality)
    tag = LineTag.objects.get(municipality=small.tozeur.municipality, article="06613")
    url = f"/admin/finances/linetag/{tag.pk}/change/"
    form = {"function": "social", "gender_sensitive": "on", "note": ""}

    client.force_login(staff("planner-beja", Role.PLANNER, "2111"))
    listing = client.get("/admin/finances/linetag/")
    assert listing.status_code == 200 and "06613" not in listing.content.decode()
    assert client.get(url).status_code in (302, 403, 404)
    assert client.post(url, form).status_code in (302, 403, 404)
    tag.refresh_from_db()
    assert (tag.function, tag.gender_sensitive, tag.from_rule) == ("roads", False, True)

    client.force_login(staff("planner-tozeur", Role.PLANNER, "6211"))
    assert client.get(url).status_code == 200
    assert client.post(url, form).status_code == 302
    tag.refresh_from_db()
    assert (tag.function, tag.gender_sensitive, tag.from_rule) == ("social", True, False)
    assert tag.history.count() == 2
    # Shown and summed on the public page at once.
    assert (
        "Lignes servant en particulier les femmes et les filles : 20\u202f000\u00a0DT"
        in client.get("/finances/6211/").content.decode()
    )


def test_csv_cells_never_run_as_formulas(client, small):
    from gisportal.scorecards.models import BudgetLine

    BudgetLine.objects.filter(article="03206").update(label_ar='=HYPERLINK("http://x", "open")')
    body = client.get("/finances/6211/lines.csv").content.decode("utf-8-sig")
    assert """'=HYPERLINK(""http://x"", ""open"")""" in body


def test_december_is_the_closing_account(client, small):
    from tests.finances.conftest import executed

    executed(small.tozeur, 2018, 12, "01101", 48_000_000)
    body = client.get("/en/finances/6211/?year=2018").content.decode()
    assert "closing accounts of the year" in body and "48,000\u00a0TND" in body


def test_pages_read_a_fixed_number_of_queries(client, small, django_assert_max_num_queries):
    third_town()
    # The municipality, its facts, the lines twice (table and functions), four standings: no query per line or row.
    with django_assert_max_num_queries(12):
        assert client.get("/finances/6211/?year=2018").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/finances/?measure=performance_score&year=2018").status_code == 200
