"""Signatures arriving at the same moment, each in its own connection: one per person, one threshold crossing."""

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gisportal.participants.models import Participant
from gisportal.petitions import services
from gisportal.petitions.models import Petition, PetitionEvent, Signature, State
from tests.petitions.conftest import citizen

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(calls: list[Callable[[], object]]) -> list[str]:
    """Run the calls together, each thread on its own database connection; 'ok' or each refusal's code."""
    start = threading.Barrier(len(calls))
    results = [""] * len(calls)

    def run(i: int) -> None:
        try:
            start.wait()
            calls[i]()
            results[i] = "ok"
        except ValidationError as refused:
            results[i] = refused.error_list[0].code or "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_person_signing_from_two_phones_at_once_counts_once(open_petition: Petition) -> None:
    signer = citizen(10)
    results = at_once([partial(services.sign, petition=open_petition, participant=signer)] * 2)
    assert sorted(results) == ["already_signed", "ok"]
    assert Signature.objects.filter(participant=signer).count() == 1


def test_the_threshold_is_crossed_once_when_the_last_signatures_arrive_together(open_petition: Petition) -> None:
    for n in range(10, 13):
        services.sign(petition=open_petition, participant=citizen(n))
    last: list[Participant] = [citizen(n) for n in range(13, 17)]  # two reach the 5, two go beyond
    results = at_once([partial(services.sign, petition=open_petition, participant=p) for p in last])
    assert results == ["ok"] * 4
    assert Petition.objects.get().state == State.THRESHOLD_REACHED
    assert PetitionEvent.objects.filter(state=State.THRESHOLD_REACHED).count() == 1
    assert Signature.objects.count() == 7
