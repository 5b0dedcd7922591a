"""A refused import names the file as the planner named it, never a folder of the server (GDAL's own messages
name the files they read by their absolute path)."""

import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etl.models import ImportJob
from etl.pipeline import ImportFailed, import_file

GARBAGE = b"not a GeoPackage\n" * 64  # GDAL: "'/the/folder/file.gpkg' not recognized as ... a supported file format"


def assert_no_server_path(text: str, *folders: Path) -> None:
    assert "/" not in text.replace("n/a", ""), text
    for folder in folders:
        assert str(folder) not in text


def test_a_file_gdal_cannot_read_is_named_without_its_folder(tozeur, tmp_path: Path) -> None:
    path = tmp_path / "stored-as-x7Qa.gpkg"
    path.write_bytes(GARBAGE)
    with pytest.raises(ImportFailed) as refused:
        import_file(path, layer="service-points", municipality="6211", name="Points 2024.gpkg")
    assert str(refused.value).startswith("Points 2024.gpkg: ")
    assert_no_server_path(str(refused.value), tmp_path)


def test_a_file_inside_an_archive_is_named_without_the_folder_it_was_unpacked_in(tozeur, tmp_path: Path) -> None:
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("points/containers.gpkg", GARBAGE)
    with pytest.raises(ImportFailed) as refused:
        import_file(archive, layer="service-points", municipality="6211", name="Conteneurs.zip")
    assert str(refused.value).startswith("Conteneurs.zip: ")
    assert_no_server_path(str(refused.value), tmp_path)


@pytest.mark.usefixtures("private_folder")
def test_the_upload_page_names_the_file_as_uploaded(
    client, planner_tozeur, tozeur, private_folder: Path, django_capture_on_commit_callbacks
) -> None:
    client.force_login(planner_tozeur)
    for _ in range(2):  # the second upload of the same name is stored under another one
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("etl:upload"),
                {
                    "file": SimpleUploadedFile("Points de collecte.gpkg", GARBAGE),
                    "layer": "service-points",
                    "municipality": tozeur.municipality.pk,
                },
            )
    for job in ImportJob.objects.all():
        assert job.status == "failed"
        assert job.error.startswith("Points de collecte.gpkg: "), job.error
        assert_no_server_path(job.error, private_folder)
        page = client.get(reverse("etl:job", args=[job.pk])).content.decode()
        assert ": Points de collecte.gpkg</h1>" in page
        assert str(private_folder) not in page
        assert "imports/Points" not in page  # not the stored name either
        status = client.get(reverse("etl:job", args=[job.pk]), {"format": "json"}).json()
        assert_no_server_path(status["error"], private_folder)
    assert len({job.file.name for job in ImportJob.objects.all()}) == 2
    listing = client.get(reverse("etl:upload")).content.decode()
    assert listing.count("Points de collecte.gpkg</a>") == 2
