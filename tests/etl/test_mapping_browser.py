"""A planner's French file refused, then mapped on the page and imported, in a real Chromium (no JavaScript needed)."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from layers.models import ServicePoint
from tests.browser import Traffic, log_in
from tests.conftest import Town
from tests.etl.test_suggested_mapping import FRENCH_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_folder")]


def test_planner_maps_a_french_file_and_imports_it(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, planner_tozeur: User, tmp_path
) -> None:
    csv = tmp_path / "pharmacies.csv"
    csv.write_text(FRENCH_CSV, encoding="utf-8")
    before = ServicePoint.objects.count()
    log_in(page, live_server, planner_tozeur, "/imports/")
    page.set_input_files("#id_file", str(csv))
    page.select_option("#id_layer", "service-points")
    page.select_option("#id_municipality", str(tozeur.municipality.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Importer").click()
    expect(page.locator("#import-error")).to_contain_text("Colonnes trouvées dans le fichier : nom, type, horaires")
    expect(page.locator("#import-error")).to_contain_text("pharmacy (Pharmacie)")

    with page.expect_navigation():
        page.locator("#import-mapping").click()
    expect(page.locator("#id_field_name")).to_have_value("nom")
    expect(page.locator("#id_field_kind")).to_have_value("type")
    kiosque = page.locator("tr", has=page.locator("label", has_text="Kiosque")).locator("select")
    expect(kiosque).to_have_value("")
    kiosque.select_option("other")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer cette correspondance et importer le fichier").click()
    expect(page.locator("#import-status-label")).to_have_text("Importé")
    expect(page.locator("#import-summary")).to_contain_text("6 lus, 6 importés")
    assert ServicePoint.objects.count() == before + 6
    traffic.assert_offline()
    traffic.assert_no_console_errors()
