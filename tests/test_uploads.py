"""Every door that takes a photo refuses, by what the file holds and not by its name: a forged type, a decompression
bomb (a small file of too many pixels), an image just past the pixel limit — with a 4xx in the citizen's language
and no file left behind. Complaint photos (form and Open311), budgeting proposals and milestones, council documents.
"""

import io
from datetime import date

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gisportal.budgeting import services as budgeting
from gisportal.budgeting.models import Proposal
from gisportal.complaints import photos
from gisportal.complaints.models import ApiKey
from gisportal.council import documents
from layers.models import Complaint
from tests.budgeting.conftest import budget, residents  # noqa: F401 -- fixtures
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON, fresh_rate_limits, national_catalogue  # noqa: F401


def png(width: int, height: int) -> bytes:
    """One colour, one bit per pixel: a few kB however many pixels it declares."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG", optimize=True)
    return out.getvalue()


BOMB = png(20_000, 20_000)  # 400 megapixels in a few tens of kB
JUST_OVER = png(8_000, photos.MAX_PIXELS // 8_000 + 1)
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
GIF = io.BytesIO()
Image.new("P", (4, 4)).save(GIF, format="GIF")

# (what the file holds, the name and type it claims, the refusal's code)
HOSTILE = [
    (HTML, "photo.jpg", "image/jpeg", "photo_unreadable"),
    (PDF, "photo.png", "image/png", "photo_unreadable"),
    (GIF.getvalue(), "photo.jpg", "image/jpeg", "photo_type"),
    (BOMB, "photo.png", "image/png", "photo_too_large"),
    (JUST_OVER, "photo.png", "image/png", "photo_too_large"),
]
IDS = ["html-as-jpeg", "pdf-as-png", "gif-as-jpeg", "decompression-bomb", "pixels-over-the-limit"]


def upload(body: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type=content_type)


def test_the_bomb_is_small_and_the_limit_is_exact():
    assert len(BOMB) < 100_000 and len(JUST_OVER) < 100_000
    assert photos.clean_photo(upload(png(8_000, photos.MAX_PIXELS // 8_000), "ok.png", "image/png"))


@pytest.mark.parametrize(("body", "name", "content_type", "code"), HOSTILE, ids=IDS)
def test_the_photo_check_refuses(body, name, content_type, code):
    with pytest.raises(ValidationError) as refused:
        photos.clean_photo(upload(body, name, content_type))
    assert refused.value.error_dict["photos"][0].code == code


def media_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("prefix", "said"),
    [("/fr", "Cette photo a trop de pixels"), ("/ar", "عدد كبير جدًا من البكسلات"), ("/en", "too many pixels")],
)
def test_the_report_form_refuses_a_bomb_in_her_language(client, tozeur, settings, tmp_path, prefix, said):
    settings.MEDIA_ROOT = tmp_path
    report = {
        "lat": TOZEUR_LAT,
        "lon": TOZEUR_LON,
        "category": "waste",
        "description": "Conteneur plein rue Ibn Chabbat",
        "q_container": "full",
        "website": "",
        "photos": upload(BOMB, "IMG_1.png", "image/png"),
    }
    response = client.post(f"{prefix.replace('/fr', '')}/report/", report)
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not Complaint.objects.filter(description__contains="Ibn Chabbat").exists() and not media_files(tmp_path)


@pytest.mark.parametrize(("body", "name", "content_type", "code"), HOSTILE, ids=IDS)
def test_open311_refuses_hostile_media(client, tozeur, settings, tmp_path, body, name, content_type, code):
    settings.MEDIA_ROOT = tmp_path
    data = {
        "api_key": ApiKey.objects.create(name="app").key,
        "service_code": "waste",
        "lat": TOZEUR_LAT,
        "long": TOZEUR_LON,
        "description": "Conteneur plein rue Ibn Chabbat",
        "media": upload(body, name, content_type),
    }
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 400 and response.json()[0]["description"]
    assert not Complaint.objects.filter(description__contains="Ibn Chabbat").exists() and not media_files(tmp_path)


@pytest.mark.parametrize(("body", "name", "content_type", "code"), HOSTILE, ids=IDS)
def test_a_budget_proposal_refuses_a_hostile_photo(request, settings, tmp_path, body, name, content_type, code):
    pb, people = request.getfixturevalue("budget"), request.getfixturevalue("residents")
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError):
        budgeting.submit_proposal(
            budget=pb,
            author=people[0],
            title="Un jardin",
            description="Pour le quartier",
            category=Proposal.Category.GREEN,
            location=Point(TOZEUR_LON, TOZEUR_LAT, srid=4326),
            estimated_cost=10_000,
            photo=upload(body, name, content_type),
        )
    assert not Proposal.objects.exists() and not media_files(tmp_path)


def test_a_refused_proposal_leaves_no_photo_behind(request, settings, tmp_path):
    pb, people = request.getfixturevalue("budget"), request.getfixturevalue("residents")
    settings.MEDIA_ROOT = tmp_path
    good = png(40, 30)
    with pytest.raises(ValidationError):
        budgeting.submit_proposal(
            budget=pb,
            author=people[0],
            title="x" * 1000,  # too long: refused after the photo was checked
            description="Pour le quartier",
            category=Proposal.Category.GREEN,
            location=Point(TOZEUR_LON, TOZEUR_LAT, srid=4326),
            estimated_cost=10_000,
            photo=upload(good, "ok.png", "image/png"),
        )
    assert not media_files(tmp_path)


@pytest.mark.parametrize("body", [BOMB, JUST_OVER], ids=["decompression-bomb", "pixels-over-the-limit"])
def test_a_council_document_refuses_too_many_pixels(body):
    with pytest.raises(ValidationError) as refused:
        documents.clean_document(upload(body, "scan.pdf", "application/pdf"))
    assert refused.value.error_dict["file"][0].code == "document_unreadable"


def test_a_council_document_refuses_html_named_pdf():
    with pytest.raises(ValidationError) as refused:
        documents.clean_document(upload(HTML, "agenda.pdf", "application/pdf"))
    assert refused.value.error_dict["file"][0].code == "document_type"


def test_a_milestone_refuses_a_bomb(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError):
        budgeting.add_milestone(
            project=None,  # type: ignore[arg-type]  # refused before the project is looked at
            title="Travaux",
            planned_on=date(2026, 6, 1),
            photo=upload(BOMB, "chantier.png", "image/png"),
        )
    assert not media_files(tmp_path)
