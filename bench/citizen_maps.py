"""Benchmark: citizen maps at 1k, 100k and 1M complaints, gisportal's maps against a plain Folium map.

    make bench-maps          # or: .venv/bin/python bench/citizen_maps.py [--sizes 1000,100000,1000000]

A scratch database (a copy of the dev database's layers, created here and dropped at the end) is topped
up with seeded complaints spread over the 350 real municipalities in proportion to their population
(`ST_GeneratePoints`, fixed seed). For each size, headless Chromium (Debian's) opens, each time with an
empty cache:
  * gisportal's national page `/m/` and the municipality page of Sousse `/m/3111/` (the densest pilot),
    served by gunicorn (2 workers) on the scratch database: the complaints come by view, aggregated;
  * a plain Folium map of the same complaints, embedded whole: `FastMarkerCluster` (every point), and
    `GeoJson` (every point a marker) capped at GEOJSON_CAP points, beyond which it is absurd (the
    foundation measured 25 MB and 40 s at 100k). Both use the same local Leaflet files as the portal.
Measured: bytes of HTML + data (decoded: the page and its JSON, without JS/CSS/fonts, no basemap tiles),
bytes transferred on a first visit (everything, as served), time to the load event, and time until the
complaints are on the map (gisportal draws them after its one JSON request; Folium's are in the page).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.request import urlopen

import psycopg
from common import cluster_url, copy_dev_database, drop_database, free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SCRATCH = "gisportal_bench_maps"
SEED = 0.2016
SIZES = (1_000, 100_000, 1_000_000)
GEOJSON_CAP = 10_000
RUNS = 3
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TARGET_BYTES, TARGET_SECONDS = 500_000, 1.5


def create_scratch(url: str) -> str:
    """A copy of the dev database without its complaints."""
    scratch = copy_dev_database(url, SCRATCH)
    with psycopg.connect(scratch, autocommit=True) as connection:
        connection.execute("TRUNCATE layers_complaint CASCADE")
    return scratch


def top_up_complaints(scratch: str, total: int) -> int:
    """Seeded complaints up to about `total`, over every municipality in proportion to its population."""
    with psycopg.connect(scratch, autocommit=True) as connection:
        (have,) = connection.execute("SELECT count(*) FROM layers_complaint").fetchone()  # type: ignore[misc]
        wanted = total - have
        if wanted > 0:
            connection.execute("SELECT setseed(%s)", [SEED])
            connection.execute(
                """WITH shares AS (
                       SELECT id, boundary, greatest(1, round(%(wanted)s * coalesce(population, 1000)::numeric
                                             / sum(coalesce(population, 1000)) OVER ()))::int AS n
                         FROM layers_municipality),
                   points AS (
                       SELECT s.id AS municipality_id, (ST_Dump(ST_GeneratePoints(s.boundary, s.n, %(seed)s))).geom
                         FROM shares s)
                   INSERT INTO layers_complaint (tracking_code, category, description, status, reporter_name,
                               reporter_contact, created_at, updated_at, location, municipality_id, answers,
                               is_hidden, priority, source)
                   SELECT 'B' || lpad((%(have)s + row_number() OVER ())::text, 11, '0'),
                          (ARRAY['waste','illegal_dumping','roads','lighting','water','green_spaces','noise',
                                 'building','other'])[1 + floor(random() * 9)::int],
                          '', (ARRAY['submitted','acknowledged','in_progress','resolved','resolved',
                                     'closed_without_fix','reopened','rejected'])[1 + floor(random() * 8)::int],
                          '', '', now() - random() * interval '700 days', now(), geom, municipality_id,
                          '{}', false, 2, 'bench'
                     FROM points""",
                {"wanted": wanted, "have": have, "seed": int(total)},
            )
            connection.execute("ANALYZE layers_complaint")
        (count,) = connection.execute("SELECT count(*) FROM layers_complaint").fetchone()  # type: ignore[misc]
    return int(count)


@dataclass
class Load:
    data_bytes: int  # HTML + JSON, decoded
    transferred: int  # every byte of the first visit, as served
    load_s: float  # navigation start to the load event
    complaints_s: float  # navigation start to complaints on the map


def measure(browser, url: str, *, drawn_flag: bool) -> Load:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(300_000)
    page.goto(url, wait_until="load")
    if drawn_flag:
        page.wait_for_function("() => window.gisportalComplaintsDrawnAt")
    page.wait_for_load_state("networkidle")
    figures = page.evaluate(
        """(drawnFlag) => {
            const nav = performance.getEntriesByType('navigation')[0];
            const resources = performance.getEntriesByType('resource');
            const data = resources.filter(r => r.initiatorType === 'fetch' || r.initiatorType === 'xmlhttprequest');
            return {
                data: nav.decodedBodySize + data.reduce((s, r) => s + r.decodedBodySize, 0),
                transferred: nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0),
                load: nav.loadEventStart,
                drawn: drawnFlag ? window.gisportalComplaintsDrawnAt : nav.loadEventStart,
            };
        }""",
        drawn_flag,
    )
    context.close()
    return Load(figures["data"], figures["transferred"], figures["load"] / 1000, figures["drawn"] / 1000)


def median_load(browser, url: str, *, drawn_flag: bool, runs: int) -> Load:  # type: ignore[no-untyped-def]
    loads = [measure(browser, url, drawn_flag=drawn_flag) for _ in range(runs)]
    return Load(
        int(statistics.median(load.data_bytes for load in loads)),
        int(statistics.median(load.transferred for load in loads)),
        statistics.median(load.load_s for load in loads),
        statistics.median(load.complaints_s for load in loads),
    )


def plain_folium_pages(scratch: str, folder: Path, limit_geojson: int) -> dict[str, Path]:
    """The peer: Folium embedding every complaint (FastMarkerCluster), and GeoJson markers up to a cap."""
    os.environ["DATABASE_URL"] = scratch.replace("postgresql://", "postgis://", 1)
    import folium
    from folium.plugins import FastMarkerCluster

    from maps.assets import use_local_assets

    with psycopg.connect(scratch) as connection:
        rows = connection.execute(
            "SELECT round(ST_Y(location)::numeric, 5)::float, round(ST_X(location)::numeric, 5)::float "
            "FROM layers_complaint WHERE status <> ALL('{duplicate,rejected}') ORDER BY id"
        ).fetchall()
    pages = {}
    fast = folium.Map(location=[34.5, 9.5], zoom_start=6, tiles=None, max_zoom=18)
    fast.options["max_zoom"] = 18
    FastMarkerCluster([list(row) for row in rows]).add_to(fast)
    use_local_assets(fast)
    pages["fast"] = folder / "fast.html"
    fast.save(str(pages["fast"]))
    if len(rows) <= limit_geojson:
        plain = folium.Map(location=[34.5, 9.5], zoom_start=6, tiles=None, max_zoom=18)
        collection = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": {}}
                for lat, lon in rows
            ],
        }
        folium.GeoJson(collection).add_to(plain)
        use_local_assets(plain)
        pages["geojson"] = folder / "geojson.html"
        plain.save(str(pages["geojson"]))
    return pages


def serve_folder(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """The Folium files, with /static/ mapped onto the portal's static folder (same local Leaflet)."""
    static = folder / "static"
    if not static.exists():
        static.mkdir()
        (static / "vendor").symlink_to(ROOT / "gisportal" / "static" / "vendor")
    handler = partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def start_gunicorn(scratch: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": scratch.replace("postgresql://", "postgis://", 1),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "gisportal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def kb(size: int) -> str:
    return f"{size / 1000:,.0f} KB" if size < 10_000_000 else f"{size / 1_000_000:,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES))
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium package")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gisportal.settings")

    url = cluster_url()
    print(f"Scratch database {SCRATCH}: a copy of the dev database's layers …", flush=True)
    scratch = create_scratch(url)
    os.environ["DATABASE_URL"] = scratch.replace("postgresql://", "postgis://", 1)
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    rows: list[tuple[str, int, Load | None, str]] = []
    port = free_port()
    server = None
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder_name:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            folder = Path(folder_name)
            folium_port = free_port()
            folium_server = serve_folder(folder, folium_port)
            for size in sizes:
                started = time.perf_counter()
                count = top_up_complaints(scratch, size)
                print(f"{count:,} complaints seeded in {time.perf_counter() - started:.1f} s", flush=True)
                server = start_gunicorn(scratch, port)
                base = f"http://127.0.0.1:{port}"
                for path, label in (("/m/", "gisportal national /m/"), ("/m/3111/", "gisportal Sousse /m/3111/")):
                    urlopen(base + path).read()  # noqa: S310  (warm the workers: imports, first connection)
                    rows.append(
                        (label, count, median_load(browser, base + path, drawn_flag=True, runs=options.runs), "")
                    )
                    print(f"  {label}: done", flush=True)
                server.terminate()
                server.wait()
                server = None
                started = time.perf_counter()
                pages = plain_folium_pages(scratch, folder, GEOJSON_CAP)
                print(f"  plain Folium pages written in {time.perf_counter() - started:.1f} s", flush=True)
                folium_base = f"http://127.0.0.1:{folium_port}"
                runs = options.runs if count <= 100_000 else 1  # one run of a 40 MB page is enough
                rows.append(
                    (
                        "plain Folium FastMarkerCluster",
                        count,
                        median_load(browser, f"{folium_base}/fast.html", drawn_flag=False, runs=runs),
                        "",
                    )
                )
                if "geojson" in pages:
                    rows.append(
                        (
                            "plain Folium GeoJson",
                            count,
                            median_load(browser, f"{folium_base}/geojson.html", drawn_flag=False, runs=runs),
                            "",
                        )
                    )
                else:
                    rows.append(("plain Folium GeoJson", count, None, f"not run: above {GEOJSON_CAP:,} points"))
                print("  plain Folium: done", flush=True)
            folium_server.shutdown()
            browser.close()
    finally:
        if server is not None:
            server.terminate()
        if not options.keep:
            drop_database(url, SCRATCH)
    report(rows)


def report(rows: list[tuple[str, int, Load | None, str]]) -> None:
    print()
    # Browser, server and database share this machine's cores: a busy machine shows in the times.
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end of the run")
    print(
        "| map | complaints | HTML + data | transferred (all, first visit) | load event | complaints on the map |"
        " plain FastMarkerCluster / this (HTML + data, load event) |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    fast = {count: load for label, count, load, _ in rows if label == "plain Folium FastMarkerCluster" and load}
    for label, count, load, note in rows:
        if load is None:
            print(f"| {label} | {count:,} | — | — | — | — | {note} |")
            continue
        peer = fast.get(count)
        ratio = ""
        if peer and label.startswith("gisportal"):
            ratio = f"{peer.data_bytes / load.data_bytes:.2g}x the bytes, {peer.load_s / load.load_s:.2g}x the time"
        print(
            f"| {label} | {count:,} | {kb(load.data_bytes)} | {kb(load.transferred)} | {load.load_s:.2f} s |"
            f" {load.complaints_s:.2f} s | {ratio} |"
        )
    gisportal = [(count, load) for label, count, load, _ in rows if label.startswith("gisportal") and load]
    if gisportal:
        biggest = max(count for count, _ in gisportal)
        at_biggest = [load for count, load in gisportal if count == biggest]
        worst_bytes = max(load.data_bytes for load in at_biggest)
        worst_load = max(load.load_s for load in at_biggest)
        verdict = "met" if worst_bytes < TARGET_BYTES and worst_load < TARGET_SECONDS else "NOT met"
        print(
            f"\nTargets at {biggest:,} complaints (< {TARGET_BYTES // 1000} KB, < {TARGET_SECONDS} s to load):"
            f" {verdict} (worst {kb(worst_bytes)}, {worst_load:.2f} s)."
        )
    print(
        json.dumps(
            [
                {"map": label, "complaints": count, **(load.__dict__ if load else {}), "note": note}
                for label, count, load, note in rows
            ]
        ),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
