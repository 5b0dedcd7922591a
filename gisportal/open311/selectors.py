"""Reads for the GeoReport v2 server: services, definitions and public service requests as plain dicts."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, FloatField, Func, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from gisportal.complaints import selectors as complaint_selectors
from gisportal.complaints.models import ComplaintPhoto, ComplaintUpdate, ServiceCategory, ServiceQuestion
from layers.models import Complaint, Municipality

Status = Complaint.Status
MAX_PAGE_SIZE = 1000
DEFAULT_WINDOW = datetime.timedelta(days=90)
GROUPS = {
    "waste": "sanitation",
    "illegal_dumping": "sanitation",
    "water": "sanitation",
    "roads": "street",
    "lighting": "street",
    "green_spaces": "environment",
    "noise": "environment",
    "building": "urbanism",
    "other": "other",
}


def municipality(jurisdiction_id: str) -> Municipality | None:
    """A jurisdiction is a municipality, by its official code."""
    return Municipality.objects.filter(code=jurisdiction_id).first()


def service(category: ServiceCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.questions.all()),
        "type": "realtime",
        "keywords": "",
        "group": category.group or GROUPS.get(category.code, "other"),
    }


def services(jurisdiction: Municipality | None) -> list[dict[str, Any]]:
    return [service(category) for category in complaint_selectors.catalogue(jurisdiction)]


def attribute(question: ServiceQuestion) -> dict[str, Any]:
    return {
        "variable": True,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": "",
        "order": question.order,
        "description": question.label,  # in the client's language (Accept-Language), like service_name
        "values": [{"key": key, "name": name} for key, name in question.choices],
    }


def definition(category: ServiceCategory) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": [attribute(q) for q in category.questions.all()]}


def w3(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


@dataclass(frozen=True)
class RequestQuery:
    """GET requests' filters, already checked."""

    ids: list[str] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    statuses: list[str] = field(default_factory=list)
    updated_after: datetime.datetime | None = None
    updated_before: datetime.datetime | None = None
    jurisdiction: Municipality | None = None
    page: int = 1
    page_size: int = MAX_PAGE_SIZE
    extensions: bool = False


def _base() -> QuerySet[Complaint]:
    latest_note = ComplaintUpdate.objects.filter(complaint=OuterRef("pk"), is_public=True).exclude(note="")
    first_photo = ComplaintPhoto.objects.filter(complaint=OuterRef("pk")).order_by("pk")
    return (
        complaint_selectors.public_complaints()
        .select_related("municipality", "district", "duplicate_of")
        .annotate(
            status_notes=Subquery(latest_note.order_by("-created_at", "-pk").values("note")[:1]),
            photo=Subquery(first_photo.values("image")[:1]),
            lon=Func(F("location"), function="ST_X", output_field=FloatField()),
            lat=Func(F("location"), function="ST_Y", output_field=FloatField()),
        )
    )


def service_requests(query: RequestQuery) -> QuerySet[Complaint]:
    """Public service requests: by id (which overrides every other filter) or by the filters, newest first."""
    requests = _filtered(_base(), query).order_by("-created_at", "-pk")
    if not query.ids:
        offset = (query.page - 1) * query.page_size
        requests = requests[offset : offset + query.page_size]
    if query.extensions:
        requests = requests.prefetch_related(
            Prefetch("updates", ComplaintUpdate.objects.filter(is_public=True), to_attr="public_updates"),
            "photos",
        )
    return requests


def _filtered(requests: QuerySet[Complaint], query: RequestQuery) -> QuerySet[Complaint]:
    if query.ids:
        return requests.filter(tracking_code__in=query.ids)
    if query.jurisdiction:
        requests = requests.filter(municipality=query.jurisdiction)
    if query.service_codes:
        requests = requests.filter(category__in=query.service_codes)
    if query.statuses == ["open"]:
        requests = requests.filter(status__in=Complaint.OPEN_STATUSES)
    elif query.statuses == ["closed"]:
        requests = requests.exclude(status__in=Complaint.OPEN_STATUSES)
    end = query.end or timezone.now()
    start = query.start or end - DEFAULT_WINDOW
    requests = requests.filter(created_at__gte=start, created_at__lte=end)
    if query.updated_after:
        requests = requests.filter(updated_at__gt=query.updated_after)
    if query.updated_before:
        requests = requests.filter(updated_at__lt=query.updated_before)
    return requests


def as_request(complaint: Any, *, media_root: str, extensions: bool = False) -> dict[str, Any]:
    """One service request as GeoReport shows it: never the reporter's name or contact."""
    data: dict[str, Any] = {
        "service_request_id": complaint.tracking_code,
        "status": "open" if complaint.is_open else "closed",
        "status_notes": complaint.status_notes or "",
        "service_name": str(Complaint.Category(complaint.category).label),
        "service_code": complaint.category,
        "description": complaint.description,
        "agency_responsible": complaint.municipality.name_fr,
        "service_notice": "",
        "requested_datetime": w3(complaint.created_at),
        "updated_datetime": w3(complaint.updated_at),
        "expected_datetime": w3(complaint.due_at),
        "address": ", ".join(
            p for p in (complaint.district and complaint.district.name, complaint.municipality.name_fr) if p
        ),
        "address_id": "",
        "zipcode": "",
        "lat": round(complaint.lat, 6),
        "long": round(complaint.lon, 6),
        "media_url": media_root + complaint.photo if complaint.photo else "",
    }
    if extensions:
        data["detailed_status"] = complaint.status
        data["jurisdiction_id"] = complaint.municipality.code
        data["duplicate_of"] = complaint.duplicate_of.tracking_code if complaint.duplicate_of else ""
        data["notes"] = [
            {"datetime": w3(update.created_at), "status": update.status, "description": update.note}
            for update in complaint.public_updates
        ]
        data["media"] = [media_root + photo.image.name for photo in complaint.photos.all()]
    return data
