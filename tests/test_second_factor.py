"""A second factor for staff (TOTP): set up once, asked after every login; required of administrators by a
setting; never of API tokens; a password alone cannot add a device."""

import re

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.api.conftest import token_client
from tests.browser import PASSWORD


def code(device: TOTPDevice, ahead: int = 0) -> str:
    """What her app shows now (or `ahead` steps later: a code is accepted once, and one step of drift)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead):06d}"


def logged_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_without_a_device_nothing_changes(planner_tozeur):
    assert logged_in("planner-tozeur").get("/admin/").status_code == 200


def test_set_up_once_then_asked_after_every_login(planner_tozeur, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code makes the next wait a second or more: not here
    client = logged_in("planner-tozeur")
    page = client.get("/accounts/second-factor/setup/?next=/admin/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=planner_tozeur)
    assert key.replace(" ", "") and not device.confirmed
    assert client.post("/accounts/second-factor/setup/", {"code": "000000", "next": "/admin/"}).status_code == 400
    confirmed = client.post("/accounts/second-factor/setup/", {"code": code(device), "next": "/admin/"})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    again = logged_in("planner-tozeur")  # another login: the password is not enough any more
    asked = again.get("/admin/layers/servicepoint/")
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/second-factor/?next=")
    assert again.get("/imports/").status_code == 302  # every page of the session, not only the admin
    # A stolen password cannot add a device of its own.
    assert again.get("/accounts/second-factor/setup/")["Location"] == "/accounts/second-factor/"
    assert again.post("/accounts/second-factor/", {"code": "123456", "next": "/admin/"}).status_code == 400
    device.refresh_from_db()
    given = again.post("/accounts/second-factor/", {"code": code(device, ahead=1), "next": "/admin/"})
    assert given.status_code == 302 and again.get("/admin/layers/servicepoint/").status_code == 200


def test_administrators_must_set_one_up_when_the_setting_says_so(administrator, planner_tozeur, settings):
    settings.ADMIN_SECOND_FACTOR = True
    sent = logged_in("admin").get("/admin/")
    assert sent.status_code == 302 and sent["Location"].startswith("/accounts/second-factor/setup/")
    assert logged_in("planner-tozeur").get("/admin/").status_code == 200  # planners: their own choice


def test_api_tokens_are_not_asked_for_a_code(planner_tozeur, tozeur):
    TOTPDevice.objects.create(user=planner_tozeur, name="phone", confirmed=True)
    assert token_client(planner_tozeur).get("/ogc/collections").status_code == 200
