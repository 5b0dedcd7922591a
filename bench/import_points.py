"""Benchmark: 1,000,000 points from a GeoPackage into a layer, the portal's pipeline against ogr2ogr.

    make bench-import            # or: .venv/bin/python bench/import_points.py [--points N]

Everything happens in a scratch database (created, migrated, dropped at the end) of the running
cluster. The points are seeded waste containers spread over the 350 real municipalities, each with
its municipality code. The same file goes through
  1. `gisportal import … --layer service-points` (checks, repair, dedupe, municipality check, COPY,
     spatial indexes rebuilt after the load), and
  2. `ogr2ogr -f PostgreSQL` with PG_USE_COPY=YES into a scratch table: spatial index built first
     (the default), then with the index created after the load (SPATIAL_INDEX=NONE + CREATE INDEX),
     then also with the other index the layer has (municipality), for the same table shape.
     ogr2ogr checks nothing: no repair, no duplicates, no municipality.
Each run is a child process: wall time, features/s and peak memory (max RSS) are measured for each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import psycopg
import pyogrio
import shapely
from common import cluster_url, with_database

ROOT = Path(__file__).resolve().parent.parent
GISPORTAL = ROOT / ".venv" / "bin" / "gisportal"
SCRATCH = "gisportal_bench_import"
SEED = 2016
KINDS = np.array(["waste_container", "collection_point", "recycling_point"])


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds and peak RSS (MB) of one child process, measured by a wrapper of its own."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "t = time.perf_counter() - t\n"
        "sys.stderr.write(r.stderr)\n"
        "print(r.stdout)\n"
        "print(f'@@ {t} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {r.returncode}')\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, env=env)
    *output, last = done.stdout.strip().splitlines()
    _, seconds, rss_kb, code = last.split()
    if code != "0":
        raise SystemExit(f"{command[0]} failed:\n{done.stderr}\n{chr(10).join(output)}")
    return float(seconds), int(rss_kb) // 1024, "\n".join(output)


def generate(path: Path, municipalities: gpd.GeoDataFrame, count: int) -> None:
    """Seeded points inside the municipalities, in proportion to their area (rejection sampling)."""
    rng = np.random.default_rng(SEED)
    area = municipalities.geometry.to_crs(32632).area  # metric: all of Tunisia lies in UTM 32N
    shares = area / area.sum()
    wanted = rng.multinomial(count, shares.to_numpy())
    xs, ys, codes = [], [], []
    for (code, boundary), n in zip(
        zip(municipalities["code"], municipalities.geometry, strict=True), wanted, strict=True
    ):
        if n == 0:
            continue
        xmin, ymin, xmax, ymax = boundary.bounds
        shapely.prepare(boundary)
        got_x, got_y, have = [], [], 0
        while have < n:
            x = rng.uniform(xmin, xmax, 2 * n + 16)
            y = rng.uniform(ymin, ymax, 2 * n + 16)
            inside = shapely.contains_xy(boundary, x, y)
            got_x.append(x[inside])
            got_y.append(y[inside])
            have += int(inside.sum())
        xs.append(np.concatenate(got_x)[:n])
        ys.append(np.concatenate(got_y)[:n])
        codes.append(np.full(n, code))
    x, y, code = np.concatenate(xs), np.concatenate(ys), np.concatenate(codes)
    frame = gpd.GeoDataFrame(
        {
            "municipality": code,
            "kind": KINDS[rng.integers(0, len(KINDS), len(x))],
            "name": np.char.add("Conteneur ", np.arange(1, len(x) + 1).astype(str)),
            "capacity": rng.choice([660, 770, 1100], len(x)),
        },
        geometry=shapely.points(x, y),
        crs=4326,
    )
    pyogrio.write_dataframe(frame, path, layer="containers", driver="GPKG", dataset_options={"VERSION": "1.2"})


def ogr2ogr(pg: str, source: Path, table: str, index: str) -> list[str]:
    return [
        "ogr2ogr", "-f", "PostgreSQL", pg, str(source), "containers", "-nln", table, "-overwrite",
        "-lco", "GEOMETRY_NAME=location", "-lco", f"SPATIAL_INDEX={index}",
    ]  # fmt: skip


def measure_round(
    source: Path, work: Path, env: dict[str, str], scratch_url: str, points: int
) -> list[tuple[str, float, int]]:
    """One run of each tool on the same file, into empty tables."""
    results = []
    with psycopg.connect(scratch_url, autocommit=True) as db:
        # The layer and its history start empty every round, so each round takes the same path.
        db.execute("TRUNCATE layers_servicepoint, layers_historicalservicepoint CASCADE")
        db.execute("ANALYZE layers_servicepoint")
        db.execute("ANALYZE layers_historicalservicepoint")
        db.execute("DROP TABLE IF EXISTS bench_ogr_index_first, bench_ogr_index_after")
    seconds, rss, output = run_measured(
        [
            str(GISPORTAL), "import", str(source), "--layer", "service-points",
            "--report", str(work / "report.csv"), "--skip-checks", "--timings",
        ],
        env,
    )  # fmt: skip
    print(output.strip(), flush=True)
    results.append(("gisportal import (validated, index after)", seconds, rss))

    pg = f"PG:{scratch_url}"
    ogr_env = {**env, "PG_USE_COPY": "YES"}
    seconds, rss, _ = run_measured(ogr2ogr(pg, source, "bench_ogr_index_first", "GIST"), ogr_env)
    results.append(("ogr2ogr, COPY, GiST index first", seconds, rss))
    seconds, rss, _ = run_measured(ogr2ogr(pg, source, "bench_ogr_index_after", "NONE"), ogr_env)
    index_started = time.perf_counter()
    with psycopg.connect(scratch_url, autocommit=True) as db:
        db.execute("CREATE INDEX ON bench_ogr_index_after USING gist (location)")
    ogr_after = seconds + time.perf_counter() - index_started
    results.append(("ogr2ogr, COPY, index after", ogr_after, rss))
    # The same table shape as the layer: its municipality index too.
    index_started = time.perf_counter()
    with psycopg.connect(scratch_url, autocommit=True) as db:
        db.execute("CREATE INDEX ON bench_ogr_index_after (municipality)")
    results.append(
        ("ogr2ogr, index after, + the layer's indexes", ogr_after + time.perf_counter() - index_started, rss)
    )
    with psycopg.connect(scratch_url) as db:
        counts = db.execute(
            "SELECT (SELECT count(*) FROM layers_servicepoint), (SELECT count(*) FROM bench_ogr_index_after)"
        ).fetchone()
    assert counts == (points, points), counts
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each tool; the best counts")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    admin_url = cluster_url()
    scratch_url = with_database(admin_url, SCRATCH)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        admin.execute(f"CREATE DATABASE {SCRATCH}")
    env = {**os.environ, "DATABASE_URL": scratch_url.replace("postgresql://", "postgis://", 1)}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
            work = Path(folder)
            print(f"scratch database {SCRATCH}: migrating and importing the 350 real municipalities …", flush=True)
            subprocess.run([str(GISPORTAL), "migrate", "-v", "0"], env=env, check=True)
            real = ROOT / "fixtures" / "real" / "tn-municipalities-data4tunisia"
            for layer, name, spec in (
                ("governorate", "tun_governorates.geojson", "tn-governorates"),
                ("municipality", "tun_municipalities.geojson", "tn-municipalities"),
            ):
                subprocess.run(
                    [
                        str(GISPORTAL),
                        "import",
                        str(real / name),
                        "--layer",
                        layer,
                        "--mapping",
                        spec,
                        "--report",
                        str(work / f"{layer}.csv"),
                        "--skip-checks",
                    ],
                    env=env,
                    check=True,
                    capture_output=True,
                )
            with psycopg.connect(scratch_url) as db:
                rows = db.execute(
                    "SELECT code, ST_AsBinary(boundary) FROM layers_municipality ORDER BY code"
                ).fetchall()
            municipalities = gpd.GeoDataFrame(
                {"code": [r[0] for r in rows]}, geometry=shapely.from_wkb([bytes(r[1]) for r in rows]), crs=4326
            )
            source = work / "containers.gpkg"
            started = time.perf_counter()
            generate(source, municipalities, args.points)
            print(
                f"generated {args.points:,} points in {time.perf_counter() - started:.1f} s "
                f"({source.stat().st_size / 2**20:.0f} MB GeoPackage)",
                flush=True,
            )

            best: dict[str, tuple[float, int]] = {}
            for round_number in range(1, args.rounds + 1):
                # The machine is shared: tools alternate, and each keeps its best round.
                for name, seconds, rss in measure_round(source, work, env, scratch_url, args.points):
                    if name not in best or seconds < best[name][0]:
                        best[name] = (seconds, rss)
                    print(f"  round {round_number}: {name}: {seconds:.1f} s", flush=True)
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")

    results = [(name, seconds, rss) for name, (seconds, rss) in best.items()]
    ours = results[0][1]
    print(f"\n{args.points:,} points, GeoPackage → PostGIS, same file, same run, best of {args.rounds} rounds")
    print(f"{'tool':44} {'seconds':>8} {'features/s':>11} {'peak MB':>8} {'time ratio':>11}")
    for name, seconds, rss in results:
        print(f"{name:44} {seconds:8.1f} {args.points / seconds:11,.0f} {rss:8,} {seconds / ours:10.2f}x")


if __name__ == "__main__":
    main()
