"""The service scorecard on the open data page, from the same selector as its pages: every municipality's in one file,
or the municipality's own. No query here: the page keeps its count. The national evaluation's scores are the page's
performance_score table; a municipality's scores beside its medians are linked from its scorecard page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from etl.open_data import Listing
from layers.models import Municipality


def listings(municipality: Municipality | None) -> list[Listing]:
    if municipality is None:
        return [
            Listing(
                _("Service scorecard of every municipality: reports answered within the charter, by month, district "
                  "and category"),
                (("csv", reverse("scorecards:service_csv_all")), ("json", reverse("scorecards:service_json_all"))),
            )
        ]  # fmt: skip
    code = {"code": municipality.code}
    return [
        Listing(
            _("Service scorecard: reports answered within the charter, by month, district and category"),
            (("csv", reverse("scorecards:service_csv", kwargs=code)),
             ("json", reverse("scorecards:service_json", kwargs=code))),
        ),
        Listing(
            _("National evaluation: scores by criterion beside the governorate's and the national median"),
            (("csv", reverse("scorecards:performance_csv", kwargs=code)),
             ("json", reverse("scorecards:performance_json", kwargs=code))),
        ),
    ]  # fmt: skip
