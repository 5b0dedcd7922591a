"""A photo upload when the media folder is full (a 400 kB tmpfs) or unwritable (the same, remounted read-only):
a 503 that says so in the citizen's language, no complaint half-stored, no file left behind — on the citizen's form
and on Open311."""

import importlib
import io
import subprocess
from pathlib import Path

import numpy as np
import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gisportal.complaints.models import ApiKey, ComplaintPhoto, ReporterKey
from layers.models import Complaint
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.fixture
def small_disk(tmp_path, settings):
    """MEDIA_ROOT on a filesystem of its own, 400 kB: room for one noisy photo, not for two."""
    folder = tmp_path / "media"
    folder.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", "size=400k", "tmpfs", str(folder))
    except (subprocess.CalledProcessError, FileNotFoundError) as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    settings.MEDIA_ROOT = folder
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture(autouse=True)
def catalogue(db):
    """The national catalogue (a transactional test of this folder flushes it) and fresh rate limits."""
    for migration in ("0002_national_catalogue", "0006_question_languages"):
        importlib.import_module(f"gisportal.complaints.migrations.{migration}").seed(apps, None)
    cache.clear()
    yield
    cache.clear()


def noisy_photo(seed: int) -> SimpleUploadedFile:
    """800 x 600 pixels of noise: about 320 kB once re-encoded, so that two do not fit."""
    pixels = np.random.default_rng(seed).integers(0, 256, (600, 800, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=95)
    return SimpleUploadedFile(f"IMG_{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def report(**extra):
    return {
        "lat": str(TOZEUR_LAT),
        "lon": str(TOZEUR_LON),
        "category": "waste",
        "description": "Le conteneur de la rue Ibn Chabbat déborde",
        "q_container": "full",
        "reporter_name": "Amel",
        "reporter_contact": "amel@example.org",
        "website": "",
    } | extra


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def nothing_stored(before: int) -> bool:
    return (
        Complaint.objects.count() == before and not ComplaintPhoto.objects.exists() and not ReporterKey.objects.exists()
    )


@pytest.mark.parametrize(
    ("prefix", "said"),
    [("", "Vos photos n’ont pas pu être enregistrées"), ("/ar", "تعذّر حفظ صورك")],  # noqa: RUF001
)
def test_disk_full_during_the_second_photo(client, tozeur, small_disk, prefix, said):
    before = Complaint.objects.count()
    one = client.post(f"{prefix}/report/", report(photos=[noisy_photo(1)]))
    assert one.status_code == 302  # one photo fits
    assert len(files_in(small_disk)) == 1
    stored_before = set(files_in(small_disk))

    response = client.post(f"{prefix}/report/", report(photos=[noisy_photo(2), noisy_photo(3)]))
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    text = response.content.decode()
    assert said in text and "Traceback" not in text and "No space" not in text
    assert "Ibn Chabbat" in text  # what she typed is kept, to send again
    assert Complaint.objects.count() == before + 1  # only the first report
    assert ComplaintPhoto.objects.count() == 1 and ReporterKey.objects.count() == 1
    assert set(files_in(small_disk)) == stored_before  # neither the written photo nor the partial one is left


def test_unwritable_media_folder_on_the_form_and_on_open311(client, tozeur, small_disk):
    _mount("-o", "remount,ro", str(small_disk))
    before = Complaint.objects.count()

    response = client.post("/en/report/", report(photos=[noisy_photo(4)]))
    assert response.status_code == 503 and "Your photos could not be saved" in response.content.decode()
    assert nothing_stored(before) and files_in(small_disk) == []

    key = ApiKey.objects.create(name="test app").key
    data = {
        "api_key": key,
        "service_code": "waste",
        "lat": str(TOZEUR_LAT),
        "long": str(TOZEUR_LON),
        "description": "Conteneur plein rue Ibn Chabbat",
        "email": "reporter@example.org",
        "media": noisy_photo(5),
    }
    answer = client.post("/open311/v2/requests.json", data)
    assert answer.status_code == 503 and int(answer["Retry-After"]) > 0
    assert "n’a pas pu être enregistré" in answer.json()[0]["description"]  # noqa: RUF001
    assert nothing_stored(before) and files_in(small_disk) == []

    # Without a photo the report still goes through: the database is fine, only the media folder is not.
    data.pop("media")
    assert client.post("/open311/v2/requests.json", data).status_code == 200
    assert Complaint.objects.count() == before + 1
