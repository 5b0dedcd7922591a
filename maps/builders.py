"""The citizen maps, one function per map, each returning a folium.Map built from the portal's own assets.

Small layers (service points, routes, districts, simplified boundaries) are embedded as GeoJSON built by
PostGIS; complaints never are: they are read by view from `MapLinks.complaints`, or, in the offline export,
from a snapshot aggregated to the municipality's extent.
"""

import json
from dataclasses import dataclass
from html import escape
from typing import Any, cast

import folium
from branca.element import Figure
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi, gettext, pgettext
from folium.plugins import FastMarkerCluster
from folium.utilities import JsCode

from layers.models import CollectionRoute, Complaint, ServicePoint
from maps import opening_hours, selectors
from maps.assets import use_local_assets
from maps.elements import Basemap, ComplaintsLayer, FeatureDetails, Legend, LookupControl

MAX_ZOOM = 18
EN_DASH = "\u2013"  # between the two ends of a range of hours
MAP_HEIGHT = "78vh"
PHONE_WIDTH = 700  # pixels: narrower screens get the layer list folded
# Metres beyond which the nearest collection route may well not be the street's: the answer says so.
FAR_ROUTE_M = 300
# Font Awesome 6 icon and awesome-markers colour per service type.
SERVICE_ICONS: dict[str, tuple[str, str]] = {
    ServicePoint.Kind.WASTE_CONTAINER: ("trash", "green"),
    ServicePoint.Kind.COLLECTION_POINT: ("dumpster", "darkgreen"),
    ServicePoint.Kind.RECYCLING_POINT: ("recycle", "lightgreen"),
    ServicePoint.Kind.TRANSFER_STATION: ("truck", "cadetblue"),
    ServicePoint.Kind.LANDFILL: ("mountain", "gray"),
    ServicePoint.Kind.HEALTH_FACILITY: ("house-medical", "red"),
    ServicePoint.Kind.PHARMACY: ("prescription-bottle-medical", "lightred"),
    ServicePoint.Kind.MUNICIPAL_OFFICE: ("landmark", "darkblue"),
    ServicePoint.Kind.CITIZEN_SERVICE_SPACE: ("people-group", "blue"),
    ServicePoint.Kind.SCHOOL: ("school", "orange"),
    ServicePoint.Kind.POST_OFFICE: ("envelope", "purple"),
    ServicePoint.Kind.MARKET: ("store", "beige"),
    ServicePoint.Kind.WATER_POINT: ("faucet-drip", "lightblue"),
    ServicePoint.Kind.OTHER: ("circle-info", "lightgray"),
}
# The awesome-markers colours as the legend draws them.
MARKER_HEX = {
    "green": "#72b026",
    "darkgreen": "#728224",
    "lightgreen": "#bbf970",
    "cadetblue": "#436978",
    "gray": "#575757",
    "red": "#d63e2a",
    "lightred": "#ff8e7f",
    "darkblue": "#0067a3",
    "blue": "#38aadd",
    "orange": "#f69730",
    "purple": "#d252b9",
    "beige": "#ffcb92",
    "lightblue": "#8adaff",
    "lightgray": "#a3a3a3",
}
# One colour per pattern of service days, in the order the selector returns them (most days first).
DAY_PATTERN_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
# The optimiser's proposed rounds (no grey: today's routes are grey beneath them).
ROUND_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4"]
TODAY_GREY = "#555555"
# Marginalisation score classes (upper bounds) and their colours, light to dark (ColorBrewer YlOrRd).
SCORE_CLASSES = [(20, "#ffffb2"), (35, "#fecc5c"), (50, "#fd8d3c"), (65, "#f03b20"), (101, "#bd0026")]
NO_SCORE_COLOUR = "#cccccc"
OPEN_COLOUR, RESOLVED_COLOUR = "#c0392b", "#2e7d32"


@dataclass(frozen=True)
class MapLinks:
    """The endpoints a live page reads from; an offline export has none."""

    complaints: str
    basemap: str | None = None  # the portal's own vector tiles, when no raster basemap is configured
    nearest_service: str | None = None
    collection_day: str | None = None
    places: str | None = None


def weekday_names() -> dict[int, str]:
    return {
        1: gettext("Monday"),
        2: gettext("Tuesday"),
        3: gettext("Wednesday"),
        4: gettext("Thursday"),
        5: gettext("Friday"),
        6: gettext("Saturday"),
        7: gettext("Sunday"),
    }


def days_label(days: list[int]) -> str:
    names = weekday_names()
    return (
        gettext("Every day except Sunday")
        if sorted(days) == [1, 2, 3, 4, 5, 6]
        else pgettext("between the items of a list", ", ").join(names[day] for day in sorted(days))
    )


def metres_label(metres: float) -> str:
    return gettext("%(km).1f km") % {"km": metres / 1000} if metres >= 1000 else gettext("%(m)d m") % {"m": metres}


def _js_json(value: Any) -> JsCode:
    """JSON for a script, as folium writes it, but without folium's camelCasing of keys."""
    return JsCode(json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e"))


def page_language() -> str:
    """Whose names a map writes: Arabic on Arabic pages, else the French (Latin) names."""
    return "ar" if get_language_bidi() else "fr"


def basemap_attribution() -> str:
    """Whose data the portal's basemap draws (GeoNames asks for its credit, OpenStreetMap's licence for its)."""
    return gettext("Names: GeoNames; streets: © OpenStreetMap contributors")


def _base_map(bounds: tuple[float, float, float, float], links: MapLinks | None) -> folium.Map:
    west, south, east, north = bounds
    m = folium.Map(
        location=None,
        tiles=None,
        max_zoom=MAX_ZOOM,
        min_zoom=5,
        control_scale=True,
        height=MAP_HEIGHT,
        prefer_canvas=False,
    )
    # Folium hands max_zoom to its tile layer only; the map needs it too (MarkerCluster refuses to run without).
    m.options["max_zoom"] = MAX_ZOOM
    if settings.BASEMAP_TILE_URL:
        folium.TileLayer(
            settings.BASEMAP_TILE_URL,
            attr=settings.BASEMAP_ATTRIBUTION or " ",
            name=gettext("Basemap"),
            max_zoom=MAX_ZOOM,
            overlay=False,
            control=True,
        ).add_to(m)
    elif links is not None and links.basemap:
        Basemap(links.basemap, language=page_language(), attribution=basemap_attribution()).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    return m


def _finish(m: folium.Map, legend: list[str]) -> folium.Map:
    sections = [section for section in legend if section]
    # Open on the one-layer maps; folded on the combined ones, where it would hide the map on a phone.
    opened = " open" if len(sections) == 1 else ""
    summary = escape(gettext("Legend"))
    Legend(f"<details{opened}><summary>{summary}</summary>{''.join(sections)}</details>").add_to(m)
    # Open beside the map on a wide screen; folded into its button on a phone, where it would cover the map.
    control = folium.LayerControl()
    # Folium types its options as JSON values; a JsCode is written into the script as it is.
    cast(dict[str, Any], control.options)["collapsed"] = JsCode(f"window.innerWidth < {PHONE_WIDTH}")
    control.add_to(m)
    use_local_assets(m)
    return m


def _boundary(m: folium.Map, frame: selectors.MunicipalityFrame) -> None:
    folium.GeoJson(
        selectors.municipality_boundary_geojson(frame.id),
        name=gettext("Municipal boundary"),
        control=False,
        style_function=lambda _: {"color": "#0b5a6b", "weight": 2, "fill": False, "dashArray": "6 4"},
        interactive=False,
    ).add_to(m)


def _legend_section(title: str, items: list[str]) -> str:
    return f"<h3>{escape(title)}</h3><ul>{''.join(items)}</ul>"


def _swatch_item(colour: str, label: str, *, line: bool = False) -> str:
    extra = " gisportal-line" if line else ""
    return f'<li><span class="gisportal-swatch{extra}" style="background:{colour}"></span>{escape(label)}</li>'


def _service_legend(kinds: list[str]) -> str:
    items = []
    for kind in kinds:
        icon, colour = SERVICE_ICONS.get(kind, SERVICE_ICONS[ServicePoint.Kind.OTHER])
        label = escape(str(ServicePoint.Kind(kind).label))
        items.append(f'<li><i class="fa fa-{icon}" style="color:{MARKER_HEX[colour]}"></i>{label}</li>')
    return _legend_section(gettext("Service points"), items)


def kind_names() -> selectors.KindNames:
    """The kinds of service as this page names them, and every language's name of each (a name saying no more)."""
    generic: dict[str, set[str]] = {kind: set() for kind in ServicePoint.Kind.values}
    for language, _ in settings.LANGUAGES:
        with translation.override(language):
            for kind, label in ServicePoint.Kind.choices:
                generic[kind].add(str(label).lower())
    return selectors.KindNames(
        labels={kind: str(label) for kind, label in ServicePoint.Kind.choices},
        generic={kind: sorted(names) for kind, names in generic.items()},
        separator=pgettext("between the items of a list", ", "),
        arabic=bool(get_language_bidi()),
    )


def add_services(m: folium.Map, municipality_id: int) -> tuple[list[str], str]:
    """One layer per type of service, each with its own icon; returns the kinds drawn and the legend section."""
    by_kind = selectors.service_points_by_kind(municipality_id, kind_names())
    for kind, collection in by_kind.items():
        icon, colour = SERVICE_ICONS.get(kind, SERVICE_ICONS[ServicePoint.Kind.OTHER])
        folium.GeoJson(
            opening_hours.in_words(collection),
            name=str(ServicePoint.Kind(kind).label),
            marker=folium.Marker(icon=folium.Icon(color=colour, icon=icon, prefix="fa")),
        ).add_child(
            FeatureDetails(
                ["hours"], [gettext("Opening hours")], open_now=(gettext("Open now"), gettext("Closed now"))
            ).titled("title")
        ).add_child(FeatureDetails([], tooltip=True).titled("title")).add_to(m)
    return list(by_kind), _service_legend(list(by_kind))


# Country-wide the points come as compact rows, clustered; each marker is made with its type's icon.
NATIONAL_SERVICE_CALLBACK = """(function () {
    var kinds = %s;
    return function (row) {
        var kind = kinds[row[2]] || kinds.other;
        var marker = L.marker(new L.LatLng(row[0], row[1]), {icon: L.AwesomeMarkers.icon(
            {icon: kind[1], markerColor: kind[2], prefix: "fa", iconColor: "white"})});
        var popup = document.createElement("div");
        var title = document.createElement("strong");
        title.textContent = row[3];
        popup.append(title);
        // A point with a name of its own says its kind too; "Pharmacy, Tozeur" already does.
        if (row[3].indexOf(kind[0]) !== 0) { popup.append(document.createElement("br"), kind[0]); }
        return marker.bindPopup(popup);
    };
})()"""


def add_national_services(m: folium.Map) -> str:
    rows = selectors.service_points_compact(kind_names())
    kinds = {
        kind: [str(label), *SERVICE_ICONS.get(kind, SERVICE_ICONS[ServicePoint.Kind.OTHER])]
        for kind, label in ServicePoint.Kind.choices
    }
    FastMarkerCluster(
        [list(row) for row in rows],
        callback=NATIONAL_SERVICE_CALLBACK % _js_json(kinds).js_code,
        name=gettext("Service points"),
    ).add_to(m)
    return _service_legend(sorted({row[2] for row in rows}))


def add_collection_routes(m: folium.Map, municipality_id: int | None) -> str:
    """Routes styled by their service days, one layer per pattern of days; returns the legend section."""
    items = []
    for index, (days, collection) in enumerate(selectors.collection_routes_by_days(municipality_id)):
        colour = DAY_PATTERN_COLOURS[index % len(DAY_PATTERN_COLOURS)]
        label = days_label(days)
        data = json.loads(collection)
        frequencies = {value: str(label) for value, label in CollectionRoute.Frequency.choices}
        for feature in data["features"]:
            props = feature["properties"]
            props["days_label"] = label
            props["window"] = f"{props['starts']}{EN_DASH}{props['ends']}"
            props["frequency_label"] = frequencies.get(props["frequency"], props["frequency"])
        folium.GeoJson(
            data,
            name=gettext("Collection: %(days)s") % {"days": label},
            style_function=lambda _, colour=colour: {"color": colour, "weight": 5, "opacity": 0.85},
            highlight_function=lambda _: {"weight": 8},
        ).add_child(
            FeatureDetails(
                ["name", "days_label", "window", "frequency_label"],
                [gettext("Route"), gettext("Collection days"), gettext("Time window"), gettext("Frequency")],
            )
        ).add_to(m)
        items.append(_swatch_item(colour, label, line=True))
    return _legend_section(gettext("Waste collection days"), items)


def complaint_labels() -> dict[str, Any]:
    return {
        "complaints": gettext("complaints"),
        "categories": {value: str(label) for value, label in Complaint.Category.choices},
        "statuses": {value: str(label) for value, label in Complaint.Status.choices},
    }


def add_complaints(m: folium.Map, links: MapLinks | None, frame: selectors.MunicipalityFrame | None) -> str:
    """Open and resolved complaints (clustered) and a heat view, read by view; returns the legend section."""
    labels = _js_json(complaint_labels())
    layers = [
        ("open", "clusters", gettext("Open complaints"), OPEN_COLOUR, True),
        ("resolved", "clusters", gettext("Resolved complaints"), RESOLVED_COLOUR, False),
        ("all", "heat", gettext("Complaints: heat view"), OPEN_COLOUR, False),
    ]
    for state, mode, name, colour, show in layers:
        if links is not None:
            source: dict[str, Any] = {"url": links.complaints}
        else:
            # Offline: a snapshot at the zoom the municipality opens at; it does not refine on zoom.
            assert frame is not None, "an offline complaints layer needs its municipality"
            source = {"data": _js_json(json.loads(selectors.complaints_in_view(frame.bounds, 13, state, frame.id)))}
        ComplaintsLayer(name=name, state=state, mode=mode, labels=labels, color=colour, show=show, **source).add_to(m)
    items = [
        _swatch_item(OPEN_COLOUR, gettext("Open")),
        _swatch_item(RESOLVED_COLOUR, gettext("Resolved")),
        "<li>" + escape(gettext("Numbers: complaints counted per area; zoom in to see them one by one.")) + "</li>",
    ]
    return _legend_section(gettext("Citizen complaints"), items)


def score_colour(score: float | None) -> str:
    if score is None:
        return NO_SCORE_COLOUR
    return next(colour for bound, colour in SCORE_CLASSES if score < bound)


def score_words() -> list[str]:
    """What each score class means, in words, lightest first."""
    return [
        gettext("a little marginalised"),
        gettext("somewhat marginalised"),
        gettext("marginalised"),
        gettext("very marginalised"),
        gettext("severely marginalised"),
    ]


def score_level(score: float | None) -> str:
    if score is None:
        return gettext("not scored: an indicator is missing")
    return score_words()[next(i for i, (bound, _) in enumerate(SCORE_CLASSES) if score < bound)]


def shortfalls() -> list[tuple[str, str]]:
    """The five shortfalls the score is the mean of: (property, what it counts in plain words)."""
    return [
        ("poverty", gettext("Live in poverty")),
        ("unemployment", gettext("Without work")),
        ("no_water", gettext("Homes without drinking water")),
        ("no_sanitation", gettext("Homes not on the sewer")),
        ("no_waste", gettext("Homes whose waste is not collected")),
    ]


def decimal(value: float) -> str:
    """A number the reader's way with at most one decimal, none when it is whole (19, 19,5 in French)."""
    value = round(float(value), 1)
    return number_format(value, decimal_pos=0 if value.is_integer() else 1)


def percent(value: float | None) -> str | None:
    return None if value is None else gettext("%(value)s %%") % {"value": decimal(value)}


def labelled(label: str, value: str) -> str:
    """ "Label: value" as the language writes it (a space before the colon in French)."""
    return pgettext("a label and its value", "%(label)s: %(value)s") % {"label": label, "value": value}


@dataclass(frozen=True)
class DistrictStanding:
    """A district's place in its municipality's ranking, in words."""

    name: str
    rank: int | None
    line: SafeString  # "<strong>Tozeur centre</strong>: a little marginalised (19 of 100)"
    shortfalls: str  # "Live in poverty: 20 %; Without work: 15 %; …"


def district_standings(collection: dict[str, Any]) -> list[DistrictStanding]:
    """The districts' properties in words (for their popups, in place) and their ranking, most marginalised first."""
    standings = []
    separator = pgettext("between the shortfalls of a district", "; ")
    for feature in collection["features"]:
        p = feature["properties"]
        p["no_water"], p["no_sanitation"], p["no_waste"] = (
            None if p[rate] is None else 100 - p[rate] for rate in ("water", "sanitation", "waste")
        )
        for key, _ in shortfalls():
            p[key + "_text"] = percent(p[key])
        p["level"] = score_level(p["score"])
        if p["score"] is not None:
            p["level"] += gettext(" (%(score)s of 100)") % {"score": decimal(p["score"])}
        p["rank_text"] = (
            gettext("%(rank)s of %(count)s, the most marginalised first") % {"rank": p["rank"], "count": p["ranked"]}
            if p["rank"] is not None
            else None
        )
        p["distance_text"] = None if p["service_distance_m"] is None else metres_label(p["service_distance_m"])
        named = [labelled(label, p[key + "_text"]) for key, label in shortfalls() if p[key] is not None]
        line = labelled(format_html('<strong dir="auto">{}</strong>', p["name"]), escape(p["level"]))
        standings.append(DistrictStanding(p["name"], p["rank"], mark_safe(line), separator.join(named)))  # noqa: S308
    return sorted(standings, key=lambda d: (d.rank is None, d.rank or 0, d.name))


def add_districts(
    m: folium.Map, municipality_id: int | None, *, show: bool = True
) -> tuple[str, list[DistrictStanding]]:
    """Choropleth of the marginalisation score, each district's shortfalls, complaints and distance to services in
    plain words; returns the legend section and the districts' ranking."""
    text = selectors.districts_geojson(municipality_id, arabic=get_language_bidi())
    collection = json.loads(text) if text else None
    if collection is None or collection["features"] is None:
        return "", []
    standings = district_standings(collection)
    folium.GeoJson(
        collection,
        name=gettext("Marginalised districts"),
        show=show,
        style_function=lambda feature: {
            "fillColor": score_colour(feature["properties"]["score"]),
            "color": "#555",
            "weight": 1,
            "fillOpacity": 0.6,
        },
        highlight_function=lambda _: {"weight": 3},
    ).add_child(
        FeatureDetails(
            [
                "level",
                "rank_text",
                *(key + "_text" for key, _ in shortfalls()),
                "population",
                "complaints_per_1000",
                "distance_text",
            ],
            [
                gettext("How marginalised"),
                gettext("In the municipality"),
                *(label for _, label in shortfalls()),
                gettext("Inhabitants"),
                gettext("Reports for every 1,000 inhabitants"),
                gettext("From its middle to the nearest service"),
            ],
        ).titled("name")
    ).add_to(m)
    lower = 0
    items = []
    for (bound, colour), words in zip(SCORE_CLASSES, score_words(), strict=True):
        label = f"{lower}{EN_DASH}{min(bound, 100)}" if bound <= 100 else f"≥ {lower}"
        items.append(_swatch_item(colour, labelled(label, words)))
        lower = bound
    if any(d.rank is None for d in standings):
        items.append(_swatch_item(NO_SCORE_COLOUR, gettext("not scored: an indicator is missing")))
    explained = escape(
        gettext(
            "The score is the mean of five shortfalls: poverty, unemployment, and homes without drinking water, "
            "sewer or waste collection. Darker is more marginalised."
        )
    )
    items.append(f'<li class="gisportal-note">{explained}</li>')
    return _legend_section(gettext("How marginalised (score 0 to 100)"), items), standings


def _lookup(
    m: folium.Map,
    links: MapLinks | None,
    *,
    kinds: list[str],
    collection: bool,
    streets: bool,
) -> None:
    """The "what is near?" panel: asks the server, or, in an exported file, measures on the drawn layers.

    `kinds`: the kinds of service she may ask for (none: the panel says nothing of services); `streets`: whether
    the search finds streets (a road network was imported), so that it promises no more than it finds.
    """
    LookupControl(
        service_url=links.nearest_service if links and kinds else None,
        collection_url=links.collection_day if links and collection else None,
        places_url=links.places if links else None,
        offline=links is None,
        kinds=[[kind, str(ServicePoint.Kind(kind).label)] for kind in kinds],
        far_route_m=FAR_ROUTE_M,
        labels={
            "m": gettext("%(m)d m"),
            "km": gettext("%(km).1f km"),
            "search": gettext("Search a street, district or place")
            if streets
            else gettext("Search a district or place"),
            "noPlace": gettext("No place of that name here."),
            "whereAmI": gettext("Where am I?"),
            "hint": gettext("Tap the map to find what is near."),
            "searching": gettext("Searching…"),
            "failed": gettext("The answer could not be loaded. Try again."),
            "noPosition": gettext("Your position is not available."),
            "lookingFor": gettext("Looking for"),
            "shown": gettext("Any service shown on the map"),
            "nothingShown": gettext("No service is shown on the map: choose the kind you are looking for."),
            "nearestService": gettext("Nearest:"),
            "noService": gettext("None of these services in the municipality."),
            "collected": gettext("Waste collected:"),
            "routeDistance": gettext("%(route)s passes %(distance)s from here."),
            "farRoute": gettext(
                "That is far: this route may not serve your street. Ask the municipality when yours is collected."
            ),
            "noRoute": gettext("No collection route near here."),
        },
    ).add_to(m)


def services_map(frame: selectors.MunicipalityFrame, links: MapLinks | None) -> folium.Map:
    m = _base_map(frame.bounds, links)
    _boundary(m, frame)
    kinds, legend = add_services(m, frame.id)
    _lookup(m, links, kinds=kinds, collection=False, streets=frame.has_streets)
    return _finish(m, [legend])


def collection_map(frame: selectors.MunicipalityFrame, links: MapLinks | None) -> folium.Map:
    m = _base_map(frame.bounds, links)
    _boundary(m, frame)
    legend = add_collection_routes(m, frame.id)
    _lookup(m, links, kinds=[], collection=True, streets=frame.has_streets)
    return _finish(m, [legend])


def route_proposal_map(
    frame: selectors.MunicipalityFrame, rounds: list[dict[str, Any]], *, today: bool = True
) -> folium.Map:
    """An optimiser's proposed rounds in colour (each a dict with `name`, `starts`, `ends` and a GeoJSON
    `geometry`), over today's routes in grey and dashed unless `today` is false (the proposal already replaced
    them). A staff map: no lookup, no basemap link."""
    m = _base_map(frame.bounds, None)
    _boundary(m, frame)
    current = folium.FeatureGroup(name=gettext("Today's routes"))
    for _days, collection in selectors.collection_routes_by_days(frame.id) if today else []:
        folium.GeoJson(
            collection, style_function=lambda _: {"color": TODAY_GREY, "weight": 3, "dashArray": "6 6"}
        ).add_to(current)
    current.add_to(m)
    proposed = folium.FeatureGroup(name=gettext("Proposal"))
    items = []
    for index, found in enumerate(rounds):
        colour = ROUND_COLOURS[index % len(ROUND_COLOURS)]
        geometry = found["geometry"]
        folium.GeoJson(
            json.loads(geometry) if isinstance(geometry, str) else geometry,
            style_function=lambda _, colour=colour: {"color": colour, "weight": 5},
            # Folium inserts the tooltip as HTML.
            tooltip=escape(f"{found['name']}: {found['starts']}{EN_DASH}{found['ends']}"),
        ).add_to(proposed)
        items.append(_swatch_item(colour, found["name"], line=True))
    proposed.add_to(m)
    legend = [
        _legend_section(gettext("Proposal"), items),
        _legend_section(gettext("Today's routes"), [_swatch_item(TODAY_GREY, gettext("Today's routes"), line=True)]),
    ]
    return _finish(m, legend)


def complaints_map(frame: selectors.MunicipalityFrame, links: MapLinks | None) -> folium.Map:
    m = _base_map(frame.bounds, links)
    _boundary(m, frame)
    legend = add_complaints(m, links, frame)
    return _finish(m, [legend])


def districts_map(frame: selectors.MunicipalityFrame, links: MapLinks | None) -> folium.Map:
    return districts_page(frame, links)[0]


def districts_page(
    frame: selectors.MunicipalityFrame, links: MapLinks | None
) -> tuple[folium.Map, list[DistrictStanding]]:
    """The marginalised districts' map and their ranking in words, for the page under it."""
    m = _base_map(frame.bounds, links)
    _boundary(m, frame)
    legend, standings = add_districts(m, frame.id)
    return _finish(m, [legend]), standings


def municipality_map(frame: selectors.MunicipalityFrame, links: MapLinks | None) -> folium.Map:
    """The municipality's home map: the four layers together."""
    m = _base_map(frame.bounds, links)
    _boundary(m, frame)
    districts, _ = add_districts(m, frame.id, show=False)
    routes = add_collection_routes(m, frame.id)
    kinds, services = add_services(m, frame.id)
    legend = [districts, routes, services, add_complaints(m, links, frame)]
    _lookup(m, links, kinds=kinds, collection=True, streets=frame.has_streets)
    return _finish(m, legend)


def national_map(links: MapLinks) -> folium.Map:
    """All municipalities (simplified boundaries), complaints by view, services clustered, pilot layers."""
    m = _base_map(selectors.national_bounds(), links)
    folium.GeoJson(
        selectors.municipalities_geojson(arabic=get_language_bidi()),
        name=gettext("Municipalities"),
        style_function=lambda _: {"color": "#0b5a6b", "weight": 1, "fillColor": "#0b5a6b", "fillOpacity": 0.05},
        highlight_function=lambda _: {"weight": 3, "fillOpacity": 0.15},
    ).add_child(
        FeatureDetails(
            ["code", "governorate", "population"], [gettext("Code"), gettext("Governorate"), gettext("Population")]
        )
        .titled("name")
        .linked(
            reverse("maps:municipality", args=["CODE"]).replace("CODE", "{code}"),
            "code",
            gettext("Open this municipality's map"),
        )
    ).add_to(m)
    legend = [
        add_districts(m, None, show=False)[0],
        add_collection_routes(m, None),
        add_national_services(m),
        add_complaints(m, links, None),
    ]
    return _finish(m, legend)


MAPS = {
    "home": municipality_map,
    "services": services_map,
    "collection": collection_map,
    "complaints": complaints_map,
    "districts": districts_map,
}


@dataclass(frozen=True)
class RenderedMap:
    header: str
    body: str
    script: str


def render_parts(m: folium.Map) -> RenderedMap:
    """The map's <head> links, its <div> and its <script>, to place inside a portal page."""
    root = m.get_root()
    assert isinstance(root, Figure)
    root.render()
    return RenderedMap(root.header.render(), root.html.render(), root.script.render())
