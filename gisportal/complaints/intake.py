"""A citizen's report in two statements: one places and checks it, one stores every row of it.

The placing statement answers, for a point and a category, what `layers.services.place_complaint` and the
catalogue's selectors answer in five queries (the municipality by `municipality_at()`, the district, the nearest
asset, the category with its questions, whether the municipality has a catalogue), the ban list's check and, for
Open311, the client's API key.
The storing statement writes the report, its first history version, its first update, the reporter's key and
its photos' rows: one statement, so all or nothing without a transaction of its own.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, router
from django.utils import timezone
from simple_history.models import HistoricalRecords

from gisportal.api import tiles
from gisportal.complaints.abuse import normalise_contact
from gisportal.complaints.models import (
    Ban,
    ComplaintPhoto,
    ComplaintUpdate,
    ReporterKey,
    ServiceCategory,
    ServiceQuestion,
)
from layers.models import Complaint, District, Municipality
from layers.selectors import ASSET_RADIUS_M, ASSETS_BY_CATEGORY

# The rules of layers.selectors.district_at / nearest_asset and complaints.selectors.service_category / catalogue,
# each as a subquery of one statement (tests/complaints/test_intake.py compares them with the selectors).
PLACE = f"""
WITH m AS (
    SELECT municipality_at(p.geom) AS id, p.geom
      FROM (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom) AS p
)
SELECT m.id,
       (SELECT d.id FROM layers_district d
         WHERE d.municipality_id = m.id AND ST_Intersects(d.boundary, m.geom)
         ORDER BY d.id LIMIT 1),
       (SELECT s.id FROM layers_servicepoint s
         WHERE s.kind = ANY(%(kinds)s) AND s.municipality_id = m.id
           AND s.location && metres_envelope(m.geom, %(radius)s)
           AND ST_DWithin(s.location::geography, m.geom::geography, %(radius)s)
         ORDER BY ST_DistanceSphere(s.location, m.geom), s.id LIMIT 1),
       (SELECT to_jsonb(c) || jsonb_build_object('questions', COALESCE(
                   (SELECT jsonb_agg(to_jsonb(q) ORDER BY q."order", q.id)
                      FROM complaints_servicequestion q WHERE q.category_id = c.id), '[]'::jsonb))
          FROM complaints_servicecategory c
         WHERE c.code = %(code)s AND c.is_active
           AND (c.municipality_id = m.id
                OR (c.municipality_id IS NULL
                    AND NOT EXISTS (SELECT 1 FROM complaints_servicecategory o WHERE o.municipality_id = m.id)))
         ORDER BY c.id LIMIT 1),
       EXISTS (SELECT 1 FROM complaints_servicecategory c
                WHERE c.is_active AND (c.municipality_id = m.id OR c.municipality_id IS NULL)),
       EXISTS (SELECT 1 FROM complaints_ban b
                WHERE (b.kind = '{Ban.Kind.IP}' AND b.value = %(ip)s)
                   OR (b.kind = '{Ban.Kind.CONTACT}' AND b.value = %(contact)s)),
       (SELECT k.name FROM complaints_apikey k WHERE k.key = %(api_key)s AND k.is_active)
  FROM m
"""  # noqa: S608 (constants only; every value is a parameter)


@dataclass
class Placement:
    """Where a report lands and what applies to it there; the objects are read only if a page needs them."""

    municipality_id: int | None
    district_id: int | None
    service_point_id: int | None
    category: ServiceCategory | None
    has_catalogue: bool
    banned: bool
    api_client: str | None = None  # the name of the Open311 client whose key was given, if it is valid
    _objects: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def municipality(self) -> Municipality | None:
        if "municipality" not in self._objects:
            found = Municipality.objects.filter(pk=self.municipality_id).first() if self.municipality_id else None
            self._objects["municipality"] = found
        return self._objects["municipality"]

    @property
    def district(self) -> District | None:
        if "district" not in self._objects:
            found = District.objects.filter(pk=self.district_id).first() if self.district_id else None
            self._objects["district"] = found
        return self._objects["district"]


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _column(field: models.Field) -> str:
    return str(field.column)


def _from_row(model: type[models.Model], row: dict[str, Any]) -> Any:
    fields = model._meta.concrete_fields
    return model.from_db("default", [f.attname for f in fields], [row[_column(f)] for f in fields])


def _category(row: Any) -> ServiceCategory | None:
    """The category with its questions in the prefetch cache, as `selectors.service_category` returns it."""
    if row is None:
        return None
    data = _decoded(row)
    category: ServiceCategory = _from_row(ServiceCategory, data)
    questions = category.questions.all()
    questions._result_cache = [_from_row(ServiceQuestion, q) for q in data["questions"]]  # type: ignore[attr-defined]
    questions._prefetch_done = True  # type: ignore[attr-defined]
    category._prefetched_objects_cache = {"questions": questions}  # type: ignore[attr-defined]
    return category


def place(*, lon: float, lat: float, category: str, ip: str, contact: str, api_key: str = "") -> Placement:
    """Route a point (on Earth) and look up what applies to a report of `category` there, and the Open311 client
    of `api_key`, in one statement."""
    code = category if category in Complaint.Category.values else None
    contact = normalise_contact(contact) if contact and "\x00" not in contact else ""
    params: dict[str, Any] = {
        "lon": lon,
        "lat": lat,
        "kinds": list(ASSETS_BY_CATEGORY.get(category, ())),
        "radius": ASSET_RADIUS_M,
        "code": code,
        "ip": ip or None,  # nothing banned matches an empty address or contact
        "contact": contact or None,
        "api_key": api_key if api_key and "\x00" not in api_key else None,
    }
    with connections[router.db_for_write(Complaint)].cursor() as cursor:
        cursor.execute(PLACE, params)
        municipality_id, district_id, service_point_id, found, has_catalogue, banned, client = cursor.fetchone()
    category_found = _category(found)
    return Placement(municipality_id, district_id, service_point_id, category_found, has_catalogue, banned, client)


def _columns(model: type[models.Model], values: dict[str, str]) -> tuple[str, str]:
    """The column list and the matching SQL expressions of an INSERT: every column must be given one."""
    columns = [_column(f) for f in model._meta.concrete_fields if not f.primary_key or _column(f) in values]
    missing = set(columns) - set(values)
    if missing:
        raise LookupError(f"{model._meta.db_table}: no value for {sorted(missing)}")
    return ", ".join(f'"{c}"' for c in columns), ", ".join(values[c] for c in columns)


# The history columns simple-history adds to a copy of the complaint's own.
HISTORY_OWN = {
    "history_date": "%(now)s",
    "history_change_reason": "NULL",
    "history_type": "'+'",
    "history_user_id": "%(history_user)s",
}


@functools.cache
def _store_statement() -> tuple[str, tuple[models.Field, ...]]:
    """The storing statement (built once from the models, so a new column cannot be forgotten) and the complaint's
    fields it takes as parameters."""
    complaint_fields = tuple(f for f in Complaint._meta.concrete_fields if not f.primary_key)
    complaint_columns, complaint_values = _columns(
        Complaint, {_column(f): f"%(c_{f.attname})s" for f in complaint_fields}
    )
    historical = Complaint.history.model
    history = {
        _column(f): HISTORY_OWN.get(_column(f), f'complaint."{_column(f)}"')
        for f in historical._meta.concrete_fields
        if f.column != "history_id"
    }
    history_columns, history_values = _columns(historical, history)
    update_columns, update_values = _columns(
        ComplaintUpdate,
        {
            "complaint_id": "complaint.id",
            "status_from": "''",
            "status": "complaint.status",
            "note": "''",
            "is_public": "true",
            "author_id": "NULL",
            "by_reporter": "true",
            "created_at": "%(now)s",
        },
    )
    key_columns, key_values = _columns(ReporterKey, {"complaint_id": "complaint.id", "key": "%(key)s"})
    photo_columns, photo_values = _columns(
        ComplaintPhoto,
        {
            "complaint_id": "complaint.id",
            "image": "photo.image",
            "width": "photo.width",
            "height": "photo.height",
            "created_at": "%(now)s",
        },
    )
    statement = f"""
WITH complaint AS (
    INSERT INTO "{Complaint._meta.db_table}" ({complaint_columns}) VALUES ({complaint_values}) RETURNING *
), history AS (
    INSERT INTO "{historical._meta.db_table}" ({history_columns}) SELECT {history_values} FROM complaint
), first_update AS (
    INSERT INTO "{ComplaintUpdate._meta.db_table}" ({update_columns}) SELECT {update_values} FROM complaint
), reporter_key AS (
    INSERT INTO "{ReporterKey._meta.db_table}" ({key_columns}) SELECT {key_values} FROM complaint
), photos AS (
    INSERT INTO "{ComplaintPhoto._meta.db_table}" ({photo_columns})
    SELECT {photo_values}
      FROM complaint, unnest(%(images)s::text[], %(widths)s::int[], %(heights)s::int[]) AS photo(image, width, height)
)
SELECT id FROM complaint
"""  # noqa: S608 (names from the models; every value is a parameter)
    return statement, complaint_fields


def _history_user_id() -> int | None:
    """Who simple-history would record: the signed-in user of the request being served, else nobody."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def store(complaint: Complaint, photos: list[tuple[str, int, int]]) -> ReporterKey:
    """Insert the report and everything that comes with it; sets the complaint's id. Returns the reporter's key."""
    statement, fields = _store_statement()
    alias = router.db_for_write(Complaint)
    connection = connections[alias]
    now = timezone.now()
    complaint.created_at = complaint.updated_at = now
    key = ReporterKey(complaint=complaint)
    params: dict[str, Any] = {
        f"c_{field.attname}": field.get_db_prep_save(getattr(complaint, field.attname), connection) for field in fields
    }
    params |= {
        "now": now,
        "history_user": _history_user_id(),
        "key": key.key,
        "images": [name for name, _, _ in photos],
        "widths": [width for _, width, _ in photos],
        "heights": [height for _, _, height in photos],
    }
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        (complaint.pk,) = cursor.fetchone()
    complaint._state.adding, complaint._state.db = False, alias
    key.complaint = complaint
    key._state.adding, key._state.db = False, alias
    complaint.reporter_key = key
    _complaints_changed()
    return key


# Cached tiles of the complaint layer: dropped at most once a second per process, so that a burst of reports
# costs one write of the tile cache's version, not one per report; a report is on the map within a second.
TILES_EVERY_S = 1.0
_tiles_lock = threading.Lock()
_tiles_state: dict[str, Any] = {"last": -TILES_EVERY_S, "pending": None}
_clock = time.monotonic  # a name of its own, for tests to stop the clock


def _drop_complaint_tiles() -> None:
    tiles.model_changed(Complaint)


def _complaints_changed() -> None:
    with _tiles_lock:
        wait = _tiles_state["last"] + TILES_EVERY_S - _clock()
        if wait > 0:
            if _tiles_state["pending"] is None:
                timer = threading.Timer(wait, _pending_drop)
                timer.daemon = True
                _tiles_state["pending"] = timer
                timer.start()
            return
        _tiles_state["last"] = _clock()
    _drop_complaint_tiles()


def _pending_drop() -> None:
    with _tiles_lock:
        _tiles_state["pending"] = None
        _tiles_state["last"] = _clock()
    _drop_complaint_tiles()
