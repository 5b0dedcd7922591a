"""The citizen's report pages, without JavaScript: where, what, details, then the status page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gisportal.complaints import gazetteer, services
from gisportal.complaints.models import Ban, ComplaintPhoto, Follower, ReporterKey, SatisfactionAnswer
from layers.models import Complaint
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON
from tests.open311.conftest import jpeg_with_gps

REPORT = "/en/report/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def details(**overrides):
    fields = {
        "lat": str(TOZEUR_LAT),
        "lon": str(TOZEUR_LON),
        "category": "waste",
        "description": "Le conteneur de la rue Ibn Chabbat déborde",
        "q_container": "full",
        "reporter_name": "Amel",
        "reporter_contact": "amel@example.org",
        "website": "",
    }
    return {k: v for k, v in (fields | overrides).items() if v is not None}


def test_the_three_steps_without_javascript(client, tozeur, media):
    assert client.get(REPORT).status_code == 200
    what = client.get(REPORT, {"lat": TOZEUR_LAT, "lon": TOZEUR_LON})
    assert what.status_code == 200
    assert 'data-category="waste"' in what.content.decode()
    form = client.get(REPORT, {"lat": TOZEUR_LAT, "lon": TOZEUR_LON, "category": "waste"}).content.decode()
    assert 'name="q_container"' in form
    assert 'name="website"' in form
    response = client.post(REPORT, details())
    assert response.status_code == 302
    complaint = Complaint.objects.exclude(pk=tozeur.complaint.pk).get()
    assert response["Location"] == f"/en/report/{complaint.tracking_code}/?new=1"
    assert (complaint.municipality, complaint.district, complaint.answers) == (
        tozeur.municipality,
        tozeur.district,
        {"container": "full"},
    )
    page = client.get(response["Location"]).content.decode()
    assert complaint.tracking_code in page
    assert "amel@example.org" not in page
    assert "Amel" not in page


def test_place_search_from_the_gazetteer(client, db):
    loaded = gazetteer.load_places()
    assert loaded == 2220  # GeoNames' populated places of Tunisia
    page = client.get(REPORT, {"q": "tozeur"}).content.decode()
    assert "?clat=33.919680&amp;clon=8.133520&amp;z=15" in page  # the map opens there: she puts the pin
    arabic = client.get("/ar/report/", {"q": "توزر"}).content.decode()
    assert "توزر" in arabic.split('class="places"')[1]
    assert "No place of that name" in client.get(REPORT, {"q": "zzzzqqq"}).content.decode()


def test_point_outside_every_municipality(client, tozeur):
    response = client.get(REPORT, {"lat": "36.0", "lon": "4.0"})
    assert response.status_code == 400
    assert 'id="outside"' in response.content.decode()
    before = Complaint.objects.count()
    assert client.post(REPORT, details(lat="36.0", lon="4.0")).status_code == 400
    assert Complaint.objects.count() == before


def test_nearby_open_reports_of_the_same_category_and_me_too(client, tozeur):
    form = client.get(REPORT, {"lat": TOZEUR_LAT, "lon": TOZEUR_LON, "category": "waste"}).content.decode()
    # The fixture's waste report is about 110 m away: within the waste radius (150 m).
    assert tozeur.complaint.tracking_code in form
    roads = client.get(REPORT, {"lat": TOZEUR_LAT, "lon": TOZEUR_LON, "category": "roads"}).content.decode()
    assert tozeur.complaint.tracking_code not in roads
    response = client.post(f"/en/report/{tozeur.complaint.tracking_code}/follow", {"contact": ""})
    assert response.status_code == 302
    assert Follower.objects.filter(complaint=tozeur.complaint).count() == 1


def test_photos_are_cleaned(client, tozeur, media):
    photo = SimpleUploadedFile("IMG_1.jpg", jpeg_with_gps(), content_type="image/jpeg")
    assert client.post(REPORT, details() | {"photos": [photo]}).status_code == 302
    stored = ComplaintPhoto.objects.get()
    assert (stored.width, stored.height) == (800, 1600)
    raw = (media / stored.image.name).read_bytes()
    assert b"Exif" not in raw
    assert b"PhoneMaker" not in raw
    with Image.open(io.BytesIO(raw)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def png(size: tuple[int, int] = (10, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("fields", "files", "status"),
    [
        ({"description": ""}, [], 400),
        ({"description": "abc"}, [], 400),
        ({"description": "x" * 2001}, [], 400),
        ({"description": "nul \x00 byte here"}, [], 400),
        ({"reporter_name": "x" * 101}, [], 400),
        ({"reporter_contact": "x" * 101}, [], 400),
        ({"reporter_contact": "call me maybe"}, [], 400),
        ({"lat": "north"}, [], 400),
        ({"lat": "91"}, [], 400),
        ({"lon": "inf"}, [], 400),
        ({"lat": None}, [], 400),
        ({"category": "bogus"}, [], 400),
        ({"q_container": "exploded"}, [], 400),
        ({"website": "http://spam.example"}, [], 400),  # the honeypot
        ({}, [("notes.txt", b"not an image", "text/plain")], 400),
        ({}, [("fake.jpg", b"\xff\xd8\xff\xe0 truncated", "image/jpeg")], 400),
        ({}, [("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif")], 400),
        ({}, [(f"p{n}.png", png(), "image/png") for n in range(4)], 400),
        ({}, [("huge.png", png() + b"\0" * (8 * 1024 * 1024), "image/png")], 400),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(client, tozeur, media, fields, files, status):
    before = Complaint.objects.count()
    uploads = [SimpleUploadedFile(name, content, content_type=kind) for name, content, kind in files]
    data = details(**fields) | ({"photos": uploads} if uploads else {})
    response = client.post(REPORT, data)
    assert response.status_code == status
    assert Complaint.objects.count() == before
    assert not ComplaintPhoto.objects.exists()


def test_rate_limit_per_ip_and_per_contact(client, tozeur, settings):
    settings.COMPLAINTS_REPORTS_PER_IP_PER_HOUR = 3
    settings.COMPLAINTS_REPORTS_PER_CONTACT_PER_HOUR = 2
    before = Complaint.objects.count()
    statuses = [client.post(REPORT, details(reporter_contact=f"a{n}@example.org")).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Complaint.objects.count() == before + 3
    other_ip = {"REMOTE_ADDR": "10.9.9.9"}
    same_contact = [client.post(REPORT, details(), **other_ip).status_code for _ in range(3)]
    assert same_contact == [302, 302, 429]
    assert Complaint.objects.count() == before + 5


def test_ban_list(client, tozeur):
    Ban.objects.create(kind=Ban.Kind.IP, value="127.0.0.1")
    before = Complaint.objects.count()
    assert client.post(REPORT, details()).status_code == 403
    Ban.objects.create(kind=Ban.Kind.CONTACT, value="spam@example.org")
    assert client.post(REPORT, details(reporter_contact="Spam@Example.org"), REMOTE_ADDR="10.0.0.8").status_code == 403
    assert Complaint.objects.count() == before


def test_reopen_and_satisfaction_need_the_reporters_key(client, tozeur, planner_tozeur):
    complaint = tozeur.complaint
    key = ReporterKey.objects.create(complaint=complaint).key
    url = f"/en/report/{complaint.tracking_code}/"
    assert 'id="reopen"' not in client.get(url, {"key": key}).content.decode()
    assert client.post(url + "reopen", {"note": "Toujours plein", "key": key}).status_code == 400
    services.change_status(complaint, to="resolved", by=planner_tozeur, note="Vidé")
    # The tracking code is public (Open311 lists it): without the key, no reopening and no vote.
    stranger = client.get(url).content.decode()
    assert 'id="reopen"' not in stranger and 'id="satisfaction"' not in stranger
    assert client.post(url + "reopen", {"note": "Toujours plein ce soir"}).status_code == 403
    assert client.post(url + "satisfaction", {"satisfied": "no", "key": "guess"}).status_code == 403
    page = client.get(url, {"key": key}).content.decode()
    assert 'id="reopen"' in page and 'id="satisfaction"' in page
    assert client.post(url + "satisfaction", {"satisfied": "maybe", "key": key}).status_code == 400
    assert client.post(url + "satisfaction", {"satisfied": "no", "comment": "Lent", "key": key}).status_code == 302
    assert client.post(url + "satisfaction", {"satisfied": "yes", "key": key}).status_code == 400
    assert SatisfactionAnswer.objects.get().satisfied is False
    assert client.post(url + "reopen", {"note": "x", "key": key}).status_code == 400
    assert client.post(url + "reopen", {"note": "Toujours plein ce soir", "key": key}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REOPENED
    assert complaint.due_at is not None


def test_the_reporters_browser_keeps_the_key(client, tozeur, planner_tozeur):
    response = client.post(REPORT, details())
    complaint = Complaint.objects.get(tracking_code=response["Location"].split("/")[3])
    page = client.get(response["Location"]).content.decode()
    assert f"?key={complaint.reporter_key.key}" in page  # the private link, shown to the reporter only
    services.change_status(complaint, to="resolved", by=planner_tozeur, note="Vidé")
    url = f"/en/report/{complaint.tracking_code}/"
    assert client.post(url + "satisfaction", {"satisfied": "yes"}).status_code == 302
    other_browser = type(client)()
    assert complaint.reporter_key.key not in other_browser.get(url).content.decode()


def test_hidden_or_unknown_report_is_404(client, tozeur, planner_tozeur):
    services.moderate(tozeur.complaint, by=planner_tozeur, hidden=True)
    assert client.get(f"/en/report/{tozeur.complaint.tracking_code}/").status_code == 404
    assert client.post(f"/en/report/{tozeur.complaint.tracking_code}/follow").status_code == 404
    assert client.get("/en/report/NOSUCHCODE/").status_code == 404


def test_page_weight_of_the_where_step(client, db):
    """The first page a phone loads: HTML, CSS and JavaScript (no images), as sent (gzipped: whitenoise serves the
    static files compressed), with the portal's basemap on the map."""
    import gzip

    from django.contrib.staticfiles import finders

    html = client.get(REPORT).content
    assets = ["portal/portal.css", "complaints/complaints.css", "vendor/leaflet/leaflet.css"]
    assets += ["vendor/leaflet/leaflet.js", "vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js"]
    assets += ["maps/basemap.js", "complaints/report_map.js"]
    assert all(f'/static/{a}"' in html.decode() for a in assets)
    files = [html] + [open(finders.find(a), "rb").read() for a in assets]  # noqa: SIM115
    weight = sum(len(gzip.compress(f)) for f in files)
    print(f"report page weight: {weight / 1024:.0f} KiB gzipped, {sum(map(len, files)) / 1024:.0f} KiB raw")
    assert weight < 70 * 1024
    # Without JavaScript the page is the HTML and two small style sheets.
    assert len(html) < 10 * 1024


@pytest.mark.parametrize(
    ("prefix", "direction", "title"),
    [("/ar/", "rtl", "الإبلاغ عن مشكلة"), ("/", "ltr", "Signaler un problème"), ("/en/", "ltr", "Report a problem")],
)
def test_report_page_in_three_languages(client, tozeur, prefix, direction, title):
    page = client.get(prefix + "report/", {"lat": TOZEUR_LAT, "lon": TOZEUR_LON, "category": "waste"})
    html = page.content.decode()
    assert f'dir="{direction}"' in html
    assert title in html


def test_oversized_request_is_413(client, tozeur):
    before = Complaint.objects.count()
    response = client.post(REPORT, details(), CONTENT_LENGTH=str(30 * 1024 * 1024))
    assert response.status_code == 413
    assert Complaint.objects.count() == before


def test_odd_tracking_codes_are_404(client, db):
    for code in ("..", "é"):
        assert client.get(f"/en/report/{code}/").status_code == 404
    for code in ("%00", "A%00B"):  # refused before any view (gisportal.middleware)
        assert client.get(f"/en/report/{code}/").status_code == 400
