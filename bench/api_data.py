"""A scratch database with 1,000,000 seeded complaints, shared by bench/api_items.py and bench/tiles.py.

Created, migrated and seeded in the running cluster, dropped at the end (unless --keep).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from common import cluster_url, with_database

ROOT = Path(__file__).resolve().parent.parent
GISPORTAL = ROOT / ".venv" / "bin" / "gisportal"
SCRATCH = "gisportal_bench_api"
SEED = 0.2016
# Central Tunis: about an eighth of the seeded complaints fall in this box.
CENTRAL_TUNIS = (10.12, 36.76, 10.22, 36.84)

SETUP = """
from django.contrib.gis.geos import MultiPolygon, Polygon
from rest_framework.authtoken.models import Token
from gisportal.accounts.models import Role
from gisportal.accounts.services import create_staff
from layers.models import Governorate, Municipality
box = MultiPolygon(Polygon.from_bbox((7.0, 30.0, 12.0, 38.0)), srid=4326)
governorate = Governorate.objects.create(code="99", name_fr="Banc d'essai", name_ar="اختبار", boundary=box)
municipality = Municipality.objects.create(
    code="9999", name_fr="Banc d'essai", name_ar="اختبار", governorate=governorate, population=1_000_000, boundary=box
)
analyst = create_staff(username="bench", password="a-long-bench-password", role=Role.ANALYST, municipality_codes=())
print(municipality.pk, Token.objects.create(user=analyst).key)
"""

# 45 % of the complaints in a Gaussian around central Tunis, the rest spread over the country.
SEED_COMPLAINTS = """
INSERT INTO layers_complaint (tracking_code, municipality_id, category, description, status,
                              reporter_name, reporter_contact, created_at, updated_at, location)
SELECT lpad(to_hex(r.i), 10, '0'), %(municipality)s,
       (ARRAY['waste','illegal_dumping','roads','lighting','water','green_spaces','noise','building','other'])
           [1 + floor(r.u5 * 9)::int],
       'Signalement généré',
       (ARRAY['submitted','acknowledged','in_progress','resolved'])[1 + floor(r.u6 * 4)::int],
       'Citoyen', '+216 20 000 000', r.at, r.at,
       ST_SetSRID(ST_MakePoint(
           CASE WHEN r.pick < 0.45 THEN 10.17 + 0.06 * sqrt(-2 * ln(greatest(r.u1, 1e-12))) * cos(2 * pi() * r.u2)
                ELSE 7.6 + 3.8 * r.u3 END,
           CASE WHEN r.pick < 0.45 THEN 36.80 + 0.06 * sqrt(-2 * ln(greatest(r.u1, 1e-12))) * sin(2 * pi() * r.u2)
                ELSE 30.5 + 6.7 * r.u4 END), 4326)
FROM (SELECT i, random() AS u1, random() AS u2, random() AS u3, random() AS u4, random() AS u5, random() AS u6,
             random() AS pick, timestamptz '2026-01-01' + random() * interval '300 days' AS at
      FROM generate_series(1, %(count)s) AS i) AS r
"""


@dataclass(frozen=True)
class Scratch:
    url: str  # postgresql://… of the scratch database
    env: dict[str, str]  # environment for the portal's processes (DATABASE_URL set)
    token: str  # an analyst's API token
    in_box: int  # complaints in CENTRAL_TUNIS


def _one(db: psycopg.Connection, sql: str, params: tuple | list | None = None) -> Any:
    row = db.execute(sql, params).fetchone()
    if row is None:
        raise psycopg.DataError(f"no row: {sql}")
    return row[0]


IN_BOX = "SELECT count(*) FROM layers_complaint WHERE location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"


def _kept(url: str, count: int) -> tuple[str, int] | None:
    try:
        with psycopg.connect(url) as db:
            if _one(db, "SELECT count(*) FROM layers_complaint") != count:
                return None
            token = _one(db, "SELECT key FROM authtoken_token LIMIT 1")
            in_box = _one(db, IN_BOX, CENTRAL_TUNIS)
    except psycopg.Error:
        return None
    return token, in_box


@contextlib.contextmanager
def scratch_database(count: int, *, keep: bool = False, reuse: bool = False) -> Iterator[Scratch]:
    """The seeded database; with `reuse`, the one a previous run kept (--keep), if it holds `count` complaints."""
    admin_url = cluster_url()
    url = with_database(admin_url, SCRATCH)
    env = {**os.environ, "DATABASE_URL": url.replace("postgresql://", "postgis://", 1), "GISPORTAL_LOG_LEVEL": "ERROR"}
    if reuse and (kept := _kept(url, count)):
        print(f"reusing the kept scratch database {SCRATCH} (migrating it to the current models)", flush=True)
        subprocess.run([str(GISPORTAL), "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        yield Scratch(url, env, *kept)
        return
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {SCRATCH}")
    try:
        started = time.perf_counter()
        print(f"scratch database {SCRATCH}: migrating …", flush=True)
        subprocess.run([str(GISPORTAL), "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        made = (
            subprocess.run(
                [str(GISPORTAL), "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
            .split()
        )  # the shell prints a banner first
        municipality, token = int(made[0]), made[1]
        print(f"seeding {count:,} complaints …", flush=True)
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("SELECT setseed(%s)", [SEED])
            db.execute(SEED_COMPLAINTS, {"municipality": municipality, "count": count})
            db.execute("VACUUM ANALYZE layers_complaint")
            in_box = _one(db, IN_BOX, CENTRAL_TUNIS)
        print(f"ready in {time.perf_counter() - started:.0f} s: {in_box:,} complaints in central Tunis", flush=True)
        yield Scratch(url, env, token, in_box)
    finally:
        if not keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
