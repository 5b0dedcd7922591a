"""The staff workflow: honest states, notes public or internal, due dates, scope, moderation."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gisportal.accounts.models import Role
from gisportal.complaints import selectors, services, workflow
from gisportal.complaints.models import ComplaintUpdate, ServiceCategory
from gisportal.complaints.selectors import StaffFilters
from layers.models import Complaint
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON
from tests.conftest import BEJA_CENTRE, staff

Status = Complaint.Status


def report(**overrides: Any) -> Complaint:
    fields: dict[str, Any] = {
        "lon": TOZEUR_LON,
        "lat": TOZEUR_LAT,
        "category": "waste",
        "description": "Le conteneur déborde depuis trois jours",
        "reporter_contact": "amel@example.org",
        "client_ip": "10.0.0.1",
    }
    return services.submit_report(**(fields | overrides))


def test_report_is_routed_and_gets_the_national_due_date(tozeur):
    before = timezone.now()
    complaint = report()
    assert complaint.municipality == tozeur.municipality
    assert complaint.district == tozeur.district
    assert complaint.status == Status.SUBMITTED
    # The national charter: waste within 2 days.
    assert before + datetime.timedelta(days=2) <= complaint.due_at <= timezone.now() + datetime.timedelta(days=2)
    assert [u.status for u in complaint.updates.all()] == [Status.SUBMITTED]


def test_municipal_catalogue_overrides_the_national_target(tozeur):
    ServiceCategory.objects.create(municipality=tozeur.municipality, code="waste", target_days=1)
    complaint = report()
    assert complaint.due_at - complaint.created_at < datetime.timedelta(days=1, minutes=1)
    assert complaint.due_at - complaint.created_at > datetime.timedelta(hours=23)


def test_category_outside_the_municipal_catalogue_is_refused(tozeur):
    ServiceCategory.objects.create(municipality=tozeur.municipality, code="waste", target_days=1)
    before = Complaint.objects.count()
    with pytest.raises(ValidationError) as error:
        report(category="noise")
    assert "category" in error.value.message_dict
    assert Complaint.objects.count() == before


def test_full_life_with_public_and_internal_notes(tozeur, planner_tozeur):
    complaint = report()
    services.change_status(complaint, to=Status.ACKNOWLEDGED, by=planner_tozeur, note="Reçu")
    services.add_note(complaint, by=planner_tozeur, note="Camion en panne", public=False)
    services.change_status(complaint, to=Status.IN_PROGRESS, by=planner_tozeur)
    services.change_status(complaint, to=Status.RESOLVED, by=planner_tozeur, note="Vidé ce matin")
    services.reopen_by_reporter(complaint, note="Encore plein ce soir")
    services.change_status(complaint, to=Status.RESOLVED, by=planner_tozeur, note="Vidé deux fois")
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    steps = list(complaint.updates.values_list("status_from", "status", "is_public", "by_reporter"))
    assert steps == [
        ("", "submitted", True, True),
        ("submitted", "acknowledged", True, False),
        ("acknowledged", "acknowledged", False, False),
        ("acknowledged", "in_progress", True, False),
        ("in_progress", "resolved", True, False),
        ("resolved", "reopened", True, True),
        ("reopened", "resolved", True, False),
    ]
    public_notes = [u.note for u in selectors.public_updates(complaint)]
    assert "Camion en panne" not in public_notes
    assert "Vidé ce matin" in public_notes


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.RESOLVED, Status.IN_PROGRESS),
        (Status.REJECTED, Status.RESOLVED),
        (Status.IN_PROGRESS, Status.ACKNOWLEDGED),
        (Status.SUBMITTED, Status.SUBMITTED),
        (Status.SUBMITTED, Status.REOPENED),
        (Status.SUBMITTED, "bogus"),
    ],
)
def test_forbidden_transitions_store_nothing(tozeur, planner_tozeur, start, target):
    complaint = tozeur.complaint
    Complaint.objects.filter(pk=complaint.pk).update(status=start)
    complaint.refresh_from_db()
    with pytest.raises(ValidationError):
        services.change_status(complaint, to=target, by=planner_tozeur, note="x")
    complaint.refresh_from_db()
    assert complaint.status == start
    assert not complaint.updates.exists()


def test_every_status_reachable_and_closed_ones_only_reopen():
    reachable = {Status.SUBMITTED} | {t for targets in workflow.STAFF_TRANSITIONS.values() for t in targets}
    assert reachable == set(Status.values)
    for closed in (Status.RESOLVED, Status.CLOSED_WITHOUT_FIX, Status.DUPLICATE, Status.REJECTED):
        assert workflow.next_statuses(closed) == [Status.REOPENED]


def test_duplicate_links_the_original_in_the_same_municipality(tozeur, beja, planner_tozeur):
    first, second = report(), report(description="Même conteneur, toujours plein", client_ip="10.0.0.2")
    with pytest.raises(ValidationError):
        services.change_status(second, to=Status.DUPLICATE, by=planner_tozeur)
    with pytest.raises(ValidationError):
        services.change_status(second, to=Status.DUPLICATE, by=planner_tozeur, duplicate_of=beja.complaint)
    services.change_status(second, to=Status.DUPLICATE, by=planner_tozeur, duplicate_of=first)
    second.refresh_from_db()
    assert second.duplicate_of == first
    assert list(first.duplicates.all()) == [second]


def test_rejecting_needs_a_reason(tozeur, planner_tozeur):
    complaint = report()
    with pytest.raises(ValidationError):
        services.change_status(complaint, to=Status.REJECTED, by=planner_tozeur)
    services.change_status(complaint, to=Status.CLOSED_WITHOUT_FIX, by=planner_tozeur, note="Terrain privé")
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED_WITHOUT_FIX


def test_planner_cannot_touch_another_municipality(tozeur, beja, planner_tozeur):
    with pytest.raises(PermissionError):
        services.change_status(beja.complaint, to=Status.ACKNOWLEDGED, by=planner_tozeur)
    assert not beja.complaint.updates.exists()


def test_assignment_only_to_staff_of_the_municipality(tozeur, beja, planner_tozeur):
    colleague = staff("agent-tozeur", Role.PLANNER, "6211")
    outsider = staff("agent-beja", Role.PLANNER, "2111")
    complaint = report()
    with pytest.raises(ValidationError):
        services.assign(complaint, to=outsider, by=planner_tozeur)
    services.assign(complaint, to=colleague, by=planner_tozeur)
    services.set_priority(complaint, priority=Complaint.Priority.URGENT, by=planner_tozeur)
    complaint.refresh_from_db()
    assert (complaint.assignee, complaint.priority) == (colleague, 4)
    assert not selectors.public_updates(complaint).exclude(status_from="").exists()


def test_moderation_hides_and_redacts_with_history(tozeur, planner_tozeur):
    complaint = report(description="Le voisin Karim Ben Salah jette ses ordures")
    services.moderate(complaint, by=planner_tozeur, description="Un voisin jette ses ordures [texte modéré]")
    assert selectors.public_complaint(complaint.tracking_code).description.endswith("[texte modéré]")
    assert complaint.history.earliest().description.startswith("Le voisin Karim")
    services.moderate(complaint, by=planner_tozeur, hidden=True)
    assert selectors.public_complaint(complaint.tracking_code) is None


def test_staff_list_scoped_and_filtered(tozeur, beja, planner_tozeur):
    fresh = report()
    late = report(category="roads", description="Nid de poule énorme", client_ip="10.0.0.3")
    Complaint.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    visible = selectors.staff_complaints(planner_tozeur)
    assert set(visible) == {tozeur.complaint, fresh, late}
    assert beja.complaint not in visible
    assert list(selectors.staff_complaints(planner_tozeur, StaffFilters(overdue=True))) == [late]
    assert list(selectors.staff_complaints(planner_tozeur, StaffFilters(category="roads"))) == [late]
    by_district = selectors.staff_complaints(planner_tozeur, StaffFilters(district=tozeur.district.pk))
    assert set(by_district) == {tozeur.complaint, fresh, late}
    services.change_status(late, to=Status.RESOLVED, by=planner_tozeur)
    assert not selectors.staff_complaints(planner_tozeur, StaffFilters(overdue=True)).exists()


def test_reopen_and_satisfaction_by_the_reporter(tozeur, planner_tozeur):
    complaint = report()
    with pytest.raises(ValidationError):
        services.reopen_by_reporter(complaint, note="Toujours là")
    with pytest.raises(ValidationError):
        services.answer_satisfaction(complaint, satisfied=True)
    services.change_status(complaint, to=Status.RESOLVED, by=planner_tozeur, note="Fait")
    services.answer_satisfaction(complaint, satisfied=True, comment="Merci")
    services.add_note(complaint, by=planner_tozeur, note="Photo du conteneur vide jointe", public=True)
    with pytest.raises(ValidationError):
        services.answer_satisfaction(complaint, satisfied=False)
    assert complaint.satisfaction_answers.count() == 1
    # Reopened and resolved again: a new answer is welcome.
    services.reopen_by_reporter(complaint, note="Plein de nouveau")
    services.change_status(complaint, to=Status.RESOLVED, by=planner_tozeur, note="Vidé encore")
    services.answer_satisfaction(complaint, satisfied=False, comment="Trop lent")
    assert complaint.satisfaction_answers.count() == 2


def test_point_outside_every_municipality_is_refused(tozeur):
    before = Complaint.objects.count()
    with pytest.raises(ValidationError) as error:
        report(lon=BEJA_CENTRE[0] + 1.5, lat=BEJA_CENTRE[1])
    assert error.value.message_dict["location"]
    assert Complaint.objects.count() == before
    assert ComplaintUpdate.objects.count() == 0


def test_routed_to_the_nearest_relevant_asset(tozeur):
    # The usual pin is about 250 m from the container at the town centre: beyond the 100 m asset radius.
    assert report().service_point is None
    near = report(lon=tozeur.container.location.x + 0.0005, lat=tozeur.container.location.y, client_ip="10.0.0.4")
    assert near.service_point == tozeur.container
    # A pothole is not about a container.
    roads = report(
        category="roads", lon=tozeur.container.location.x, lat=tozeur.container.location.y, client_ip="10.0.0.5"
    )
    assert roads.service_point is None
