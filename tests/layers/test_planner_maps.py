"""The planners' admin pages: the map on the portal's own basemap with visible markers, collection days by name, the
map's buttons in her language."""

import pytest
from django.urls import reverse as reverse_in_any_language
from django.utils import translation
from playwright.sync_api import Browser, expect

from layers.models import CollectionRoute
from tests.browser import log_in


def reverse(name: str, args: list | None = None) -> str:
    """The French address (no language prefix), whatever language an earlier request left active."""
    with translation.override("fr"):
        return reverse_in_any_language(name, args=args)


def _route_form(client, route: CollectionRoute, language: str = "") -> tuple[str, dict]:
    url = reverse("admin:layers_collectionroute_change", args=[route.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language) if language else client.get(url)
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data |= {
        "path": route.path.transform(3857, clone=True).geojson,
        "service_points": [p.pk for p in route.service_points.all()],
    }
    return url, {key: "" if value is None else value for key, value in data.items()}


def test_collection_days_are_checkboxes_named_in_the_planners_language(client, tozeur, planner_tozeur):
    client.force_login(planner_tozeur)
    url = reverse("admin:layers_collectionroute_change", args=[tozeur.route.pk])
    page = client.get(url).content.decode()  # French, the portal's default language
    for day, name in [(1, "lundi"), (3, "mercredi"), (5, "vendredi")]:
        assert f'type="checkbox" name="service_days" value="{day}"' in page
        assert name in page
    assert "Jours de collecte" in page
    assert page.count('name="service_days"') == 7 and page.count("checked") >= 3
    url, data = _route_form(client, tozeur.route)
    response = client.post(url, {**data, "service_days": ["2", "4"], "_save": "Enregistrer"})
    assert response.status_code == 302
    tozeur.route.refresh_from_db()
    assert tozeur.route.service_days == [2, 4]
    listing = client.get(reverse("admin:layers_collectionroute_changelist")).content.decode()
    assert "mardi, jeudi" in listing
    assert "الثلاثاء" in client.get("/ar" + url).content.decode()


@pytest.mark.parametrize("days", [[], ["8"], ["lundi"]])
def test_no_day_or_an_unknown_day_is_refused(client, tozeur, planner_tozeur, days):
    client.force_login(planner_tozeur)
    url, data = _route_form(client, tozeur.route)
    response = client.post(url, {**data, "service_days": days})
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("service_days")
    tozeur.route.refresh_from_db()
    assert tozeur.route.service_days == [1, 3, 5]


def test_the_map_uses_the_portals_basemap_not_an_outside_server(client, tozeur, planner_tozeur, settings):
    settings.BASEMAP_TILE_URL = ""
    client.force_login(planner_tozeur)
    page = client.get(reverse("admin:layers_servicepoint_change", args=[tozeur.container.pk])).content.decode()
    assert "/basemap/{z}/{x}/{y}.pbf" in page
    assert "ol.source.OSM" not in page.split("var base_layer", 1)[0].rsplit("<script>", 1)[-1]


def test_planner_sees_the_basemap_and_the_markers_on_the_service_point_map(
    browser: Browser,
    live_server,
    tozeur,
    planner_tozeur,
    settings,
):
    settings.BASEMAP_TILE_URL = ""
    context = browser.new_context(locale="fr-TN", viewport={"width": 1280, "height": 900})
    tiles: list[int] = []
    outside: list[str] = []
    context.on("response", lambda r: tiles.append(r.status) if "/basemap/" in r.url else None)
    context.on("request", lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, planner_tozeur, reverse("admin:layers_servicepoint_change", args=[tozeur.container.pk]))
    page.wait_for_load_state("networkidle")
    assert 200 in tiles and set(tiles) <= {200, 204}  # 204: an empty tile
    painted = """name => {
        const c = document.querySelector('.' + name + ' canvas') || document.querySelector('canvas.' + name);
        if (!c) return -1; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    page.wait_for_function(f"() => ({painted})('portal-basemap') > 0")
    page.wait_for_function(f"() => ({painted})('reference-service-points') > 100")  # a 6 px marker, not a 3 px dot
    assert errors == [] and outside == []
    context.close()


# OpenLayers writes its buttons' tooltips in English; the widget makes them again in the page's language.
CONTROL_TITLES = {
    "ar": {".ol-zoom-in": "تكبير", ".ol-rotate-reset": "إعادة ضبط الاتجاه", ".ol-attribution button": "مصادر الخريطة"},
    "fr": {
        ".ol-zoom-in": "Zoom avant",
        ".ol-rotate-reset": "Réinitialiser l'orientation",
        ".ol-attribution button": "Sources de la carte",
    },
}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_map_widgets_buttons_are_in_the_planners_language(page, live_server, tozeur, planner_tozeur, language):
    path = reverse("admin:layers_servicepoint_change", args=[tozeur.container.pk])
    log_in(page, live_server, planner_tozeur, f"/{language}{path}" if language == "ar" else path)
    page.wait_for_function("() => window.geodjango_location && geodjango_location.map.isRendered()")
    for control, title in CONTROL_TITLES[language].items():
        expect(page.locator(control)).to_have_count(1)  # made again in its place, not added beside the English one
        expect(page.locator(control)).to_have_attribute("title", title)
    english = page.evaluate("[...document.querySelectorAll('.ol-control [title]')].map(e => e.title)")
    assert not {"Zoom in", "Zoom out", "Reset rotation", "Attributions"} & set(english)
