"""The staff index (where a planner signs in) leads to every staff page outside the admin, for her municipalities."""

from django.urls import reverse


def test_a_planner_finds_her_staff_pages_from_the_index(client, planner_tozeur, tozeur, beja):
    client.force_login(planner_tozeur)
    page = client.get("/ar/admin/").content.decode()
    links = [
        reverse("complaints:staff_list"),
        reverse("etl:upload"),
        reverse("council:staff_index"),
        reverse("routing:planner", args=["6211"]),
        reverse("petitions:desk", args=["6211"]),
    ]
    for link in links:
        assert f'href="{link}"' in page, link
        assert client.get(link).status_code == 200, link
    assert tozeur.municipality.name_ar in page
    assert reverse("routing:planner", args=["2111"]) not in page  # Béja is not hers
