"""Participants: a contact proven by a one-time code, an ID kept only as a keyed hash, one person once."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from gisportal.participants import services
from gisportal.participants.models import Participant
from gisportal.participants.senders import ConsoleSender


def code_sent_to(contact: str) -> str:
    messages = [str(m.body) for m in mail.outbox if contact in m.to]
    messages += [text for to, text in ConsoleSender.outbox if to == contact]
    found = re.search(r"\b(\d{6})\b", messages[-1])
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Amal@Example.TN ", "amal@example.tn"),
        ("98 123 456", "+21698123456"),
        ("0021698123456", "+21698123456"),
        ("+33 6 12 34 56 78", "+33612345678"),
    ],
)
def test_contacts_are_normalised(raw, normal):
    assert services.normalise_contact(raw) == normal


@pytest.mark.parametrize("raw", ["", "12", "not an address", "a@b", "+1"])
def test_unusable_contacts_are_refused(raw):
    with pytest.raises(ValidationError):
        services.normalise_contact(raw)


def test_an_email_code_verifies_once(db):
    contact = services.send_code(raw_contact="amal@example.tn", ip="10.0.0.1")
    code = code_sent_to(contact)
    participant = services.verify_code(contact=contact, code=code)
    assert participant.verified_at is not None
    with pytest.raises(services.CodeRefused):
        services.verify_code(contact=contact, code=code)  # used up
    again = services.send_code(raw_contact="AMAL@example.tn", ip="10.0.0.1")
    assert services.verify_code(contact=again, code=code_sent_to(again)).pk == participant.pk


def test_an_sms_code_goes_through_the_configured_sender(db):
    ConsoleSender.outbox.clear()
    contact = services.send_code(raw_contact="98123456", ip="10.0.0.2")
    assert ConsoleSender.outbox[-1][0] == "+21698123456"
    assert services.verify_code(contact=contact, code=code_sent_to(contact)).contact == "+21698123456"


def test_wrong_codes_lock_the_code_after_five_attempts(db):
    contact = services.send_code(raw_contact="sami@example.tn", ip="10.0.0.3")
    good = code_sent_to(contact)
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(services.CODE_ATTEMPTS):
        with pytest.raises(services.CodeRefused):
            services.verify_code(contact=contact, code=wrong)
    with pytest.raises(services.CodeRefused):
        services.verify_code(contact=contact, code=good)
    assert not Participant.objects.exists()


def test_the_national_id_is_stored_only_as_a_keyed_hash_and_once(db):
    first = Participant.objects.create(contact="+21611111111")
    second = Participant.objects.create(contact="+21622222222")
    services.update_profile(participant=first, national_id="01234567", gender="woman", age_band="18-29")
    first.refresh_from_db()
    assert "01234567" not in first.id_hash and len(first.id_hash) == 64
    with pytest.raises(ValidationError, match="already used"):
        services.update_profile(participant=second, national_id="0123 4567")
    with pytest.raises(ValidationError):
        services.update_profile(participant=second, national_id="1234")


def test_a_paper_participant_with_a_known_id_is_the_same_person(db, administrator):
    online = Participant.objects.create(contact="+21633333333")
    services.update_profile(participant=online, national_id="07654321")
    assert services.paper_participant(staff=administrator, national_id="07654321").pk == online.pk
    anonymous = services.paper_participant(staff=administrator, gender="man")
    assert anonymous.source == Participant.Source.PAPER and anonymous.contact is None


def test_the_sign_in_pages_work_without_javascript(client, db):
    response = client.post("/ar/participate/", {"contact": "leila@example.tn", "next": "/ar/participate/me/"})
    assert response.status_code == 302 and "/participate/code/" in response["Location"]
    response = client.post("/ar/participate/code/", {"code": "999999", "next": "/ar/participate/me/"})
    assert response.status_code == 400
    response = client.post(
        "/ar/participate/code/", {"code": code_sent_to("leila@example.tn"), "next": "/ar/participate/me/"}
    )
    assert response.status_code == 302 and response["Location"] == "/ar/participate/me/"
    page = client.get("/ar/participate/me/")
    assert page.status_code == 200 and 'dir="rtl"' in page.content.decode()
    assert "leila@example.tn" not in page.content.decode()


def test_a_foreign_next_is_not_followed(client, db):
    client.post("/participate/", {"contact": "x@example.tn"})
    response = client.post(
        "/participate/code/", {"code": code_sent_to("x@example.tn"), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/participate/me/"
