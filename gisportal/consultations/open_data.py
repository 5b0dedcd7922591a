"""Open data of consultations: located comments (GeoJSON) and the published report's figures (CSV).

No personal data: never an author, a contact or an ID hash; groups only as totals with small ones withheld.
"""

import io

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from etl.open_data import Listing
from gisportal import spreadsheets
from gisportal.consultations import selectors
from gisportal.consultations.models import Consultation
from layers.models import Municipality

REPORT_COLUMNS = ("table", "section", "question", "answer", "group", "value", "count")


def consultation_or_404(code: str, pk: int) -> Consultation:
    consultation = selectors.consultation_of(code, pk)
    if consultation is None:
        raise Http404(_("There is no such consultation in this municipality."))
    return consultation


@require_GET
def comments_geojson(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    response = HttpResponse(
        selectors.comments_geojson(consultation_or_404(code, pk)), content_type="application/geo+json"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def report_rows(consultation: Consultation) -> list[list[object]]:
    """The report as tidy rows: one count per line; a withheld small group has an empty count."""
    figures = selectors.report(consultation, local=False)
    rows: list[list[object]] = [["participants", "", "", "", "", "", figures.participants]]
    for group, shares in figures.by_group.items():
        rows += [["participants", "", "", "", group, value, "" if n is None else n] for value, n in shares]
    rows += [["located_comments", "", "", "", "district", d, n] for d, n in figures.located_by_district]
    for s in figures.sections:
        title = f"{s.section.position}. {s.section.title}"
        for measure, n in (
            ("comments", s.comments),
            ("replies", s.replies),
            ("hidden", s.hidden),
            ("supports", s.supports),
            ("opposes", s.opposes),
        ):
            rows.append(["section", title, "", "", "", measure, n])
    rows.append(["survey", "", "", "", "", "respondents", figures.respondents])
    for q in figures.survey:
        for c in q.choices:
            rows.append(["survey", "", q.question.text, c.label, "", "", c.total])
            for group, values in c.by_group.items():
                rows += [
                    ["survey", "", q.question.text, c.label, group, value, "" if n is None else n]
                    for value, n in sorted(values.items())
                ]
    return rows


@require_GET
def report_csv(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    consultation = consultation_or_404(code, pk)
    if consultation.report_published_at is None:
        raise Http404(_("The report is published after the consultation closes."))
    out = io.StringIO()
    out.write("\ufeff")  # a spreadsheet then reads the Arabic as UTF-8
    writer = spreadsheets.writer(out)
    writer.writerow(REPORT_COLUMNS)
    writer.writerows(report_rows(consultation))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultation-{code}-{pk}-report.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def listings(municipality: Municipality | None) -> list[Listing]:
    """The open data page's rows: each consultation's comments on the map, and once published its report."""
    rows = []
    found = Consultation.objects.select_related("municipality").order_by("-opens_on", "pk")
    for c in found.filter(municipality=municipality) if municipality else found:
        args = {"code": c.municipality.code, "pk": c.pk}
        downloads = [("geojson", reverse("consultations:comments_geojson", kwargs=args))]
        if c.report_published_at:
            downloads.append(("csv", reverse("consultations:report_csv", kwargs=args)))
        rows.append(Listing(_("Consultation %(title)s: comments and report") % {"title": c.title}, tuple(downloads)))
    return rows
