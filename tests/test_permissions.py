"""Every staff door in one table (issue 15): a planner of Tozeur against each of Béja's objects, anyone anonymous
against each door, and Béja's own planner reading it (so that the door is known to be real).

The doors are built from the registries, so that a new model or page is covered without editing this table: the
admin's `admin.site._registry` (changelist, change, delete, history, a version and its restore, an add into Béja),
the API's collections (REST and OGC API Features items: read, PATCH, PUT, DELETE, POST into Béja; vector tiles),
the staff complaint pages and their CSV export, the import pages, the analyses, and every staff pattern of the
participation apps' urls modules. A refused request must leave every one of Béja's rows as it was.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import URLPattern, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from etl.models import ImportJob
from gisportal.api.analyses import ANALYSES
from gisportal.api.collections import COLLECTIONS
from layers.selectors import FRAME_LAYERS, MUNICIPALITY_PATH
from tests.participants.conftest import english_outside_requests, fresh_rate_limits  # noqa: F401 (autouse here too)
from tests.permission_world import World, build_world

pytestmark = pytest.mark.django_db

DENIED = {403, 404}
ANONYMOUS = {401, 403}
# Who answers what, per kind of door: `closed` (an object of Béja: 403/404 only), `list` (a list the planner may
# open for her own town: Béja's rows must not be in it), `create` (a write into Béja: refused, nothing stored).
# `bulk`: the changelist's "delete selected" action on Béja's object (the planner's own list answers; nothing goes).
CLOSED, LIST, CREATE, BULK = "closed", "list", "create", "bulk"


@dataclass(frozen=True)
class Door:
    id: str
    method: str
    url: Callable[[World], str]
    kind: str = CLOSED
    # Reads that Béja's planner must get with a 2xx (the door is real).
    owner_reads: bool = False
    # Where the body of a write comes from: the owner's own read of the object (`from_owner`), or a fixed body.
    body: Callable[[World, Client], tuple[Any, str]] | None = None
    # Text that names a Béja object, which a list door must not show to Tozeur's planner.
    markers: Callable[[World], list[str]] = field(default=lambda world: [])
    # The administrator's tables: no planner has any business there, the owner's check is the administrator's.
    staff_table: bool = False


OWNER_PAGES: dict[tuple[Any, str], Any] = {}


def owner_read(owner: Client, url: str) -> Any:
    """The owner's page a write's body is taken from, read once for the several writes that post it back."""
    key = (owner.session.get("_auth_user_id"), url)
    if key not in OWNER_PAGES:
        OWNER_PAGES[key] = owner.get(url, HTTP_ACCEPT="application/geo+json, application/json, text/html")
    return OWNER_PAGES[key]


# ---- Admin ---------------------------------------------------------------------------------------------------


def admin_url(model: type[Model], view: str, *extra: object) -> Callable[[World], str]:
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"

    def build(world: World) -> str:
        if view in ("changelist", "add"):
            return reverse(f"{info}_{view}")
        obj = target(world, model)
        args: list[object] = [quote(obj.pk)]
        if view == "simple_history":
            args.append(obj.history.order_by("history_id").first().history_id)  # type: ignore[attr-defined]
        return reverse(f"{info}_{view}", args=args)

    return build


def target(world: World, model: type[Model]) -> Model:
    obj = world.of(model) or model._default_manager.first()
    if obj is None:
        pytest.fail(f"no {model._meta.label} to try the door on: add one to tests/permission_world.py")
    return obj


def form_values(response: Any) -> dict[str, Any]:
    """What the admin's form posts back as it stands (as test_admin_security.restore_data), inlines unchanged."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, bound in form.fields.items():
        value = form[name].value()
        if isinstance(value, FieldFile):
            continue  # an upload field posts nothing when the file is kept
        if isinstance(value, GEOSGeometry):
            value = value.transform(getattr(bound.widget, "map_srid", 4326), clone=True).geojson
        elif isinstance(value, bool):
            value = "on" if value else ""
        elif isinstance(value, (list, tuple)):
            value = [str(v) for v in value]
        elif value is None:
            value = ""
        data[name] = value
    for inline in response.context.get("inline_admin_formsets", []):
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data["_save"] = "Save"
    return data


def owners_form(url_of_read: Callable[[World], str], edit: Callable[[dict], dict] = lambda d: d):
    def body(world: World, owner: Client) -> tuple[Any, str]:
        page = owner_read(owner, url_of_read(world))
        if page.status_code != 200 or page.context is None or "adminform" not in page.context:
            return {"_save": "Save"}, "multipart"
        return edit(form_values(page)), "multipart"

    return body


def renamed(data: dict) -> dict:
    for name in ("name", "title", "description"):
        if name in data and isinstance(data[name], str):
            data[name] += " (changed by Tozeur)"
    return data


def bulk_delete(model: type[Model]) -> Callable[[World, Client], tuple[Any, str]]:
    def body(world: World, owner: Client) -> tuple[Any, str]:
        pk = str(target(world, model).pk)
        return {"action": "delete_selected", "_selected_action": [pk], "post": "yes"}, "multipart"

    return body


def admin_doors() -> Iterator[Door]:
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        scoped = model in MUNICIPALITY_PATH
        staff_table = not scoped and model not in FRAME_LAYERS
        change_url = admin_url(model, "change")

        def shows(world: World, model: type[Model] = model) -> list[str]:
            obj = world.of(model)
            info = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
            return [reverse(info, args=[quote(obj.pk)])] if obj is not None else []

        frame = model in FRAME_LAYERS  # the administrative frame is public: planners read it, never change it
        yield Door(f"admin {label} list", "GET", admin_url(model, "changelist"), LIST if scoped or frame else CLOSED,
                   owner_reads=True, markers=shows if scoped else (lambda w: []), staff_table=staff_table)  # fmt: skip
        if frame:
            yield Door(f"admin {label} change POST", "POST", change_url, body=owners_form(change_url, renamed))
            continue
        yield Door(f"admin {label} change", "GET", change_url, owner_reads=True, staff_table=staff_table)
        yield Door(
            f"admin {label} change POST",
            "POST",
            change_url,
            body=owners_form(change_url, renamed),
            staff_table=staff_table,
        )
        yield Door(f"admin {label} delete", "GET", admin_url(model, "delete"), staff_table=staff_table)
        yield Door(f"admin {label} delete POST", "POST", admin_url(model, "delete"),
                   body=lambda w, c: ({"post": "yes"}, "multipart"), staff_table=staff_table)  # fmt: skip
        yield Door(
            f"admin {label} history", "GET", admin_url(model, "history"), owner_reads=True, staff_table=staff_table
        )
        if isinstance(model_admin, SimpleHistoryAdmin):
            version = admin_url(model, "simple_history")
            yield Door(f"admin {label} version", "GET", version, owner_reads=True, staff_table=staff_table)
            yield Door(
                f"admin {label} version restore", "POST", version, body=owners_form(version), staff_table=staff_table
            )
        yield Door(f"admin {label} bulk delete", "POST", admin_url(model, "changelist"), BULK,
                   body=bulk_delete(model), staff_table=staff_table)  # fmt: skip
        if scoped and MUNICIPALITY_PATH[model] != "pk":
            yield Door(f"admin {label} add into Béja", "POST", admin_url(model, "add"), CREATE,
                       body=owners_form(change_url, renamed), staff_table=staff_table)  # fmt: skip


# ---- REST, OGC API Features, tiles ---------------------------------------------------------------------------

GEOJSON = "application/geo+json"


def api_doors() -> Iterator[Door]:
    for collection in COLLECTIONS.values():
        model, cid = collection.model, collection.id
        if model not in MUNICIPALITY_PATH:
            continue  # the frame (governorates, delegations): public reads, no writes for planners

        def rest(world: World, model: type[Model] = model, cid: str = cid) -> str:
            return f"/api/{cid}/{target(world, model).pk}/"

        def ogc(world: World, model: type[Model] = model, cid: str = cid) -> str:
            return f"/ogc/collections/{cid}/items/{target(world, model).pk}"

        def feature(read: Callable[[World], str], content_type: str = "application/json"):
            def body(world: World, owner: Client) -> tuple[Any, str]:
                found = owner_read(owner, read(world))
                data = json.loads(found.content) if found.status_code == 200 else {"type": "Feature"}
                data.pop("id", None)
                data.pop("links", None)
                return json.dumps(data), content_type

            return body

        def names(world: World, model: type[Model] = model) -> list[str]:
            return [marker(target(world, model))]

        for api, item, content_type in (("REST", rest, "application/json"), ("OGC", ogc, GEOJSON)):
            yield Door(f"{api} {cid} item", "GET", item, owner_reads=True)
            for method in ("PATCH", "PUT", "DELETE"):
                yield Door(f"{api} {cid} item {method}", method, item, body=feature(item, content_type))
            listing = (lambda w, cid=cid: f"/api/{cid}/") if api == "REST" else (
                lambda w, cid=cid: f"/ogc/collections/{cid}/items?limit=1000")  # fmt: skip
            yield Door(f"{api} {cid} list", "GET", listing, LIST, owner_reads=True, markers=names)
            yield Door(f"{api} {cid} POST into Béja", "POST", listing, CREATE, body=feature(item, content_type))
        yield Door(f"tile {cid} over Béja", "GET", fixed(f"/tiles/{cid}/{tile_over_beja()}.pbf"), LIST,
                   markers=names)  # fmt: skip


def tile_over_beja(z: int = 14) -> str:
    import math

    from tests.conftest import BEJA_CENTRE

    lon, lat = BEJA_CENTRE
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"{z}/{x}/{y}"


def marker(obj: Model) -> str:
    """A text only that Béja object's rows carry."""
    for name in ("tracking_code", "code", "name", "title"):
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            return value
    return str(obj)


# ---- Complaints staff pages, imports, analyses -----------------------------------------------------------------


def fixed(path: str) -> Callable[[World], str]:
    return lambda world: path


def complaint_action(action: str) -> Callable[[World], str]:
    return lambda w: reverse("complaints:staff_action", args=[w.beja.complaint.tracking_code, action])


def job_pk(world: World) -> int:
    assert world.import_job is not None
    return world.import_job.pk


def complaint_doors() -> Iterator[Door]:
    def detail(world: World) -> str:
        return reverse("complaints:staff_detail", args=[world.beja.complaint.tracking_code])

    def complaint_markers(world: World) -> list[str]:
        return [world.beja.complaint.tracking_code]

    yield Door("complaints staff list", "GET", lambda w: reverse("complaints:staff_list"), LIST, owner_reads=True,
               markers=complaint_markers)  # fmt: skip
    yield Door("complaints staff CSV", "GET", lambda w: reverse("complaints:staff_csv"), LIST, owner_reads=True,
               markers=complaint_markers)  # fmt: skip
    yield Door("complaints staff detail", "GET", detail, owner_reads=True)
    yield Door("complaints staff detail POST", "POST", detail,
               body=lambda w, c: ({"status": "resolved", "note": "Tozeur was here"}, "multipart"))  # fmt: skip
    for action in ("save", "status", "note", "assign", "priority", "moderate"):  # complaints.staff_views._run
        yield Door(f"complaints staff action {action}", "POST",
                   complaint_action(action),
                   body=lambda w, c: ({"status": "resolved", "note": "Tozeur was here"}, "multipart"))  # fmt: skip


def import_doors() -> Iterator[Door]:
    def job(world: World) -> str:
        return reverse("etl:job", args=[job_pk(world)])

    yield Door("import job", "GET", job, owner_reads=True)
    yield Door("import job JSON", "GET", lambda w: job(w) + "?format=json", owner_reads=True)
    yield Door("import report CSV", "GET", lambda w: reverse("etl:report", args=[job_pk(w)]), owner_reads=True)
    yield Door("import undo", "POST", lambda w: reverse("etl:undo", args=[job_pk(w)]))
    yield Door("imports page", "GET", lambda w: reverse("etl:upload"), LIST, owner_reads=True,
               markers=lambda w: [reverse("etl:job", args=[job_pk(w)])])  # fmt: skip


# The world has no population raster on disk: Béja's planner gets a 400 that says so, not her figures.
NEEDS_A_RASTER = {"coverage-raster"}
# Every municipality's budget measures are public figures (the citizens' /finances/measures.csv).
PUBLIC_ANALYSES = {"budget-measures"}


def analysis_doors() -> Iterator[Door]:
    def beja_names(world: World) -> list[str]:
        return [world.beja.municipality.name_fr, world.beja.municipality.code, world.beja.district.name]

    yield Door("analyses index", "GET", lambda w: "/api/analyses/", LIST, owner_reads=True)
    for name, analysis in ANALYSES.items():
        # Béja's planner asks for her own town by code where the analysis takes one (it may require it).
        by_town = any(p.name == "municipality" for p in analysis.parameters)
        yield Door(f"analysis {name}", "GET", fixed(f"/api/analyses/{name}/?output=csv"), LIST,
                   owner_reads=not by_town,
                   markers=(lambda w: []) if name in PUBLIC_ANALYSES else beja_names)  # fmt: skip
        if by_town:
            yield Door(f"analysis {name} of Béja", "GET", owner_reads=name not in NEEDS_A_RASTER,
                       url=fixed(f"/api/analyses/{name}/?municipality=2111"))  # fmt: skip


# ---- Participation apps' staff pages -------------------------------------------------------------------------

# Pages that only take a POST (require_POST): their GET is a 405 for everyone, so only the POST is a door.
POST_ONLY = {"routing:decide", "council:staff_question"}
GET_ONLY = {"council:staff_index"}
PARTICIPATION = ("budgeting", "petitions", "consultations", "council", "community_scorecards", "routing")


def participation_kwargs(
    world: World, app: str, names: set[str], action: str, town_code: str = ""
) -> dict[str, object]:
    from gisportal.budgeting.models import Budget
    from gisportal.community_scorecards.models import Cycle
    from gisportal.consultations.models import Consultation
    from gisportal.council.models import Meeting, Question
    from gisportal.petitions.models import Petition
    from gisportal.routing.models import OptimisationRun

    owner = {"budgeting": Budget, "petitions": Petition, "consultations": Consultation, "council": Meeting,
             "community_scorecards": Cycle}.get(app)  # fmt: skip
    values: dict[str, object] = {"code": town_code or world.beja.municipality.code}
    if owner is not None:
        values["pk"] = target(world, owner).pk
    if app == "budgeting":
        values["year"] = target(world, Budget).year  # type: ignore[attr-defined]
    if app == "council":
        values["question_pk"] = target(world, Question).pk
    if app == "routing":
        values.update(run_id=target(world, OptimisationRun).pk, action=action)
    return {name: values[name] for name in names}


def staff_patterns() -> Iterator[tuple[str, URLPattern]]:
    import importlib

    for app in PARTICIPATION:
        module = importlib.import_module(f"gisportal.{app}.urls")
        for pattern in module.urlpatterns:
            if app == "routing" or pattern.callback.__module__.endswith("staff_views"):
                yield app, pattern


def participation_doors() -> Iterator[Door]:
    for app, pattern in staff_patterns():
        names = set(pattern.pattern.converters)
        actions = ("accept", "discard", "restore") if "action" in names else ("",)
        # Béja's object under Tozeur's code too: the page must check the object's town, not only the code's.
        towns = ("", "6211") if "code" in names and len(names) > 1 else ("",)
        for action, town_code in ((a, t) for a in actions for t in towns):
            label = f"{app}:{pattern.name}" + (f" {action}" if action else "") + (" under Tozeur" if town_code else "")

            def url(world: World, app=app, name=pattern.name, names=names, action=action, town=town_code) -> str:
                return reverse(f"{app}:{name}", kwargs=participation_kwargs(world, app, names, action, town))

            needs_object = bool(names - {"code"})
            kind = CLOSED if "code" in names or needs_object else LIST
            if f"{app}:{pattern.name}" not in POST_ONLY:
                yield Door(f"{label}", "GET", url, kind, owner_reads=not town_code)
            if f"{app}:{pattern.name}" in GET_ONLY:
                continue
            yield Door(f"{label} POST", "POST", url, CLOSED if needs_object or "code" in names else CREATE,
                       body=lambda w, c: ({"action": "publish", "title": "Tozeur was here"}, "multipart"))  # fmt: skip


DOORS = [*admin_doors(), *api_doors(), *complaint_doors(), *import_doors(), *analysis_doors(), *participation_doors()]


# ---- The world and the snapshot --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the module, rolled back after it; each test runs in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def beja_rows(world: World) -> Iterator[tuple[str, QuerySet]]:
    """Every row that belongs to Béja, and the rows of the administrator's tables the world made."""
    beja = world.beja.municipality.pk
    for model, path in MUNICIPALITY_PATH.items():
        yield model._meta.label, model._default_manager.filter(**{path: beja}).order_by("pk").values()
    yield "etl.ImportJob", ImportJob.objects.filter(municipality=beja).order_by("pk").values()
    for model, obj in world.objects.items():
        if model not in MUNICIPALITY_PATH:
            columns = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
            yield f"{model._meta.label}#{obj.pk}", model._default_manager.filter(pk=obj.pk).values(*columns)


def snapshot(world: World) -> dict[str, list[dict]]:
    return {label: list(rows) for label, rows in beja_rows(world)}


def fingerprint_query(world: World) -> tuple[str, list]:
    """One query for the snapshot's digest, table by table (the snapshot itself takes one query per table)."""
    parts: list[str] = []
    params: list[Any] = []
    for _label, rows in beja_rows(world):
        sql, more = rows.query.sql_with_params()
        text = "row_to_json(x)::text"
        # The ORM's own SQL, its parameters kept apart.
        parts.append(f"(SELECT md5(coalesce(string_agg({text}, '|' ORDER BY {text}), '')) FROM ({sql}) x)")  # noqa: S608
        params.extend(more)
    return "SELECT " + ", ".join(parts), params


def fingerprint(query: tuple[str, list]) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return tuple(cursor.fetchone())


@dataclass
class Before:
    rows: dict[str, list[dict]]
    query: tuple[str, list]
    digest: tuple[str, ...]


@pytest.fixture(scope="module")
def before(world: World) -> Before:
    """Béja's rows as built: every test is rolled back, so they are the same before each."""
    query = fingerprint_query(world)
    return Before(snapshot(world), query, fingerprint(query))


def unchanged(world: World, before: Before) -> bool:
    if fingerprint(before.query) == before.digest:
        return True
    after = snapshot(world)
    changed = {k: after[k] for k in after if after[k] != before.rows.get(k)}
    pytest.fail(f"Béja's rows changed: {changed}")


def client_of(user) -> Client:  # type: ignore[no-untyped-def]
    """A browser session of `user`, her second factor (if she has one) already given."""
    client = Client()
    if user is not None:
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


def send(client: Client, door: Door, world: World, owner: Client | None) -> Any:
    """The door's request; a write carries the body its owner would send (none without an owner: anonymous)."""
    url = door.url(world)
    if door.method == "GET":
        return client.get(url)
    data, content_type = door.body(world, owner) if door.body and owner else ({}, "multipart")
    if content_type == "multipart":
        return client.generic(door.method, url, _urlencode(data), content_type="application/x-www-form-urlencoded") \
            if door.method != "POST" else client.post(url, data)  # fmt: skip
    return client.generic(door.method, url, data, content_type=content_type)


def _urlencode(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


def readable(response: Any) -> str:
    """The body as text, with JSON's \\u escapes undone, so that an Arabic or accented marker is found."""
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    text = raw.decode("utf-8", "replace")
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


def to_login(response: Any) -> bool:
    return response.status_code == 302 and re.search(r"login", response["Location"]) is not None


# ---- The table -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("door", DOORS, ids=[d.id for d in DOORS])
def test_anonymous_is_turned_away(door: Door, world: World, before: Before) -> None:
    response = send(client_of(None), door, world, owner=None)
    assert response.status_code in ANONYMOUS or to_login(response), (response.status_code, door.url(world))
    assert unchanged(world, before)


@pytest.mark.parametrize("door", DOORS, ids=[d.id for d in DOORS])
def test_planner_of_another_municipality_is_refused(door: Door, world: World, before: Before) -> None:
    owner = client_of(world.administrator if door.staff_table else world.planner_beja)
    response = send(client_of(world.planner_tozeur), door, world, owner)
    status = response.status_code
    where = f"{door.method} {door.url(world)} answered {status}"
    if door.kind == BULK:
        assert status in {200, 302} | DENIED, where  # back to her own list; the snapshot says whether it went
    elif door.id.startswith("admin") and status == 302:
        # The admin's answer to an object outside the queryset: back to the index, "doesn't exist" (as for any id).
        assert response["Location"] == reverse("admin:index"), f"{where} to {response['Location']}"
    elif door.kind == LIST:
        # 400: an analysis that needs a parameter the bare door lacks; 204: a tile with nothing to draw.
        assert status in {200, 204} | DENIED or (status == 400 and door.id.startswith("analysis")), where
        shown = readable(response) if status == 200 else ""
        leaked = [m for m in door.markers(world) if m and m in shown]
        assert not leaked, f"{where} and shows Béja's {leaked}"
    elif door.kind == CREATE:
        assert status in {400, 403, 404} or (status == 200 and b"errorlist" in response.content), where
    elif door.id.startswith("analysis"):
        assert status in {400} | DENIED, where  # "not one of your municipalities", or a parameter it needs
    else:
        assert status in DENIED, where
    assert unchanged(world, before), where


OWNER_READS = [d for d in DOORS if d.owner_reads and d.method == "GET"]


@pytest.mark.parametrize("door", OWNER_READS, ids=[d.id for d in OWNER_READS])
def test_the_owner_may_read_the_door(door: Door, world: World) -> None:
    owner = client_of(world.administrator if door.staff_table else world.planner_beja)
    response = send(owner, door, world, owner)
    assert 200 <= response.status_code < 300, (response.status_code, door.url(world), response.get("Location"))
    if door.kind == LIST and door.markers(world) and response.status_code == 200 and "analysis" not in door.id:
        shown = readable(response)
        assert any(m in shown for m in door.markers(world)), f"{door.url(world)} does not show Béja's own rows"
