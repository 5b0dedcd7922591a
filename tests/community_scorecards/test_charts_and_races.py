"""The score bars mirror exactly in Arabic, and two tabs sending the same participant's score at once store one."""

import re
import threading

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from gisportal.community_scorecards import charts, services
from gisportal.community_scorecards.models import Cycle, Indicator, OnlineScore
from gisportal.participants.models import Participant

WIDTH, PAD, VALUE_ROOM = 340, 4, 44
RECT = re.compile(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"')


@given(st.lists(st.one_of(st.none(), st.floats(min_value=1, max_value=5)), min_size=1, max_size=8))
def test_bars_grow_from_the_reading_start_on_one_fixed_axis(scores: list[float | None]) -> None:
    bars = [charts.Bar(f"groupe {i}", s) for i, s in enumerate(scores)]
    ltr = [(float(x), float(w)) for x, w in RECT.findall(charts.score_bars(bars, rtl=False, title="t"))]
    rtl = [(float(x), float(w)) for x, w in RECT.findall(charts.score_bars(bars, rtl=True, title="t"))]
    drawn = [s for s in scores if s is not None]
    assert len(ltr) == len(rtl) == len(drawn)
    span = WIDTH - 2 * PAD - VALUE_ROOM
    for score, (x, w), (rx, rw) in zip(drawn, ltr, rtl, strict=True):
        assert x == PAD and w == pytest.approx(span * score / 5, abs=0.06)  # a 5 is always the same length
        assert rw == w and rx + rw == pytest.approx(WIDTH - PAD, abs=0.11)  # mirrored: ends at the right edge


@pytest.mark.django_db(transaction=True)
def test_two_tabs_sending_her_score_at_once_store_one(cycle: Cycle, indicators: list[Indicator], verified) -> None:
    amal: Participant = verified[0]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def send(score: int) -> None:
        try:
            barrier.wait()
            services.score_online(cycle=cycle, participant=amal, scores=[services.Score(indicators[0], score)])
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    tabs = [threading.Thread(target=send, args=(score,)) for score in (2, 4)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    assert errors == []
    assert OnlineScore.objects.filter(participant=amal).count() == 1
    assert OnlineScore.objects.get().score in {2, 4}
