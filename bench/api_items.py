"""Benchmark: the items endpoint, 1,000 complaints by bbox out of 1,000,000, side by side with its peers.

    make bench-api            # or: .venv/bin/python bench/api_items.py [--points N] [--seconds S]

One scratch database (bench/api_data.py: 1,000,000 seeded complaints, dropped at the end); every
server runs under gunicorn with 2 workers on loopback and is loaded by `wrk` in turn:
  - the portal's OGC API items endpoint and its REST list (GeoJSON built by PostGIS, keyset paging),
  - (a) pygeoapi 0.x on the same table (PostgreSQL provider; installed in its own venv under var/bench),
  - (b) a plain djangorestframework-gis view (GeoFeatureModelSerializer, InBBoxFilter, GeoJsonPagination),
  - (c) the ceiling: a framework-free WSGI function running one json_agg(ST_AsGeoJSON(...)) query.
Then the portal's request is taken apart in-process: its SQL alone against the whole request.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from api_data import CENTRAL_TUNIS, ROOT, Scratch, scratch_database
from common import free_port

BIN = ROOT / ".venv" / "bin"
PYGEOAPI_VENV = ROOT / "var" / "bench" / "pygeoapi-venv"
BBOX = ",".join(map(str, CENTRAL_TUNIS))
WORKERS = "2"

PYGEOAPI_CONFIG = """
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {{default_items: 1000, max_items: 10000}}
  map: {{url: "http://localhost/{{z}}/{{x}}/{{y}}.png", attribution: none}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench], url: "http://localhost", terms_of_service: "http://localhost"}}
  license: {{name: CC-BY 4.0, url: "http://localhost"}}
  provider: {{name: bench, url: "http://localhost"}}
  contact: {{name: bench}}
resources:
  complaints:
    type: collection
    title: Complaints
    description: Complaints
    keywords: [complaints]
    extents:
      spatial: {{bbox: [7, 30, 12, 38], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    providers:
      - type: feature
        name: PostgreSQL
        data:
          {{host: {db.hostname}, port: {db.port}, dbname: {dbname}, user: {db.username}, password: "",
           search_path: [public]}}
        id_field: id
        table: layers_complaint
        geom_field: location
        properties: [tracking_code, municipality_id, district_id, category, description, status, created_at, updated_at]
"""


@dataclass
class Measured:
    name: str
    features: int
    size: int
    rate: float = 0.0  # requests per second, best round
    latency: float = 0.0  # mean ms in that round


busy: dict[str, int] = {}  # each server's address and its gunicorn master's pid


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its children (a gunicorn master and its workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(int(child)) for child in children)


def settle(base: str, database_url: str, timeout: float = 120.0) -> None:
    """Waits until a server has finished what wrk left in flight: its workers idle and its queries done.

    A slow peer (seconds per request) is still answering when wrk stops; measured next, a server would share
    the cores with it.
    """
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as db:
        while time.monotonic() < deadline:
            before = _cpu_seconds(busy[base])
            time.sleep(0.5)
            idle = _cpu_seconds(busy[base]) - before < 0.05
            queries = db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
                "AND pid <> pg_backend_pid()"
            ).fetchone()
            if idle and queries is not None and queries[0] == 0:
                return


@contextmanager
def gunicorn(gunicorn_bin: Path, app: str, env: dict[str, str], *, chdir: Path = ROOT):
    port = free_port()
    command = [str(gunicorn_bin), app, "--workers", WORKERS, "--bind", f"127.0.0.1:{port}", "--chdir", str(chdir)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers (404, 401…): it is up
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"{app} did not start:\n{server.stderr.read() if server.stderr else ''}") from None
                time.sleep(0.1)
        busy[f"http://127.0.0.1:{port}"] = server.pid
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(url: str, headers: dict[str, str]) -> tuple[int, int]:
    """Features returned and bytes, checked once before the load."""
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as response:  # noqa: S310
        body = response.read()
    return len(json.loads(body)["features"]), len(body)


def wrk(url: str, headers: dict[str, str], seconds: int) -> tuple[float, float]:
    """Requests per second and mean latency (ms) with 2 threads and 8 connections."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "60s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    found_rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    if found_rate is None or latency is None:
        raise SystemExit(f"wrk printed no rate:\n{out}")
    rate = float(found_rate.group(1))
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[latency.group(2)]
    return rate, float(latency.group(1)) * scale


def pygeoapi_env(scratch: Scratch, folder: Path, port_hint: int) -> tuple[dict[str, str], Path] | None:
    if not (PYGEOAPI_VENV / "bin" / "pygeoapi").exists():
        print("installing pygeoapi in its own venv (var/bench/pygeoapi-venv) …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PYGEOAPI_VENV)], check=True)
        pip = [str(PYGEOAPI_VENV / "bin" / "pip"), "install", "-q"]
        done = subprocess.run(
            [*pip, "pygeoapi", "psycopg2-binary", "sqlalchemy", "geoalchemy2", "gunicorn"], check=False
        )
        if done.returncode:
            return None
    db = urlsplit(scratch.url)
    config = folder / "pygeoapi.yml"
    config.write_text(PYGEOAPI_CONFIG.format(port=port_hint, db=db, dbname=db.path.lstrip("/")))
    openapi = folder / "openapi.yml"
    env = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    subprocess.run(
        [str(PYGEOAPI_VENV / "bin" / "pygeoapi"), "openapi", "generate", str(config), "--output-file", str(openapi)],
        env=env,
        check=True,
        capture_output=True,
    )
    return env, config


def where_the_time_goes(scratch: Scratch, token: str, runs: int = 30) -> list[tuple[str, float]]:
    """The portal's items request in-process: total, SQL by query, and the rest (Python, Django, the response)."""
    code = f"""
import json, statistics, time
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION="Token {token}")
url = "/ogc/collections/complaints/items?bbox={BBOX}&limit=1000"
client.get(url)
totals, page_sql, auth_sql = [], [], []
for _ in range({runs}):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        client.get(url)
        totals.append(time.perf_counter() - started)
    times = [float(q["time"]) for q in queries.captured_queries]
    page_sql.append(max(times))
    auth_sql.append(sum(times) - max(times))
print(json.dumps([statistics.median(totals), statistics.median(page_sql), statistics.median(auth_sql)]))
"""
    env = {**scratch.env, "DJANGO_DEBUG": "1"}  # query times are recorded in debug mode only
    out = subprocess.run(
        [str(BIN / "gisportal"), "shell", "-c", code], env=env, capture_output=True, text=True, check=True
    )
    total, page, auth = json.loads(out.stdout.strip().splitlines()[-1])
    return [
        ("whole request (in-process)", total),
        ("page query (PostGIS builds the GeoJSON)", page),
        ("other queries: token, role, transaction", auth),
        ("Python: parsing, links, response", total - page - auth),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per server and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the servers; the best one counts")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="reuse the scratch database a --keep run left")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-api installs it)")

    with (
        scratch_database(args.points, keep=args.keep, reuse=args.reuse) as scratch,
        tempfile.TemporaryDirectory() as folder,
    ):
        auth = {"Authorization": f"Token {scratch.token}"}
        portal_env = {**scratch.env, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
        peers_env = {
            **portal_env,
            "DJANGO_SETTINGS_MODULE": "peer_drf_settings",
            "PYTHONPATH": str(ROOT / "bench" / "api_peers"),
        }
        query = f"bbox={BBOX}&limit=1000"
        candidates = [
            (
                "portal OGC API items",
                BIN / "gunicorn",
                "gisportal.wsgi",
                portal_env,
                ROOT,
                f"/ogc/collections/complaints/items?{query}",
                auth,
            ),
            (
                "portal REST /api/",
                BIN / "gunicorn",
                "gisportal.wsgi",
                portal_env,
                ROOT,
                f"/api/complaints/?{query}",
                auth,
            ),
            (
                "(b) plain DRF-gis view",
                BIN / "gunicorn",
                "gisportal.wsgi",
                peers_env,
                ROOT,
                f"/complaints?in_bbox={BBOX}",
                {},
            ),
            (
                "(c) framework-free WSGI + json_agg",
                BIN / "gunicorn",
                "peer_wsgi:application",
                portal_env,
                ROOT / "bench" / "api_peers",
                f"/?{query}",
                {},
            ),
        ]
        pygeoapi = pygeoapi_env(scratch, Path(folder), free_port())
        if pygeoapi:
            env, _ = pygeoapi
            candidates.insert(
                2,
                (
                    "(a) pygeoapi 0.x",
                    PYGEOAPI_VENV / "bin" / "gunicorn",
                    "pygeoapi.flask_app:APP",
                    env,
                    ROOT,
                    f"/collections/complaints/items?f=json&{query}",
                    {},
                ),
            )
        results: list[Measured] = []
        with contextlib.ExitStack() as servers:
            bases = [servers.enter_context(gunicorn(c[1], c[2], c[3], chdir=c[4])) for c in candidates]
            for (name, *_, path, headers), base in zip(candidates, bases, strict=True):
                features, size = fetch(base + path, headers)
                print(f"{name}: {features} features, {size / 1e6:.2f} MB per page", flush=True)
                results.append(Measured(name, features, size))
            # The machine is shared: the servers take turns over the rounds and each keeps its best round.
            for round_number in range(1, args.rounds + 1):
                print(f"round {round_number}/{args.rounds}: {args.seconds} s of wrk per server …", flush=True)
                for (*_, path, headers), base, result in zip(candidates, bases, results, strict=True):
                    rate, latency = wrk(base + path, headers, args.seconds)
                    settle(base, scratch.url)
                    if rate > result.rate:
                        result.rate, result.latency = rate, latency
        breakdown = where_the_time_goes(scratch, scratch.token)

    ceiling = next(r.rate for r in results if r.name.startswith("(c)"))
    print(
        f"\n1,000 features by bbox out of {args.points:,} complaints ({scratch.in_box:,} in the bbox), "
        f"gunicorn {WORKERS} workers, wrk -t2 -c8 -d{args.seconds}s on loopback, best of {args.rounds} rounds"
    )
    print(f"{'server':38} {'features':>8} {'MB/page':>8} {'req/s':>8} {'latency ms':>11} {'of ceiling':>11}")
    for r in results:
        print(
            f"{r.name:38} {r.features:8d} {r.size / 1e6:8.2f} {r.rate:8.1f} {r.latency:11.1f} {r.rate / ceiling:10.0%}"
        )
    portal = results[0].rate
    print("\nportal OGC items against each peer: " + ", ".join(f"{r.name} x{portal / r.rate:.2f}" for r in results[1:]))
    print("\nwhere the portal's request time goes (in-process, median of 30):")
    total = breakdown[0][1]
    for label, seconds in breakdown:
        print(f"  {label:42} {seconds * 1000:8.1f} ms {seconds / total:6.0%}")


if __name__ == "__main__":
    main()
