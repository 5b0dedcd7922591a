"""A planner sees and edits only her municipalities' layers: in the selectors and in the admin pages."""

import pytest
from django.urls import reverse

from layers import selectors
from layers.models import CollectionRoute, Complaint, Delegation, District, Governorate, Municipality, ServicePoint

SCOPED_LAYERS = [Municipality, District, ServicePoint, CollectionRoute, Complaint]
EDITABLE_LAYERS = [District, ServicePoint, CollectionRoute, Complaint]


def feature(town, model):
    return {
        Municipality: town.municipality,
        District: town.district,
        ServicePoint: town.container,
        CollectionRoute: town.route,
        Complaint: town.complaint,
    }[model]


def admin_url(obj, view="change"):
    return reverse(f"admin:layers_{obj._meta.model_name}_{view}", args=[obj.pk])


@pytest.mark.parametrize("model", SCOPED_LAYERS)
def test_planner_sees_only_her_municipality(model, tozeur, beja, planner_tozeur):
    assert list(selectors.visible(model, planner_tozeur)) == [feature(tozeur, model)]


@pytest.mark.parametrize("model", EDITABLE_LAYERS)
def test_planner_edits_only_her_municipality(model, tozeur, beja, planner_tozeur):
    assert list(selectors.editable(model, planner_tozeur)) == [feature(tozeur, model)]


@pytest.mark.parametrize("model", [Governorate, Delegation, Municipality])
def test_planner_cannot_edit_the_administrative_frame(model, tozeur, planner_tozeur):
    assert not selectors.editable(model, planner_tozeur).exists()


@pytest.mark.parametrize("model", SCOPED_LAYERS)
def test_analyst_reads_everything_and_edits_nothing(model, tozeur, beja, analyst):
    assert selectors.visible(model, analyst).count() == 2
    assert not selectors.editable(model, analyst).exists()


@pytest.mark.parametrize("model", SCOPED_LAYERS)
def test_administrator_edits_everything(model, tozeur, beja, administrator):
    assert selectors.editable(model, administrator).count() == 2


@pytest.mark.parametrize("model", SCOPED_LAYERS)
def test_anonymous_sees_no_staff_data(model, tozeur):
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.visible(model, AnonymousUser()).exists()


@pytest.mark.parametrize("model", SCOPED_LAYERS)
def test_admin_list_shows_only_her_features(model, client, tozeur, beja, planner_tozeur):
    client.force_login(planner_tozeur)
    response = client.get(reverse(f"admin:layers_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [feature(tozeur, model)]


@pytest.mark.parametrize("model", EDITABLE_LAYERS)
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_planner_cannot_open_another_municipalitys_pages(model, view, client, tozeur, beja, planner_tozeur):
    client.force_login(planner_tozeur)
    assert client.get(admin_url(feature(tozeur, model), view)).status_code == 200
    response = client.get(admin_url(feature(beja, model), view))
    # The admin answers 302 (to its index, "does not exist") or 403: never the page.
    assert response.status_code in {302, 403, 404}


@pytest.mark.parametrize("model", EDITABLE_LAYERS)
def test_planner_cannot_post_a_change_to_another_municipality(model, client, tozeur, beja, planner_tozeur):
    client.force_login(planner_tozeur)
    target = feature(beja, model)
    before = model.objects.get(pk=target.pk)
    client.post(admin_url(target), {"name": "forged", "description": "forged"})
    assert model.objects.get(pk=target.pk).__dict__ | {"_state": None} == before.__dict__ | {"_state": None}


def test_planner_can_only_place_features_in_her_municipalities(client, tozeur, beja, planner_tozeur):
    client.force_login(planner_tozeur)
    form = client.get(reverse("admin:layers_servicepoint_add")).context["adminform"].form
    assert list(form.fields["municipality"].queryset) == [tozeur.municipality]


def test_planner_cannot_move_a_complaint_into_another_municipality(client, tozeur, beja, planner_tozeur):
    client.force_login(planner_tozeur)
    complaint = tozeur.complaint
    response = client.post(
        admin_url(complaint),
        {
            "category": complaint.category,
            "description": complaint.description,
            "status": complaint.status,
            "location": beja.container.location.transform(3857, clone=True).geojson,  # as the map widget sends it
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("location", code="not_managed")
    complaint.refresh_from_db()
    assert complaint.municipality == tozeur.municipality


def test_analyst_may_view_but_not_change(client, tozeur, analyst):
    client.force_login(analyst)
    url = admin_url(tozeur.container)
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    client.post(url, {"name": "changed by analyst"})
    tozeur.container.refresh_from_db()
    assert tozeur.container.name == "Conteneur Tozeur"
