"""The demo's report histories: each leads to the report's status, in order, between its creation and last update."""

import datetime
import itertools

import pytest
from django.core.management import call_command

from gisportal.complaints.models import ComplaintUpdate, SatisfactionAnswer
from gisportal.scorecards import demo, selectors
from layers.models import Complaint

pytestmark = pytest.mark.django_db


def test_every_report_without_history_gets_one_that_leads_to_its_status(tozeur):
    start = datetime.datetime(2026, 5, 1, 8, tzinfo=datetime.UTC)
    for i, status in enumerate(demo.PATHS):
        complaint = Complaint.objects.create(
            municipality=tozeur.municipality, district=tozeur.district, category="waste", description="Demo",
            location=tozeur.complaint.location, status=status,
        )  # fmt: skip
        Complaint.objects.filter(pk=complaint.pk).update(
            created_at=start + datetime.timedelta(days=i), updated_at=start + datetime.timedelta(days=i + 3)
        )
    reports, updates, _answers = demo.seed_histories()
    assert reports == len(demo.PATHS) + 1  # the fixture's own report too
    assert updates == reports + sum(len(path) for path in demo.PATHS.values())
    for complaint in Complaint.objects.all():
        history = list(ComplaintUpdate.objects.filter(complaint=complaint).order_by("created_at"))
        assert history[0].status == "submitted" and history[-1].status == complaint.status
        assert all(a.status == b.status_from for a, b in itertools.pairwise(history))
        assert history[0].created_at == complaint.created_at
        if len(history) > 1:
            assert history[-1].created_at == complaint.updated_at
    assert not SatisfactionAnswer.objects.exclude(complaint__status__in=["resolved", "reopened"]).exists()
    # Run again: nothing left without a history.
    assert demo.seed_histories() == (0, 0, 0)
    whole = next(r for r in selectors.service(tozeur.municipality.pk) if r.breakdown == "all")
    assert whole.reports == len(demo.PATHS) and whole.acknowledged >= 5  # the duplicate counts nowhere


def test_the_command_leaves_existing_histories_alone(served, capsys):
    call_command("load_demo_scorecards", "--if-empty")
    assert "already" in capsys.readouterr().out


def test_the_pilots_scorecards_on_the_demo_without_a_scan_of_every_history(client, django_assert_max_num_queries):
    """On freshly loaded tables (no statistics yet) the scorecard must not wait for the planner to learn them: a
    plan that scans each report's history (minutes, before the index was used) hits the statement timeout."""
    import importlib

    from django.db import connection

    from etl.demo import DEMO_TODAY, load_demo
    from gisportal.complaints.models import ServiceCategory

    national = importlib.import_module("gisportal.complaints.migrations.0002_national_catalogue").NATIONAL
    for code, (days, _radius) in national.items():  # a browser test's flush may have emptied it
        ServiceCategory.objects.update_or_create(municipality=None, code=code, defaults={"target_days": days})
    load_demo(progress=lambda line: None)
    assert demo.seed_histories()[0] == 600
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '30s'")  # a guard against that plan, not a speed measure
    rows = selectors.service(now=DEMO_TODAY)
    wholes = {r.municipality_code: r for r in rows if r.breakdown == "all"}
    assert set(wholes) == {"6211", "2111", "3111"}
    for code, whole in wholes.items():
        assert 0 < whole.due <= whole.reports and whole.in_target_share is not None
        with django_assert_max_num_queries(4):
            page = client.get(f"/ar/scorecards/{code}/service/")
        assert page.status_code == 200 and len(page.content) < 150_000
