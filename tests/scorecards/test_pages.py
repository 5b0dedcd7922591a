"""The scorecard pages on the small cases: the figures written in each language, a municipality without data says so,
bad input is answered plainly, and the JSON and CSV carry the selectors' figures."""

import csv
import html
import io
import json

import pytest
from django.utils import timezone

from tests.scorecards.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_performance_page_against_the_medians(client, evaluated):
    body = text(client.get("/en/scorecards/6211/"))
    assert "Scorecard of Tozeur" in body and "National evaluation of municipal performance, 2018" in body
    assert '<strong id="total">50\u00a0/\u00a0100</strong>' in body
    assert "of 2 municipalities scored" in body and "of 3 municipalities scored" in body
    # Governance: Tozeur 20 of 30, its governorate's median 15, Tunisia's 20; in the picture and in the table.
    assert (
        '<th scope="row" lang="fr">Gouvernance</th>'
        '<td class="n">20\u00a0/\u00a030</td><td class="n">15</td><td class="n">20</td>' in body
    )
    assert "<svg" in body and "Approche participative" in body
    assert "/finances/?measure=performance_score&year=2018" in body
    assert '<strong id="rank">2\u00a0/\u00a03 in Tunisia</strong>' in body  # 50 after Béja's 60, tied with Degache
    criteria = body[body.index('id="criteria"') :]
    assert (
        '<th scope="row">Total</th><td class="n">40\u00a0/\u00a0100</td><td class="n">50\u00a0/\u00a0100</td>'
        in criteria
    )
    assert (
        '<th scope="row" lang="fr">Approche participative</th>'
        '<td class="n">\u2013</td><td class="n">8\u00a0/\u00a012</td>' in criteria
    )
    before = text(client.get("/en/scorecards/6211/?year=2017"))
    assert '<strong id="total">40\u00a0/\u00a0100</strong>' in before


def test_the_service_scorecard_summed_up_on_the_scorecard_page(client, evaluated, served):
    body = text(client.get("/en/scorecards/6211/"))
    summary = body[body.index('id="service-summary"') :]
    assert "/en/scorecards/6211/service/" in summary and "<strong>" in summary
    evaluated.degache.complaint.delete()
    assert 'id="service-summary"' not in text(client.get("/en/scorecards/6212/"))  # Degache: no report


def test_arabic_names_and_right_to_left_pictures(client, evaluated):
    body = client.get("/ar/scorecards/6211/").content.decode()
    assert 'dir="rtl"' in body and "ع Gouvernance" in body
    assert 'direction="rtl"' in body  # the labels of the picture start at its right edge
    assert "\u206650\u00a0/\u00a0100\u2069" in body  # one left-to-right isolate: never "100 / 50"


def test_eastern_arabic_digits_when_asked(client, served, settings):
    settings.FINANCES_ARABIC_DIGITS = "eastern"
    body = client.get("/ar/scorecards/6211/service/").content.decode()
    assert "\u2066\u0662\u0660\u066a\u2069 (\u2066\u0665\u2069)" in body  # 20 % of 5, in January
    assert ">\u0661</text>" in body  # January on the trend's axis


def test_a_municipality_without_scores_says_so(client, evaluated):
    body = text(client.get("/scorecards/6212/?year=2017"))
    assert "Degache n'a pas été évaluée en 2017" in body
    from gisportal.scorecards.models import PerformanceScore

    PerformanceScore.objects.filter(municipality=evaluated.degache.municipality).delete()
    body = text(client.get("/scorecards/6212/"))
    assert "Degache n'a aucun score dans l'évaluation nationale chargée dans le portail." in body


@pytest.mark.parametrize(
    ("path", "status", "said"),
    [
        ("/scorecards/6211/?year=20x8", 400, "quatre chiffres"),
        ("/ar/scorecards/6211/?year=x", 400, "أربعة أرقام"),
        ("/scorecards/6211/?year=2010", 404, "n'est pas chargée"),
        ("/scorecards/9999/", 404, ""),
        ("/scorecards/6211/service/?category=happiness", 400, "« happiness »"),
        ("/scorecards/6211/service/?district=x", 400, "numéro"),
        ("/scorecards/6211/service/?district=1&category=waste", 400, "pas les deux"),
        ("/scorecards/6211/service/?district=999999", 404, "Aucun signalement de Tozeur n'est dans ce quartier"),
        ("/ar/scorecards/6211/service/?category=noise", 404, "لا يوجد أي إشعار لبلدية Tozeur"),
        ("/scorecards/9999/service.csv", 404, ""),
    ],
)
def test_bad_input_is_answered_plainly(client, evaluated, served, path, status, said):
    page = client.get(path)
    assert page.status_code == status
    assert said in text(page)


def test_the_performance_files(client, evaluated):
    data = json.loads(client.get("/scorecards/6211/performance.json").content)
    total = next(r for r in data["scores"] if r["year"] == 2018 and r["code"] is None)
    assert (total["score"], total["governorate_median"], total["national_median"]) == (50, 50, 50)
    rows = list(csv.DictReader(io.StringIO(client.get("/scorecards/6211/performance.csv").content.decode()[1:])))
    assert len(rows) == 8 and rows[0]["level"] == "total" and rows[0]["score"] == "40.0"


def test_the_service_page_of_the_small_case(client, served, at_now):
    body = text(client.get("/en/scorecards/6211/service/"))
    assert "How Tozeur answers reports" in body and "January 2026 to February 2026" in body
    months = body[body.index('id="months"') :]
    january = months[months.index("January 2026") : months.index("February 2026")]
    assert "20% (5)" in january and "1.0\u00a0d" in january and "2.2\u00a0d" in january  # 2.25 days, to the even tenth
    assert "25% (4)" in january and "33% (3)" in january and "50% (2)" in january and "0.15" in january
    assert "Outside every district" in body and "2 days" in body  # waste's target in the national charter
    assert 'id="method"' in body
    waste = text(client.get("/en/scorecards/6211/service/?category=waste"))
    assert "Waste not collected: January 2026</h2>" in waste and "25% (4)" in waste
    district = text(client.get(f"/en/scorecards/6211/service/?district={served.district.pk}"))
    assert "Tozeur centre:" in district and "0.50" in district


def test_a_municipality_without_reports_says_so(client, served, beja):
    beja.complaint.delete()
    body = text(client.get("/scorecards/2111/service/"))
    assert "Aucun signalement n'a encore été fait à Béja par le portail" in body


def test_the_service_files_have_no_personal_data(client, served, at_now):
    data = json.loads(client.get("/scorecards/6211/service.json").content)
    assert set(data["definitions"]) <= set(data["rows"][0])
    whole = data["rows"][0]
    assert (whole["breakdown"], whole["reports"], whole["due"], whole["in_target"]) == ("all", 8, 6, 1)
    out = client.get("/scorecards/service.csv")
    assert out["Content-Disposition"] == 'attachment; filename="service-scorecard-tunisia.csv"'
    body = out.content.decode()
    assert "citizen@example.org" not in body and "Signalement" not in body
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert {r["municipality_code"] for r in rows} == {"6211"} and rows[0]["reports"] == "8"


def test_linked_from_the_municipality_budget_and_open_data_pages(client, served):
    assert "/scorecards/6211/" in client.get("/m/6211/").content.decode()
    assert 'href="/scorecards/6211/"' in client.get("/finances/6211/").content.decode()
    assert client.get("/ar/scorecards/")["Location"] == "/ar/finances/?measure=performance_score"
    national = client.get("/open-data/").content.decode()
    assert "/scorecards/service.csv" in national and "/scorecards/service.json" in national


def test_the_same_figures_under_the_analyst_api(client, served, evaluated, analyst, at_now):
    client.force_login(analyst)
    listed = [a["name"] for a in client.get("/api/analyses/").json()]
    assert {"service-scorecard", "performance-medians"} <= set(listed)
    rows = client.get("/api/analyses/service-scorecard/?municipality=6211").json()["rows"]
    assert rows[0]["breakdown"] == "all" and (rows[0]["reports"], rows[0]["due"], rows[0]["in_target"]) == (8, 6, 1)
    scores = client.get("/api/analyses/performance-medians/?municipality=6211&output=csv")
    assert scores["Content-Type"].startswith("text/csv") and b"governorate_median" in scores.content
    assert client.get("/api/analyses/performance-medians/").status_code == 400
    assert client.get("/api/analyses/service-scorecard/?municipality=9999").status_code == 400


def test_a_planner_reads_her_own_municipalities_only(client, served, beja, planner_tozeur, at_now):
    client.force_login(planner_tozeur)
    rows = client.get("/api/analyses/service-scorecard/").json()["rows"]
    assert {r["municipality_code"] for r in rows} == {"6211"}  # Béja's own report is not hers
    assert client.get("/api/analyses/service-scorecard/?municipality=2111").status_code == 400
