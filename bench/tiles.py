"""Benchmark: vector tiles of 1,000,000 complaints at z14, z12 and z8 over central Tunis.

    make bench-tiles          # or: .venv/bin/python bench/tiles.py [--points N] [--runs N]

Same scratch database as bench/api_items.py (bench/api_data.py, dropped at the end). For each zoom,
in one process on the portal's settings, medians of:
  - the bare ST_AsMVT query with every column (the naive tile: no allow-list, no aggregation),
  - the bare ST_AsMVT query the portal runs (its allow-list; grid counts below zoom 13), alone,
  - the portal's endpoint uncached (authentication, the query, the cache write, the response),
  - the portal's endpoint cached (no tile query at all).
"""

from __future__ import annotations

import argparse
import json
import subprocess

from api_data import CENTRAL_TUNIS, ROOT, scratch_database

MEASURE = r"""
import json, math, statistics, tempfile, time
from django.conf import settings
from django.db import connection
from django.test import Client
from gisportal.api import tiles
from gisportal.api.collections import COLLECTIONS

settings.TILE_CACHE_DIR = tempfile.mkdtemp(prefix="bench-tiles-")
lon, lat = (%(west)s + %(east)s) / 2, (%(south)s + %(north)s) / 2
collection = COLLECTIONS["complaints"]
client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION="Token %(token)s")
from rest_framework.authtoken.models import Token
user = Token.objects.get(key="%(token)s").user
private = {"location", "reporter_name", "reporter_contact"}
with connection.cursor() as cursor:
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'layers_complaint'")
    every_column = ", ".join(c for (c,) in cursor.fetchall() if c not in private)
NAIVE = f'''SELECT ST_AsMVT(q, 'complaints', 4096, 'geom') FROM (
    SELECT ST_AsMVTGeom(ST_Transform(location, 3857), ST_TileEnvelope(%%s, %%s, %%s), 4096, 64, true) AS geom,
           {every_column}
    FROM layers_complaint
    WHERE location && ST_Transform(ST_TileEnvelope(%%s, %%s, %%s, margin => 0.015625), 4326)) AS q'''


def timed(action, runs):
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent) * 1000, result


def query(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bytes(cursor.fetchone()[0] or b"")


report = []
for z, runs in ((14, %(runs)s), (12, %(runs)s), (8, max(3, %(runs)s // 3))):
    n = 2 ** z
    x, y = int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    naive_ms, naive = timed(lambda: query(NAIVE, (z, x, y, z, x, y)), runs)
    sql, params = tiles.tile_sql(collection, user, z, x, y)
    bare_ms, bare = timed(lambda: query(sql, params), runs)
    path = f"/tiles/complaints/{z}/{x}/{y}.pbf"

    def uncached():
        tiles.clear_cache()
        return client.get(path).content

    def uncached_timed():
        tiles.clear_cache()
        started = time.perf_counter()
        body = client.get(path).content
        return time.perf_counter() - started, body

    spent = [uncached_timed() for _ in range(runs)]
    endpoint_ms = statistics.median(s for s, _ in spent) * 1000
    body = spent[0][1]
    client.get(path)
    cached_ms, _ = timed(lambda: client.get(path).content, runs * 3)
    report.append({"z": z, "tile": f"{z}/{x}/{y}", "naive_ms": naive_ms, "naive_kb": len(naive) / 1024,
                   "bare_ms": bare_ms, "endpoint_ms": endpoint_ms, "cached_ms": cached_ms,
                   "kb": len(body) / 1024, "grid": z < collection.cluster_below})
print(json.dumps(report))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="reuse the scratch database a --keep run left")
    args = parser.parse_args()
    west, south, east, north = CENTRAL_TUNIS
    with scratch_database(args.points, keep=args.keep, reuse=args.reuse) as scratch:
        code = MEASURE % {
            "west": west,
            "south": south,
            "east": east,
            "north": north,
            "token": scratch.token,
            "runs": args.runs,
        }
        env = {**scratch.env, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "gisportal"), "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise SystemExit(done.stderr)
        report = json.loads(done.stdout.strip().splitlines()[-1])

    print(f"\nvector tiles of {args.points:,} complaints over central Tunis, median ms ({args.runs} runs; z8: fewer)")
    header = (
        f"{'tile':>12} {'naive MVT':>10} {'naive KB':>9} {'bare MVT':>9} {'endpoint':>9} {'ratio':>6} "
        f"{'cached':>7} {'KB':>7}  content"
    )
    print(header)
    for r in report:
        content = "grid counts" if r["grid"] else "points, category+status"
        print(
            f"{r['tile']:>12} {r['naive_ms']:10.1f} {r['naive_kb']:9.0f} {r['bare_ms']:9.1f} {r['endpoint_ms']:9.1f} "
            f"{r['endpoint_ms'] / r['bare_ms']:5.2f}x {r['cached_ms']:7.2f} {r['kb']:7.1f}  {content}"
        )
    print("naive MVT: every column, every point; bare MVT: the portal's own query run alone; ratio: endpoint / bare;")
    print("the difference is the token and role lookups, the cache write (a file under var/) and Django's response.")


if __name__ == "__main__":
    main()
