"""The demo loader: every state in each pilot, and a second run with --if-empty changes nothing."""

import io

import pytest
from django.core.management import call_command

from gisportal.consultations.models import Comment, Consultation
from tests.conftest import Town

pytestmark = pytest.mark.django_db


def test_demo_consultations_in_every_state(tozeur: Town, beja: Town) -> None:
    out = io.StringIO()
    call_command("load_demo_consultations", stdout=out)
    states = {(c.municipality.code, c.state) for c in Consultation.objects.select_related("municipality")}
    assert states == {(code, s) for code in ("6211", "2111") for s in ("open", "closed", "reported")}
    assert Comment.objects.filter(location__isnull=False, district__isnull=False).exists()
    assert Comment.objects.filter(hidden_at__isnull=False).count() == 6
    assert "6 demo consultations loaded (2 reports published)" in out.getvalue()
    call_command("load_demo_consultations", "--if-empty", stdout=out)
    assert Consultation.objects.count() == 6
