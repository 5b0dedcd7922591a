"""The planner's upload page: scoped to her municipalities, the import runs as a job (inline in tests)."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from etl.models import ImportJob, ImportRecord
from layers.models import ServicePoint
from tests.etl.conftest import write

pytestmark = pytest.mark.usefixtures("private_folder")


@pytest.fixture(autouse=True)
def french_addresses():
    """reverse() in the default language: a request to an /ar/ page leaves Arabic active in the test's thread."""
    with translation.override("fr"):
        yield


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Post a file; the job starts when the request's transaction commits, as in production."""

    def post(path, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("etl:upload"), {"file": SimpleUploadedFile(path.name, path.read_bytes()), **fields}
            )

    return post


def test_planner_imports_into_her_municipality(client, upload, planner_tozeur, tozeur, containers, tmp_path):
    client.force_login(planner_tozeur)
    page = client.get(reverse("etl:upload"))
    assert page.status_code == 200
    layers = [value for value, _ in page.context["form"].fields["layer"].choices]
    assert "service-points" in layers and "municipalities" not in layers and "governorates" not in layers
    before = ServicePoint.objects.count()
    response = upload(
        write(containers, tmp_path / "c.geojson"), layer="service-points", municipality=tozeur.municipality.pk
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("etl:job", args=[job.pk])
    assert job.status == "done" and job.done == job.total == 6
    assert job.summary.startswith("6 lus, 4 importés")  # in the page's language (French at /imports/)
    assert ServicePoint.objects.count() == before + 4
    page = client.get(response.url)
    assert "6 lus, 4 importés" in page.content.decode() and page.context["job"].percent == 100
    status = client.get(response.url, {"format": "json"}).json()
    assert (status["status"], status["percent"]) == ("done", 100)
    report = client.get(reverse("etl:report", args=[job.pk]))
    assert "hors de la commune" in b"".join(report.streaming_content).decode()


def test_planner_cannot_import_into_another_municipality(
    client, upload, planner_tozeur, tozeur, beja, containers, tmp_path
):
    client.force_login(planner_tozeur)
    response = upload(
        write(containers, tmp_path / "c.geojson"), layer="service-points", municipality=beja.municipality.pk
    )
    assert response.status_code == 400 and "municipality" in response.context["form"].errors
    response = upload(write(containers, tmp_path / "c.geojson"), layer="service-points")
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_a_refused_file_shows_why(client, upload, planner_tozeur, tozeur, tmp_path):
    client.force_login(planner_tozeur)
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json")
    upload(broken, layer="service-points", municipality=tozeur.municipality.pk)
    job = ImportJob.objects.get()
    assert job.status == "failed" and "broken.geojson: n'est pas du JSON valide" in job.error
    assert "n&#x27;est pas du JSON valide" in client.get(reverse("etl:job", args=[job.pk])).content.decode()


def test_jobs_are_private(client, upload, planner_tozeur, analyst, tozeur, containers, tmp_path):
    client.force_login(planner_tozeur)
    upload(write(containers, tmp_path / "c.geojson"), layer="service-points", municipality=tozeur.municipality.pk)
    job = ImportJob.objects.get()
    client.force_login(analyst)
    assert client.get(reverse("etl:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("etl:report", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("etl:upload")).status_code == 302  # to the login page


def test_the_page_in_arabic(client, planner_tozeur):
    client.force_login(planner_tozeur)
    page = client.get("/ar/imports/")
    assert 'dir="rtl"' in page.content.decode() and "استيراد طبقة" in page.content.decode()


def test_an_import_from_the_arabic_page_says_everything_in_arabic(
    client, planner_tozeur, tozeur, containers, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(planner_tozeur)

    def post(path):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            upload = SimpleUploadedFile(path.name, path.read_bytes())
            fields = {"file": upload, "layer": "service-points", "municipality": tozeur.municipality.pk}
            return client.post("/ar/imports/", fields)

    post(write(containers, tmp_path / "c.geojson"))
    job = ImportJob.objects.get()
    assert job.summary.startswith("المقروءة: 6، المستوردة: 4")
    assert "المقروءة: 6" in client.get(f"/ar/imports/{job.pk}/").content.decode()
    report = b"".join(client.get(f"/ar/imports/{job.pk}/report.csv").streaming_content).decode()
    assert report.splitlines()[0].startswith("السطر,السبب")
    assert "خارج البلدية" in report and "نسخة مطابقة لـالسطر 1" in report
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json")
    post(broken)
    failed = ImportJob.objects.latest("pk")
    assert failed.error.startswith("broken.geojson: ليس JSON صالحًا")


def test_an_upload_is_in_the_planners_name_in_the_history(client, upload, planner_tozeur, tozeur, containers, tmp_path):
    client.force_login(planner_tozeur)
    upload(write(containers, tmp_path / "c.geojson"), layer="service-points", municipality=tozeur.municipality.pk)
    job = ImportJob.objects.get()
    assert job.status == "done"
    # The import's record is the features' first version: in her name, on each feature's history page.
    imported = ImportRecord.objects.get(job=job)
    assert (imported.user, imported.inserted_count) == (planner_tozeur, 4)
    feature = ServicePoint.objects.filter(municipality=tozeur.municipality, name="Conteneur A").get()
    page = client.get(reverse("admin:layers_servicepoint_history", args=[feature.pk])).content.decode()
    assert "Importé depuis c.geojson par planner-tozeur" in page


def test_old_uploads_and_reports_are_pruned_the_jobs_stay(client, upload, planner_tozeur, tozeur, containers, tmp_path):
    client.force_login(planner_tozeur)
    upload(write(containers, tmp_path / "c.geojson"), layer="service-points", municipality=tozeur.municipality.pk)
    job = ImportJob.objects.get()
    files = [Path(job.file.path), Path(job.report.path)]
    assert all(path.exists() for path in files)
    assert call_command_output("prune_imports", "--days", "1") == "files of 0 imports deleted"

    ImportJob.objects.update(finished_at=timezone.now() - timedelta(days=2))
    assert call_command_output("prune_imports", "--days", "1") == "files of 1 imports deleted"
    assert not any(path.exists() for path in files)
    page = client.get(reverse("etl:job", args=[job.pk])).content.decode()
    assert "c.geojson" in page and "6 lus, 4 importés" in page and "report.csv" not in page
    assert call_command_output("prune_imports", "--days", "1") == "files of 0 imports deleted"


def call_command_output(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()
