"""The consultation's pages make a fixed number of queries whatever the number of comments (no query per row)."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gisportal.consultations import services
from gisportal.consultations.models import Consultation
from gisportal.participants.models import Participant
from tests.conftest import TOZEUR_CENTRE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]


@pytest.fixture
def no_rate_limits(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARTICIPATION_ACTIONS_PER_CONTACT_PER_HOUR = 10_000


def queries(path: str) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path
    return len(captured)


def write(consultation: Consultation, residents: list[Participant], rounds: int) -> None:
    first, second = consultation.sections.order_by("position")
    for i in range(rounds):
        resident = residents[i % len(residents)]
        top = services.comment(consultation=consultation, participant=resident, body=f"c{i}", section=first)
        services.comment(consultation=consultation, participant=residents[-1], body=f"r{i}", parent=top)
        services.comment(
            consultation=consultation,
            participant=resident,
            body=f"m{i}",
            section=second,
            location=Point(TOZEUR_CENTRE[0] + i / 10_000, TOZEUR_CENTRE[1], srid=4326),
        )
        services.set_stance(section=first, participant=resident, value="support")


def test_pages_cost_the_same_with_more_comments(consultation: Consultation, residents: list[Participant]) -> None:
    base = f"/en/consultations/6211/{consultation.pk}/"
    pages = [base, base + "map/", base + "comments.geojson", "/en/consultations/", "/en/consultations/6211/"]
    write(consultation, residents, 2)
    few = [queries(path) for path in pages]
    write(consultation, residents, 8)
    assert [queries(path) for path in pages] == few
    assert few[0] <= 12 and few[2] <= 4


def test_the_report_costs_the_same_with_more_participants(
    consultation: Consultation, residents: list[Participant]
) -> None:
    write(consultation, residents[:3], 3)
    services.close(consultation=consultation)
    for section in consultation.sections.all():
        services.respond(section=section, text="Rien")
    services.publish_report(consultation=consultation)
    path = f"/en/consultations/6211/{consultation.pk}/report/"
    few = queries(path)
    Consultation.objects.filter(pk=consultation.pk).update(closed_at=None, report_published_at=None)
    write(consultation, residents, 5)
    Consultation.objects.filter(pk=consultation.pk).update(
        closed_at="2026-01-01T00:00Z", report_published_at="2026-01-02T00:00Z"
    )
    assert queries(path) == few
