"""Scorecards small enough to compute by hand: three towns of tests/conftest.py's frame with a few scores of the
national evaluation, and a handful of reports with their histories in Tozeur."""

import datetime
from dataclasses import dataclass

import pytest

from gisportal.complaints.models import ComplaintUpdate, SatisfactionAnswer, ServiceCategory
from gisportal.scorecards.models import PerformanceCriterion, PerformanceScore
from layers.models import Complaint, District
from tests.conftest import Town, make_town
from tests.finances.conftest import real  # noqa: F401 (the real tables, module-scoped, for test_real)

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # the scorecards' "today" in the small case
JAN = datetime.datetime(2026, 1, 10, 10, 0, tzinfo=UTC)


@dataclass
class Evaluated:
    tozeur: Town
    degache: Town  # Tozeur's governorate
    beja: Town


@pytest.fixture
def evaluated(tozeur: Town, beja: Town) -> Evaluated:
    """Scores by hand (domain 10 out of 30 with subdomain 101 and its criterion 10114, domain 11 out of 70):

    2018  Tozeur 10: 20, 101: 8, 10114: 4, 11: 30 (total 50); Degache 10: 10, 101: 6, 10114: 2, 11: 40 (50);
          Béja 10: 25, 101: 12, 10114: 3, 11: 35 (60).
          National medians: total 50, domain 10: 20, 10114: 3; Tozeur's governorate: total 50, 10: 15, 10114: 3.
    2017  Tozeur 10: 15, 11: 25 (40); Béja 10: 20, 11: 30 (50); Degache not evaluated.
          National median of the total 45; the governorate's 40 (Tozeur alone).
    """
    degache = make_town("6212", "Degache", tozeur.municipality.governorate, 8.2, 33.97)
    criteria = {
        code: PerformanceCriterion.objects.create(
            code=code, name_fr=name, name_ar=f"ع {name}", max_score=top, level=level
        )
        for code, name, top, level in (
            ("10", "Gouvernance", 30, "domain"),
            ("101", "Approche participative", 12, "subdomain"),
            ("10114", "Réunions du conseil", 4, "criterion"),
            ("11", "Gestion", 70, "domain"),
        )
    }
    scores = (
        (tozeur, 2018, {"10": 20, "101": 8, "10114": 4, "11": 30}),
        (degache, 2018, {"10": 10, "101": 6, "10114": 2, "11": 40}),
        (beja, 2018, {"10": 25, "101": 12, "10114": 3, "11": 35}),
        (tozeur, 2017, {"10": 15, "11": 25}),
        (beja, 2017, {"10": 20, "11": 30}),
    )
    for town, year, by_code in scores:
        for code, score in by_code.items():
            PerformanceScore.objects.create(
                municipality=town.municipality, year=year, criterion=criteria[code], score=score,
                max_score=criteria[code].max_score,
            )  # fmt: skip
    return Evaluated(tozeur, degache, beja)


def report(
    town: Town,
    category: str,
    at: datetime.datetime,
    history: tuple[tuple[str, float], ...] = (),
    *,
    district: District | bool | None = True,
    satisfied: bool | None = None,
) -> Complaint:
    """A report received `at`, then each (status, days after `at`) of its history; its status is the last one."""
    complaint = Complaint.objects.create(
        municipality=town.municipality,
        district=town.district if district is True else (district or None),
        category=category,
        description="Signalement",
        location=town.complaint.location,
        status=history[-1][0] if history else "submitted",
    )
    Complaint.objects.filter(pk=complaint.pk).update(created_at=at)
    steps = [("", "submitted", 0.0)]
    for status, days in history:
        steps.append((steps[-1][1], status, days))
    for status_from, status, days in steps:
        update = ComplaintUpdate.objects.create(complaint=complaint, status_from=status_from, status=status)
        ComplaintUpdate.objects.filter(pk=update.pk).update(created_at=at + datetime.timedelta(days=days))
    if satisfied is not None:
        answer = SatisfactionAnswer.objects.create(complaint=complaint, satisfied=satisfied)
        SatisfactionAnswer.objects.filter(pk=answer.pk).update(created_at=at + datetime.timedelta(days=10))
    return complaint


@pytest.fixture
def served(tozeur: Town) -> Town:
    """Tozeur's reports (40,000 inhabitants, its district 10,000; national targets: waste 2 days, roads 15), as of NOW:

    January  A waste acknowledged after 1 day, resolved after 1.5 (in target), satisfied;
             B waste acknowledged after 0.5, resolved after 3 (late), not satisfied;
             C waste outside the district, acknowledged after 2, closed without a fix after 4;
             D roads acknowledged after 1, resolved after 5, reopened by the reporter after 6 (open now);
             E waste, a duplicate (counts nowhere); F waste rejected (a report, not served);
             G waste on the 20th, never answered (past its target).
    February H roads on the 25th, never answered (its 15 days not over); I roads received on 31 January at 23:30
             UTC, 1 February in Tunis, never answered (past its target on 15 February).

    January: 6 reports (0.15 per 1,000), 5 due, 1 in target (20 %), acknowledged in a median 1 day (0.5, 1, 1, 2),
    resolved in 2.25 (1.5, 3), 1 of 4 closed reopened (25 %), 1 of 3 closed without a fix, 1 of 2 satisfied.
    February: 2 reports, 1 due, 0 in target.  The district in January: A B D F G, 5 reports, 0.5 per 1,000.
    The fixture's own report is received after NOW and counts nowhere.
    """
    # The national charter of migration complaints.0002 (a browser test's flush may have emptied the table).
    for code, days in (("waste", 2), ("roads", 15)):
        ServiceCategory.objects.update_or_create(municipality=None, code=code, defaults={"target_days": days})
    t = tozeur
    report(t, "waste", JAN, (("acknowledged", 1), ("resolved", 1.5)), satisfied=True)
    report(t, "waste", JAN, (("acknowledged", 0.5), ("resolved", 3)), satisfied=False)
    report(t, "waste", JAN, (("acknowledged", 2), ("closed_without_fix", 4)), district=None)
    report(t, "roads", JAN, (("acknowledged", 1), ("resolved", 5), ("reopened", 6)))
    report(t, "waste", JAN, (("duplicate", 0.2),))
    report(t, "waste", JAN, (("rejected", 0.2),))
    report(t, "waste", datetime.datetime(2026, 1, 20, 9, tzinfo=UTC))
    report(t, "roads", datetime.datetime(2026, 2, 25, 9, tzinfo=UTC))
    report(t, "roads", datetime.datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    return t
