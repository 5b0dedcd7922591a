"""A planner imports a file from the upload page in a real Chromium; the job page follows a running import."""

from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from etl.models import ImportJob
from gisportal.backups import archive
from gisportal.jobs import Lease
from layers.models import ServicePoint
from tests.browser import Traffic, log_in
from tests.conftest import Town
from tests.etl.conftest import write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_folder")]


def test_planner_uploads_a_file_and_reads_the_summary(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, planner_tozeur: User, containers, tmp_path
) -> None:
    before = ServicePoint.objects.count()
    log_in(page, live_server, planner_tozeur, "/imports/")
    page.set_input_files("#id_file", str(write(containers, tmp_path / "conteneurs.geojson")))
    page.select_option("#id_layer", "service-points")
    page.select_option("#id_municipality", str(tozeur.municipality.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Importer").click()

    expect(page.locator("#import-status-label")).to_have_text("Importé")
    expect(page.locator("#import-summary")).to_contain_text("6 lus, 4 importés")  # the page's language
    expect(page.locator("#import-progress")).to_have_attribute("value", "100")
    assert ServicePoint.objects.count() == before + 4
    with page.expect_download() as report:
        page.get_by_role("link", name="Rapport des lignes non importées (CSV)").click()
    assert "hors de la commune" in Path(report.value.path()).read_text(encoding="utf-8")
    traffic.assert_offline()
    traffic.assert_no_console_errors()


def test_the_job_page_follows_a_running_import(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, planner_tozeur: User
) -> None:
    job = ImportJob.objects.create(
        user=planner_tozeur, layer="service-points", file="imports/grand.gpkg", status="running", done=0, total=200_000
    )
    # The worker's lease, held on its own connection as a live worker holds it (gisportal.jobs).
    worker = psycopg.connect(**archive.connection_params(), autocommit=True)
    Lease(worker, ImportJob._meta.db_table, job.pk)
    log_in(page, live_server, planner_tozeur, f"/imports/{job.pk}/")
    expect(page.locator("#import-status-label")).to_have_text("Import en cours")

    # What the worker writes on its own connection while it reads the file: the page shows it without a reload.
    ImportJob.objects.filter(pk=job.pk).update(done=50_000)
    expect(page.locator("#import-count")).to_have_text("50000 / 200000")
    expect(page.locator("#import-progress")).to_have_attribute("value", "25")

    ImportJob.objects.filter(pk=job.pk).update(
        status="done", done=200_000, summary="200,000 read, 200,000 imported", finished_at=timezone.now()
    )
    expect(page.locator("#import-summary")).to_have_text("200,000 read, 200,000 imported")
    worker.close()
    traffic.assert_offline()
    traffic.assert_no_console_errors()
