"""Benchmark: citizen report intake under load on loopback, and zero lost reports.

    make bench-intake        # or: .venv/bin/python bench/intake.py [--duration 10] [--connections 4,8,16,32]

A scratch database (a copy of the dev database, migrated, its complaints emptied; dropped at the end) is
served by gunicorn (4 sync workers, the portal's own settings with the rate limits raised so that one
loopback address may send thousands of reports). `wrk` POSTs reports at points spread over the pilot
municipalities (Tozeur, Béja, Sousse: `ST_GeneratePoints`, fixed seed) through
  * gisportal's Open311 endpoint `POST /open311/v2/requests.json` (API key, full validation, catalogue,
    routing by `municipality_at()`, due date, rate-limit bookkeeping, the first workflow update), and
  * gisportal's citizen form `POST /en/report/` (CSRF token, the form, the same service),
  * side by side with the ceiling: a framework-free WSGI app under the same gunicorn that does only the
    routed INSERT (`municipality_at()` in the same statement), with no validation at all.
wrk's Lua script counts every accepted answer (201/200/302) per thread; afterwards the rows are counted in
the database: lost = accepted - stored must be 0 (stored may exceed accepted by the requests wrk cut off
at the end, whose answers it never read).
Figures: reports/s and latency p50/p99 at each concurrency; the headline is the best rate with p99 < 300 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.request import Request, urlopen

import psycopg
from common import cluster_url, copy_dev_database, drop_database, free_port, with_database

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SCRATCH = "gisportal_bench_intake"
PILOTS = ("6211", "2111", "3111")
POINTS = 2000
SEED = 2016
WORKERS = 4
P99_TARGET_MS = 300.0
API_KEY = "bench-intake-key-0123456789"

SETTINGS = """
from gisportal.settings import *  # noqa: F403

# One loopback address sends every report: the abuse limits would refuse them after 20.
COMPLAINTS_REPORTS_PER_IP_PER_HOUR = 10**9
COMPLAINTS_REPORTS_PER_CONTACT_PER_HOUR = 10**9
# Persistent connections, as a production deployment runs (the portal's default opens one per request).
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
"""

CEILING_APP = '''
"""The ceiling: parse the form, one routed INSERT, answer. No validation, no Django."""
import os
import secrets
from urllib.parse import parse_qs

import psycopg

# One connection per sync worker: a worker serves one request at a time.
connection = psycopg.connect(os.environ["BENCH_DB"], autocommit=True)
INSERT = """INSERT INTO layers_complaint (tracking_code, category, description, status, reporter_name,
                reporter_contact, created_at, updated_at, location, municipality_id, answers, is_hidden,
                priority, source)
            SELECT %(code)s, %(category)s, %(description)s, 'submitted', '', '', now(), now(), p.geom,
                   municipality_at(p.geom), '{}', false, 2, 'bench-ceiling'
              FROM (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom) AS p
             WHERE municipality_at(p.geom) IS NOT NULL
         RETURNING tracking_code"""


def application(environ, start_response):
    size = int(environ.get("CONTENT_LENGTH") or 0)
    form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
    params = {"code": secrets.token_hex(5).upper(), "category": form["service_code"],
              "description": form["description"], "lon": float(form["long"]), "lat": float(form["lat"])}
    row = connection.execute(INSERT, params).fetchone()
    if row is None:
        start_response("400 Bad Request", [("Content-Type", "application/json")])
        return [b'[{"code":400,"description":"outside"}]']
    start_response("201 Created", [("Content-Type", "application/json")])
    return [('[{"service_request_id":"%s"}]' % row[0]).encode()]
'''

LUA = """
local points = {%(points)s}
-- Globals, so that done() can read each thread's counts with thread:get().
counter = 0
accepted = 0
refused = 0
local threads = {}
local body_template = "%(body)s"

function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

function init(args)
  counter = offset
end

request = function()
  counter = counter + 1
  local p = points[(counter %% #points) + 1]
  local body = string.format(body_template, p[2], p[1], counter)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "%(cookie)s",
    ["Referer"] = "%(referer)s",
  }, body)
end

response = function(status, headers, body)
  if status == 200 or status == 201 or status == 302 then
    accepted = accepted + 1
  else
    refused = refused + 1
  end
end

done = function(summary, latency, requests)
  local a, r = 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("accepted")
    r = r + thread:get("refused")
  end
  io.write(string.format("ACCEPTED %%d REFUSED %%d\\n", a, r))
  io.write(string.format("LATENCY p50 %%f p99 %%f\\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def create_scratch(url: str, env: dict[str, str]) -> str:
    """A copy of the dev database, migrated to this checkout, without complaints."""
    scratch = copy_dev_database(url, SCRATCH)
    subprocess.run([str(BIN / "gisportal"), "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)
    with psycopg.connect(scratch, autocommit=True) as connection:
        connection.execute("TRUNCATE layers_complaint, layers_historicalcomplaint CASCADE")
        connection.execute(
            "INSERT INTO complaints_apikey (name, key, is_active, created_at) VALUES ('bench', %s, true, now())",
            [API_KEY],
        )
        (pilots,) = connection.execute(
            "SELECT count(*) FROM layers_municipality WHERE code = ANY(%s)", [list(PILOTS)]
        ).fetchone()  # type: ignore[misc]
        if pilots != len(PILOTS):
            raise SystemExit("the dev database lacks the pilot municipalities: run `make demo` once")
    return scratch


def report_points(scratch: str) -> list[tuple[float, float]]:
    """Seeded points inside the pilot municipalities, in proportion to their area."""
    with psycopg.connect(scratch) as connection:
        rows = connection.execute(
            """SELECT ST_X(geom), ST_Y(geom)
                 FROM (SELECT (ST_Dump(ST_GeneratePoints(ST_Union(boundary), %s, %s))).geom
                         FROM layers_municipality WHERE code = ANY(%s)) AS p""",
            [POINTS, SEED, list(PILOTS)],
        ).fetchall()
    return [(float(x), float(y)) for x, y in rows]


def start_gunicorn(app: str, port: int, env: dict[str, str], workers: int = WORKERS) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(0.5)
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn ({app}) did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


@dataclass
class Run:
    endpoint: str
    connections: int
    rate: float
    p50_ms: float
    p99_ms: float
    accepted: int
    refused: int
    stored: int

    @property
    def lost(self) -> int:
        return max(0, self.accepted - self.stored)


def count(scratch: str, source: str) -> int:
    with psycopg.connect(scratch) as connection:
        (n,) = connection.execute("SELECT count(*) FROM layers_complaint WHERE source = %s", [source]).fetchone()  # type: ignore[misc]
    return int(n)


def csrf_pair(base: str) -> tuple[str, str]:
    """A CSRF cookie and a form token for it, as a browser would hold them."""
    with urlopen(Request(base + "/en/report/")) as response:  # noqa: S310 -- loopback
        cookie = next(v for k, v in response.getheaders() if k.lower() == "set-cookie" and v.startswith("csrftoken"))
        html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if token is None:
        raise SystemExit("no CSRF token on the report page")
    return cookie.split(";")[0], token.group(1)


def wrk(url: str, script: str, connections: int, duration: int) -> tuple[float, float, float, int, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    threads = min(2, connections)
    result = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            lua.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(lua.name)
    out = result.stdout
    accepted, refused = (int(n) for n in re.search(r"ACCEPTED (\d+) REFUSED (\d+)", out).groups())  # type: ignore[union-attr]
    p50, p99 = (float(n) for n in re.search(r"LATENCY p50 ([\d.]+) p99 ([\d.]+)", out).groups())  # type: ignore[union-attr]
    seconds = float(re.search(r"requests in ([\d.]+)(m?s)", out).group(1))  # type: ignore[union-attr]
    unit = re.search(r"requests in [\d.]+(m?s)", out).group(1)  # type: ignore[union-attr]
    seconds = seconds / 1000 if unit == "ms" else seconds
    return accepted / seconds, p50, p99, accepted, refused


def lua_script(points: list[tuple[float, float]], body: str, cookie: str = "", referer: str = "") -> str:
    table = ",".join(f"{{{lon:.6f},{lat:.6f}}}" for lon, lat in points)
    return LUA % {"points": table, "body": body, "cookie": cookie, "referer": referer}


# Lua string.format templates: %.6f lat, %.6f lon, %d a serial; %% is a literal percent (URL escapes).
OPEN311_BODY = (
    f"api_key={API_KEY}&service_code=waste&lat=%.6f&long=%.6f"
    "&description=Conteneur%%20plein%%20numero%%20%d&attribute%%5Bcontainer%%5D=full"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", default="4,8,16,32")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()
    levels = [int(c) for c in options.connections.split(",")]

    url = cluster_url()
    folder = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    (folder / "bench_intake_settings.py").write_text(SETTINGS)
    (folder / "bench_intake_ceiling.py").write_text(textwrap.dedent(CEILING_APP))
    scratch = with_database(url, SCRATCH)
    env = {
        **os.environ,
        "DATABASE_URL": scratch.replace("postgresql://", "postgis://", 1),
        "DJANGO_SETTINGS_MODULE": "bench_intake_settings",
        "PYTHONPATH": f"{folder}:{ROOT}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BENCH_DB": scratch,
    }
    print(f"scratch database {SCRATCH}: copying the dev database and migrating…", flush=True)
    create_scratch(url, env)
    points = report_points(scratch)
    print(
        f"{len(points)} report locations in {', '.join(PILOTS)}; "
        f"gunicorn {WORKERS} workers; wrk {options.duration} s per run"
    )
    runs: list[Run] = []
    try:
        port = free_port()
        server = start_gunicorn("gisportal.wsgi", port, env)
        base = f"http://127.0.0.1:{port}"
        try:
            cookie, token = csrf_pair(base)
            form_body = (
                f"csrfmiddlewaretoken={token}&lat=%.6f&lon=%.6f&category=waste"
                "&description=Conteneur%%20plein%%20numero%%20%d&q_container=full&website="
            )
            cases = [
                (
                    "gisportal Open311 POST",
                    base + "/open311/v2/requests.json",
                    lua_script(points, OPEN311_BODY),
                    "open311:bench",
                ),
                (
                    "gisportal report form POST",
                    base + "/en/report/",
                    lua_script(points, form_body, cookie, base + "/en/report/"),
                    "web",
                ),
            ]
            for label, endpoint, script, source in cases:
                # Warm every worker up (imports, translations, first connection), outside the figures.
                wrk(endpoint, script, WORKERS * 2, 3)
                time.sleep(2)  # the warm-up's last requests land before the first count
                for connections in levels:
                    before = count(scratch, source)
                    rate, p50, p99, accepted, refused = wrk(endpoint, script, connections, options.duration)
                    time.sleep(2)  # the last requests wrk cut off finish
                    stored = count(scratch, source) - before
                    runs.append(Run(label, connections, rate, p50, p99, accepted, refused, stored))
                    progress(runs[-1])
        finally:
            stop(server)
        ceiling_port = free_port()
        ceiling = start_gunicorn("bench_intake_ceiling:application", ceiling_port, env)
        try:
            for connections in levels:
                before = count(scratch, "bench-ceiling")
                rate, p50, p99, accepted, refused = wrk(
                    f"http://127.0.0.1:{ceiling_port}/", lua_script(points, OPEN311_BODY), connections, options.duration
                )
                time.sleep(1)
                stored = count(scratch, "bench-ceiling") - before
                runs.append(Run("ceiling: bare WSGI INSERT", connections, rate, p50, p99, accepted, refused, stored))
                progress(runs[-1])
        finally:
            stop(ceiling)
    finally:
        if not options.keep:
            drop_database(url, SCRATCH)
    print_table(runs)
    if any(run.lost for run in runs):
        sys.exit("reports were lost")


def progress(run: Run) -> None:
    print(
        f"  {run.endpoint} c={run.connections}: {run.rate:,.0f}/s p99 {run.p99_ms:.0f} ms, "
        f"accepted {run.accepted}, stored {run.stored}",
        flush=True,
    )


def print_table(runs: list[Run]) -> None:
    best_ceiling = max(
        (r.rate for r in runs if r.endpoint.startswith("ceiling") and r.p99_ms < P99_TARGET_MS), default=0.0
    )
    print()
    header = (
        f"{'endpoint':<28} {'conn':>5} {'reports/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'accepted':>9} {'refused':>8} {'stored':>7} {'lost':>5} {'vs ceiling':>10}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        ratio = f"{run.rate / best_ceiling:.2f}x" if best_ceiling else "-"
        print(
            f"{run.endpoint:<28} {run.connections:>5} {run.rate:>10,.0f} {run.p50_ms:>8.1f} {run.p99_ms:>8.1f} "
            f"{run.accepted:>9} {run.refused:>8} {run.stored:>7} {run.lost:>5} {ratio:>10}"
        )
    print()
    for endpoint in dict.fromkeys(r.endpoint for r in runs):
        within = [r for r in runs if r.endpoint == endpoint and r.p99_ms < P99_TARGET_MS]
        if within:
            best = max(within, key=lambda r: r.rate)
            within_target = f"p99 {best.p99_ms:.0f} ms < {P99_TARGET_MS:.0f} ms (c={best.connections})"
            print(f"{endpoint}: {best.rate:,.0f} reports/s with {within_target}")
        else:
            print(f"{endpoint}: no concurrency kept p99 under {P99_TARGET_MS:.0f} ms")
    total_lost = sum(r.lost for r in runs)
    print(f"{sum(r.accepted for r in runs)} reports accepted, {sum(r.stored for r in runs)} stored, {total_lost} lost")


if __name__ == "__main__":
    main()
