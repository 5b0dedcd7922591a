"""Reads of the complaints workflow. Staff querysets start from `layers.selectors.visible`."""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, F, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from gisportal.accounts import roles
from gisportal.accounts.models import Role
from gisportal.complaints import workflow
from gisportal.complaints.models import (
    ComplaintUpdate,
    Place,
    ReporterKey,
    ResponseTemplate,
    ServiceCategory,
    ServiceQuestion,
)
from layers import selectors as layer_selectors
from layers.models import Complaint, Municipality

DEFAULT_NEARBY_RADIUS_M = 250
NEARBY_RECENT_DAYS = 90


def catalogue(municipality: Municipality | None) -> list[ServiceCategory]:
    """The categories a municipality offers: its own catalogue, or the national one when it has none."""
    own = list(ServiceCategory.objects.filter(municipality=municipality, is_active=True).prefetch_related("questions"))
    if own or municipality is None:
        return own
    return list(ServiceCategory.objects.filter(municipality=None, is_active=True).prefetch_related("questions"))


def service_category(municipality: Municipality | None, code: str) -> ServiceCategory | None:
    """The category a report falls under, in the municipality's own catalogue or else the national one."""
    if code not in Complaint.Category.values:
        return None
    has_own = ServiceCategory.objects.filter(municipality=municipality) if municipality else None
    national = Q(municipality=None) & ~Exists(has_own) if has_own is not None else Q(municipality=None)
    own = Q(municipality=municipality) if municipality else Q(pk__in=[])
    candidates = ServiceCategory.objects.filter(own | national, code=code, is_active=True)
    return (
        candidates.order_by("pk")
        .prefetch_related(Prefetch("questions", ServiceQuestion.objects.order_by("order", "pk")))
        .first()
    )


def target_days(complaint: Complaint) -> int | None:
    """The service-level target (days) of a routed complaint: the citizen charter of its municipality."""
    category = service_category(complaint.municipality, complaint.category)
    return category.target_days if category else None


def overdue_q(now: datetime.datetime | None = None) -> Q:
    return Q(status__in=Complaint.OPEN_STATUSES, due_at__lt=now or timezone.now())


@dataclass(frozen=True)
class StaffFilters:
    municipality: int | None = None
    district: int | None = None
    category: str = ""
    status: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None
    overdue: bool = False
    assignee: int | None = None
    search: str = ""


def staff_complaints(user: roles.User, filters: StaffFilters | None = None) -> QuerySet[Complaint]:
    """The reports a staff member may see (a planner: her municipalities'), filtered, most urgent first."""
    queryset = layer_selectors.visible(Complaint, user).select_related("municipality", "district", "assignee")
    f = filters or StaffFilters()
    if f.municipality:
        queryset = queryset.filter(municipality_id=f.municipality)
    if f.district:
        queryset = queryset.filter(district_id=f.district)
    if f.category:
        queryset = queryset.filter(category=f.category)
    if f.status:
        queryset = queryset.filter(status=f.status)
    if f.since:
        queryset = queryset.filter(created_at__date__gte=f.since)
    if f.until:
        queryset = queryset.filter(created_at__date__lte=f.until)
    if f.overdue:
        queryset = queryset.filter(overdue_q())
    if f.assignee:
        queryset = queryset.filter(assignee_id=f.assignee)
    if f.search:
        queryset = queryset.filter(Q(tracking_code__iexact=f.search) | Q(description__icontains=f.search))
    return queryset.order_by("-priority", "due_at", "-created_at")


def staff_complaint(user: roles.User, tracking_code: str) -> Complaint | None:
    return staff_complaints(user).filter(tracking_code=tracking_code).first()


def response_templates(complaint: Complaint) -> QuerySet[ResponseTemplate]:
    return ResponseTemplate.objects.filter(Q(municipality=None) | Q(municipality=complaint.municipality_id))


def public_complaints() -> QuerySet[Complaint]:
    """What anyone may see: every report but the hidden ones (never with the reporter's contact)."""
    return Complaint.objects.filter(is_hidden=False).defer("reporter_name", "reporter_contact")


def public_complaint(tracking_code: str) -> Complaint | None:
    return public_complaints().select_related("municipality", "district").filter(tracking_code=tracking_code).first()


def public_updates(complaint: Complaint) -> QuerySet[ComplaintUpdate]:
    return complaint.updates.filter(is_public=True).order_by("created_at", "pk")


def nearby_open(point: Point, category: str, *, municipality: Municipality | None = None) -> QuerySet[Complaint]:
    """Recent open reports of the same category near a point, within the category's radius."""
    service = service_category(municipality, category)
    radius = service.nearby_radius_m if service else DEFAULT_NEARBY_RADIUS_M
    recent = timezone.now() - datetime.timedelta(days=NEARBY_RECENT_DAYS)
    candidates = public_complaints().filter(
        category=category, status__in=Complaint.OPEN_STATUSES, created_at__gte=recent
    )
    return layer_selectors.within_metres(candidates, "location", point, radius).order_by("-created_at")


def duplicate_radius_m() -> float:
    """How close (metres) two open reports of a category must be to be offered to staff as possible duplicates."""
    return float(getattr(settings, "COMPLAINT_DUPLICATE_RADIUS_M", 50))


def duplicate_window() -> datetime.timedelta:
    """How close in time (either way) two such reports must be."""
    return datetime.timedelta(hours=float(getattr(settings, "COMPLAINT_DUPLICATE_HOURS", 48)))


def possible_duplicates(complaint: Complaint, user: roles.User) -> QuerySet[Complaint]:
    """Open reports of the same category, municipality, place (N metres) and time (M hours) as an open one."""
    if not complaint.is_open:
        return Complaint.objects.none()
    window = duplicate_window()
    candidates = (
        layer_selectors.visible(Complaint, user)
        .filter(
            municipality_id=complaint.municipality_id,
            category=complaint.category,
            status__in=Complaint.OPEN_STATUSES,
            created_at__range=(complaint.created_at - window, complaint.created_at + window),
        )
        .exclude(pk=complaint.pk)
    )
    return layer_selectors.within_metres(candidates, "location", complaint.location, duplicate_radius_m()).order_by(
        "created_at"
    )


def flagged_as_possible_duplicates(ids: list[int]) -> set[int]:
    """Which of these reports have a possible duplicate (see `possible_duplicates`), in one query for a page."""
    if not ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.id FROM layers_complaint c
                WHERE c.id = ANY(%(ids)s) AND c.status = ANY(%(open)s) AND EXISTS (
                      SELECT 1 FROM layers_complaint o
                       WHERE o.id <> c.id AND o.municipality_id = c.municipality_id AND o.category = c.category
                         AND o.status = ANY(%(open)s)
                         AND o.created_at BETWEEN c.created_at - make_interval(secs => %(window)s)
                                              AND c.created_at + make_interval(secs => %(window)s)
                         AND ST_DWithin(o.location::geography, c.location::geography, %(radius)s))""",
            {
                "ids": ids,
                "open": [str(s) for s in Complaint.OPEN_STATUSES],
                "window": duplicate_window().total_seconds(),
                "radius": duplicate_radius_m(),
            },
        )
        return {row[0] for row in cursor.fetchall()}


def assignable_staff(complaint: Complaint) -> QuerySet[User]:
    """Who may be given a report: the planners of its municipality."""
    return User.objects.filter(
        is_active=True,
        staff_profile__role=Role.PLANNER,
        staff_profile__municipalities=complaint.municipality_id,
    ).order_by("username")


def staff_geojson(queryset: QuerySet[Complaint]) -> dict:
    """A FeatureCollection of (a page of) staff-visible reports for the staff map, built in PostGIS."""
    try:
        sql, params = queryset.values("tracking_code", "status", "category", "location").query.sql_with_params()
    except EmptyResultSet:
        return {"type": "FeatureCollection", "features": []}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
                     json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(t.location, 6)::json,
                                       'properties', json_build_object('code', t.tracking_code, 'status', t.status,
                                                                       'category', t.category))), '[]'::json))
                FROM ({sql}) AS t""",  # noqa: S608 -- the inner SQL is Django's own, parameters stay bound
            params,
        )
        return cursor.fetchone()[0]


def search_places(text: str, *, limit: int = 10) -> QuerySet[Place]:
    """Populated places whose name (Latin, plain Latin or Arabic) contains the text, largest first."""
    text = text.replace("\x00", "").strip()[:100]
    if len(text) < 2:
        return Place.objects.none()
    match = Q(name__icontains=text) | Q(asciiname__icontains=text) | Q(name_ar__contains=text)
    return Place.objects.filter(match).order_by("-population", "name")[:limit]


def answers_shown(complaint: Complaint) -> list[tuple[str, str]]:
    """The reporter's answers as (question, answer) in the page's language; a question since removed by its code."""
    category = service_category(complaint.municipality, complaint.category)
    questions = {question.code: question for question in category.questions.all()} if category else {}
    return [
        (questions[code].label, questions[code].answer_label(answer)) if code in questions else (code, str(answer))
        for code, answer in complaint.answers.items()
    ]


def awaits_satisfaction(complaint: Complaint) -> bool:
    """Whether the reporter may still say if the fix satisfied her: once per closing, after it."""
    if complaint.status not in workflow.REPORTER_REOPENS_FROM:
        return False
    # A staff note added afterwards (same status) is not a new closing.
    closed_at = (
        complaint.updates.filter(status__in=workflow.REPORTER_REOPENS_FROM)
        .exclude(status_from=F("status"))
        .aggregate(latest=Max("created_at"))["latest"]
    )
    return not complaint.satisfaction_answers.filter(created_at__gte=closed_at or complaint.created_at).exists()


def is_reporter(complaint: Complaint, key: str) -> bool:
    """Whether `key` is the reporter's secret for this report (compared in constant time)."""
    stored = ReporterKey.objects.filter(complaint=complaint).values_list("key", flat=True).first()
    return bool(stored and key and secrets.compare_digest(stored, key))
