# Two commands on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GISPORTAL := $(BIN)/gisportal
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test setup system-packages python-packages database lint bench clean bench-load

demo: setup  ## set everything up and serve the portal with the demo data on http://127.0.0.1:8000
	$(GISPORTAL) load_demo --if-empty
	$(GISPORTAL) load_places --if-empty
	$(GISPORTAL) load_demo_budgets --if-empty
	$(GISPORTAL) load_demo_finances --if-empty
	$(GISPORTAL) load_demo_streets --if-empty
	$(GISPORTAL) load_demo_council --if-empty
	$(GISPORTAL) load_demo_petitions --if-empty
	$(GISPORTAL) load_demo_scorecards --if-empty
	$(GISPORTAL) load_demo_score_cards --if-empty
	$(GISPORTAL) load_demo_consultations --if-empty
	$(GISPORTAL) demo_accounts
	$(BIN)/gunicorn gisportal.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

test: SYSTEM_FLAGS = --with-dev-tools
test: setup  ## set everything up and run the whole test suite, a process per core (each on its own test database)
	$(BIN)/pytest -n auto --dist loadfile

setup: system-packages python-packages database
	$(GISPORTAL) migrate --no-input -v 0
	$(GISPORTAL) compilemessages --ignore=.venv --ignore=var -v 0
	$(GISPORTAL) collectstatic --no-input -v 0

system-packages:
	@scripts/install-system-packages.sh $(SYSTEM_FLAGS)

python-packages: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# The embedded PostgreSQL cluster, unless DATABASE_URL points elsewhere.
database: python-packages
	@if [ -z "$$DATABASE_URL" ]; then $(GISPORTAL) db start; fi

lint: python-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

# Every benchmark, each side by side with its peer tool; targets bench-<topic> are listed here.
bench: bench-maps bench-import bench-api bench-tiles bench-analyses bench-intake bench-pb bench-pb-votes bench-routes bench-load

clean:
	-$(GISPORTAL) db stop
	rm -rf $(VENV) var

# Citizen maps at 1k, 100k and 1M complaints against a plain Folium map: page weight, time to load in Chromium.
bench-maps: setup
	$(BIN)/python bench/citizen_maps.py

# 1M points from a GeoPackage: the import pipeline against ogr2ogr (COPY, index first / after), in a scratch database.
bench-import: setup
	$(BIN)/python bench/import_points.py

# Analyst API on 1M seeded complaints (scratch database): OGC items by bbox under gunicorn + wrk against pygeoapi
# (own venv under var/bench), a plain DRF-gis view and a bare WSGI ceiling; vector tiles against the bare ST_AsMVT query;
# every analysis through the API against its SQL alone (demo data, read-only).
bench-api: setup
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk)
	$(BIN)/python bench/api_items.py

bench-tiles: setup
	$(BIN)/python bench/tiles.py

bench-analyses: setup
	$(BIN)/python bench/analyses.py

# Citizen report intake under load on loopback (scratch database): gunicorn + wrk, zero lost reports
bench-intake: setup
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk)
	$(BIN)/python bench/intake.py

# Results of a budget with 100,000 ballots and 200 projects: greedy and equal shares (add1), ours against pabutools alone.
bench-pb: python-packages
	$(BIN)/python bench/pb_results.py

# Participatory-budget ballots cast under load on loopback (scratch database): gunicorn + wrk, first and changed
# ballots and one voter on several phones at once, against the same writes in bare SQL; zero lost or double ballots.
bench-pb-votes: setup
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk)
	$(BIN)/python bench/pb_votes.py

# Waste collection routes: our optimiser (VROOM) against PyVRP on CVRPLIB X and Solomon instances, 10 s each, gap to
# best-known, every solution checked independently.
bench-routes: python-packages
	$(BIN)/python bench/routes.py

# A realistic mix on loopback (scratch database, one Redis): citizens reading maps and reporting, staff triaging,
# analysts paging items, tiles; 30 s with one gunicorn node, then two (round robin); requests/s, p50/p99, 0 errors.
bench-load: setup
	$(BIN)/python bench/load_mix.py
