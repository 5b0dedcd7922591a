"""Possible duplicates: open reports of a category close in place and time are flagged to staff and merged."""

import datetime

import pytest
from django.utils import timezone

from gisportal.complaints import services
from layers.models import Complaint

Status = Complaint.Status


@pytest.fixture
def planner_client(client, planner_tozeur):
    client.force_login(planner_tozeur)
    return client


def _report(lon: float, lat: float, category: str = "waste") -> Complaint:
    return services.submit_report(lon=lon, lat=lat, category=category, description="Conteneur plein encore")


def test_three_reports_minutes_apart_are_flagged_and_merged(planner_client, tozeur, settings):
    settings.COMPLAINT_DUPLICATE_RADIUS_M = 50
    settings.COMPLAINT_DUPLICATE_HOURS = 48
    lon, lat = tozeur.complaint.location.x + 0.003, tozeur.complaint.location.y  # ~280 m from the fixture's
    first = _report(lon, lat)
    second = _report(lon + 0.0002, lat)  # ~19 m away
    third = _report(lon, lat + 0.0003)  # ~33 m away
    elsewhere = _report(lon + 0.002, lat)  # ~185 m away: not a duplicate
    other_category = _report(lon, lat, category="lighting")
    old = _report(lon, lat)
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=72))

    listing = planner_client.get("/en/staff/complaints/").content.decode().split('<table class="reports">')[1]
    rows = {c.tracking_code: listing.split(c.tracking_code, 1)[1].split("</tr>", 1)[0] for c in Complaint.objects.all()}
    for flagged in (first, second, third):
        assert "possible duplicate" in rows[flagged.tracking_code]
    for alone in (elsewhere, other_category, old, tozeur.complaint):
        assert "possible duplicate" not in rows[alone.tracking_code]

    page = planner_client.get(f"/en/staff/complaints/{second.tracking_code}/").content.decode()
    assert "Possible duplicates" in page
    assert "within 50 m and 48 hours" in page
    assert f'href="/en/staff/complaints/{first.tracking_code}/"' in page
    assert f'href="/en/staff/complaints/{third.tracking_code}/"' in page
    for absent in (elsewhere, other_category, old):
        assert absent.tracking_code not in page
    assert f"Merge this report into {first.tracking_code}" in page  # the older one stays
    assert f"Merge {third.tracking_code} into this report" in page

    # The merge is the workflow's own "duplicate" status with its original.
    response = planner_client.post(
        f"/en/staff/complaints/{third.tracking_code}/status",
        {"status": "duplicate", "duplicate_of": second.tracking_code, "public": "on"},
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert (third.status, third.duplicate_of) == (Status.DUPLICATE, second)
    page = planner_client.get(f"/en/staff/complaints/{second.tracking_code}/").content.decode()
    assert (
        f'href="/en/staff/complaints/{third.tracking_code}/"'
        not in page.split("possible-duplicates", 1)[1].split("</section>")[0]
    )


def test_flag_in_french_and_none_once_closed(client, planner_tozeur, tozeur):
    client.force_login(planner_tozeur)
    lon, lat = tozeur.complaint.location.x, tozeur.complaint.location.y
    twin = _report(lon + 0.0001, lat)
    page = client.get(f"/staff/complaints/{twin.tracking_code}/").content.decode()
    assert "Doublons possibles" in page
    assert f"Fusionner ce signalement avec {tozeur.complaint.tracking_code}" in page
    arabic = client.get(f"/ar/staff/complaints/{twin.tracking_code}/").content.decode()
    assert "تكرارات محتملة" in arabic and f"دمج هذا البلاغ في {tozeur.complaint.tracking_code}" in arabic
    assert "معالجة هذا البلاغ" in arabic and "لم يُجب صاحب البلاغ بعد." in arabic
    services.change_status(twin, to=Status.REJECTED, by=planner_tozeur, note="Hors sujet")
    page = client.get(f"/staff/complaints/{twin.tracking_code}/").content.decode()
    assert "Doublons possibles" not in page
