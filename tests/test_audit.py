"""The audit log: every staff write, through every door, with user, time, IP and outcome; nothing else."""

from django.test import Client

from gisportal.accounts.models import StaffAction
from tests.api.conftest import token_client
from tests.browser import PASSWORD


def test_api_writes_are_logged_whatever_their_outcome(planner_tozeur, tozeur, beja):
    client = token_client(planner_tozeur)
    client.get(f"/api/service-points/{tozeur.container.pk}/")  # a read: not a write
    client.patch(
        f"/api/service-points/{tozeur.container.pk}/",
        {"properties": {"capacity": 3}},
        content_type="application/json",
        REMOTE_ADDR="198.51.100.7",
    )
    client.delete(f"/api/service-points/{beja.container.pk}/", REMOTE_ADDR="198.51.100.7")  # another town's: 404
    logged = list(StaffAction.objects.order_by("at").values_list("user__username", "method", "path", "status", "ip"))
    assert logged == [
        ("planner-tozeur", "PATCH", f"/api/service-points/{tozeur.container.pk}/", 200, "198.51.100.7"),
        ("planner-tozeur", "DELETE", f"/api/service-points/{beja.container.pk}/", 404, "198.51.100.7"),
    ]


def test_admin_writes_are_logged_and_citizens_are_not(client, planner_tozeur, tozeur):
    client.post("/participate/", {"contact": "amal@example.tn"})  # a citizen asks for a code: not logged
    assert not StaffAction.objects.exists()
    staff = Client()
    staff.login(username="planner-tozeur", password=PASSWORD)
    staff.post(f"/admin/layers/servicepoint/{tozeur.container.pk}/delete/", {"post": "yes"})
    (action,) = StaffAction.objects.all()
    assert (action.user, action.method, action.status) == (planner_tozeur, "POST", 302)
    assert action.ip == "127.0.0.1"


def test_only_superusers_read_the_log(planner_tozeur, administrator, tozeur):
    StaffAction.objects.create(user=planner_tozeur, method="POST", path="/admin/x/", status=200, ip="10.0.0.1")
    planner = Client()
    planner.login(username="planner-tozeur", password=PASSWORD)
    assert planner.get("/admin/accounts/staffaction/").status_code == 403
    admin = Client()
    admin.login(username="admin", password=PASSWORD)
    page = admin.get("/admin/accounts/staffaction/")
    assert page.status_code == 200 and "10.0.0.1" in page.content.decode()
    assert admin.get(f"/admin/accounts/staffaction/{StaffAction.objects.get().pk}/delete/").status_code == 403
