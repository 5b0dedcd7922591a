"""Staff pages: scoped list with filters and map, CSV export, workflow actions, bad input."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from gisportal.accounts.models import Role
from gisportal.complaints.models import ComplaintUpdate, ResponseTemplate
from layers.models import Complaint
from tests.conftest import staff

Status = Complaint.Status


@pytest.fixture
def planner_client(client, planner_tozeur):
    client.force_login(planner_tozeur)
    return client


def test_list_shows_only_own_municipality_and_flags_overdue(planner_client, tozeur, beja):
    Complaint.objects.filter(pk=tozeur.complaint.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    page = planner_client.get("/en/staff/complaints/")
    html = page.content.decode()
    assert page.status_code == 200
    assert tozeur.complaint.tracking_code in html
    assert beja.complaint.tracking_code not in html
    assert 'class="overdue"' in html
    # The map gets the listed points as GeoJSON.
    assert f'"code": "{tozeur.complaint.tracking_code}"' in html


def test_filters(planner_client, tozeur):
    assert tozeur.complaint.tracking_code not in planner_client.get("/en/staff/complaints/?overdue=on").content.decode()
    roads = planner_client.get("/en/staff/complaints/?category=roads").content.decode()
    assert tozeur.complaint.tracking_code not in roads
    waste = planner_client.get(f"/en/staff/complaints/?category=waste&district={tozeur.district.pk}").content.decode()
    assert tozeur.complaint.tracking_code in waste


def test_csv_export_is_scoped_and_has_no_contact(planner_client, tozeur, beja):
    response = planner_client.get("/en/staff/complaints/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "tracking_code"
    assert [row[0] for row in rows[1:]] == [tozeur.complaint.tracking_code]
    assert "citizen@example.org" not in str(rows)
    assert float(rows[1][-2]) == pytest.approx(8.131)


def test_other_municipality_is_404(planner_client, beja, tozeur):
    assert planner_client.get(f"/en/staff/complaints/{beja.complaint.tracking_code}/").status_code == 404
    response = planner_client.post(
        f"/en/staff/complaints/{beja.complaint.tracking_code}/status", {"status": "acknowledged", "public": "on"}
    )
    assert response.status_code == 404
    assert not ComplaintUpdate.objects.exists()


def test_anonymous_is_sent_to_login(client, tozeur):
    response = client.get("/en/staff/complaints/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_status_change_with_template(planner_client, tozeur):
    template = ResponseTemplate.objects.create(title="Vidé", text="Le conteneur a été vidé.", status="resolved")
    url = f"/en/staff/complaints/{tozeur.complaint.tracking_code}/status"
    response = planner_client.post(url, {"status": "resolved", "template": template.pk, "public": "on"})
    assert response.status_code == 302
    tozeur.complaint.refresh_from_db()
    assert tozeur.complaint.status == Status.RESOLVED
    update = tozeur.complaint.updates.get()
    assert (update.note, update.is_public) == ("Le conteneur a été vidé.", True)
    # The reporter's contact is shown to staff only.
    assert "citizen@example.org" in planner_client.get(url.replace("/status", "/")).content.decode()


def test_duplicate_by_tracking_code(planner_client, tozeur):
    original = Complaint.objects.create(
        municipality=tozeur.municipality,
        category="waste",
        description="Premier signalement",
        location=tozeur.complaint.location,
    )
    url = f"/en/staff/complaints/{tozeur.complaint.tracking_code}/status"
    assert planner_client.post(url, {"status": "duplicate", "duplicate_of": "NOPE"}).status_code == 400
    response = planner_client.post(url, {"status": "duplicate", "duplicate_of": original.tracking_code.lower()})
    assert response.status_code == 302
    tozeur.complaint.refresh_from_db()
    assert tozeur.complaint.duplicate_of == original


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("status", {"status": "closed"}),
        ("status", {"status": "resolved", "note": "x" * 2001}),
        ("status", {"status": "rejected"}),
        ("note", {"note": ""}),
        ("assign", {"assignee": "999999"}),
        ("priority", {"priority": "9"}),
        ("priority", {"priority": "high"}),
        ("moderate", {"description": ""}),
        ("moderate", {"description": "x" * 2001}),
    ],
)
def test_bad_staff_input_is_400_and_stores_nothing(planner_client, tozeur, action, data):
    before = (tozeur.complaint.status, tozeur.complaint.priority, tozeur.complaint.description)
    response = planner_client.post(f"/en/staff/complaints/{tozeur.complaint.tracking_code}/{action}", data)
    assert response.status_code == 400
    tozeur.complaint.refresh_from_db()
    assert (tozeur.complaint.status, tozeur.complaint.priority, tozeur.complaint.description) == before
    assert not ComplaintUpdate.objects.exists()


def test_assign_priority_moderate(planner_client, tozeur):
    colleague = staff("agent-tozeur", Role.PLANNER, "6211")
    base = f"/en/staff/complaints/{tozeur.complaint.tracking_code}/"
    assert planner_client.post(base + "assign", {"assignee": colleague.pk}).status_code == 302
    assert planner_client.post(base + "priority", {"priority": "3"}).status_code == 302
    assert planner_client.post(base + "moderate", {"hidden": "on", "description": "Texte modéré"}).status_code == 302
    tozeur.complaint.refresh_from_db()
    assert (tozeur.complaint.assignee, tozeur.complaint.priority) == (colleague, 3)
    assert (tozeur.complaint.is_hidden, tozeur.complaint.description) == (True, "Texte modéré")
    assert tozeur.complaint.updates.filter(is_public=False).count() == 3


def test_analyst_reads_but_cannot_act(client, analyst, tozeur):
    client.force_login(analyst)
    assert client.get(f"/en/staff/complaints/{tozeur.complaint.tracking_code}/").status_code == 200
    response = client.post(f"/en/staff/complaints/{tozeur.complaint.tracking_code}/priority", {"priority": "3"})
    assert response.status_code == 403
    tozeur.complaint.refresh_from_db()
    assert tozeur.complaint.priority == 2


@pytest.mark.parametrize("extra", [0, 12])
def test_list_query_count_does_not_grow(planner_client, tozeur, extra, django_assert_max_num_queries):
    for n in range(extra):
        Complaint.objects.create(
            municipality=tozeur.municipality,
            district=tozeur.district,
            category="roads",
            description=f"Trou {n}",
            location=tozeur.complaint.location,
        )
    # Session and user, scope, count, page, map GeoJSON, possible duplicates, filter choices (towns, districts).
    with django_assert_max_num_queries(13):
        assert planner_client.get("/en/staff/complaints/").status_code == 200


def test_detail_has_one_form_with_one_save_the_map_and_the_satisfaction(planner_client, tozeur, planner_tozeur):
    from gisportal.complaints import services

    complaint = tozeur.complaint
    services.change_status(complaint, to=Status.RESOLVED, by=planner_tozeur, note="Vidé")
    services.answer_satisfaction(complaint, satisfied=False, comment="Toujours plein le soir")
    page = planner_client.get(f"/en/staff/complaints/{complaint.tracking_code}/").content.decode()
    main = page.split("<main", 1)[1]  # the header's language switch aside
    assert main.count("<form") == 1 and main.count('type="submit"') == 1
    assert "Not satisfied with the fix" in page and "Toujours plein le soir" in page
    assert f"/m/picture.svg?lat={complaint.location.y:f}&amp;lon={complaint.location.x:f}&amp;z=16" in page
    french = planner_client.get(f"/staff/complaints/{complaint.tracking_code}/").content.decode()
    assert "Pas satisfait de la réparation" in french and "Enregistrer" in french


def test_one_save_applies_only_what_changed_all_or_nothing(planner_client, tozeur, planner_tozeur):
    complaint = tozeur.complaint
    url = f"/en/staff/complaints/{complaint.tracking_code}/save"
    form = {
        "status": "in_progress",
        "note": "Équipe envoyée",
        "public": "on",
        "assignee": planner_tozeur.pk,
        "priority": "3",
        "description": complaint.description,
    }
    assert planner_client.post(url, form).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.assignee, complaint.priority, complaint.is_hidden) == (
        Status.IN_PROGRESS,
        planner_tozeur,
        3,
        False,
    )
    notes = [u.note for u in complaint.updates.order_by("pk")]
    assert notes == ["Assigned to planner-tozeur", "Priority: High", "Équipe envoyée"]
    # Nothing changed but a note: only the note is added.
    assert planner_client.post(url, {**form, "status": "", "note": "Passé ce matin"}).status_code == 302
    assert complaint.updates.count() == 4 and complaint.updates.last().note == "Passé ce matin"
    # A refused part refuses everything: no priority change with an unknown duplicate.
    bad = {**form, "status": "duplicate", "duplicate_of": "NOPE", "priority": "4"}
    response = planner_client.post(url, bad)
    assert response.status_code == 400
    assert "Give the report this one duplicates." in response.content.decode()
    assert 'value="NOPE"' in response.content.decode()  # what she typed is kept
    complaint.refresh_from_db()
    assert (complaint.priority, complaint.status, complaint.updates.count()) == (3, Status.IN_PROGRESS, 4)
