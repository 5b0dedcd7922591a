"""A petition's whole life through the services, on the real PostGIS: every rule, every refusal stores nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point, Polygon
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gisportal.petitions import services
from gisportal.petitions.models import CoPromoter, Petition, PetitionEvent, Signature, State, Threshold
from tests.conftest import TOZEUR_CENTRE, Town, staff
from tests.petitions.conftest import citizen

pytestmark = pytest.mark.django_db


def test_start_co_promote_review_open_sign_to_threshold_and_answer(
    tozeur: Town, threshold: Threshold, planner_tozeur: User
) -> None:
    author = citizen(1)
    petition = services.draft_petition(
        municipality=tozeur.municipality,
        author=author,
        title="Un jardin pour le quartier",
        text="Le terrain vague derrière l'école.",
        location=Point(TOZEUR_CENTRE[0] + 0.002, TOZEUR_CENTRE[1], srid=4326),
    )
    assert petition.state == State.DRAFT and petition.district == tozeur.district  # PostGIS placed it

    with pytest.raises(ValidationError, match="needs 2 co-promoters"):
        services.submit_for_review(petition=petition, author=author)
    services.seek_co_promoters(petition=petition, author=author)
    services.co_promote(petition=petition, participant=citizen(2))
    with pytest.raises(ValidationError, match="already a co-promoter"):
        services.co_promote(petition=petition, participant=Petition.objects.get().co_promoters.get().participant)
    with pytest.raises(ValidationError, match="author"):
        services.co_promote(petition=petition, participant=author)
    services.co_promote(petition=petition, participant=citizen(3))
    services.submit_for_review(petition=petition, author=author)
    assert petition.state == State.IN_REVIEW

    services.open_petition(petition=petition, staff=planner_tozeur)
    today = timezone.localdate()
    assert (petition.opened_on, petition.closes_on, petition.signatures_needed) == (
        today,
        today + timedelta(days=90),
        5,
    )

    signers = [citizen(n) for n in range(10, 14)]
    for signer in signers:
        services.sign(petition=petition, participant=signer)
    with pytest.raises(ValidationError, match="already signed"):
        services.sign(petition=petition, participant=signers[0])
    assert petition.state == State.OPEN
    paper = services.sign_on_paper(petition=petition, staff=planner_tozeur, national_id="20000001")
    assert paper.source == Signature.Source.PAPER and paper.participant.contact is None
    assert petition.state == State.THRESHOLD_REACHED
    assert petition.answer_due_on == today + timedelta(days=60)

    services.publish_answer(petition=petition, staff=planner_tozeur, answer="Le conseil a voté le jardin.")
    petition.refresh_from_db()
    assert petition.state == State.ANSWERED and petition.answered_at is not None
    assert list(petition.events.values_list("state", flat=True)) == [
        State.DRAFT,
        State.CO_PROMOTERS,
        State.IN_REVIEW,
        State.OPEN,
        State.THRESHOLD_REACHED,
        State.ANSWERED,
    ]
    assert petition.events.last().note == "Le conseil a voté le jardin."  # type: ignore[union-attr]
    assert petition.history.count() >= 6  # the restorable audit trail


def test_signers_with_a_contact_hear_of_the_answer_each_alone(
    open_petition: Petition, planner_tozeur: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    for n in range(10, 15):
        services.sign(petition=open_petition, participant=citizen(n))
    services.sign_on_paper(petition=open_petition, staff=planner_tozeur, national_id="20000002")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_answer(petition=open_petition, staff=planner_tozeur, answer="Oui.")
    promoters = ["citizen1@example.tn", "citizen2@example.tn", "citizen3@example.tn"]  # the author and co-promoters
    signers = [f"citizen{n}@example.tn" for n in range(10, 15)]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(promoters + signers)
    assert all(len(m.to) == 1 and "/petitions/6211/" in m.body for m in mail.outbox)


def test_promoters_hear_when_it_opens_or_is_refused(
    in_review: Petition, planner_tozeur: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_petition(petition=in_review, staff=planner_tozeur, reason="Hors compétence.")
    assert sorted(m.to[0] for m in mail.outbox) == [f"citizen{n}@example.tn" for n in (1, 2, 3)]
    assert all("refused" in m.subject for m in mail.outbox)


def test_a_paper_signature_of_someone_who_signed_online_is_refused(
    open_petition: Petition, planner_tozeur: User
) -> None:
    services.sign(petition=open_petition, participant=citizen(20))
    with pytest.raises(ValidationError, match="already signed"):
        services.sign_on_paper(petition=open_petition, staff=planner_tozeur, national_id=str(10_000_020))
    with pytest.raises(ValidationError, match="ID number"):
        services.sign_on_paper(petition=open_petition, staff=planner_tozeur, national_id="")
    assert open_petition.signatures.count() == 1


def test_the_database_refuses_a_second_signature(open_petition: Petition) -> None:
    signer = citizen(30)
    Signature.objects.create(petition=open_petition, participant=signer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(petition=open_petition, participant=signer)


def test_signing_needs_an_id_an_open_petition_and_the_window(open_petition: Petition) -> None:
    with pytest.raises(ValidationError, match="national identity card"):
        services.sign(petition=open_petition, participant=citizen(40, with_id=False))
    unverified = citizen(41)
    unverified.verified_at = None
    unverified.save()
    with pytest.raises(PermissionDenied):
        services.sign(petition=open_petition, participant=unverified)
    assert open_petition.closes_on is not None
    late = open_petition.closes_on + timedelta(days=1)
    with pytest.raises(ValidationError, match="closed"):
        services.sign(petition=open_petition, participant=citizen(42), today=late)
    assert services.close_expired(today=late) == 1
    open_petition.refresh_from_db()
    assert open_petition.state == State.CLOSED_UNMET and not open_petition.signatures.exists()


def test_a_declared_id_counts_once_across_contacts(open_petition: Petition) -> None:
    services.sign(petition=open_petition, participant=citizen(50))
    other_phone = citizen(51, with_id=False)
    with pytest.raises(ValidationError, match="already used"):
        services.sign_with_id(petition=open_petition, participant=other_phone, national_id=str(10_000_050))
    assert open_petition.signatures.count() == 1


def test_refusal_needs_a_reason_and_is_public(in_review: Petition, planner_tozeur: User) -> None:
    with pytest.raises(ValidationError, match="rule"):
        services.refuse_petition(petition=in_review, staff=planner_tozeur, reason="  ")
    assert Petition.objects.get().state == State.IN_REVIEW
    services.refuse_petition(petition=in_review, staff=planner_tozeur, reason="Hors compétence municipale.")
    event = PetitionEvent.objects.filter(petition=in_review).last()
    assert (event.state, event.note) == (State.REFUSED, "Hors compétence municipale.")  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="Refused"):
        services.open_petition(petition=in_review, staff=planner_tozeur)


def test_staff_of_another_municipality_cannot_act(in_review: Petition, beja: Town) -> None:
    planner_beja = staff("planner-beja", "planner", "2111")  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        services.open_petition(petition=in_review, staff=planner_beja)
    assert Petition.objects.get().state == State.IN_REVIEW


def test_a_place_outside_the_municipality_stores_nothing(tozeur: Town) -> None:
    with pytest.raises(ValidationError, match="outside"):
        services.draft_petition(
            municipality=tozeur.municipality,
            author=citizen(60),
            title="Ailleurs",
            text="…",
            location=Point(10.0, 36.0, srid=4326),
        )
    assert not Petition.objects.exists() and not PetitionEvent.objects.exists()


def test_an_area_is_placed_in_its_district_by_a_point_on_its_surface(tozeur: Town) -> None:
    lon, lat = TOZEUR_CENTRE
    area = Polygon(((lon, lat), (lon + 0.004, lat), (lon + 0.004, lat + 0.004), (lon, lat)), srid=4326)
    petition = services.draft_petition(
        municipality=tozeur.municipality, author=citizen(61), title="Zone", text="…", location=area
    )
    assert petition.district == tozeur.district


def test_thresholds_by_territory(tozeur: Town, in_review: Petition, planner_tozeur: User) -> None:
    Threshold.objects.filter(municipality=tozeur.municipality).update(
        kind=Threshold.Kind.SHARE, share_percent=1.5, fixed_count=None
    )
    # The district's own: 0.25% of its 10,000 inhabitants; the municipality's 1.5% of 40,000.
    district = Threshold.objects.create(
        municipality=tozeur.municipality, district=tozeur.district, kind=Threshold.Kind.SHARE, share_percent=0.25
    )
    assert district.signatures_needed() == 25
    assert services.threshold_for(in_review).signatures_needed() == 600  # type: ignore[union-attr]
    in_review.district = tozeur.district
    in_review.save()
    services.open_petition(petition=in_review, staff=planner_tozeur)
    assert in_review.signatures_needed == 25


def test_no_threshold_no_opening(in_review: Petition, planner_tozeur: User) -> None:
    Threshold.objects.all().delete()
    with pytest.raises(ValidationError, match="administrator"):
        services.open_petition(petition=in_review, staff=planner_tozeur)
    assert Petition.objects.get().state == State.IN_REVIEW


def test_co_promoting_is_rate_limited(tozeur: Town, threshold: Threshold, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARTICIPATION_ACTIONS_PER_IP_PER_HOUR = 2
    author = citizen(70)
    petition = services.draft_petition(municipality=tozeur.municipality, author=author, title="T", text="…")
    services.seek_co_promoters(petition=petition, author=author)
    from gisportal.complaints import abuse

    for n in (71, 72):
        services.co_promote(petition=petition, participant=citizen(n), ip="10.0.0.9")
    with pytest.raises(abuse.RateLimited):
        services.co_promote(petition=petition, participant=citizen(73), ip="10.0.0.9")
    assert CoPromoter.objects.count() == 2
