"""Open data: the page, the files built once per version of their data, tables as CSV, nothing private."""

import csv
import html
import io

import pyogrio
import pytest
from django.db import connection

from etl import open_data
from etl.models import DataVersion
from etl.pipeline import import_file
from gisportal.scorecards.models import BudgetLine
from layers.models import ServicePoint


@pytest.fixture(autouse=True)
def open_data_dir(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path / "open-data"
    return settings.OPEN_DATA_DIR


def download(client, url: str, **params: str) -> bytes:
    response = client.get(url, params)
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def test_every_writer_moves_the_version(tozeur):
    before = DataVersion.objects.get(table_name="layers_servicepoint").version
    ServicePoint.objects.filter(pk=tozeur.container.pk).update(capacity=1100)  # no signal, no history
    with connection.cursor() as cursor:
        cursor.execute("UPDATE layers_servicepoint SET name = 'Conteneur' WHERE id = %s", [tozeur.container.pk])
    assert DataVersion.objects.get(table_name="layers_servicepoint").version == before + 2


def test_a_file_is_built_once_per_version(client, tozeur, open_data_dir, tmp_path):
    first = download(client, "/open-data/service-points.geojson", municipality="6211")
    built = list(open_data_dir.iterdir())
    assert download(client, "/open-data/service-points.geojson", municipality="6211") == first
    assert list(open_data_dir.iterdir()) == built and len(built) == 1

    ServicePoint.objects.filter(pk=tozeur.container.pk).update(name="Conteneur du marché")
    path = tmp_path / "after.geojson"
    path.write_bytes(download(client, "/open-data/service-points.geojson", municipality="6211"))
    assert "Conteneur du marché" in pyogrio.read_dataframe(path)["name"].tolist()
    assert len(list(open_data_dir.iterdir())) == 1  # the stale file is gone


def test_a_municipality_code_changes_the_files_that_show_it(client, tozeur, tmp_path):
    download(client, "/open-data/service-points.csv")
    tozeur.municipality.code = "6299"
    tozeur.municipality.save()
    rows = list(csv.DictReader(io.StringIO(download(client, "/open-data/service-points.csv").decode())))
    assert {row["municipality"] for row in rows} >= {"6299"}


def test_budget_lines_export_as_csv_and_import_back(client, tozeur, tmp_path):
    lines = [
        BudgetLine(
            municipality=tozeur.municipality,
            year=2018,
            kind=kind,
            title="1",
            article=article,
            paragraph="00",
            sub_paragraph="00",
            label_ar=label,
            amount=amount,
        )
        for kind, article, label, amount in [
            ("revenue", "01101", "المعلوم على العقارات المبنية", 40_000_000),
            ("expense", "01100", "المنحة المخوّلة لرؤساء البلديات", 960_000),
        ]
    ]
    BudgetLine.objects.bulk_create(lines)
    path = tmp_path / "budget.csv"
    path.write_bytes(download(client, "/open-data/budget-lines.csv", municipality="6211"))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a spreadsheet then reads the Arabic labels as UTF-8
    assert client.get("/open-data/budget-lines.gpkg").status_code == 404  # a table has no map layer

    before = sorted(BudgetLine.objects.values_list("kind", "article", "label_ar", "amount"))
    BudgetLine.objects.all().delete()
    summary = import_file(path, layer="budget-lines", report=tmp_path / "report.csv")
    assert (summary.imported, summary.rejected) == (2, 0)
    assert sorted(BudgetLine.objects.values_list("kind", "article", "label_ar", "amount")) == before


def test_the_page_lists_the_public_data_in_arabic(client, tozeur, django_assert_max_num_queries):
    # The request's savepoint and release, four reads (the sizes of every table in two, not two per table), and
    # one read for each app that lists its own files (participatory budgets, petitions, council meetings …).
    with django_assert_max_num_queries(6 + len(open_data.LISTINGS)):
        page = client.get("/ar/open-data/", {"municipality": "6211"}).content.decode()
    assert 'dir="rtl"' in page and "البيانات المفتوحة" in page
    assert "/ar/open-data/service-points.gpkg?municipality=6211" in page
    assert "/open-data/complaint" not in page
    assert "/ar/open-data/governorates." not in page  # not split by municipality


def test_unknown_private_or_unpublished_files_are_not_found(client, tozeur):
    assert client.get("/open-data/complaints.csv").status_code == 404
    assert client.get("/open-data/service-points.xlsx").status_code == 404
    assert client.get("/open-data/service-points.csv", {"municipality": "9999"}).status_code == 404
    assert client.get("/open-data/roads.gpkg").status_code == 404  # no road imported: nothing to export


def test_the_budget_execution_is_published(client, tozeur, open_data_dir):
    assert client.get("/open-data/budget-executions.csv").status_code == 404  # nothing executed yet
    row = (
        client.get("/en/open-data/").content.decode().split('<tr id="dataset-budget-executions">')[1].split("</tr>")[0]
    )
    assert "nothing published yet" in row and "<a " not in row  # listed, without a link to nothing
    versions = DataVersion.objects.filter(table_name="scorecards_budgetexecution")
    before = versions.first().version if versions.exists() else 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM scorecards_budgetexecution")
    assert versions.get().version == before + 1


def test_a_municipality_shows_its_own_counts(client, tozeur, beja):
    def rows(html: str, dataset: str) -> str:
        return html.split(f'<tr id="dataset-{dataset}">')[1].split('<td class="rows">')[1].split("</td>")[0]

    national = client.get("/open-data/").content.decode()
    tozeur_only = client.get("/open-data/", {"municipality": "6211"}).content.decode()
    assert (rows(national, "service-points"), rows(tozeur_only, "service-points")) == ("2", "1")
    assert (rows(national, "municipalities"), rows(tozeur_only, "municipalities")) == ("2", "1")
    assert 'id="dataset-governorates"' not in tozeur_only  # not split by municipality


@pytest.mark.parametrize(
    ("prefix", "says"),
    [
        ("/", "Tozeur : rien n'est encore publié dans « lignes budgétaires »."),
        ("/ar/", "لم تنشر بلدية توزر بعد أي بيانات في «بنود الميزانية»."),
        ("/en/", "Tozeur has published no budget lines yet."),
    ],
)
def test_a_municipality_without_budget_lines_says_so_in_the_pages_language(client, tozeur, prefix, says):
    tozeur.municipality.name_ar = "توزر"
    tozeur.municipality.save()
    page = client.get(f"{prefix}open-data/", {"municipality": "6211"}).content.decode()
    row = page.split('<tr id="dataset-budget-lines">')[1].split("</tr>")[0]
    assert "<a " not in row  # no link to a file that cannot exist
    # The address itself (a bookmark, a link from elsewhere) answers the open data page saying why, not Django's 404.
    response = client.get(f"{prefix}open-data/budget-lines.csv", {"municipality": "6211"})
    assert response.status_code == 404
    assert says in html.unescape(response.content.decode())
    assert 'id="municipality"' in response.content.decode()
