"""The demo loader: every state in each pilot, through the services, the same data every time."""

import pytest
from django.core.management import call_command

from gisportal.petitions.models import Petition, PetitionEvent, State
from tests.conftest import make_town

pytestmark = pytest.mark.django_db


def test_every_state_in_each_pilot(tozeur, beja, capsys) -> None:  # type: ignore[no-untyped-def]
    make_town("3111", "Sousse", tozeur.municipality.governorate, 10.6, 35.8)
    call_command("load_demo_petitions", "--if-empty")
    assert "24 demo petitions loaded" in capsys.readouterr().out
    for code in ("6211", "2111", "3111"):
        states = set(Petition.objects.filter(municipality__code=code).values_list("state", flat=True))
        assert states == set(State.values), code
    reached = Petition.objects.filter(state=State.THRESHOLD_REACHED)
    assert all(p.signatures.count() >= (p.signatures_needed or 0) > 0 for p in reached)
    closed = Petition.objects.filter(state=State.CLOSED_UNMET)
    assert all(p.signatures.count() < (p.signatures_needed or 0) for p in closed)
    for petition in Petition.objects.all():  # a history that moves forward in time
        dates = list(
            PetitionEvent.objects.filter(petition=petition).order_by("pk").values_list("happened_at", flat=True)
        )
        assert dates == sorted(dates)
    call_command("load_demo_petitions", "--if-empty")
    assert "already loaded" in capsys.readouterr().out


def test_on_the_real_frame_thresholds_come_from_the_census(settings, capsys) -> None:  # type: ignore[no-untyped-def]
    from etl.demo import load_demo
    from gisportal.petitions.models import Threshold

    settings.PETITIONS_MIN_CO_PROMOTERS = 3
    load_demo(progress=lambda message: None)
    call_command("load_demo_petitions", "--if-empty")
    assert "24 demo petitions loaded" in capsys.readouterr().out
    tozeur = Threshold.objects.get(municipality__code="6211", district__isnull=True)
    assert tozeur.municipality.population == 46_422 and tozeur.signatures_needed() == 93  # 0.2%, rounded up
    for code in ("6211", "2111", "3111"):
        states = set(Petition.objects.filter(municipality__code=code).values_list("state", flat=True))
        assert states == set(State.values), code
