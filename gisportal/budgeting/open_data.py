"""Open data of a participatory budget: proposals, results and tracked projects, and the election in Pabulib.

No personal data: never an author, a contact, an ID hash; ballots in the Pabulib file carry only an opaque
number and the self-declared group, and only once the results are published.
"""

import io

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from etl.open_data import Listing
from gisportal import spreadsheets
from gisportal.budgeting import pabulib_store, selectors
from gisportal.budgeting.models import Budget, Proposal
from gisportal.budgeting.views import budget_or_404
from layers.models import Municipality


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def proposals_geojson(request: HttpRequest, code: str, year: int) -> HttpResponse:
    budget = budget_or_404(code, year)
    status = request.GET.get("status", "")
    where = selectors.ProposalFilter(status=status if status in Proposal.Status.values else "")
    return HttpResponse(selectors.proposals_geojson(budget, where), content_type="application/geo+json")


PROPOSAL_COLUMNS = (
    "code",
    "title",
    "category",
    "status",
    "district",
    "estimated_cost",
    "cost",
    "votes",
    "selected",
    "lon",
    "lat",
)


@require_GET
def proposals_csv(request: HttpRequest, code: str, year: int) -> HttpResponse:
    budget = budget_or_404(code, year)
    out = io.StringIO()
    out.write("\ufeff")  # a spreadsheet then reads the Arabic as UTF-8
    writer = spreadsheets.writer(out)
    writer.writerow(PROPOSAL_COLUMNS)
    for p in selectors.proposals(budget, selectors.ProposalFilter()).order_by("code"):
        outcome = getattr(p, "outcome", None)
        centre = p.location.point_on_surface if p.location else None
        writer.writerow(
            [
                p.code,
                p.title,
                p.category,
                p.status,
                p.district.name if p.district else "",
                p.estimated_cost,
                p.cost if p.cost is not None else "",
                outcome.support if outcome and budget.results_published_at else "",
                ("1" if outcome.selected else "0") if outcome and budget.results_published_at else "",
                f"{centre.x:.6f}" if centre else "",
                f"{centre.y:.6f}" if centre else "",
            ]
        )
    return _download(out.getvalue(), "text/csv; charset=utf-8", f"pb-{code}-{year}-proposals.csv")


@require_GET
def projects_geojson(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return HttpResponse(selectors.projects_geojson(budget_or_404(code, year)), content_type="application/geo+json")


@require_GET
def election_pb(request: HttpRequest, code: str, year: int) -> HttpResponse:
    budget = budget_or_404(code, year)
    if not selectors.results_public(budget):
        raise Http404(_("The ballots are published with the results."))
    district = request.GET.get("district", "")
    envelopes = (
        budget.envelopes.filter(district_id=int(district))
        if district.isdigit()
        else budget.envelopes.filter(district__isnull=True)
    )
    envelope = envelopes.first()
    if envelope is None:
        raise Http404(_("This budget has no envelope for that district."))
    name = f"pb-{code}-{year}" + (f"-{envelope.district_id}" if envelope.district_id else "") + ".pb"
    return _download(pabulib_store.export_envelope(budget, envelope), "text/plain; charset=utf-8", name)


def listings(municipality: Municipality | None) -> list[Listing]:
    """The open data page's rows: each budget's proposals, and once published its election and projects."""
    rows = []
    budgets = Budget.objects.select_related("municipality").order_by("-year", "municipality__name_fr")
    for budget in budgets.filter(municipality=municipality) if municipality else budgets:
        args = {"code": budget.municipality.code, "year": budget.year}
        downloads = [
            ("geojson", reverse("budgeting:proposals_geojson", kwargs=args)),
            ("csv", reverse("budgeting:proposals_csv", kwargs=args)),
        ]
        rows.append(Listing(_("%(budget)s: proposals and results") % {"budget": budget}, tuple(downloads)))
        if budget.results_published_at:
            rows.append(
                Listing(
                    _("%(budget)s: ballots (Pabulib) and projects") % {"budget": budget},
                    (
                        ("pb", reverse("budgeting:election_pb", kwargs=args)),
                        ("geojson", reverse("budgeting:projects_geojson", kwargs=args)),
                    ),
                )
            )
    return rows
