"""The scorecards under the analyst API (/api/analyses/…, and `gisportal analyse`): the same selectors as the pages,
scoped to the caller's municipalities like every analysis."""

from dataclasses import astuple, fields

from gisportal.accounts import roles
from gisportal.api.analyses import Analysis, BadAnalysisParameter, Parameter, Result, municipalities_of
from gisportal.scorecards import selectors
from layers.models import Municipality

MUNICIPALITY = Parameter("municipality", str, "", "a municipality's code (e.g. 6211); empty: every one you may read")


def readable_municipality(user: roles.User | None, code: str) -> Municipality | None:
    """The municipality asked for, if the caller may read it; None for every one."""
    if not code:
        return None
    found = Municipality.objects.filter(code=code).first()
    allowed = municipalities_of(user)
    if found is None or (allowed is not None and found.pk not in allowed):
        raise BadAnalysisParameter(f"municipality: no municipality {code[:12]!r} among those you may read.")
    return found


def service_scorecard(*, user: roles.User | None, municipality: str) -> Result:
    """The service scorecard by month, district and category (selectors.service)."""
    found = readable_municipality(user, municipality)
    allowed = municipalities_of(user)
    if found is None and allowed is not None:
        codes = set(Municipality.objects.filter(pk__in=allowed).values_list("code", flat=True))
        rows = [r for r in selectors.service() if r.municipality_code in codes]
    else:
        rows = selectors.service(found.pk if found else None)
    return Result([f.name for f in fields(selectors.ServiceLevel)], [astuple(r) for r in rows])


def performance_medians(*, user: roles.User | None, municipality: str) -> Result:
    """One municipality's national evaluation, every criterion and year, with its governorate's and the national
    median and its ranks (selectors.performance)."""
    found = readable_municipality(user, municipality)
    if found is None:
        raise BadAnalysisParameter("municipality: give a municipality's code, e.g. 6211.")
    return Result([f.name for f in fields(selectors.Score)], [astuple(s) for s in selectors.performance(found.pk)])


ANALYSES = (
    Analysis(
        "service-scorecard",
        "Service scorecard: resolved within the citizen charter's target, times, reopenings, satisfaction, by month",
        service_scorecard,
        (MUNICIPALITY,),
    ),
    Analysis(
        "performance-medians",
        "National evaluation of a municipality against its governorate's and the national median",
        performance_medians,
        (MUNICIPALITY,),
    ),
)
