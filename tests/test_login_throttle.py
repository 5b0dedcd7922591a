"""Staff login throttling: five wrong passwords for one account from one address lock that pair out, at the
admin's login and for HTTP Basic alike; another address, and the test client's own logins, are not affected."""

import base64

from django.test import Client

from tests.browser import PASSWORD


def admin_login(client: Client, password: str, ip: str = "203.0.113.5"):
    return client.post(
        "/admin/login/?next=/admin/", {"username": "planner-tozeur", "password": password}, REMOTE_ADDR=ip
    )


def basic(password: str, ip: str = "203.0.113.5"):
    credentials = base64.b64encode(f"planner-tozeur:{password}".encode()).decode()
    return Client().get("/ogc/collections", HTTP_AUTHORIZATION=f"Basic {credentials}", REMOTE_ADDR=ip)


def test_five_wrong_passwords_lock_the_account_from_that_address(client, planner_tozeur):
    for _attempt in range(4):
        assert admin_login(client, "guess").status_code == 200  # the form again, with its error
    assert admin_login(client, "guess").status_code == 429  # the fifth
    locked = admin_login(client, PASSWORD)  # even the right one, now
    assert locked.status_code == 429 and int(locked["Retry-After"]) == 15 * 60
    assert "Trop de mots de passe erronés" in locked.content.decode()
    assert admin_login(Client(), PASSWORD, ip="198.51.100.9").status_code == 302  # her own office: not locked


def test_basic_auth_is_throttled_the_same_way(planner_tozeur):
    assert basic(PASSWORD).status_code == 200
    for _attempt in range(4):
        assert basic("guess").status_code == 401
    assert basic("guess").status_code == 429
    locked = basic(PASSWORD)
    assert locked.status_code == 429 and locked.json()["code"] == "TooManyRequests"


def test_a_right_password_resets_the_count(client, planner_tozeur):
    for _attempt in range(4):
        admin_login(client, "guess")
    assert admin_login(client, PASSWORD).status_code == 302
    for _attempt in range(4):
        admin_login(Client(), "guess")
    assert admin_login(Client(), PASSWORD).status_code == 302
