"""Benchmark: every analysis through the API against its hand-written SQL run alone, on the demo data.

    make bench-analyses       # or: .venv/bin/python bench/analyses.py [--runs N]

Read-only on the development database (the demo's 350 municipalities, districts, service points and
complaints). For each analysis, medians of: the SQL alone (the exact statement the portal sends, run
with psycopg), `GET /api/analyses/<name>/` in-process (authentication, parameters, the query, JSON),
and the same as CSV. `coverage-raster` runs on the real GPW density raster, registered for the run in a
transaction rolled back at the end (files in a temporary MEDIA_ROOT); its hand-written side is the SQL plus
exactextract called directly on the two zones.
"""

from __future__ import annotations

import argparse
import json
import subprocess

from api_data import ROOT

GPW = ROOT / "fixtures" / "real" / "tn-population-raster-gpw" / "gpw_v4_popdens_2020_15min_tunisia.tif"

MEASURE = r"""
import json, statistics, tempfile, time
from pathlib import Path
import geopandas as gpd
import psycopg
import rasterio
import shapely
from django.db import transaction
from django.test import override_settings
from exactextract import exact_extract
from etl.rasters import import_raster
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from gisportal.accounts.models import Role
from gisportal.api.analyses import ANALYSES

analyst = User.objects.filter(staff_profile__role=Role.ANALYST).first()
analyst = analyst or User.objects.filter(is_superuser=True).first()
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(analyst)
url = connection.settings_dict
# Not prepared, as Django does not prepare: the same plans on both sides.
raw = psycopg.connect(
    host=url["HOST"], port=url["PORT"], dbname=url["NAME"], user=url["USER"], autocommit=True, prepare_threshold=None
)
PARAMETERS = {"hotspots": {"distance": "2000", "min-complaints": "3"}}


def median_ms(action, runs):
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent) * 1000


def raster_by_hand(statement, raster):
    area, covered = raw.execute(statement).fetchone()[3:5]
    zones = gpd.GeoDataFrame(geometry=shapely.from_wkb([bytes(area), bytes(covered)]), crs=4326)
    with rasterio.open(raster.file.path) as dataset:
        exact_extract(dataset, zones, "sum(coverage_weight=area_spherical_km2)", output="pandas")


def measure(name, raster):
    path = f"/api/analyses/{name}/"
    query = PARAMETERS.get(name, {})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query)
    assert response.status_code == 200, response.content
    statement = max(queries.captured_queries, key=lambda q: len(q["sql"]))["sql"]
    rows = len(json.loads(response.content)["rows"])
    if name == "coverage-raster":
        sql_ms = median_ms(lambda: raster_by_hand(statement, raster), %(runs)s)
    else:
        sql_ms = median_ms(lambda: raw.execute(statement).fetchall(), %(runs)s)
    api_ms = median_ms(lambda: client.get(path, query), %(runs)s)
    csv_ms = median_ms(lambda: client.get(path, {**query, "output": "csv"}), %(runs)s)
    return {"name": name, "rows": rows, "sql": sql_ms, "api": api_ms, "csv": csv_ms}


# The GPW raster is registered for this run only: rolled back, its file in a temporary MEDIA_ROOT.
with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media), transaction.atomic():
    raster = import_raster(Path(%(gpw)r), kind="population_density", name="bench-gpw").raster
    report = [measure(name, raster) for name in ANALYSES]
    transaction.set_rollback(True)
print(json.dumps(report))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "gisportal"), "shell", "-c", MEASURE % {"runs": args.runs, "gpw": str(GPW)}],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\nanalyses on the demo data, median ms of {args.runs} runs (API in-process, analyst session)")
    print(f"{'analysis':26} {'rows':>6} {'SQL alone':>10} {'API JSON':>9} {'ratio':>6} {'API CSV':>8} {'ratio':>6}")
    for r in report:
        print(
            f"{r['name']:26} {r['rows']:6d} {r['sql']:10.1f} {r['api']:9.1f} {r['api'] / r['sql']:5.2f}x "
            f"{r['csv']:8.1f} {r['csv'] / r['sql']:5.2f}x"
        )
    print("the API adds authentication (session), parameter checks and the JSON or CSV encoding of the rows;")
    print("coverage-raster: 'SQL alone' is its SQL plus exactextract called directly (GPW 2020 density raster).")


if __name__ == "__main__":
    main()
