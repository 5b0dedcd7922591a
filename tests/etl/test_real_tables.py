"""The rest of shared/data/real through the pipeline: the GeoNames gazetteer, the RIATE governorates (an update of
the existing ones), and the tables without geometry (Bou Arada's budget, the municipal performance scores)."""

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from etl.pipeline import ImportFailed, ImportSummary, import_file
from gisportal.complaints.models import Place
from gisportal.paths import BASE_DIR
from gisportal.scorecards.models import BudgetLine, LegacyMunicipality, PerformanceCriterion, PerformanceScore
from layers.models import Governorate

pytestmark = pytest.mark.django_db
REAL = BASE_DIR / "fixtures" / "real"
BOUARADA = REAL / "tn-municipal-budget-bouarada"
PERFORMANCE = REAL / "tn-municipal-performance"
# In import order: boundaries first, then what refers to them. Each is imported twice.
IMPORTS = {
    "governorates": (REAL / "tn-municipalities-data4tunisia" / "tun_governorates.geojson", "tn-governorates"),
    "municipalities": (REAL / "tn-municipalities-data4tunisia" / "tun_municipalities.geojson", "tn-municipalities"),
    "riatelab": (REAL / "tn-admin-riatelab" / "TN-gouvernorats.geojson", "tn-governorates-riatelab"),
    "places": (REAL / "tn-geonames" / "geonames_TN.gpkg", "tn-geonames"),
    "legacy": (BOUARADA / "municipalities_points_openbaladiati.csv", "tn-openbaladiati-municipalities"),
    "revenue": (BOUARADA / "recette_simple_34012_v2.csv", "tn-budget-revenue"),
    "expense": (BOUARADA / "depense_simple_34012_v2.csv", "tn-budget-expense"),
    "criteria": (PERFORMANCE / "criteria.csv", "tn-performance-criteria"),
    "scores": (PERFORMANCE / "evaluations.csv", "tn-performance-scores"),
}
LAYERS = {
    "riatelab": "governorates",
    "legacy": "legacy-municipalities",
    "revenue": "budget-lines",
    "expense": "budget-lines",
    "criteria": "performance-criteria",
    "scores": "performance-scores",
}


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    summaries: dict[str, tuple[ImportSummary, ImportSummary]] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        boundaries: dict[str, bytes] = {}
        for name, (path, spec) in IMPORTS.items():
            layer = LAYERS.get(name, name)
            if name == "riatelab":
                boundaries = dict(Governorate.objects.values_list("code", "boundary"))
            first = import_file(path, layer=layer, mapping=spec, report=reports / f"{name}.csv")
            again = import_file(path, layer=layer, mapping=spec, report=reports / f"{name}-again.csv")
            summaries[name] = (first, again)
        summaries["boundaries before"] = boundaries  # type: ignore[assignment]
        yield summaries
        transaction.set_rollback(True)


def test_geonames_populated_places_fill_the_gazetteer(imported):
    first, again = imported["places"]
    assert (first.read, first.imported, first.rejected) == (2_220, 2_220, 0)
    assert (again.imported, again.unchanged) == (0, 2_220)
    assert Place.objects.count() == 2_220
    tunis = Place.objects.get(geonameid=2464470)
    assert (tunis.name, tunis.feature_code) == ("Tunis", "PPLC")
    assert tunis.name_ar == "تونس" and tunis.population > 600_000
    assert round(tunis.location.x, 2) == 10.17


def test_riatelab_governorates_update_13_boundaries(imported):
    first, again = imported["riatelab"]
    # 24 polygons for 13 governorates: 11 parts dissolved, 3 self-intersecting polygons repaired.
    assert (first.read, first.imported, first.updated, first.dissolved, first.rejected) == (24, 0, 13, 11, 0)
    assert first.repaired == 3
    assert (again.updated, again.unchanged, again.imported) == (0, 13, 0)
    before = imported["boundaries before"]
    changed = {g.code for g in Governorate.objects.all() if not g.boundary.equals_exact(before[g.code], 1e-9)}
    assert changed == {"13", "14", "16", "21", "22", "23", "31", "33", "41", "51", "52", "53", "61"}
    assert Governorate.objects.count() == 24
    # Riatelab ids carry the DGCL codes: TN14 "Mannouba" is the official منوبة.
    assert Governorate.objects.get(code="14").name_ar.strip() == "منوبة"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM layers_governorate WHERE NOT ST_IsValid(boundary)")
        assert cursor.fetchone()[0] == 0


def test_openbaladiati_ids_tied_to_current_municipalities(imported):
    first, again = imported["legacy"]
    assert (first.read, first.imported, first.rejected) == (264, 221, 43)
    assert (again.imported, again.unchanged) == (0, 221)
    report = first.report.read_text()
    assert "61017,Kerkennah" in report  # geocoded at sea
    assert LegacyMunicipality.objects.get(legacy_id="34012").municipality.code == "2412"  # Bou Arada
    # Name and centre agree for every link kept.
    legacy = LegacyMunicipality.objects.select_related("municipality")
    assert all(x.name_ar == x.municipality.name_ar.strip() for x in legacy)


def test_bou_arada_budget_lines(imported):
    revenue, again = imported["revenue"]
    # 43 lines x 6 years, of which 34 empty cells (no such line that year) are filtered out in GDAL.
    assert (revenue.read, revenue.imported, revenue.rejected) == (224, 224, 0)
    assert (again.imported, again.unchanged) == (0, 224)
    expense, _ = imported["expense"]
    assert (expense.read, expense.imported, expense.rejected) == (477, 477, 0)
    lines = BudgetLine.objects.filter(municipality__code="2412")
    totals = dict(lines.filter(kind="revenue").values_list("year").annotate(Sum("amount")))
    assert totals[2013] == 1_081_509_444 and totals[2018] == 1_469_840_234
    expenses = dict(lines.filter(kind="expense").values_list("year").annotate(Sum("amount")))
    assert expenses[2017] == totals[2017] == 2_124_617_489 and expenses[2018] == 1_437_803_283
    tib = lines.get(kind="revenue", year=2018, article="01101", paragraph="00", sub_paragraph="00")
    assert (tib.title, tib.amount, tib.label_ar) == ("1", 40_000_000, "المعلوم على العقارات المبنية")
    assert not lines.filter(label_ar__startswith=" ").exists()


def test_performance_scores(imported):
    criteria, _ = imported["criteria"]
    assert (criteria.read, criteria.imported) == (39, 39)
    scores, again = imported["scores"]
    assert (scores.read, scores.imported, scores.rejected) == (20_904, 20_904, 0)
    assert (again.imported, again.unchanged) == (0, 20_904)
    assert PerformanceScore.objects.values("municipality").distinct().count() == 272
    beja = PerformanceScore.objects.filter(municipality__code="2111", year=2018, criterion__level="domain")
    assert {s.criterion.name_fr: (s.score, s.max_score) for s in beja} == {
        "Gouvernance": (26, 30),
        "Gestion": (19, 30),
        "Pérennité": (33, 40),
    }
    assert PerformanceCriterion.objects.get(code="103").max_score == 10


def test_a_table_refuses_unknown_references(imported, tmp_path):
    (tmp_path / "criteria.csv").write_bytes((PERFORMANCE / "criteria.csv").read_bytes())
    scores = tmp_path / "scores.csv"
    scores.write_text("year,municipality_id,criterion_id,score\n2019,9999,10,1\n2019,2111,77,1\n2019,2111,10,x\n")
    with transaction.atomic():
        summary = import_file(
            scores, layer="performance-scores", mapping="tn-performance-scores", report=tmp_path / "r"
        )
        transaction.set_rollback(True)
    assert (summary.read, summary.imported, summary.rejected) == (3, 0, 3)
    reasons = summary.report.read_text()
    assert "unknown municipality 9999" in reasons and "no row in criteria.csv where criterion_id = 77" in reasons
    assert "score 'x' is not a valid float" in reasons


def test_a_layer_with_geometry_still_needs_coordinates(tmp_path):
    table = tmp_path / "points.csv"
    table.write_text("name,kind\nA,pharmacy\n")
    with pytest.raises(ImportFailed, match="has no geometry"):
        import_file(table, layer="service-points")
