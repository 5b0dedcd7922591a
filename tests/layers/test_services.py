"""Writes: a citizen's complaint is routed by geometry, and nothing is stored when it cannot be."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from layers.models import Complaint, District
from layers.services import report_complaint
from tests.conftest import TOZEUR_CENTRE


def test_a_complaint_is_routed_to_its_municipality_and_district(tozeur, beja):
    complaint = report_complaint(
        location=Point(*TOZEUR_CENTRE, srid=4326),
        category="waste",
        description="Conteneur plein depuis lundi",
    )
    assert complaint.municipality == tozeur.municipality
    assert complaint.district == tozeur.district
    assert len(complaint.tracking_code) == 10
    assert complaint.status == Complaint.Status.SUBMITTED


def test_a_point_outside_every_municipality_is_refused_and_nothing_stored(tozeur):
    before = Complaint.objects.count()
    with pytest.raises(ValidationError) as refused:
        report_complaint(location=Point(10.8, 37.5, srid=4326), category="waste", description="En mer")
    assert refused.value.error_dict["location"][0].code == "outside_municipalities"
    assert Complaint.objects.count() == before


def test_an_invalid_category_is_refused_and_nothing_stored(tozeur):
    before = Complaint.objects.count()
    with pytest.raises(ValidationError):
        report_complaint(location=Point(*TOZEUR_CENTRE, srid=4326), category="ufo", description="?")
    assert Complaint.objects.count() == before


def test_marginalisation_score_is_the_mean_deprivation(tozeur):
    district = District.objects.get(pk=tozeur.district.pk)
    # poverty 20, unemployment 15, no water 10, no sanitation 30, no waste collection 20
    assert district.marginalisation_score == pytest.approx((20 + 15 + 10 + 30 + 20) / 5)
    district.water_access_rate = None
    district.save()
    district.refresh_from_db()
    assert district.marginalisation_score is None
