"""Every layer edit is kept: who, when, what changed, and it can be restored."""

from django.urls import reverse

from layers.models import ServicePoint


def edit_container(client, container, **changes):
    data = {
        "municipality": container.municipality_id,
        "kind": container.kind,
        "name": container.name,
        "status": container.status,
        "capacity": container.capacity or "",
        "opening_hours": "",
        "location": container.location.transform(3857, clone=True).geojson,
    } | changes
    response = client.post(reverse("admin:layers_servicepoint_change", args=[container.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    container.refresh_from_db()


def test_an_edit_records_who_and_what_changed(client, tozeur, planner_tozeur):
    client.force_login(planner_tozeur)
    edit_container(client, tozeur.container, status=ServicePoint.Status.OUT_OF_SERVICE, capacity=1100)

    latest = tozeur.container.history.latest()
    assert latest.history_user == planner_tozeur
    assert latest.history_type == "~"
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(latest.prev_record).changes}
    assert changes == {"status": ("in_service", "out_of_service"), "capacity": (660, 1100)}

    page = client.get(reverse("admin:layers_servicepoint_history", args=[tozeur.container.pk]))
    assert page.status_code == 200
    assert planner_tozeur.username in page.content.decode()


def test_a_version_can_be_restored(client, tozeur, planner_tozeur):
    client.force_login(planner_tozeur)
    container = tozeur.container
    original = container.history.earliest()
    moved = container.location.transform(3857, clone=True)
    moved.x += 500
    edit_container(client, container, name="Renamed", location=moved.geojson)
    assert container.name == "Renamed"

    # Restoring is the history form of the old version, saved.
    restore_url = reverse("admin:layers_servicepoint_simple_history", args=[container.pk, original.history_id])
    form = client.get(restore_url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["location"] = original.location.transform(3857, clone=True).geojson
    response = client.post(restore_url, {key: "" if value is None else value for key, value in data.items()})
    assert response.status_code == 302
    container.refresh_from_db()
    assert container.name == original.name
    assert container.location.distance(original.location) < 1e-9
    assert container.history.count() == 3


def test_planner_cannot_restore_another_municipalitys_version(client, tozeur, beja, planner_tozeur):
    client.force_login(planner_tozeur)
    version = beja.container.history.latest()
    url = reverse("admin:layers_servicepoint_simple_history", args=[beja.container.pk, version.history_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "forged"}).status_code == 403
