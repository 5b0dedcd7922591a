"""Benchmark: a realistic mix of requests on loopback, with one and with two gunicorn nodes.

    make bench-load          # or: .venv/bin/python bench/load_mix.py [--duration 30] [--users 8] [--workers 2]

A scratch database (a copy of the dev database, migrated, with COMPLAINTS generated complaints in the pilot
municipalities; dropped at the end), one Redis (the shared cache, rate limits and tile versions, as
docker-compose runs it), and gunicorn nodes of WORKERS sync workers each on the portal's own settings (only the
report rate limits raised: one loopback address sends every report). USERS virtual users loop without pause,
each request drawn from the mix below; with two nodes the requests alternate between them (round robin, as the
proxy does). Every answer must be the expected one: any other status, or no answer, is an error.

  citizen map page   GET /m/<code>/                      (HTML, the Folium map)
  citizen map data   GET /m/complaints.json?bbox&zoom     (complaints in view)
  basemap tile       GET /basemap/z/x/y.pbf                (public vector tile)
  citizen report     POST /open311/v2/requests.json       (validation, routing, rate limits, first update)
  staff triage       GET the planner's list, a complaint, then POST a note on it (302)
  analyst items      GET /ogc/collections/complaints/items, following `next` for 10 pages
  staff tile         GET /tiles/complaints/z/x/y.pbf       (scoped vector tile)
Figures: requests/s and p50/p99 per kind and in all, errors, for each configuration, in one table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from common import cluster_url, copy_dev_database, drop_database, free_port, with_database
from intake import start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SCRATCH = "gisportal_bench_load"
PILOTS = ("6211", "2111", "3111")
COMPLAINTS = 20_000
SEED = 2026
API_KEY = "bench-load-key-0123456789"
CSRF = "benchloadcsrfsecret0123456789abc"  # 32 characters: an unmasked CSRF secret Django accepts as token too
# Kind → weight: most traffic is citizens reading; staff and analysts are fewer but heavier.
MIX = {
    "citizen map page": 10,
    "citizen map data": 25,
    "basemap tile": 20,
    "citizen report": 10,
    "staff triage": 10,
    "analyst items": 15,
    "staff tile": 10,
}

SETTINGS = """
from gisportal.settings import *  # noqa: F403

# One loopback address sends every report: the abuse limits would refuse them after 20.
COMPLAINTS_REPORTS_PER_IP_PER_HOUR = 10**9
COMPLAINTS_REPORTS_PER_CONTACT_PER_HOUR = 10**9
"""

ACCOUNTS = """
import django
django.setup()
from django.test import Client
from gisportal.accounts.models import Role
from gisportal.accounts.services import create_staff
sessions = {}
for username, role, codes in (("bench-planner", Role.PLANNER, ["6211"]), ("bench-analyst", Role.ANALYST, [])):
    user = create_staff(username=username, password="a-long-bench-password", role=role, municipality_codes=codes)
    client = Client()
    client.force_login(user)
    sessions[username] = client.cookies["sessionid"].value
print(sessions["bench-planner"], sessions["bench-analyst"])
"""

SEED_SQL = """
INSERT INTO layers_complaint (tracking_code, category, description, status, reporter_name, reporter_contact,
                              created_at, updated_at, location, municipality_id, answers, is_hidden, priority, source)
SELECT upper(substr(md5(random()::text), 1, 10)), 'waste', 'Conteneur plein', 'submitted', '', '',
       now() - (n %% 365) * interval '1 day', now(), p.geom, municipality_at(p.geom), '{}', false, 2, 'bench-load'
  FROM (SELECT row_number() OVER () AS n, geom
          FROM (SELECT (ST_Dump(ST_GeneratePoints(ST_Union(boundary), %(n)s, %(seed)s))).geom
                  FROM layers_municipality WHERE code = ANY(%(pilots)s)) AS d) AS p
 WHERE municipality_at(p.geom) IS NOT NULL
"""


def create_scratch(url: str, env: dict[str, str]) -> tuple[str, str, str]:
    """The scratch database, seeded; the planner's and the analyst's session keys."""
    scratch = copy_dev_database(url, SCRATCH)
    subprocess.run([str(BIN / "gisportal"), "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)
    with psycopg.connect(scratch, autocommit=True) as connection:
        connection.execute("SELECT setseed(0.2026)")
        connection.execute(SEED_SQL, {"n": COMPLAINTS, "seed": SEED, "pilots": list(PILOTS)})
        connection.execute(
            "INSERT INTO complaints_apikey (name, key, is_active, created_at) VALUES ('bench', %s, true, now())",
            [API_KEY],
        )
        connection.execute("ANALYZE")
    accounts = subprocess.run(
        [str(BIN / "python"), "-c", ACCOUNTS], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    planner, analyst = accounts.stdout.split()[-2:]
    return scratch, planner, analyst


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


@dataclass
class Place:
    code: str
    lon: float
    lat: float
    tozeur_codes: list[str] = field(default_factory=list)


def places(scratch: str) -> tuple[list[Place], list[str]]:
    with psycopg.connect(scratch) as connection:
        rows = connection.execute(
            "SELECT code, ST_X(c), ST_Y(c) FROM (SELECT code, ST_PointOnSurface(boundary) AS c "
            "FROM layers_municipality WHERE code = ANY(%s)) AS m",
            [list(PILOTS)],
        ).fetchall()
        tozeur = connection.execute(
            "SELECT c.tracking_code FROM layers_complaint c JOIN layers_municipality m ON m.id = c.municipality_id "
            "WHERE m.code = '6211' AND c.source = 'bench-load' ORDER BY c.id LIMIT 500"
        ).fetchall()
    return [Place(code, float(x), float(y)) for code, x, y in rows], [code for (code,) in tozeur]


class Nodes:
    """The gunicorn nodes; `target()` gives them in turn, as a round-robin proxy would."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self._turn = 0
        self._lock = threading.Lock()

    def target(self) -> int:
        with self._lock:
            self._turn += 1
            return self.ports[self._turn % len(self.ports)]


class User(threading.Thread):
    """One virtual user: draws a kind, sends its requests, records each one's latency and outcome."""

    def __init__(self, number: int, nodes: Nodes, until: float, context: dict, record: dict) -> None:
        super().__init__(daemon=True)
        self.random = random.Random(SEED + number)  # noqa: S311 - a reproducible mix, not a secret
        self.nodes, self.until, self.context, self.record = nodes, until, context, record
        self.connections: dict[int, http.client.HTTPConnection] = {}
        self.next_page: str | None = None
        self.pages = 0

    def request(self, method: str, path: str, *, cookie: str = "", body: dict | None = None) -> tuple[int, bytes]:
        port = self.nodes.target()
        headers = {"Host": "127.0.0.1"}
        if cookie:
            headers["Cookie"] = cookie
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile: once more on a new one
            connection = self.connections.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            self.connections[port] = connection
            try:
                connection.request(method, path, body=data, headers=headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                del self.connections[port]
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def timed(self, kind: str, expected: set[int], method: str, path: str, **options) -> bytes:
        started = time.perf_counter()
        try:
            status, body = self.request(method, path, **options)
        except (http.client.HTTPException, OSError):
            status, body = 0, b""
        elapsed = time.perf_counter() - started
        self.record[kind].append((elapsed, status in expected))
        return body

    def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.until:
            getattr(self, "do_" + self.random.choices(kinds, weights)[0].replace(" ", "_"))()
        for connection in self.connections.values():
            connection.close()

    def place(self) -> Place:
        return self.random.choice(self.context["places"])

    def do_citizen_map_page(self) -> None:
        self.timed("citizen map page", {200}, "GET", f"/m/{self.place().code}/")

    def do_citizen_map_data(self) -> None:
        p, d = self.place(), self.random.uniform(0.01, 0.04)
        bbox = f"{p.lon - d:.5f},{p.lat - d:.5f},{p.lon + d:.5f},{p.lat + d:.5f}"
        self.timed("citizen map data", {200}, "GET", f"/m/complaints.json?bbox={bbox}&zoom=14")

    def tile(self, kind: str, prefix: str, cookie: str = "") -> None:
        p = self.place()
        z = self.random.choice((12, 13, 14))
        _, x, y = tile_of(p.lon + self.random.uniform(-0.02, 0.02), p.lat + self.random.uniform(-0.02, 0.02), z)
        self.timed(kind, {200, 204}, "GET", f"{prefix}/{z}/{x}/{y}.pbf", cookie=cookie)

    def do_basemap_tile(self) -> None:
        self.tile("basemap tile", "/basemap")

    def do_staff_tile(self) -> None:
        self.tile("staff tile", "/tiles/complaints", self.context["analyst"])

    def do_citizen_report(self) -> None:
        p = self.place()
        body = {
            "api_key": API_KEY,
            "service_code": "waste",
            "lat": f"{p.lat + self.random.uniform(-0.003, 0.003):.6f}",
            "long": f"{p.lon + self.random.uniform(-0.003, 0.003):.6f}",
            "description": f"Conteneur plein numero {self.random.randrange(10**6)}",
            "email": f"citizen{self.random.randrange(10**4)}@example.org",
        }
        self.timed("citizen report", {200, 201}, "POST", "/open311/v2/requests.json", body=body)

    def do_staff_triage(self) -> None:
        cookie = self.context["planner"]
        code = self.random.choice(self.context["tozeur_codes"])
        self.timed("staff triage", {200}, "GET", "/staff/complaints/", cookie=cookie)
        self.timed("staff triage", {200}, "GET", f"/staff/complaints/{code}/", cookie=cookie)
        note = {"csrfmiddlewaretoken": CSRF, "priority": "2", "description": "Conteneur plein", "note": "Vu"}
        self.timed("staff triage", {302}, "POST", f"/staff/complaints/{code}/save", cookie=cookie, body=note)

    def do_analyst_items(self) -> None:
        if self.next_page is None or self.pages >= 10:
            p = self.place()
            bbox = f"{p.lon - 0.05:.4f},{p.lat - 0.05:.4f},{p.lon + 0.05:.4f},{p.lat + 0.05:.4f}"
            self.next_page, self.pages = f"/ogc/collections/complaints/items?limit=100&bbox={bbox}", 0
        body = self.timed("analyst items", {200}, "GET", self.next_page, cookie=self.context["analyst"])
        self.pages += 1
        try:
            links = json.loads(body).get("links", [])
        except ValueError:
            links = []
        following = next((link["href"] for link in links if link.get("rel") == "next"), None)
        self.next_page = urlsplit(following)._replace(scheme="", netloc="").geturl() if following else None


def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server is not installed (scripts/install-system-packages.sh --with-dev-tools)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


@dataclass
class Figures:
    kind: str
    requests: int
    errors: int
    rate: float
    p50_ms: float
    p99_ms: float


def run_mix(ports: list[int], users: int, seconds: float, context: dict) -> list[Figures]:
    record: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    nodes = Nodes(ports)
    until = time.monotonic() + seconds
    started = time.monotonic()
    crowd = [User(n, nodes, until, context, record) for n in range(users)]
    for user in crowd:
        user.start()
    for user in crowd:
        user.join()
    elapsed = time.monotonic() - started
    figures = [summarise(kind, record[kind], elapsed) for kind in MIX if record[kind]]
    everything = [sample for kind in MIX for sample in record[kind]]
    return [*figures, summarise("all", everything, elapsed)]


def summarise(kind: str, samples: list[tuple[float, bool]], elapsed: float) -> Figures:
    latencies = sorted(seconds for seconds, _ok in samples)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    errors = sum(1 for _seconds, ok in samples if not ok)
    return Figures(kind, len(samples), errors, len(samples) / elapsed, statistics.median(latencies) * 1000, p99 * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--duration", type=float, default=30, help="seconds per configuration")
    parser.add_argument("--users", type=int, default=8, help="virtual users, each looping without pause")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per node")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()

    url = cluster_url()
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    (folder / "bench_load_settings.py").write_text(SETTINGS)
    redis, redis_url = start_redis()
    scratch = with_database(url, SCRATCH)
    env = {
        **os.environ,
        "DATABASE_URL": scratch.replace("postgresql://", "postgis://", 1),
        "DJANGO_SETTINGS_MODULE": "bench_load_settings",
        "PYTHONPATH": f"{folder}:{ROOT}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_DEBUG": "false",
        "REDIS_URL": redis_url,
        "GISPORTAL_CONN_MAX_AGE": "600",
        "GISPORTAL_VAR_DIR": str(folder / "var"),  # its own tile cache and media, not the checkout's
    }
    results: list[tuple[str, list[Figures]]] = []
    try:
        print(f"scratch database {SCRATCH}: copying the dev database, migrating, {COMPLAINTS:,} complaints…")
        _, planner, analyst = create_scratch(url, env)
        found, tozeur_codes = places(scratch)
        context = {
            "places": found,
            "tozeur_codes": tozeur_codes,
            "planner": f"sessionid={planner}; csrftoken={CSRF}",
            "analyst": f"sessionid={analyst}",
        }
        for count in (1, 2):
            ports = [free_port() for _ in range(count)]
            servers = [start_gunicorn("gisportal.wsgi", port, env, options.workers) for port in ports]
            try:
                run_mix(ports, options.users, 5, context)  # warm-up: imports, connections, caches; not counted
                label = f"{count} node{'s' if count > 1 else ''} x {options.workers} workers"
                print(f"{label}: {options.users} users for {options.duration:.0f} s…", flush=True)
                results.append((label, run_mix(ports, options.users, options.duration, context)))
            finally:
                for server in servers:
                    server.terminate()
                for server in servers:
                    server.wait(timeout=30)
    finally:
        redis.terminate()
        redis.wait(timeout=15)
        if not options.keep:
            drop_database(url, SCRATCH)
        shutil.rmtree(folder, ignore_errors=True)
    print_table(results)
    with open("/proc/loadavg") as load:
        print(f"load average after the run: {load.read().strip()}")
    if any(f.errors for _label, figures in results for f in figures):
        sys.exit("errors in the mix")


def print_table(results: list[tuple[str, list[Figures]]]) -> None:
    header = (
        f"{'configuration':<22} {'kind':<18} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    for label, figures in results:
        for f in figures:
            latency = f"{f.p50_ms:>8.1f} {f.p99_ms:>8.1f}"
            print(f"{label:<20} {f.kind:<18} {f.requests:>8} {f.rate:>7.1f} {latency} {f.errors:>6}")
    if len(results) == 2:
        one, two = (next(f for f in figures if f.kind == "all") for _label, figures in results)
        print(f"\ntwo nodes / one node: {two.rate / one.rate:.2f}x the requests/s")


if __name__ == "__main__":
    main()
