"""The demo loader on the test frame: Tozeur's cycle runs to its action plan, Béja's is open for scoring."""

import pytest
from django.core.management import call_command
from django.test import Client

from gisportal.community_scorecards import selectors
from gisportal.community_scorecards.models import Cycle, OnlineScore
from tests.conftest import Town

pytestmark = pytest.mark.django_db


def test_the_demo_runs_a_cycle_to_its_action_plan_and_opens_another(tozeur: Town, beja: Town, capsys) -> None:
    call_command("load_demo_score_cards", "--if-empty")
    assert "2 community score card cycles loaded, 325 online scores given." in capsys.readouterr().out
    done, open_now = Cycle.objects.get(municipality__code="6211"), Cycle.objects.get(municipality__code="2111")
    phase = selectors.current_phase(done)
    assert phase is not None and phase.kind == "follow-up" and not selectors.scoring_open(done)
    statuses = [status for _a, status in selectors.action_plan(done)]
    assert sorted(statuses) == ["done", "in-progress", "in-progress", "late", "planned"]
    assert done.groups.count() == 5 and done.inputs.count() == 4
    assert all(row.self_score and len(row.by_group) == 5 for row in selectors.score_card(done))
    assert selectors.scoring_open(open_now) and open_now.groups.count() == 3
    assert OnlineScore.objects.filter(cycle=open_now).count() == 23 * 3
    call_command("load_demo_score_cards", "--if-empty")
    assert "already loaded" in capsys.readouterr().out and Cycle.objects.count() == 2
    page = Client().get(f"/ar/score-cards/6211/{done.pk}/")
    assert page.status_code == 200 and "متأخّر" in page.content.decode()
    assert len(page.content) < 150_000  # light on a phone, with 4 indicators scored by 5 groups and 64 residents
