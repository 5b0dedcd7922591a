"""Budget files in OpenBaladiati's three formats, for any municipality, through the pipeline and its report."""

from pathlib import Path

import pytest
from django.core.management import call_command

from gisportal.finances import selectors
from gisportal.finances.budget_files import BudgetFileError, import_budget_file
from gisportal.finances.models import LineTag
from gisportal.scorecards.models import BudgetExecution, BudgetLine, LegacyMunicipality

pytestmark = pytest.mark.django_db
KEYS = "Titre,Article,Paragraphe,Sous_paragraphe,Imputation"


def write(folder: Path, name: str, *rows: str) -> Path:
    path = folder / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_three_formats_for_any_municipality(tozeur, tmp_path):
    wide = write(tmp_path, "recette_per_year_x.csv", f"{KEYS},2017,2018",
                 "1,01101,00,00,المعلوم على العقارات المبنية,25000000,40000000",
                 "1,06001,00,00,المناب من المال المشترك,,60000000")  # fmt: skip
    found, summary = import_budget_file(wide, municipality="6211", report=tmp_path / "r1.csv")
    assert (found.format, found.kind, found.layer) == ("wide", "revenue", "budget-lines")
    assert (summary.read, summary.imported, summary.rejected) == (3, 3, 0)  # the empty cell gives no row
    long = write(tmp_path, "depense_simple_x.csv", f"{KEYS},Year,Budget",
                 "1,01101,0001,000,الأجر الأساسي,2018,70000000", "1,02202,0032,000,التنوير العمومي,2018,30000000",
                 "1,02202,0032,000,التنوير العمومي,2018,oops")  # fmt: skip
    found, summary = import_budget_file(long, municipality="6211", report=tmp_path / "r2.csv")
    assert (found.format, found.kind) == ("long", "expense")
    assert (summary.imported, summary.rejected) == (2, 1)
    assert "oops" in summary.report.read_text()  # the report names the bad amount
    monthly = write(tmp_path, "Depence_2019_x.csv", f"{KEYS},Budget_02_2019,Budget_01_2019",
                    "1,01101,0001,000,الأجر الأساسي,12000000,6000000")  # fmt: skip
    found, summary = import_budget_file(monthly, municipality="6211", report=tmp_path / "r3.csv")
    assert (found.format, found.year, found.layer, summary.imported) == ("monthly", 2019, "budget-executions", 2)
    assert list(BudgetExecution.objects.order_by("month").values_list("year", "month", "amount")) == [
        (2019, 1, 6_000_000), (2019, 2, 12_000_000),
    ]  # fmt: skip
    fact = {f.year: f for f in selectors.facts(tozeur.municipality.pk)}[2018]
    assert (fact.revenue, fact.expense, fact.own_revenue) == (100_000_000, 100_000_000, 40_000_000)
    # The expense lines get their default function, for staff to check.
    assert dict(LineTag.objects.values_list("article", "function")) == {"01101": "staff", "02202": "lighting"}
    # Again: nothing changes.
    _, again = import_budget_file(wide, municipality="6211", report=tmp_path / "r4.csv")
    assert (again.imported, again.unchanged) == (0, 3)


def test_the_municipality_from_the_openbaladiati_id_in_the_name(tozeur, tmp_path):
    from django.contrib.gis.geos import Point

    LegacyMunicipality.objects.create(legacy_id="72011", name="Tozeur", centre=Point(8.13, 33.92, srid=4326),
                                      municipality=tozeur.municipality)  # fmt: skip
    path = write(tmp_path, "recette_simple_72011_v2.csv", f"{KEYS},Year,Budget", "1,01101,00,00,ضريبة,2018,1000")
    found, summary = import_budget_file(path, report=tmp_path / "r.csv", dry_run=True)
    assert (found.municipality, summary.imported, summary.dry_run) == ("6211", 1, True)
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    ("name", "header", "options", "said"),
    [
        ("recette_x.csv", "a,b,c", {"municipality": "6211"}, "is not a budget file"),
        ("recette_x.csv", f"{KEYS},Nothing", {"municipality": "6211"}, "no Year and Budget columns"),
        ("budget_x.csv", f"{KEYS},Year,Budget", {"municipality": "6211"}, "revenue or expenses"),
        ("recette_x.csv", f"{KEYS},Year,Budget", {}, "Say which municipality"),
        ("recette_x.csv", f"{KEYS},Year,Budget", {"municipality": "0000"}, "No municipality has the code 0000"),
    ],
)
def test_files_that_cannot_be_told_are_refused_and_nothing_stored(tozeur, tmp_path, name, header, options, said):
    path = write(tmp_path, name, header, "1,01101,00,00,x,2018,5")
    with pytest.raises(BudgetFileError, match=said):
        import_budget_file(path, **options)
    assert not BudgetLine.objects.exists()


def test_the_command_says_what_it_did(tozeur, tmp_path, capsys):
    path = write(tmp_path, "depense_per_year_x.csv", f"{KEYS},2018", "1,01101,0001,000,الأجر الأساسي,70000000")
    call_command("import_budget", str(path), "--municipality", "6211", "--report", str(tmp_path / "r.csv"))
    out = capsys.readouterr().out
    assert "(wide expense, municipality 6211) → budget-lines: 1 read, 1 imported" in out
    call_command("load_demo_finances", "--if-empty")
    assert "already tagged" in capsys.readouterr().out
