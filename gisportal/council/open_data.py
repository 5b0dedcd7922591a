"""Open data of council meetings: every meeting with its agenda size and question counts, as CSV and JSON.

Counts only: never who asked or supported a question, nor the text of a question that was not published.
"""

import csv
import io
import json

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from etl.open_data import Listing
from gisportal.council.models import Meeting, Question
from layers.models import Municipality

COLUMNS = (
    "municipality_code", "municipality", "meeting_id", "uid", "kind", "title", "starts_at", "ends_at", "place",
    "status", "stream_url", "agenda_items", "documents", "questions_asked", "questions_published",
    "questions_answered", "supports", "minutes_published_at",
)  # fmt: skip


def _meetings(municipality: Municipality | None) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("municipality").order_by("municipality__code", "starts_at")
    if municipality is not None:
        meetings = meetings.filter(municipality=municipality)
    published = Q(questions__status=Question.Status.PUBLISHED)
    # Each count in its own subquery-free aggregate, distinct because of the joins.
    return meetings.annotate(
        agenda_items=Count("agenda", distinct=True),
        document_count=Count("documents", distinct=True),
        questions_asked=Count("questions", distinct=True),
        questions_published=Count("questions", filter=published, distinct=True),
        questions_answered=Count(
            "questions", filter=published & Q(questions__answered_at__isnull=False), distinct=True
        ),
        supports=Count("questions__supports", filter=published, distinct=True),
    )


def _iso(value: object) -> str:
    return timezone.localtime(value).isoformat() if value else ""  # type: ignore[arg-type]


def rows(municipality: Municipality | None) -> list[dict[str, object]]:
    return [
        {
            "municipality_code": m.municipality.code,
            "municipality": m.municipality.name_fr,
            "meeting_id": m.pk,
            "uid": str(m.uid),
            "kind": m.kind,
            "title": m.title,
            "starts_at": _iso(m.starts_at),
            "ends_at": _iso(m.ends_at),
            "place": m.place,
            "status": m.status,
            "stream_url": m.stream_url,
            "agenda_items": m.agenda_items,  # type: ignore[attr-defined]
            "documents": m.document_count,  # type: ignore[attr-defined]
            "questions_asked": m.questions_asked,  # type: ignore[attr-defined]
            "questions_published": m.questions_published,  # type: ignore[attr-defined]
            "questions_answered": m.questions_answered,  # type: ignore[attr-defined]
            "supports": m.supports,  # type: ignore[attr-defined]
            "minutes_published_at": _iso(m.minutes_published_at),
        }
        for m in _meetings(municipality)
    ]


def _municipality(code: str | None) -> Municipality | None:
    if code is None:
        return None
    found = Municipality.objects.filter(code=code).first()
    if found is None:
        raise Http404(_("No such municipality."))
    return found


def _safe_cell(value: object) -> object:
    """A text cell never starts like a formula when the file is opened in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@require_GET
def meetings_csv(request: HttpRequest, code: str | None = None) -> HttpResponse:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows(_municipality(code)):
        writer.writerow({key: _safe_cell(value) for key, value in row.items()})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="council-meetings{"-" + code if code else ""}.csv"'
    return response


@require_GET
def meetings_json(request: HttpRequest, code: str | None = None) -> HttpResponse:
    body = json.dumps({"meetings": rows(_municipality(code))}, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json")


def listings(municipality: Municipality | None) -> list[Listing]:
    """The open data page's row: the meetings and their question counts, for Tunisia or one municipality."""
    if municipality is None:
        if not Meeting.objects.exists():
            return []
        downloads = (("csv", reverse("council:open_csv")), ("json", reverse("council:open_json")))
    else:
        if not Meeting.objects.filter(municipality=municipality).exists():
            return []
        args = {"code": municipality.code}
        downloads = (
            ("csv", reverse("council:municipal_csv", kwargs=args)),
            ("json", reverse("council:municipal_json", kwargs=args)),
        )
    return [Listing(_("Council meetings: agendas and citizens' questions (counts)"), downloads)]
