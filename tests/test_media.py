"""Citizens' photos are served as `make demo` runs (DEBUG off); imported files and rasters beside them never are.

Through the test client: the browser tests' live server serves every media file itself, whatever the portal does.
"""

import pytest


@pytest.fixture
def media(settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    for name in ("complaints/abc.jpg", "budgeting/proposals/2026/12/p.jpg", "imports/upload.csv", "rasters/pop.tif"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"\xff\xd8 not really a jpeg")
    return tmp_path


def test_report_and_proposal_photos_are_served(client, media):
    for url in ("/media/complaints/abc.jpg", "/media/budgeting/proposals/2026/12/p.jpg"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "public, max-age=86400"
        assert b"".join(response.streaming_content) == b"\xff\xd8 not really a jpeg"


@pytest.mark.parametrize(
    "url",
    [
        "/media/imports/upload.csv",
        "/media/rasters/pop.tif",
        "/media/complaints/../imports/upload.csv",
        "/media/complaints/%2e%2e/imports/upload.csv",
        "/media/complaints/missing.jpg",
        "/media/complaints/",
    ],
)
def test_private_files_and_escapes_are_refused(client, media, url):
    assert client.get(url).status_code in {400, 404}  # 400: a path out of the folder (Django's serve refuses it)


def test_a_web_server_in_front_may_serve_them_instead(client, media, settings):
    settings.SERVE_MEDIA = False
    assert client.get("/media/complaints/abc.jpg").status_code == 404
