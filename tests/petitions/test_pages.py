"""Citizen and staff pages of petitions, without JavaScript, on the real PostGIS."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from gisportal.accounts.models import Role
from gisportal.participants.models import Participant
from gisportal.participants.selectors import SESSION_KEY
from gisportal.petitions import services
from gisportal.petitions.models import CoPromoter, Petition, Signature, State, Threshold
from tests.conftest import TOZEUR_CENTRE, Town, staff
from tests.petitions.conftest import citizen

pytestmark = pytest.mark.django_db
LIST = "/en/petitions/6211/"


def sign_in(client, participant: Participant) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    session[SESSION_KEY] = participant.pk
    session.save()


def page_of(petition: Petition, language: str = "en") -> str:
    return f"/{language}/petitions/6211/{petition.pk}/"


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_list_and_petition_pages_answer_in_each_language(client, open_petition: Petition, language: str) -> None:  # type: ignore[no-untyped-def]
    prefix = "" if language == "fr" else f"/{language}"
    listing = client.get(f"{prefix}/petitions/6211/")
    assert listing.status_code == 200 and f'lang="{language}"' in listing.content.decode()
    page = client.get(f"{prefix}/petitions/6211/{open_petition.pk}/").content.decode()
    assert ('dir="rtl"' in page) == (language == "ar")
    assert 'role="progressbar"' in page and 'aria-valuemax="5"' in page
    assert client.get(f"{prefix}/petitions/").status_code == 200


def test_a_draft_is_seen_by_its_author_only(client, tozeur: Town, threshold: Threshold) -> None:  # type: ignore[no-untyped-def]
    author = citizen(1)
    draft = services.draft_petition(municipality=tozeur.municipality, author=author, title="Brouillon", text="…")
    assert client.get(page_of(draft)).status_code == 404
    assert "Brouillon" not in client.get(LIST).content.decode()
    sign_in(client, author)
    page = client.get(page_of(draft)).content.decode()
    assert "Look for co-promoters" in page


def test_filters_shared_by_the_list_and_the_map(client, open_petition: Petition, tozeur: Town) -> None:  # type: ignore[no-untyped-def]
    other = services.draft_petition(
        municipality=tozeur.municipality,
        author=citizen(5),
        title="Place du marché",
        text="…",
        location=tozeur.district.boundary.point_on_surface,
    )
    services.seek_co_promoters(petition=other, author=other.author)
    page = client.get(LIST + f"?state=open&district={tozeur.district.pk}").content.decode()
    assert "No petition matches" in page  # the open one concerns the whole municipality
    page = client.get(LIST + f"?district={tozeur.district.pk}").content.decode()
    assert "Place du marché" in page and "Éclairage" not in page
    geojson = client.get(f"/petitions/6211/petitions.geojson?district={tozeur.district.pk}").json()
    assert [f["properties"]["title"] for f in geojson["features"]] == ["Place du marché"]
    assert set(geojson["features"][0]["properties"]) == {
        "title",
        "state",
        "district",
        "signatures",
        "signatures_needed",
        "progress",
    }
    assert client.get(LIST + "?state=nonsense").status_code == 400


def test_a_citizen_drafts_without_javascript_giving_her_id_on_the_way(client, tozeur: Town) -> None:  # type: ignore[no-untyped-def]
    new = LIST + "new/"
    response = client.get(new)
    assert response.status_code == 302 and response["Location"].startswith("/en/participate/?next=")
    participant = citizen(1, with_id=False)
    sign_in(client, participant)
    assert 'name="national_id"' in client.get(new).content.decode()
    lon, lat = TOZEUR_CENTRE
    form = {"title": "Un banc", "text": "Devant la poste.", "lat": lat + 0.001, "lon": lon, "national_id": "12345678"}
    response = client.post(new, form)
    assert response.status_code == 303
    petition = Petition.objects.get()
    assert petition.district == tozeur.district and petition.state == State.DRAFT
    participant.refresh_from_db()
    assert participant.id_hash is not None


def test_bad_drafts_get_a_message_and_nothing_is_stored(client, tozeur: Town) -> None:  # type: ignore[no-untyped-def]
    participant = citizen(1, with_id=False)
    sign_in(client, participant)
    new = LIST + "new/"
    outside = client.post(new, {"title": "Loin", "text": "…", "lat": 36.8, "lon": 10.1, "national_id": "12345678"})
    assert outside.status_code == 400 and "outside the municipality" in outside.content.decode()
    half = client.post(new, {"title": "Moitié", "text": "…", "lat": 33.9, "national_id": "12345678"})
    assert half.status_code == 400 and "latitude and the longitude" in half.content.decode()
    no_id = client.post(new, {"title": "Sans pièce", "text": "…"})
    assert no_id.status_code == 400 and "national identity card" in no_id.content.decode()
    trap = client.post(new, {"title": "Robot", "text": "…", "national_id": "12345678", "website": "x"})
    assert trap.status_code == 400
    assert not Petition.objects.exists()
    participant.refresh_from_db()
    assert participant.id_hash is None  # the ID of a refused draft is not kept either


def test_co_promote_then_submit_then_sign_through_the_pages(client, tozeur: Town, threshold: Threshold) -> None:  # type: ignore[no-untyped-def]
    author = citizen(1)
    petition = services.draft_petition(municipality=tozeur.municipality, author=author, title="Ombre", text="…")
    sign_in(client, author)
    assert client.post(page_of(petition) + "seek-co-promoters/").status_code == 303
    early = client.post(page_of(petition) + "submit/")
    assert early.status_code == 400 and "needs 2 co-promoters" in early.content.decode()
    for n in (2, 3):
        sign_in(client, citizen(n))
        assert client.get(page_of(petition) + "co-promote/").status_code == 200
        joined = client.post(page_of(petition) + "co-promote/")
        assert joined.status_code == 303, joined.content.decode()[-1500:]
    assert CoPromoter.objects.count() == 2
    sign_in(client, author)
    assert client.post(page_of(petition) + "submit/").status_code == 303
    services.open_petition(petition=petition, staff=staff("planner", Role.PLANNER, "6211"))

    signer = citizen(10, with_id=False)
    sign_in(client, signer)
    confirm = client.get(page_of(petition) + "sign/").content.decode()
    assert 'name="national_id"' in confirm and 'name="website"' in confirm
    assert client.post(page_of(petition) + "sign/", {"national_id": "87654321"}).status_code == 303
    again = client.post(page_of(petition) + "sign/")
    assert again.status_code == 400 and "already signed" in again.content.decode()
    assert Signature.objects.count() == 1
    page = client.get(page_of(petition)).content.decode()
    assert "You have signed this petition." in page and 'aria-valuenow="1"' in page
    assert "signer" not in page and "citizen10@" not in page


def test_staff_pages_are_scoped_to_their_municipality(client, in_review: Petition, beja: Town) -> None:  # type: ignore[no-untyped-def]
    url = page_of(in_review) + "staff/"
    assert client.get(url).status_code == 302  # to the staff login
    client.force_login(staff("planner-beja", Role.PLANNER, "2111"))
    assert client.get(url).status_code == 404
    assert client.get("/en/petitions/6211/staff/").status_code == 404
    assert client.post(url, {"form": "OpenForm"}).status_code == 404
    assert Petition.objects.get().state == State.IN_REVIEW


def test_staff_review_paper_signatures_and_answer(client, in_review: Petition, planner_tozeur: User) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner_tozeur)
    url = page_of(in_review) + "staff/"
    assert in_review.title in client.get("/en/petitions/6211/staff/").content.decode()
    assert "within its powers" in client.get(url).content.decode()
    assert client.post(url, {"form": "OpenForm", "closes_on": "2001-01-01"}).status_code == 400
    assert client.post(url, {"form": "OpenForm"}).status_code == 303
    for n in range(5):
        assert client.post(url, {"form": "PaperSignatureForm", "national_id": f"3000000{n}"}).status_code == 303
    twice = client.post(url, {"form": "PaperSignatureForm", "national_id": "30000000"})
    assert twice.status_code == 400 and "already signed" in twice.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == State.THRESHOLD_REACHED
    assert client.post(url, {"form": "AnswerForm", "answer": " "}).status_code == 400
    assert client.post(url, {"form": "AnswerForm", "answer": "Accepté."}).status_code == 303
    page = client.get(page_of(in_review)).content.decode()
    assert 'id="answer"' in page and "Accepté." in page
    assert "5 on paper" in page


def test_a_refusal_is_public_with_its_reason(client, in_review: Petition, planner_tozeur: User) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner_tozeur)
    url = page_of(in_review) + "staff/"
    assert client.post(url, {"form": "RefuseForm", "reason": ""}).status_code == 400
    assert client.post(url, {"form": "RefuseForm", "reason": "Hors compétence."}).status_code == 303
    client.logout()
    page = client.get(page_of(in_review)).content.decode()
    assert "Refused" in page and "Hors compétence." in page


def test_only_the_administrator_sets_thresholds(client, threshold: Threshold, planner_tozeur, administrator) -> None:  # type: ignore[no-untyped-def]
    change = reverse("admin:petitions_threshold_change", args=[threshold.pk])
    client.force_login(planner_tozeur)
    assert (
        client.post(change, {"municipality": threshold.municipality_id, "kind": "fixed", "fixed_count": 1}).status_code
        == 403
    )
    client.force_login(administrator)
    form = {"municipality": threshold.municipality_id, "kind": "share", "share_percent": "2.5", "fixed_count": ""}
    assert client.post(change, form).status_code == 302
    threshold.refresh_from_db()
    assert threshold.signatures_needed() == 1000  # 2.5% of Tozeur's 40,000


def test_open_data_has_counts_and_never_a_signer(client, open_petition: Petition, planner_tozeur) -> None:  # type: ignore[no-untyped-def]
    services.sign(petition=open_petition, participant=citizen(10))
    services.sign_on_paper(petition=open_petition, staff=planner_tozeur, national_id="40000000")
    body = client.get("/petitions/petitions.csv").content.decode()
    header, row = body.strip().splitlines()[:2]
    assert header.lstrip("\ufeff").split(",")[:4] == ["id", "municipality_code", "title", "state"]
    assert ",2,1,5," in row
    for private in ("citizen", "@", "+216", "4000000"):
        assert private not in body
    listing = client.get("/en/open-data/?municipality=6211").content.decode()
    assert "Petitions: state, dates and signature counts" in listing and "/en/petitions/6211/petitions.csv" in listing


def test_the_municipality_page_and_the_participant_page(client, open_petition: Petition) -> None:  # type: ignore[no-untyped-def]
    from gisportal import spaces

    petitions = [s for s in spaces.of(open_petition.municipality) if s.order == 40]
    assert petitions and "0 of 5 signatures" in petitions[0].open_now[0].what
    signer = citizen(10)
    services.sign(petition=open_petition, participant=signer)
    sign_in(client, signer)
    page = client.get(reverse("participants:profile")).content.decode()
    assert "You signed the petition Éclairage rue Ibn Chabbat" in page


def test_the_admin_lists_thresholds_and_petitions_in_scope(client, open_petition, planner_tozeur, beja) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner_tozeur)
    assert "Éclairage rue Ibn Chabbat" in client.get(reverse("admin:petitions_petition_changelist")).content.decode()
    assert client.get(reverse("admin:petitions_threshold_changelist")).status_code == 200
    client.force_login(staff("planner-beja", Role.PLANNER, "2111"))
    assert "Éclairage" not in client.get(reverse("admin:petitions_petition_changelist")).content.decode()
    assert client.get(reverse("admin:petitions_petition_change", args=[open_petition.pk])).status_code == 302


def test_a_banned_contact_cannot_sign_and_nothing_is_stored(client, open_petition: Petition) -> None:  # type: ignore[no-untyped-def]
    from gisportal.complaints.models import Ban

    signer = citizen(90)
    Ban.objects.create(kind=Ban.Kind.CONTACT, value=signer.contact or "")
    sign_in(client, signer)
    response = client.post(page_of(open_petition) + "sign/")
    assert response.status_code == 403 and "not accepted" in response.content.decode()
    assert not Signature.objects.exists()


def test_signing_is_rate_limited_per_connection(client, open_petition: Petition, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARTICIPATION_ACTIONS_PER_IP_PER_HOUR = 2
    statuses = []
    for n in range(91, 94):
        sign_in(client, citizen(n))
        statuses.append(client.post(page_of(open_petition) + "sign/").status_code)
    assert statuses == [303, 303, 429] and Signature.objects.count() == 2


def test_past_its_last_day_a_petition_offers_no_signing(client, open_petition: Petition) -> None:  # type: ignore[no-untyped-def]
    Petition.objects.filter(pk=open_petition.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    sign_in(client, citizen(95))
    assert "Sign this petition" not in client.get(page_of(open_petition)).content.decode()
    assert 'id="join"' not in client.get(page_of(open_petition) + "sign/").content.decode()
    refused = client.post(page_of(open_petition) + "sign/")
    assert refused.status_code == 400 and "closed on" in refused.content.decode()
    assert not Signature.objects.exists()


def test_counts_by_municipality_and_state(client, open_petition: Petition, in_review, beja, planner_tozeur) -> None:  # type: ignore[no-untyped-def]
    services.sign(petition=open_petition, participant=citizen(10))
    services.sign_on_paper(petition=open_petition, staff=planner_tozeur, national_id="40000001")
    rows = client.get("/petitions/summary.csv").content.decode().lstrip("\ufeff").strip().splitlines()
    assert rows == [
        "municipality_code,municipality,state,petitions,signatures,signatures_on_paper",
        "6211,Tozeur,open,1,2,1",
    ]
    page = client.get("/en/petitions/?state=open").content.decode()
    assert "Éclairage rue Ibn Chabbat" in page
    assert "Éclairage" not in client.get("/en/petitions/?state=answered").content.decode().split('id="latest"')[1]
    assert client.get("/en/petitions/?state=draft").status_code == 400  # drafts are nobody's business


def test_a_late_answer_is_said_on_the_petition_page(client, open_petition: Petition, planner_tozeur) -> None:  # type: ignore[no-untyped-def]
    for n in range(5):
        services.sign_on_paper(petition=open_petition, staff=planner_tozeur, national_id=f"6000000{n}")
    assert "must publish its answer by" in client.get(page_of(open_petition)).content.decode()
    Petition.objects.filter(pk=open_petition.pk).update(answer_due_on=timezone.localdate() - timedelta(days=1))
    assert "it is late" in client.get(page_of(open_petition)).content.decode()
