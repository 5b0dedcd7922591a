"""What an outside probe found in the admin pages (issue 15): history restores and relation choices."""

import pytest
from django.urls import reverse

from gisportal.accounts.models import Role
from gisportal.accounts.selectors import staff_of
from layers.models import Complaint, ServicePoint
from tests.conftest import staff


def version_url(feature, version_id):
    return reverse(f"admin:layers_{feature._meta.model_name}_simple_history", args=[feature.pk, version_id])


def restore_data(client, url, feature):
    """What the history form of a version posts back when its user presses "Revert"."""
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["location"] = feature.location.transform(3857, clone=True).geojson  # as the map widget sends it
    return {key: "" if value is None else value for key, value in data.items()}


@pytest.fixture
def renamed_container(tozeur):
    """Tozeur's container and its first version, the container renamed since."""
    container = tozeur.container
    original = container.history.earliest()
    container.name = "Renamed"
    container.save()
    return container, original


def test_analyst_may_view_a_version_but_not_restore_it(client, renamed_container, analyst, administrator):
    container, original = renamed_container
    url = version_url(container, original.history_id)
    client.force_login(administrator)
    data = restore_data(client, url, container)

    client.force_login(analyst)
    page = client.get(url)
    assert page.status_code == 200 and page.context["revert_disabled"]
    assert client.post(url, data).status_code == 403
    container.refresh_from_db()
    assert container.name == "Renamed"
    assert container.history.count() == 2


def test_planner_cannot_take_back_a_feature_now_in_another_municipality(client, tozeur, beja, planner_tozeur):
    container = tozeur.container
    tozeur_version = container.history.earliest()
    url = version_url(container, tozeur_version.history_id)
    client.force_login(planner_tozeur)
    data = restore_data(client, url, container)

    container.municipality = beja.municipality  # handed over to Béja since
    container.save()
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    container.refresh_from_db()
    assert container.municipality == beja.municipality


def test_planner_cannot_restore_a_version_from_another_municipality(client, tozeur, beja, planner_tozeur):
    container = beja.container
    beja_version = container.history.earliest()
    container.municipality = tozeur.municipality  # handed over to Tozeur since
    container.save()
    client.force_login(planner_tozeur)
    assert client.post(version_url(container, beja_version.history_id), {"name": "forged"}).status_code == 403
    container.refresh_from_db()
    assert container.municipality == tozeur.municipality


def test_planner_restores_her_own_version(client, renamed_container, planner_tozeur):
    container, original = renamed_container
    url = version_url(container, original.history_id)
    client.force_login(planner_tozeur)
    assert not client.get(url).context["revert_disabled"]
    assert client.post(url, restore_data(client, url, container)).status_code == 302
    container.refresh_from_db()
    assert container.name == original.name


@pytest.mark.parametrize("version_id", ["abc", "999999999", "99999999999999999999999"])
def test_unknown_version_is_404(version_id, client, tozeur, administrator):
    client.force_login(administrator)
    assert client.get(version_url(tozeur.container, version_id)).status_code == 404
    assert client.post(version_url(tozeur.container, version_id), {"name": "x"}).status_code == 404


@pytest.mark.parametrize("view", ["history", "simple_history"])
def test_unknown_feature_is_404(view, client, tozeur, administrator):
    client.force_login(administrator)
    version = tozeur.container.history.earliest().history_id
    args = ["abc"] if view == "history" else ["abc", version]
    assert client.get(reverse(f"admin:layers_servicepoint_{view}", args=args)).status_code == 404


def test_staff_of_is_the_planners_of_her_municipalities(tozeur, beja, planner_tozeur, analyst, administrator):
    colleague = staff("agent-tozeur", Role.PLANNER, "6211")
    staff("agent-beja", Role.PLANNER, "2111")
    assert list(staff_of(planner_tozeur)) == [colleague, planner_tozeur]
    assert staff_of(administrator).count() == 5
    assert not staff_of(analyst).exists()


@pytest.fixture
def outsider(beja):
    return staff("agent-beja", Role.PLANNER, "2111")


@pytest.fixture
def second_report(tozeur):
    """Another report in Tozeur, a candidate original for its first one."""
    complaint = tozeur.complaint
    return Complaint.objects.create(
        municipality=complaint.municipality,
        district=complaint.district,
        category=complaint.category,
        description="Le même conteneur",
        location=complaint.location,
    )


def complaint_form(client, complaint):
    url = reverse("admin:layers_complaint_change", args=[complaint.pk])
    return url, client.get(url).context["adminform"].form


def post_complaint(client, complaint, **changes):
    url = reverse("admin:layers_complaint_change", args=[complaint.pk])
    data = restore_data(client, url, complaint) | changes
    return client.post(url, data)


def test_complaint_form_offers_only_her_colleagues_and_her_reports(
    client, tozeur, beja, planner_tozeur, outsider, second_report
):
    client.force_login(planner_tozeur)
    _url, form = complaint_form(client, tozeur.complaint)
    assert list(form.fields["assignee"].queryset) == [planner_tozeur]
    assert list(form.fields["duplicate_of"].queryset) == [second_report]


@pytest.mark.parametrize("field", ["assignee", "duplicate_of"])
def test_forged_complaint_post_with_another_municipalitys_ids_is_refused(
    field, client, tozeur, beja, planner_tozeur, outsider
):
    client.force_login(planner_tozeur)
    forged = {"assignee": outsider.pk, "duplicate_of": beja.complaint.pk}[field]
    response = post_complaint(client, tozeur.complaint, **{field: forged})
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error(field, code="invalid_choice")
    tozeur.complaint.refresh_from_db()
    assert tozeur.complaint.assignee is None and tozeur.complaint.duplicate_of is None


def test_planner_assigns_and_links_within_her_municipality(client, tozeur, planner_tozeur, second_report):
    client.force_login(planner_tozeur)
    response = post_complaint(
        client, tozeur.complaint, assignee=planner_tozeur.pk, duplicate_of=second_report.pk, status="duplicate"
    )
    assert response.status_code == 302
    tozeur.complaint.refresh_from_db()
    assert (tozeur.complaint.assignee, tozeur.complaint.duplicate_of) == (planner_tozeur, second_report)


def test_administrator_cannot_give_a_report_to_another_municipalitys_planner(client, tozeur, administrator, outsider):
    client.force_login(administrator)
    response = post_complaint(client, tozeur.complaint, assignee=outsider.pk)
    assert response.context["adminform"].form.has_error("assignee", code="assignee_out_of_scope")
    tozeur.complaint.refresh_from_db()
    assert tozeur.complaint.assignee is None


def test_a_report_moved_to_another_municipality_needs_an_original_there(
    client, tozeur, beja, administrator, second_report
):
    client.force_login(administrator)
    moved_to_beja = beja.complaint.location.transform(3857, clone=True).geojson
    response = post_complaint(client, tozeur.complaint, duplicate_of=second_report.pk, location=moved_to_beja)
    assert response.context["adminform"].form.has_error("duplicate_of", code="duplicate_elsewhere")
    tozeur.complaint.refresh_from_db()
    assert tozeur.complaint.municipality == tozeur.municipality and tozeur.complaint.duplicate_of is None


def test_forged_route_post_with_another_municipalitys_point_is_refused(client, tozeur, beja, planner_tozeur):
    client.force_login(planner_tozeur)
    route = tozeur.route
    url = reverse("admin:layers_collectionroute_change", args=[route.pk])
    form = client.get(url).context["adminform"].form
    assert list(form.fields["service_points"].queryset) == [tozeur.container]
    data = {name: form[name].value() for name in form.fields}
    data |= {"path": route.path.transform(3857, clone=True).geojson, "service_points": [beja.container.pk]}
    response = client.post(url, {key: "" if value is None else value for key, value in data.items()})
    assert response.context["adminform"].form.has_error("service_points", code="invalid_choice")
    assert list(route.service_points.all()) == [tozeur.container]


def test_forged_feature_post_into_another_municipality_is_refused(client, tozeur, beja, planner_tozeur):
    client.force_login(planner_tozeur)
    response = client.post(
        reverse("admin:layers_servicepoint_add"),
        {
            "municipality": beja.municipality.pk,
            "kind": ServicePoint.Kind.WASTE_CONTAINER,
            "name": "forged",
            "status": ServicePoint.Status.IN_SERVICE,
            "location": beja.container.location.transform(3857, clone=True).geojson,
        },
    )
    assert response.context["adminform"].form.has_error("municipality", code="invalid_choice")
    assert not ServicePoint.objects.filter(name="forged").exists()


def test_staff_pages_refuse_another_municipalitys_assignee_and_original(client, tozeur, beja, planner_tozeur, outsider):
    client.force_login(planner_tozeur)
    page = f"/en/staff/complaints/{tozeur.complaint.tracking_code}"
    assert client.post(f"{page}/assign", {"assignee": outsider.pk}).status_code == 400
    duplicate = {"status": "duplicate", "duplicate_of": beja.complaint.tracking_code, "public": "on"}
    assert client.post(f"{page}/status", duplicate).status_code == 400
    tozeur.complaint.refresh_from_db()
    assert tozeur.complaint.assignee is None and tozeur.complaint.status == Complaint.Status.SUBMITTED
