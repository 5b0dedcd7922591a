"""Wide tables (one column per year or month) through the `[unpivot]` of a mapping spec: a small known table, then
Bou Arada's per-year budgets (the same totals as the long files) and its monthly execution of 2018."""

import csv
import re
from pathlib import Path

import pytest
from django.db.models import Sum

from etl.pipeline import ImportFailed, import_file
from gisportal.paths import BASE_DIR
from gisportal.scorecards.models import BudgetExecution, BudgetLine
from layers.models import Governorate, Municipality
from tests.conftest import square

BOUARADA = BASE_DIR / "fixtures" / "real" / "tn-municipal-budget-bouarada"
# SOURCE.md's totals of the budgeted lines, in millimes: balanced every year but 2018.
BALANCED = {2013: 1_081_509_444, 2014: 1_075_046_442, 2015: 1_629_037_984, 2016: 1_404_746_788, 2017: 2_124_617_489}
REVENUES = {**BALANCED, 2018: 1_469_840_234}
EXPENSES = {**BALANCED, 2018: 1_437_803_283}
NOMENCLATURE = ("Titre", "Article", "Paragraphe", "Sous_paragraphe")
SPEC = """layer = "budget-lines"
where = "Titre = '1'"
[unpivot]
columns = ["2016", "2017"]
name = "Year"
value = "Budget"
[fields]
municipality = { default = "2412" }
year = { source = "Year" }
article = { source = "Article" }
paragraph = { source = "Paragraphe" }
sub_paragraph = { source = "Sous_paragraphe" }
kind = { default = "revenue" }
title = { source = "Titre" }
label_ar = { source = "Imputation" }
amount = { source = "Budget" }
"""
TABLE = """Titre,Article,Paragraphe,Sous_paragraphe,Imputation,2016,2017
1,01101,00,00,المعلوم على العقارات المبنية,25000000,40000000
1,01102,00,00,المعلوم على الأراضي غير المبنية,,3000000
1,01103,00,00,معلوم آخر,n/a,7
2,08001,01,00,نقل فواضل,5,5
1,01102,00,00,المعلوم على الأراضي غير المبنية,,3000000
"""


@pytest.fixture
def bou_arada(db) -> Municipality:
    siliana = Governorate.objects.create(code="24", name_fr="Siliana", name_ar="سليانة", boundary=square(9.4, 36.1, 1))
    return Municipality.objects.create(
        code="2412",
        name_fr="Bou Arada",
        name_ar="بوعرادة",
        governorate=siliana,
        population=20_000,
        boundary=square(9.62, 36.35),
    )


def test_a_wide_table_gives_one_row_per_non_empty_cell(bou_arada, tmp_path):
    (tmp_path / "spec.toml").write_text(SPEC)
    (tmp_path / "wide.csv").write_text(TABLE)
    summary = import_file(tmp_path / "wide.csv", layer="budget-lines", mapping=tmp_path / "spec.toml")
    # Title 2 is left out by the filter, empty 2016 cells give no row, 'n/a' is rejected, the last line repeats.
    assert (summary.read, summary.imported, summary.rejected, summary.dropped) == (6, 4, 1, 1)
    lines = BudgetLine.objects.filter(municipality=bou_arada)
    assert set(lines.values_list("year", "article", "amount")) == {
        (2016, "01101", 25_000_000),
        (2017, "01101", 40_000_000),
        (2017, "01102", 3_000_000),
        (2017, "01103", 7),
    }
    rows = list(csv.reader(summary.report.open(encoding="utf-8")))
    # Each rejected or dropped cell, and the cell a duplicate repeats, by its row and column in the file.
    assert rows == [
        ["place", "reason", "year", "article", "paragraph", "sub_paragraph"],
        [
            "row 3, column 2016",
            "amount 'n/a' is not a valid biginteger (row 3, column 2016 of the file)",
            "2016",
            "01103",
            "00",
            "00",
        ],
        ["row 5, column 2017", "exact duplicate of row 2, column 2017", "2017", "01102", "00", "00"],
    ]


def test_wide_budgets_give_the_long_files_lines_and_totals(bou_arada):
    for kind, totals in (("revenue", REVENUES), ("expense", EXPENSES)):
        wide = "recette_per_year_34012_v2.csv" if kind == "revenue" else "depense_per_year_34012_v2.csv"
        first = import_file(BOUARADA / wide, layer="budget-lines", mapping=f"tn-budget-{kind}-per-year")
        again = import_file(BOUARADA / wide, layer="budget-lines", mapping=f"tn-budget-{kind}-per-year")
        lines = BudgetLine.objects.filter(municipality=bou_arada, kind=kind)
        assert dict(lines.values_list("year").annotate(Sum("amount"))) == totals
        assert (first.imported, first.rejected, again.imported, again.updated, again.unchanged) == (
            first.read,
            0,
            0,
            0,
            first.read,
        )
        # The long file already imported for this kind holds exactly these lines and amounts.
        long = "recette_simple_34012_v2.csv" if kind == "revenue" else "depense_simple_34012_v2.csv"
        same = import_file(BOUARADA / long, layer="budget-lines", mapping=f"tn-budget-{kind}")
        assert (same.read, same.imported, same.updated, same.unchanged) == (first.read, 0, 0, first.read)
    assert BudgetLine.objects.filter(kind="revenue").count() == 224
    assert BudgetLine.objects.filter(kind="expense").count() == 477


def executed_by_month(path: Path) -> dict[int, int]:
    """The execution columns summed per month, each line once (the file repeats a few lines whole)."""
    cells: dict[tuple[int, tuple[str, ...]], int] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for month in (1, 2):
                if row[f"Budget_{month:02}_2018"].strip():
                    cells[month, tuple(row[c] for c in NOMENCLATURE)] = int(row[f"Budget_{month:02}_2018"])
    return {month: sum(v for (m, _), v in cells.items() if m == month) for month in (1, 2)}


def test_monthly_execution_of_2018(bou_arada):
    path = BOUARADA / "Depence_2018_34012.csv"
    first = import_file(path, layer="budget-executions", mapping="tn-budget-expense-execution-2018")
    again = import_file(path, layer="budget-executions", mapping="tn-budget-expense-execution-2018")
    # 82 lines with January and February, 9 of which repeat another line whole (exact duplicates, dropped).
    assert (first.read, first.imported, first.dropped, first.rejected) == (164, 146, 18, 0)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 146)
    executions = BudgetExecution.objects.filter(municipality=bou_arada, year=2018, kind="expense")
    totals = dict(executions.values_list("month").annotate(Sum("amount")))
    assert totals == executed_by_month(path) == {1: 39_199_239, 2: 78_463_548}
    salaries = executions.get(month=2, article="01101", paragraph="0001", sub_paragraph="000")
    assert (salaries.amount, salaries.label_ar) == (49_113_966, "الأجر الأساسي والتدرّج")
    # The revenue file's months are still empty: no rows, no rejections.
    revenues = import_file(
        BOUARADA / "Recette_mensuelle_2018_34012.csv",
        layer="budget-executions",
        mapping="tn-budget-revenue-execution-2018",
    )
    assert (revenues.read, revenues.imported, revenues.rejected) == (0, 0, 0)
    assert not BudgetExecution.objects.filter(kind="revenue").exists()


@pytest.mark.parametrize(
    ("unpivot", "message"),
    [
        ('columns = ["2016", "2019"]\nname = "Year"\nvalue = "Budget"', "no column 2019 to unpivot"),
        ('columns = "^Budget_(\\\\d{2})$"\nname = "Year"\nvalue = "Budget"', "pattern '^Budget_(\\d{2})$' matches no"),
        ('columns = "^(\\\\d{4}$"\nname = "Year"\nvalue = "Budget"', "is not a regular expression"),
        ('columns = ["2016"]\nname = "Article"\nvalue = "Budget"', "new column 'Article' is already a column"),
        ('columns = ["2016"]\nname = "Year"\nvalue = "Year"', "two different column names"),
        ('columns = ["2016"]\nname = "Year"', "takes exactly columns, name and value"),
    ],
)
def test_a_bad_unpivot_is_refused_and_stores_nothing(bou_arada, tmp_path, unpivot, message):
    spec = SPEC.replace('columns = ["2016", "2017"]\nname = "Year"\nvalue = "Budget"', unpivot)
    (tmp_path / "spec.toml").write_text(spec)
    (tmp_path / "wide.csv").write_text(TABLE)
    with pytest.raises(ImportFailed, match=f"^spec.toml: .*{re.escape(message)}"):
        import_file(tmp_path / "wide.csv", layer="budget-lines", mapping=tmp_path / "spec.toml")
    assert not BudgetLine.objects.exists()


def test_where_cannot_filter_on_a_column_the_unpivot_makes(bou_arada, tmp_path):
    (tmp_path / "spec.toml").write_text(SPEC.replace("where = \"Titre = '1'\"", "where = \"Budget <> ''\""))
    (tmp_path / "wide.csv").write_text(TABLE)
    with pytest.raises(ImportFailed, match="where cannot filter on 'Budget', made by the unpivot"):
        import_file(tmp_path / "wide.csv", layer="budget-lines", mapping=tmp_path / "spec.toml")


def test_a_filtered_file_reports_its_own_line_numbers(bou_arada, tmp_path):
    # The long layout of the same lines; the filter skips the empty cells of lines 2 and 4.
    long = """Titre,Article,Paragraphe,Sous_paragraphe,Imputation,Year,Budget
1,01101,00,00,المعلوم على العقارات المبنية,2016,25000000
1,01102,00,00,المعلوم على الأراضي غير المبنية,2016,
1,01103,00,00,معلوم آخر,2016,n/a
1,01104,00,00,معلوم,2016,
1,01101,00,00,المعلوم على العقارات المبنية,2016,25000000
"""
    (tmp_path / "long.csv").write_text(long)
    summary = import_file(tmp_path / "long.csv", layer="budget-lines", mapping="tn-budget-revenue")
    assert (summary.read, summary.imported, summary.rejected, summary.dropped) == (3, 1, 1, 1)
    rows = [row[:2] for row in csv.reader(summary.report.open(encoding="utf-8"))]
    assert rows == [
        ["place", "reason"],
        ["row 3", "amount 'n/a' is not a valid biginteger (row 3 of the file)"],
        ["row 5", "exact duplicate of row 1"],
    ]
