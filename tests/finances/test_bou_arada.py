"""Bou Arada (2412) from its published files through the pipeline: the totals of the files, its pages, their weight,
and the same figures in JSON, CSV and on the open data page."""

import csv
import io
import json
import re

import pytest

from gisportal.finances import selectors, services

pytestmark = pytest.mark.django_db
MAX_PAGE = 150_000  # bytes of HTML before any map tile (the pages load no tiles)


def text_of(response) -> str:
    return re.sub(r"[\u2066-\u2069]", "", response.content.decode())  # without the Arabic pages' isolates


def test_the_totals_are_those_of_the_files(real):
    facts = {f.year: f for f in selectors.facts(real.pk)}
    assert sorted(y for y, f in facts.items() if f.expense) == [2013, 2014, 2015, 2016, 2017, 2018]
    assert (facts[2018].revenue, facts[2018].expense) == (1_469_840_234, 1_437_803_283)
    assert facts[2017].revenue == facts[2017].expense == 2_124_617_489
    assert facts[2013].revenue == 1_081_509_444
    # The execution statements run to the end of February 2018.
    assert facts[2018].expense_month == 2 and facts[2018].expense_executed > 0
    rows = selectors.budget_rows(real.pk, 2018)
    kinds = {r.kind: r.budgeted for r in rows if r.level == "kind"}
    assert kinds == {"revenue": 1_469_840_234, "expense": 1_437_803_283}
    titles = sum(r.budgeted or 0 for r in rows if r.level == "title" and r.kind == "expense")
    assert titles == 1_437_803_283
    functions = selectors.by_function(real.pk, 2018)
    assert functions[-1].function is None and functions[-1].budgeted == 1_437_803_283
    assert sum(f.budgeted or 0 for f in functions[:-1]) == 1_437_803_283
    assert sum(f.per_dinar or 0 for f in functions[:-1]) == pytest.approx(1000)


def test_seeded_tags_change_no_figure(real):
    before = selectors.by_function(real.pk, 2018)
    assert services.seed_default_tags(municipality=real) == 98  # every expense line of 2013-2018, once
    assert selectors.by_function(real.pk, 2018) == before


def test_the_budget_page_in_three_languages_and_light_on_a_phone(client, real):
    page = client.get("/finances/2412/?year=2018")
    assert page.status_code == 200 and len(page.content) < MAX_PAGE
    body = text_of(page)
    assert "1\u202f469\u202f840\u00a0DT" in body and "1\u202f437\u202f803\u00a0DT" in body
    assert "Où va 1 dinar ?" in body and "Salaires du personnel (tous les services)" in body
    assert body.count("<svg") == 2  # the dinar and the years, each beside its table
    arabic = client.get("/ar/finances/2412/?year=2018")
    assert arabic.status_code == 200 and len(arabic.content) < MAX_PAGE
    body = text_of(arabic)
    assert 'dir="rtl"' in body and "أين يذهب الدينار؟" in body and "أجور الأعوان (كل المصالح)" in body
    assert 'direction="rtl"' in body  # the chart's labels
    assert "1\u202f469\u202f840\u00a0د.ت" in body
    english = text_of(client.get("/en/finances/2412/"))  # the latest year by default
    assert "Budget of Bou Arada 2018" in english and "1,437,803\u00a0TND" in english
    assert "Staff pay (every service)" in english


def test_eastern_arabic_digits_when_configured(client, real, settings):
    settings.FINANCES_ARABIC_DIGITS = "eastern"
    eastern = "\u0661\u066c\u0664\u0666\u0669\u066c\u0668\u0664\u0660"  # 1,469,840 in Eastern Arabic digits
    assert eastern in text_of(client.get("/ar/finances/2412/?year=2018"))


def test_the_national_page_maps_every_municipality(client, real):
    page = client.get("/finances/?measure=performance_score&year=2018")
    assert page.status_code == 200 and len(page.content) < MAX_PAGE
    body = page.content.decode()
    assert body.count("<path class=") == 350
    assert body.count('<path class="nd"') == 350 - 272  # 272 municipalities were evaluated in 2018
    assert "Bou Arada" in body and "97\u00a0/\u00a0100" in body
    arabic = client.get("/ar/finances/?measure=performance_score&year=2018")
    assert arabic.status_code == 200 and len(arabic.content) < MAX_PAGE
    budget = client.get("/finances/?measure=budget_per_inhabitant&year=2018").content.decode()
    assert "Pas de données pour 349 communes" in budget


def test_json_csv_and_the_page_read_the_same_standings(client, real):
    standings = selectors.standings("own_revenue_share", 2018)
    mine = next(s for s in standings if s.code == "2412")
    # Categories 01-05 of the 2018 revenue: 527,517,282 of 1,469,840,234.
    assert mine.value == pytest.approx(100 * 527_517_282 / 1_469_840_234) and mine.rank == 1
    data = json.loads(client.get("/finances/measures.json?measure=own_revenue_share&year=2018").content)
    assert data["unit"] == "percent" and len(data["municipalities"]) == 350
    assert next(m for m in data["municipalities"] if m["code"] == "2412")["value"] == pytest.approx(mine.value)
    rows = list(csv.DictReader(io.StringIO(client.get("/finances/measures.csv?measure=own_revenue_share&year=2018")
                                           .content.decode("utf-8-sig"))))  # fmt: skip
    assert len(rows) == 350 and rows[0]["code"] == "2412" and float(rows[0]["value"]) == pytest.approx(mine.value)
    assert rows[-1]["value"] == "" and rows[-1]["rank"] == ""
    lines = list(csv.DictReader(io.StringIO(client.get("/finances/2412/lines.csv").content.decode("utf-8-sig"))))
    spent = [int(r["budgeted"] or 0) for r in lines if r["year"] == "2018" and r["kind"] == "expense"]
    assert sum(spent) == 1_437_803_283
    assert {r["function"] for r in lines if r["kind"] == "expense"} >= {"staff", "lighting", "debt"}
    listing = client.get("/open-data/").content.decode()
    assert "/finances/measures.csv?measure=performance_score" in listing
    latest = client.get("/finances/measures.csv?measure=performance_score").content
    assert latest == client.get("/finances/measures.csv?measure=performance_score&year=2018").content
    assert "/finances/2412/lines.csv" in client.get("/finances/2412/").content.decode()


def test_the_demo_gives_each_pilot_a_synthetic_budget_from_bou_aradas(real, client, capsys):
    from django.core.management import call_command

    from gisportal.finances.models import SyntheticBudget

    call_command("load_demo_finances")
    made = {s.municipality.code: s.made_from.code for s in SyntheticBudget.objects.select_related("municipality")}
    assert made == {"6211": "2412", "2111": "2412", "3111": "2412"}
    assert capsys.readouterr().out.count("synthetic demo budget") == 3
    page = client.get("/ar/finances/6211/?year=2018")
    assert page.status_code == 200 and "أرقام للعرض" in page.content.decode()
    ranked = {s.code for s in selectors.standings("budget_per_inhabitant", 2018) if s.value is not None}
    assert ranked == {"2412"}  # the pilots' made-up budgets count in no national figure
