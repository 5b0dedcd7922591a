"""Open data of petitions: each petition, its state, dates and counts of signatures (never a signer or contact)."""

import io

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from etl.open_data import Listing
from gisportal import spreadsheets
from gisportal.petitions import selectors
from gisportal.petitions.models import Petition, State
from layers.models import Municipality

COLUMNS = (
    "id",
    "municipality_code",
    "title",
    "state",
    "district",
    "opened_on",
    "closes_on",
    "signatures",
    "signatures_on_paper",
    "signatures_needed",
    "threshold_reached_on",
    "answer_due_on",
    "answered_on",
    "lon",
    "lat",
)


def _municipality_or_404(code: str) -> Municipality:
    municipality = selectors.municipality_of(code)
    if municipality is None:
        raise Http404(_("There is no municipality with this code."))
    return municipality


def _day(value: object) -> str:
    return value.date().isoformat() if hasattr(value, "date") else (value.isoformat() if value else "")  # type: ignore[attr-defined]


def petitions_csv_text(municipality: Municipality | None) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # a spreadsheet then reads the Arabic as UTF-8
    writer = spreadsheets.writer(out)
    writer.writerow(COLUMNS)
    for p in selectors.public_petitions(municipality).order_by("municipality__code", "pk"):
        centre = p.location.point_on_surface if p.location else None
        writer.writerow(
            [
                p.pk,
                p.municipality.code,
                p.title,
                p.state,
                p.district.name if p.district else "",
                _day(p.opened_on),
                _day(p.closes_on),
                p.signed,  # type: ignore[attr-defined]
                p.signed_on_paper,  # type: ignore[attr-defined]
                p.signatures_needed if p.signatures_needed is not None else "",
                _day(p.threshold_reached_at),
                _day(p.answer_due_on),
                _day(p.answered_at),
                f"{centre.x:.6f}" if centre else "",
                f"{centre.y:.6f}" if centre else "",
            ]
        )
    return out.getvalue()


SUMMARY_COLUMNS = ("municipality_code", "municipality", "state", "petitions", "signatures", "signatures_on_paper")


def summary_csv_text() -> str:
    """Per municipality and state: how many petitions and signatures (one query)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = spreadsheets.writer(out)
    writer.writerow(SUMMARY_COLUMNS)
    for row in selectors.counts_by_municipality_and_state():
        writer.writerow(row)
    return out.getvalue()


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def all_csv(request: HttpRequest) -> HttpResponse:
    return _download(petitions_csv_text(None), "text/csv; charset=utf-8", "petitions.csv")


@require_GET
def summary_csv(request: HttpRequest) -> HttpResponse:
    return _download(summary_csv_text(), "text/csv; charset=utf-8", "petitions-summary.csv")


@require_GET
def municipality_csv(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _municipality_or_404(code)
    return _download(petitions_csv_text(municipality), "text/csv; charset=utf-8", f"petitions-{code}.csv")


@require_GET
def municipality_geojson(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _municipality_or_404(code)
    state = request.GET.get("state", "")
    district = request.GET.get("district", "")
    where = selectors.PetitionFilter(
        state=state if state in State.values else "", district=int(district) if district.isdigit() else None
    )
    response = HttpResponse(selectors.petitions_geojson(municipality, where), content_type="application/geo+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def listings(municipality: Municipality | None) -> list[Listing]:
    """The open data page's rows: all petitions with their counts, and each municipality's that has some."""
    if municipality is None:
        return [
            Listing(_("Petitions: state, dates and signature counts"), (("csv", reverse("petitions:all_csv")),)),
            Listing(
                _("Petitions: how many in each state, by municipality, and their signatures"),
                (("csv", reverse("petitions:summary_csv")),),
            ),
        ]
    if not Petition.objects.filter(municipality=municipality).exclude(state=State.DRAFT).exists():
        return []
    args = {"code": municipality.code}
    downloads = (
        ("csv", reverse("petitions:municipality_csv", kwargs=args)),
        ("geojson", reverse("petitions:municipality_geojson", kwargs=args)),
    )
    return [Listing(_("Petitions: state, dates and signature counts"), downloads)]
